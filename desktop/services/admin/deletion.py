"""Removing a person, a visit or a mediation case: a soft delete with a reason.

The row stays (the audit log and the admin's list of removed records point at it);
``deleted_at`` leaves it out of every list, register and lookup. Removing a person
removes their visits with them, since a visit names the person. Only the centre
administrator removes records (``records.delete``) and sees the removed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import MediationCase, Person, Visit
from desktop.models.base import SoftDeleteMixin
from desktop.services import privacy, validation
from desktop.services.admin import audit, auth
from desktop.services.errors import ValidationError
from desktop.services.versions import refuse_stale_delete

KIND_LABELS = {"person": "来访人", "visit": "来访登记", "mediation_case": "调解案件"}


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def checked_reason(reason: str) -> str:
    """The reason a removal is recorded with; refused when empty or too long."""
    return privacy.checked_reason(reason, missing="请填写删除理由")


def _mark(row: SoftDeleteMixin, actor: auth.Actor, reason: str, now: datetime) -> None:
    row.deleted_at = now
    row.deleted_by = actor.name
    row.deleted_reason = reason


def _not_deleted(row: SoftDeleteMixin, what: str) -> None:
    if row.deleted_at is not None:
        raise ValidationError({"record": f"该{what}已删除"})


def delete_person(database: Database, person_id: int, reason: str, *, version: int,
                  now: datetime | None = None) -> int:
    """Remove a person and their visits; the number of visits removed with them."""
    actor = auth.require(database, "records.delete")
    text, now = checked_reason(reason), now or _now()
    with database.write() as session:
        person = validation.existing(session, Person, person_id, "该来访人不存在")
        _not_deleted(person, "来访人")
        refuse_stale_delete("来访人", person, version)
        visits = session.scalars(select(Visit).where(Visit.person_id == person.id,
                                                     Visit.deleted_at.is_(None))).all()
        for visit in visits:
            _mark(visit, actor, text, now)
        _mark(person, actor, text, now)
        audit.record(session, "delete", "person", person.id,
                     {"理由": text, "同时删除来访登记": len(visits)})
    return len(visits)


def delete_visit(database: Database, visit_id: int, reason: str, *,
                 now: datetime | None = None) -> None:
    """Remove one visit (a visit has no version: nobody edits it after registration)."""
    actor = auth.require(database, "records.delete")
    text, now = checked_reason(reason), now or _now()
    with database.write() as session:
        visit = validation.existing(session, Visit, visit_id, "该来访登记不存在")
        _not_deleted(visit, "来访登记")
        _mark(visit, actor, text, now)
        audit.record(session, "delete", "visit", visit.id,
                     {"受理编号": visit.visit_no, "理由": text})


def delete_case(database: Database, case_id: int, reason: str, *, version: int,
                now: datetime | None = None) -> None:
    actor = auth.require(database, "records.delete")
    text, now = checked_reason(reason), now or _now()
    with database.write() as session:
        case_ = validation.existing(session, MediationCase, case_id, "该调解案件不存在")
        _not_deleted(case_, "调解案件")
        refuse_stale_delete("调解案件", case_, version)
        _mark(case_, actor, text, now)
        audit.record(session, "delete", "mediation_case", case_.id,
                     {"案号": case_.case_no, "理由": text})


@dataclass(frozen=True)
class DeletedRecord:
    kind: str  # person / visit / mediation_case
    record_id: int
    label: str  # the name, 受理编号 or 案号
    deleted_at: datetime
    deleted_by: str
    reason: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def deleted_records(session: Session, *, limit: int = 500) -> list[DeletedRecord]:
    """What was removed, newest first: for the administrator only."""
    auth.require(session, "records.delete")
    found: list[DeletedRecord] = []
    for kind, model, label in (("person", Person, Person.name),
                               ("visit", Visit, Visit.visit_no),
                               ("mediation_case", MediationCase, MediationCase.case_no)):
        for record_id, text, at, by, why in session.execute(
            select(model.id, label, model.deleted_at, model.deleted_by, model.deleted_reason)
            .where(model.deleted_at.is_not(None))
            .order_by(model.deleted_at.desc()).limit(limit)
        ):
            if at is not None:  # always, by the WHERE; the type does not know it
                found.append(DeletedRecord(kind, record_id, text, at, by or "", why or ""))
    found.sort(key=lambda r: (r.deleted_at, r.record_id), reverse=True)
    return found[:limit]
