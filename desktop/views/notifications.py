"""The status bar's notification indicator: polls cheaply, lists the unread on a click."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from desktop.db import Database
from desktop.services import notifications
from desktop.views.widgets import named

POLL_MS = 30_000


class NotificationsDialog(QDialog):
    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "notifications_dialog", self.tr("通知"))
        self.setWindowTitle(self.tr("通知"))
        self.resize(520, 320)
        with database.read() as session:
            self.items = notifications.unread(session)
        self.list = named(QListWidget(), "notifications.list", self.tr("未读通知"))
        for item in self.items:
            self.list.addItem(f"{item.created_at:%m-%d %H:%M}　{item.text}")
        buttons = QDialogButtonBox()
        self.read_button = named(buttons.addButton(self.tr("标为已读"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole),
                                 "notifications.mark_read", self.tr("全部标为已读"))
        close = named(buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole),
                      "notifications.close", self.tr("关闭"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.read_button.clicked.connect(self.on_mark_read)
        close.clicked.connect(self.reject)

    def on_mark_read(self) -> None:
        notifications.mark_read(self.database, [i.id for i in self.items])
        self.accept()


class NotificationIndicator(QPushButton):
    """"通知 (2)" in red while something is unread; hidden otherwise."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "status.notifications", self.tr("未读通知"))
        self.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.dialog: NotificationsDialog | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.clicked.connect(self.on_open)
        self.timer.start()
        self.refresh()

    def refresh(self) -> int:
        try:
            with self.database.read() as session:
                count = notifications.unread_count(session)
        except SQLAlchemyError:  # the database banner tells the user; the indicator just waits
            count = 0
        self.setText(self.tr("通知（{0}）").format(count))
        self.setVisible(count > 0)
        return count

    def on_open(self) -> NotificationsDialog:
        self.dialog = NotificationsDialog(database=self.database, parent=self.window())
        self.dialog.finished.connect(lambda _r: self.refresh())
        self.dialog.open()
        return self.dialog

    def stop(self) -> None:
        self.timer.stop()
