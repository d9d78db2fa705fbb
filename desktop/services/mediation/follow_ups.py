"""回访: follow-ups of a closed case, planned and done, and those due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    FollowUp,
    MediationCase,
    Staff,
)
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import (
    FOLLOW_UP_FIELDS,
    clean,
    dates,
    day_or_today,
    lock_case,
    lock_child,
    staff_name,
)
from desktop.services.mediation.constants import (
    FOLLOW_UP_LABELS,
    FOLLOW_UP_METHODS,
    PERFORMANCE,
    SATISFACTION,
)
from desktop.services.mediation.forms import DueFollowUp, FollowUpInput
from desktop.services.mediation.reading import case_titles
from desktop.services.validation import checked, existing, id_error
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    write_checked,
)

# ---------------------------------------------------------------------------
# Follow-ups and judicial confirmation


def validate_follow_up(data: FollowUpInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.done_on is not None:
        if data.performance not in PERFORMANCE:
            errors["performance"] = "请选择履行情况"
        if data.satisfaction not in SATISFACTION:
            errors["satisfaction"] = "请选择当事人满意度"
        if data.visitor_id is None:
            errors["visitor"] = "请选择回访人"
        if data.done_on > date.today():
            errors["done_on"] = "回访日期不能晚于今天"
    if data.method and data.method not in FOLLOW_UP_METHODS:
        errors["method"] = "回访方式不正确"
    if id_error(data.visitor_id, "所选回访人不存在"):
        errors["visitor"] = "所选回访人不存在"
    errors.update(dates(data, "planned_on", "done_on"))
    return errors


def _apply_follow_up(row: FollowUp, data: FollowUpInput) -> None:
    row.planned_on = data.planned_on
    row.done_on = data.done_on
    row.method = clean(data.method)
    row.visitor_id = data.visitor_id
    row.performance = clean(data.performance)
    row.satisfaction = clean(data.satisfaction)
    row.notes = clean(data.notes)


def _check_visitor(session: Session, data: FollowUpInput) -> None:
    if data.visitor_id is not None:
        existing(session, Staff, data.visitor_id, "所选回访人不存在", field="visitor")


def add_follow_up(database: Database, case_id: int, data: FollowUpInput) -> int:
    """Plan or record a 回访; a closed case takes them (回访 comes after closing)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, FOLLOW_UP_FIELDS, validate_follow_up)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = lock_case(session, case_id)
        _check_visitor(session, data)
        row = FollowUp(case=case_)
        _apply_follow_up(row, data)
        session.add(row)
        session.flush()
        return row.id


def _follow_up_values(session: Session, row: FollowUp) -> dict[str, str]:
    return form_values(row, FOLLOW_UP_LABELS, visitor=staff_name(session, row.visitor_id))


def update_follow_up(database: Database, follow_up_id: int, data: FollowUpInput, *,
                     version: int) -> None:
    """Save a 回访 loaded at ``version`` (``FollowUpData.version``), closed case or not."""
    auth.require(database, "case.edit")
    data, errors = checked(data, FOLLOW_UP_FIELDS, validate_follow_up)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        row = lock_child(session, FollowUp, follow_up_id, "回访记录", closed_too=True)
        _check_visitor(session, data)
        found, before = loaded(row), _follow_up_values(session, row)
        _apply_follow_up(row, data)
        refuse_stale("回访记录", found, version, before, _follow_up_values(session, row),
                     FOLLOW_UP_LABELS)

    write_checked(database, "回访记录", work)


def _due_follow_up_filter(day: date, within_days: int = 0) -> list[Any]:
    return [FollowUp.done_on.is_(None), FollowUp.planned_on <= day + timedelta(days=within_days)]


def count_due_follow_ups(session: Session, *, today: date | None = None,
                         within_days: int = 0) -> int:
    """How many follow-ups :func:`due_follow_ups` lists."""
    due = _due_follow_up_filter(day_or_today(today), within_days)
    return int(session.scalar(select(func.count(FollowUp.id)).where(*due)) or 0)


def due_follow_ups(session: Session, *, today: date | None = None,
                   within_days: int = 0) -> list[DueFollowUp]:
    """Follow-ups planned up to today (+ ``within_days``) and not yet done, oldest first."""
    day = day_or_today(today)
    rows = session.execute(
        select(FollowUp.id, MediationCase.id, MediationCase.case_no, FollowUp.planned_on)
        .join(MediationCase, MediationCase.id == FollowUp.case_id)
        .where(*_due_follow_up_filter(day, within_days))
        .order_by(FollowUp.planned_on, FollowUp.id)
    ).all()
    titles = case_titles(session, [r[1] for r in rows])
    return [DueFollowUp(fid, cid, no, titles.get(cid, ""), planned, (day - planned).days)
            for fid, cid, no, planned in rows]
