"""回复评价's overdue count (``closure/lists.overdue_unreplied``), the figure of the
dashboard: each time limit's cut-off to the minute, the limits summed, what is not
counted (a reply given, a removed visit, a visit before ``since``), on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Category
from desktop.services.admin import deletion
from desktop.services.closure import lists
from desktop.services.closure.workdays import Calendar
from tests.closure_helpers import NOW, finished_matter, record_reply
from tests.reception_helpers import register

TODAY = NOW.date()  # Wednesday 2 December 2026; no holiday near it


def _limit(database: Database, name: str, days: int | None) -> None:
    with database.write() as session:
        category = session.scalar(select(Category).where(Category.name == name))
        assert category is not None
        category.time_limit_days = days


def _only_limits(database: Database, **limits: int) -> None:
    """Every category without a limit but the ones given (``邻里=3``)."""
    with database.write() as session:
        for category in session.scalars(select(Category)):
            category.time_limit_days = limits.get(category.name)


def _overdue(database: Database, *, today: date = TODAY, since: date | None = None) -> int:
    with database.read() as session:
        return lists.overdue_unreplied(session, today=today, since=since)


def test_the_cut_off_of_a_limit_is_the_end_of_its_last_late_day(database: Database) -> None:
    _only_limits(database, 邻里=3)
    with database.read() as session:
        # Thursday + 3 working days = Tuesday, already past; Friday + 3 = today, not yet.
        assert Calendar.load(session).latest_start(TODAY, 3) == date(2026, 11, 26)
    register(database, 1, now=datetime(2026, 11, 26, 23, 59))
    assert _overdue(database) == 1
    register(database, 2, now=datetime(2026, 11, 27, 0, 0))  # the next day: not late yet
    register(database, 3, now=datetime(2026, 11, 27, 9, 0))
    assert _overdue(database) == 1
    assert _overdue(database, today=date(2026, 12, 3)) == 3


def test_a_limit_without_a_late_matter_adds_nothing(database: Database) -> None:
    _only_limits(database, 邻里=3, 物业=5)
    assert _overdue(database) == 0
    register(database, 1, now=datetime(2026, 11, 20, 9, 0))
    assert _overdue(database) == 1


def test_the_late_matters_of_every_limit_are_summed(database: Database) -> None:
    _only_limits(database, 邻里=3, 物业=5)
    # Tuesday + 5 working days = Tuesday 1 December, past; Wednesday + 5 = today, not yet.
    register(database, 1, now=datetime(2026, 11, 24, 17, 0), category="物业")
    register(database, 2, now=datetime(2026, 11, 25, 9, 0), category="物业")  # not late
    register(database, 3, now=datetime(2026, 11, 26, 9, 0))
    register(database, 4, now=datetime(2026, 11, 25, 9, 0))
    assert _overdue(database) == 3
    _limit(database, "物业", None)  # a category without a limit is never late
    assert _overdue(database) == 2


def test_a_replied_or_removed_matter_is_not_late(database: Database) -> None:
    _only_limits(database, 邻里=3)
    replied = finished_matter(database, 1, at=datetime(2026, 11, 24, 9, 0))
    removed = register(database, 2, now=datetime(2026, 11, 24, 10, 0))
    register(database, 3, now=datetime(2026, 11, 24, 11, 0))
    assert _overdue(database) == 3
    record_reply(database, replied.visit_id)
    assert _overdue(database) == 2
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    assert _overdue(database) == 1


def test_since_counts_from_the_first_minute_of_its_day(database: Database) -> None:
    _only_limits(database, 邻里=3)
    register(database, 1, now=datetime(2026, 11, 20, 23, 59))
    register(database, 2, now=datetime(2026, 11, 21, 0, 0))
    register(database, 3, now=datetime(2026, 11, 25, 9, 0))
    assert _overdue(database) == 3
    assert _overdue(database, since=date(2026, 11, 21)) == 2
    assert _overdue(database, since=date(2026, 11, 25)) == 1
    assert _overdue(database, since=date(2026, 11, 26)) == 0
