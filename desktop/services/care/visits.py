"""Home visits (走访) to residents on the care register, and the help given (帮扶).

A visit is dated on or after the entry's registration and not in the future;
help, when given, has a kind and says what it was. Every change of the visits
moves the entry's next due day (:func:`desktop.services.care.schedule.refresh_due`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CareEntry, CareVisit, Staff
from desktop.services import validation
from desktop.services.care.access import require_care
from desktop.services.care.schedule import refresh_due
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.validation import TextField, checked, date_errors, id_error
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    refuse_stale_delete,
    write_checked,
)

HELP_KINDS = ["物资", "资金", "政策", "心理", "其他"]
VISIT_FIELDS = {"findings": TextField(CareVisit.findings, "走访情况"),
                "help_text": TextField(CareVisit.help_text, "帮扶内容")}
VISIT_LABELS = {"visited_on": "走访日期", "staff_id": "走访人", "findings": "走访情况",
                "help_kind": "帮扶类型", "help_text": "帮扶内容"}


@dataclass
class VisitInput:
    visited_on: date
    findings: str
    staff_id: int | None = None
    help_kind: str | None = None
    help_text: str = ""


def validate_visit(data: VisitInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.findings:
        errors["findings"] = "请填写走访情况"
    if data.help_kind is not None and data.help_kind not in HELP_KINDS:
        errors["help_kind"] = "帮扶类型不正确"
    if data.help_kind is not None and not data.help_text:
        errors["help_text"] = "请填写帮扶内容"
    if data.help_kind is None and data.help_text:
        errors["help_kind"] = "请选择帮扶类型"
    if id_error(data.staff_id, "所选走访人不存在"):
        errors["staff_id"] = "所选走访人不存在"
    errors.update(date_errors({"visited_on": data.visited_on}, {"visited_on": "走访日期"}))
    if "visited_on" not in errors and data.visited_on > today:
        errors["visited_on"] = "走访日期不能晚于今天"
    return errors


def _checked(data: VisitInput, today: date) -> VisitInput:
    data, errors = checked(data, VISIT_FIELDS, lambda d: validate_visit(d, today))
    if errors:
        raise ValidationError(errors)
    return data


def _entry(session: Session, entry_id: int) -> CareEntry:
    entry = session.get(CareEntry, entry_id, with_for_update=True, populate_existing=True) \
        if validation.valid_id(entry_id) else None
    if entry is None:
        raise NotFoundError("没有找到该关爱对象")
    return entry


def _apply(session: Session, entry: CareEntry, row: CareVisit, data: VisitInput) -> None:
    if data.visited_on < entry.registered_on:
        raise ValidationError({"visited_on": "走访日期不能早于登记日期"
                                             f" {entry.registered_on:%Y-%m-%d}"})
    if entry.ended_on is not None and data.visited_on > entry.ended_on:
        raise ValidationError({"visited_on": f"该对象已于 {entry.ended_on:%Y-%m-%d} 结束关爱"})
    if data.staff_id is not None:
        validation.existing(session, Staff, data.staff_id, "所选走访人不存在", field="staff_id")
    row.visited_on = data.visited_on
    row.findings = data.findings
    row.staff_id = data.staff_id
    row.help_kind = data.help_kind
    row.help_text = data.help_text or None


def add_visit(database: Database, entry_id: int, data: VisitInput, *,
              today: date | None = None) -> int:
    """Record a home visit; the entry's next visit moves on from it."""
    data = _checked(data, today or date.today())
    with database.write() as session:
        actor = require_care(session, "care.edit")
        entry = _entry(session, entry_id)
        if data.staff_id is None:
            data.staff_id = actor.staff_id
        row = CareVisit(entry_id=entry.id)
        _apply(session, entry, row, data)
        session.add(row)
        refresh_due(session, entry)
        session.flush()
        return row.id


def update_visit(database: Database, visit_id: int, data: VisitInput, *, version: int,
                 today: date | None = None) -> None:
    data = _checked(data, today or date.today())

    def work(session: Session) -> None:
        require_care(session, "care.edit")
        row = session.get(CareVisit, visit_id) if validation.valid_id(visit_id) else None
        if row is None:
            raise StaleEditError("走访记录", deleted=True)
        entry = _entry(session, row.entry_id)
        found = loaded(row)
        before = form_values(row, VISIT_LABELS)
        _apply(session, entry, row, data)
        refuse_stale("走访记录", found, version, before, form_values(row, VISIT_LABELS),
                     VISIT_LABELS)
        refresh_due(session, entry)

    write_checked(database, "走访记录", work)


def delete_visit(database: Database, visit_id: int, *, version: int) -> None:
    with database.write() as session:
        require_care(session, "care.edit")
        row = session.get(CareVisit, visit_id) if validation.valid_id(visit_id) else None
        if row is None:
            raise StaleEditError("走访记录", deleted=True)
        refuse_stale_delete("走访记录", row, version)
        entry = _entry(session, row.entry_id)
        session.delete(row)
        refresh_due(session, entry)
