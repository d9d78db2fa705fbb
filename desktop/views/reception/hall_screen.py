"""The hall display's PC: which screen it fills, and keeping that screen awake.

A hall PC often drives a TV as its second screen; the display goes to the screen
chosen in 系统设置 (this PC's ``hall_screen`` in config.json) or with ``--screen N``.
While it runs, the operating system is asked not to blank the screen: on Windows
``SetThreadExecutionState(ES_CONTINUOUS | ES_DISPLAY_REQUIRED)``, on a Linux X
desktop ``xdg-screensaver suspend`` when it is installed; elsewhere nothing.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop.config import hall_screen, save_hall_screen
from desktop.views.widgets import named

log = logging.getLogger(__name__)

ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
ES_DISPLAY_REQUIRED = 0x00000002


def _windows_set_state(flags: int) -> int:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    kernel32.SetThreadExecutionState.restype = ctypes.c_uint
    return int(kernel32.SetThreadExecutionState(ctypes.c_uint(flags)))


class KeepAwake:
    """Keeps the display on while held (the hall display's whole run).

    Everything it calls can be given, so tests can stand in for Windows or an X desktop.
    """

    def __init__(self, *, platform: str = sys.platform,
                 set_state: Callable[[int], int] | None = None,
                 run: Callable[[list[str]], Any] | None = None,
                 which: Callable[[str], str | None] = shutil.which,
                 qt_platform: Callable[[], str] = QGuiApplication.platformName) -> None:
        self.platform = platform
        self.set_state = set_state or _windows_set_state
        self.run = run or (lambda cmd: subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        self.which = which
        self.qt_platform = qt_platform
        self.held = False
        self._window: str | None = None

    def hold(self, window_id: int | None = None) -> bool:
        """Ask that the screen stay on; True when the system was asked."""
        if self.held:
            return True
        try:
            if self.platform == "win32":
                self.held = bool(self.set_state(
                    ES_CONTINUOUS | ES_DISPLAY_REQUIRED | ES_SYSTEM_REQUIRED))
            elif self.platform.startswith("linux") and window_id and \
                    self.qt_platform() == "xcb":
                tool = self.which("xdg-screensaver")
                if tool:
                    self._window = hex(window_id)
                    self.run([tool, "suspend", self._window])
                    self.held = True
        except Exception as exc:  # the display runs anyway; the screen may blank
            log.warning("could not keep the screen awake: %s", type(exc).__name__)
            self.held = False
        log.info("keep the screen awake: %s", "yes" if self.held else "not available")
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            if self.platform == "win32":
                self.set_state(ES_CONTINUOUS)
            elif self._window:
                tool = self.which("xdg-screensaver")
                if tool:
                    self.run([tool, "resume", self._window])
        except Exception as exc:
            log.warning("could not let the screen sleep again: %s", type(exc).__name__)


def choose_screen(screens: Sequence[QScreen], number: int | None,
                  primary: QScreen | None) -> QScreen | None:
    """Screen ``number`` (1 = the first), or the primary one when it is not there."""
    if number is not None:
        if 1 <= number <= len(screens):
            return screens[number - 1]
        log.warning("screen %d not found (%d connected): the primary screen is used",
                    number, len(screens))
    return primary or (screens[0] if screens else None)


def screen_label(number: int, screen: QScreen, primary: QScreen | None) -> str:
    size = screen.geometry().size()
    name = screen.model() or screen.name()
    main = "（主屏幕）" if screen is primary else ""
    return f"{number}：{name} {size.width()}×{size.height()}{main}"


def place_on_screen(window: QWidget, screen: QScreen | None) -> None:
    """Put ``window`` on ``screen``, covering it (before showFullScreen)."""
    if screen is None:
        return
    window.setGeometry(screen.geometry())
    handle = window.windowHandle()
    if handle is not None:
        handle.setScreen(screen)


def show_from_desk(display: QWidget, desk: QScreen | None, *,
                   screens: Sequence[QScreen] | None = None, number: int | None = None) -> bool:
    """Show a hall display opened at a desk (分流队列 → 打开叫号屏).

    When the screen chosen for the hall (``number``, else this PC's 系统设置) is another
    screen than the desk's own (a TV on the desk PC's second output), the display fills
    it; otherwise it opens as a window beside the queue, so the desk stays usable.
    True when it went full screen.
    """
    screens = list(QGuiApplication.screens() if screens is None else screens)
    chosen = hall_screen() if number is None else number
    target = choose_screen(screens, chosen, QGuiApplication.primaryScreen())
    if target is None or target is desk or len(screens) < 2:
        display.show()
        return False
    place_on_screen(display, target)
    display.showFullScreen()
    log.info("hall display opened at the desk on screen %s", target.name())
    return True


class HallScreenBox(QGroupBox):
    """系统设置 → 本机叫号屏: the screen this PC's hall display fills."""

    def __init__(self, *, screens: Callable[[], Sequence[QScreen]] = QGuiApplication.screens,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.screens = screens
        self.setTitle(self.tr("本机叫号屏（仅本台电脑）"))
        self.setObjectName("settings.hall_screen_box")
        self.screen_choice = named(QComboBox(), "settings.hall_screen", self.tr("叫号屏显示在"))
        self.save_button = named(QPushButton(self.tr("保存")), "settings.save_hall_screen",
                                 self.tr("保存叫号屏位置"))
        self.status = named(QLabel(), "settings.hall_screen_status", self.tr("叫号屏位置结果"))
        row = QHBoxLayout()
        row.addWidget(self.screen_choice, 1)
        row.addWidget(self.save_button)
        form = QFormLayout(self)
        form.addRow(self.tr("叫号屏显示在"), row)
        note = QLabel(self.tr("大厅电视接在本机第二个接口时选它；命令行 --screen N 可临时指定。"))
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.status)
        self.save_button.clicked.connect(self.on_save)
        self.load()

    def load(self) -> None:
        chosen = hall_screen()
        primary = QGuiApplication.primaryScreen()
        self.screen_choice.clear()
        self.screen_choice.addItem(self.tr("主屏幕"), 0)
        screens = list(self.screens())
        for number, screen in enumerate(screens, 1):
            self.screen_choice.addItem(screen_label(number, screen, primary), number)
        if chosen and chosen > len(screens):
            self.screen_choice.addItem(self.tr("{0}：未连接").format(chosen), chosen)
        self.screen_choice.setCurrentIndex(max(self.screen_choice.findData(chosen or 0), 0))

    def on_save(self) -> None:
        save_hall_screen(self.screen_choice.currentData() or None)
        self.status.setText(self.tr("已保存，下次打开叫号屏时生效。"))
