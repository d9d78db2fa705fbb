"""评价器: the resident-facing rating pad beside a window or room (一次一评).

A second screen or a tablet turned to the resident. Idle it says 欢迎评价 with the
room's name. Every couple of seconds it asks whether the room finished a ticket a
moment ago (:func:`desktop.services.closure.pad.ticket_to_rate`, one indexed
look-up); then it asks 请您为本次服务评价 with the member of staff's name, a
placeholder for their photo (their initial in a circle), the room, the ticket number
and the five levels of 好差评 as large buttons. A tap records the rating against that
ticket and member of staff (:func:`desktop.services.closure.replies.pad_rating`) and
thanks the resident; no tap within a minute shows 未评价 briefly and stores nothing.
Nothing about the resident is ever on the screen.

Nobody signs in: the window acts as
:data:`desktop.services.admin.auth.RATING_PAD_ACTOR`, which may rate, nothing else.
"""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.closure import pad, replies
from desktop.services.closure.pad import PadRoom, PadTicket
from desktop.services.errors import NotFoundError, ValidationError
from desktop.views.db_status import DatabaseBanner, status_for
from desktop.views.full_screen import FullScreenWindow, scaled
from desktop.views.widgets import named

log = logging.getLogger(__name__)

POLL_MS = 2_000  # how often the pad asks for a ticket just finished
TIMEOUT_MS = 60_000  # no tap for this long: 未评价
RESULT_MS = 4_000  # 感谢您的评价 / 未评价 stays this long

# The five levels, best first, with the colour of their button.
LEVEL_COLOURS = {
    "非常满意": "#1b7f3b",
    "满意": "#43a047",
    "基本满意": "#c99700",
    "不满意": "#e06c00",
    "非常不满意": "#c62828",
}
LEVEL_KEYS = {"非常满意": "very_satisfied", "满意": "satisfied", "基本满意": "basic",
              "不满意": "unsatisfied", "非常不满意": "very_unsatisfied"}

# Sizes are for a 720-pixel-high window and scale with the screen (1080p: x1.5).
STYLE = """
QWidget#rating_pad {{ background: #0b2545; }}
QLabel {{ color: #ffffff; }}
QLabel#rating_pad\\.centre {{ font-size: {centre}px; color: #d0e1f9; }}
QLabel#rating_pad\\.clock {{ font-size: {centre}px; color: #d0e1f9; }}
QLabel#rating_pad\\.idle\\.welcome {{ font-size: {welcome}px; font-weight: bold;
    color: #ffd166; }}
QLabel#rating_pad\\.idle\\.room {{ font-size: {room}px; }}
QLabel#rating_pad\\.idle\\.hint {{ font-size: {hint}px; color: #d0e1f9; }}
QLabel#rating_pad\\.ask\\.prompt {{ font-size: {prompt}px; font-weight: bold;
    color: #ffd166; }}
QLabel#rating_pad\\.ask\\.photo {{ font-size: {initial}px; font-weight: bold;
    color: #0b2545; background: #d0e1f9; border: {ring}px solid #ffffff;
    border-radius: {radius}px; }}
QLabel#rating_pad\\.ask\\.staff {{ font-size: {staff}px; font-weight: bold; }}
QLabel#rating_pad\\.ask\\.ticket {{ font-size: {room}px; color: #d0e1f9; }}
QLabel#rating_pad\\.ask\\.countdown {{ font-size: {hint}px; color: #8fa8c8; }}
QPushButton[role="level"] {{ font-size: {level}px; font-weight: bold; color: #ffffff;
    border: none; border-radius: 18px; padding: 12px; }}
QPushButton[role="level"]:disabled {{ background: #5c677d; }}
QLabel#rating_pad\\.result\\.head {{ font-size: {welcome}px; font-weight: bold;
    color: #ffd166; }}
QLabel#rating_pad\\.result\\.detail {{ font-size: {room}px; }}
"""
SIZES = {"centre": 20, "welcome": 72, "room": 30, "hint": 20, "prompt": 44, "initial": 56,
         "ring": 4, "photo": 120, "staff": 36, "level": 34}


def _sizes(height: int) -> dict[str, int]:
    sizes = scaled(SIZES, height)
    sizes["radius"] = sizes["photo"] // 2  # a circle (a larger radius draws a square)
    return sizes


def style_for(height: int) -> str:
    sizes = _sizes(height)
    levels = "".join(
        f'QPushButton#rating_pad\\.level\\.{LEVEL_KEYS[level]} {{ background: {colour}; }}\n'
        f'QPushButton#rating_pad\\.level\\.{LEVEL_KEYS[level]}:pressed '
        '{ background: #ffd166; color: #0b2545; }\n'
        for level, colour in LEVEL_COLOURS.items())
    return STYLE.format(**sizes) + levels


def initial(name: str) -> str:
    """The photo placeholder's letter: the surname (the first character), or 工."""
    return name.strip()[:1] or "工"


class RatingPadWindow(FullScreenWindow):
    """The pad's three screens: 欢迎评价, the question with five buttons, the answer."""

    # The rating just stored (its id), or 0 when the resident did not rate in time.
    rated = Signal(int)

    def __init__(self, *, database: Database, room: PadRoom, poll_ms: int = POLL_MS,
                 timeout_ms: int = TIMEOUT_MS, result_ms: int = RESULT_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(style_for=style_for, parent=parent)
        self.database = database
        self.room = room
        self.timeout_ms = timeout_ms
        self.result_ms = result_ms
        self.db_status = status_for(database)
        # The ticket on the screen; the ones already shown are not offered again.
        self.ticket: PadTicket | None = None
        self.seen: deque[int] = deque(maxlen=50)
        self._remaining = 0  # seconds left to tap, shown under the buttons
        self.level_buttons: dict[str, QPushButton] = {}
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        named(self, "rating_pad", self.tr("评价器"))
        self.setWindowTitle(self.tr("评价器 · {0}").format(room.name))
        self._add_widgets()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.timeout_timer = QTimer(self)
        self.timeout_timer.setSingleShot(True)
        self.result_timer = QTimer(self)
        self.result_timer.setSingleShot(True)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(1000)
        self._connect_signals()
        self.go_idle()
        self.poll_timer.start()

    # -- building -----------------------------------------------------------------------

    def _add_widgets(self) -> None:
        self.centre = named(QLabel(self.room.centre), "rating_pad.centre", self.tr("中心名称"))
        self.banner = DatabaseBanner(self.db_status)
        self.pages = named(QStackedWidget(), "rating_pad.pages", self.tr("评价器页面"))

        self.idle = named(QWidget(), "rating_pad.idle", self.tr("欢迎评价"))
        self.welcome = named(QLabel(self.tr("欢迎评价")), "rating_pad.idle.welcome",
                             self.tr("欢迎评价"))
        where = self.room.name + (f"（{self.room.location}）" if self.room.location else "")
        self.idle_room = named(QLabel(where), "rating_pad.idle.room", self.tr("科室"))
        self.idle_hint = named(QLabel(self.tr("办理结束后，请在此为我们的服务评价")),
                               "rating_pad.idle.hint", self.tr("说明"))
        idle = QVBoxLayout(self.idle)
        idle.addStretch(2)
        for label in (self.welcome, self.idle_room, self.idle_hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            idle.addWidget(label)
            idle.addSpacing(12)
        idle.addStretch(3)

        self.ask = named(QWidget(), "rating_pad.ask", self.tr("服务评价"))
        self.prompt = named(QLabel(self.tr("请您为本次服务评价")), "rating_pad.ask.prompt",
                            self.tr("提示"))
        self.photo = named(QLabel(), "rating_pad.ask.photo", self.tr("工作人员照片"))
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff = named(QLabel(), "rating_pad.ask.staff", self.tr("工作人员"))
        self.ticket_label = named(QLabel(), "rating_pad.ask.ticket", self.tr("科室和排队号"))
        self.countdown = named(QLabel(), "rating_pad.ask.countdown", self.tr("剩余时间"))
        who = QVBoxLayout()
        who.setSpacing(6)
        who.addWidget(self.staff)
        who.addWidget(self.ticket_label)
        person = QHBoxLayout()
        person.addStretch(1)
        person.addWidget(self.photo)
        person.addSpacing(28)
        person.addLayout(who)
        person.addStretch(1)
        buttons = QHBoxLayout()
        buttons.setSpacing(20)
        for level in replies.LEVELS:
            button = named(QPushButton(level), f"rating_pad.level.{LEVEL_KEYS[level]}", level)
            button.setProperty("role", "level")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setMinimumHeight(96)
            button.clicked.connect(lambda _c=False, lv=level: self.rate(lv))
            buttons.addWidget(button)
            self.level_buttons[level] = button
        ask = QVBoxLayout(self.ask)
        ask.addStretch(1)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask.addWidget(self.prompt)
        ask.addSpacing(24)
        ask.addLayout(person)
        ask.addSpacing(36)
        ask.addLayout(buttons, 3)
        ask.addSpacing(12)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask.addWidget(self.countdown)
        ask.addStretch(1)

        self.result = named(QWidget(), "rating_pad.result", self.tr("评价结果"))
        self.result_head = named(QLabel(), "rating_pad.result.head", self.tr("评价结果"))
        self.result_detail = named(QLabel(), "rating_pad.result.detail", self.tr("说明"))
        result = QVBoxLayout(self.result)
        result.addStretch(1)
        for label in (self.result_head, self.result_detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            result.addWidget(label)
            result.addSpacing(16)
        result.addStretch(1)

        for page in (self.idle, self.ask, self.result):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.addWidget(self.banner)
        layout.addWidget(self.centre)
        layout.addWidget(self.pages, 1)
        self._size_photo(720)
        self.resize(1280, 720)

    def _connect_signals(self) -> None:
        self.poll_timer.timeout.connect(self.poll)
        self.timeout_timer.timeout.connect(self.on_timeout)
        self.result_timer.timeout.connect(self.go_idle)
        self.countdown_timer.timeout.connect(self._show_countdown)
        self.db_status.recovered.connect(self.poll)

    def _size_photo(self, height: int) -> None:
        side = _sizes(height)["photo"]
        self.photo.setFixedSize(side, side)

    # -- the screens --------------------------------------------------------------------

    @property
    def at_idle(self) -> bool:
        return self.pages.currentWidget() is self.idle

    @property
    def asking(self) -> bool:
        return self.pages.currentWidget() is self.ask

    def poll(self) -> None:
        """Ask for a ticket just finished here; show it when there is a new one."""
        if not self.at_idle or not self.db_status.ok:
            return
        try:
            with self.database.read() as session:
                ticket = pad.ticket_to_rate(session, self.room.id)
        except Exception as exc:  # the pad stays idle; tried again at the next poll
            if not self.db_status.report(exc):
                log.exception("rating pad could not read the room's tickets")
            return
        if ticket is not None and ticket.referral_id not in self.seen:
            self.show_ticket(ticket)

    def show_ticket(self, ticket: PadTicket) -> None:
        self.ticket = ticket
        self.seen.append(ticket.referral_id)
        name = ticket.staff_name or self.tr("工作人员")
        self.photo.setText(initial(ticket.staff_name))
        self.photo.setAccessibleDescription(self.tr("{0}的照片位置").format(name))
        self.staff.setText(self.tr("工作人员：{0}").format(name))
        self.ticket_label.setText(self.tr("{0}　排队号 {1}").format(ticket.room_name,
                                                                  ticket.ticket_no))
        for button in self.level_buttons.values():
            button.setEnabled(True)
        self.pages.setCurrentWidget(self.ask)
        self._remaining = max(self.timeout_ms // 1000, 1)
        self._show_countdown(tick=False)
        self.countdown_timer.start()
        self.timeout_timer.start(self.timeout_ms)
        log.info("rating pad asks about ticket %s", ticket.ticket_no)

    def _show_countdown(self, tick: bool = True) -> None:
        if tick:
            self._remaining = max(self._remaining - 1, 0)
        self.countdown.setText(self.tr("{0} 秒后自动返回").format(self._remaining))

    def rate(self, level: str) -> int | None:
        """The resident's tap: record it, thank them; the rating's id (None if refused)."""
        ticket = self.ticket
        if ticket is None or not self.asking:
            return None
        for button in self.level_buttons.values():
            button.setEnabled(False)  # one tap, one rating
        self._stop_asking()
        try:
            with self.database.write() as session:
                rating_id = replies.pad_rating(session, ticket.referral_id, level)
        except (ValidationError, NotFoundError) as exc:
            log.info("rating pad: rating of %s refused: %s", ticket.ticket_no, exc)
            self.show_result(self.tr("本次服务已无法评价"),
                             self.tr("如有意见，请向工作人员反映"))
            return None
        except Exception as exc:
            if not self.db_status.report(exc):
                log.exception("rating pad could not store a rating")
            self.show_result(self.tr("暂时无法保存评价"), self.tr("如有意见，请向工作人员反映"))
            return None
        log.info("rating pad: ticket %s rated", ticket.ticket_no)
        self.show_result(self.tr("感谢您的评价"), self.tr("您的评价：{0}").format(level))
        self.rated.emit(rating_id)
        return rating_id

    def on_timeout(self) -> None:
        """No tap within the minute: 未评价 for a moment, nothing stored."""
        if not self.asking:
            return
        self._stop_asking()
        log.info("rating pad: ticket %s not rated", self.ticket.ticket_no if self.ticket else "")
        self.show_result(self.tr("未评价"), self.tr("本次服务未评价"))
        self.rated.emit(0)

    def _stop_asking(self) -> None:
        self.timeout_timer.stop()
        self.countdown_timer.stop()

    def show_result(self, head: str, detail: str) -> None:
        self._clear_ticket()
        self.result_head.setText(head)
        self.result_detail.setText(detail)
        self.pages.setCurrentWidget(self.result)
        self.result_timer.start(self.result_ms)

    def _clear_ticket(self) -> None:
        self.ticket = None
        for label in (self.photo, self.staff, self.ticket_label, self.countdown):
            label.clear()

    def go_idle(self) -> None:
        """欢迎评价, with nothing of the last ticket left on the screen."""
        self._stop_asking()
        self.result_timer.stop()
        self._clear_ticket()
        self.result_head.clear()
        self.result_detail.clear()
        self.pages.setCurrentWidget(self.idle)

    # -- events -------------------------------------------------------------------------

    def rescale(self, height: int) -> None:
        super().rescale(height)
        self._size_photo(height)

    def closeEvent(self, event: QCloseEvent) -> None:
        for timer in (self.poll_timer, self.timeout_timer, self.result_timer,
                      self.countdown_timer):
            timer.stop()
        super().closeEvent(event)

