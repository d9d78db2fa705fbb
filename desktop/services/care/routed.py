"""Visits routed to the care room whose resident is not on the register yet.

The same shape as the mediation room's list (``routed_visits`` there): open
tickets always, tickets finished in the last ``PENDING_DAYS`` days too. What a
visit that also went to the counselling room said stays hidden (services/privacy.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop.models import CareEntry, Person, Referral, Room, Visit
from desktop.services import privacy
from desktop.services.care.access import CARE_ROOM, require_care
from desktop.services.care.entries import EntryInput
from desktop.services.validation import existing

OPEN_STATES = ["waiting", "called", "serving", "on_hold"]
PENDING_DAYS = 90


@dataclass(frozen=True)
class RoutedVisit:
    visit_id: int
    visit_no: str
    ticket_no: str
    visited_at: datetime
    person_name: str
    summary: str

    def label(self) -> str:
        return (f"{self.visited_at:%m-%d %H:%M} {self.ticket_no} {self.person_name}"
                f"　{self.summary[:24]}")


def routed_visits(session: Session, *, limit: int = 200,
                  today: date | None = None) -> list[RoutedVisit]:
    """Visits routed to the care room, newest first, whose resident is not on the register."""
    require_care(session, "care.read")
    since = (today or date.today()) - timedelta(days=PENDING_DAYS)
    on_register = select(CareEntry.id).where(CareEntry.person_id == Visit.person_id).exists()
    stmt = (
        select(Visit.id, Visit.visit_no, Referral.ticket_no, Visit.visited_at, Person.name,
               Visit.summary, privacy.went_to_counselling())
        .join(Referral, Referral.visit_id == Visit.id)
        .join(Room, Room.id == Referral.room_id)
        .join(Person, Person.id == Visit.person_id)
        .where(Room.code == CARE_ROOM, ~on_register, Visit.deleted_at.is_(None),
               or_(Referral.status.in_(OPEN_STATES), Referral.ticket_date >= since))
        # A visit sent to the room twice is offered once, with its latest ticket.
        .order_by(Visit.visited_at.desc(), Visit.id.desc(), Referral.id.desc()).limit(limit)
    )
    readable = privacy.may_read_counselling(session)
    seen: set[int] = set()
    found = []
    for visit_id, no, ticket, at, name, summary, hidden in session.execute(stmt):
        if visit_id in seen:
            continue
        seen.add(visit_id)
        found.append(RoutedVisit(visit_id, no, ticket, at, name,
                                 privacy.shown(summary, hidden, readable)))
    return found


def draft_from_visit(session: Session, visit_id: int) -> EntryInput:
    """A register entry as the visit already tells it (the staff add the group and frequency)."""
    require_care(session, "care.edit")
    visit = existing(session, Visit, visit_id, "没有找到该来访登记")
    person = visit.person
    return EntryInput(person_id=person.id, name=person.name, id_number=person.id_number or "",
                      gender=person.gender, phone=person.phone or "",
                      address=person.address or "", community_id=visit.community_id,
                      grid_id=visit.grid_id, visit_id=visit.id)
