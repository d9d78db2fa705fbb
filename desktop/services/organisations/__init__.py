"""The social organisations room (社会组织工作室): organisations, referrals, activities.

``directory`` keeps the organisations and volunteer teams, ``referrals`` the residents
referred to them (转介) with the service delivered and the feedback, ``activities``
each organisation's activity log, ``register`` the room's 台账 and ``figures`` its
monthly counts. The room's staff (``room_staff`` working the ``social`` room) and the
centre's administrators use it: :func:`require` checks both the permission and the room.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import Room
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied

SOCIAL_ROOM = "social"
KINDS = ["社会组织", "志愿服务队"]


def require(session: Session, permission: str) -> auth.Actor:
    """The signed-in account, if it holds ``permission`` and works this room (or is admin)."""
    actor = auth.require(session, permission)
    if "admin" in actor.roles:
        return actor
    room = session.scalar(select(Room.id).where(Room.code == SOCIAL_ROOM))
    if room is None or actor.room_id != room:
        raise PermissionDenied(permission, f"{auth.PERMISSIONS[permission]}（仅限社会组织工作室）")
    return actor


def may_use(database: Database) -> bool:
    """Whether the signed-in account may open the room's page (for greying it out)."""
    with database.read() as session:
        return may_read(session)


def may_read(session: Session) -> bool:
    """Whether the account may open the room's page."""
    try:
        require(session, "organisations.read")
    except PermissionDenied:
        return False
    return True
