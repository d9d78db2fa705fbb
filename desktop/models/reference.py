"""Reference data the centre admin keeps: rooms, categories, communities, grids, staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base


class Room(Base):
    """A room of 一厅五室, or a service window of the reception hall."""

    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # One character printed in front of the ticket number, e.g. 调-007.
    ticket_prefix: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(16), default="room")  # "room" or "window"
    location: Mapped[str | None] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Room {self.code} {self.name}>"


class Category(Base):
    """A category of matter (纠纷/诉求类别), an editable dictionary."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # The room the desk is offered first for this category; the receptionist decides.
    suggested_room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    # 服务时限: the working days within which a matter of this category is replied to
    # (empty: no time limit).
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    suggested_room: Mapped[Room | None] = relationship()


class Community(Base):
    """A 社区 or 村 the centre serves."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    grids: Mapped[list[Grid]] = relationship(
        back_populates="community", order_by="Grid.sort_order, Grid.name"
    )


class Grid(Base):
    """A 网格 inside a community, with its grid members (网格员)."""

    __tablename__ = "grid"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(String(64))
    members: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    community: Mapped[Community] = relationship(back_populates="grids")


class Staff(Base):
    """Someone who works at the centre: receptionist, mediator, room staff or admin.

    A member of staff with a ``login`` is an account: they sign in with it and what
    they do is recorded under their name. ``role`` is the main role (shown in lists);
    every role they hold, the main one included, is a row of ``staff_role``.
    """

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default="receptionist")
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    login: Mapped[str | None] = mapped_column(String(32), unique=True)
    # argon2 hash (argon2-cffi); the password itself is never stored nor logged.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default="0")

    room: Mapped[Room | None] = relationship()
    roles: Mapped[list[StaffRole]] = relationship(cascade="all, delete-orphan",
                                                  order_by="StaffRole.role")


class StaffRole(Base):
    """One role a member of staff holds (a person may hold several)."""

    __tablename__ = "staff_role"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"),
                                          primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
