"""Finding a repeat visitor while the receptionist types (身份证号, phone or name).

Each lookup is a prefix match on an indexed column, read as an index walk
from the prefix (``col >= 'abc' ORDER BY col LIMIT n``) so SQLite and
PostgreSQL both use the index whatever their LIKE rules and collation; it
stays a few milliseconds at a million visits. The form calls it after a short pause in
typing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, literal, null, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop.models import Category, Escalation, Person, Referral, Room, Visit
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.reception.queue import ACTIVE, RESULT_NAMES, STATUS_NAMES
from desktop.services.validation import (
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)

MIN_DIGITS = 4  # fewer digits match too many people to be useful
MIN_NAME_CHARS = 2
RECENT_VISITS = 5


@dataclass(frozen=True)
class EarlierVisit:
    visit_id: int
    visit_no: str
    visited_at: datetime
    category_id: int | None
    category: str
    summary: str
    risk_level: str
    state: str  # 等候中 / 已办结 / 转入调解立案 / ...
    is_open: bool
    is_repeat: bool
    first_visit_id: int  # the first visit on the matter (itself, unless a repeat)
    community_id: int | None
    grid_id: int | None


@dataclass(frozen=True)
class PersonMatch:
    person_id: int
    name: str
    gender: str | None
    id_type: str
    id_number: str | None
    masked_id: str
    no_id_reason: str | None
    phone: str | None
    address: str | None
    visit_count: int
    repeat_count: int
    open_count: int
    visits: list[EarlierVisit] = field(default_factory=list)
    version: int = 0  # of the person row, for RegistrationInput.person_version

    @property
    def summary_line(self) -> str:
        parts = [self.name]
        if self.masked_id:
            parts.append(self.masked_id)
        if self.phone:
            parts.append(mask_phone(self.phone))
        parts.append(f"来访{self.visit_count}次")
        if self.repeat_count:
            parts.append(f"重复访{self.repeat_count}次")
        if self.open_count:
            parts.append(f"未结{self.open_count}件")
        return "　".join(parts)


Walk = tuple[InstrumentedAttribute[str | None], str]  # an indexed column, a typed prefix


def _starting_with(session: Session, walks: list[Walk], limit: int) -> list[int]:
    """Ids of people whose column starts with its prefix, for each walk in turn.

    ``column >= prefix ORDER BY column`` is served by the index under any collation
    (SQLite's BINARY, PostgreSQL's C or a language locale), unlike LIKE, which SQLite
    and non-C PostgreSQL databases cannot answer from a plain index. The rows after
    the prefix are checked here and each walk stops at the first that does not match.
    All the walks of one lookup (身份证号 and phone for digits) go in one statement:
    on a PostgreSQL server each statement is a round trip.
    """
    if not walks:
        return []
    parts = [
        select(literal(number).label("walk"), Person.id.label("id"), column.label("value"))
        .where(column >= prefix, Person.deleted_at.is_(None))
        .order_by(column).limit(limit * 4).subquery().select()
        for number, (column, prefix) in enumerate(walks)
    ]
    rows = session.execute(parts[0] if len(parts) == 1 else union_all(*parts)).all()
    found: list[int] = []
    for number, (_column, prefix) in enumerate(walks):
        # A UNION ALL keeps no order of its own: each walk's matches in their column's order.
        matches = sorted((r for r in rows if r[0] == number and (r[2] or "").startswith(prefix)),
                         key=lambda r: r[2])
        found += [person_id for _walk, person_id, _value in matches[:limit]]
    return found


# Who may look residents up: the desk registering them, a mediator adding a party, and
# the care room putting a resident on its register.
LOOKUP = ("visit.register", "case.edit", "care.edit")


def find_people(session: Session, text: str, *, limit: int = 8) -> list[PersonMatch]:
    """People whose 身份证号, phone or name starts with ``text``; newest visitors first."""
    auth.require_any(session, *LOOKUP)
    query = text.strip()
    if not query:
        return []
    walks: list[Walk] = []
    digits = normalize_id_number(query)
    if re.fullmatch(r"\d[\dX]*", digits):
        if len(digits) < MIN_DIGITS:
            return []
        walks.append((Person.id_number, digits))
        walks += _phone_walks(normalize_phone(query))
    elif re.fullmatch(r"[0-9()（）\- ]+", query):
        phone = normalize_phone(query)
        if len(phone.replace("-", "")) >= MIN_DIGITS:
            walks += _phone_walks(phone)
    else:
        # One character (a surname) matches a good part of the population: wait for two.
        if len(query) < MIN_NAME_CHARS or query == "匿名":
            return []
        walks.append((Person.name, query))
    ids = _starting_with(session, walks, limit)
    seen: list[int] = []
    for person_id in ids:
        if person_id not in seen:
            seen.append(person_id)
    return people_matches(session, seen[:limit])


def _phone_walks(phone: str) -> list[Walk]:
    """Landlines are stored as 区号-号码; typed without the dash they must match too."""
    if not phone.replace("-", "").isdigit():
        return []
    variants = [phone]
    if phone.startswith("0") and "-" not in phone:
        variants += [f"{phone[:n]}-{phone[n:]}" for n in (3, 4) if len(phone) > n]
    return [(Person.phone, variant) for variant in variants]


def person_match(session: Session, person_id: int) -> PersonMatch:
    return people_matches(session, [person_id])[0]


def people_matches(session: Session, person_ids: list[int]) -> list[PersonMatch]:
    """The people ``person_ids`` with their visit figures and recent visits, in that order.

    Two statements for all of them together (the lookup shows up to eight people on
    every pause in typing, and on a PostgreSQL server each statement is a round trip):
    the people with their visits, then the tickets and escalations of those visits.
    Everything goes through the people's visit ids (person_id and visit_id indexes), so
    the planner is never tempted to walk all open referrals or escalations instead.
    """
    auth.require_any(session, *LOOKUP)
    if not person_ids:
        return []
    people: dict[int, Person] = {}
    by_person: dict[int, list[tuple[datetime, int, bool]]] = {pid: [] for pid in person_ids}
    details: dict[int, Any] = {}
    for person, *visit in session.execute(
        select(Person, Visit.id, Visit.visit_no, Visit.visited_at, Visit.category_id,
               Category.name, Visit.summary, Visit.risk_level, Visit.is_repeat,
               Visit.repeat_of_id, Visit.community_id, Visit.grid_id)
        .outerjoin(Visit, and_(Visit.person_id == Person.id, Visit.deleted_at.is_(None)))
        .outerjoin(Category, Category.id == Visit.category_id)
        .where(Person.id.in_(person_ids))
    ):
        people[person.id] = person
        if visit[0] is not None:  # a person without a visit (yet) has one row of NULLs
            details[visit[0]] = tuple(visit)
            by_person[person.id].append((visit[2], visit[0], bool(visit[7])))
    ids = [visit_id for found in by_person.values() for _, visit_id, _ in found]
    open_visits: set[int] = set()
    in_hand: dict[int, tuple[str, str]] = {}  # a visit's latest ticket still open: room, status
    escalated: set[int] = set()
    last_step: dict[int, tuple[str, str | None, str]] = {}
    confidential: set[int] = set()  # went to the counselling room
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        # Tickets and escalations in one statement; status is filtered here, not in SQL
        # (with it, SQLite may prefer the status index).
        tickets = (select(literal("ticket"), Referral.visit_id, Referral.status,
                          Referral.result, Room.name, Room.code, Referral.created_at,
                          Referral.id)
                   .join(Room, Room.id == Referral.room_id)
                   .where(Referral.visit_id.in_(chunk)))
        escalations = select(literal("escalation"), Escalation.visit_id, Escalation.status,
                             null(), null(), null(), null(), null()
                             ).where(Escalation.visit_id.in_(chunk))
        steps: list[Any] = list(session.execute(union_all(tickets, escalations)))
        for _kind, visit_id, status, result, room, code, _at, _id in sorted(
                (row for row in steps if row[0] == "ticket"), key=lambda r: (r[6], r[7])):
            if status in ACTIVE:
                open_visits.add(visit_id)
                in_hand[visit_id] = (room, status)
            last_step[visit_id] = (status, result, room)
            if code == privacy.COUNSELLING_ROOM:
                confidential.add(visit_id)
        for kind, visit_id, status, *_rest in steps:
            if kind == "escalation" and status == "open":
                open_visits.add(visit_id)
                escalated.add(visit_id)
    recent_ids = {
        pid: [visit_id for _, visit_id, _ in sorted(found, reverse=True)[:RECENT_VISITS]]
        for pid, found in by_person.items()
    }
    readable = privacy.may_read_counselling(session)
    out = []
    for pid in person_ids:
        person = people[pid]
        visits = [_earlier_visit(details[visit_id], last_step, in_hand, escalated,
                                 visit_id in confidential and not readable)
                  for visit_id in recent_ids[pid]]
        mine = {visit_id for _, visit_id, _ in by_person[pid]}
        out.append(PersonMatch(
            person_id=person.id, name=person.name, gender=person.gender,
            id_type=person.id_type, id_number=person.id_number,
            masked_id=mask_id_number(person.id_number), no_id_reason=person.no_id_reason,
            phone=person.phone, address=person.address, visit_count=len(by_person[pid]),
            repeat_count=sum(1 for _, _, is_repeat in by_person[pid] if is_repeat),
            open_count=len(open_visits & mine), visits=visits, version=person.version,
        ))
    return out


def _earlier_visit(row: Any, last_step: dict[int, tuple[str, str | None, str]],
                   in_hand: dict[int, tuple[str, str]], escalated: set[int],
                   hidden: bool) -> EarlierVisit:
    """One earlier visit as the desk shows it (``hidden``: a counselling visit's summary).

    Its state is its last ticket's; what is still open besides (an earlier ticket in another
    room, an escalation) is said after it in brackets.
    """
    (visit_id, visit_no, at, category_id, category, summary, risk, is_repeat, repeat_of,
     community_id, grid_id) = row
    status, result, room = last_step.get(visit_id, ("", None, ""))
    if status in ACTIVE:
        state = f"{room}{STATUS_NAMES[status]}"
    elif result:
        state = RESULT_NAMES.get(result, STATUS_NAMES.get(result, result))
    else:
        state = STATUS_NAMES.get(status, "")
    if status not in ACTIVE and visit_id in in_hand:
        other_room, other_status = in_hand[visit_id]
        state += f"（{other_room}{STATUS_NAMES[other_status]}）"
    if status not in ACTIVE and visit_id in escalated:
        state += "（上报/移送办理中）"
    return EarlierVisit(
        visit_id, visit_no, at, category_id, category or "",
        privacy.shown(summary, hidden, readable=False), risk, state,
        visit_id in in_hand or visit_id in escalated, bool(is_repeat), repeat_of or visit_id,
        community_id, grid_id,
    )
