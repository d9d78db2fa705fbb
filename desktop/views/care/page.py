"""关爱帮扶: the care register, the visits due and overdue, and visits routed to the room."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.care import entries, listing, routed, visits
from desktop.services.care.entries import EntryInput
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs
from desktop.views.care.entry_dialog import EntryDialog
from desktop.views.care.visit_dialog import EndDialog, VisitDialog
from desktop.views.page_lists import Listed, PageLists
from desktop.views.record_list import OVERDUE_FG as OVERDUE_FG
from desktop.views.record_list import (
    Record,
    fill_records,
    fill_routed,
    filter_box,
    mark_overdue,
    record_table,
    refresh_when_shown,
    routed_box,
    search_box,
    search_timer,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named


class CarePage(QWidget):
    COLUMNS: ClassVar[list[str]] = ["姓名", "身份证号", "关爱类别", "联系电话", "社区／网格",
                                    "走访频次", "责任人", "最近走访", "下次走访", "状态"]
    VISIT_COLUMNS: ClassVar[list[str]] = ["走访日期", "走访人", "走访情况", "帮扶类型", "帮扶内容"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_dialog: EntryDialog | VisitDialog | EndDialog | None = None
        self.detail: listing.EntryDetail | None = None
        named(self, "care", self.tr("关爱帮扶"))
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database, on_refused=self._refused)
        self.lists.add("entries", self._entries_reading, self._show_entries)
        self.lists.add("due", self._due_reading, self._show_due)
        self.lists.add("routed", self._routed_reading, self._show_routed)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.filter = filter_box("care.filter", self.tr("名册筛选"), {
            key: self.tr(text) for key, text in listing.LIST_FILTERS.items()})
        self.group = named(QComboBox(), "care.group", self.tr("关爱类别筛选"))
        self.group.addItem(self.tr("全部类别"), "")
        for group in entries.GROUPS:
            self.group.addItem(group, group)
        self.search = search_box("care.search", self.tr("搜索关爱对象"),
                                 self.tr("姓名、身份证号或电话"))
        self.new_button = named(QPushButton(self.tr("登记关爱对象")), "care.new",
                                self.tr("登记关爱对象"))
        self.edit_button = named(QPushButton(self.tr("编辑")), "care.edit", self.tr("编辑所选对象"))
        self.visit_button = named(QPushButton(self.tr("登记走访")), "care.add_visit",
                                  self.tr("为所选对象登记走访"))
        self.end_button = named(QPushButton(self.tr("结束关爱")), "care.end",
                                self.tr("结束所选对象的关爱"))
        self.reopen_button = named(QPushButton(self.tr("恢复在册")), "care.reopen",
                                   self.tr("恢复所选对象的关爱"))
        self.edit_visit_button = named(QPushButton(self.tr("修改走访")), "care.edit_visit",
                                       self.tr("修改所选走访记录"))
        self.delete_visit_button = named(QPushButton(self.tr("删除走访")), "care.delete_visit",
                                         self.tr("删除所选走访记录"))
        self.table = record_table("care.table", self.tr("关爱对象名册"),
                                  [self.tr(c) for c in self.COLUMNS])
        self.summary = named(QLabel(), "care.summary", self.tr("名册统计"))
        self.visits = record_table("care.visits", self.tr("所选对象的走访记录"),
                                   [self.tr(c) for c in self.VISIT_COLUMNS], stretch=2)
        self.due = named(QListWidget(), "care.due", self.tr("近期应走访和逾期"))
        self.routed = named(QListWidget(), "care.routed", self.tr("分流到关爱工作室的来访"))
        self.take_up = named(QPushButton(self.tr("登记所选来访人")), "care.take_up",
                             self.tr("将所选来访人登记到关爱名册"))

        left = QVBoxLayout()
        left.addLayout(tool_row([self.filter, self.group], self.search, [
            self.new_button, self.edit_button, self.visit_button, self.end_button,
            self.reopen_button]))
        left.addWidget(self.table, 3)
        left.addWidget(self.summary)
        visit_tools = QHBoxLayout()
        visit_tools.addWidget(QLabel(self.tr("走访记录")))
        visit_tools.addStretch(1)
        visit_tools.addWidget(self.edit_visit_button)
        visit_tools.addWidget(self.delete_visit_button)
        left.addLayout(visit_tools)
        left.addWidget(self.visits, 2)
        due_box = QGroupBox(self.tr("7天内应走访和已逾期"))
        QVBoxLayout(due_box).addWidget(self.due)
        routed = routed_box(self.tr("分流到关爱工作室、尚未登记的来访"), self.routed,
                            self.take_up)
        right = QWidget()
        right.setMaximumWidth(340)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(due_box, 3)
        right_layout.addWidget(routed, 2)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(right, 1)
        self._search_timer = search_timer(self)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self.refresh_entries)
        self.group.currentIndexChanged.connect(self.refresh_entries)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh_entries)
        self.table.itemSelectionChanged.connect(self.refresh_visits)
        self.table.itemDoubleClicked.connect(lambda _item: self.on_edit())
        self.new_button.clicked.connect(lambda: self.on_new())
        self.edit_button.clicked.connect(lambda: self.on_edit())
        self.visit_button.clicked.connect(lambda: self.on_add_visit())
        self.end_button.clicked.connect(lambda: self.on_end())
        self.reopen_button.clicked.connect(lambda: self.on_reopen())
        self.edit_visit_button.clicked.connect(lambda: self.on_edit_visit())
        self.delete_visit_button.clicked.connect(lambda: self.on_delete_visit())
        self.visits.itemDoubleClicked.connect(lambda _item: self.on_edit_visit())
        self.visits.itemSelectionChanged.connect(self._enable_visit_buttons)
        self.due.itemDoubleClicked.connect(self.on_due_activated)
        self.take_up.clicked.connect(lambda: self.on_take_up())
        self.routed.itemDoubleClicked.connect(lambda _item: self.on_take_up())

    # -- lists -----------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.lists.now()
        except PermissionDenied as exc:
            self._refused(exc)

    def _refused(self, exc: PermissionDenied) -> None:
        """Room staff of another room: nothing to show."""
        self.summary.setText(str(exc))
        for button in (self.new_button, self.edit_button, self.visit_button,
                       self.end_button, self.reopen_button, self.edit_visit_button,
                       self.delete_visit_button, self.take_up):
            button.setEnabled(False)

    def refresh_entries(self) -> None:
        self.lists.now("entries")

    def refresh_due(self) -> None:
        self.lists.now("due")

    def refresh_routed(self) -> None:
        self.lists.now("routed")

    def _entries_reading(self) -> Callable[[Session], Listed[listing.EntryRow]]:
        status, group = self.filter.currentData(), self.group.currentData() or ""
        search = self.search.text()
        return lambda session: Listed(
            listing.entry_list(session, status=status, group=group, search=search),
            listing.register_counts(session))

    def _show_entries(self, found: Listed[listing.EntryRow]) -> None:
        records = []
        for row in found.rows:
            last = f"{row.last_visit_on:%Y-%m-%d}" if row.last_visit_on else self.tr("未走访")
            soon = row.ended_on is None and row.days_left <= 7
            records.append(Record(row.entry_id, [
                row.name, row.masked_id, row.groups, row.masked_phone, row.community,
                row.frequency, row.staff, last, f"{row.next_due_on:%Y-%m-%d}", row.status],
                row.overdue, 9 if soon else None))
        fill_records(self.table, records)
        counts = found.counts
        self.summary.setText(self.tr("在册 {0} 人，其中逾期未走访 {1} 人、7天内应走访 {2} 人；"
                                     "已结束 {3} 人。").format(counts["active"], counts["overdue"],
                                                          counts["soon"], counts["ended"]))
        self.refresh_visits()

    def refresh_visits(self) -> None:
        entry_id = self.selected_entry_id()
        self.detail = None
        if entry_id is not None:
            with self.database.read() as session:
                self.detail = listing.entry_detail(session, entry_id)
        found = self.detail.visits if self.detail else []
        fill_records(self.visits, [Record(None, [
            f"{visit.visited_on:%Y-%m-%d}", visit.staff, visit.findings, visit.help_kind or "",
            visit.help_text]) for visit in found])
        ended = self.detail is not None and self.detail.ended_on is not None
        self.edit_button.setEnabled(entry_id is not None)
        for button in (self.visit_button, self.end_button):
            button.setEnabled(entry_id is not None and not ended)
        self.reopen_button.setEnabled(ended)
        self._enable_visit_buttons()

    def _enable_visit_buttons(self) -> None:
        chosen = self.selected_visit() is not None
        self.edit_visit_button.setEnabled(chosen)
        self.delete_visit_button.setEnabled(chosen)

    def selected_visit(self) -> listing.VisitData | None:
        row = self.visits.currentRow()
        if self.detail is None or not 0 <= row < len(self.detail.visits) \
                or not self.visits.selectionModel().isRowSelected(row):
            return None
        return self.detail.visits[row]

    def _due_reading(self) -> Callable[[Session], list[listing.EntryRow]]:
        return listing.due_visits

    def _show_due(self, rows: list[listing.EntryRow]) -> None:
        self.due.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.next_due_on:%m-%d}（{row.status}）{row.name}\n"
                                   f"{row.groups}")
            item.setData(Qt.ItemDataRole.UserRole, row.entry_id)
            if row.overdue:
                mark_overdue(item)
            self.due.addItem(item)

    def _routed_reading(self) -> Callable[[Session], list[routed.RoutedVisit]]:
        return routed.routed_visits

    def _show_routed(self, found: list[routed.RoutedVisit]) -> None:
        self.take_up.setEnabled(fill_routed(self.routed, found))

    def selected_entry_id(self) -> int | None:
        return selected_key(self.table)

    def select_entry(self, entry_id: int) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == entry_id:
                self.table.selectRow(row)
                return

    # -- dialogs ---------------------------------------------------------------------------

    def _open(self, dialog: EntryDialog | VisitDialog | EndDialog) -> None:
        self.last_dialog = dialog
        dialog.accepted.connect(self.refresh)
        dialog.open()

    def on_new(self, initial: EntryInput | None = None) -> EntryDialog:
        dialog = EntryDialog(database=self.database, initial=initial, parent=self)
        self._open(dialog)
        return dialog

    def on_edit(self) -> EntryDialog | None:
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return None
        with self.database.read() as session:
            detail = listing.entry_detail(session, entry_id)
        dialog = EntryDialog(database=self.database, initial=detail.data, entry_id=entry_id,
                             version=detail.version, parent=self)
        self._open(dialog)
        return dialog

    def on_add_visit(self) -> VisitDialog | None:
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return None
        item = self.table.item(self.table.currentRow(), 0)
        name = item.text() if item is not None else ""
        dialog = VisitDialog(database=self.database, entry_id=entry_id, name=name, parent=self)
        self._open(dialog)
        return dialog

    def on_end(self) -> EndDialog | None:
        entry_id = self.selected_entry_id()
        if entry_id is None:
            return None
        with self.database.read() as session:
            detail = listing.entry_detail(session, entry_id)
        dialog = EndDialog(database=self.database, entry_id=entry_id, version=detail.version,
                           name=detail.name, parent=self)
        self._open(dialog)
        return dialog

    def on_edit_visit(self) -> VisitDialog | None:
        visit = self.selected_visit()
        if visit is None or self.detail is None:
            return None
        dialog = VisitDialog(database=self.database, entry_id=self.detail.entry_id,
                             name=self.detail.name, visit=visit, parent=self)
        self._open(dialog)
        return dialog

    def on_delete_visit(self) -> None:
        visit = self.selected_visit()
        if visit is None or self.detail is None:
            return
        entry_id = self.detail.entry_id
        if not dialogs.confirm(self, self.tr("删除走访"), self.tr(
                "删除 {0} 的走访记录？下次走访日期将按其余走访重新计算。").format(
                f"{visit.visited_on:%Y-%m-%d}")):
            return
        try:
            visits.delete_visit(self.database, visit.visit_id, version=visit.version)
        except StaleEditError as exc:
            dialogs.warn(self, self.tr("未删除"), str(exc))
        self.refresh()
        self.select_entry(entry_id)

    def on_reopen(self) -> None:
        detail = self.detail
        if detail is None or detail.ended_on is None:
            return
        if not dialogs.confirm(self, self.tr("恢复在册"), self.tr(
                "恢复 {0} 的关爱？该对象于 {1} 因“{2}”结束关爱，恢复后重新计算下次走访日期。")
                .format(detail.name, f"{detail.ended_on:%Y-%m-%d}", detail.end_reason)):
            return
        try:
            entries.reopen_entry(self.database, detail.entry_id, version=detail.version)
        except (StaleEditError, ValidationError) as exc:
            dialogs.warn(self, self.tr("未恢复"), user_message(exc) or str(exc))
        self.refresh()

    def on_due_activated(self, item: QListWidgetItem) -> None:
        self.filter.setCurrentIndex(self.filter.findData("active"))
        self.select_entry(item.data(Qt.ItemDataRole.UserRole))

    def on_take_up(self) -> EntryDialog | None:
        item = self.routed.currentItem()
        if item is None:
            return None
        with self.database.read() as session:
            draft = routed.draft_from_visit(session, item.data(Qt.ItemDataRole.UserRole))
        return self.on_new(draft)
