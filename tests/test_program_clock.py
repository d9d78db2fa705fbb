"""The date fields start at the program's clock, the one the services use, not Qt's own;
the tests' template database is seeded on the test clock.

On a PC the two agree; under the fixed test clock (moved here far from the wall
clock) a field that asked Qt would start on another day than the services check.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import time_machine
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.config import sqlite_url
from desktop.db import Database
from desktop.models import AuditEntry
from desktop.services.admin import audit
from desktop.views.form_widgets import DateEdit, DateTimeEdit, OptionalDateEdit
from tests.conftest import seed_template, test_clock_start


def test_date_fields_start_today_by_the_program_s_clock(
    qtbot: QtBot, clock: time_machine.Coordinates
) -> None:
    clock.move_to(datetime(2031, 3, 4, 9, 41).astimezone())
    day, moment = DateEdit(), DateTimeEdit()
    optional = OptionalDateEdit()
    for widget in (day, moment, optional):
        qtbot.addWidget(widget)
    assert day.value() == date(2031, 3, 4)
    assert moment.value() == datetime(2031, 3, 4, 9, 41)
    assert optional.value() is None
    optional.set_today()
    assert optional.value() == date(2031, 3, 4)


def test_the_template_database_is_seeded_on_the_test_clock_from_any_clock(
    tmp_path: Path, clock: time_machine.Coordinates
) -> None:
    # The soak keeps the wall clock and runs first, so it may be the test that asks for
    # the template; the template's entries must still be of the test day.
    clock.move_to(datetime(2031, 3, 4, 9, 41).astimezone())
    path = tmp_path / "template.sqlite3"
    seed_template(path)
    database = Database.open(sqlite_url(path), migrate=False)
    try:
        with database.read() as session:
            stamped = session.scalars(select(AuditEntry.at)).all()
    finally:
        database.dispose()
    assert stamped, "the seed writes audit entries"
    assert {audit.local_time(at).date() for at in stamped} == {test_clock_start().date()}
    assert date.today() == date(2031, 3, 4)  # the test's own clock is left where it was
