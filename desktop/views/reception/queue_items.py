"""Read-only table cells for the queue and the centre board, made many times a refresh."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidgetItem

from desktop.views.widgets import RISK_COLOURS, RISK_TEXT_COLOURS

ID_ROLE = Qt.ItemDataRole.UserRole

# A new item's flags less ItemIsEditable, worked out once.
_READ_ONLY = QTableWidgetItem().flags() & ~Qt.ItemFlag.ItemIsEditable


def read_only_item(text: str, data: Any = None) -> QTableWidgetItem:
    """A cell the user cannot edit, carrying ``data`` (a ticket's or room's id)."""
    item = QTableWidgetItem(text)
    item.setFlags(_READ_ONLY)
    if data is not None:
        item.setData(ID_ROLE, data)
    return item


def risk_item(level: str) -> QTableWidgetItem:
    """The 风险 cell in the level's colours."""
    item = read_only_item(level)
    item.setBackground(QBrush(QColor(RISK_COLOURS.get(level, "#ffffff"))))
    item.setForeground(QBrush(QColor(RISK_TEXT_COLOURS.get(level, "#000000"))))
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item
