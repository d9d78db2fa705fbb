"""Closing a counselling case (结案: a date and a reason) and reopening it (撤销结案).

A closed case takes no more sessions nor changes until it is reopened; the closing date
is never before the case was taken up nor before its last session, nor in the future.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CounsellingSession
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.counselling import lock_case, open_case
from desktop.services.errors import ValidationError
from desktop.services.validation import date_error
from desktop.services.versions import form_values, loaded, refuse_stale, write_checked

CLOSE_LABELS = {"closed_on": "结案日期", "close_reason": "结案原因"}
CLOSE_REASONS = ["咨询目标达成", "来访人要求结束", "已转介至医疗机构", "失去联系", "其他"]


def close_case(database: Database, case_id: int, closed_on: date | None, reason: str, *,
               version: int, today: date | None = None) -> None:
    """结案: the date and the reason; a closed case takes no more sessions."""
    auth.require(database, "counselling.edit")
    errors: dict[str, str] = {}
    reason = validation.clean_text(reason or "", multiline=True)
    if closed_on is None:
        errors["closed_on"] = "请填写结案日期"
    else:
        message = date_error(closed_on, "结案日期")
        if message:
            errors["closed_on"] = message
        elif closed_on > (today or date.today()):
            errors["closed_on"] = "结案日期不能晚于今天"
    if not reason:
        errors["close_reason"] = "请填写结案原因"
    elif len(reason) > 500:
        errors["close_reason"] = "结案原因不能超过 500 个字"
    if errors:
        raise ValidationError(errors)
    assert closed_on is not None

    def work(session: Session) -> None:
        case_ = open_case(session, case_id)
        if closed_on < case_.opened_on:
            raise ValidationError({"closed_on": "结案日期不能早于接案日期"})
        last = session.scalar(select(func.max(CounsellingSession.held_on))
                              .where(CounsellingSession.case_id == case_.id))
        if last is not None and closed_on < last:
            raise ValidationError({"closed_on": "结案日期不能早于最后一次咨询"})
        found = loaded(case_)
        before = form_values(case_, CLOSE_LABELS)
        case_.closed_on = closed_on
        case_.close_reason = reason
        case_.status = "closed"
        refuse_stale("咨询个案", found, version, before, form_values(case_, CLOSE_LABELS),
                     CLOSE_LABELS)

    write_checked(database, "咨询个案", work)


def reopen_case(database: Database, case_id: int) -> None:
    """撤销结案: the case takes sessions and changes again (an open case stays as it is).

    The closing date and reason are cleared; the audit log keeps them, as it keeps
    every change, with who reopened the case and when.
    """
    auth.require(database, "counselling.edit")
    with database.write() as session:
        case_ = lock_case(session, case_id)
        if case_.status != "closed":
            return
        case_.status = "open"
        case_.closed_on = None
        case_.close_reason = None
