"""``python -m desktop hall-display`` opens the hall screen full screen on the database given."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.cli import main
from desktop.db import Database
from desktop.views import app as app_module
from desktop.views.errors import ExceptionHook
from desktop.views.reception.hall_display import HallDisplay
from tests.reception_helpers import register


def test_hall_display_command(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reg = register(sqlite_database, 1)
    from desktop.services.reception import queue

    queue.call(sqlite_database, reg.referral_id)
    shown: list[HallDisplay] = []

    def full_screen(self: HallDisplay) -> None:
        shown.append(self)
        self.show()
        QTimer.singleShot(300, QApplication.quit)

    monkeypatch.setattr(HallDisplay, "showFullScreen", full_screen)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    assert app_module.run_hall_display  # the command's entry point
    assert main(["--db", sqlite_db_url, "hall-display"]) == 0
    assert len(shown) == 1
    display = shown[0]
    assert reg.ticket_no in [display.ticket_text(room_id) for room_id in display.cards]
    display.close()
    display.deleteLater()
    qtbot.wait(50)
