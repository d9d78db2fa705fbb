"""调解案件: the case list, visits waiting to be accepted, due follow-ups, and the case editor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services import mediation
from desktop.services.admin import audit
from desktop.services.mediation import CaseInput
from desktop.views.mediation.case_editor import CaseEditor
from desktop.views.page_lists import Listed, PageLists
from desktop.views.record_list import (
    OVERDUE_FG,
    Record,
    fill_records,
    fill_routed,
    filter_box,
    record_table,
    refresh_when_shown,
    routed_box,
    search_box,
    search_timer,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named

log = logging.getLogger(__name__)


class CasesPage(QWidget):
    """The mediators' section: a list of cases and, on opening one, its editor."""

    COLUMNS: ClassVar[list[str]] = [
        "案号", "案件名称", "类别", "调解员", "受理日期", "期限", "状态"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "case", self.tr("调解案件"))
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database)
        self.lists.add("cases", self._cases_reading, self._show_cases)
        self.lists.add("routed", self._routed_reading, self._show_routed)
        self.lists.add("due", self._due_reading, self._show_due)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.filter = filter_box("case.filter", self.tr("案件筛选"), {
            key: self.tr(text) for key, text in mediation.LIST_FILTERS.items()})
        self.search = search_box("case.search", self.tr("搜索案件"),
                                 self.tr("案号、当事人姓名、身份证号或电话"))
        self.new_button = named(QPushButton(self.tr("直接受理新案件")), "case.new",
                                self.tr("直接受理新案件"),
                                self.tr("不经接待分流，直接受理（Ctrl+N）"))
        self.open_button = named(QPushButton(self.tr("打开")), "case.open", self.tr("打开所选案件"))
        self.summary = named(QLabel(), "case.summary", self.tr("案件统计"))
        self.table = record_table("case.table", self.tr("案件列表"),
                                  [self.tr(c) for c in self.COLUMNS], stretch=1)

        self.routed = named(QListWidget(), "case.routed", self.tr("待受理的分流来访"))
        self.routed.setWordWrap(True)
        self.accept_routed = named(QPushButton(self.tr("受理所选来访")), "case.accept_routed",
                                   self.tr("受理所选来访"))
        self.due = named(QListWidget(), "case.due_follow_ups", self.tr("到期回访"))
        self.due.setWordWrap(True)

        left = QVBoxLayout()
        left.addLayout(tool_row([self.filter], self.search, [self.open_button, self.new_button]))
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        routed = routed_box(self.tr("分流到调解室、尚未受理的来访"), self.routed,
                            self.accept_routed)
        due_box = QGroupBox(self.tr("到期回访"))
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.due)
        right = QVBoxLayout()
        right.addWidget(routed, 3)
        right.addWidget(due_box, 2)
        list_page = QWidget()
        list_layout = QHBoxLayout(list_page)
        list_layout.addLayout(left, 3)
        right_widget = QWidget()
        right_widget.setLayout(right)
        right_widget.setMaximumWidth(340)
        list_layout.addWidget(right_widget, 1)

        self.editor = CaseEditor(database=self.database)
        self.stack = named(QStackedWidget(), "case.stack", self.tr("调解案件"))
        self.stack.addWidget(list_page)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._search_timer = search_timer(self)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self.refresh_cases)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh_cases)
        self.table.itemActivated.connect(lambda _item: self.on_open())
        self.table.itemDoubleClicked.connect(lambda _item: self.on_open())
        self.open_button.clicked.connect(self.on_open)
        self.new_button.clicked.connect(self.on_new)
        self.accept_routed.clicked.connect(self.on_accept_routed)
        self.routed.itemDoubleClicked.connect(lambda _item: self.on_accept_routed())
        self.due.itemDoubleClicked.connect(self.on_open_due)
        self.editor.back_requested.connect(self.show_list)
        self.editor.changed.connect(self.refresh)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.on_new)

    # ------------------------------------------------------------------ lists

    def refresh(self) -> None:
        self.lists.now()

    def refresh_cases(self) -> None:
        self.lists.now("cases")

    def refresh_routed(self) -> None:
        self.lists.now("routed")

    def refresh_due(self) -> None:
        self.lists.now("due")

    def _cases_reading(self) -> Callable[[Session], Listed[mediation.CaseRow]]:
        status, search, today = self.filter.currentData(), self.search.text(), date.today()
        return lambda session: Listed(
            mediation.case_list(session, status=status, search=search, today=today),
            mediation.case_counts(session, today=today))

    def _show_cases(self, found: Listed[mediation.CaseRow]) -> None:
        records = []
        for row in found.rows:
            if row.days_left is None:
                limit = ""
            elif row.overdue:
                limit = self.tr("超期 {0} 天").format(-row.days_left)
            else:
                limit = self.tr("剩 {0} 天").format(row.days_left)
            soon = row.days_left is not None and row.days_left <= 5
            records.append(Record(row.case_id, [
                row.case_no, row.title, row.category, row.mediators,
                f"{row.accepted_on:%Y-%m-%d}", limit, row.status], row.overdue,
                5 if soon else None))
        fill_records(self.table, records)
        counts = found.counts
        self.summary.setText(self.tr("办理中 {0} 件，其中超期 {1} 件；已结案 {2} 件。").format(
            counts["open"], counts["overdue"], counts["closed"]))

    def _routed_reading(self) -> Callable[[Session], list[mediation.RoutedVisit]]:
        today = date.today()
        return lambda session: mediation.routed_visits(session, today=today)

    def _show_routed(self, visits: list[mediation.RoutedVisit]) -> None:
        self.accept_routed.setEnabled(fill_routed(self.routed, visits))

    def _due_reading(self) -> Callable[[Session], list[mediation.DueFollowUp]]:
        today = date.today()
        return lambda session: mediation.due_follow_ups(session, today=today, within_days=3)

    def _show_due(self, due: list[mediation.DueFollowUp]) -> None:
        self.due.clear()
        for entry in due:
            late = (self.tr("逾期 {0} 天").format(entry.days_late) if entry.days_late > 0
                    else self.tr("今天") if entry.days_late == 0
                    else self.tr("{0} 天后").format(-entry.days_late))
            item = QListWidgetItem(f"{entry.planned_on:%m-%d}（{late}）{entry.case_no}\n"
                                   f"{entry.title}")
            item.setData(Qt.ItemDataRole.UserRole, entry.case_id)
            if entry.days_late > 0:
                item.setForeground(OVERDUE_FG)
            self.due.addItem(item)

    # ------------------------------------------------------------------ navigation

    def show_list(self) -> None:
        self.stack.setCurrentIndex(0)
        self.refresh()
        self.table.setFocus()

    def open_case(self, case_id: int) -> CaseEditor:
        self.editor.reload_choices()
        self.editor.load(case_id)
        detail = self.editor.detail
        audit.log_event(self.database, "open_record", "mediation_case", case_id,
                        {"案号": detail.case_no if detail else ""})
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def selected_case_id(self) -> int | None:
        return selected_key(self.table)

    def on_open(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def on_open_due(self, item: QListWidgetItem) -> None:
        editor = self.open_case(item.data(Qt.ItemDataRole.UserRole))
        editor.tabs.setCurrentIndex(4)

    def on_new(self) -> CaseEditor:
        self.editor.reload_choices()
        self.editor.start_new(CaseInput(facts="", source="当事人申请"))
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def on_accept_routed(self) -> CaseEditor | None:
        item = self.routed.currentItem()
        if item is None:
            return None
        return self.accept_visit(item.data(Qt.ItemDataRole.UserRole))

    def accept_visit(self, visit_id: int) -> CaseEditor:
        """Start accepting a case for a routed visit: applicant and facts come from the visit."""
        with self.database.read() as session:
            data, applicant = mediation.draft_from_visit(session, visit_id)
        self.editor.reload_choices()
        self.editor.start_new(data, applicant)
        self.stack.setCurrentWidget(self.editor)
        return self.editor
