"""The dashboard's 今日概况 (``registers/dashboard.today_overview``), against counts made by
hand: the day's visits and the people who came (a collective visit counts its headcount),
each room's tickets and those still waiting, the average wait from ticket to call rounded
to 0.1 minute, the community filter on all of these, a removed visit counted nowhere and
a room closed since the morning still listed under its own name.

The tests' clock stands at 2026-12-02 10:30.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from desktop.db import Database
from desktop.models import Room, Visit
from desktop.services.registers import dashboard
from tests.reception_helpers import add_community, register, set_referral

TODAY = date(2026, 12, 2)


def _day_of_visits(database: Database) -> dict[str, int]:
    """The visits of 2026-12-02 (and one the evening before); the communities' ids."""
    east, west = add_community(database, "东城社区"), add_community(database, "西城社区")
    called = register(database, 1, community_id=east, now=datetime(2026, 12, 2, 8, 0))
    set_referral(database, called.referral_id, status="called",
                 called_at=datetime(2026, 12, 2, 8, 12))  # waited 12 minutes
    register(database, 2, community_id=west, visit_type="集体", headcount=5,
             representative_name="代表甲", now=datetime(2026, 12, 2, 8, 30))  # five, waiting
    register(database, 3, room="警民联络室", category="治安求助", community_id=east,
             now=datetime(2026, 12, 2, 9, 0))
    served = register(database, 4, room="警民联络室", category="治安求助",
                      now=datetime(2026, 12, 2, 9, 20))
    set_referral(database, served.referral_id, status="serving",
                 called_at=datetime(2026, 12, 2, 9, 27, 30))  # waited 7.5 minutes
    register(database, 5, room="关爱工作室", category="困难帮扶", community_id=east,
             now=datetime(2026, 12, 2, 9, 40))
    evening = register(database, 6, community_id=east, now=datetime(2026, 12, 1, 23, 59))
    set_referral(database, evening.referral_id, status="called",
                 called_at=datetime(2026, 12, 2, 0, 4))  # yesterday's ticket, called today
    register(database, 9, now=datetime(2026, 12, 2, 0, 0))  # the first minute of the day
    register(database, 10, now=datetime(2026, 12, 1, 0, 0))  # the first minute of the day before
    removed = register(database, 8, room="警民联络室", category="治安求助", community_id=east,
                       headcount=1, now=datetime(2026, 12, 2, 10, 0))
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == removed.visit_id)
                        .values(deleted_at=datetime(2026, 12, 2, 10, 5)))
        # The 关爱工作室 is closed after its morning's ticket.
        session.execute(update(Room).where(Room.code == "care").values(active=False))
        # The 社会组织工作室 is moved to the top of the list.
        session.execute(update(Room).where(Room.code == "social").values(sort_order=-1))
    return {"east": east, "west": west}


def _rooms(overview: dashboard.TodayOverview) -> list[tuple[object, ...]]:
    return [(r.code, r.room, r.visitors, r.waiting, r.average_wait_minutes)
            for r in overview.rooms]


def test_the_day_at_a_glance(database: Database) -> None:
    _day_of_visits(database)
    with database.read() as session:
        overview = dashboard.today_overview(session, TODAY)
    assert (overview.day, overview.visits, overview.visitors) == (
        TODAY, 6, 1 + 5 + 1 + 1 + 1 + 1)
    assert _rooms(overview) == [
        ("social", "社会组织工作室", 0, 0, None),
        ("window", "综合受理窗口", 0, 0, None),
        ("mediation", "矛盾纠纷调解室", 3, 2, 12.0),
        ("counselling", "心理咨询室", 0, 0, None),
        ("police", "警民联络室", 2, 1, 7.5),
        ("care", "关爱工作室", 1, 1, None),  # closed since, still listed under its name
    ]
    assert overview.waiting == 4
    assert overview.average_wait_minutes == 9.8  # (12 + 7.5) / 2 = 9.75, to 0.1
    care = next(r for r in overview.rooms if r.code == "care")
    assert (care.open, care.overdue) == (0, 0)  # its own work, by its code


def test_the_day_before_midnight_to_midnight(database: Database) -> None:
    _day_of_visits(database)
    with database.read() as session:
        overview = dashboard.today_overview(session, date(2026, 12, 1))
    assert (overview.visits, overview.visitors, overview.waiting) == (2, 2, 1)
    assert _rooms(overview)[2] == ("mediation", "矛盾纠纷调解室", 2, 1, 5.0)
    assert [r.code for r in overview.rooms] == ["social", "window", "mediation", "counselling",
                                               "police"]  # the closed room had no ticket
    assert overview.average_wait_minutes == 5.0


def test_one_communitys_day(database: Database) -> None:
    communities = _day_of_visits(database)
    with database.read() as session:
        east = dashboard.today_overview(session, TODAY, community_id=communities["east"])
        west = dashboard.today_overview(session, TODAY, community_id=communities["west"])
    assert (east.visits, east.visitors, east.waiting, east.average_wait_minutes) == (
        3, 3, 2, 12.0)
    assert _rooms(east) == [
        ("social", "社会组织工作室", 0, 0, None),
        ("window", "综合受理窗口", 0, 0, None), ("mediation", "矛盾纠纷调解室", 1, 0, 12.0),
        ("counselling", "心理咨询室", 0, 0, None), ("police", "警民联络室", 1, 1, None),
        ("care", "关爱工作室", 1, 1, None)]
    assert (west.visits, west.visitors, west.waiting, west.average_wait_minutes) == (
        1, 5, 1, None)
    assert [r[:4] for r in _rooms(west)] == [
        ("social", "社会组织工作室", 0, 0),
        ("window", "综合受理窗口", 0, 0), ("mediation", "矛盾纠纷调解室", 1, 1),
        ("counselling", "心理咨询室", 0, 0), ("police", "警民联络室", 0, 0)]
