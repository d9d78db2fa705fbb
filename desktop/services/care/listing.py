"""Reading the care register: the list, the visits due and overdue, one entry in full."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.models import CareEntry, CareGroup, CareVisit, Community, Grid, Person, Staff
from desktop.services.care.access import require_care
from desktop.services.care.entries import EntryInput, EntryRow, frequency_label
from desktop.services.care.schedule import DUE_WITHIN_DAYS, days_left
from desktop.services.validation import (
    existing,
    mask_id_number,
    mask_phone,
    normalize_id_number,
)

LIST_FILTERS = {"active": "在册", "due": "近期到期和逾期", "ended": "已结束", "all": "全部"}


@dataclass(frozen=True)
class VisitData:
    visit_id: int
    visited_on: date
    staff_id: int | None
    staff: str
    findings: str
    help_kind: str | None
    help_text: str
    version: int


@dataclass(frozen=True)
class EntryDetail:
    entry_id: int
    version: int
    person_id: int
    name: str
    masked_id: str
    data: EntryInput
    community: str
    grid: str
    staff: str
    next_due_on: date
    ended_on: date | None
    end_reason: str
    visits: list[VisitData] = field(default_factory=list)


def _rows(session: Session, stmt: Any, today: date) -> list[EntryRow]:
    rows = session.execute(stmt).all()
    ids = [r.id for r in rows]
    groups: dict[int, list[str]] = {}
    last: dict[int, date] = {}
    if ids:
        for entry_id, name in session.execute(
                select(CareGroup.entry_id, CareGroup.name).where(CareGroup.entry_id.in_(ids))
                .order_by(CareGroup.name)):
            groups.setdefault(entry_id, []).append(name)
        last = dict(session.execute(  # type: ignore[arg-type]
            select(CareVisit.entry_id, func.max(CareVisit.visited_on))
            .where(CareVisit.entry_id.in_(ids)).group_by(CareVisit.entry_id)).all())
    return [EntryRow(
        r.id, r.name, mask_id_number(r.id_number), mask_phone(r.phone or r.person_phone),
        "、".join(groups.get(r.id, [])), "／".join(x for x in (r.community, r.grid) if x),
        frequency_label(r.frequency_days), r.staff or "", r.registered_on, last.get(r.id),
        r.next_due_on, days_left(r.next_due_on, today), r.ended_on,
    ) for r in rows]


def _base() -> Any:
    return (select(CareEntry.id, Person.name, Person.id_number, CareEntry.phone,
                   Person.phone.label("person_phone"), Community.name.label("community"),
                   Grid.name.label("grid"), CareEntry.frequency_days, Staff.name.label("staff"),
                   CareEntry.registered_on, CareEntry.next_due_on, CareEntry.ended_on)
            .join(Person, Person.id == CareEntry.person_id)
            .outerjoin(Community, Community.id == CareEntry.community_id)
            .outerjoin(Grid, Grid.id == CareEntry.grid_id)
            .outerjoin(Staff, Staff.id == CareEntry.staff_id))


def entry_list(session: Session, *, status: str = "active", search: str = "",
               group: str = "", today: date | None = None, limit: int = 500) -> list[EntryRow]:
    """The register: active (soonest due first), due soon or overdue, ended, or all."""
    require_care(session, "care.read")
    day = today or date.today()
    stmt = _base()
    if status == "active":
        stmt = stmt.where(CareEntry.ended_on.is_(None)).order_by(CareEntry.next_due_on,
                                                                CareEntry.id)
    elif status == "due":
        stmt = stmt.where(CareEntry.ended_on.is_(None),
                          CareEntry.next_due_on <= day + timedelta(days=DUE_WITHIN_DAYS)
                          ).order_by(CareEntry.next_due_on, CareEntry.id)
    elif status == "ended":
        stmt = stmt.where(CareEntry.ended_on.is_not(None)).order_by(
            CareEntry.ended_on.desc(), CareEntry.id.desc())
    else:
        stmt = stmt.order_by(CareEntry.registered_on.desc(), CareEntry.id.desc())
    if group:
        stmt = stmt.where(CareEntry.id.in_(select(CareGroup.entry_id)
                                           .where(CareGroup.name == group)))
    text = search.strip()
    if text:
        stmt = stmt.where(or_(Person.name.like(f"%{text}%"),
                              Person.id_number == normalize_id_number(text),
                              CareEntry.phone == text, Person.phone == text))
    return _rows(session, stmt.limit(limit), day)


def due_visits(session: Session, *, today: date | None = None,
               within_days: int = DUE_WITHIN_DAYS) -> list[EntryRow]:
    """Active entries whose next visit falls due within ``within_days`` days, or is overdue."""
    require_care(session, "care.read")
    day = today or date.today()
    stmt = _base().where(CareEntry.ended_on.is_(None),
                         CareEntry.next_due_on <= day + timedelta(days=within_days)
                         ).order_by(CareEntry.next_due_on, CareEntry.id)
    return _rows(session, stmt, day)


def register_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    require_care(session, "care.read")
    return open_counts(session, today=today)


def open_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """People on the register, their visits overdue or due soon, ended: counts only,
    nothing personal, so the dashboard (统计) reads them without the room's permission."""
    day = today or date.today()
    active, overdue, soon, ended = session.execute(select(
        func.count().filter(CareEntry.ended_on.is_(None)),
        func.count().filter(CareEntry.ended_on.is_(None), CareEntry.next_due_on < day),
        func.count().filter(CareEntry.ended_on.is_(None), CareEntry.next_due_on >= day,
                            CareEntry.next_due_on <= day + timedelta(days=DUE_WITHIN_DAYS)),
        func.count().filter(CareEntry.ended_on.is_not(None)),
    )).one()
    return {"active": active, "overdue": overdue, "soon": soon, "ended": ended}


def entry_detail(session: Session, entry_id: int) -> EntryDetail:
    require_care(session, "care.read")
    entry = existing(session, CareEntry, entry_id, "没有找到该关爱对象")
    person = entry.person
    data = EntryInput(
        groups=[g.name for g in entry.groups], person_id=person.id, name=person.name,
        id_number=person.id_number or "", gender=person.gender, phone=entry.phone or "",
        address=entry.address or "", guardian_name=entry.guardian_name or "",
        guardian_relation=entry.guardian_relation or "",
        guardian_phone=entry.guardian_phone or "", community_id=entry.community_id,
        grid_id=entry.grid_id, frequency_days=entry.frequency_days, staff_id=entry.staff_id,
        registered_on=entry.registered_on, visit_id=entry.visit_id, notes=entry.notes or "",
    )
    visits = [VisitData(v.id, v.visited_on, v.staff_id, v.staff.name if v.staff else "",
                        v.findings, v.help_kind, v.help_text or "", v.version)
              for v in reversed(entry.visits)]
    return EntryDetail(
        entry.id, entry.version, person.id, person.name, mask_id_number(person.id_number),
        data, entry.community.name if entry.community else "",
        entry.grid.name if entry.grid else "", entry.staff.name if entry.staff else "",
        entry.next_due_on, entry.ended_on, entry.end_reason or "", visits)
