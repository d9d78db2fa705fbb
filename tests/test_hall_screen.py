"""The hall display keeps its screen awake and fills the screen chosen for it.

Windows' SetThreadExecutionState and an X desktop's xdg-screensaver are stood in for
by recorders; the screens by the offscreen platform's one screen, listed twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.cli import main
from desktop.config import hall_screen, save_hall_screen
from desktop.db import Database
from desktop.views.errors import ExceptionHook
from desktop.views.reception import hall_screen as hall_screen_module
from desktop.views.reception.hall_display import HallDisplay
from desktop.views.reception.hall_screen import (
    ES_CONTINUOUS,
    ES_DISPLAY_REQUIRED,
    HallScreenBox,
    KeepAwake,
    choose_screen,
    show_from_desk,
)


class Recorder:
    def __init__(self, answer: int = 1) -> None:
        self.calls: list[object] = []
        self.answer = answer

    def __call__(self, value: object) -> int:
        self.calls.append(value)
        return self.answer


def test_windows_is_asked_to_keep_the_display_on_and_then_let_go() -> None:
    state = Recorder()
    awake = KeepAwake(platform="win32", set_state=state)
    assert awake.hold(1234)
    (flags,) = state.calls
    assert isinstance(flags, int)
    assert flags & ES_CONTINUOUS and flags & ES_DISPLAY_REQUIRED
    awake.hold(1234)  # held once, not stacked
    awake.release()
    assert state.calls == [flags, ES_CONTINUOUS]


def test_a_refusal_leaves_the_display_running() -> None:
    def broken(_flags: int) -> int:
        raise OSError("no kernel32")

    assert KeepAwake(platform="win32", set_state=Recorder(answer=0)).hold() is False
    awake = KeepAwake(platform="win32", set_state=broken)
    assert awake.hold() is False
    awake.release()  # nothing held, nothing called


def test_an_x_desktop_suspends_its_screensaver_for_the_window() -> None:
    run = Recorder()
    awake = KeepAwake(platform="linux", run=run, which=lambda _n: "/usr/bin/xdg-screensaver",
                      qt_platform=lambda: "xcb")
    assert awake.hold(0x3A00007)
    awake.release()
    assert run.calls == [["/usr/bin/xdg-screensaver", "suspend", "0x3a00007"],
                         ["/usr/bin/xdg-screensaver", "resume", "0x3a00007"]]


@pytest.mark.parametrize(("tool", "qt"), [(None, "xcb"), ("/usr/bin/xdg-screensaver",
                                                          "offscreen")])
def test_elsewhere_nothing_is_run(tool: str | None, qt: str) -> None:
    run = Recorder()
    awake = KeepAwake(platform="linux", run=run, which=lambda _n: tool, qt_platform=lambda: qt)
    assert awake.hold(7) is False
    awake.release()
    assert run.calls == []


def test_the_hall_display_holds_the_screen_while_it_is_up(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    state = Recorder()
    display = HallDisplay(database=sqlite_database,
                          awake=KeepAwake(platform="win32", set_state=state))
    qtbot.addWidget(display)
    assert state.calls == []
    display.show()
    qtbot.waitExposed(display)
    assert display.awake.held and len(state.calls) == 1
    display.close()
    assert not display.awake.held and state.calls[-1] == ES_CONTINUOUS


def _screens() -> list[QScreen]:
    primary = QGuiApplication.primaryScreen()
    assert primary is not None
    return [primary, primary]


def test_the_screen_is_picked_by_number(qapp: QApplication) -> None:
    first = QGuiApplication.primaryScreen()
    screens = QGuiApplication.screens()
    assert choose_screen(screens, 1, first) is screens[0]
    assert choose_screen(screens, None, first) is first
    assert choose_screen(screens, len(screens) + 1, first) is first  # the TV is off: primary


def _run_display(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> list[int | None]:
    asked: list[int | None] = []
    real = hall_screen_module.choose_screen

    def spy(screens: list[QScreen], number: int | None, primary: QScreen | None
            ) -> QScreen | None:
        asked.append(number)
        return real(screens, number, primary)

    def full_screen(self: HallDisplay) -> None:
        self.show()
        QTimer.singleShot(200, QApplication.quit)

    monkeypatch.setattr(hall_screen_module, "choose_screen", spy)
    monkeypatch.setattr(HallDisplay, "showFullScreen", full_screen)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    assert main(argv) == 0
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, HallDisplay):
            widget.close()
            widget.deleteLater()
    return asked


def test_the_command_takes_screen_n_over_the_setting(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run_display(monkeypatch, ["--db", sqlite_db_url, "hall-display"]) == [None]
    save_hall_screen(3)
    assert _run_display(monkeypatch, ["--db", sqlite_db_url, "hall-display"]) == [3]
    assert _run_display(monkeypatch,
                        ["--db", sqlite_db_url, "hall-display", "--screen", "2"]) == [2]
    qtbot.wait(50)


def test_screen_zero_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["hall-display", "--screen", "0"])
    assert exit_.value.code == 2
    assert "屏幕编号应为从 1 开始的整数" in capsys.readouterr().err


def test_the_settings_box_keeps_this_pcs_choice(qtbot: QtBot) -> None:
    box = HallScreenBox(screens=_screens)
    qtbot.addWidget(box)
    assert box.screen_choice.count() == 3  # 主屏幕, 1, 2
    assert box.screen_choice.itemText(2).startswith("2：")
    box.screen_choice.setCurrentIndex(box.screen_choice.findData(2))
    box.save_button.click()
    assert hall_screen() == 2
    save_hall_screen(4)
    again = HallScreenBox(screens=_screens)
    qtbot.addWidget(again)
    assert again.screen_choice.currentText() == "4：未连接"
    again.screen_choice.setCurrentIndex(0)
    again.save_button.click()
    assert hall_screen() is None


def test_a_display_opened_at_a_one_screen_desk_stays_a_window(qtbot: QtBot) -> None:
    """The desk's own screen is the only one: full screen would hide the queue."""
    display = QWidget()
    qtbot.addWidget(display)
    save_hall_screen(2)
    desk = QGuiApplication.primaryScreen()
    assert show_from_desk(display, desk) is False
    assert display.isVisible() and not display.isFullScreen()


# Two screens exist only in a process of their own (the offscreen platform reads them
# from a file at start): the desk on the first, the hall's TV on the second.
TWO_SCREENS = {"screens": [
    {"name": "desk", "x": 0, "y": 0, "width": 1366, "height": 768,
     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
    {"name": "hall-tv", "x": 1366, "y": 0, "width": 1920, "height": 1080,
     "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1},
]}
DESK_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from desktop.config import save_hall_screen
from desktop.views.reception.hall_screen import show_from_desk
app = QApplication([])
desk, tv = app.screens()
save_hall_screen(int(sys.argv[1]))
display = QWidget()
full = show_from_desk(display, desk)
app.processEvents()
print(full, display.isFullScreen(), display.screen().name(), display.geometry().x())
"""


@pytest.mark.parametrize(("chosen", "expected"), [
    (2, "True True hall-tv 1366"),  # the TV: the display fills it
    (1, "False False desk"),  # the desk's own screen: a window beside the queue
])
def test_a_display_opened_at_a_two_screen_desk_fills_the_chosen_screen(
    tmp_path: Path, chosen: int, expected: str,
) -> None:
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run([sys.executable, "-c", DESK_SCRIPT, str(chosen)], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip().startswith(expected), result.stdout + result.stderr
