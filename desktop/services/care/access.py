"""Who works the care register: room staff of the care room, and the centre's admin.

The permission matrix gives ``care.read`` and ``care.edit`` to the role ``room_staff``;
room staff of another room (police liaison, social organisations) hold the same role,
so the room is checked here as well.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import Room
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied

CARE_ROOM = "care"


def care_room_id(session: Session) -> int | None:
    return session.scalar(select(Room.id).where(Room.code == CARE_ROOM))


def require_care(session: Session, permission: str) -> auth.Actor:
    """The signed-in account, if it holds ``permission`` for the care room."""
    actor = auth.require(session, permission)
    if actor.roles & (auth.MATRIX[permission] - {"room_staff"}):
        return actor
    if actor.room_id is None or actor.room_id != care_room_id(session):
        raise PermissionDenied(permission, auth.PERMISSIONS[permission] + "（仅限关爱工作室）")
    return actor


def may_use(database: Database, permission: str = "care.read") -> bool:
    """Whether the signed-in account may ``permission`` the care register (for greying out)."""
    try:
        with database.read() as session:
            require_care(session, permission)
    except PermissionDenied:
        return False
    return True
