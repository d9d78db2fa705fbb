"""The dashboard's rooms table: each room's work in hand and overdue, by the room's rules.

Counts only: the administrator and the leaders read them without the rooms' own
permissions (a counselling count says nothing of anyone).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.counselling import cases as counselling_cases
from desktop.services.registers import dashboard
from desktop.views.registers.reports_page import OVERDUE_COLUMN, OVERDUE_RED, ReportsPage
from tests.counselling_helpers import as_role
from tests.dashboard_helpers import rooms_with_work

TODAY = date(2026, 12, 2)  # the tests' fixed clock


def test_each_room_counts_its_work_by_its_own_rules(database: Database) -> None:
    rooms_with_work(database)
    with database.read() as session:
        work = dashboard.room_work(session, TODAY)
    assert work["police"] == (2, 1)  # the reply due on 11-25 is late
    assert work["care"] == (2, 1)  # registered 10-20, every 14 days, never visited
    assert work["counselling"] == (1, 0)  # taken up today
    assert work["mediation"] == (0, 0) and work["social"] == (0, 0)
    with database.read() as session:  # a fortnight and more without contact: overdue
        later = date(2026, 12, 2 + counselling_cases.FOLLOW_UP_DAYS + 1)
        assert dashboard.room_work(session, later)["counselling"] == (1, 1)


def test_the_leader_reads_the_counts_without_the_rooms_permissions(
    database: Database
) -> None:
    rooms_with_work(database)
    as_role(database, {"leader"})
    with database.read() as session:
        overview = dashboard.today_overview(session, TODAY)
    rooms = {room.code: room for room in overview.rooms}
    assert (rooms["counselling"].open, rooms["counselling"].overdue) == (1, 0)
    assert (rooms["care"].open, rooms["care"].overdue) == (2, 1)
    assert rooms["window"].open is None  # the window keeps no work of its own


def test_the_table_shows_each_rooms_overdue_in_red(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    rooms_with_work(sqlite_database)
    page = ReportsPage(database=sqlite_database)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: not page.refreshing, timeout=30000)
    table = page.findChild(QTableWidget, "reports.rooms")
    assert table is not None
    names = [table.item(row, 0).text() for row in range(table.rowCount())]
    police = names.index("警民联络室")
    late = table.item(police, OVERDUE_COLUMN)
    assert late.text() == "1" and late.foreground().color() == OVERDUE_RED
    mediation = table.item(names.index("矛盾纠纷调解室"), OVERDUE_COLUMN)
    assert mediation.text() == "0" and mediation.foreground().color() != OVERDUE_RED
    assert names[-1] == dashboard.DELIBERATION
