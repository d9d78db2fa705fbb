"""议事协商: the meetings, the follow-up actions open and overdue, and the minutes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
from desktop.services.deliberation import listing, meetings, minutes
from desktop.services.errors import ValidationError
from desktop.views.deliberation.meeting_dialog import MeetingDialog
from desktop.views.page_lists import PageLists
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.record_list import OVERDUE_FG as OVERDUE_FG
from desktop.views.record_list import (
    Record,
    fill_records,
    mark_overdue,
    record_table,
    refresh_when_shown,
    search_box,
    search_timer,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named


class DeliberationPage(QWidget):
    COLUMNS: ClassVar[list[str]] = ["会议日期", "会议主题", "地点", "主持人", "议题",
                                    "落实事项", "未完成", "逾期"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.dialog: MeetingDialog | None = None
        self.last_preview: PdfPreviewDialog | None = None
        named(self, "deliberation", self.tr("议事协商"))
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database)
        self.lists.add("meetings", self._meetings_reading, self._show_meetings)
        self.lists.add("actions", self._actions_reading, self._show_actions)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.search = search_box("deliberation.search", self.tr("搜索议事会议"),
                                 self.tr("主题、地点、主持人或参会人员"))
        self.new_button = named(QPushButton(self.tr("记录议事会议")), "deliberation.new",
                                self.tr("记录议事会议"))
        self.open_button = named(QPushButton(self.tr("打开")), "deliberation.open",
                                 self.tr("打开所选会议"))
        self.minutes_button = named(QPushButton(self.tr("打印会议纪要")),
                                    "deliberation.minutes", self.tr("打印所选会议的纪要"))
        self.table = record_table("deliberation.table", self.tr("议事会议列表"),
                                  [self.tr(c) for c in self.COLUMNS], stretch=1)
        self.message = named(QLabel(), "deliberation.message", self.tr("提示"))
        self.message.setStyleSheet("color: #c5221f;")
        self.action_list = named(QListWidget(), "deliberation.open_actions",
                             self.tr("未完成的落实事项"))
        self.action_list.setWordWrap(True)
        self.done_button = named(QPushButton(self.tr("所选事项今日已完成")),
                                 "deliberation.action_done", self.tr("将所选落实事项记为今日完成"))
        left = QVBoxLayout()
        left.addLayout(tool_row([], self.search,
                                [self.open_button, self.minutes_button, self.new_button]))
        left.addWidget(self.table, 1)
        left.addWidget(self.message)
        box = QGroupBox(self.tr("未完成的落实事项（逾期标红）"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(self.action_list)
        box_layout.addWidget(self.done_button)
        box.setMaximumWidth(340)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(box, 1)
        self._search_timer = search_timer(self)

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh_meetings)
        self.table.itemDoubleClicked.connect(lambda _item: self.on_open())
        self.open_button.clicked.connect(lambda: self.on_open())
        self.new_button.clicked.connect(lambda: self.on_new())
        self.minutes_button.clicked.connect(lambda: self.on_minutes())
        self.done_button.clicked.connect(self.on_action_done)

    def refresh(self) -> None:
        self.lists.now()

    def refresh_meetings(self) -> None:
        self.lists.now("meetings")

    def refresh_actions(self) -> None:
        self.lists.now("actions")

    def _meetings_reading(self) -> Callable[[Session], list[listing.MeetingRow]]:
        search, today = self.search.text(), date.today()
        return lambda session: listing.meeting_list(session, search=search, today=today)

    def _show_meetings(self, rows: list[listing.MeetingRow]) -> None:
        fill_records(self.table, [Record(row.meeting_id, [
            f"{row.held_on:%Y-%m-%d}", row.topic, row.place, row.host, str(row.matters),
            str(row.actions), str(row.open_actions), str(row.overdue_actions)], row.overdue)
            for row in rows])

    def _actions_reading(self) -> Callable[[Session], list[listing.OpenAction]]:
        today = date.today()
        return lambda session: listing.open_actions(session, today=today)

    def _show_actions(self, found: list[listing.OpenAction]) -> None:
        self.action_list.clear()
        for action in found:
            when = (self.tr("逾期 {0} 天").format(-action.days_left) if action.overdue
                    else self.tr("{0} 天后到期").format(action.days_left))
            item = QListWidgetItem(f"{action.due_on:%m-%d}（{when}）{action.owner}\n"
                                   f"{action.task}")
            item.setData(Qt.ItemDataRole.UserRole, action.action_id)
            if action.overdue:
                mark_overdue(item)
            self.action_list.addItem(item)
        self.done_button.setEnabled(bool(found))

    def selected_meeting_id(self) -> int | None:
        return selected_key(self.table)

    def _open(self, dialog: MeetingDialog) -> MeetingDialog:
        self.dialog = dialog
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def on_new(self) -> MeetingDialog:
        dialog = MeetingDialog(database=self.database, parent=self)
        dialog.add_matter_row()
        dialog.add_action_row()
        return self._open(dialog)

    def on_open(self) -> MeetingDialog | None:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return None
        with self.database.read() as session:
            detail = listing.meeting_detail(session, meeting_id)
        return self._open(MeetingDialog(database=self.database, detail=detail, parent=self))

    def on_minutes(self) -> PdfPreviewDialog | None:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            self.message.setText(self.tr("请先选择一次会议"))
            return None
        pdf, name = minutes.render_minutes(self.database, meeting_id)
        dialog = PdfPreviewDialog(pdf=pdf, title=self.tr("议事会议纪要"), suggested_name=name,
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def on_action_done(self) -> None:
        item = self.action_list.currentItem()
        if item is None:
            self.message.setText(self.tr("请先选择一项落实事项"))
            return
        try:
            meetings.mark_action_done(self.database, item.data(Qt.ItemDataRole.UserRole),
                                      date.today())
        except ValidationError as exc:
            self.message.setText("；".join(exc.errors.values()))
            return
        self.message.setText("")
        self.refresh()
