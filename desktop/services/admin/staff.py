"""The centre's staff and its rooms, kept by the admin in the window (the Excel import
does the same for many at once).

Staff and rooms are never deleted: visits, calls and cases name them. Someone who
leaves, or a room not in use, is deactivated and drops out of the lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Room, Staff, StaffRole
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.admin.dictionaries import checked_name
from desktop.services.errors import ValidationError
from desktop.services.validation import TextField, existing

# What each member of staff does (a person may hold several); a case is mediated only by
# 调解员.
ROLE_LABELS = auth.ROLE_LABELS
# 管理员 is what earlier templates called the centre administrator.
ROLE_CODES = {label: code for code, label in ROLE_LABELS.items()} | {"管理员": "admin"}
ROOM_KIND_LABELS = {"room": "工作室", "window": "窗口"}


@dataclass(frozen=True)
class StaffEntry:
    id: int
    name: str
    active: bool
    role: str  # the main role
    role_label: str  # every role the person holds
    room_id: int | None
    room: str
    phone: str


@dataclass(frozen=True)
class RoomEntry:
    id: int
    name: str
    active: bool
    kind: str
    location: str
    ticket_prefix: str


def staff_entries(session: Session) -> list[StaffEntry]:
    rows = session.execute(
        select(Staff.id, Staff.name, Staff.active, Staff.role, Staff.room_id, Room.name,
               Staff.phone)
        .outerjoin(Room, Room.id == Staff.room_id)
        .order_by(Staff.active.desc(), Staff.id)
    )
    held: dict[int, set[str]] = {}
    for staff_id, role in session.execute(select(StaffRole.staff_id, StaffRole.role)):
        held.setdefault(staff_id, set()).add(role)
    return [StaffEntry(i, n, a, r, auth.roles_label(held.get(i) or {r}), ri, rn or "", p or "")
            for i, n, a, r, ri, rn, p in rows]


def save_staff(session: Session, entry_id: int | None, name: str, role: str,
               room_id: int | None, phone: str = "", active: bool = True) -> int:
    """Add a member of staff (``entry_id`` None) or change one; the new or changed id."""
    auth.require(session, "staff.manage")
    errors: dict[str, str] = {}
    try:
        name = checked_name(name, Staff.name)
    except ValidationError as exc:
        errors.update(exc.errors)
    if role not in ROLE_LABELS:
        errors["role"] = "请选择角色：" + "、".join(ROLE_LABELS.values())
    phone = validation.clean_argument(errors, "phone", phone or "",
                                      TextField(Staff.phone, "电话"))
    if phone and "phone" not in errors:
        message = validation.phone_error(phone)
        if message:
            errors["phone"] = message
        phone = validation.normalize_phone(phone)
    message = validation.id_error(entry_id, "要修改的工作人员不存在")
    if message:
        errors["name"] = message
    if validation.id_error(room_id, "x"):
        errors["room"] = "所选的室不存在"
    if errors:
        raise ValidationError(errors)
    if room_id is not None:
        existing(session, Room, room_id, "所选的室不存在", field="room")
    if entry_id is None:
        staff = Staff(name=name)
        session.add(staff)
    else:
        staff = existing(session, Staff, entry_id, "该工作人员不存在")
    with auth.keeping_an_administrator(session, "role" if active else "active"):
        if staff.role != role or not staff.roles:
            # The main role changes; the other roles the person holds stay.
            auth.change_main_role(staff, role)
        staff.name, staff.room_id = name, room_id
        staff.phone, staff.active = phone or None, active
    return staff.id


def room_entries(session: Session) -> list[RoomEntry]:
    rows = session.execute(
        select(Room.id, Room.name, Room.active, Room.kind, Room.location, Room.ticket_prefix)
        .order_by(Room.sort_order, Room.id)
    )
    return [RoomEntry(i, n, a, k, loc or "", p) for i, n, a, k, loc, p in rows]


def save_room(session: Session, entry_id: int | None, name: str, location: str,
              active: bool = True) -> int:
    """Rename a room, say where it is, take it into or out of use.

    New rooms need a code and a ticket prefix of their own: they come with the
    基础数据导入 (室和窗口 sheet), as the four rooms beyond mediation will.
    """
    auth.require(session, "settings.manage")
    if entry_id is None:
        raise ValidationError({"name": "新增室或窗口请用“台账统计 → 基础数据导入”的室和窗口模板"})
    errors: dict[str, str] = {}
    try:
        name = checked_name(name, Room.name)
    except ValidationError as exc:
        errors.update(exc.errors)
    location = validation.clean_argument(errors, "location", location or "",
                                         TextField(Room.location, "位置"))
    message = validation.id_error(entry_id, "要修改的室不存在")
    if message:
        errors["name"] = message
    if errors:
        raise ValidationError(errors)
    clash = session.scalar(select(Room.id).where(Room.name == name))
    if clash is not None and clash != entry_id:
        raise ValidationError({"name": f"已有名为“{name}”的室或窗口"})
    room = existing(session, Room, entry_id, "该室不存在")
    if not active and room.active:
        others = session.scalar(select(func.count()).select_from(Room)
                                .where(Room.active, Room.id != room.id))
        if not others:
            raise ValidationError({"active": "至少要有一个室或窗口在用"})
    room.name, room.location, room.active = name, location or None, active
    session.flush()
    return room.id
