"""Small helpers every view uses to name its widgets and show field errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QWidget

W = TypeVar("W", bound=QWidget)

RISK_COLOURS = {"红": "#d93025", "橙": "#f29900", "黄": "#f6c700"}
RISK_TEXT_COLOURS = {"红": "#ffffff", "橙": "#ffffff", "黄": "#3c3c3c"}


def named(widget: W, object_name: str, accessible_name: str, tooltip: str | None = None) -> W:
    """Give ``widget`` a stable objectName (tests) and an accessible name (screen readers)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


class FieldError(QLabel):
    """The red message shown beside a field that is wrong; empty and hidden otherwise."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName("错误提示")
        self.setStyleSheet("color: #c5221f;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))


@contextmanager
def filling(table: QTableWidget) -> Iterator[QTableWidget]:
    """Fill ``table`` with its columns sized once at the end, not after every cell.

    A shown table whose columns fit their contents measures every row again on
    each ``setItem``: 400 cases took a minute. The columns keep their modes.
    """
    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(c) for c in range(table.columnCount())]
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.setUpdatesEnabled(False)
    try:
        yield table
    finally:
        for column, mode in enumerate(modes):
            header.setSectionResizeMode(column, mode)
        table.setUpdatesEnabled(True)
