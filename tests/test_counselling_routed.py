"""Visits waiting for a counselling case: two indexed queries give what the one OR gave."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CounsellingCase, Person, Referral, Room, Visit
from desktop.services.counselling import COUNSELLING_ROOM, cases
from tests.counselling_helpers import take_up
from tests.reception_helpers import register, set_referral


def _single_or_query(session: Session, *, limit: int, today: date) -> list[cases.RoutedVisit]:
    """routed_visits as it was written first: one query with an OR (the reference)."""
    has_case = select(CounsellingCase.id).where(CounsellingCase.visit_id == Visit.id).exists()
    since = today - timedelta(days=cases.PENDING_DAYS)
    stmt: Select = (
        select(Visit.id, Referral.id, Referral.ticket_no, Visit.visited_at, Person.name,
               Visit.summary)
        .join(Referral, Referral.visit_id == Visit.id)
        .join(Room, Room.id == Referral.room_id)
        .join(Person, Person.id == Visit.person_id)
        .where(Room.code == COUNSELLING_ROOM, ~has_case, Visit.deleted_at.is_(None),
               or_(Referral.status.in_(cases.OPEN_TICKETS),
                   (Referral.status == "done") & (Referral.ticket_date >= since)))
        .order_by(Visit.visited_at.desc(), Visit.id.desc(), Referral.id).limit(limit)
    )
    seen: set[int] = set()
    out: list[cases.RoutedVisit] = []
    for visit_id, referral_id, ticket, at, name, summary in session.execute(stmt):
        if visit_id not in seen:
            seen.add(visit_id)
            out.append(cases.RoutedVisit(visit_id, referral_id, ticket, at, name, summary or ""))
    return out


def test_routed_visits_are_what_the_single_query_gave(database: Database) -> None:
    today = date.today()
    now = datetime.now().replace(microsecond=0)
    # (days ago, status, result) of tickets to the counselling room.
    tickets = [
        (0, "waiting", None), (1, "called", None), (2, "serving", None),
        (400, "on_hold", None),  # an open ticket shows however old it is
        (3, "done", "resolved"), (30, "done", "left"), (89, "done", None),
        (cases.PENDING_DAYS, "done", "referred_out"),  # the last day it shows
        (cases.PENDING_DAYS + 1, "done", "resolved"),  # a day too old
        (200, "done", "case_opened"),
        (5, "no_show", "no_show"), (6, "transferred", "transferred"),
        (7, "done", "an_old_result"),
    ]
    n = 10
    for days, status, result in tickets:
        n += 1
        reg = register(database, n, room="心理咨询室", category="心理疏导",
                       now=now - timedelta(days=days))
        set_referral(database, reg.referral_id, status=status, result=result)
    # Not waiting: another room's ticket, a removed visit, a visit already taken up.
    register(database, 40)
    removed = register(database, 41, room="心理咨询室", category="心理疏导")
    with database.write() as session:
        visit = session.get(Visit, removed.visit_id)
        assert visit is not None
        visit.deleted_at = now
    take_up(database, 42)
    # One visit with a second ticket to the room (a recall after transfer): shown once.
    twice = register(database, 43, room="心理咨询室", category="心理疏导")
    with database.write() as session:
        first = session.get(Referral, twice.referral_id)
        assert first is not None
        session.add(Referral(visit_id=twice.visit_id, room_id=first.room_id,
                             ticket_date=today, ticket_seq=999, ticket_no="心-999",
                             status="waiting"))

    with database.read() as session:
        for limit in (200, 5, 1):
            new = cases.routed_visits(session, limit=limit, today=today)
            assert new == _single_or_query(session, limit=limit, today=today)
        shown = cases.routed_visits(session, today=today)
    assert len(shown) == 10  # 4 open, 5 done recently, the visit with two tickets
    assert len({r.visit_id for r in shown}) == len(shown)
    assert removed.visit_id not in {r.visit_id for r in shown}
