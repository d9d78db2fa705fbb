"""The line beside 证件号码 that says how the number came: off a card, or typed."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QWidget

from desktop.services.reception.idcard import CardData
from desktop.views.widgets import named


class CardNote(QLabel):
    """Hidden while no card was read; green 读卡核验 (with the card's validity), red for an
    expired card, grey once the number was edited after the read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "registration.card_note", self.tr("读卡核验"))
        self.setWordWrap(True)
        self.hide()

    def show_for(self, card: CardData | None, *, number_kept: bool, today: date) -> None:
        """``number_kept``: the card's number still stands unedited in the form."""
        if card is None:
            self.clear()
            self.hide()
            return
        if not number_kept:
            self.setText(self.tr("证件号码已在读卡后修改，本次按手工录入登记"))
            self.setStyleSheet("color: #555;")
        elif card.expired(today):
            assert card.valid_to is not None
            self.setText(self.tr(
                "身份证已过期（有效期至 {0:%Y-%m-%d}），请提醒来访人换领").format(card.valid_to))
            self.setStyleSheet("color: #c5221f; font-weight: bold;")
        elif card.long_term or card.valid_to:
            until = self.tr("长期") if card.long_term else f"{card.valid_to:%Y-%m-%d}"
            self.setText(self.tr("读卡核验：号码由身份证阅读器读取（有效期至 {0}）").format(until))
            self.setStyleSheet("color: #188038;")
        else:  # read at the kiosk, which keeps no validity
            self.setText(self.tr("读卡核验：号码由身份证阅读器读取"))
            self.setStyleSheet("color: #188038;")
        self.show()
