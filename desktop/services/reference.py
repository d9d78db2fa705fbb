"""Read access to the reference lists the forms offer (rooms, categories, communities)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Category, Community, Grid, Room, Staff


@dataclass(frozen=True)
class Choice:
    """An entry of a drop-down list: the id to store and the text to show."""

    id: int
    name: str


@dataclass(frozen=True)
class CategoryChoice(Choice):
    suggested_room_id: int | None = None


def rooms(session: Session, *, include_windows: bool = True) -> list[Choice]:
    stmt = select(Room.id, Room.name).where(Room.active).order_by(Room.sort_order, Room.id)
    if not include_windows:
        stmt = stmt.where(Room.kind == "room")
    return [Choice(id_, name) for id_, name in session.execute(stmt)]


def categories(session: Session) -> list[CategoryChoice]:
    stmt = (
        select(Category.id, Category.name, Category.suggested_room_id)
        .where(Category.active)
        .order_by(Category.sort_order, Category.id)
    )
    return [CategoryChoice(i, n, r) for i, n, r in session.execute(stmt)]


def communities(session: Session) -> list[Choice]:
    stmt = select(Community.id, Community.name).where(Community.active).order_by(
        Community.sort_order, Community.name
    )
    return [Choice(i, n) for i, n in session.execute(stmt)]


def grids(session: Session, community_id: int) -> list[Choice]:
    stmt = (
        select(Grid.id, Grid.name)
        .where(Grid.community_id == community_id, Grid.active)
        .order_by(Grid.sort_order, Grid.name)
    )
    return [Choice(i, n) for i, n in session.execute(stmt)]


def staff(session: Session, *, room_id: int | None = None) -> list[Choice]:
    """Active staff; those of ``room_id`` first when a room is given."""
    stmt = select(Staff.id, Staff.name, Staff.room_id).where(Staff.active).order_by(Staff.id)
    rows = list(session.execute(stmt))
    if room_id is not None:
        rows.sort(key=lambda row: row[2] != room_id)
    return [Choice(i, n) for i, n, _ in rows]
