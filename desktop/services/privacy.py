"""Personal data kept to those who need it: counselling confidentiality and masked numbers.

What a resident told the 心理咨询室 (the visit's 摘要 and 诉求, and the notes of
its referrals) is for counsellors only (``counselling.read``). Everyone else
sees that the visit went there and when, and "（心理咨询，内容保密）" in place of
what was said. A visit is confidential once any of its referrals went to the
counselling room: a resident who was first heard there and then sent on keeps
the same protection.

The reading functions of the services apply it themselves (from the session's
signed-in account), so a register, an export or a list cannot leak it whatever
window or command asked.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from desktop.models import Referral, Room, Visit
from desktop.services import auth

COUNSELLING_ROOM = "counselling"
CONFIDENTIAL_TEXT = "（心理咨询，内容保密）"


def went_to_counselling() -> ColumnElement[bool]:
    """True for a visit (correlated with ``Visit``) that any referral took to counselling."""
    return exists(
        select(Referral.id)
        .join(Room, Room.id == Referral.room_id)
        .where(Referral.visit_id == Visit.id, Room.code == COUNSELLING_ROOM)
    )


def counselling_visit_ids(session: Session, visit_ids: Iterable[int]) -> set[int]:
    """Which of ``visit_ids`` went to the counselling room."""
    ids = list(set(visit_ids))
    if not ids:
        return set()
    return set(session.scalars(
        select(Referral.visit_id).join(Room, Room.id == Referral.room_id)
        .where(Referral.visit_id.in_(ids), Room.code == COUNSELLING_ROOM).distinct()
    ))


def may_read_counselling(session: Session) -> bool:
    """Whether the session's account may read what was said in the counselling room."""
    return auth.may(session, "counselling.read")


def shown(text: str | None, confidential: bool, readable: bool) -> str:
    """``text`` as the reader may see it: the confidential mark when it is not theirs to read.

    An empty text stays empty (nothing was said, nothing to hide).
    """
    if not text:
        return ""
    return CONFIDENTIAL_TEXT if confidential and not readable else text
