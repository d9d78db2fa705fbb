"""The counselling room (心理咨询室): cases, sessions, risk, scales, referral and closure.

Confidential: every function that reads needs ``counselling.read`` and every one that
writes ``counselling.edit`` (the counsellor's role); printing the 转介单 needs
``counselling.print``. The general registers, exports and the dashboard never read
these tables for content; :mod:`.register` gives them counts only.

One module per concept: :mod:`.cases` (take up, list, detail), :mod:`.closing` (结案 and
撤销结案), :mod:`.sessions`,
:mod:`.risk` (assessments, raising a 高 to the leaders), :mod:`.scales` (PHQ-9, GAD-7),
:mod:`.referral_letter` (转介 out and the letter's data), :mod:`.register` (counts and
the counsellors' own register).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.models import CounsellingCase
from desktop.services import validation
from desktop.services.errors import NotFoundError, ValidationError

COUNSELLING_ROOM = "counselling"
CLOSED_MESSAGE = "该咨询个案已结案，不能再修改；如需修改，请先撤销结案"
# A case without contact (session or intake) for this many days is overdue for follow-up.
FOLLOW_UP_DAYS = 14
MAX_SESSION_MINUTES = 480
STATUS_LABELS = {"open": "咨询中", "closed": "已结案"}
LIST_FILTERS = {"open": "咨询中", "attention": "高风险或超期", "closed": "已结案", "all": "全部"}


def lock_case(session: Session, case_id: int) -> CounsellingCase:
    """The case, its row locked to the end of the transaction (``FOR UPDATE`` on PostgreSQL)."""
    case_ = session.get(CounsellingCase, case_id, with_for_update=True,
                        populate_existing=True) if validation.valid_id(case_id) else None
    if case_ is None:
        raise NotFoundError("没有找到该咨询个案")
    return case_


def open_case(session: Session, case_id: int) -> CounsellingCase:
    """The case, locked, refusing when it is closed."""
    case_ = lock_case(session, case_id)
    if case_.status == "closed":
        raise ValidationError({"closed": CLOSED_MESSAGE})
    return case_
