"""结案 and 重新打开: closing a case with its outcome, and reopening it."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.db import Database
from desktop.models import (
    FollowUp,
)
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import OUTCOME_FIELDS, clean, dates, day_or_today, lock_case
from desktop.services.mediation.constants import GUIDED_TO, OUTCOMES
from desktop.services.mediation.forms import OutcomeInput
from desktop.services.validation import checked


def close_case(database: Database, case_id: int, data: OutcomeInput, *,
               today: date | None = None) -> None:
    """结案 with one of the outcomes; a success needs its agreement recorded first."""
    auth.require(database, "case.edit")
    data, errors = checked(data, OUTCOME_FIELDS, lambda d: dates(d, "closed_on"))
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "请选择调解结果"
    if data.outcome == "调解不成功":
        if not data.reason:
            errors.setdefault("reason", "请填写调解不成功的原因")
        if data.guided_to not in GUIDED_TO:
            errors["guided_to"] = "请选择引导当事人的途径（诉讼、仲裁或行政）"
    if data.outcome == "终止调解" and not data.reason:
        errors.setdefault("reason", "请填写终止调解的原因")
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = lock_case(session, case_id)
        if case_.outcome is not None:
            raise ValidationError({"outcome": (
                f"该案件已于{case_.closed_on:%Y-%m-%d}结案（{case_.outcome}），"
                "如需修改请先“重新打开”")})
        if data.outcome == "调解成功":
            if case_.agreement is None or not case_.agreement.clauses:
                raise ValidationError({"outcome": "调解成功的案件请先填写并保存协议内容"})
            if case_.agreement.kind == "written" and case_.agreement.signed_on is None:
                # A written agreement takes effect when signed: without the date the
                # 协议书 and the register would not say when.
                raise ValidationError({"outcome": "书面协议请先填写签订日期再结案"})
            if not case_.parties:
                raise ValidationError({"outcome": "请先添加当事人"})
        closed = data.closed_on or day_or_today(today)
        if closed < case_.accepted_on:
            raise ValidationError({"closed_on": "结案日期不能早于受理日期"})
        case_.outcome = data.outcome
        case_.outcome_reason = clean(data.reason)
        case_.guided_to = data.guided_to if data.outcome == "调解不成功" else None
        case_.closed_on = closed
        if data.outcome == "调解成功" and not case_.follow_ups:
            # A follow-up on how the agreement is performed, two weeks on.
            session.add(FollowUp(case=case_, planned_on=closed + timedelta(days=14)))


def reopen_case(database: Database, case_id: int) -> None:
    """撤销结案: the case takes edits again (reopening an open case changes nothing)."""
    auth.require(database, "case.edit")
    with database.write() as session:
        case_ = lock_case(session, case_id)
        if case_.outcome is None:
            return
        case_.outcome = None
        case_.outcome_reason = None
        case_.guided_to = None
        case_.closed_on = None
