"""Escalation (上报) and referral to departments (吹哨报到), and their deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    Escalation,
    Person,
    Referral,
    Visit,
)
from desktop.services import privacy, validation
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception.queue.common import (
    DEPARTMENT,
    OUTCOME,
    REASON,
    acting,
    check_ids,
    current_time,
)
from desktop.services.validation import clean_argument

LEVELS = {"A": "A级（社区）", "B": "B级（街道）", "C": "C级（区）", "D": "D级（市）"}


@dataclass(frozen=True)
class EscalationRow:
    id: int
    visit_id: int
    visit_no: str
    person_name: str
    risk_level: str
    kind: str
    target: str  # "B级（街道）" or the department
    reason: str
    raised_at: datetime
    due_date: date | None
    status: str
    overdue: bool
    outcome: str

    @property
    def kind_name(self) -> str:
        return "上报" if self.kind == "level" else "部门移送"


def escalate(
    database: Database, visit_id: int, level: str, reason: str, *, due_date: date | None = None,
    staff_id: int | None = None, now: datetime | None = None,
) -> int:
    """Raise the matter to a higher level (A 社区, B 街道, C 区, D 市)."""
    errors: dict[str, str] = {}
    reason = clean_argument(errors, "reason", reason, REASON)
    check_ids(errors, staff_id=staff_id, due_date=due_date)
    if level not in LEVELS:
        errors["level"] = "请选择上报层级"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写上报理由"
    now = now or current_time()
    if due_date is not None and due_date < now.date():
        errors["due_date"] = "办理期限不能早于今天"
    if errors:
        raise ValidationError(errors)
    return _add_escalation(database, visit_id, now, kind="level", level=level,
                           reason=reason, due_date=due_date, staff_id=staff_id)


def refer_to_department(
    database: Database, visit_id: int, department: str, due_date: date | None, reason: str, *,
    staff_id: int | None = None, now: datetime | None = None,
) -> int:
    """Refer the matter to an outside department with a due date (吹哨报到)."""
    errors: dict[str, str] = {}
    department = clean_argument(errors, "department", department, DEPARTMENT)
    reason = clean_argument(errors, "reason", reason, REASON)
    if not department and "department" not in errors:
        errors["department"] = "请填写移送的职能部门"
    now = now or current_time()
    if due_date is None:
        errors["due_date"] = "请填写办理期限"
    elif due_date < now.date():
        errors["due_date"] = "办理期限不能早于今天"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写移送事由"
    check_ids(errors, staff_id=staff_id, due_date=due_date)
    if errors:
        raise ValidationError(errors)
    return _add_escalation(database, visit_id, now, kind="department",
                           department=department, reason=reason,
                           due_date=due_date, staff_id=staff_id)


def _add_escalation(database: Database, visit_id: int, now: datetime, **values: object) -> int:
    with database.write() as session:
        validation.existing(session, Visit, visit_id, "该来访登记不存在")
        values["staff_id"] = acting(session, values.get("staff_id"))  # type: ignore[arg-type]
        row = Escalation(visit_id=visit_id, status="open", raised_at=now, raised_by_id=values.pop(
            "staff_id"), created_at=now, updated_at=now, **values)
        session.add(row)
        session.flush()
        return row.id


def close_escalation(
    database: Database, escalation_id: int, outcome: str, *, now: datetime | None = None
) -> None:
    errors: dict[str, str] = {}
    outcome = clean_argument(errors, "outcome", outcome, OUTCOME)
    if not outcome and not errors:
        errors["outcome"] = "请填写办理结果"
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        auth.require(session, "queue.room")
        row = session.scalar(
            select(Escalation).where(Escalation.id == escalation_id).with_for_update()
        ) if validation.valid_id(escalation_id) else None
        if row is None:
            raise NotFoundError("该上报/移送记录不存在")
        if row.status != "open":
            raise ValidationError({"outcome": "该事项已办结"})
        row.status = "closed"
        row.outcome = outcome
        row.closed_at = now or current_time()


def escalation_rows(
    session: Session, condition, *, today: date, limit: int | None  # type: ignore[no-untyped-def]
) -> list[EscalationRow]:
    """Those with a due date first, by date (walks the (status, due_date) index), then the rest."""
    base = (
        select(Escalation, Visit.visit_no, Person.name, Visit.risk_level)
        .join(Visit, Visit.id == Escalation.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .where(condition)
    )
    dated = base.where(Escalation.due_date.is_not(None)).order_by(
        Escalation.due_date, Escalation.id)
    undated = base.where(Escalation.due_date.is_(None)).order_by(Escalation.id)
    if limit is not None:
        dated = dated.limit(limit)
    found = list(session.execute(dated))
    if limit is None or len(found) < limit:
        rest = undated if limit is None else undated.limit(limit - len(found))
        found += list(session.execute(rest))
    rows = []
    readable = privacy.may_read_counselling(session)
    # Asked for the rows found only: as a column, PostgreSQL answered it by hashing every
    # counselling ticket ever issued (40 ms at a million visits).
    counselling_visits = privacy.counselling_visit_ids(session, [row[0].visit_id for row in found])
    for esc, visit_no, name, risk in found:
        counselling = esc.visit_id in counselling_visits
        target = LEVELS.get(esc.level or "", "") if esc.kind == "level" else esc.department or ""
        rows.append(EscalationRow(
            esc.id, esc.visit_id, visit_no, name, risk, esc.kind, target,
            privacy.shown(esc.reason, bool(counselling), readable),
            esc.raised_at, esc.due_date, esc.status,
            esc.status == "open" and esc.due_date is not None and esc.due_date < today,
            privacy.shown(esc.outcome, bool(counselling), readable),
        ))
    return rows


def open_escalations(
    session: Session, *, today: date | None = None, overdue_only: bool = False, limit: int = 500
) -> list[EscalationRow]:
    """Open escalations and department referrals, the overdue ones first (by due date).

    Room staff see those of the visits that came to their own room only.
    """
    own_room = auth.own_room_only(session)
    today = today or date.today()
    condition = Escalation.status == "open"
    if own_room is not None:
        condition = and_(condition, Escalation.visit_id.in_(
            select(Referral.visit_id).where(Referral.room_id == own_room)))
    if overdue_only:
        condition = and_(condition, Escalation.due_date < today)
    return escalation_rows(session, condition, today=today, limit=limit)


def overdue_count(session: Session, *, today: date | None = None) -> int:
    today = today or date.today()
    return int(session.scalar(
        select(func.count()).select_from(Escalation)
        .where(Escalation.status == "open", Escalation.due_date < today)
    ) or 0)
