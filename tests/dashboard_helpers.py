"""Shared set-up for the dashboard's tests: work in hand in the rooms."""

from __future__ import annotations

from datetime import date

from desktop.db import Database
from desktop.services.care import entries
from desktop.services.police import handovers
from tests.care_helpers import care_entry
from tests.counselling_helpers import take_up
from tests.police_helpers import handover


def rooms_with_work(database: Database) -> None:
    """One overdue hand-over and one on time; a care visit overdue; a counselling case."""
    handovers.record_handover(database, handover(reply_due=date(2026, 11, 25)))
    handovers.record_handover(database, handover(reply_due=date(2026, 12, 10)))
    entries.register_entry(database, care_entry("李桂芝", 41, date(2026, 10, 20)))
    entries.register_entry(database, care_entry("王秀英", 42, date(2026, 11, 30)))
    take_up(database, 7)
