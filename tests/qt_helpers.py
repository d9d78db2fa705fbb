"""Typing as a user types, Chinese included.

``qtbot.keyClicks`` aborts the process on non-ASCII characters (a Qt assertion
in qasciikey.cpp), so each character is sent as its own key event carrying the
text, which is what an input method delivers to the widget.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` key by key, as a user would."""
    widget.setFocus()
    for ch in text:
        if ch.isascii() and ch.isprintable():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def show_active(qtbot: QtBot, window: QWidget) -> None:
    """Show ``window`` and make it the active window, so its keyboard shortcuts work.

    Under the offscreen platform ``activateWindow()`` alone leaves it inactive;
    asking its QWindow to activate once it is exposed does the job.
    """
    window.show()
    qtbot.waitExposed(window)
    handle = window.windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(window.isActiveWindow)


def click_named(qtbot: QtBot, parent: QWidget, name: str) -> None:
    """Click the enabled button called ``name`` inside ``parent``, as the mouse would."""
    button = parent.findChild(QPushButton, name)
    assert button is not None, name
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
