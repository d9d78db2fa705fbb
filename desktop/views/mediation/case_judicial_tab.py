"""司法确认: the court's confirmation within 30 days of a written agreement."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation
from desktop.services.mediation import (
    CaseDetail,
    JudicialInput,
)
from desktop.views.form_widgets import (
    OptionalDateEdit,
    select_text,
)
from desktop.views.mediation.case_widgets import CaseTab, cell, text_edit
from desktop.views.widgets import FieldError, named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class JudicialTab(CaseTab):
    """司法确认 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        # The version of the confirmation the form shows (None: none saved yet).
        self.judicial_version: int | None = None
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.judicial_deadline = named(QLabel(), "case.judicial.deadline",
                                       self.tr("申请司法确认的期限"))
        self.judicial_deadline.setWordWrap(True)
        self.court = named(QLineEdit(), "case.judicial.court", self.tr("人民法院"))
        self.court.setPlaceholderText(self.tr("如：某某市某某区人民法院"))
        self.applied_on = named(OptionalDateEdit(), "case.judicial.applied_on",
                                self.tr("申请日期"))
        self.judicial_result = named(QComboBox(), "case.judicial.result", self.tr("确认结果"))
        self.judicial_result.addItems(["", *mediation.JUDICIAL_RESULTS])
        self.result_on = named(OptionalDateEdit(), "case.judicial.result_on", self.tr("结果日期"))
        self.judicial_notes = text_edit("case.judicial.notes", self.tr("备注"), 60)
        self.judicial_save = named(QPushButton(self.tr("保存")), "case.judicial.save",
                                   self.tr("保存司法确认"))
        self.judicial_print = named(QPushButton(self.tr("打印司法确认申请书")),
                                    "case.judicial.print", self.tr("预览并打印司法确认申请书"))
        self.judicial_errors = {k: FieldError(f"case.judicial.{k}_error")
                                for k in ("court", "applied_on", "result")}
        form = QFormLayout()
        form.addRow(self.tr("人民法院"), cell(self.court, self.judicial_errors["court"]))
        form.addRow(self.tr("申请日期"), cell(self.applied_on, self.judicial_errors["applied_on"]))
        form.addRow(self.tr("确认结果"), cell(self.judicial_result,
                                           self.judicial_errors["result"]))
        form.addRow(self.tr("结果日期"), self.result_on)
        form.addRow(self.tr("备注"), self.judicial_notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.judicial_print)
        buttons.addWidget(self.judicial_save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.judicial_deadline)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.judicial_save.clicked.connect(self.on_save_judicial)
        self.judicial_print.clicked.connect(lambda: self.editor.show_document("judicial"))

    def fill_judicial(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
        agreement = detail.agreement
        j = detail.judicial
        if agreement is None or agreement.kind != "written":
            text = self.tr("书面调解协议生效后，双方当事人可以在三十日内共同向人民法院"
                           "申请司法确认。本案尚无书面协议。")
        else:
            effective = agreement.effective_on
            if effective is None:
                text = self.tr("请先在“协议/结果”中填写协议签订日期。")
            else:
                deadline = (j.deadline_on if j and j.deadline_on
                            else mediation.judicial_deadline(effective)) or effective
                left = (deadline - date.today()).days
                state = (self.tr("还剩 {0} 天").format(left) if left >= 0
                         else self.tr("已超过期限 {0} 天").format(-left))
                if j and j.applied_on:
                    state = self.tr("已于 {0:%Y-%m-%d} 申请").format(j.applied_on)
                text = self.tr("协议生效日期 {0:%Y-%m-%d}，申请司法确认的期限为 "
                               "{1:%Y-%m-%d}（{2}）。").format(effective, deadline, state)
        self.judicial_deadline.setText(text)
        can_apply = agreement is not None and agreement.kind == "written"
        for widget in (self.court, self.applied_on, self.judicial_result, self.result_on,
                       self.judicial_notes, self.judicial_save, self.judicial_print):
            widget.setEnabled(can_apply)
        if keep_form:
            return
        self.court.setText(j.court if j else "")
        self.applied_on.set_value(j.applied_on if j else None)
        select_text(self.judicial_result, j.result if j else "")
        self.result_on.set_value(j.result_on if j else None)
        self.judicial_notes.setPlainText(j.notes or "" if j else "")
        self.judicial_version = j.version if j else None
        self.editor.remember("judicial")
        for label in self.judicial_errors.values():
            label.show_message(None)

    def judicial_form(self) -> JudicialInput:
        return JudicialInput(court=self.court.text(), applied_on=self.applied_on.value(),
                             result=self.judicial_result.currentText(),
                             result_on=self.result_on.value(),
                             notes=self.judicial_notes.toPlainText())

    def on_save_judicial(self) -> None:
        if self.case_id is None:
            return
        data, case_id, version = self.judicial_form(), self.case_id, self.judicial_version
        if self.run_save(lambda: mediation.save_judicial_confirmation(self.database, case_id, data,
                                                                  version=version),
                     self.judicial_errors, self.tr("司法确认信息已保存。"), form="judicial"):
            self.editor.reload_case("judicial")
