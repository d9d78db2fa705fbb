"""自助取号 at the desk: the kiosk's numbers waiting to be registered.

Beside the registration form, the receptionist sees today's numbers taken at the
kiosk, marked 自助, in the order they were taken. 选用此号登记 puts one on the
form (its category and room too); the registration then keeps that number. A
resident who never came is 作废.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
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

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception import kiosk
from desktop.services.reception.kiosk import WaitingKioskTicket
from desktop.views import dialogs
from desktop.views.db_status import status_for
from desktop.views.widgets import named

log = logging.getLogger(__name__)

REFRESH_MS = 5_000
TICKET_ROLE = Qt.ItemDataRole.UserRole


class KioskTicketsBox(QGroupBox):
    """Today's kiosk numbers not registered yet; pick one for the form, or cancel it."""

    chosen = Signal(object)  # WaitingKioskTicket

    def __init__(self, *, database: Database, refresh_ms: int = REFRESH_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.tickets: list[WaitingKioskTicket] = []
        self.setTitle(self.tr("自助取号待登记"))
        named(self, "kiosk_tickets", self.tr("自助取号待登记"))
        self.list = named(QListWidget(), "kiosk_tickets.list", self.tr("自助取号列表"))
        self.empty = named(QLabel(self.tr("暂无自助取号")), "kiosk_tickets.empty",
                           self.tr("自助取号情况"))
        self.empty.setStyleSheet("color: #555;")
        self.use_button = named(QPushButton(self.tr("选用此号登记")), "kiosk_tickets.use",
                                self.tr("选用此号登记"),
                                self.tr("把所选自助号带入登记表，保存后沿用此号"))
        self.cancel_button = named(QPushButton(self.tr("作废")), "kiosk_tickets.cancel",
                                   self.tr("作废自助号"), self.tr("来访人未到窗口或已离开"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.use_button.clicked.connect(self.on_use)
        self.cancel_button.clicked.connect(self.on_cancel)
        self.list.itemActivated.connect(lambda _item: self.on_use())
        self.list.currentRowChanged.connect(self._update_buttons)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()

    def refresh(self) -> None:
        if not self.isVisible():
            self.timer.stop()  # started again when shown
        if not auth.may(self.database, "visit.register"):
            self.setVisible(False)
            return
        status = status_for(self.database)
        if not status.ok:
            return
        try:
            with self.database.read() as session:
                tickets = kiosk.waiting_tickets(session)
        except Exception as exc:
            if not status.report(exc):
                raise
            return
        if tickets == self.tickets:
            return
        current = self.current()
        self.tickets = tickets
        self.list.clear()
        for ticket in tickets:
            item = QListWidgetItem(ticket.label())
            item.setData(TICKET_ROLE, ticket.id)
            self.list.addItem(item)
            if current is not None and ticket.id == current.id:
                self.list.setCurrentItem(item)
        self.empty.setVisible(not tickets)
        self._update_buttons()

    def current(self) -> WaitingKioskTicket | None:
        row = self.list.currentRow()
        return self.tickets[row] if 0 <= row < len(self.tickets) else None

    def _update_buttons(self, *_args: object) -> None:
        picked = self.current() is not None
        self.use_button.setEnabled(picked)
        self.cancel_button.setEnabled(picked)

    def on_use(self) -> None:
        ticket = self.current()
        if ticket is not None:
            self.chosen.emit(ticket)

    def on_cancel(self) -> None:
        ticket = self.current()
        if ticket is None:
            return
        if not dialogs.confirm(self, self.tr("作废自助号"), self.tr(
                "确定作废自助号 {0} 吗？（来访人未到窗口或已离开）").format(ticket.ticket_no)):
            return
        try:
            kiosk.cancel_ticket(self.database, ticket.id)
        except (ValidationError, NotFoundError) as exc:
            message = "；".join(exc.errors.values()) if isinstance(exc, ValidationError) \
                else str(exc)
            dialogs.warn(self, self.tr("作废自助号"), message)
        else:
            log.info("kiosk ticket %s cancelled at the desk", ticket.ticket_no)
        self.refresh()
