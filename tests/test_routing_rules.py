"""The visits the desk routed to a room (``services/routing``), rule by rule: which rows a
room's list reads (its own room, the conditions it adds, no removed visit, a visit without
a category kept), what each row carries and hides, which finished tickets still wait,
the visit's latest ticket for a room (ties broken by the later entered, proven on
PostgreSQL where a row updated later moves to the end), and whose eyes a counselling
visit's summary is kept from.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import Referral, Visit
from desktop.services import routing
from desktop.services.privacy import CONFIDENTIAL_TEXT
from desktop.services.reception import queue
from desktop.services.routing import RoutedVisit
from tests.counselling_helpers import as_role
from tests.police_helpers import police_visit
from tests.reception_helpers import register, room_ids, set_referral

NOW = datetime(2026, 12, 2, 10, 0)  # the fixed clock's day
SUMMARY = "小区门口夜间有人聚集饮酒滋事"


def _routed_again(database: Database, visit_id: int, room: str, at: datetime) -> int:
    """One more ticket of the visit, for ``room``; its id."""
    return queue.route_again(database, visit_id, room_ids(database)[room], "还需要另一科室办理",
                             now=at).id


def _rows(database: Database, room: str, *conditions: object) -> list[RoutedVisit]:
    with database.read() as session:
        stmt = routing.routed_select(room, *conditions).order_by(Visit.id)  # type: ignore[arg-type]
        return routing.routed_list(session, stmt)


def test_a_rooms_list_reads_its_own_tickets_of_visits_not_removed(database: Database) -> None:
    first = police_visit(database, 1, now=NOW - timedelta(hours=2))
    other = register(database, 2, now=NOW - timedelta(hours=1))  # the mediation room's
    removed = police_visit(database, 3, now=NOW - timedelta(minutes=50))
    done = police_visit(database, 4, now=NOW - timedelta(minutes=40))
    uncategorised = police_visit(database, 5, now=NOW - timedelta(minutes=30))
    set_referral(database, done.referral_id, status="done")
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == removed.visit_id)
                        .values(deleted_at=NOW - timedelta(minutes=45)))
        session.execute(update(Visit).where(Visit.id == uncategorised.visit_id)
                        .values(category_id=None))
    rows = _rows(database, "police", Referral.status == "waiting")
    assert rows == [
        RoutedVisit(first.visit_id, first.referral_id, first.visit_no, first.ticket_no,
                    NOW - timedelta(hours=2), "测试1号", "治安求助", SUMMARY),
        RoutedVisit(uncategorised.visit_id, uncategorised.referral_id,
                    uncategorised.visit_no, uncategorised.ticket_no,
                    NOW - timedelta(minutes=30), "测试5号", "", SUMMARY),
    ]
    assert [r.visit_id for r in _rows(database, "police")] == [
        first.visit_id, done.visit_id, uncategorised.visit_id]
    assert [r.visit_id for r in _rows(database, "mediation")] == [other.visit_id]


def test_a_summary_said_first_in_counselling_is_kept_from_the_other_rooms(
    database: Database
) -> None:
    heard = register(database, 1, room="心理咨询室", summary="长期失眠，与家人关系紧张",
                     now=NOW - timedelta(hours=1))
    police = _routed_again(database, heard.visit_id, "警民联络室", NOW - timedelta(minutes=30))
    plain = police_visit(database, 2, now=NOW - timedelta(minutes=20))
    rows = _rows(database, "police")  # the test account is also a counsellor
    assert [(r.referral_id, r.summary) for r in rows] == [
        (police, "长期失眠，与家人关系紧张"), (plain.referral_id, SUMMARY)]
    with database.read() as session:
        assert not routing.summary_hidden(session, heard.visit_id)
        assert not routing.summary_hidden(session, plain.visit_id)
    as_role(database, {"police"})
    rows = _rows(database, "police")
    assert [(r.referral_id, r.summary) for r in rows] == [
        (police, CONFIDENTIAL_TEXT), (plain.referral_id, SUMMARY)]
    with database.read() as session:
        assert routing.summary_hidden(session, heard.visit_id)
        assert not routing.summary_hidden(session, plain.visit_id)


def test_open_tickets_wait_however_old_and_finished_ones_from_the_day_given(
    database: Database
) -> None:
    since = date(2026, 11, 2)
    tickets = {}
    for n, (status, day) in enumerate([
        ("waiting", date(2025, 1, 6)),  # open, long ago
        ("on_hold", date(2025, 1, 6)),
        ("called", date(2026, 12, 2)),  # not one of the open states given
        ("done", since),  # finished on the first day counted
        ("done", since - timedelta(days=1)),  # the day before
        ("no_show", date(2026, 12, 2)),  # over today, but not finished
    ], start=1):
        registered = police_visit(database, n, now=NOW - timedelta(minutes=n))
        set_referral(database, registered.referral_id, status=status, ticket_date=day)
        tickets[registered.referral_id] = (status, day)
    with database.read() as session:
        found = set(session.scalars(select(Referral.id).where(
            routing.waiting_or_recent(["waiting", "on_hold"], since))))
    assert sorted(tickets[i] for i in found) == [
        ("done", since), ("on_hold", date(2025, 1, 6)), ("waiting", date(2025, 1, 6))]


def test_the_latest_ticket_for_the_room_is_the_latest_made(database: Database) -> None:
    visit = police_visit(database, 1, now=NOW - timedelta(hours=3))
    later = _routed_again(database, visit.visit_id, "警民联络室", NOW - timedelta(hours=2))
    _routed_again(database, visit.visit_id, "关爱工作室", NOW - timedelta(hours=1))  # another room
    elsewhere = register(database, 2, now=NOW - timedelta(minutes=10))  # never sent to police
    with database.read() as session:
        found = routing.room_referral(session, visit.visit_id, "police")
        assert found is not None and found.id == later
        assert routing.room_referral(session, elsewhere.visit_id, "police") is None
        assert routing.room_referral(session, visit.visit_id, "mediation") is None
    # A ticket entered later but made earlier (carried over from paper) is not the latest.
    set_referral(database, later, created_at=NOW - timedelta(hours=4))
    with database.read() as session:
        found = routing.room_referral(session, visit.visit_id, "police")
        assert found is not None and found.id == visit.referral_id


def test_tickets_made_in_the_same_instant_the_later_entered_is_the_latest(
    database: Database
) -> None:
    visit = police_visit(database, 1, now=NOW - timedelta(hours=3))
    later = _routed_again(database, visit.visit_id, "警民联络室", NOW - timedelta(hours=2))
    # Each order of updating both: on PostgreSQL the row updated last lies at the end.
    for n, first, last in [(1, later, visit.referral_id), (2, visit.referral_id, later)]:
        same = NOW - timedelta(hours=n)
        set_referral(database, first, created_at=same)
        set_referral(database, last, created_at=same)
        with database.read() as session:
            found = routing.room_referral(session, visit.visit_id, "police")
            assert found is not None and found.id == later, n


def test_a_rows_label_in_the_rooms_list() -> None:
    row = RoutedVisit(1, 2, "L20261202-0003", "警-003", datetime(2026, 12, 2, 9, 5), "李桂芝",
                      "治安求助", "小区门口夜间有人聚集饮酒滋事，噪音持续到凌晨两点，多次劝阻无效")
    assert row.label() == \
        "12-02 09:05 警-003 李桂芝（治安求助）小区门口夜间有人聚集饮酒滋事，噪音持续到凌晨两点"
    bare = RoutedVisit(1, 2, "L20261202-0004", "警-004", datetime(2026, 1, 9, 16, 40), "王芳", "",
                       "")
    assert bare.label() == "01-09 16:40 警-004 王芳（未分类）"
