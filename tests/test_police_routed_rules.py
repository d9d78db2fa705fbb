"""Visits routed to the 警民联络室 that wait for a hand-over (``police/routed``): which
tickets wait (open ones always, finished ones for thirty days), newest first with the
later registered first within a minute, the limit, and the one taken up gone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop.db import Database
from desktop.services.errors import NotFoundError
from desktop.services.police import handovers, routed
from tests.police_helpers import handover, police_visit
from tests.reception_helpers import register, sent_again, tickets_in_every_state

NOW = datetime(2026, 12, 2, 10, 0)  # the fixed clock's day
TODAY = NOW.date()


def test_open_tickets_wait_always_and_finished_ones_thirty_days(database: Database) -> None:
    shown = tickets_in_every_state(database, police_visit, routed.PENDING_DAYS, NOW)
    register(database, 30)  # another room's
    taken = police_visit(database, 31)
    handovers.record_handover(database, handover(visit_id=taken.visit_id,
                                                 referral_id=taken.referral_id))
    with database.read() as session:
        waiting = [v.visit_id for v in routed.routed_visits(session, today=TODAY)]
        two = [v.visit_id for v in routed.routed_visits(session, limit=2, today=TODAY)]
        a_day_on = [v.visit_id for v in routed.routed_visits(
            session, today=TODAY + timedelta(days=1))]
    assert waiting == shown
    assert two == shown[:2]
    # A day on, the ticket finished thirty days ago has waited enough.
    assert a_day_on == [*shown[:3], shown[4]]


def test_visits_of_the_same_minute_wait_the_later_registered_first(database: Database) -> None:
    first = police_visit(database, 1, now=NOW)
    second = police_visit(database, 2, now=NOW)
    with database.read() as session:
        waiting = routed.routed_visits(session, today=TODAY)
    assert [v.visit_id for v in waiting] == [second.visit_id, first.visit_id]
    assert (waiting[1].referral_id, waiting[1].person_name, waiting[1].summary) == (
        first.referral_id, "测试1号", "小区门口夜间有人聚集饮酒滋事")


def test_a_visit_sent_to_the_room_again_waits_with_both_tickets_the_latest_first(
        database: Database) -> None:
    older = police_visit(database, 1, now=NOW - timedelta(hours=1))
    visit = police_visit(database, 2, now=NOW)
    again = sent_again(database, visit, "警民联络室", NOW)
    with database.read() as session:
        waiting = routed.routed_visits(session, today=TODAY)
    assert [(v.visit_id, v.referral_id) for v in waiting] == [
        (visit.visit_id, again), (visit.visit_id, visit.referral_id),
        (older.visit_id, older.referral_id)]


def test_two_hundred_wait_on_the_list_by_default(database: Database) -> None:
    for n in range(201):
        police_visit(database, 100 + n, now=NOW - timedelta(minutes=n))
    with database.read() as session:
        assert len(routed.routed_visits(session, today=TODAY)) == 200


def test_a_hand_over_starts_as_the_routed_visit_tells_it_at_the_minute(
        database: Database) -> None:
    visit = police_visit(database, 5, phone="13912345678")
    with database.read() as session:
        draft = routed.draft_from_visit(session, visit.visit_id,
                                        now=datetime(2026, 12, 2, 10, 41, 37, 500_000))
        with pytest.raises(NotFoundError, match=r"^没有找到该来访登记$"):
            routed.draft_from_visit(session, visit.visit_id + 1000)
    assert draft == handovers.HandoverInput(
        kind="移交派出所", matter="小区门口夜间有人聚集饮酒滋事",
        handed_at=datetime(2026, 12, 2, 10, 41), station="", officer_name="",
        officer_phone="", person_name="测试5号", person_phone="13912345678",
        reply_due=date(2026, 12, 9), visit_id=visit.visit_id, referral_id=visit.referral_id)
