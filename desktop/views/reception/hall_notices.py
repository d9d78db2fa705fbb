"""政策宣传 on the hall display: today's notices one after another, the hours and the phone."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.services.admin.settings import CentreSettings
from desktop.services.reception.notices import NoticeEntry
from desktop.views.widgets import named

# How long each notice stays before the next one shows.
ROTATE_MS = 12_000
# A longer text is set smaller so that it fits the panel (up to notices.BODY_LIMIT).
MEDIUM_TEXT, LONG_TEXT = 110, 190
WEEKDAYS = "一二三四五六日"


class NoticePanel(QFrame):
    """The notices whose dates include today, rotating, above the centre's hours and phone."""

    def __init__(self, *, rotate_ms: int = ROTATE_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "hall.notices", self.tr("政策宣传"))
        self.setProperty("panel", True)
        self.notices: list[NoticeEntry] = []
        self.index = 0
        self.heading = QLabel(self.tr("政策宣传"))
        self.heading.setProperty("role", "notice_head")
        self.title = named(QLabel(), "hall.notice.title", self.tr("公告标题"))
        self.title.setProperty("role", "notice_title")
        self.body = named(QLabel(), "hall.notice.body", self.tr("公告内容"))
        self.body.setProperty("role", "notice_body")
        self.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.page = named(QLabel(), "hall.notice.page", self.tr("公告页码"))
        self.page.setProperty("role", "notice_page")
        self.page.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.today = named(QLabel(), "hall.today", self.tr("今天"))
        self.hours = named(QLabel(), "hall.service_hours", self.tr("服务时间"))
        self.phone = named(QLabel(), "hall.phone", self.tr("服务电话"))
        for label in (self.title, self.body, self.today, self.hours, self.phone):
            label.setWordWrap(True)
        for label in (self.today, self.hours, self.phone):
            label.setProperty("role", "info")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(self.heading)
        layout.addWidget(self.title)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.page)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setProperty("role", "rule")
        layout.addWidget(rule)
        for label in (self.today, self.hours, self.phone):
            layout.addWidget(label)
        self.timer = QTimer(self)
        self.timer.setInterval(rotate_ms)
        self.timer.timeout.connect(self.on_rotate)
        self._show()

    def show_notices(self, notices: list[NoticeEntry]) -> None:
        """Today's notices; the one showing stays if it is still among them."""
        if notices == self.notices:
            return
        showing = self.notices[self.index].id if self.notices else None
        self.notices = list(notices)
        ids = [notice.id for notice in self.notices]
        self.index = ids.index(showing) if showing in ids else 0
        self._show()
        if len(self.notices) > 1:
            self.timer.start()  # (again): a notice just changed gets its full time
        else:
            self.timer.stop()

    def show_centre(self, settings: CentreSettings, now: datetime) -> None:
        self.today.setText(self.tr("今天 {0}月{1}日 星期{2}").format(
            now.month, now.day, WEEKDAYS[now.weekday()]))
        hours = settings.service_hours.strip()
        self.hours.setText(self.tr("服务时间　{0}").format(hours))
        self.hours.setVisible(bool(hours))
        phone = settings.centre_phone.strip()
        self.phone.setText(self.tr("服务电话　{0}").format(phone))
        self.phone.setVisible(bool(phone))

    def on_rotate(self) -> None:
        if self.notices:
            self.index = (self.index + 1) % len(self.notices)
            self._show()

    def _show(self) -> None:
        shown = bool(self.notices)
        for label in (self.heading, self.title, self.body, self.page):
            label.setVisible(shown)
        if not shown:
            return
        notice = self.notices[self.index]
        self.title.setText(notice.title)
        self.body.setText(notice.body)
        length = len(notice.body)
        self.body.setProperty("length", "long" if length > LONG_TEXT
                              else "medium" if length > MEDIUM_TEXT else "short")
        self.body.style().unpolish(self.body)
        self.body.style().polish(self.body)
        self.page.setText(f"{self.index + 1} / {len(self.notices)}"
                          if len(self.notices) > 1 else "")

    def current_title(self) -> str:
        return self.notices[self.index].title if self.notices else ""

    def stop(self) -> None:
        self.timer.stop()
