"""Notifications for every desk of a role: created in a write, polled by the window.

A notification is addressed to a role (the centre's leaders, say) and is read
(dismissed) by each account on its own. The text never carries what a resident
said: the counselling room's high-risk notice names only the case number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from desktop.db import Database, insert_on_conflict
from desktop.models import Notification, NotificationRead
from desktop.services.admin import auth
from desktop.services.errors import ValidationError

TEXT_LIMIT = 200


@dataclass(frozen=True)
class NotificationData:
    id: int
    kind: str
    text: str
    created_at: datetime


def create(session: Session, role: str, kind: str, text: str) -> int:
    """Add a notification for every account holding ``role``, in the caller's transaction."""
    if role not in auth.ALL_ROLES:
        raise ValidationError({"role": f"没有这个角色：{role}"})
    text = " ".join(text.split())
    if not text or len(text) > TEXT_LIMIT:
        raise ValidationError({"text": f"通知内容应为 1～{TEXT_LIMIT} 个字"})
    row = Notification(role=role, kind=kind, text=text,
                       created_at=datetime.now().replace(microsecond=0))
    session.add(row)
    session.flush()
    return row.id


def _unread(actor: auth.Actor):  # type: ignore[no-untyped-def]
    read = exists().where(NotificationRead.notification_id == Notification.id,
                          NotificationRead.staff_id == actor.staff_id)
    return (Notification.role.in_(sorted(actor.roles)), ~read)


def unread_count(session: Session) -> int:
    """How many notifications the signed-in account has not read (one indexed count)."""
    actor = auth.actor_of(session)
    if actor is None or actor.staff_id is None or not actor.roles:
        return 0
    return int(session.scalar(select(func.count(Notification.id)).where(*_unread(actor))) or 0)


def unread(session: Session, *, limit: int = 100) -> list[NotificationData]:
    """The signed-in account's unread notifications, newest first."""
    actor = auth.actor_of(session)
    if actor is None or actor.staff_id is None or not actor.roles:
        return []
    rows = session.execute(
        select(Notification.id, Notification.kind, Notification.text, Notification.created_at)
        .where(*_unread(actor)).order_by(Notification.id.desc()).limit(limit))
    return [NotificationData(*row) for row in rows]


def mark_read(database: Database, ids: list[int]) -> None:
    """The signed-in account has read these notifications (those addressed to its roles)."""
    actor = auth.actor_of(database)
    if actor is None or actor.staff_id is None or not ids:
        return
    with database.write() as session:
        mine = list(session.scalars(select(Notification.id).where(
            Notification.id.in_(ids), Notification.role.in_(sorted(actor.roles)))))
        if not mine:
            return
        stmt = insert_on_conflict(session, NotificationRead.__table__)  # type: ignore[arg-type]
        session.execute(stmt.on_conflict_do_nothing(), [
            {"notification_id": n, "staff_id": actor.staff_id,
             "read_at": datetime.now().replace(microsecond=0)} for n in mine])
