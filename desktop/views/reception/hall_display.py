"""叫号屏: a full-screen window for the TV in the hall.

It reads the database on a timer (every two seconds), so a call made on any
PC of the centre appears within a few seconds; no push channel is needed. A
room whose ticket changed flashes for a moment and the line at the bottom
announces the latest call. Every call and recall made since the display opened,
on whichever desk, is also spoken (:mod:`desktop.views.reception.hall_speech`), once per
repetition. Beside the rooms, the 政策宣传 panel rotates today's notices and
shows the service hours and phone. F11 toggles full screen, Esc leaves it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.db import Database
from desktop.services.admin.settings import CentreSettings, load_settings
from desktop.services.reception import speech
from desktop.services.reception.notices import current_notices
from desktop.services.reception.queue import HallRow, hall_display
from desktop.views.db_status import DatabaseBanner, status_for
from desktop.views.full_screen import FullScreenWindow, scaled
from desktop.views.reception.hall_notices import ROTATE_MS, NoticePanel
from desktop.views.reception.hall_screen import KeepAwake
from desktop.views.reception.hall_speech import HallSpeaker
from desktop.views.widgets import named

log = logging.getLogger(__name__)

REFRESH_MS = 2000
FLASH_MS = 6000
# Sizes are for a 720-pixel-high window and scale with the screen (a 1080p TV: x1.5).
STYLE = """
QWidget#hall {{ background: #0b2545; }}
QLabel {{ color: #ffffff; }}
QLabel#hall\\.title {{ font-size: {title}px; font-weight: bold; color: #ffd166; }}
QLabel#hall\\.clock {{ font-size: {clock}px; color: #d0e1f9; }}
QLabel#hall\\.announcement {{ font-size: {announce}px; font-weight: bold; color: #ffd166;
    background: #13315c; padding: 12px; border-radius: 8px; }}
QFrame[card="true"] {{ background: #13315c; border-radius: 12px; }}
QFrame[card="true"][flash="true"] {{ background: #c1121f; }}
QLabel[role="room"] {{ font-size: {room}px; font-weight: bold; }}
QLabel[role="where"] {{ font-size: {where}px; color: #d0e1f9; }}
QLabel[role="ticket"] {{ font-size: {ticket}px; font-weight: bold; color: #ffd166; }}
QLabel[role="waiting"] {{ font-size: {waiting}px; color: #d0e1f9; }}
QFrame[panel="true"] {{ background: #f4f1e8; border-radius: 12px; }}
QFrame[panel="true"] QLabel {{ color: #1d2d44; }}
QLabel[role="notice_head"] {{ font-size: {notice_head}px; font-weight: bold; color: #c1121f; }}
QLabel[role="notice_title"] {{ font-size: {notice_title}px; font-weight: bold; }}
QLabel[role="notice_body"] {{ font-size: {notice_body}px; }}
QLabel[role="notice_body"][length="medium"] {{ font-size: {notice_body_medium}px; }}
QLabel[role="notice_body"][length="long"] {{ font-size: {notice_body_long}px; }}
QLabel[role="notice_page"] {{ font-size: {notice_page}px; color: #5c677d; }}
QLabel[role="info"] {{ font-size: {info}px; }}
QFrame[role="rule"] {{ color: #c9c2ae; }}
"""
SIZES = {"title": 40, "clock": 28, "announce": 36, "room": 30, "where": 18, "ticket": 72,
         "waiting": 24, "notice_head": 22, "notice_title": 28, "notice_body": 26,
         "notice_body_medium": 22, "notice_body_long": 18, "notice_page": 14, "info": 19}


def style_for(height: int) -> str:
    return STYLE.format(**scaled(SIZES, height))


class RoomCard(QFrame):
    def __init__(self, *, row: HallRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.room_id = row.room_id
        self.setProperty("card", True)
        self.setProperty("flash", False)
        named(self, f"hall.room.{row.room_id}", row.room_name)
        self.name = QLabel(row.room_name)
        self.name.setProperty("role", "room")
        self.where = QLabel(row.location)
        self.where.setProperty("role", "where")
        self.ticket = named(QLabel(), f"hall.room.{row.room_id}.ticket",
                            self.tr("{0}当前叫号").format(row.room_name))
        self.ticket.setProperty("role", "ticket")
        self.waiting = named(QLabel(), f"hall.room.{row.room_id}.waiting",
                             self.tr("{0}等候人数").format(row.room_name))
        self.waiting.setProperty("role", "waiting")
        layout = QVBoxLayout(self)
        for label in (self.name, self.where, self.ticket, self.waiting):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)

    def show_row(self, row: HallRow) -> None:
        self.ticket.setText(row.calling or "—")
        self.waiting.setText(self.tr("等候 {0} 人").format(row.waiting))

    def set_flash(self, on: bool) -> None:
        self.setProperty("flash", on)
        self.style().unpolish(self)
        self.style().polish(self)


class HallDisplay(FullScreenWindow):
    """The hall screen: for each room the ticket being called and how many wait."""

    def __init__(self, *, database: Database, refresh_ms: int = REFRESH_MS,
                 rotate_ms: int = ROTATE_MS, speaker: HallSpeaker | None = None,
                 awake: KeepAwake | None = None, parent: QWidget | None = None) -> None:
        super().__init__(style_for=style_for, parent=parent)
        self.database = database
        # The screen must not blank while the display is up (see hall_screen.KeepAwake).
        self.awake = awake or KeepAwake()
        self.rotate_ms = rotate_ms
        # This PC speaks the calls of every desk; the tracker knows which were said.
        self.speaker = speaker or HallSpeaker()
        self.speaker.setParent(self)
        self.calls = speech.CallTracker()
        self.db_status = status_for(database)
        named(self, "hall", self.tr("叫号屏"))
        self.setWindowTitle(self.tr("叫号屏"))
        self.cards: dict[int, RoomCard] = {}
        self.rows: list[HallRow] = []
        self._last_calls: dict[int, datetime | None] = {}
        self._add_widgets()
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.flash_timer = QTimer(self)
        self.flash_timer.setSingleShot(True)
        self.flash_timer.setInterval(FLASH_MS)
        self._connect_signals()
        self.refresh()
        self.timer.start()

    def _add_widgets(self) -> None:
        with self.database.read() as session:
            centre = load_settings(session).centre_name
        title = self.tr("{0} · 叫号信息").format(centre) if centre else self.tr("叫号信息")
        self.title = named(QLabel(title), "hall.title", self.tr("标题"))
        self.clock = named(QLabel(), "hall.clock", self.tr("时间"))
        self.announcement = named(QLabel(self.tr("欢迎来访，请留意叫号")), "hall.announcement",
                                  self.tr("最新叫号"))
        self.announcement.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        self.notices = NoticePanel(rotate_ms=self.rotate_ms)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        self.banner = DatabaseBanner(self.db_status)
        layout.addWidget(self.banner)
        header = QGridLayout()
        header.addWidget(self.title, 0, 0, Qt.AlignmentFlag.AlignLeft)
        header.addWidget(self.clock, 0, 1, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(header)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addLayout(self.grid, 13)
        body.addWidget(self.notices, 7)
        layout.addLayout(body, 1)
        layout.addWidget(self.announcement)
        self.resize(1280, 720)

    def _connect_signals(self) -> None:
        self.timer.timeout.connect(self.refresh)
        self.flash_timer.timeout.connect(self.on_flash_over)
        self.db_status.recovered.connect(self.refresh)

    def refresh(self) -> None:
        now = datetime.now().replace(microsecond=0)
        self.clock.setText(f"{now:%Y-%m-%d %H:%M}")
        if not self.db_status.ok:
            return  # the banner says so; the status checks the database and calls back
        try:
            with self.database.read() as session:
                rows = hall_display(session, now=now)
                settings = load_settings(session)
                notices = current_notices(session, now.date())
                calls = speech.recent_calls(session)
        except Exception as exc:  # the screen keeps showing the last state; try again later
            if not self.db_status.report(exc):
                log.exception("hall display could not read the queue")
            return
        self.rows = rows
        self.notices.show_notices(notices)
        self.notices.show_centre(settings, now)
        self.speak(calls, settings, now)
        newest: HallRow | None = None
        for position, row in enumerate(rows):
            card = self.cards.get(row.room_id)
            if card is None:
                card = RoomCard(row=row)
                self.cards[row.room_id] = card
                self.grid.addWidget(card, position // 3, position % 3)
            card.show_row(row)
            before = self._last_calls.get(row.room_id, "unknown")
            if row.called_at is not None and before != "unknown" and before != row.called_at:
                card.set_flash(True)
                self.flash_timer.start()
            self._last_calls[row.room_id] = row.called_at
            if row.called_at and (newest is None or row.called_at > (newest.called_at or now)):
                newest = row
        if newest is not None:
            where = f"（{newest.location}）" if newest.location else ""
            self.announcement.setText(self.tr("请 {0} 号到 {1}{2}").format(
                newest.calling, newest.room_name, where))

    def speak(self, calls: list[speech.Call], settings: CentreSettings, now: datetime) -> None:
        """Queue each call not spoken yet (made on any desk since the display opened)."""
        self.speaker.configure(speech.speech_settings(settings))
        for call in self.calls.fresh(calls, now=now):
            self.speaker.announce(call.text)

    def on_flash_over(self) -> None:
        for card in self.cards.values():
            card.set_flash(False)

    def ticket_text(self, room_id: int) -> str:
        return self.cards[room_id].ticket.text()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.awake.hold(int(self.winId()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.awake.release()
        self.timer.stop()
        self.flash_timer.stop()
        self.notices.stop()
        self.speaker.stop()
        super().closeEvent(event)
