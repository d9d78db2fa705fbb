"""What every queue step shares: the text fields' checks, the acting account, the clock."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from desktop.models import Escalation, Referral, ReferralEvent, Staff
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.validation import TextField

REASON = TextField(ReferralEvent.reason, "原因")
NOTE = TextField(Referral.note, "办理情况")
DEPARTMENT = TextField(Escalation.department, "职能部门")
OUTCOME = TextField(Escalation.outcome, "办理结果")


def check_ids(errors: dict[str, str], *, staff_id: object = None, to_room_id: object = None,
               due_date: date | None = None) -> None:
    """The ids and the date every action may carry, before the transaction."""
    for key, value, message in (("staff", staff_id, "所选当班人员不存在"),
                                ("to_room", to_room_id, "所选科室不存在或已停用")):
        if validation.id_error(value, message):
            errors[key] = message
    problem = validation.date_error(due_date, "办理期限")
    if problem:
        errors["due_date"] = problem


def _check_staff(session: Session, staff_id: int | None) -> None:
    if staff_id is not None:
        validation.existing(session, Staff, staff_id, "所选当班人员不存在", field="staff")


def acting(session: Session, staff_id: int | None, room_id: int | None = None) -> int | None:
    """Refuse an account that may not work this queue; whom the step is recorded under.

    That is the signed-in account, unless the caller names a member of staff.
    """
    if room_id is None:
        auth.require(session, "queue.room")
    else:
        auth.require_room(session, room_id)
    _check_staff(session, staff_id)
    return auth.acting_staff_id(session, staff_id)



def current_time() -> datetime:
    """Now, to the second: the times stamped on tickets and events."""
    return datetime.now().replace(microsecond=0)
