"""自助取号机: a full-screen touch window for the hall's self-service area.

Large buttons, one per kind of matter (the active categories), each naming the
room it leads to and how many wait there. A tap takes the number at once and
prints the 80 mm ticket (:mod:`desktop.printing.kiosk_ticket`); the screen shows
the number, then returns to the buttons. It takes no typing
(a touch screen and no keyboard), and after ``idle_ms`` without a touch it
returns to its first screen: nothing a resident did stays on it.

With a 身份证阅读器 (optional), a resident may lay their card on it first: the
screen shows the masked name, and the ticket taken next carries the card to the
desk (:mod:`desktop.views.reception.kiosk_card`). A card left without a tap is
dropped when the kiosk goes back to its first screen.

Nobody signs in: the window acts as :data:`desktop.services.admin.auth.KIOSK_ACTOR`,
which may take tickets and read queue lengths, and nothing else.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QMarginsF,
    QObject,
    QSizeF,
    Qt,
    QTimer,
)
from PySide6.QtGui import QCloseEvent, QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.printing.kiosk_ticket import render_kiosk_ticket
from desktop.services.admin.settings import load_settings
from desktop.services.errors import ValidationError
from desktop.services.reception import kiosk
from desktop.services.reception.idcard import CardData, CardReader
from desktop.services.reception.kiosk import KioskChoice, KioskTicketData
from desktop.services.reception.receipts import centre_phone
from desktop.views.db_status import DatabaseBanner, status_for
from desktop.views.full_screen import FullScreenWindow, scaled
from desktop.views.pdf_preview import print_pdf
from desktop.views.reception.card_reader import POLL_MS
from desktop.views.reception.kiosk_card import KioskCardBar
from desktop.views.widgets import named

log = logging.getLogger(__name__)

# Back to the first screen after this long without a touch (the number just taken
# stays that long, unless 返回首页 is pressed).
IDLE_MS = 30_000
# The queue lengths on the buttons are read again this often.
REFRESH_MS = 5_000
COLUMNS = 4

# A function that prints the ticket's PDF; raises RuntimeError when it cannot.
TicketPrinter = Callable[[bytes, str], None]

# Sizes are for a 720-pixel-high window and scale with the screen (1080p: x1.5).
STYLE = """
QWidget#kiosk {{ background: #0b2545; }}
QLabel {{ color: #ffffff; }}
QLabel#kiosk\\.title {{ font-size: {title}px; font-weight: bold; color: #ffd166; }}
QLabel#kiosk\\.clock {{ font-size: {clock}px; color: #d0e1f9; }}
QLabel#kiosk\\.prompt {{ font-size: {prompt}px; }}
QLabel#kiosk\\.footer {{ font-size: {footer}px; color: #d0e1f9; }}
QLabel#kiosk\\.card\\.hint {{ font-size: {footer}px; color: #d0e1f9; }}
QLabel#kiosk\\.card\\.info {{ font-size: {prompt}px; font-weight: bold; color: #06d6a0; }}
QPushButton[role="card"] {{ font-size: {footer}px; color: #0b2545; background: #d0e1f9;
    border: none; border-radius: 12px; padding: 12px 32px; }}
QPushButton[role="matter"] {{ font-size: {matter}px; color: #0b2545; background: #f4f1e8;
    border: none; border-radius: 16px; padding: 8px; text-align: center; }}
QPushButton[role="matter"]:pressed {{ background: #ffd166; }}
QPushButton[role="matter"]:disabled {{ background: #8d99ae; }}
QLabel#kiosk\\.done\\.head {{ font-size: {head}px; font-weight: bold; }}
QLabel#kiosk\\.done\\.number {{ font-size: {number}px; font-weight: bold; color: #ffd166; }}
QLabel#kiosk\\.done\\.room {{ font-size: {room}px; }}
QLabel#kiosk\\.done\\.waiting {{ font-size: {room}px; }}
QLabel#kiosk\\.done\\.hint {{ font-size: {hint}px; color: #d0e1f9; }}
QLabel#kiosk\\.done\\.printing {{ font-size: {hint}px; color: #ffd166; }}
QPushButton#kiosk\\.home {{ font-size: {home}px; color: #0b2545; background: #ffd166;
    border: none; border-radius: 16px; padding: 16px 48px; }}
"""
SIZES = {"title": 36, "clock": 26, "prompt": 30, "footer": 18, "matter": 24, "head": 40,
         "number": 150, "room": 32, "hint": 22, "home": 30}


def style_for(height: int) -> str:
    return STYLE.format(**scaled(SIZES, height))


class SystemPrinter:
    """Prints a ticket on this PC's receipt printer (the default one, or one named)."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name

    def __call__(self, pdf: bytes, ticket_no: str) -> None:
        names = QPrinterInfo.availablePrinterNames()
        if self.name and self.name not in names:
            raise RuntimeError(f"printer {self.name!r} not found")
        if not self.name and not names:
            raise RuntimeError("no printer installed")
        buffer = QBuffer()
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document = QPdfDocument()
        document.load(buffer)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.name:
            printer.setPrinterName(self.name)
        printer.setDocName(f"排队号 {ticket_no}")
        size = document.pagePointSize(0)
        printer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(size.width(), size.height()), QPageSize.Unit.Point, "kiosk"),
            QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
        print_pdf(document, printer)
        document.close()


class KioskWindow(FullScreenWindow):
    """The kiosk's screens: the kinds of matter, then the number just taken."""

    def __init__(self, *, database: Database, printer: TicketPrinter | None = None,
                 reader: CardReader | None = None, idle_ms: int = IDLE_MS,
                 refresh_ms: int = REFRESH_MS, poll_ms: int = POLL_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(style_for=style_for, parent=parent)
        self.database = database
        self.reader = reader
        self.poll_ms = poll_ms
        self.printer: TicketPrinter = printer or SystemPrinter()
        self.idle_ms = idle_ms
        self.db_status = status_for(database)
        self.buttons: dict[int, QPushButton] = {}
        self.choices: list[KioskChoice] = []
        # The ticket on the screen (cleared on the way back to the first screen).
        self.last_ticket: KioskTicketData | None = None
        self.last_pdf: bytes = b""
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        named(self, "kiosk", self.tr("自助取号"))
        self.setWindowTitle(self.tr("自助取号"))
        self._add_widgets()
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self._connect_signals()
        self.refresh()
        self.refresh_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # any touch anywhere counts as activity

    # -- building -----------------------------------------------------------------------

    def _add_widgets(self) -> None:
        self.title = named(QLabel(), "kiosk.title", self.tr("标题"))
        self.clock = named(QLabel(), "kiosk.clock", self.tr("时间"))
        self.banner = DatabaseBanner(self.db_status)
        self.pages = named(QStackedWidget(), "kiosk.pages", self.tr("自助取号页面"))

        self.home = QWidget()
        self.prompt = named(QLabel(self.tr("请选择您要办理的事项，点击即可取号")), "kiosk.prompt",
                            self.tr("提示"))
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card_bar = KioskCardBar(reader=self.reader, poll_ms=self.poll_ms)
        self.grid = QGridLayout()
        self.grid.setSpacing(18)
        self.footer = named(QLabel(), "kiosk.footer", self.tr("帮助"))
        self.footer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        home = QVBoxLayout(self.home)
        home.addWidget(self.prompt)
        home.addWidget(self.card_bar)
        home.addLayout(self.grid, 1)
        home.addWidget(self.footer)

        self.done = QWidget()
        self.done_head = named(QLabel(), "kiosk.done.head", self.tr("取号结果"))
        self.done_number = named(QLabel(), "kiosk.done.number", self.tr("排队号"))
        self.done_room = named(QLabel(), "kiosk.done.room", self.tr("前往"))
        self.done_waiting = named(QLabel(), "kiosk.done.waiting", self.tr("等候人数"))
        self.done_hint = named(QLabel(), "kiosk.done.hint", self.tr("说明"))
        self.done_printing = named(QLabel(), "kiosk.done.printing", self.tr("打印情况"))
        self.home_button = named(QPushButton(self.tr("返回首页")), "kiosk.home",
                                 self.tr("返回首页"))
        self.home_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        done = QVBoxLayout(self.done)
        done.addStretch(1)
        for label in (self.done_head, self.done_number, self.done_room, self.done_waiting,
                      self.done_hint, self.done_printing):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            done.addWidget(label)
        done.addSpacing(24)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.home_button)
        row.addStretch(1)
        done.addLayout(row)
        done.addStretch(1)

        self.pages.addWidget(self.home)
        self.pages.addWidget(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.banner)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.clock)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)
        self.resize(1280, 720)

    def _connect_signals(self) -> None:
        self.idle_timer.timeout.connect(self.go_home)
        self.refresh_timer.timeout.connect(self.refresh)
        self.home_button.clicked.connect(self.go_home)
        self.db_status.recovered.connect(self.refresh)
        self.card_bar.card_laid.connect(self.on_card_read)
        self.card_bar.clear_button.clicked.connect(self.idle_timer.stop)

    # -- the first screen ---------------------------------------------------------------

    @property
    def at_home(self) -> bool:
        return self.pages.currentWidget() is self.home

    def refresh(self) -> None:
        """The clock, the centre, and the buttons with their queue lengths."""
        now = datetime.now()
        self.clock.setText(f"{now:%Y-%m-%d %H:%M}")
        if not self.at_home or not self.db_status.ok:
            return
        try:
            with self.database.read() as session:
                choices = kiosk.kiosk_choices(session, today=now.date())
                settings = load_settings(session)
        except Exception as exc:  # the screen keeps its buttons; tried again later
            if not self.db_status.report(exc):
                log.exception("kiosk could not read the categories")
            return
        centre = settings.centre_name
        self.title.setText(self.tr("{0} · 自助取号").format(centre) if centre
                           else self.tr("自助取号"))
        phone = centre_phone(settings.centre_phone)
        self.footer.setText(self.tr("如需帮助，请到接待窗口咨询") + (
            self.tr("　中心电话 {0}").format(phone) if phone else ""))
        self.show_choices(choices)

    def show_choices(self, choices: list[KioskChoice]) -> None:
        if [(c.category_id, c.category, c.room_id) for c in choices] != [
                (c.category_id, c.category, c.room_id) for c in self.choices]:
            self._rebuild(choices)
        self.choices = choices
        for choice in choices:
            button = self.buttons[choice.category_id]
            button.setText(self.tr("{0}\n{1} · 等候 {2} 人").format(
                choice.category, choice.room_name, choice.waiting))
            button.setAccessibleDescription(self.tr("前往{0}，等候 {1} 人").format(
                choice.room_name, choice.waiting))

    def _rebuild(self, choices: list[KioskChoice]) -> None:
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons.clear()
        columns = COLUMNS if len(choices) > 6 else max(min(len(choices), 3), 1)
        rows = max(math.ceil(len(choices) / columns), 1)
        for position, choice in enumerate(choices):
            button = named(QPushButton(), f"kiosk.category.{choice.category_id}",
                           choice.category)
            button.setProperty("role", "matter")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(72)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _c=False, cid=choice.category_id: self.take(cid))
            self.grid.addWidget(button, position // columns, position % columns)
            self.buttons[choice.category_id] = button
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 1 if r < rows else 0)
        for c in range(self.grid.columnCount()):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def button_for(self, category: str) -> QPushButton:
        """The big button of a kind of matter, by its name."""
        for choice in self.choices:
            if choice.category == category:
                return self.buttons[choice.category_id]
        raise KeyError(category)

    # -- the ID card (optional) ---------------------------------------------------------

    @property
    def card(self) -> CardData | None:
        """The card laid on the reader for the next ticket, if any."""
        return self.card_bar.card

    def on_card_read(self, card: CardData) -> None:
        """A card laid on the reader: held for the next tap, dropped when the kiosk idles."""
        if not self.at_home:
            self.go_home()  # the last resident's number makes way for the next resident
        self.card_bar.hold(card)
        self.idle_timer.start(self.idle_ms)

    def stop_card_reader(self) -> None:
        """Stop polling and release the reader (the kiosk is closing)."""
        self.card_bar.drop()
        self.card_bar.stop()

    # -- taking a number ----------------------------------------------------------------

    def take(self, category_id: int) -> KioskTicketData | None:
        """Take the number, print the ticket, show it; None (and why) when it cannot."""
        for button in self.buttons.values():
            button.setEnabled(False)  # a second tap while printing takes nothing more
        try:
            data = kiosk.take_ticket(self.database, category_id, card=self.card_bar.take())
        except ValidationError as exc:
            self.show_failure("；".join(exc.errors.values()))
            return None
        except Exception as exc:
            if not self.db_status.report(exc):
                log.exception("kiosk could not take a ticket")
            self.show_failure(self.tr("暂时无法取号"))
            return None
        log.info("kiosk ticket %s taken", data.ticket_no)
        self.last_ticket = data
        self.show_ticket(data)
        self.print_ticket(data)
        return data

    def print_ticket(self, data: KioskTicketData) -> bool:
        self.last_pdf = render_kiosk_ticket(data)
        try:
            self.printer(self.last_pdf, data.ticket_no)
        except RuntimeError as exc:
            log.warning("kiosk ticket %s not printed: %s", data.ticket_no, exc)
            self.done_printing.setText(self.tr(
                "凭条未能打印，请记下您的排队号 {0}，到接待窗口登记").format(data.ticket_no))
            return False
        self.done_printing.setText(self.tr("凭条已打印，请从出票口取走"))
        return True

    def show_ticket(self, data: KioskTicketData) -> None:
        where = f"{data.room_name}（{data.room_location}）" if data.room_location \
            else data.room_name
        self.done_head.setText(self.tr("您的排队号"))
        self.done_number.setText(data.ticket_no)
        self.done_room.setText(self.tr("办理事项：{0}　前往：{1}").format(data.category, where))
        self.done_waiting.setText(self.tr("您前面还有 {0} 人等候").format(data.waiting_before))
        self.done_hint.setText(
            self.tr("已读取您的身份证，请到接待窗口出示凭条，核对后按叫号前往办理")
            if data.card_read else self.tr("请先到接待窗口出示凭条，登记后按叫号前往办理"))
        self.done_printing.clear()
        self.pages.setCurrentWidget(self.done)
        self.idle_timer.start(self.idle_ms)

    def show_failure(self, message: str) -> None:
        self.done_head.setText(message)
        for label in (self.done_number, self.done_room, self.done_waiting, self.done_printing):
            label.clear()
        self.done_hint.setText(self.tr("请到接待窗口咨询，工作人员将为您登记取号"))
        self.pages.setCurrentWidget(self.done)
        self.idle_timer.start(self.idle_ms)

    def go_home(self) -> None:
        """The first screen, with nothing left of the last resident's ticket."""
        self.idle_timer.stop()
        self.last_ticket = None
        self.last_pdf = b""
        self.card_bar.drop()
        for label in (self.done_head, self.done_number, self.done_room, self.done_waiting,
                      self.done_hint, self.done_printing):
            label.clear()
        self.pages.setCurrentWidget(self.home)
        for button in self.buttons.values():
            button.setEnabled(True)
        self.refresh()

    # -- events -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                            QEvent.Type.KeyPress) and (not self.at_home
                                                       or self.card is not None):
            self.idle_timer.start(self.idle_ms)  # someone is still there
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.idle_timer.stop()
        self.refresh_timer.stop()
        self.stop_card_reader()
        super().closeEvent(event)
