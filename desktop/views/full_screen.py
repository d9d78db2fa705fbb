"""A window for a screen that faces residents (叫号屏, 自助取号机, 评价器).

It is a top-level window with its own styled background; its style sheet is written
for a window ``BASE_HEIGHT`` pixels high and scaled with the window's height (a 1080p
screen: x1.5). F11 toggles full screen and Esc leaves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

BASE_HEIGHT = 720
# The style sheet is written again only when the height changed by more than this.
RESCALE_STEP = 40


def scaled(sizes: Mapping[str, int], height: int) -> dict[str, int]:
    """``sizes`` (pixels at ``BASE_HEIGHT``) for a window ``height`` pixels high."""
    scale = max(height / BASE_HEIGHT, 0.6)
    return {key: round(px * scale) for key, px in sizes.items()}


class FullScreenWindow(QWidget):
    """The base of the residents' screens: ``style_for(height)`` gives the style sheet."""

    def __init__(self, *, style_for: Callable[[int], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._style_for = style_for
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._scaled_for = BASE_HEIGHT
        self.setStyleSheet(style_for(BASE_HEIGHT))

    def rescale(self, height: int) -> None:
        """Fit the style sheet to a window ``height`` pixels high."""
        self._scaled_for = height
        self.setStyleSheet(self._style_for(height))

    def resizeEvent(self, event: QResizeEvent) -> None:
        height = event.size().height()
        if abs(height - self._scaled_for) > RESCALE_STEP:
            self.rescale(height)
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F11:
            if self.isFullScreen():
                self.showNormal()
            else:
                self.showFullScreen()
            return
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
            return
        super().keyPressEvent(event)
