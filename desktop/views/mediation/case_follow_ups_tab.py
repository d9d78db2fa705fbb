"""回访: follow-ups planned and done; those due show in red."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation
from desktop.services.mediation import (
    CaseDetail,
    FollowUpInput,
)
from desktop.views.form_widgets import (
    DateEdit,
    OptionalDateEdit,
    select_data,
    select_text,
)
from desktop.views.mediation.case_widgets import CaseTab, cell, set_row, table_widget, text_edit
from desktop.views.widgets import FieldError, named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class FollowUpsTab(CaseTab):
    """回访 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        # The follow-up the form shows and its version (None: a new one).
        self.follow_up_id: int | None = None
        self.follow_up_version: int | None = None
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.follow_ups_table = table_widget("case.followups.table", self.tr("回访列表"),
                                       [self.tr("计划日期"), self.tr("回访日期"), self.tr("方式"),
                                        self.tr("回访人"), self.tr("履行情况"), self.tr("满意度")])
        self.fu_planned = named(DateEdit(), "case.followups.planned_on", self.tr("计划回访日期"))
        self.fu_done = named(OptionalDateEdit(empty_text="尚未回访"), "case.followups.done_on",
                             self.tr("回访日期"))
        self.fu_method = named(QComboBox(), "case.followups.method", self.tr("回访方式"))
        self.fu_method.addItems(["", *mediation.FOLLOW_UP_METHODS])
        self.fu_visitor = named(QComboBox(), "case.followups.visitor", self.tr("回访人"))
        self.fu_performance = named(QComboBox(), "case.followups.performance",
                                    self.tr("履行情况"))
        self.fu_performance.addItems(["", *mediation.PERFORMANCE])
        self.fu_satisfaction = named(QComboBox(), "case.followups.satisfaction",
                                     self.tr("当事人满意度"))
        self.fu_satisfaction.addItems(["", *mediation.SATISFACTION])
        self.fu_notes = text_edit("case.followups.notes", self.tr("回访情况"), 80)
        self.fu_new = named(QPushButton(self.tr("新回访")), "case.followups.new",
                            self.tr("安排新的回访"))
        self.fu_save = named(QPushButton(self.tr("保存回访")), "case.followups.save",
                             self.tr("保存回访"))
        self.fu_print = named(QPushButton(self.tr("打印回访记录")), "case.followups.print",
                              self.tr("预览并打印回访记录"))
        self.fu_errors = {k: FieldError(f"case.followups.{k}_error")
                          for k in ("performance", "satisfaction", "visitor", "done_on", "method")}
        form = QFormLayout()
        form.addRow(self.tr("计划日期"), self.fu_planned)
        form.addRow(self.tr("回访日期"), cell(self.fu_done, self.fu_errors["done_on"]))
        form.addRow(self.tr("方式"), cell(self.fu_method, self.fu_errors["method"]))
        form.addRow(self.tr("回访人"), cell(self.fu_visitor, self.fu_errors["visitor"]))
        form.addRow(self.tr("履行情况"), cell(self.fu_performance,
                                           self.fu_errors["performance"]))
        form.addRow(self.tr("满意度"), cell(self.fu_satisfaction,
                                          self.fu_errors["satisfaction"]))
        form.addRow(self.tr("情况"), self.fu_notes)
        buttons = QHBoxLayout()
        for button in (self.fu_new, self.fu_save, self.fu_print):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.follow_ups_table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.follow_ups_table.itemSelectionChanged.connect(self.on_follow_up_selected)
        self.fu_new.clicked.connect(self.on_new_follow_up)
        self.fu_save.clicked.connect(self.on_save_follow_up)
        self.fu_print.clicked.connect(lambda: self.editor.show_document("followups"))

    def fill_follow_ups(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
        table = self.follow_ups_table
        table.setRowCount(len(detail.follow_ups))
        today = date.today()
        for row, f in enumerate(detail.follow_ups):
            set_row(table, row, [
                f"{f.planned_on:%Y-%m-%d}", f"{f.done_on:%Y-%m-%d}" if f.done_on else "",
                f.method or "", f.visitor or "", f.performance or "", f.satisfaction or ""], f.id)
            if f.done_on is None and f.planned_on <= today:
                for column in range(table.columnCount()):
                    cell = table.item(row, column)
                    if cell is not None:
                        cell.setForeground(QColor("#d93025"))
        if keep_form:
            ids = [f.id for f in detail.follow_ups]
            if self.follow_up_id in ids:
                table.blockSignals(True)
                table.selectRow(ids.index(self.follow_up_id))
                table.blockSignals(False)
        else:
            self.on_new_follow_up()

    def follow_up_form(self) -> FollowUpInput:
        return FollowUpInput(
            planned_on=self.fu_planned.value(), done_on=self.fu_done.value(),
            method=self.fu_method.currentText(), visitor_id=self.fu_visitor.currentData(),
            performance=self.fu_performance.currentText(),
            satisfaction=self.fu_satisfaction.currentText(), notes=self.fu_notes.toPlainText(),
        )

    def on_follow_up_selected(self) -> None:
        row = self.follow_ups_table.currentRow()
        if self.detail is None or row < 0 or row >= len(self.detail.follow_ups):
            return
        f = self.detail.follow_ups[row]
        self.follow_up_id = f.id
        self.follow_up_version = f.version
        self.fu_planned.set_value(f.planned_on)
        self.fu_done.set_value(f.done_on)
        select_text(self.fu_method, f.method)
        select_data(self.fu_visitor, f.visitor_id)
        select_text(self.fu_performance, f.performance)
        select_text(self.fu_satisfaction, f.satisfaction)
        self.fu_notes.setPlainText(f.notes or "")
        self.editor.remember("follow_up")

    def on_new_follow_up(self) -> None:
        self.follow_up_id = None
        self.follow_up_version = None
        self.follow_ups_table.blockSignals(True)
        self.follow_ups_table.clearSelection()
        self.follow_ups_table.blockSignals(False)
        self.fu_planned.set_value(date.today())
        self.fu_done.set_value(None)
        for combo in (self.fu_method, self.fu_performance, self.fu_satisfaction):
            combo.setCurrentIndex(0)
        self.fu_visitor.setCurrentIndex(0)
        self.fu_notes.clear()
        for label in self.fu_errors.values():
            label.show_message(None)
        self.editor.remember("follow_up")

    def on_save_follow_up(self) -> None:
        if self.case_id is None:
            return
        data = self.follow_up_form()
        case_id, follow_up_id, version = self.case_id, self.follow_up_id, self.follow_up_version
        if follow_up_id is None or version is None:
            ok = self.run_save(lambda: mediation.add_follow_up(self.database, case_id, data),
                           self.fu_errors, self.tr("回访已保存。"))
        else:
            ok = self.run_save(lambda: mediation.update_follow_up(self.database, follow_up_id, data,
                                                              version=version),
                           self.fu_errors, self.tr("回访已保存。"), form="follow_up")
        if ok:
            self.editor.reload_case("follow_up")
