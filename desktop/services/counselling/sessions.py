"""Counselling sessions (咨询记录): date, minutes, problem, what was done, plan, with the
session's risk assessment and any screening scales, all written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CounsellingSession, ScaleResult
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.counselling import MAX_SESSION_MINUTES, open_case
from desktop.services.counselling import risk as risks
from desktop.services.counselling import scales as scale_defs
from desktop.services.errors import ValidationError
from desktop.services.validation import TextField, checked, date_error


@dataclass
class SessionInput:
    held_on: date | None
    minutes: int | None
    problem: str
    intervention: str
    plan: str = ""
    risk: risks.RiskInput = field(default_factory=risks.RiskInput)
    # Scale code (PHQ-9, GAD-7) → the answers of each item, 0–3.
    scales: dict[str, list[int]] = field(default_factory=dict)


SESSION_FIELDS = {
    "problem": TextField(CounsellingSession.problem, "来访问题"),
    "intervention": TextField(CounsellingSession.intervention, "咨询处理"),
    "plan": TextField(CounsellingSession.plan, "后续计划"),
}


def validate_session(data: SessionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.held_on is None:
        errors["held_on"] = "请填写咨询日期"
    else:
        message = date_error(data.held_on, "咨询日期")
        if message:
            errors["held_on"] = message
    minutes = data.minutes
    if minutes is None or isinstance(minutes, bool) or not isinstance(minutes, int):
        errors["minutes"] = "请填写咨询时长（分钟）"
    elif not 1 <= minutes <= MAX_SESSION_MINUTES:
        errors["minutes"] = f"咨询时长应为 1～{MAX_SESSION_MINUTES} 分钟"
    if not data.problem.strip():
        errors["problem"] = "请填写来访问题"
    if not data.intervention.strip():
        errors["intervention"] = "请填写本次咨询做了什么"
    errors.update(risks.validate_risk(data.risk))
    for code, answers in data.scales.items():
        try:
            scale_defs.score(code, answers)
        except ValidationError as exc:
            errors.update(exc.errors)
    return errors


def add_session(database: Database, case_id: int, data: SessionInput, *,
                today: date | None = None) -> int:
    """Record a session of an open case; a 高 risk raises the matter (see :mod:`.risk`)."""
    actor = auth.require(database, "counselling.edit")
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if data.held_on is not None and "held_on" not in errors \
            and data.held_on > (today or date.today()):
        errors["held_on"] = "咨询日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    assert data.held_on is not None and data.minutes is not None
    scored = [scale_defs.score(code, answers) for code, answers in data.scales.items()]
    with database.write() as session:
        case_ = open_case(session, case_id)
        if data.held_on < case_.opened_on:
            raise ValidationError({"held_on": "咨询日期不能早于接案日期"})
        row = CounsellingSession(
            case_id=case_.id, held_on=data.held_on, minutes=data.minutes,
            problem=data.problem, intervention=data.intervention, plan=data.plan,
            counsellor_id=actor.staff_id)
        session.add(row)
        session.flush()
        risks.record(session, case_, data.risk, session_id=row.id)
        _add_scales(session, case_.id, row.id, scored)
        return row.id


def _add_scales(session: Session, case_id: int, session_id: int,
                scored: list[scale_defs.ScaleScore]) -> None:
    for result in scored:
        session.add(ScaleResult(
            case_id=case_id, session_id=session_id, scale=result.scale,
            answers=scale_defs.answers_text(result.answers), total=result.total,
            band=result.band, flagged=result.flagged))
    session.flush()


def minutes_from_text(text: str) -> int | None:
    """Minutes as typed (``50``, ``50分钟``); ``None`` when it is not a whole number."""
    value = validation.clean_text(text or "").removesuffix("分钟").strip()
    return int(value) if value.isdigit() else None
