"""What the rating pad (评价器) beside a window or room shows: the ticket it may rate.

The pad asks every couple of seconds whether its room finished a ticket a moment ago
that nobody rated yet; the answer carries what a resident-facing screen may show (the
member of staff's name, the room, the ticket number) and nothing else personal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Referral, Room, Staff, VisitRating
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings
from desktop.services.errors import NotFoundError

# A ticket finished longer ago than this is no longer offered on the pad.
OFFER_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class PadRoom:
    id: int
    code: str
    name: str
    location: str
    centre: str  # the centre's name (系统设置), for the pad's title


@dataclass(frozen=True)
class PadTicket:
    """The ticket the pad asks the resident to rate."""

    referral_id: int
    ticket_no: str
    room_name: str
    staff_name: str  # empty when nobody was recorded as serving it
    finished_at: datetime


def pad_room(session: Session, room: str | int) -> PadRoom:
    """The room (or window) the pad stands beside, by its code (编码), name or id."""
    auth.require(session, "rating.pad")
    if isinstance(room, int):
        found = session.get(Room, room) if validation.valid_id(room) else None
    else:
        found = session.scalar(select(Room).where(Room.code == room.strip())) \
            or session.scalar(select(Room).where(Room.name == room.strip()))
    if found is None or not found.active:
        raise NotFoundError(f"科室“{room}”不存在或已停用")
    return PadRoom(found.id, found.code, found.name, found.location or "",
                   load_settings(session).centre_name)


def ticket_to_rate(session: Session, room_id: int, *,
                   now: datetime | None = None) -> PadTicket | None:
    """The room's latest ticket finished within the last minute and not rated yet.

    One indexed look-up (``ix_referral_room_finished_at``), cheap enough to poll.
    """
    auth.require(session, "rating.pad")
    now = (now or datetime.now()).replace(microsecond=0)
    rated = select(VisitRating.id).where(VisitRating.referral_id == Referral.id).exists()
    row = session.execute(
        select(Referral.id, Referral.ticket_no, Room.name, Staff.name, Referral.finished_at)
        .join(Room, Room.id == Referral.room_id)
        .outerjoin(Staff, Staff.id == Referral.handled_by_id)
        .where(Referral.room_id == room_id, Referral.finished_at >= now - OFFER_WINDOW,
               Referral.status == "done",
               Referral.result != "left", ~rated)
        .order_by(Referral.finished_at.desc(), Referral.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    referral_id, ticket_no, room_name, staff_name, finished_at = row
    assert finished_at is not None  # chosen by its finishing time
    return PadTicket(referral_id, ticket_no, room_name, staff_name or "", finished_at)
