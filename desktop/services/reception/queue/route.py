"""The way one visit went: each room's ticket, the steps taken there, its escalations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from desktop.models import (
    Escalation,
    Referral,
    ReferralEvent,
    Room,
    Staff,
    Visit,
)
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, PermissionDenied
from desktop.services.reception.queue.escalations import EscalationRow, escalation_rows
from desktop.services.reception.queue.states import ACTION_NAMES


@dataclass(frozen=True)
class RouteEvent:
    at: datetime
    action: str
    room_name: str
    ticket_no: str
    staff: str
    reason: str
    to_room: str

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


@dataclass(frozen=True)
class RouteStep:
    """One ticket of the visit, with its measured waiting and serving times."""

    referral_id: int
    room_name: str
    ticket_no: str
    status: str
    result: str | None
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def wait_minutes(self) -> int | None:
        if self.started_at is None:
            return None
        return max(int((self.started_at - self.created_at).total_seconds() // 60), 0)

    @property
    def serve_minutes(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max(int((self.finished_at - self.started_at).total_seconds() // 60), 0)


@dataclass(frozen=True)
class VisitRoute:
    visit_id: int
    visit_no: str
    person_name: str
    steps: list[RouteStep]
    events: list[RouteEvent]
    escalations: list[EscalationRow]


def visit_route(session: Session, visit_id: int) -> VisitRoute:
    """The whole route of a visit (转办记录): its tickets and every action on them.

    Room staff read the route of a visit that came to their own room only.
    """
    room_id = auth.own_room_only(session)
    if room_id is not None and session.scalar(
        select(Referral.id).where(Referral.visit_id == visit_id, Referral.room_id == room_id)
        .limit(1)
    ) is None:
        raise PermissionDenied("queue.room", "查看其他室来访的转办记录")
    visit = session.scalar(
        select(Visit).where(Visit.id == visit_id).options(joinedload(Visit.person))
    )
    if visit is None:
        raise NotFoundError("该来访登记不存在")
    referrals = session.scalars(
        select(Referral).where(Referral.visit_id == visit_id)
        .options(joinedload(Referral.room)).order_by(Referral.created_at, Referral.id)
    ).all()
    steps = [
        RouteStep(r.id, r.room.name, r.ticket_no, r.status, r.result, r.created_at, r.called_at,
                  r.started_at, r.finished_at)
        for r in referrals
    ]
    by_id = {r.id: r for r in referrals}
    to_room = Room.__table__.alias("to_room")
    rows = session.execute(
        select(ReferralEvent.at, ReferralEvent.action, ReferralEvent.referral_id,
               Staff.name, ReferralEvent.reason, to_room.c.name)
        .outerjoin(Staff, Staff.id == ReferralEvent.staff_id)
        .outerjoin(to_room, to_room.c.id == ReferralEvent.to_room_id)
        .where(ReferralEvent.visit_id == visit_id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    ).all()
    # A hold or transfer reason tells what the resident said: confidential like the notes.
    hidden = (any(r.room.code == privacy.COUNSELLING_ROOM for r in referrals)
              and not privacy.may_read_counselling(session))
    events = [
        RouteEvent(at, action, by_id[rid].room.name if rid in by_id else "",
                   by_id[rid].ticket_no if rid in by_id else "", staff or "",
                   privacy.shown(reason, hidden, readable=False), target or "")
        for at, action, rid, staff, reason, target in rows
    ]
    escalations = escalation_rows(
        session, Escalation.visit_id == visit_id, today=date.today(), limit=None
    )
    return VisitRoute(visit.id, visit.visit_no, visit.person.name, steps, events, escalations)
