"""The lists the centre admin keeps: categories of matters, communities and their grids.

Entries are never deleted (visits refer to them); an entry no longer in use is
deactivated and disappears from the drop-downs while old visits keep its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from desktop.models import Category, Community, Grid, Room
from desktop.models.base import Base
from desktop.services import validation
from desktop.services.admin import audit, auth
from desktop.services.errors import ValidationError
from desktop.services.validation import TextField, existing


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    active: bool
    sort_order: int
    suggested_room_id: int | None = None  # categories
    suggested_room: str = ""
    community_id: int | None = None  # grids
    members: str = ""  # grids: 网格员
    time_limit_days: int | None = None  # categories: 服务时限 in working days


def categories(session: Session) -> list[Entry]:
    rows = session.execute(
        select(Category.id, Category.name, Category.active, Category.sort_order,
               Category.suggested_room_id, Room.name, Category.time_limit_days)
        .outerjoin(Room, Room.id == Category.suggested_room_id)
        .order_by(Category.sort_order, Category.id)
    )
    return [Entry(i, n, a, o, r, rn or "", time_limit_days=t)
            for i, n, a, o, r, rn, t in rows]


# 服务时限: at most a year of working days.
MAX_TIME_LIMIT = 250
_KEEP = object()


def checked_time_limit(value: object) -> int | None:
    """A category's 服务时限 as typed ("", "15", 15): working days, or None for none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        days = -1
    if not 1 <= days <= MAX_TIME_LIMIT:
        raise ValidationError({"time_limit_days": f"服务时限请填写 1～{MAX_TIME_LIMIT} 之间的"
                                                  "工作日数，不设时限请留空"})
    return days


def communities(session: Session) -> list[Entry]:
    rows = session.execute(
        select(Community.id, Community.name, Community.active, Community.sort_order)
        .order_by(Community.sort_order, Community.name)
    )
    return [Entry(i, n, a, o) for i, n, a, o in rows]


def grids(session: Session, community_id: int) -> list[Entry]:
    rows = session.execute(
        select(Grid.id, Grid.name, Grid.active, Grid.sort_order, Grid.members)
        .where(Grid.community_id == community_id)
        .order_by(Grid.sort_order, Grid.name)
    )
    return [Entry(i, n, a, o, community_id=community_id, members=m or "")
            for i, n, a, o, m in rows]


def checked_name(name: str, column: object) -> str:
    """A cleaned, non-empty name that fits ``column``; refused with a message otherwise."""
    errors: dict[str, str] = {}
    name = validation.clean_argument(errors, "name", name, TextField(column, "名称"))
    if not name and not errors:
        errors["name"] = "请填写名称"
    if errors:
        raise ValidationError(errors)
    return name


def _members(members: str) -> str:
    errors: dict[str, str] = {}
    members = validation.clean_argument(errors, "members", members,
                                        TextField(Grid.members, "网格员"))
    if errors:
        raise ValidationError(errors)
    return members


def _entry_id(entry_id: object) -> None:
    """An entry id that cannot exist is refused before any query."""
    message = validation.id_error(entry_id, "要修改的条目不存在")
    if message:
        raise ValidationError({"name": message})


def _next_order(session: Session, column) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def save_category(
    session: Session, entry_id: int | None, name: str, suggested_room_id: int | None,
    active: bool = True, time_limit_days: object = _KEEP,
) -> int:
    """Add or change a category; ``time_limit_days`` left out keeps the one it has."""
    auth.require(session, "dictionaries.manage")
    name = checked_name(name, Category.name)
    limit = None if time_limit_days is _KEEP else checked_time_limit(time_limit_days)
    _entry_id(entry_id)
    clash = session.scalar(select(Category.id).where(Category.name == name))
    if clash is not None and clash != entry_id:
        raise ValidationError({"name": f"已有名为“{name}”的事项类别"})
    if suggested_room_id is not None:
        existing(session, Room, suggested_room_id, "所选科室不存在", field="suggested_room")
    if entry_id is None:
        category = Category(name=name, sort_order=_next_order(session, Category.sort_order))
        session.add(category)
    else:
        category = existing(session, Category, entry_id, "该事项类别不存在")
        category.name = name
    category.suggested_room_id = suggested_room_id
    category.active = active
    if time_limit_days is not _KEEP:
        category.time_limit_days = limit
    session.flush()
    return category.id


def save_community(session: Session, entry_id: int | None, name: str, active: bool = True) -> int:
    auth.require(session, "dictionaries.manage")
    name = checked_name(name, Community.name)
    _entry_id(entry_id)
    clash = session.scalar(select(Community.id).where(Community.name == name))
    if clash is not None and clash != entry_id:
        raise ValidationError({"name": f"已有名为“{name}”的社区"})
    if entry_id is None:
        community = Community(name=name, sort_order=_next_order(session, Community.sort_order))
        session.add(community)
    else:
        community = existing(session, Community, entry_id, "该社区不存在")
        community.name = name
    community.active = active
    session.flush()
    return community.id


def save_grid(
    session: Session, entry_id: int | None, community_id: int | None, name: str,
    members: str = "", active: bool = True,
) -> int:
    auth.require(session, "dictionaries.manage")
    if community_id is None or not validation.valid_id(community_id) \
            or session.get(Community, community_id) is None:
        raise ValidationError({"community": "请先选择所属社区"})
    name = checked_name(name, Grid.name)
    _entry_id(entry_id)
    members = _members(members)
    clash = session.scalar(
        select(Grid.id).where(Grid.community_id == community_id, Grid.name == name))
    if clash is not None and clash != entry_id:
        raise ValidationError({"name": f"该社区已有名为“{name}”的网格"})
    if entry_id is None:
        grid = Grid(community_id=community_id, name=name,
                    sort_order=_next_order(session, Grid.sort_order))
        session.add(grid)
    else:
        grid = existing(session, Grid, entry_id, "该网格不存在")
        grid.name = name
    grid.members = members or None
    grid.active = active
    session.flush()
    return grid.id


# -- in bulk, for imports of thousands of rows: one statement per kind of change -------------

Row = dict[str, object]


def bulk_save(session: Session, model: type[Base], new: list[Row], known: list[Row]) -> None:
    """Insert the new rows and update the known ones (by their "id"): one executemany each."""
    if new:  # Core's INSERT: the ORM's bulk path costs more than the database's work here
        session.execute(insert(cast(Table, model.__table__)), new)
        audit.record_bulk(session, model, "create", new)
    if known:
        session.execute(update(model), known)
        audit.record_bulk(session, model, "change", known)


def upsert_communities(session: Session, names: list[str]) -> tuple[dict[str, int], set[str]]:
    """Communities by name: new ones added at the end of the list, known ones reactivated.

    Returns their ids by name and the names that were new. The same writes as
    :func:`save_community`, as a few statements instead of several per row.
    """
    names = list(dict.fromkeys(checked_name(name, Community.name) for name in names))
    ids = dict(session.execute(select(Community.name, Community.id)).all())
    new = [name for name in names if name not in ids]
    first = _next_order(session, Community.sort_order)
    bulk_save(session, Community,
              [{"name": name, "sort_order": first + i, "active": True}
               for i, name in enumerate(new)],
              [{"id": ids[name], "active": True} for name in names if name in ids])
    if new:
        ids = dict(session.execute(select(Community.name, Community.id)).all())
    return {name: ids[name] for name in names}, set(new)


def upsert_grids(session: Session, grids: list[tuple[int, str, str]]) -> set[tuple[int, str]]:
    """Grids (community id, name, 网格员) matched by name in their community, in bulk.

    New ones are added at the end of the list, known ones get the members and
    are reactivated, as :func:`save_grid` does; returns the (community id,
    name) of the new ones.
    """
    ids = {(c, n): i for i, c, n in session.execute(
        select(Grid.id, Grid.community_id, Grid.name))}
    new: list[Row] = []
    known: list[Row] = []
    created: set[tuple[int, str]] = set()
    first = _next_order(session, Grid.sort_order)
    for community_id, name, members in grids:
        name = checked_name(name, Grid.name)
        values: Row = {"members": _members(members) or None, "active": True}
        if (community_id, name) in ids:
            known.append({"id": ids[(community_id, name)], **values})
        else:
            new.append({"community_id": community_id, "name": name,
                        "sort_order": first + len(new), **values})
            created.add((community_id, name))
    bulk_save(session, Grid, new, known)
    return created


def upsert_categories(session: Session, categories: list[tuple[str, int | None]]) -> set[str]:
    """Categories (name, suggested room id) matched by name, in bulk, as :func:`save_category`
    does; returns the names of the new ones."""
    rooms = set(session.scalars(select(Room.id)))
    if any(room is not None and room not in rooms for _name_, room in categories):
        raise ValidationError({"suggested_room": "所选科室不存在"})
    ids = dict(session.execute(select(Category.name, Category.id)).all())
    new: list[Row] = []
    known: list[Row] = []
    first = _next_order(session, Category.sort_order)
    for name, room in categories:
        name = checked_name(name, Category.name)
        if name in ids:
            known.append({"id": ids[name], "suggested_room_id": room, "active": True})
        else:
            new.append({"name": name, "sort_order": first + len(new),
                        "suggested_room_id": room, "active": True})
    bulk_save(session, Category, new, known)
    return {str(row["name"]) for row in new}
