"""协议/结果: the agreement typed beside its live preview, and closing the case."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.services import mediation
from desktop.services.mediation import (
    AgreementInput,
    CaseDetail,
    OutcomeInput,
)
from desktop.services.mediation import documents as mediation_documents
from desktop.views.form_widgets import (
    DateEdit,
    OptionalDateEdit,
    select_data,
    set_read_only,
)
from desktop.views.mediation.case_widgets import CaseTab, cell, text_edit
from desktop.views.pdf_preview import PdfPreview, PdfPreviewDialog
from desktop.views.widgets import FieldError, named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor

PREVIEW_DELAY_MS = 400
OUTCOME_CHOICES = [
    ("调解成功（书面协议）", ("调解成功", "written")),
    ("调解成功（口头协议）", ("调解成功", "oral")),
    ("调解不成功", ("调解不成功", None)),
    ("终止调解", ("终止调解", None)),
]


class AgreementTab(CaseTab):
    """协议/结果 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        # The version of the agreement the form shows (None: no agreement saved yet).
        self.agreement_version: int | None = None
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.agreement_kind = named(QComboBox(), "agreement.kind", self.tr("协议形式"))
        for key, text in mediation.AGREEMENT_KINDS.items():
            self.agreement_kind.addItem(text, key)
        self.clauses = text_edit("agreement.clauses", self.tr("协议条款（每行一条）"), 160)
        self.clauses.setPlaceholderText(self.tr("每行一条协议内容，编号（一、二、……）自动生成"))
        self.method = named(QLineEdit(), "agreement.method", self.tr("履行方式"))
        self.place = named(QLineEdit(), "agreement.place", self.tr("履行地点"))
        self.deadline_text = named(QLineEdit(), "agreement.deadline", self.tr("履行期限"))
        self.copies = named(QSpinBox(), "agreement.copies", self.tr("协议份数"))
        self.copies.setRange(0, 50)
        self.copies.setSpecialValueText(self.tr("自动（当事人数 + 1）"))
        self.amount = named(QLineEdit(), "agreement.amount", self.tr("协议涉及金额（元）"))
        self.amount.setPlaceholderText(self.tr("如 3000 或 12000.50，不涉及金额可不填"))
        self.signed_on = named(OptionalDateEdit(), "agreement.signed_on", self.tr("签订日期"))
        self.effective_on = named(OptionalDateEdit(empty_text="同签订日期"),
                                  "agreement.effective_on", self.tr("生效日期"))
        self.agreement_save = named(QPushButton(self.tr("保存协议")), "agreement.save",
                                    self.tr("保存协议"))
        self.agreement_print = named(QPushButton(self.tr("打印协议…")), "agreement.print",
                                     self.tr("预览并打印协议"))
        self.agreement_errors = {k: FieldError(f"agreement.{k}_error")
                                 for k in ("clauses", "copies", "amount", "effective_on", "kind")}
        self.preview = PdfPreview(object_name="agreement.preview")
        self.preview.setMinimumWidth(380)

        form = QFormLayout()
        form.addRow(self.tr("协议形式"), self.agreement_kind)
        form.addRow(self.tr("协议条款"), cell(self.clauses, self.agreement_errors["clauses"]))
        form.addRow(self.tr("履行方式"), self.method)
        form.addRow(self.tr("履行地点"), self.place)
        form.addRow(self.tr("履行期限"), self.deadline_text)
        form.addRow(self.tr("份数"), cell(self.copies, self.agreement_errors["copies"]))
        form.addRow(self.tr("涉及金额"), cell(self.amount, self.agreement_errors["amount"]))
        dates = QHBoxLayout()
        dates.addWidget(self.signed_on)
        dates.addWidget(QLabel(self.tr("生效")))
        dates.addWidget(self.effective_on)
        form.addRow(self.tr("签订日期"), dates)
        form.addRow("", self.agreement_errors["effective_on"])
        agreement_buttons = QHBoxLayout()
        agreement_buttons.addStretch(1)
        agreement_buttons.addWidget(self.agreement_save)
        agreement_buttons.addWidget(self.agreement_print)

        self.outcome = named(QComboBox(), "case.outcome", self.tr("调解结果"))
        for text, data in OUTCOME_CHOICES:
            self.outcome.addItem(self.tr(text), data)
        self.outcome_reason = named(QLineEdit(), "case.outcome_reason",
                                    self.tr("不成功或终止的原因"))
        self.guided_to = named(QComboBox(), "case.guided_to", self.tr("引导途径"))
        self.guided_to.addItem(self.tr("（不适用）"), "")
        for item in mediation.GUIDED_TO:
            self.guided_to.addItem(item, item)
        self.closed_on = named(DateEdit(), "case.closed_on", self.tr("结案日期"))
        self.close_button = named(QPushButton(self.tr("结案")), "case.close", self.tr("结案"))
        self.reopen_button = named(QPushButton(self.tr("重新打开")), "case.reopen",
                                   self.tr("撤销结案，重新打开"))
        self.outcome_errors = {k: FieldError(f"case.{k}_error")
                               for k in ("outcome", "reason", "guided_to", "closed_on")}
        outcome_box = QGroupBox(self.tr("调解结果"))
        outcome_form = QFormLayout(outcome_box)
        outcome_form.addRow(self.tr("结果"), cell(self.outcome, self.outcome_errors["outcome"]))
        outcome_form.addRow(self.tr("原因"), cell(self.outcome_reason,
                                                 self.outcome_errors["reason"]))
        outcome_form.addRow(self.tr("引导至"), cell(self.guided_to,
                                                  self.outcome_errors["guided_to"]))
        outcome_form.addRow(self.tr("结案日期"), cell(self.closed_on,
                                                   self.outcome_errors["closed_on"]))
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.reopen_button)
        close_row.addWidget(self.close_button)
        outcome_form.addRow(close_row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addLayout(agreement_buttons)
        left_layout.addWidget(outcome_box)
        left_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _connect_signals(self) -> None:
        for edit in (self.method, self.place, self.deadline_text, self.amount):
            edit.textChanged.connect(self.preview_timer.start)
        self.clauses.textChanged.connect(self.preview_timer.start)
        self.copies.valueChanged.connect(self.preview_timer.start)
        self.signed_on.dateChanged.connect(self.preview_timer.start)
        self.agreement_kind.currentIndexChanged.connect(self.on_kind_changed)
        self.preview_timer.timeout.connect(self.on_refresh_preview)
        self.agreement_save.clicked.connect(self.on_save_agreement)
        self.agreement_print.clicked.connect(self.on_print_agreement)
        self.outcome.currentIndexChanged.connect(self.on_outcome_changed)
        self.close_button.clicked.connect(self.on_close_case)
        self.reopen_button.clicked.connect(self.on_reopen_case)

    def fill_agreement(self, data: AgreementInput | None) -> None:
        data = data or AgreementInput(clauses=[])
        widgets: list[QWidget] = [self.agreement_kind, self.clauses, self.method, self.place,
                                  self.deadline_text, self.copies, self.amount, self.signed_on,
                                  self.effective_on]
        for widget in widgets:
            widget.blockSignals(True)
        select_data(self.agreement_kind, data.kind)
        self.clauses.setPlainText("\n".join(data.clauses))
        self.method.setText(data.performance_method)
        self.place.setText(data.performance_place)
        self.deadline_text.setText(data.performance_deadline)
        self.copies.setValue(data.copies or 0)
        self.amount.setText(data.amount)
        self.signed_on.set_value(data.signed_on)
        self.effective_on.set_value(data.effective_on if data.effective_on != data.signed_on
                                    else None)
        for widget in widgets:
            widget.blockSignals(False)
        self.show_agreement_errors({})
        self.on_refresh_preview()

    def fill_outcome(self, detail: CaseDetail) -> None:
        kind = detail.agreement.kind if detail.agreement else "written"
        if detail.outcome == "调解成功":
            select_data(self.outcome, ("调解成功", kind))
        elif detail.outcome:
            select_data(self.outcome, (detail.outcome, None))
        else:
            select_data(self.outcome, ("调解成功", kind))
        self.outcome_reason.setText(detail.outcome_reason or "")
        select_data(self.guided_to, detail.guided_to or "")
        self.closed_on.set_value(detail.closed_on or date.today())
        self.close_button.setEnabled(detail.outcome is None)
        self.reopen_button.setEnabled(detail.outcome is not None)
        self.on_outcome_changed()
        for label in self.outcome_errors.values():
            label.show_message(None)

    def show_agreement_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.agreement_errors.items():
            label.show_message(errors.get(key))

    def agreement_form(self) -> AgreementInput:
        return AgreementInput(
            clauses=mediation.clauses_from_text(self.clauses.toPlainText()),
            kind=self.agreement_kind.currentData(), performance_method=self.method.text(),
            performance_place=self.place.text(), performance_deadline=self.deadline_text.text(),
            copies=self.copies.value() or None, amount=self.amount.text(),
            signed_on=self.signed_on.value(), effective_on=self.effective_on.value(),
        )

    def set_closed(self, closed: bool) -> None:
        for widget in (self.agreement_kind, self.clauses, self.method, self.place,
                       self.deadline_text, self.copies, self.amount, self.signed_on,
                       self.effective_on):
            set_read_only(widget, closed)
        self.agreement_save.setEnabled(not closed)

    def on_kind_changed(self) -> None:
        kind = self.agreement_kind.currentData()
        select_data(self.outcome, ("调解成功", kind))
        self.preview_timer.start()

    def preview_pdf(self) -> bytes | None:
        if self.detail is None:
            return None
        from desktop.printing.agreement import render_agreement, render_oral_agreement

        detail = self.detail.with_agreement(self.agreement_form())
        if self.agreement_kind.currentData() == "oral":
            return render_oral_agreement(detail)
        return render_agreement(detail)

    def on_refresh_preview(self) -> None:
        """Re-render the agreement as typed (debounced) into the preview beside the editor."""
        pdf = self.preview_pdf()
        if pdf is not None:
            self.preview.set_pdf(pdf)

    def on_save_agreement(self) -> bool:
        if self.case_id is None:
            return False
        data, case_id, version = self.agreement_form(), self.case_id, self.agreement_version
        if self.run_save(lambda: mediation.save_agreement(self.database, case_id, data,
                                                      version=version),
                     self.agreement_errors, self.tr("协议已保存。"), form="agreement"):
            self.editor.reload_case("agreement")
            return True
        return False

    def on_print_agreement(self) -> PdfPreviewDialog | None:
        """Save the agreement as typed, then show it for printing through the system dialog.

        A closed case prints its agreement as saved.
        """
        if self.detail is None:
            return None
        if not self.detail.is_closed and not self.on_save_agreement():
            return None
        oral = self.agreement_kind.currentData() == "oral"
        document = "oral" if oral else "agreement"
        title = self.tr("口头调解协议登记表") if oral else self.tr("人民调解协议书")
        pdf = mediation_documents.print_detail(self.database, self.detail, document)
        return self.editor.show_pdf(pdf, f"{title} {self.detail.case_no}",
                                    self.editor.file_name(title))

    def on_outcome_changed(self) -> None:
        data = self.outcome.currentData()
        outcome = data[0] if data else ""
        self.outcome_reason.setEnabled(outcome != "调解成功")
        self.guided_to.setEnabled(outcome == "调解不成功")
        if data and data[1] and self.agreement_kind.currentData() != data[1]:
            select_data(self.agreement_kind, data[1])

    def on_close_case(self) -> None:
        if self.case_id is None:
            return
        outcome, _kind = self.outcome.currentData()
        case_id, version = self.case_id, self.agreement_version
        data = OutcomeInput(outcome=outcome, closed_on=self.closed_on.value(),
                            reason=self.outcome_reason.text(),
                            guided_to=self.guided_to.currentData() or "")
        agreement_saved = False

        def close() -> None:
            nonlocal agreement_saved
            if outcome == "调解成功":
                mediation.save_agreement(self.database, case_id, self.agreement_form(),
                                         version=version)
                agreement_saved = True
            mediation.close_case(self.database, case_id, data)

        closed = self.run_save(close, {**self.outcome_errors, **self.agreement_errors},
                           self.tr("已结案：{0}。").format(outcome), form="agreement")
        if closed or agreement_saved:  # an agreement saved by a refused close shows as saved
            self.editor.reload_case("agreement")

    def on_reopen_case(self) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id
        if self.run_save(lambda: mediation.reopen_case(self.database, case_id), {},
                     self.tr("已撤销结案，案件重新办理。")):
            self.editor.reload_case()
