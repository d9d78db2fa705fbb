"""The rating pad's services: one ticket's service rated as it is finished (一次一评),
on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop.db import Database
from desktop.models import Rectification, RectificationNote, Referral, VisitRating
from desktop.services.admin import auth
from desktop.services.closure import lists, pad, replies
from desktop.services.closure.reports import satisfaction_by_room, satisfaction_by_staff
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from tests.rating_pad_helpers import add_staff, served
from tests.reception_helpers import register, room_ids

NOW = datetime(2026, 12, 2, 10, 0)


def _pad_rate(database: Database, referral_id: int, level: str = "满意", *,
              now: datetime = NOW) -> int:
    staff = database.actor
    database.actor = auth.RATING_PAD_ACTOR
    try:
        with database.write() as session:
            return replies.pad_rating(session, referral_id, level, now=now)
    finally:
        database.actor = staff


def _refusal(database: Database, referral_id: int, **kw: object) -> str:
    with pytest.raises(ValidationError) as info:
        _pad_rate(database, referral_id, **kw)  # type: ignore[arg-type]
    return info.value.errors["referral"]


def _as_pad(database: Database) -> Database:
    database.actor = auth.RATING_PAD_ACTOR
    return database


def test_a_pad_rating_names_the_ticket_and_who_served_it_without_a_reply(
        database: Database) -> None:
    chen = add_staff(database)
    reg = served(database, 1, chen, finished=NOW - timedelta(seconds=20))
    rating_id = _pad_rate(database, reg.referral_id, "非常满意")
    with database.read() as session:
        rating = session.get(VisitRating, rating_id)
        assert rating is not None
        assert (rating.visit_id, rating.referral_id, rating.staff_id, rating.channel,
                rating.recorded_by_id, rating.rerating) \
            == (reg.visit_id, reg.referral_id, chen, "窗口评价器", None, False)
        # Not the matter's rating: the matter still waits for its reply, then its rating.
        assert session.scalar(select(func.count(Rectification.id))) == 0
    with database.write() as session:
        replies.record_reply(session, reg.visit_id, "当面", "已当面答复", now=NOW)
    with database.read() as session:
        assert [r.visit_id for r in lists.pending_ratings(session)] == [reg.visit_id]
    with database.write() as session:
        matter = replies.record_rating(session, reg.visit_id, "满意", "电话回访", now=NOW)
    with database.read() as session:
        rating = session.get(VisitRating, matter)
        assert rating is not None and rating.referral_id is None and not rating.rerating
        assert lists.pending_ratings(session) == []
    # The matter's own rule still holds for the matter's ratings.
    with pytest.raises(ValidationError) as info, database.write() as session:
        replies.record_rating(session, reg.visit_id, "满意", "电话回访", now=NOW)
    assert "已经评价过" in info.value.errors["visit"]


def test_no_pad_rating_of_a_ticket_not_finished(database: Database) -> None:
    waiting = register(database, 1, now=NOW - timedelta(minutes=5))
    assert "尚未办结" in _refusal(database, waiting.referral_id)
    queue.start(database, waiting.referral_id, now=NOW - timedelta(minutes=2))
    assert "尚未办结" in _refusal(database, waiting.referral_id)
    # A ticket sent on to another room is not a finished service either.
    other = register(database, 2, now=NOW - timedelta(minutes=5))
    queue.transfer(database, other.referral_id, room_ids(database)["关爱工作室"], "需要帮扶",
                   now=NOW - timedelta(minutes=1))
    assert "尚未办结" in _refusal(database, other.referral_id)
    with database.read() as session:
        assert session.scalar(select(func.count(VisitRating.id))) == 0


def test_no_pad_rating_of_a_ticket_finished_more_than_ten_minutes_ago(
        database: Database) -> None:
    chen = add_staff(database)
    late = served(database, 1, chen, finished=NOW - timedelta(minutes=10, seconds=1))
    assert "超过 10 分钟" in _refusal(database, late.referral_id)
    just = served(database, 2, chen, finished=NOW - timedelta(minutes=10))
    assert _pad_rate(database, just.referral_id)
    with database.read() as session:
        assert session.scalar(select(func.count(VisitRating.id))) == 1


def test_no_second_pad_rating_of_a_ticket(database: Database) -> None:
    chen = add_staff(database)
    reg = served(database, 1, chen, finished=NOW - timedelta(minutes=1))
    _pad_rate(database, reg.referral_id, "满意")
    assert "已经评价过" in _refusal(database, reg.referral_id)
    with database.read() as session:
        assert session.scalar(select(func.count(VisitRating.id))) == 1


def test_the_database_keeps_one_pad_rating_per_ticket(database: Database) -> None:
    """Two pads racing past the check still cannot store two ratings of one ticket."""
    chen = add_staff(database)
    reg = served(database, 1, chen, finished=NOW - timedelta(minutes=1))
    _pad_rate(database, reg.referral_id)
    with pytest.raises(IntegrityError), database.write() as session:
        session.add(VisitRating(visit_id=reg.visit_id, referral_id=reg.referral_id,
                                level="满意", channel="窗口评价器", rated_at=NOW))
        session.flush()


def test_pad_rating_refuses_staff_an_unknown_ticket_and_a_wrong_level(
        database: Database) -> None:
    chen = add_staff(database)
    reg = served(database, 1, chen, finished=NOW - timedelta(minutes=1))
    with pytest.raises(PermissionDenied), database.write() as session:
        replies.pad_rating(session, reg.referral_id, "满意", now=NOW)
    with pytest.raises(NotFoundError):
        _pad_rate(database, 99999)
    with pytest.raises(ValidationError) as info:
        _pad_rate(database, reg.referral_id, "还行")
    assert "评价等级" in info.value.errors["level"]


def test_an_unsatisfied_pad_rating_opens_one_rectification(database: Database) -> None:
    chen = add_staff(database)
    first = served(database, 1, chen, finished=NOW - timedelta(minutes=2))
    rating_id = _pad_rate(database, first.referral_id, "不满意")
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None and (fix.visit_id, fix.rating_id, fix.status) \
            == (first.visit_id, rating_id, "open")
    # A second ticket of the same matter rated 非常不满意: noted in the open 整改.
    queue.route_again(database, first.visit_id, room_ids(database)["关爱工作室"], "另需帮扶",
                      now=NOW - timedelta(minutes=2))
    with database.read() as session:
        again = session.scalars(select(Referral.id).where(
            Referral.visit_id == first.visit_id,
            Referral.id != first.referral_id)).one()
    queue.start(database, again, now=NOW - timedelta(minutes=1))
    queue.finish(database, again, "resolved", now=NOW - timedelta(minutes=1))
    _pad_rate(database, again, "非常不满意")
    with database.read() as session:
        assert session.scalar(select(func.count(Rectification.id))) == 1
        (note,) = session.scalars(select(RectificationNote)).all()
        assert "非常不满意" in note.text
    # After the reply the matter's rating is its first one, and closes the 整改.
    with database.write() as session:
        replies.record_reply(session, first.visit_id, "电话", "已电话告知", now=NOW)
        matter = replies.record_rating(session, first.visit_id, "满意", "电话回访", now=NOW)
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        rating = session.get(VisitRating, matter)
        assert fix is not None and rating is not None
        assert (fix.status, fix.closing_rating_id, rating.rerating) == ("closed", matter, False)


def test_the_pad_is_offered_its_rooms_latest_ticket_for_a_minute(database: Database) -> None:
    chen = add_staff(database)
    wang = add_staff(database, "王志刚", "room_staff", "关爱工作室")
    older = served(database, 1, chen, finished=NOW - timedelta(seconds=50))
    latest = served(database, 2, chen, finished=NOW - timedelta(seconds=10))
    served(database, 3, wang, room="关爱工作室", category="困难帮扶",
           finished=NOW - timedelta(seconds=5))
    with _as_pad(database).read() as session:
        room = pad.pad_room(session, "mediation")
        assert (room.name, room.location) == ("矛盾纠纷调解室", "一楼东侧")
        assert pad.pad_room(session, room.id) == room
        assert pad.pad_room(session, "矛盾纠纷调解室") == room
        ticket = pad.ticket_to_rate(session, room.id, now=NOW)
        assert ticket is not None
        assert (ticket.referral_id, ticket.ticket_no, ticket.room_name, ticket.staff_name) \
            == (latest.referral_id, "调-002", "矛盾纠纷调解室", "陈秀兰")
        # Nothing of the resident on a resident-facing screen.
        shown = " ".join(str(v) for v in dataclasses.astuple(ticket))
        assert "测试2号" not in shown and latest.visit_no not in shown
        with pytest.raises(NotFoundError):
            pad.pad_room(session, "nowhere")
    _pad_rate(database, latest.referral_id)
    with _as_pad(database).read() as session:
        ticket = pad.ticket_to_rate(session, room.id, now=NOW)
        assert ticket is not None and ticket.referral_id == older.referral_id
        # A minute after it was finished it is no longer offered.
        assert pad.ticket_to_rate(session, room.id, now=NOW + timedelta(seconds=11)) is None


def test_only_the_pad_polls_for_tickets(database: Database) -> None:
    with pytest.raises(PermissionDenied), database.read() as session:
        pad.ticket_to_rate(session, room_ids(database)["矛盾纠纷调解室"], now=NOW)


def test_satisfaction_by_staff_follows_the_pad_ratings_staff(database: Database) -> None:
    """A pad rating counts for the member of staff and room of its own ticket, not for
    everyone who handled a ticket of the matter."""
    reception = add_staff(database, "李慧敏", "receptionist", "综合受理窗口")
    chen = add_staff(database)
    reg = register(database, 1, room="综合受理窗口", now=NOW - timedelta(minutes=30))
    queue.start(database, reg.referral_id, staff_id=reception, now=NOW - timedelta(minutes=25))
    moved = queue.transfer(database, reg.referral_id, room_ids(database)["矛盾纠纷调解室"],
                           "邻里纠纷需调解", staff_id=reception,
                           now=NOW - timedelta(minutes=20))
    queue.start(database, moved.id, staff_id=chen, now=NOW - timedelta(minutes=10))
    queue.finish(database, moved.id, "resolved", staff_id=chen, now=NOW - timedelta(minutes=1))
    _pad_rate(database, moved.id, "不满意")
    with database.read() as session:
        period = Period.month(2026, 12)
        assert satisfaction_by_staff(session, period) == {"陈秀兰": (1, 0)}
        assert satisfaction_by_room(session, period) == {"矛盾纠纷调解室": (1, 0)}
