"""The kiosk's optional 身份证 reader: a card laid on it goes with the next ticket to the desk.

The reader is polled off the GUI thread by the desk's own
:class:`~desktop.views.reception.card_reader.CardPoller`. A card read is held
until the resident taps a kind of matter (the ticket then carries it, see
:func:`desktop.services.reception.kiosk.take_ticket`), or until the kiosk goes
back to its first screen, which drops it. The screen shows only the masked name
(张*华): a kiosk stands in a public hall.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.services.reception.idcard import CardData, CardReader
from desktop.services.reception.idcard.simulated import SimulatedReader
from desktop.services.validation import mask_name
from desktop.views.reception.card_reader import POLL_MS, UNAVAILABLE, CardPoller
from desktop.views.widgets import named

log = logging.getLogger(__name__)


class KioskCardBar(QWidget):
    """One line above the kinds of matter: the invitation to lay a card, or the card held."""

    card_laid = Signal(object)  # CardData: a card newly laid on the reader

    def __init__(self, *, reader: CardReader | None, poll_ms: int = POLL_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        # The card read and not yet taken a ticket with (dropped on the way home).
        self.card: CardData | None = None
        self.reader_ok = reader is not None
        named(self, "kiosk.card_bar", self.tr("身份证"))
        self._add_widgets()
        self.poller: CardPoller | None = None
        if reader is not None:
            self.poller = CardPoller(reader, interval_ms=poll_ms, parent=self)
            self._connect_signals()
            self.poller.start()
        else:
            self.hide()  # no reader: the kiosk as it always was
        self.drop()

    def _add_widgets(self) -> None:
        self.hint = named(QLabel(self.tr("如需读取身份证，请将身份证放在阅读器上（可选）")),
                          "kiosk.card.hint", self.tr("读卡提示"))
        self.info = named(QLabel(), "kiosk.card.info", self.tr("已读取身份证"))
        self.clear_button = named(QPushButton(self.tr("不使用此身份证")), "kiosk.card.clear",
                                  self.tr("不使用此身份证"))
        self.simulate = named(QPushButton(self.tr("模拟放卡")), "kiosk.simulate_card",
                              self.tr("模拟放卡"),
                              self.tr("在模拟阅读器上放一张虚构的身份证（演示用）"))
        self.simulate.setVisible(isinstance(self.reader, SimulatedReader))
        for button in (self.clear_button, self.simulate):
            button.setProperty("role", "card")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for label in (self.hint, self.info):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(self.hint)
        layout.addWidget(self.info)
        layout.addSpacing(24)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.simulate)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        assert self.poller is not None
        self.poller.card_read.connect(self.card_laid)
        self.poller.state_changed.connect(self.on_state_changed)
        self.clear_button.clicked.connect(self.drop)
        self.simulate.clicked.connect(self.on_simulate)

    def on_state_changed(self, state: str, _message: str) -> None:
        # A reader that does not answer is the centre's business (the log says why),
        # not the resident's: the kiosk just stops inviting a card.
        self.reader_ok = state != UNAVAILABLE
        self._show()

    def on_simulate(self) -> None:
        if isinstance(self.reader, SimulatedReader):
            self.reader.present()

    def hold(self, card: CardData) -> None:
        """Keep ``card`` for the next ticket; the screen shows its masked name only."""
        self.card = card
        self.info.setText(self.tr("{0}　已读取身份证，请选择办理事项").format(
            mask_name(card.name)))
        self._show()

    def take(self) -> CardData | None:
        """The card held, handed over for a ticket and no longer held."""
        card = self.card
        self.drop()
        return card

    def drop(self) -> None:
        """Nothing of the card is kept or shown any more."""
        self.card = None
        self.info.clear()
        self._show()

    def _show(self) -> None:
        held = self.card is not None
        self.info.setVisible(held)
        self.clear_button.setVisible(held)
        self.hint.setVisible(not held and self.reader_ok)

    def stop(self) -> None:
        """Stop polling and release the reader (the kiosk is closing)."""
        if self.poller is not None:
            self.poller.stop()
            self.poller = None
