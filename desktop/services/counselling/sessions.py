"""Counselling sessions (咨询记录): date, minutes, problem, what was done, plan, with the
session's risk assessment and any screening scales, all written in one transaction.

A saved session can be changed or deleted while its case is open. The form carries the
version of the session it loaded (:func:`version_of`, taken from everything the form
shows: the session, its assessment and its scales); a save or a delete over a session
another desk changed since is refused with the fields that differ
(:mod:`desktop.services.versions`). Every write locks the case row first, so two desks
writing one case's sessions take turns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CounsellingCase, CounsellingSession, RiskAssessment, ScaleResult
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.counselling import MAX_SESSION_MINUTES, open_case
from desktop.services.counselling import risk as risks
from desktop.services.counselling import scales as scale_defs
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.validation import TextField, checked, date_error
from desktop.services.versions import Loaded, field_text, refuse_stale, stale, write_checked

RECORD = "咨询记录"
# What the session form shows, as the refusal of a stale save names it.
SESSION_LABELS = {
    "held_on": "咨询日期", "minutes": "时长（分钟）", "problem": "来访问题",
    "intervention": "咨询处理", "plan": "后续计划", "risk": "风险评估", "scales": "量表",
}


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


def _checked(data: SessionInput, today: date | None
             ) -> tuple[SessionInput, list[scale_defs.ScaleScore]]:
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if data.held_on is not None and "held_on" not in errors \
            and data.held_on > (today or date.today()):
        errors["held_on"] = "咨询日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    return data, [scale_defs.score(code, answers) for code, answers in data.scales.items()]


def _not_before_opening(case_: CounsellingCase, held_on: date) -> None:
    if held_on < case_.opened_on:
        raise ValidationError({"held_on": "咨询日期不能早于接案日期"})


def add_session(database: Database, case_id: int, data: SessionInput, *,
                today: date | None = None) -> int:
    """Record a session of an open case; a 高 risk raises the matter (see :mod:`.risk`)."""
    actor = auth.require(database, "counselling.edit")
    data, scored = _checked(data, today)
    assert data.held_on is not None and data.minutes is not None
    with database.write() as session:
        case_ = open_case(session, case_id)
        _not_before_opening(case_, data.held_on)
        row = CounsellingSession(
            case_id=case_.id, held_on=data.held_on, minutes=data.minutes,
            problem=data.problem, intervention=data.intervention, plan=data.plan,
            counsellor_id=actor.staff_id)
        session.add(row)
        session.flush()
        risks.record(session, case_, data.risk, session_id=row.id)
        _add_scales(session, case_.id, row.id, scored)
        return row.id


def update_session(database: Database, session_id: int, data: SessionInput, *,
                   version: int, today: date | None = None) -> None:
    """Save a session of an open case loaded at ``version`` (``SessionData.version``).

    Its assessment edited to 高 needs the crisis step and raises the matter as a new 高
    does; lowered, it leaves the visit and the case's highest risk as they were.
    """
    auth.require(database, "counselling.edit")
    data, scored = _checked(data, today)
    held_on, minutes = data.held_on, data.minutes
    assert held_on is not None and minutes is not None

    def work(session: Session) -> None:
        case_, row = _lock_session(session, session_id)
        risk_row, scale_rows = _parts(session, row.id)
        before = session_values(row, risk_row, scale_rows)
        _not_before_opening(case_, held_on)
        row.held_on, row.minutes = held_on, minutes
        row.problem, row.intervention, row.plan = data.problem, data.intervention, data.plan
        if risk_row is None:
            risk_row = risks.record(session, case_, data.risk, session_id=row.id)
        else:
            risks.revise(session, case_, risk_row, data.risk)
        scale_rows = _replace_scales(session, case_.id, row.id, scale_rows, scored)
        after = session_values(row, risk_row, scale_rows)
        refuse_stale(RECORD, Loaded(version_of(before)), version, before, after,
                     SESSION_LABELS)

    write_checked(database, RECORD, work)


def delete_session(database: Database, session_id: int, *, version: int) -> None:
    """Delete a session of an open case, with its assessment and scales.

    What a 高 in it set off stays: the visit stays red, the leaders were told.
    """
    auth.require(database, "counselling.edit")

    def work(session: Session) -> None:
        _case, row = _lock_session(session, session_id)
        risk_row, scale_rows = _parts(session, row.id)
        if version_of(session_values(row, risk_row, scale_rows)) != version:
            raise stale(RECORD, Loaded(None), [], action="删除")
        for child in (*scale_rows, *([risk_row] if risk_row is not None else [])):
            session.delete(child)
        session.flush()
        session.delete(row)

    write_checked(database, RECORD, work, action="删除")


def _lock_session(session: Session, session_id: int
                  ) -> tuple[CounsellingCase, CounsellingSession]:
    """The session's case (locked, open) and the session as it is after the lock."""
    if not validation.valid_id(session_id):
        raise NotFoundError("没有找到该咨询记录")
    case_id = session.scalar(select(CounsellingSession.case_id)
                             .where(CounsellingSession.id == session_id))
    if case_id is None:
        raise StaleEditError(RECORD, deleted=True)
    case_ = open_case(session, case_id)
    row = session.get(CounsellingSession, session_id, populate_existing=True)
    if row is None:
        raise StaleEditError(RECORD, deleted=True)
    return case_, row


def _parts(session: Session, session_id: int
           ) -> tuple[RiskAssessment | None, list[ScaleResult]]:
    risk_row = session.scalar(select(RiskAssessment)
                              .where(RiskAssessment.session_id == session_id))
    # In no order: the form's values sort them by scale.
    scale_rows = list(session.scalars(select(ScaleResult)
                                      .where(ScaleResult.session_id == session_id)))
    return risk_row, scale_rows


def _replace_scales(session: Session, case_id: int, session_id: int,
                    rows: list[ScaleResult], scored: list[scale_defs.ScaleScore]
                    ) -> list[ScaleResult]:
    """The session's scales as the form has them: changed in place, added, removed."""
    wanted = {result.scale: result for result in scored}
    kept: list[ScaleResult] = []
    for row in rows:
        result = wanted.pop(row.scale, None)
        if result is None:
            session.delete(row)
            continue
        answers = scale_defs.answers_text(result.answers)
        if row.answers != answers:
            row.answers, row.total = answers, result.total
            row.band, row.flagged = result.band, result.flagged
        kept.append(row)
    return kept + _add_scales(session, case_id, session_id, list(wanted.values()))


def _add_scales(session: Session, case_id: int, session_id: int,
                scored: list[scale_defs.ScaleScore]) -> list[ScaleResult]:
    rows = [ScaleResult(case_id=case_id, session_id=session_id, scale=result.scale,
                        answers=scale_defs.answers_text(result.answers), total=result.total,
                        band=result.band, flagged=result.flagged) for result in scored]
    session.add_all(rows)
    session.flush()
    return rows


def risk_text(self_harm: str, suicide: str, harm_others: str, step: str, note: str) -> str:
    text = f"自伤{self_harm}、自杀{suicide}、伤人{harm_others}"
    if step:
        text += f"；处置：{step}" + (f"：{note}" if note else "")
    return text


def session_values(row: CounsellingSession, risk_row: RiskAssessment | None,
                   scale_rows: Sequence[ScaleResult]) -> dict[str, str]:
    """Everything the session form shows, as text (the stale check compares these)."""
    risk = "" if risk_row is None else risk_text(
        risk_row.self_harm, risk_row.suicide, risk_row.harm_others,
        risk_row.crisis_step or "", risk_row.crisis_note or "")
    scales = "；".join(f"{r.scale} {r.answers}" for r in sorted(scale_rows,
                                                                key=lambda r: r.scale))
    return {"held_on": field_text(row.held_on), "minutes": field_text(row.minutes),
            "problem": row.problem, "intervention": row.intervention, "plan": row.plan,
            "risk": risk, "scales": scales}


def version_of(values: dict[str, str]) -> int:
    """The version a form loads a session at: a digest of what the form shows.

    Sessions have no version column; the digest changes whenever a field the form
    shows does, which is what the stale check needs to know.
    """
    text = json.dumps(values, ensure_ascii=False, sort_keys=True)
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def minutes_from_text(text: str) -> int | None:
    """Minutes as typed (``50``, ``50分钟``); ``None`` when it is not a whole number."""
    value = validation.clean_text(text or "").removesuffix("分钟").strip()
    return int(value) if value.isdigit() else None
