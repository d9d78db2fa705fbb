"""The dashboard at the day asked (not the clock's): each room's work and satisfaction,
cases, follow-ups, 议事 actions, replies and rectifications overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import Rectification, Room
from desktop.services.deliberation import meetings
from desktop.services.deliberation.meetings import ActionInput
from desktop.services.registers import dashboard
from tests import mediation_helpers as h
from tests.closure_helpers import (
    NOW,
    VISITED,
    finished_matter,
    only_limits,
    record_rating,
    record_reply,
)
from tests.dashboard_helpers import rooms_with_work
from tests.deliberation_helpers import meeting
from tests.police_helpers import referrals_in_four_states
from tests.reception_helpers import register, set_referral

TODAY = date(2026, 12, 2)
LATER = date(2026, 12, 31)


def test_each_room_s_work_is_counted_at_the_day_asked(database: Database) -> None:
    rooms_with_work(database)
    referrals_in_four_states(database)
    h.make_case(database, accepted_on=date(2026, 11, 2))  # due on 12-02
    with database.read() as session:
        work = dashboard.room_work(session, LATER)
        rooms = {r.code: (r.open, r.overdue)
                 for r in dashboard.today_overview(session, LATER).rooms}
    assert work == {"mediation": (1, 1), "counselling": (1, 1), "police": (2, 2),
                    "care": (2, 2), "social": (3, 3)}
    assert {k: rooms[k] for k in work} == work


def test_open_and_late_deliberation_actions_show_on_the_dashboard(database: Database) -> None:
    meetings.save_meeting(database, meeting(actions=[
        ActionInput("a", "x", date(2026, 12, 1)), ActionInput("b", "x", date(2026, 12, 5))]))
    with database.read() as session:
        now = dashboard.today_overview(session, TODAY)
        later = dashboard.today_overview(session, date(2026, 12, 6))
    assert (now.actions_open, now.actions_overdue) == (2, 1)
    assert (later.actions_open, later.actions_overdue) == (2, 2)


def test_a_day_without_visits_counts_no_one(database: Database) -> None:
    with database.read() as session:
        o = dashboard.today_overview(session, TODAY)
    assert (o.visits, o.visitors) == (0, 0)


def test_overdue_replies_count_over_the_last_365_days_at_the_day_asked(database: Database) -> None:
    only_limits(database, 邻里=3)
    register(database, 1, now=datetime(2025, 12, 1, 9, 0))  # 366 days before: left out
    register(database, 2, now=datetime(2025, 12, 2, 9, 0))  # 365 days before: counted
    register(database, 3, now=datetime(2026, 11, 27, 9, 0))  # late from 12-03
    with database.read() as session:
        assert dashboard.today_overview(session, TODAY).overdue_replies == 1
        assert dashboard.today_overview(session, date(2026, 12, 3)).overdue_replies == 1


def test_overdue_rectifications_count_at_the_day_asked(database: Database) -> None:
    reg = finished_matter(database, 1)
    record_reply(database, reg.visit_id, replied_at=VISITED + timedelta(hours=2))
    record_rating(database, reg.visit_id, "不满意", rated_at=NOW - timedelta(hours=1), now=NOW)
    with database.read() as session:
        due = session.scalar(select(Rectification.due_date))
        assert due is not None and due >= TODAY
        assert dashboard.today_overview(session, due).overdue_rectifications == 0
        assert dashboard.today_overview(
            session, due + timedelta(days=1)).overdue_rectifications == 1


def test_each_room_shows_its_own_satisfaction_rate(database: Database) -> None:
    reg = finished_matter(database, 1)
    record_reply(database, reg.visit_id, replied_at=VISITED + timedelta(hours=2))
    record_rating(database, reg.visit_id, "满意", now=NOW)
    with database.read() as session:
        overview = dashboard.today_overview(session, TODAY)
    rooms = {r.code: r.satisfaction_rate for r in overview.rooms}
    assert rooms["mediation"] == 100.0
    assert rooms["police"] is None


def test_rooms_not_in_use_show_only_what_is_left_in_them(database: Database) -> None:
    called = register(database, 1, room="关爱工作室", category="困难帮扶",
                      now=datetime(2026, 12, 2, 8, 0))
    set_referral(database, called.referral_id, status="called",
                 called_at=datetime(2026, 12, 2, 8, 10))
    with database.write() as session:
        session.execute(update(Room).where(Room.code.in_(["care", "window"])).values(active=False))
        codes = [c for c, in session.execute(select(Room.code).order_by(Room.sort_order, Room.id))]
    with database.read() as session:
        o = dashboard.today_overview(session, TODAY)
    assert [r.code for r in o.rooms] == [c for c in codes if c != "window"]
    care = next(r for r in o.rooms if r.code == "care")
    assert (care.visitors, care.waiting) == (1, 0)


def test_rooms_of_one_place_in_the_order_list_by_number(database: Database) -> None:
    with database.write() as session:
        session.execute(update(Room).values(sort_order=0))
    with database.write() as session:
        first = session.scalars(select(Room).order_by(Room.id)).first()
        first.location = (first.location or "") + "（二楼）"
        ids = [c for c, in session.execute(select(Room.code).order_by(Room.id))]
    with database.read() as session:
        o = dashboard.today_overview(session, TODAY)
    assert [r.code for r in o.rooms] == ids
