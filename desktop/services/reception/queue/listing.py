"""What a room's queue shows, and the tickets a desk has in hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, and_, case, or_, select
from sqlalchemy.orm import Session

from desktop.models import (
    Category,
    KioskTicket,
    Person,
    Referral,
    Room,
    Visit,
)
from desktop.services import privacy, reference, validation
from desktop.services.admin import auth
from desktop.services.reception.queue.states import ACTIVE, STATUS_NAMES


def queue_order() -> list:  # type: ignore[type-arg]
    """红色 (escalate at once) goes first; otherwise first come, first served."""
    return [
        case((Visit.risk_level == "红", 0), else_=1),
        Referral.ticket_date,
        Referral.ticket_seq,
    ]


@dataclass(frozen=True)
class QueueRow:
    referral_id: int
    visit_id: int
    visit_no: str
    ticket_no: str
    status: str
    person_name: str
    category: str
    risk_level: str
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    call_count: int
    visit_type: str
    headcount: int
    is_repeat: bool
    transferred: bool
    note: str
    # Taken at the self-service kiosk (自助取号) and registered at the desk.
    self_service: bool = False

    def waiting_minutes(self, now: datetime) -> int:
        """Minutes since the ticket was issued until it was started (or until now)."""
        end = self.started_at or now
        return max(int((end - self.created_at).total_seconds() // 60), 0)

    def serving_minutes(self, now: datetime) -> int | None:
        if self.started_at is None:
            return None
        return max(int((now - self.started_at).total_seconds() // 60), 0)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


def workable_rooms(session: Session) -> list[reference.Choice]:
    """The rooms whose queue the signed-in account works: every room for the hall, or its own."""
    own_room = auth.own_room_only(session)
    return [room for room in reference.rooms(session) if own_room in (None, room.id)]


def room_queue(session: Session, room_id: int) -> list[QueueRow]:
    """Every active ticket of the room (of any day: nobody is lost overnight), in call order.

    Served by the (room_id, status) index; only active rows are read. Room staff read
    their own room's queue only.
    """
    auth.require_room(session, room_id)
    stmt = (
        select(
            Referral.id, Referral.visit_id, Visit.visit_no, Referral.ticket_no, Referral.status,
            Person.name, Category.name, Visit.risk_level, Referral.created_at,
            Referral.called_at, Referral.started_at, Referral.call_count, Visit.visit_type,
            Visit.headcount, Visit.is_repeat, Referral.transferred_from_id, Referral.note,
            privacy.went_to_counselling(),
            select(KioskTicket.id).where(KioskTicket.referral_id == Referral.id).exists(),
        )
        .join(Visit, Visit.id == Referral.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Category, Category.id == Visit.category_id)
        .where(Referral.room_id == room_id, Referral.status.in_(ACTIVE),
               Visit.deleted_at.is_(None))
        .order_by(
            case({"serving": 0, "called": 1, "waiting": 2, "on_hold": 3}, value=Referral.status),
            *queue_order(),
        )
    )
    readable = privacy.may_read_counselling(session)
    return [
        QueueRow(
            referral_id=r[0], visit_id=r[1], visit_no=r[2], ticket_no=r[3], status=r[4],
            person_name=r[5], category=r[6] or "", risk_level=r[7], created_at=r[8],
            called_at=r[9], started_at=r[10], call_count=r[11] or 0, visit_type=r[12],
            headcount=r[13], is_repeat=bool(r[14]), transferred=r[15] is not None,
            note=privacy.shown(r[16], bool(r[17]), readable), self_service=bool(r[18]),
        )
        for r in session.execute(stmt)
    ]


# Called or being served: a ticket a desk has in hand until it is finished or marked 过号.
IN_HAND = ("called", "serving")


@dataclass(frozen=True)
class OpenTicket:
    """A ticket not finished yet, with whose it is and where."""

    referral_id: int
    ticket_no: str
    room_name: str
    person_name: str
    status: str

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def closing_action(self) -> str:
        """How a desk ends it: 办结 once serving, 过号 while only called."""
        return "finish" if self.status == "serving" else "no_show"


def open_tickets(session: Session, condition: ColumnElement[bool],
                 *order: ColumnExpressionArgument[Any]) -> list[OpenTicket]:
    """The tickets meeting ``condition`` in ``order`` (then in the order they were issued)."""
    rows = session.execute(
        select(Referral.id, Referral.ticket_no, Room.name, Person.name, Referral.status)
        .join(Room, Room.id == Referral.room_id)
        .join(Visit, Visit.id == Referral.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .where(condition)
        .order_by(*order, Referral.created_at, Referral.id)
    )
    return [OpenTicket(*row) for row in rows]


def tickets_in_hand(session: Session, room_id: int, *,
                    staff_id: int | None = None) -> list[OpenTicket]:
    """The room's called or serving tickets of this desk, the ones being served first.

    叫下一位 would leave these behind. With ``staff_id`` (the signed-in account) the
    desk's tickets are the ones that person handled and the ones nobody is recorded
    on; without it every ticket in hand in the room may be the desk's own.
    """
    auth.require(session, "queue.room")
    if not validation.valid_id(room_id) or not (staff_id is None
                                                or validation.valid_id(staff_id)):
        return []
    condition = and_(Referral.room_id == room_id, Referral.status.in_(IN_HAND))
    if staff_id is not None:
        condition = and_(condition, or_(Referral.handled_by_id == staff_id,
                                        Referral.handled_by_id.is_(None)))
    return open_tickets(session, condition,
                        case({"serving": 0, "called": 1}, value=Referral.status),
                        Referral.called_at)


def left_behind_by_call_next(session: Session, room_id: int, *,
                             staff_id: int | None = None) -> list[OpenTicket]:
    """The desk's tickets in hand 叫下一位 would leave behind: none when nobody waits,
    since then it calls nobody and the desk goes on with the ticket it has."""
    if not validation.valid_id(room_id) or session.scalar(
            select(Referral.id).where(Referral.room_id == room_id,
                                      Referral.status == "waiting").limit(1)) is None:
        return []
    return tickets_in_hand(session, room_id, staff_id=staff_id)
