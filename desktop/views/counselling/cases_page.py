"""心理咨询: the counsellors' list of cases (high risk and overdue in red), the visits
routed to the room waiting to be taken up, and the case editor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.counselling import LIST_FILTERS, cases
from desktop.services.counselling.cases import CaseInput
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.registers.rows import Period
from desktop.views import dialogs
from desktop.views.counselling.case_editor import CaseEditor
from desktop.views.page_lists import Listed, PageLists
from desktop.views.record_list import (
    Record,
    fill_records,
    fill_routed,
    filter_box,
    record_table,
    refresh_when_shown,
    routed_box,
    search_box,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named


class CounsellingPage(QWidget):
    COLUMNS: ClassVar[list[str]] = ["编号", "来访人", "接案日期", "咨询次数", "最近咨询",
                                    "最高风险", "状态"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "counselling", self.tr("心理咨询"))
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database)
        self.lists.add("cases", self._cases_reading, self._show_cases)
        self.lists.add("routed", self._routed_reading, self._show_routed)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.filter = filter_box("counselling.filter", self.tr("个案筛选"), {
            key: self.tr(text) for key, text in LIST_FILTERS.items()})
        self.search = search_box("counselling.search", self.tr("搜索个案"),
                                 self.tr("编号、姓名或电话"))
        self.open_button = named(QPushButton(self.tr("打开")), "counselling.open",
                                 self.tr("打开所选个案"))
        self.new_button = named(QPushButton(self.tr("直接接案")), "counselling.new",
                                self.tr("不经分流直接接案"))
        self.export_button = named(QPushButton(self.tr("导出本月台账…")), "counselling.export",
                                   self.tr("导出心理咨询个案台账"))
        self.summary = named(QLabel(), "counselling.summary", self.tr("个案统计"))
        self.table = record_table("counselling.table", self.tr("咨询个案列表"),
                                  [self.tr(c) for c in self.COLUMNS], stretch=1)
        self.routed = named(QListWidget(), "counselling.routed", self.tr("待接案的分流来访"))
        self.take_up_button = named(QPushButton(self.tr("接案所选来访")),
                                    "counselling.take_up", self.tr("接案所选来访"))
        left = QVBoxLayout()
        left.addLayout(tool_row([self.filter], self.search,
                                [self.open_button, self.new_button, self.export_button]))
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        routed = routed_box(self.tr("分流到心理咨询室、尚未接案的来访"), self.routed,
                            self.take_up_button)
        routed.setMaximumWidth(320)
        list_page = QWidget()
        list_layout = QHBoxLayout(list_page)
        list_layout.addLayout(left, 3)
        list_layout.addWidget(routed, 1)
        self.editor = CaseEditor(database=self.database)
        self.stack = named(QStackedWidget(), "counselling.stack", self.tr("心理咨询"))
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self.refresh_cases)
        self.search.returnPressed.connect(self.refresh_cases)
        self.table.itemDoubleClicked.connect(lambda _item: self.on_open())
        self.open_button.clicked.connect(self.on_open)
        self.new_button.clicked.connect(self.on_new)
        self.export_button.clicked.connect(self.on_export)
        self.take_up_button.clicked.connect(self.on_take_up)
        self.routed.itemDoubleClicked.connect(lambda _item: self.on_take_up())
        self.editor.back_requested.connect(self.show_list)
        self.editor.changed.connect(self.refresh)

    def on_export(self) -> Path | None:
        """The counsellors' register of this month (numbers and counts, no content)."""
        from desktop.exports.registers import REGISTERS, export_register

        today = date.today()
        period = Period.month(today.year, today.month)
        definition = REGISTERS["counselling"]
        path = dialogs.ask_save_path(self, self.tr("导出心理咨询个案台账"),
                                     definition.file_name(period), "Excel 文件 (*.xlsx)")
        if path is None:
            return None
        try:
            return export_register(self.database, "counselling", period, path).path
        except (ValidationError, PermissionDenied, OSError) as exc:
            dialogs.warn(self, self.tr("不能导出"), str(exc))
            return None

    def refresh(self) -> None:
        self.lists.now()

    def refresh_cases(self) -> None:
        self.lists.now("cases")

    def refresh_routed(self) -> None:
        self.lists.now("routed")

    def _cases_reading(self) -> Callable[[Session], Listed[cases.CaseRow]]:
        status, search, today = self.filter.currentData(), self.search.text(), date.today()
        return lambda session: Listed(
            cases.case_list(session, status=status, search=search, today=today),
            cases.case_counts(session))

    def _show_cases(self, found: Listed[cases.CaseRow]) -> None:
        records = []
        for row in found.rows:
            last = f"{row.last_contact:%Y-%m-%d}" + (self.tr("（超期）") if row.overdue else "")
            records.append(Record(row.case_id, [
                row.case_no, row.person_name, f"{row.opened_on:%Y-%m-%d}", str(row.sessions),
                last, row.highest_risk, row.status], row.attention))
        fill_records(self.table, records)
        counts = found.counts
        self.summary.setText(self.tr("咨询中 {0} 件，其中高风险 {1} 件；已结案 {2} 件。").format(
            counts["open"], counts["high"], counts["closed"]))

    def _routed_reading(self) -> Callable[[Session], list[cases.RoutedVisit]]:
        today = date.today()
        return lambda session: cases.routed_visits(session, today=today)

    def _show_routed(self, visits: list[cases.RoutedVisit]) -> None:
        self.take_up_button.setEnabled(fill_routed(self.routed, visits))

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.refresh()

    def selected_case_id(self) -> int | None:
        return selected_key(self.table)

    def open_case(self, case_id: int) -> CaseEditor:
        detail = self.editor.load(case_id)
        cases.log_opened(self.database, detail)
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def on_open(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def on_new(self) -> CaseEditor:
        self.editor.start_new(CaseInput(person_id=None, intake_problem=""))
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def on_take_up(self) -> CaseEditor | None:
        item = self.routed.currentItem()
        if item is None:
            return None
        return self.take_up_visit(item.data(Qt.ItemDataRole.UserRole))

    def take_up_visit(self, visit_id: int) -> CaseEditor:
        with self.database.read() as session:
            draft = cases.draft_from_visit(session, visit_id)
        self.editor.start_new(draft)
        self.stack.setCurrentWidget(self.editor)
        return self.editor
