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
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import Person, Referral, Room, Visit
from desktop.services.admin import audit, auth
from desktop.services.errors import NotFoundError, ValidationError

COUNSELLING_ROOM = "counselling"
CONFIDENTIAL_TEXT = "（心理咨询，内容保密）"
REASON_LIMIT = 200


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


def checked_reason(reason: str | None, *, field: str = "reason",
                   missing: str = "请填写理由") -> str:
    """A reason the audit log keeps (a reveal, a removal): on one line, not empty, not long."""
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError({field: missing})
    if len(text) > REASON_LIMIT:
        raise ValidationError({field: f"理由不能超过 {REASON_LIMIT} 个字"})
    return text


@dataclass(frozen=True)
class RevealedNumbers:
    person_id: int
    name: str
    id_number: str
    phone: str


def reveal_person(database: Database, person_id: int, reason: str) -> RevealedNumbers:
    """One resident's full 身份证号 and phone, for an account with ``personal.reveal``.

    Needs a reason; the audit log keeps who looked, when and why (never the numbers).
    """
    auth.require(database, "personal.reveal")
    text = checked_reason(reason, missing="查看完整号码须填写理由")
    with database.read() as session:
        person = session.get(Person, person_id)
        if person is None or person.deleted_at is not None:
            raise NotFoundError("该来访人不存在")
        found = RevealedNumbers(person.id, person.name, person.id_number or "",
                                person.phone or "")
    audit.log_event(database, "reveal", "person", person_id, {"理由": text})
    return found
