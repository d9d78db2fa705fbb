"""The hall screen at midnight: a ticket of 23:50 called at 00:03 is shown and announced."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.reception import queue
from desktop.views.reception.hall_display import HallDisplay
from tests.reception_helpers import register, room_ids


def test_a_call_after_midnight_is_shown_and_announced(
    qtbot: QtBot, sqlite_database: Database, clock: time_machine.Coordinates
) -> None:
    evening = datetime(2026, 12, 1, 23, 50)
    clock.move_to(evening.astimezone())
    reg = register(sqlite_database, 1)
    hall = HallDisplay(database=sqlite_database, refresh_ms=100)
    qtbot.addWidget(hall)
    hall.show()
    room = room_ids(sqlite_database)["矛盾纠纷调解室"]
    assert hall.ticket_text(room) == "—"
    clock.move_to((evening + timedelta(minutes=13)).astimezone())
    queue.call(sqlite_database, reg.referral_id)
    qtbot.waitUntil(lambda: hall.ticket_text(room) == "调-001", timeout=5000)
    assert "请 调-001 号到 矛盾纠纷调解室" in hall.announcement.text()
    assert hall.clock.text().startswith("2026-12-02 00:0")
    hall.close()
