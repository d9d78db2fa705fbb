"""The dashboard's charts: visits per day and per category, against counts made by hand.

The day a visit belongs to is the day of its registration, midnight to midnight; a visit
deleted (登记作废) is counted nowhere; the community filter narrows every series.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from desktop.db import Database
from desktop.models import Visit
from desktop.services import mediation
from desktop.services.registers import dashboard
from desktop.services.registers.monthly import NO_CATEGORY
from desktop.services.registers.rows import Period
from tests import mediation_helpers as h
from tests.reception_helpers import add_community, register

TODAY = date(2026, 12, 2)  # the tests' fixed clock
WEEK = Period(date(2026, 11, 23), date(2026, 11, 29))


def _week_of_visits(database: Database) -> dict[str, int]:
    """Visits around and inside :data:`WEEK`, on its edges to the minute; returns the ids
    of the two communities."""
    east, west = add_community(database, "东城社区"), add_community(database, "西城社区")
    at = [  # (when, category, community)
        (datetime(2026, 11, 22, 23, 59), "邻里", east),  # the evening before: not counted
        (datetime(2026, 11, 23, 0, 0), "邻里", east),  # the first minute of the week
        (datetime(2026, 11, 23, 16, 30), "物业", west),
        (datetime(2026, 11, 25, 9, 0), "物业", east),
        (datetime(2026, 11, 25, 9, 5), "物业", None),
        (datetime(2026, 11, 25, 9, 10), "婚姻家庭", west),
        (datetime(2026, 11, 29, 23, 59), "邻里", west),  # the last minute of the week
        (datetime(2026, 11, 30, 0, 0), "婚姻家庭", east),  # the next morning: not counted
    ]
    for n, (when, category, community) in enumerate(at, start=1):
        register(database, n, category=category, community_id=community, now=when)
    deleted = register(database, 99, category="婚姻家庭", community_id=east,
                       now=datetime(2026, 11, 24, 10, 0))
    uncategorised = register(database, 98, category="邻里", community_id=east,
                             now=datetime(2026, 11, 27, 11, 0))
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == deleted.visit_id)
                        .values(deleted_at=datetime(2026, 11, 24, 10, 30)))
        session.execute(update(Visit).where(Visit.id == uncategorised.visit_id)
                        .values(category_id=None))  # carried over from before categories
    return {"east": east, "west": west}


def test_visits_per_day_counts_each_day_midnight_to_midnight(database: Database) -> None:
    communities = _week_of_visits(database)
    with database.read() as session:
        every = dashboard.visits_per_day(session, WEEK)
        east = dashboard.visits_per_day(session, WEEK, community_id=communities["east"])
        west = dashboard.visits_per_day(session, WEEK, community_id=communities["west"])
    days = [date(2026, 11, d) for d in range(23, 30)]
    assert every == list(zip(days, [2, 0, 3, 0, 1, 0, 1], strict=True))
    assert east == list(zip(days, [1, 0, 1, 0, 1, 0, 0], strict=True))
    assert west == list(zip(days, [1, 0, 1, 0, 0, 0, 1], strict=True))


def test_a_day_without_visits_is_a_zero_not_a_gap(database: Database) -> None:
    with database.read() as session:
        quiet = dashboard.visits_per_day(session, Period(date(2026, 2, 27), date(2026, 3, 1)))
    assert quiet == [(date(2026, 2, 27), 0), (date(2026, 2, 28), 0), (date(2026, 3, 1), 0)]


def test_visits_by_category_the_largest_first_then_by_name(database: Database) -> None:
    communities = _week_of_visits(database)
    with database.read() as session:
        every = dashboard.visits_by_category(session, WEEK)
        east = dashboard.visits_by_category(session, WEEK, community_id=communities["east"])
        west = dashboard.visits_by_category(session, WEEK, community_id=communities["west"])
    # 物业 3; 邻里 2 (the first and the last minute); 婚姻家庭 1 and 未分类 1, by name.
    assert every == sorted([("物业", 3), ("邻里", 2), ("婚姻家庭", 1), (NO_CATEGORY, 1)],
                           key=lambda row: (-row[1], row[0]))
    assert every[:2] == [("物业", 3), ("邻里", 2)]
    assert east == sorted([("邻里", 1), ("物业", 1), (NO_CATEGORY, 1)],
                          key=lambda row: (-row[1], row[0]))
    assert west == sorted([("物业", 1), ("婚姻家庭", 1), ("邻里", 1)],
                          key=lambda row: (-row[1], row[0]))


def test_the_figures_read_together_are_the_series_read_one_by_one(
    database: Database
) -> None:
    communities = _week_of_visits(database)
    register(database, 50, community_id=communities["west"], now=datetime(2026, 12, 2, 8, 0))
    register(database, 51, community_id=communities["east"], now=datetime(2026, 12, 2, 8, 5))
    with database.read() as session:
        together = dashboard.figures(session, TODAY, WEEK, community_id=communities["west"])
        assert together.per_day == dashboard.visits_per_day(
            session, WEEK, community_id=communities["west"])
        assert together.categories == dashboard.visits_by_category(
            session, WEEK, community_id=communities["west"])
        assert together.success == dashboard.success_rate_by_month(session, WEEK)
        assert len(together.success) == 12 and together.success[-1][0].endswith("11")
        assert together.today == dashboard.today_overview(
            session, TODAY, community_id=communities["west"])
        assert (together.today.day, together.today.visits) == (TODAY, 1)
        assert (dashboard.cases_open(session, TODAY), dashboard.cases_overdue(session, TODAY)
                ) == (together.today.cases_open, together.today.cases_overdue)


def test_the_case_figures_are_counted_at_the_day_asked_not_today(database: Database) -> None:
    """The dashboard can be asked about another day than the clock's (a report run late)."""
    h.make_case(database, accepted_on=date(2026, 11, 2))  # 30 days: due on 12-02
    closed = h.make_case(database, accepted_on=date(2026, 11, 3))
    mediation.save_agreement(database, closed.case_id, h.agreement(), version=None)
    mediation.close_case(database, closed.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    with database.read() as session:
        planned = mediation.case_detail(session, closed.case_id).follow_ups[0].planned_on
        later = max(planned, date(2026, 12, 3))
        assert planned > TODAY  # the first follow-up is not due yet today
        assert dashboard.cases_overdue(session, TODAY) == 0
        assert dashboard.cases_overdue(session, later) == 1
        assert dashboard.follow_ups_due(session, TODAY) == 0
        assert dashboard.follow_ups_due(session, later) == 1
        assert dashboard.cases_open(session, later) == 1
        # The overview shows the same figures at the day asked.
        overview = dashboard.today_overview(session, later)
    assert (overview.cases_open, overview.cases_overdue, overview.follow_ups_due) == (1, 1, 1)
