"""A room's page reads its lists again off the GUI thread when it is shown, the lists of
before staying on screen; its own writes read them at once, and a slower background read
never puts older rows over newer ones."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.police import handovers
from desktop.views.care.page import CarePage
from desktop.views.db_status import status_for
from desktop.views.main_window import MainWindow
from desktop.views.police.handovers_page import PolicePage
from tests.police_helpers import handover
from tests.qt_helpers import lists_read, show_active


def _police_page(qtbot: QtBot, database: Database) -> tuple[MainWindow, PolicePage]:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.show_section("警民联络")
    assert isinstance(page, PolicePage)
    lists_read(qtbot, page)
    return window, page


def _held(monkeypatch: pytest.MonkeyPatch, *, after_reading: bool
          ) -> tuple[threading.Event, list[threading.Thread]]:
    """Hold 警民联络's list read on a gate, before it reads or after (with what it read)."""
    real: Callable[..., Any] = handovers.handover_list
    gate = threading.Event()
    threads: list[threading.Thread] = []

    def held(session: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        if threading.current_thread() is threading.main_thread():
            return real(session, **kwargs)
        if not after_reading:
            assert gate.wait(30)
        rows = real(session, **kwargs)
        if after_reading:
            assert gate.wait(30)
        return rows

    monkeypatch.setattr(handovers, "handover_list", held)
    return gate, threads


def test_a_page_opens_at_once_and_its_lists_follow(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    handovers.record_handover(sqlite_database, handover())
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.show_section("警民联络")
    assert isinstance(page, PolicePage) and page.isVisible()
    assert page.lists.busy and page.table.rowCount() == 0
    lists_read(qtbot, page)
    assert page.table.rowCount() == 1 and "待回复 1 件" in page.summary.text()


def test_shown_again_the_page_reads_off_the_gui_thread(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, page = _police_page(qtbot, sqlite_database)
    assert page.table.rowCount() == 0
    window.show_section("接待登记")
    handovers.record_handover(sqlite_database, handover())  # at another desk
    gate, threads = _held(monkeypatch, after_reading=False)
    window.show_section("警民联络")
    qtbot.waitUntil(lambda: len(threads) == 1)
    assert threads[0] is not threading.main_thread()
    qtbot.wait(50)  # the window goes on taking events; the list of before stays
    assert page.lists.busy and page.table.rowCount() == 0
    gate.set()
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert page.table.rowCount() == 1
    assert "待回复 1 件" in page.summary.text()


def test_a_background_read_never_shows_rows_older_than_the_page_has(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, page = _police_page(qtbot, sqlite_database)
    window.show_section("接待登记")
    gate, threads = _held(monkeypatch, after_reading=True)
    window.show_section("警民联络")  # reads (no hand-over yet) and waits
    qtbot.waitUntil(lambda: len(threads) == 1)
    # Meanwhile the desk records a hand-over: the page reads its list at once.
    handovers.record_handover(sqlite_database, handover())
    page.refresh_list()
    assert page.table.rowCount() == 1
    gate.set()
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert page.table.rowCount() == 1  # the older, empty answer was dropped
    # Shown again later, the list is read (and shown) as usual.
    window.show_section("接待登记")
    window.show_section("警民联络")
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert page.table.rowCount() == 1 and len(threads) == 3


def test_asked_again_while_reading_the_page_reads_once_more_after(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _window, page = _police_page(qtbot, sqlite_database)
    gate, threads = _held(monkeypatch, after_reading=False)
    first = page.lists.later()
    assert page.lists.later() is first and page.lists.later() is first
    gate.set()
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert len(threads) == 2  # the read asked for, and one more for the two asked meanwhile


def test_a_failed_background_read_goes_to_the_database_banner(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _window, page = _police_page(qtbot, sqlite_database)
    handovers.record_handover(sqlite_database, handover())
    page.refresh()

    class ConnectionLost(Exception):
        sqlstate = "08006"

    def lost(*_args: object, **_kwargs: object) -> list[object]:
        raise ConnectionLost("server closed the connection unexpectedly")

    monkeypatch.setattr(handovers, "handover_list", lost)
    page.lists.later()
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert not status_for(sqlite_database).ok
    assert page.table.rowCount() == 1  # what was shown stays


def test_a_refused_background_read_shows_the_refusal(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page = CarePage(database=sqlite_database)
    qtbot.addWidget(page)
    assert page.new_button.isEnabled()
    # The account changes under the page (signed out and in as the police room's staff).
    sqlite_database.actor = auth.Actor(None, "民警联络员", frozenset({"room_staff"}),
                                       room_id=None)
    page.lists.later()
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert "权限" in page.summary.text() or "无权" in page.summary.text()
    assert not page.new_button.isEnabled()
