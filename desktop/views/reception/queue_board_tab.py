"""分流队列's 中心看板 tab: every room's queue in one table, for the hall's lead."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableWidget, QVBoxLayout, QWidget

from desktop.db import Database
from desktop.services.reception import queue
from desktop.views.reception.queue_items import read_only_item
from desktop.views.widgets import named

OVERDUE = QColor("#fde0dc")
LONG_WAIT_MINUTES = 30


class BoardTab(QWidget):
    """Waiting, on hold, the longest wait (red from half an hour), who is being served and
    called, and today's finished tickets per room."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.table = named(QTableWidget(0, 8), "board.table", self.tr("中心看板"))
        self.table.setHorizontalHeaderLabels([
            self.tr("科室"), self.tr("等候"), self.tr("暂缓"), self.tr("最长等候(分)"),
            self.tr("正在接待"), self.tr("已叫号"), self.tr("今日办结"),
            self.tr("今日平均等候(分)"),
        ])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        QVBoxLayout(self).addWidget(self.table)

    def refresh(self) -> None:
        with self.database.read() as session:
            board = queue.centre_board(session)
        self.table.setRowCount(len(board))
        for i, row in enumerate(board):
            cells = [
                read_only_item(row.room_name, row.room_id), read_only_item(str(row.waiting)),
                read_only_item(str(row.on_hold)),
                read_only_item(str(row.longest_wait_minutes)),
                read_only_item("；".join(row.serving)), read_only_item("；".join(row.called)),
                read_only_item(str(row.done_today)),
                read_only_item("" if row.average_wait_today is None
                               else str(row.average_wait_today)),
            ]
            for cell in cells[4:6]:
                cell.setToolTip(cell.text())
            if row.longest_wait_minutes >= LONG_WAIT_MINUTES:
                cells[3].setBackground(QBrush(OVERDUE))
            for column, cell in enumerate(cells):
                self.table.setItem(i, column, cell)
