"""Small form widgets the mediation forms share: optional dates, choice boxes.

Today and now come from Python's clock, as in the services, never from Qt's: the
services and the forms then agree on the day (and a test's fixed clock holds for both).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, SignalInstance
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

EMPTY_DATE = QDate(1900, 1, 1)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class DateEdit(QDateEdit):
    """A date with a calendar pop-up, shown as 2026-11-26."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.set_value(date.today())

    def value(self) -> date:
        return from_qdate(self.date())

    def set_value(self, value: date) -> None:
        self.setDate(to_qdate(value))


def date_edit(value: date) -> DateEdit:
    """A :class:`DateEdit` showing ``value``."""
    edit = DateEdit()
    edit.set_value(value)
    return edit


class OptionalDateEdit(DateEdit):
    """A date that may be left empty (shown as 未填写): ``value()`` is then ``None``."""

    def __init__(self, *, parent: QWidget | None = None, empty_text: str = "未填写") -> None:
        super().__init__(parent=parent)
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(empty_text)
        self.setDate(EMPTY_DATE)

    def value(self) -> date | None:  # type: ignore[override]
        return None if self.date() == EMPTY_DATE else from_qdate(self.date())

    def set_value(self, value: date | None) -> None:
        self.setDate(EMPTY_DATE if value is None else to_qdate(value))

    def set_today(self) -> None:
        self.setDate(to_qdate(date.today()))


class DateTimeEdit(QDateTimeEdit):
    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.set_value(datetime.now())

    def value(self) -> datetime:
        d, t = self.date(), self.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def set_value(self, value: datetime) -> None:
        self.setDateTime(QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute)))


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, object]], *,
               empty: str | None = None) -> None:
    """Replace the entries of ``combo`` with (text, data) pairs, keeping the current data."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


def select_data(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


def select_text(combo: QComboBox, text: str | None) -> None:
    index = combo.findText(text or "")
    combo.setCurrentIndex(max(index, 0))


def set_read_only(widget: QWidget, read_only: bool) -> None:
    """Show a field's value without letting it be changed (text stays selectable to copy).

    Text boxes and date or number boxes become read-only; a choice box or list, which
    has no such state, is disabled.
    """
    if isinstance(widget, QLineEdit | QPlainTextEdit | QAbstractSpinBox):
        widget.setReadOnly(read_only)
    else:
        widget.setEnabled(not read_only)


def widget_value(widget: QWidget) -> Any:
    """What a plain form field holds: its text, its choice's data, its number, or its date
    (None while a date box is switched off)."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QDateEdit):
        return widget.date().toPython() if widget.isEnabled() else None
    raise TypeError(f"no value for {type(widget).__name__}")


def set_widget_value(widget: QWidget, value: object) -> None:
    """Put back what :func:`widget_value` gave (a missing text as empty, an unknown choice
    as the first entry, a number only if it is one)."""
    if isinstance(widget, QLineEdit):
        widget.setText(str(value or ""))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value or ""))
    elif isinstance(widget, QComboBox):
        select_data(widget, value)
    elif isinstance(widget, QSpinBox):
        if isinstance(value, int):
            widget.setValue(value)
    else:
        raise TypeError(f"cannot set {type(widget).__name__}")


def value_changed(widget: QWidget) -> SignalInstance:
    """The signal a plain form field sends whenever its value changes."""
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    raise TypeError(f"no change signal for {type(widget).__name__}")
