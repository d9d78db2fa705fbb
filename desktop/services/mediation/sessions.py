"""调解记录: the sessions of a case, with who mediated and who wrote."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    MediationCase,
    MediationSession,
    Staff,
)
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import (
    SESSION_FIELDS,
    clean,
    dates,
    lock_child,
    open_case,
)
from desktop.services.mediation.constants import SESSION_LABELS
from desktop.services.mediation.forms import SessionInput
from desktop.services.validation import checked
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    refuse_stale_delete,
    write_checked,
)

# ---------------------------------------------------------------------------
# Sessions


def validate_session(data: SessionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.place.strip():
        errors["place"] = "请填写调解地点"
    if not data.attendees.strip():
        errors["attendees"] = "请填写参加人员"
    if not data.record.strip():
        errors["record"] = "请填写调解记录"
    if data.held_at.date() > date.today():
        errors["held_at"] = "调解时间不能晚于今天"
    errors.update(dates(data, "held_at"))
    return errors


def add_session(database: Database, case_id: int, data: SessionInput) -> int:
    auth.require(database, "case.edit")
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = open_case(session, case_id)
        row = MediationSession(case=case_)
        _apply_session(row, data)
        with session.no_autoflush:  # one INSERT, complete, at version 1
            _apply_session_staff(session, case_, row, data)
        session.add(row)
        session.flush()
        return row.id


def update_session(database: Database, session_id: int, data: SessionInput, *,
                   version: int) -> None:
    """Save a 调解记录 loaded at ``version`` (``SessionData.version``)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        row = lock_child(session, MediationSession, session_id, "调解记录")
        found, before = loaded(row), _session_values(row)
        _apply_session(row, data)
        _apply_session_staff(session, row.case, row, data)
        refuse_stale("调解记录", found, version, before, _session_values(row), SESSION_LABELS)

    write_checked(database, "调解记录", work)


def delete_session(database: Database, session_id: int, *, version: int) -> None:
    auth.require(database, "case.edit")
    def work(session: Session) -> None:
        row = lock_child(session, MediationSession, session_id, "调解记录")
        refuse_stale_delete("调解记录", row, version)
        session.delete(row)

    write_checked(database, "调解记录", work, action="删除")


def _session_values(row: MediationSession) -> dict[str, str]:
    return form_values(row, SESSION_LABELS,
                       mediator=row.mediator.name if row.mediator else "",
                       recorder=row.recorder.name if row.recorder else "")


def _apply_session_staff(session: Session, case_: MediationCase, row: MediationSession,
                         data: SessionInput) -> None:
    """The session's 调解员 and 记录人: as chosen, or the signed-in account.

    The 调解员 must be one of the case's mediators, so the record never names someone
    the parties were not told would mediate.
    """
    errors: dict[str, str] = {}
    mediators = {m.id for m in case_.mediators}
    acting = auth.acting_staff_id(session)
    mediator_id = data.mediator_id
    if mediator_id is None and acting in mediators:
        mediator_id = acting
    if mediator_id is not None and mediator_id not in mediators:
        errors["mediator"] = "调解员应为本案的调解员之一"
    recorder_id = data.recorder_id if data.recorder_id is not None else acting
    if validation.id_error(recorder_id, "x") or (
            recorder_id is not None and session.get(Staff, recorder_id) is None):
        errors["recorder"] = "所选记录人不存在"
    if errors:
        raise ValidationError(errors)
    row.mediator = session.get(Staff, mediator_id) if mediator_id is not None else None
    row.recorder = session.get(Staff, recorder_id) if recorder_id is not None else None


def _apply_session(row: MediationSession, data: SessionInput) -> None:
    row.held_at = data.held_at.replace(second=0, microsecond=0)
    row.place = data.place.strip()
    row.attendees = data.attendees.strip()
    row.record = data.record.strip()
    row.next_steps = clean(data.next_steps)
