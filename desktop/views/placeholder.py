"""A section of the main window that is not available yet, and says so plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.views.widgets import named


class PlaceholderPage(QWidget):
    def __init__(self, *, key: str, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, key, title)
        heading = QLabel(f"<h2>{title}</h2>")
        body = named(QLabel(text), f"{key}.notice", self.tr("说明"))
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
