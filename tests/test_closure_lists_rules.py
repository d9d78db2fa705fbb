"""回复评价's lists (``closure/lists``): the overdue count of the dashboard (each time
limit's cut-off to the minute, the limits summed, what is not counted), 待回复, 待评价 and
the open 整改 with their order, fields, due days and limits, masking and permissions, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Category, Rectification, Referral, Staff, Visit
from desktop.services.admin import auth, deletion
from desktop.services.closure import lists, replies
from desktop.services.closure.workdays import Calendar
from desktop.services.errors import PermissionDenied
from desktop.services.reception import queue
from tests.closure_helpers import (
    NOW,
    VISITED,
    finished_matter,
    only_limits,
    record_rating,
    record_reply,
)
from tests.rating_pad_helpers import add_staff, served
from tests.reception_helpers import register, room_ids

TODAY = NOW.date()  # Wednesday 2 December 2026; no holiday near it


def _limit(database: Database, name: str, days: int | None) -> None:
    with database.write() as session:
        category = session.scalar(select(Category).where(Category.name == name))
        assert category is not None
        category.time_limit_days = days


def _overdue(database: Database, *, today: date = TODAY, since: date | None = None) -> int:
    with database.read() as session:
        return lists.overdue_unreplied(session, today=today, since=since)


def test_the_cut_off_of_a_limit_is_the_end_of_its_last_late_day(database: Database) -> None:
    only_limits(database, 邻里=3)
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
    only_limits(database, 邻里=3, 物业=5)
    assert _overdue(database) == 0
    register(database, 1, now=datetime(2026, 11, 20, 9, 0))
    assert _overdue(database) == 1


def test_the_late_matters_of_every_limit_are_summed(database: Database) -> None:
    only_limits(database, 邻里=3, 物业=5)
    # Tuesday + 5 working days = Tuesday 1 December, past; Wednesday + 5 = today, not yet.
    register(database, 1, now=datetime(2026, 11, 24, 17, 0), category="物业")
    register(database, 2, now=datetime(2026, 11, 25, 9, 0), category="物业")  # not late
    register(database, 3, now=datetime(2026, 11, 26, 9, 0))
    register(database, 4, now=datetime(2026, 11, 25, 9, 0))
    assert _overdue(database) == 3
    _limit(database, "物业", None)  # a category without a limit is never late
    assert _overdue(database) == 2


def test_a_replied_or_removed_matter_is_not_late(database: Database) -> None:
    only_limits(database, 邻里=3)
    replied = finished_matter(database, 1, at=datetime(2026, 11, 24, 9, 0))
    removed = register(database, 2, now=datetime(2026, 11, 24, 10, 0))
    register(database, 3, now=datetime(2026, 11, 24, 11, 0))
    assert _overdue(database) == 3
    record_reply(database, replied.visit_id)
    assert _overdue(database) == 2
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    assert _overdue(database) == 1


def test_since_counts_from_the_first_minute_of_its_day(database: Database) -> None:
    only_limits(database, 邻里=3)
    register(database, 1, now=datetime(2026, 11, 20, 23, 59))
    register(database, 2, now=datetime(2026, 11, 21, 0, 0))
    register(database, 3, now=datetime(2026, 11, 25, 9, 0))
    assert _overdue(database) == 3
    assert _overdue(database, since=date(2026, 11, 21)) == 2
    assert _overdue(database, since=date(2026, 11, 25)) == 1
    assert _overdue(database, since=date(2026, 11, 26)) == 0


# -- 待回复, 待评价 and the open 整改 ---------------------------------------------------------


def _visit_no(database: Database, visit_id: int) -> str:
    with database.read() as session:
        return session.scalars(select(Visit.visit_no).where(Visit.id == visit_id)).one()


def _as(database: Database, *roles: str) -> None:
    database.actor = auth.Actor(None, "值班员", frozenset(roles))


def test_pending_replies_are_the_finished_unreplied_newest_first_with_their_due_day(
        database: Database) -> None:
    only_limits(database, 邻里=3)
    same = datetime(2026, 11, 30, 9, 0)
    newest = finished_matter(database, 3, at=datetime(2026, 12, 1, 9, 0))  # registered first
    first = finished_matter(database, 1, at=same)
    second = finished_matter(database, 2, at=same, category="其他")  # no time limit
    register(database, 4, now=same)  # still waiting: nothing to reply yet
    replied = finished_matter(database, 5, at=same)
    record_reply(database, replied.visit_id)
    removed = finished_matter(database, 6, at=same)
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    with database.read() as session:
        rows = lists.pending_replies(session, today=date(2026, 12, 3))
        late = lists.pending_replies(session, today=date(2026, 12, 4))
        assert [r.visit_id for r in lists.pending_replies(session, today=TODAY, limit=1)] == [
            newest.visit_id]
    assert [r.visit_id for r in rows] == [newest.visit_id, second.visit_id, first.visit_id]
    row = rows[2]
    assert (row.person, row.visited_at, row.category, row.rooms, row.summary) == (
        "测试1号", same, "邻里", "矛盾纠纷调解室", "楼上装修噪音扰民")
    assert row.visit_no == _visit_no(database, first.visit_id)
    assert (row.due, row.overdue) == (date(2026, 12, 3), False)
    assert [(r.due, r.overdue) for r in late] == [
        (date(2026, 12, 4), False), (None, False), (date(2026, 12, 3), True)]


def test_a_matter_sent_on_shows_every_room_it_went_to_in_order(database: Database) -> None:
    reg = finished_matter(database, 1)
    queue.route_again(database, reg.visit_id, room_ids(database)["关爱工作室"], "另需帮扶",
                      now=VISITED + timedelta(hours=2))
    with database.read() as session:
        assert lists.pending_replies(session, today=TODAY) == []  # the second is open
        again = session.scalars(select(Referral.id).where(
            Referral.visit_id == reg.visit_id, Referral.id != reg.referral_id)).one()
    queue.start(database, again, now=VISITED + timedelta(hours=3))
    queue.finish(database, again, "resolved", now=VISITED + timedelta(hours=4))
    with database.read() as session:
        (row,) = lists.pending_replies(session, today=TODAY)
    assert row.rooms == "矛盾纠纷调解室、关爱工作室"


def test_what_the_counselling_room_heard_is_masked_in_every_list_but_its_own(
        database: Database) -> None:
    reg = finished_matter(database, 1, room="心理咨询室", category="心理疏导")
    admin = database.actor
    _as(database, "receptionist")
    with database.read() as session:
        assert lists.pending_replies(session, today=TODAY)[0].summary == "（心理咨询，内容保密）"
    _as(database, "counsellor")
    with database.read() as session:
        assert lists.pending_replies(session, today=TODAY)[0].summary == "楼上装修噪音扰民"
    database.actor = admin
    record_reply(database, reg.visit_id, content="已转介精神卫生中心")
    _as(database, "receptionist")
    with database.read() as session:
        assert lists.reply_of(session, reg.visit_id) == {
            "method": "电话", "replied_at": NOW - timedelta(hours=1),
            "content": "（心理咨询，内容保密）"}
    _as(database, "counsellor")
    with database.read() as session:
        assert lists.reply_of(session, reg.visit_id)["content"] == "已转介精神卫生中心"  # type: ignore[index]
        assert lists.pending_ratings(session)[0].content == "已转介精神卫生中心"
        assert lists.reply_of(session, reg.visit_id + 1000) is None


def test_pending_ratings_are_the_replied_unrated_and_the_open_rectifications(
        database: Database) -> None:
    mediator = add_staff(database)
    # The newest reply, to the first visit registered, by an account naming nobody.
    newest = finished_matter(database, 7)
    admin = database.actor
    assert admin is not None
    _as(database, "receptionist")
    record_reply(database, newest.visit_id, replied_at=NOW - timedelta(minutes=10))
    database.actor = admin
    earlier = finished_matter(database, 1)
    record_reply(database, earlier.visit_id, replied_at=NOW - timedelta(hours=3))
    later = finished_matter(database, 2)
    record_reply(database, later.visit_id, method="当面", content="已当面告知",
                 replied_at=NOW - timedelta(hours=2))
    rated = finished_matter(database, 3)
    record_reply(database, rated.visit_id)
    record_rating(database, rated.visit_id)
    to_fix = finished_matter(database, 4)
    record_reply(database, to_fix.visit_id, replied_at=NOW - timedelta(hours=4))
    record_rating(database, to_fix.visit_id, "不满意")
    removed = finished_matter(database, 5)
    record_reply(database, removed.visit_id)
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    # A rating at the window's pad rates the ticket, not the reply: still to be asked.
    padded = served(database, 6, mediator, finished=NOW - timedelta(minutes=30))
    record_reply(database, padded.visit_id, replied_at=NOW - timedelta(minutes=20))
    database_actor = database.actor
    database.actor = auth.RATING_PAD_ACTOR
    with database.write() as session:
        replies.pad_rating(session, padded.referral_id, "满意",
                           now=NOW - timedelta(minutes=25))
    database.actor = database_actor
    with database.read() as session:
        rows = lists.pending_ratings(session)
        me = session.get(Staff, database.actor.staff_id)  # type: ignore[union-attr]
        assert [r.visit_id for r in lists.pending_ratings(session, limit=1)] == [
            newest.visit_id]
    assert me is not None and admin.staff_id == me.id
    assert [(r.visit_id, r.rerating) for r in rows] == [
        (newest.visit_id, False), (padded.visit_id, False), (later.visit_id, False),
        (earlier.visit_id, False), (to_fix.visit_id, True)]
    assert (rows[0].replied_by, rows[0].visit_no) == ("", _visit_no(database, newest.visit_id))
    row = rows[2]
    assert (row.person, row.visited_at, row.replied_at, row.method, row.replied_by,
            row.content) == ("测试2号", VISITED, NOW - timedelta(hours=2), "当面", me.name,
                             "已当面告知")


def _fix(database: Database, n: int, rated_at: datetime) -> tuple[int, int]:
    """A matter rated 不满意 at ``rated_at``: (its visit, its rectification)."""
    reg = finished_matter(database, n)
    record_reply(database, reg.visit_id, replied_at=VISITED + timedelta(hours=2))
    record_rating(database, reg.visit_id, "不满意", rated_at=rated_at, now=NOW)
    with database.read() as session:
        fix = session.scalar(select(Rectification.id).where(
            Rectification.visit_id == reg.visit_id))
    assert fix is not None
    return reg.visit_id, fix


def test_open_rectifications_the_earliest_due_first_with_their_notes(
        database: Database) -> None:
    register(database, 8)  # so that no 整改 has the id of a visit of another 整改
    register(database, 9)
    later_visit, later = _fix(database, 1, NOW - timedelta(hours=1))
    sooner_visit, sooner = _fix(database, 2, VISITED + timedelta(hours=3))
    _, closed = _fix(database, 3, VISITED + timedelta(hours=3))
    removed_visit, _ = _fix(database, 4, VISITED + timedelta(hours=3))
    deletion.delete_visit(database, removed_visit, "重复登记", now=NOW)
    with database.write() as session:
        session.get(Rectification, closed).status = "closed"  # type: ignore[union-attr]
        # Typed in another order than they happened: the last is the latest in time.
        replies.add_rectification_note(session, sooner, "已再次上门",
                                       now=NOW - timedelta(minutes=10))
        replies.add_rectification_note(session, sooner, "已约谈当事人",
                                       now=NOW - timedelta(minutes=30))
    with database.read() as session:
        due = {f.id: f.due_date for f in session.scalars(select(Rectification))}
        rows = lists.open_rectifications(session, today=due[sooner])
        late = lists.open_rectifications(session, today=due[sooner] + timedelta(days=1))
        assert [r.id for r in lists.open_rectifications(session, limit=1)] == [sooner]
        assert lists.overdue_rectifications(session, today=due[sooner]) == 0
        assert lists.overdue_rectifications(
            session, today=due[sooner] + timedelta(days=1)) == 1
        # The closed one and the one of a removed visit are not counted.
        assert lists.overdue_rectifications(session, today=due[later] + timedelta(days=1)) == 2
    assert due[sooner] < due[later]
    assert [(r.id, r.visit_id, r.overdue) for r in rows] == [
        (sooner, sooner_visit, False), (later, later_visit, False)]
    assert [r.overdue for r in late] == [True, False]
    first = rows[0]
    assert (first.person, first.level, first.opened_at, first.due, first.notes,
            first.last_note) == ("测试2号", "不满意", VISITED + timedelta(hours=3), due[sooner],
                                 2, "已再次上门")
    assert (rows[1].notes, rows[1].last_note) == (0, "")
    assert [r.visit_no for r in rows] == [_visit_no(database, sooner_visit),
                                          _visit_no(database, later_visit)]


def test_the_lists_are_for_those_who_reply_or_rate(database: Database) -> None:
    finished_matter(database, 1)
    _as(database, "leader")
    with database.read() as session:
        for read in (lambda: lists.pending_replies(session), lambda: lists.pending_ratings(session),
                     lambda: lists.open_rectifications(session),
                     lambda: lists.reply_of(session, 1)):
            with pytest.raises(PermissionDenied):
                read()
