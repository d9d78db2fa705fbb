"""Typing as a user types, Chinese included.

``qtbot.keyClicks`` aborts the process on non-ASCII characters (a Qt assertion
in qasciikey.cpp), so each character is sent as its own key event carrying the
text, which is what an input method delivers to the widget.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
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


@contextmanager
def answering(qtbot: QtBot, key: str, choice: str) -> Iterator[list[str]]:
    """Inside the block, every question box ``{key}_dialog`` that opens is answered by
    clicking its button ``{key}.{choice}``; the texts of the questions asked are yielded.

    The box runs its own event loop (``exec``): a timer of that loop finds and clicks it.
    """
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != f"{key}_dialog":
            return
        button = box.findChild(QPushButton, f"{key}.{choice}")
        unnamed = [b.text() for b in box.findChildren(QPushButton) if not b.accessibleName()]
        if button is None or unnamed or not box.accessibleName():
            box.reject()  # an open box would hold the test forever
            raise AssertionError(f"no button {key}.{choice} or an unnamed one {unnamed} "
                                 f"in: {box.text()}")
        asked.append(box.text())
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    try:
        yield asked
    finally:
        timer.stop()


@contextmanager
def loop_ends_within(seconds: float = 90) -> Iterator[None]:
    """Whatever happens inside (a close that raised, a check that never came back), every
    event loop running is ended after ``seconds`` with the code 99, so a test of a whole
    start (``run_gui``) fails instead of hanging the test run.
    """
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(99))
    guard.start(int(seconds * 1000))
    try:
        yield
    finally:
        guard.stop()


def lists_read(qtbot: QtBot, page: QWidget) -> QWidget:
    """Wait for the lists a room's page reads off the GUI thread (at its first opening and
    each time it is shown again); returns the page."""
    lists = getattr(page, "lists", None)
    assert lists is not None, f"{page.objectName()} has no background lists"
    qtbot.waitUntil(lambda: not lists.busy, timeout=30_000)
    return page
