"""A second start of the window brings the running one to the front instead of opening another.

Both ends live in this one process here (the running window's server and the second
start's socket), as two processes would meet on one PC.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.views import app as app_module
from desktop.views import single_instance
from desktop.views.single_instance import SingleInstance, bring_to_front, claim, instance_key


def _key() -> str:
    return f"zongzhi-desk-test-{uuid.uuid4().hex[:12]}"


def test_the_key_is_per_user_and_data_folder(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert instance_key("zhang", one) == instance_key("zhang", one)
    assert instance_key("zhang", one) != instance_key("li", one)  # another Windows login
    assert instance_key("zhang", one) != instance_key("zhang", two)  # another data folder
    assert len(instance_key("zhang", one)) < 60  # a valid pipe and socket name


def test_a_second_start_asks_the_first_to_come_forward(qtbot: QtBot) -> None:
    key = _key()
    first = claim(key)
    assert isinstance(first, SingleInstance)
    asked: list[int] = []
    first.raise_requested.connect(lambda: asked.append(1))
    try:
        assert claim(key) is None  # the second start ends
        qtbot.waitUntil(lambda: len(asked) == 1)
        # A third start too: the first keeps listening.
        assert claim(key) is None
        qtbot.waitUntil(lambda: len(asked) == 2)
    finally:
        first.close()
    # Once the first has closed, a start is the first again.
    again = claim(key)
    assert again is not None
    again.close()


def test_a_socket_left_by_a_crashed_window_does_not_block_the_next(tmp_path: Path) -> None:
    key = _key()
    stale = Path(QDir.tempPath()) / key
    stale.write_bytes(b"")  # what a killed window leaves behind on Linux
    try:
        instance = claim(key)
        assert instance is not None and instance.server.isListening()
        instance.close()
    finally:
        stale.unlink(missing_ok=True)


def test_the_running_window_is_restored_and_raised(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible() and not window.isMinimized()


def test_run_gui_ends_at_once_when_the_window_is_already_open(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = claim()  # this user's window, on this data folder
    assert running is not None

    def must_not_open(*_a: object, **_k: object) -> None:
        raise AssertionError("a second window opened the database")

    monkeypatch.setattr(app_module, "open_at_start", must_not_open)
    asked: list[int] = []
    running.raise_requested.connect(lambda: asked.append(1))
    try:
        assert app_module.run_gui(no_err_windows=True) == 0
        qtbot.waitUntil(lambda: bool(asked))
    finally:
        running.close()
    assert single_instance.ask_running_to_raise(running.key) is False
