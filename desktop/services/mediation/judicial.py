"""司法确认: the court's confirmation of an agreement, within its 30 days."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    JudicialConfirmation,
)
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import JUDICIAL_FIELDS, clean, dates, lock_case
from desktop.services.mediation.constants import JUDICIAL_DAYS, JUDICIAL_LABELS, JUDICIAL_RESULTS
from desktop.services.mediation.forms import JudicialInput
from desktop.services.validation import checked
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    write_checked,
)


def judicial_deadline(effective: date | None) -> date | None:
    return effective + timedelta(days=JUDICIAL_DAYS) if effective else None


def save_judicial_confirmation(database: Database, case_id: int, data: JudicialInput, *,
                               version: int | None) -> None:
    """Save the 司法确认 form loaded at ``version`` (``None``: there was none yet).

    A closed case takes it: the application follows the agreement, usually after closing.
    """
    auth.require(database, "case.edit")
    data, errors = checked(data, JUDICIAL_FIELDS,
                           lambda d: dates(d, "applied_on", "result_on"))
    if not data.court and "court" not in errors:
        errors["court"] = "请填写受理司法确认申请的人民法院"
    if data.result and data.result not in JUDICIAL_RESULTS:
        errors["result"] = "司法确认结果不正确"
    if data.result and data.applied_on is None:
        errors["applied_on"] = "请先填写申请日期"
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        case_ = lock_case(session, case_id)
        agreement = case_.agreement
        if agreement is None or agreement.kind != "written":
            raise ValidationError({"court": "只有书面调解协议可以申请司法确认"})
        deadline = judicial_deadline(agreement.effective_on)
        if data.applied_on and deadline and data.applied_on > deadline:
            raise ValidationError({"applied_on": f"已超过申请期限（{deadline:%Y年%m月%d日}）"})
        row = case_.judicial
        found = loaded(row)
        before = form_values(row, JUDICIAL_LABELS) if row else dict.fromkeys(JUDICIAL_LABELS, "")
        if row is None:
            row = JudicialConfirmation(case=case_)
            session.add(row)
        row.court = data.court.strip()
        row.applied_on = data.applied_on
        row.result = clean(data.result)
        row.result_on = data.result_on
        row.notes = clean(data.notes)
        row.deadline_on = deadline
        refuse_stale("司法确认", found, version, before, form_values(row, JUDICIAL_LABELS),
                     JUDICIAL_LABELS)

    write_checked(database, "司法确认", work)
