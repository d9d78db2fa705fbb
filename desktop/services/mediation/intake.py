"""Taking a case up: visits routed to the room, drafts from a visit, people to pick."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, or_, select, union_all
from sqlalchemy.orm import Session

from desktop.models import (
    MediationCase,
    Person,
    Referral,
    Staff,
    Visit,
)
from desktop.services import routing, validation
from desktop.services.admin import auth
from desktop.services.mediation.common import day_or_today
from desktop.services.mediation.constants import MEDIATION_ROOM, OPEN_REFERRAL_STATES, PENDING_DAYS
from desktop.services.mediation.forms import (
    CaseInput,
    PartyInput,
    PersonChoice,
    StaffChoice,
)
from desktop.services.routing import RoutedVisit
from desktop.services.validation import existing

# ---------------------------------------------------------------------------
# Choices for the forms


def staff_choices(session: Session) -> list[StaffChoice]:
    """Active staff, mediators first (the mediator and recorder lists).

    A mediator is whoever holds the role, as their main one or beside others.
    """
    mediator = auth.holding("mediator")
    order = case((mediator, 0), else_=1)
    rows = session.execute(
        select(Staff.id, Staff.name, mediator).where(Staff.active).order_by(order, Staff.id)
    )
    return [StaffChoice(i, n, bool(m)) for i, n, m in rows]


def routed_visits(session: Session, *, limit: int = 200,
                  today: date | None = None) -> list[RoutedVisit]:
    """Visits routed to the mediation room without a case yet, newest first.

    Open tickets always show; tickets the room finished as 立案调解 show for
    ``PENDING_DAYS`` days (an older one is no longer waiting for a case).
    """
    auth.require(session, "case.read")
    has_case = select(MediationCase.id).where(MediationCase.visit_id == Visit.id).exists()
    since = day_or_today(today) - timedelta(days=PENDING_DAYS)

    def routed(*conditions: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
        return routing.routed_select(MEDIATION_ROOM, ~has_case, *conditions)

    # Two queries, each walking its own index (one OR made SQLite read every ticket the
    # room ever had); the (room, result, day) index finds the finished ones. The bound is
    # the ticket's day, not the visit's: a visit sent on to mediation weeks after it came
    # in (另派) waits for its case as long as any other.
    both = union_all(
        routed(Referral.status.in_(OPEN_REFERRAL_STATES)),
        routed(Referral.status == "done", Referral.result == "case_opened",
               Referral.ticket_date >= since),
    ).subquery()
    stmt = (select(both).order_by(both.c.visited_at.desc(), both.c.visit_id.desc())
            .limit(limit))
    return routing.routed_list(session, stmt)


def draft_from_visit(session: Session, visit_id: int) -> tuple[CaseInput, PartyInput]:
    """The case and its applicant as the visit already tells them (for the mediator to check)."""
    auth.require(session, "case.read")
    visit = existing(session, Visit, visit_id, "没有找到该来访登记")
    referral = routing.room_referral(session, visit.id, MEDIATION_ROOM)
    person = visit.person
    detail = f"综治中心接待分流（{visit.visit_no}"
    detail += f"，{referral.ticket_no}）" if referral else "）"
    # The mediator who served the ticket, if any, is offered as the case's mediator.
    handler = referral.handled_by if referral else None
    # A resident first heard in the counselling room: the mediator asks again, the draft
    # does not carry what was said there to someone who may not read it.
    hidden = routing.summary_hidden(session, visit.id)
    data = CaseInput(
        facts="" if hidden else visit.summary, matters="" if hidden else visit.request or "",
        source="当事人申请",
        source_detail=detail, category_id=visit.category_id, visit_id=visit.id,
        referral_id=referral.id if referral else None,
        mediator_ids=[handler.id] if handler and auth.holds(handler, "mediator") else [],
    )
    applicant = PartyInput(
        name=person.name, side="申请人", kind="person", person_id=person.id,
        gender=person.gender, id_number=person.id_number or "", phone=person.phone or "",
        address=person.address or "",
    )
    if person.id_number and validation.id_number_error(person.id_number) is None:
        applicant.birth_date = _birth_from_id(person.id_number)
    return data, applicant


def _birth_from_id(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def search_persons(session: Session, text: str, *, limit: int = 20) -> list[PersonChoice]:
    """Residents known from reception, by name, 身份证号 or phone."""
    auth.require(session, "case.edit")
    text = text.strip()
    if not text:
        return []
    like = f"%{text}%"
    stmt = (
        select(Person.id, Person.name, Person.gender, Person.id_number, Person.phone,
               Person.address)
        .where(or_(Person.name.like(like), Person.id_number == text.upper(),
                   Person.phone == text), Person.deleted_at.is_(None))
        .order_by(Person.name, Person.id).limit(limit)
    )
    return [PersonChoice(*row) for row in session.execute(stmt)]


def person_as_party(session: Session, person_id: int, side: str) -> PartyInput:
    auth.require(session, "case.edit")
    person = existing(session, Person, person_id, "没有找到该来访人")
    party = PartyInput(
        name=person.name, side=side, person_id=person.id, gender=person.gender,
        id_number=person.id_number or "", phone=person.phone or "", address=person.address or "",
    )
    if person.id_number:
        party.birth_date = _birth_from_id(person.id_number)
    return party
