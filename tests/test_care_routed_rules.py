"""Visits routed to the 关爱工作室 that wait to be put on the register (``care/routed``):
which wait (open tickets always, finished ones for ninety days; not a resident already on
the register, a removed visit or another room's), newest first, once each, the limit;
what a counsellor heard hidden; the entry each one starts as."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Referral
from desktop.services.admin import deletion, dictionaries
from desktop.services.care import entries, routed
from desktop.services.care.entries import EntryInput
from desktop.services.errors import NotFoundError, PermissionDenied
from desktop.services.reception import queue
from tests.care_helpers import care_entry
from tests.factories import id_number
from tests.reception_helpers import register, room_ids, set_referral
from tests.rules_helpers import acting_as

NOW = datetime(2026, 12, 2, 10, 0)  # the fixed clock's day
TODAY = NOW.date()


def _care_visit(database: Database, n: int, **changes: object):  # type: ignore[no-untyped-def]
    return register(database, n, room="关爱工作室", category="困难帮扶",
                    summary="独居老人行动不便", **changes)


def _waiting(database: Database, **kw: object) -> list[int]:
    with database.read() as session:
        return [v.visit_id for v in routed.routed_visits(session, today=TODAY, **kw)]  # type: ignore[arg-type]


def test_open_tickets_wait_always_and_finished_ones_ninety_days(database: Database) -> None:
    shown = []
    for n, (days, status) in enumerate([(0, "waiting"), (1, "called"), (2, "serving"),
                                        (400, "on_hold"), (routed.PENDING_DAYS, "done")],
                                       start=10):
        visit = _care_visit(database, n, now=NOW - timedelta(days=days, minutes=n))
        set_referral(database, visit.referral_id, status=status)
        shown.append(visit.visit_id)
    for n, (days, status) in enumerate([(routed.PENDING_DAYS + 1, "done"),
                                        (400, "no_show")], start=20):
        visit = _care_visit(database, n, now=NOW - timedelta(days=days))
        set_referral(database, visit.referral_id, status=status)
    register(database, 30)  # another room's
    on_register = _care_visit(database, 31)
    entries.register_entry(database, care_entry("测试31号", 31, TODAY), today=TODAY)
    removed = _care_visit(database, 32)
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    assert on_register
    assert _waiting(database) == [shown[0], shown[1], shown[2], shown[4], shown[3]]
    assert _waiting(database, limit=2) == shown[:2]
    with database.read() as session:
        a_day_on = [v.visit_id for v in routed.routed_visits(
            session, today=TODAY + timedelta(days=1))]
    assert a_day_on == [shown[0], shown[1], shown[2], shown[3]]


def test_a_visit_sent_to_the_room_twice_waits_once_with_its_latest_ticket(
        database: Database) -> None:
    older = _care_visit(database, 3, now=NOW - timedelta(hours=1))
    first = _care_visit(database, 1, now=NOW)
    second = _care_visit(database, 2, now=NOW)
    queue.start(database, first.referral_id, now=NOW + timedelta(minutes=1))
    queue.finish(database, first.referral_id, "resolved", now=NOW + timedelta(minutes=2))
    queue.route_again(database, first.visit_id, room_ids(database)["关爱工作室"], "再次帮扶",
                      now=NOW + timedelta(minutes=3))
    with database.read() as session:
        waiting = routed.routed_visits(session, today=TODAY)
        again = session.scalars(select(Referral.ticket_no).where(
            Referral.visit_id == first.visit_id, Referral.id != first.referral_id)).one()
    # The later registered of the same minute first.
    assert [v.visit_id for v in waiting] == [second.visit_id, first.visit_id, older.visit_id]
    assert (waiting[1].visit_no, waiting[1].ticket_no, waiting[1].visited_at,
            waiting[1].person_name, waiting[1].summary) == (
        first.visit_no, again, NOW, "测试1号", "独居老人行动不便")
    assert again != first.ticket_no


def test_what_the_counselling_room_heard_stays_hidden_from_the_care_room(
        database: Database) -> None:
    visit = _care_visit(database, 1, now=NOW)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导",
                      now=NOW + timedelta(minutes=1))
    with acting_as(database, {"room_staff"}, "关爱工作室"), database.read() as session:
        (waiting,) = routed.routed_visits(session, today=TODAY)
    assert waiting.summary == "（心理咨询，内容保密）"
    with acting_as(database, {"counsellor", "room_staff"}, "关爱工作室"), \
            database.read() as session:
        assert routed.routed_visits(session, today=TODAY)[0].summary == "独居老人行动不便"
    with acting_as(database, {"room_staff"}, "警民联络室"), database.read() as session, \
            pytest.raises(PermissionDenied):
        routed.routed_visits(session, today=TODAY)


def test_an_entry_starts_as_the_visit_tells_it(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
        grid = dictionaries.save_grid(session, None, community, "第一网格")
    visit = _care_visit(database, 5, community_id=community, grid_id=grid,
                        address="东林路 12 号", gender="女")
    with database.read() as session:
        draft = routed.draft_from_visit(session, visit.visit_id)
        with pytest.raises(NotFoundError, match=r"^没有找到该来访登记$"):
            routed.draft_from_visit(session, visit.visit_id + 1000)
    assert draft == EntryInput(
        person_id=draft.person_id, name="测试5号", id_number=id_number(5), gender="女",
        phone="13900000005", address="东林路 12 号", community_id=community, grid_id=grid,
        visit_id=visit.visit_id)
    assert draft.person_id is not None
