"""Visits the desk routed to a room, as the rooms' pages list them and take them up.

Each room says which of its visits are taken up already and how long a finished ticket
keeps waiting; the query, the row and what a room may read of the visit are the same
for every room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from desktop.models import Category, Person, Referral, Room, Visit
from desktop.services import privacy


@dataclass(frozen=True)
class RoutedVisit:
    """A visit routed to a room that the room has not taken up yet."""

    visit_id: int
    referral_id: int
    visit_no: str
    ticket_no: str
    visited_at: datetime
    person_name: str
    category: str
    summary: str

    def label(self) -> str:
        return (f"{self.visited_at:%m-%d %H:%M} {self.ticket_no} {self.person_name}"
                f"（{self.category or '未分类'}）{self.summary[:24]}")


def routed_select(room_code: str, *conditions: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The visits routed to ``room_code`` (not deleted) that meet ``conditions``, in the
    columns :func:`routed_list` reads."""
    return (
        select(Visit.id.label("visit_id"), Referral.id.label("referral_id"), Visit.visit_no,
               Referral.ticket_no, Visit.visited_at, Person.name.label("person_name"),
               Category.name.label("category_name"), Visit.summary,
               privacy.went_to_counselling().label("hidden"))
        .join(Referral, Referral.visit_id == Visit.id)
        .join(Room, Room.id == Referral.room_id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Category, Category.id == Visit.category_id)
        .where(Room.code == room_code, *conditions, Visit.deleted_at.is_(None))
    )


def waiting_or_recent(open_states: list[str], since: date) -> ColumnElement[bool]:
    """A ticket still open, or one the room finished on or after ``since``."""
    return or_(Referral.status.in_(open_states),
               (Referral.status == "done") & (Referral.ticket_date >= since))


def routed_list(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[RoutedVisit]:
    """The rows of a :func:`routed_select`, the summary hidden from whoever may not read
    what was said in the counselling room."""
    readable = privacy.may_read_counselling(session)
    return [RoutedVisit(v, r, no, t, at, name, cat or "", privacy.shown(summary, hidden,
                                                                        readable))
            for v, r, no, t, at, name, cat, summary, hidden in session.execute(stmt)]


def room_referral(session: Session, visit_id: int, room_code: str) -> Referral | None:
    """The visit's latest ticket for ``room_code``, if it has one."""
    return session.scalar(
        select(Referral).join(Room).where(Referral.visit_id == visit_id,
                                          Room.code == room_code)
        .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(1))


def summary_hidden(session: Session, visit_id: int) -> bool:
    """Whether the visit's summary is kept from this reader (the resident was first heard
    in the counselling room and the reader may not read it)."""
    return (bool(privacy.counselling_visit_ids(session, [visit_id]))
            and not privacy.may_read_counselling(session))
