"""The date fields start at the program's clock, the one the services use, not Qt's own.

On a PC the two agree; under the fixed test clock (moved here far from the wall
clock) a field that asked Qt would start on another day than the services check.
"""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from pytestqt.qtbot import QtBot

from desktop.views.form_widgets import DateEdit, DateTimeEdit, OptionalDateEdit


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
