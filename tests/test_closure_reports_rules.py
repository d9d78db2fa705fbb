"""回复评价's monthly figures (``closure/reports.closure_counts``): which visits of the
month count, replies, first ratings and how many were satisfied, and the matters replied
late or still unreplied past their time limit, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from desktop.db import Database
from desktop.services.admin import deletion
from desktop.services.closure import reports
from desktop.services.closure.reports import ClosureCounts
from desktop.services.registers.rows import Period
from tests.closure_helpers import NOW, finished_matter, only_limits, record_rating, record_reply

NOVEMBER = Period.month(2026, 11)
TODAY = NOW.date()


def _counts(database: Database, period: Period = NOVEMBER, *,
            today: date = TODAY) -> ClosureCounts:
    with database.read() as session:
        return reports.closure_counts(session, period, today=today)


def test_an_empty_month_counts_nothing(database: Database) -> None:
    finished_matter(database, 1, at=datetime(2026, 10, 30, 9, 0))
    assert _counts(database, Period.month(2026, 1)) == ClosureCounts(0, 0, 0, 0, 0)


def test_the_month_s_visits_replies_first_ratings_and_late_matters(database: Database) -> None:
    only_limits(database, 邻里=3)
    on_time = finished_matter(database, 1, at=datetime(2026, 11, 2, 9, 0))  # due 11-05
    record_reply(database, on_time.visit_id, replied_at=datetime(2026, 11, 5, 17, 0))
    record_rating(database, on_time.visit_id, "满意", rated_at=datetime(2026, 11, 6, 9, 0))
    late = finished_matter(database, 2, at=datetime(2026, 11, 2, 9, 0))
    record_reply(database, late.visit_id, replied_at=datetime(2026, 11, 6, 9, 0))
    record_rating(database, late.visit_id, "不满意", rated_at=datetime(2026, 11, 7, 9, 0))
    # The re-rating after the 整改 is not a second rating of the month.
    record_rating(database, late.visit_id, "满意", rated_at=datetime(2026, 11, 20, 9, 0))
    finished_matter(database, 3, at=datetime(2026, 11, 2, 9, 0), category="其他")  # no limit
    finished_matter(database, 4, at=datetime(2026, 11, 25, 9, 0))  # due 11-30, unreplied
    finished_matter(database, 5, at=datetime(2026, 10, 30, 9, 0))  # October's
    removed = finished_matter(database, 6, at=datetime(2026, 11, 3, 9, 0))
    record_reply(database, removed.visit_id, replied_at=datetime(2026, 11, 20, 9, 0))
    record_rating(database, removed.visit_id, "满意", rated_at=datetime(2026, 11, 21, 9, 0))
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    assert _counts(database) == ClosureCounts(4, 2, 2, 1, 2)
    # On the day it fell due, the unreplied matter is not late yet.
    assert _counts(database, today=date(2026, 11, 30)).overdue == 1
    assert _counts(database, Period.month(2026, 10)) == ClosureCounts(1, 0, 0, 0, 1)
