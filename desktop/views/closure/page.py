"""回复评价: the last two steps of every matter, in three lists.

待回复 (finished, no reply yet; past the category's time limit in red), 待评价 (replied,
no rating yet, or a 整改 waiting for the re-rating) and 整改 (open; past due in red).
A double-click or the button under a list opens the small dialog of the step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.closure import lists
from desktop.views.closure.dialogs import NoteDialog, RatingDialog, ReplyDialog
from desktop.views.page_lists import PageLists
from desktop.views.record_list import (
    Record,
    fill_records,
    record_table,
    refresh_when_shown,
    selected_row,
)
from desktop.views.widgets import named


def _table(key: str, label: str, columns: Sequence[str]) -> QTableWidget:
    return record_table(key, label, columns, stretch_last=True)


def _fill(table: QTableWidget, rows: Sequence[tuple[list[str], bool]]) -> None:
    fill_records(table, [Record(None, cells, overdue) for cells, overdue in rows])


class _Lists(NamedTuple):
    replies: list[lists.PendingReply]
    ratings: list[lists.PendingRating]
    fixes: list[lists.RectificationRow]


class ClosurePage(QWidget):
    """The three lists and their buttons."""

    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "closure", self.tr("回复评价"))
        self.replies: list[lists.PendingReply] = []
        self.ratings: list[lists.PendingRating] = []
        self.fixes: list[lists.RectificationRow] = []
        self.active_dialog: ReplyDialog | RatingDialog | NoteDialog | None = None
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database)
        self.lists.add("closure", self._reading, self._show)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.summary = named(QLabel(), "closure.summary", self.tr("概况"))
        self.tabs = named(QTabWidget(), "closure.tabs", self.tr("回复评价"))
        self.reply_table = _table("closure.pending_replies", self.tr("待回复"), [
            self.tr("登记号"), self.tr("来访人"), self.tr("来访时间"), self.tr("类别"),
            self.tr("分流去向"), self.tr("办理时限"), self.tr("事由")])
        self.rating_table = _table("closure.pending_ratings", self.tr("待评价"), [
            self.tr("登记号"), self.tr("来访人"), self.tr("回复时间"), self.tr("回复方式"),
            self.tr("回复人"), self.tr("说明"), self.tr("回复内容")])
        self.fix_table = _table("closure.rectifications", self.tr("整改"), [
            self.tr("登记号"), self.tr("来访人"), self.tr("评价"), self.tr("启动时间"),
            self.tr("整改期限"), self.tr("记录数"), self.tr("最近整改情况")])
        self.reply_button = named(QPushButton(self.tr("回复…")), "closure.reply_button",
                                  self.tr("回复群众"))
        self.rate_button = named(QPushButton(self.tr("记录评价…")), "closure.rate_button",
                                 self.tr("记录群众评价"))
        self.correct_button = named(QPushButton(self.tr("更正回复…")), "closure.correct_button",
                                    self.tr("更正回复"))
        self.note_button = named(QPushButton(self.tr("整改记录…")), "closure.note_button",
                                 self.tr("添加整改记录"))
        self.refresh_button = named(QPushButton(self.tr("刷新")), "closure.refresh",
                                    self.tr("刷新"))
        for table, buttons, title in (
            (self.reply_table, [self.reply_button], self.tr("待回复")),
            (self.rating_table, [self.rate_button, self.correct_button], self.tr("待评价")),
            (self.fix_table, [self.note_button], self.tr("整改")),
        ):
            tab = QWidget()
            layout = QVBoxLayout(tab)
            layout.addWidget(table, 1)
            row = QHBoxLayout()
            row.addStretch(1)
            for button in buttons:
                row.addWidget(button)
            layout.addLayout(row)
            self.tabs.addTab(tab, title)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.reply_button.clicked.connect(self.on_reply)
        self.rate_button.clicked.connect(self.on_rate)
        self.correct_button.clicked.connect(self.on_correct)
        self.note_button.clicked.connect(self.on_note)
        self.reply_table.cellDoubleClicked.connect(lambda _r, _c: self.on_reply())
        self.rating_table.cellDoubleClicked.connect(lambda _r, _c: self.on_rate())
        self.fix_table.cellDoubleClicked.connect(lambda _r, _c: self.on_note())

    def refresh(self) -> None:
        self.lists.now()

    def _reading(self) -> Callable[[Session], _Lists]:
        today = date.today()
        return lambda session: _Lists(lists.pending_replies(session, today=today),
                                      lists.pending_ratings(session),
                                      lists.open_rectifications(session, today=today))

    def _show(self, found: _Lists) -> None:
        self.replies, self.ratings, self.fixes = found
        _fill(self.reply_table, [
            ([r.visit_no, r.person, f"{r.visited_at:%Y-%m-%d %H:%M}", r.category, r.rooms,
              (f"{r.due:%Y-%m-%d}" + (self.tr("（已超期）") if r.overdue else ""))
              if r.due else self.tr("不限"), r.summary], r.overdue)
            for r in self.replies])
        _fill(self.rating_table, [
            ([r.visit_no, r.person, f"{r.replied_at:%Y-%m-%d %H:%M}", r.method, r.replied_by,
              self.tr("整改后再次评价") if r.rerating else "", r.content], False)
            for r in self.ratings])
        _fill(self.fix_table, [
            ([r.visit_no, r.person, r.level, f"{r.opened_at:%Y-%m-%d}",
              f"{r.due:%Y-%m-%d}" + (self.tr("（已超期）") if r.overdue else ""),
              str(r.notes), r.last_note], r.overdue)
            for r in self.fixes])
        overdue = sum(r.overdue for r in self.replies)
        late_fixes = sum(r.overdue for r in self.fixes)
        self.summary.setText(self.tr(
            "待回复 {0} 件（超期 {1} 件）　待评价 {2} 件　整改中 {3} 件（超期 {4} 件）").format(
            len(self.replies), overdue, len(self.ratings), len(self.fixes), late_fixes))
        self.tabs.setTabText(0, self.tr("待回复（{0}）").format(len(self.replies)))
        self.tabs.setTabText(1, self.tr("待评价（{0}）").format(len(self.ratings)))
        self.tabs.setTabText(2, self.tr("整改（{0}）").format(len(self.fixes)))
        self.reply_button.setEnabled(auth.may(self.database, "closure.reply"))
        self.correct_button.setEnabled(auth.may(self.database, "closure.reply"))
        self.rate_button.setEnabled(auth.may(self.database, "closure.rate"))
        self.note_button.setEnabled(auth.may(self.database, "closure.rate"))

    @staticmethod
    def _selected(table: QTableWidget) -> int | None:
        return selected_row(table)

    def _open(self, dialog: ReplyDialog | RatingDialog | NoteDialog
              ) -> ReplyDialog | RatingDialog | NoteDialog:
        dialog.accepted.connect(self.refresh)
        dialog.accepted.connect(self.changed)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.active_dialog = dialog
        dialog.open()
        return dialog

    def on_reply(self) -> ReplyDialog | None:
        row = self._selected(self.reply_table)
        if row is None:
            return None
        matter = self.replies[row]
        dialog = ReplyDialog(database=self.database, visit_id=matter.visit_id,
                             caption=f"{matter.visit_no}　{matter.person}　{matter.summary}",
                             parent=self)
        self._open(dialog)
        return dialog

    def on_correct(self) -> ReplyDialog | None:
        row = self._selected(self.rating_table)
        if row is None:
            return None
        matter = self.ratings[row]
        dialog = ReplyDialog(database=self.database, visit_id=matter.visit_id,
                             caption=f"{matter.visit_no}　{matter.person}", parent=self)
        self._open(dialog)
        return dialog

    def on_rate(self) -> RatingDialog | None:
        row = self._selected(self.rating_table)
        if row is None:
            return None
        matter = self.ratings[row]
        dialog = RatingDialog(database=self.database, visit_id=matter.visit_id,
                              caption=f"{matter.visit_no}　{matter.person}",
                              rerating=matter.rerating, parent=self)
        self._open(dialog)
        return dialog

    def on_note(self) -> NoteDialog | None:
        row = self._selected(self.fix_table)
        if row is None:
            return None
        fix = self.fixes[row]
        dialog = NoteDialog(database=self.database, rectification_id=fix.id,
                            caption=self.tr("{0}　{1}　{2}，期限 {3:%Y-%m-%d}").format(
                                fix.visit_no, fix.person, fix.level, fix.due),
                            parent=self)
        self._open(dialog)
        return dialog
