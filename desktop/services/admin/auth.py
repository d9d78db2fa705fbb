"""Accounts, sign-in and what each role may do.

Accounts are the staff records (``Staff.login``). A password is kept only as an
argon2 hash; it is never stored, logged or put in a message in clear. Five wrong
passwords in a row lock the account for ten minutes.

Permissions are checked here, in the services, so the window, the command line
and anything else obey the same rules: :func:`require` at the top of a service
function refuses with :class:`PermissionDenied` when the signed-in account
(``Database.actor``, copied into each session's ``info["actor"]``) lacks a role
that grants the permission. Hidden buttons alone are not a permission.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from desktop.db import ACTOR_KEY, Database
from desktop.models import Staff, StaffRole
from desktop.services import validation
from desktop.services.admin import audit
from desktop.services.errors import PermissionDenied, ValidationError

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_MINUTES = 10
MIN_PASSWORD_LENGTH = 8

# Every role a person may hold (several at once), with its Chinese name.
ROLE_LABELS: dict[str, str] = {
    "receptionist": "接待员",
    "room_staff": "工作室人员",
    "mediator": "调解员",
    "counsellor": "心理咨询师",
    "police": "驻点民警",
    "admin": "中心管理员",
    "leader": "领导",
}
ALL_ROLES = frozenset(ROLE_LABELS)
# Roles that work the queue of their own room only (Staff.room_id).
ROOM_ROLES = frozenset({"room_staff", "police", "mediator", "counsellor"})
# The self-service kiosk (自助取号机): no person and no account, so never a role a member
# of staff can be given (it is not in ROLE_LABELS); only the kiosk process acts as it.
KIOSK_ROLE = "kiosk"
# The resident-facing rating pad (评价器) at the window: no person either; it records ratings.
RATING_PAD_ROLE = "rating_pad"

# What a permission lets one do, in Chinese: the refusal names it.
PERMISSIONS: dict[str, str] = {
    "visit.register": "登记来访",
    "receipt.print": "打印受理回执",
    "queue.hall": "处理大厅各室的分流队列",
    "queue.room": "处理本室的分流队列",
    "case.read": "查看调解案件",
    "case.edit": "受理和编辑调解案件",
    "case.print": "打印调解文书和卷宗",
    "counselling.read": "查看心理咨询内容",
    "counselling.edit": "记录心理咨询（接案、咨询、转介和结案）",
    "counselling.print": "打印心理咨询转介单",
    "police.read": "查看警民联络室的移交记录",
    "police.edit": "登记和修改警民联络室的移交记录",
    "police.print": "打印移交单和回执",
    "organisations.read": "查看社会组织工作室的记录",
    "organisations.edit": "登记和修改社会组织、转介和活动记录",
    "personal.reveal": "查看和导出完整的身份证号和电话号码",
    "records.delete": "删除来访人、来访登记和调解案件，查看已删除的记录",
    "register.export": "导出台账",
    "report.read": "查看统计和月报",
    "staff.manage": "管理工作人员和账号",
    "settings.manage": "修改系统设置",
    "dictionaries.manage": "维护事项类别、社区和网格",
    "imports.run": "导入基础数据",
    "kiosk.ticket": "自助取号",
    "care.read": "查看关爱对象名册和走访记录",
    "care.edit": "登记关爱对象和走访帮扶",
    "deliberation.read": "查看议事会议记录",
    "deliberation.edit": "记录议事会议",
    "closure.reply": "登记办理结果的回复",
    "closure.rate": "登记群众评价和整改",
    "rating.pad": "在评价器上评价",
}

# The permission matrix: permission → the roles that hold it.
MATRIX: dict[str, frozenset[str]] = {
    "visit.register": frozenset({"receptionist"}),
    "receipt.print": frozenset({"receptionist", "room_staff", "mediator", "counsellor",
                                "police"}),
    "queue.hall": frozenset({"receptionist"}),
    "queue.room": frozenset({"receptionist", "room_staff", "mediator", "counsellor", "police"}),
    "case.read": frozenset({"mediator"}),
    "case.edit": frozenset({"mediator"}),
    "case.print": frozenset({"mediator"}),
    "counselling.read": frozenset({"counsellor"}),
    "counselling.edit": frozenset({"counsellor"}),
    "counselling.print": frozenset({"counsellor"}),
    "police.read": frozenset({"police", "admin", "leader"}),
    "police.edit": frozenset({"police"}),
    "police.print": frozenset({"police"}),
    # Room staff of the 社会组织工作室 only (services/organisations checks the room).
    "organisations.read": frozenset({"room_staff", "admin"}),
    "organisations.edit": frozenset({"room_staff", "admin"}),
    "personal.reveal": frozenset({"admin"}),
    "records.delete": frozenset({"admin"}),
    "register.export": frozenset({"admin"}),
    "report.read": frozenset({"admin", "leader"}),
    "staff.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "dictionaries.manage": frozenset({"admin"}),
    "imports.run": frozenset({"admin"}),
    # Only the kiosk: it takes tickets and reads queue lengths, nothing else of the matrix.
    "kiosk.ticket": frozenset({KIOSK_ROLE}),
    # Room staff of the care room only (services/care/access.py checks the room).
    "care.read": frozenset({"room_staff", "admin"}),
    "care.edit": frozenset({"room_staff", "admin"}),
    "deliberation.read": frozenset({"admin", "leader", "room_staff", "mediator"}),
    "deliberation.edit": frozenset({"admin", "leader", "room_staff", "mediator"}),
    "closure.reply": frozenset({"receptionist", "room_staff", "mediator", "counsellor",
                                "police", "admin"}),
    "closure.rate": frozenset({"receptionist", "room_staff", "mediator", "counsellor",
                               "police", "admin"}),
    # Only the rating pad: it records the rating of the matter the window shows it.
    "rating.pad": frozenset({RATING_PAD_ROLE}),
}

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Actor:
    """The signed-in account: whose name every action is recorded under."""

    staff_id: int | None
    name: str
    roles: frozenset[str]
    login: str = ""
    room_id: int | None = None
    must_change_password: bool = False

    def may(self, permission: str) -> bool:
        return bool(self.roles & MATRIX[permission])


# What the unattended kiosk acts as: it signs in with no password, holds no staff
# record, and what it writes is recorded under this name.
KIOSK_ACTOR = Actor(None, "自助取号机", frozenset({KIOSK_ROLE}))
RATING_PAD_ACTOR = Actor(None, "评价器", frozenset({RATING_PAD_ROLE}))


def roles_label(roles: Iterable[str]) -> str:
    return "、".join(ROLE_LABELS.get(r, r) for r in sorted(roles, key=_role_order))


def _role_order(role: str) -> int:
    return list(ROLE_LABELS).index(role) if role in ROLE_LABELS else len(ROLE_LABELS)


def holds(staff: Staff, role: str) -> bool:
    """Whether ``staff`` holds ``role`` (among the several a person may hold)."""
    return any(r.role == role for r in staff.roles)


def holding(role: str) -> ColumnElement[bool]:
    """The same in a query: the member of staff has a ``staff_role`` row for ``role``."""
    return Staff.roles.any(StaffRole.role == role)


def actor_of(source: Session | Database) -> Actor | None:
    """The account signed in on a database, or the one a session works for."""
    actor = source.actor if isinstance(source, Database) else source.info.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


def may(source: Session | Database, permission: str) -> bool:
    actor = actor_of(source)
    return actor is not None and actor.may(permission)


def require(source: Session | Database, permission: str) -> Actor:
    """The signed-in account, if it holds ``permission``; otherwise :class:`PermissionDenied`."""
    if permission not in MATRIX:
        raise KeyError(permission)
    actor = actor_of(source)
    if actor is None:
        raise PermissionDenied(permission, PERMISSIONS[permission], signed_in=False)
    if not actor.may(permission):
        raise PermissionDenied(permission, PERMISSIONS[permission])
    return actor


def require_any(source: Session | Database, *permissions: str) -> Actor:
    """The signed-in account, if it holds one of ``permissions`` (refused as the first)."""
    actor = actor_of(source)
    if actor is not None and any(actor.may(p) for p in permissions):
        return actor
    return require(source, permissions[0])


def require_room(source: Session | Database, room_id: int) -> Actor:
    """Work on the queue of ``room_id``: the hall's roles any room, room staff their own."""
    actor = actor_of(source)
    if actor is not None and actor.may("queue.hall"):
        return actor
    actor = require(source, "queue.room")
    if actor.room_id != room_id:
        raise PermissionDenied("queue.room", "处理其他室的分流队列")
    return actor


def own_room_only(source: Session | Database) -> int | None:
    """The one room whose queue the account works, or None when it works every room.

    Refuses an account that works no queue at all. Room staff see the residents of
    their own room only; the hall's roles (the receptionist) see every room.
    """
    actor = require(source, "queue.room")
    if actor.may("queue.hall"):
        return None
    if actor.room_id is None:
        raise PermissionDenied("queue.room", "处理分流队列（账号未设所在室）")
    return actor.room_id


def acting_staff_id(source: Session | Database, staff_id: int | None = None) -> int | None:
    """The member of staff an action is recorded under: the signed-in account by default."""
    if staff_id is not None:
        return staff_id
    actor = actor_of(source)
    return actor.staff_id if actor is not None else None


# -- passwords --------------------------------------------------------------------------


def password_problem(password: str) -> str | None:
    """The complexity rule: at least 8 characters, with letters and digits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[0-9]", password):
        return "密码须同时包含字母和数字"
    if any(ch.isspace() for ch in password):
        return "密码不能包含空格"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _checked_new_password(password: str, repeat: str | None, field: str = "password") -> str:
    problem = password_problem(password)
    if problem:
        raise ValidationError({field: problem})
    if repeat is not None and repeat != password:
        raise ValidationError({"repeat": "两次输入的密码不一致"})
    return password


_LOGIN = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")


def login_problem(login: str) -> str | None:
    if not _LOGIN.fullmatch(login):
        return "账号为 2～32 位字母、数字、下划线、点或连字符"
    return None


# -- accounts ---------------------------------------------------------------------------


def actor_for(staff: Staff) -> Actor:
    return Actor(staff.id, staff.name, frozenset(r.role for r in staff.roles),
                 login=staff.login or "", room_id=staff.room_id,
                 must_change_password=staff.must_change_password)


def has_accounts(session: Session) -> bool:
    """Whether any account exists yet (the set-up wizard creates the first one)."""
    return bool(session.scalar(select(func.count()).select_from(Staff)
                               .where(Staff.login.is_not(None))))


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def sign_in(database: Database, login: str, password: str, *,
            now: datetime | None = None) -> Actor:
    """Check an account's password and sign it in on ``database``.

    A wrong account and a wrong password get the same message. After
    :data:`MAX_FAILURES` wrong passwords in a row the account is locked for
    :data:`LOCK_MINUTES` minutes, the right password included.
    """
    now = now or _now()
    login = (login or "").strip()
    if not login or not password:
        raise ValidationError({"login": "请输入账号和密码"})
    with database.write() as session:
        staff = session.scalar(select(Staff).where(Staff.login == login).with_for_update())
        if staff is None or not staff.active:
            log.info("sign-in refused: unknown or inactive account")
            audit.record(session, "sign_in_failed", "staff", staff.id if staff else None,
                         {"login": login, "reason": "账号不存在或已停用"})
            session.commit()
            raise ValidationError({"password": "账号或密码不正确"})
        if staff.locked_until is not None and staff.locked_until > now:
            audit.record(session, "sign_in_failed", "staff", staff.id,
                         {"login": login, "reason": "账号已锁定"})
            session.commit()
            raise ValidationError({"password": _locked_message(staff.locked_until, now)})
        if not _verify(staff.password_hash, password):
            staff.failed_attempts = (staff.failed_attempts or 0) + 1
            if staff.failed_attempts >= MAX_FAILURES:
                staff.failed_attempts = 0
                staff.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                log.info("account %s locked after %d failures", staff.id, MAX_FAILURES)
                message = (f"密码连续输错 {MAX_FAILURES} 次，账号已锁定 {LOCK_MINUTES} 分钟，"
                           "请稍后再试或请中心管理员重置密码")
            else:
                left = MAX_FAILURES - staff.failed_attempts
                message = f"账号或密码不正确（再输错 {left} 次将锁定 {LOCK_MINUTES} 分钟）"
            # The failure is counted (and logged) even though the sign-in is refused.
            audit.record(session, "sign_in_failed", "staff", staff.id,
                         {"login": login, "reason": "密码不正确"})
            session.commit()
            raise ValidationError({"password": message})
        staff.failed_attempts = 0
        staff.locked_until = None
        if _hasher.check_needs_rehash(staff.password_hash or ""):
            staff.password_hash = hash_password(password)
        session.flush()
        actor = actor_for(staff)
        audit.record(session, "sign_in", "staff", staff.id, {"login": login})
    database.actor = actor
    log.info("signed in: staff %s", actor.staff_id)
    return actor


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return f"账号已锁定，请 {minutes} 分钟后再试（{until:%H:%M} 解锁）或请中心管理员重置密码"


def check_password(database: Database, password: str, *, now: datetime | None = None) -> Actor:
    """Unlock the window: the signed-in account's own password (the lockout rule applies)."""
    actor = database.actor
    if actor is None or not actor.login:
        raise PermissionDenied("unlock", "解锁", signed_in=False)
    return sign_in(database, actor.login, password, now=now)


def sign_out(database: Database) -> None:
    database.actor = None


def change_password(database: Database, old: str, new: str, repeat: str | None = None) -> Actor:
    """The signed-in account changes its own password (and may then work)."""
    actor = database.actor
    if actor is None or actor.staff_id is None:
        raise PermissionDenied("password", "修改密码", signed_in=False)
    _checked_new_password(new, repeat, field="new")
    if new == old:
        raise ValidationError({"new": "新密码不能与原密码相同"})
    with database.write() as session:
        staff = validation.existing(session, Staff, actor.staff_id, "该账号不存在")
        if not _verify(staff.password_hash, old):
            raise ValidationError({"old": "原密码不正确"})
        staff.password_hash = hash_password(new)
        staff.must_change_password = False
        session.flush()
        database.actor = actor_for(staff)
    return database.actor


def create_account(session: Session, name: str, login: str, password: str,
                   roles: Iterable[str], *, room_id: int | None = None,
                   repeat: str | None = None, must_change: bool = True) -> int:
    """The administrator adds a member of staff with an account.

    The user changes the password the administrator gave at the first sign-in
    (``must_change``), as after a reset.
    """
    require(session, "staff.manage")
    return _create_account(session, name, login, password, roles, room_id=room_id,
                           repeat=repeat, must_change=must_change)


def _create_account(session: Session, name: str, login: str, password: str,
                    roles: Iterable[str], *, room_id: int | None = None,
                    repeat: str | None = None, must_change: bool = False) -> int:
    errors: dict[str, str] = {}
    roles = sorted(set(roles), key=_role_order)
    name = validation.clean_text(name or "")
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > 32:
        errors["name"] = "姓名不能超过 32 个字"
    problem = login_problem(login or "")
    if problem:
        errors["login"] = problem
    elif session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
        errors["login"] = f"账号“{login}”已被使用"
    if not roles or any(r not in ROLE_LABELS for r in roles):
        errors["roles"] = "请选择角色"
    try:
        _checked_new_password(password, repeat)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    staff = Staff(name=name, role=roles[0], room_id=room_id, login=login,
                  password_hash=hash_password(password), must_change_password=must_change,
                  active=True)
    staff.roles = [StaffRole(role=r) for r in roles]
    session.add(staff)
    session.flush()
    return staff.id


def create_first_admin(database: Database, name: str, login: str, password: str,
                       repeat: str) -> Actor:
    """The set-up wizard's first page: the centre administrator, signed in at once.

    Only while no account exists; afterwards accounts are the administrator's to give.
    """
    with database.write() as session:
        if has_accounts(session):
            raise PermissionDenied("staff.manage", "创建首个管理员账号（已有账号）")
        _create_account(session, name, login, password, ["admin"], repeat=repeat)
    return sign_in(database, login, password)


LAST_ADMIN = ("{name}是唯一可以登录的中心管理员，不能取消其管理员角色、账号或启用状态"
              "（请先给另一名工作人员设置中心管理员账号）")


def administrators(session: Session) -> list[tuple[int, str]]:
    """(id, name) of the active accounts that hold the administrator's role."""
    rows = session.execute(select(Staff.id, Staff.name).where(
        Staff.active, Staff.login.is_not(None), holding("admin")))
    return [(i, n) for i, n in rows]


@contextmanager
def keeping_an_administrator(session: Session, field: str = "roles") -> Iterator[None]:
    """Refuse a change (of roles, login or 启用) that leaves no administrator who can sign in.

    Otherwise nobody could manage the staff or the settings any more; the whole
    unit of work is then rolled back by the caller's ``database.write()``.
    """
    with session.no_autoflush:  # a new row is flushed once, whole (one audit entry)
        before = administrators(session)
    yield
    session.flush()
    if before and not administrators(session):
        names = "、".join(n for _i, n in before)
        raise ValidationError({field: LAST_ADMIN.format(name=names)})


def set_account(session: Session, staff_id: int, login: str, roles: Iterable[str]) -> None:
    """The administrator gives a member of staff a login and their roles."""
    require(session, "staff.manage")
    roles = set(roles)  # set_roles puts them in the matrix's order
    login = (login or "").strip()
    errors: dict[str, str] = {}
    problem = login_problem(login) if login else "请填写登录账号"
    if problem:
        errors["login"] = problem
    else:
        clash = session.scalar(select(Staff.id).where(Staff.login == login))
        if clash is not None and clash != staff_id:
            errors["login"] = f"账号“{login}”已被使用"
    if not roles or any(r not in ROLE_LABELS for r in roles):
        errors["roles"] = "请至少选择一个角色"
    if errors:
        raise ValidationError(errors)
    staff = validation.existing(session, Staff, staff_id, "该工作人员不存在")
    with keeping_an_administrator(session):
        staff.login = login
        set_roles(staff, roles)


def set_roles(staff: Staff, roles: Iterable[str]) -> None:
    """Every role ``staff`` holds; the first (in the matrix's order) is the main one."""
    wanted = sorted(set(roles), key=_role_order)
    kept = [r for r in staff.roles if r.role in wanted]
    have = {r.role for r in kept}
    staff.roles = kept + [StaffRole(role=r) for r in wanted if r not in have]
    if wanted and staff.role not in wanted:
        staff.role = wanted[0]


def change_main_role(staff: Staff, role: str, *, was: str | None = None) -> None:
    """``role`` becomes the main role of ``staff``: the former main one (``was``, by
    default the current one) goes, the other roles they hold stay."""
    was = staff.role if was is None else was
    set_roles(staff, [role, *(r.role for r in staff.roles if r.role != was)])
    staff.role = role


def reset_password(session: Session, staff_id: int, password: str,
                   repeat: str | None = None) -> None:
    """The administrator sets a new password; the user must change it at the next sign-in."""
    require(session, "staff.manage")
    _checked_new_password(password, repeat)
    staff = validation.existing(session, Staff, staff_id, "该工作人员不存在")
    if not staff.login:
        raise ValidationError({"login": "该工作人员还没有账号，请先设置账号"})
    staff.password_hash = hash_password(password)
    staff.must_change_password = True
    staff.failed_attempts = 0
    staff.locked_until = None
    session.flush()


def unlock_account(session: Session, staff_id: int) -> None:
    """The administrator lifts a lockout before its ten minutes are over (the password stays)."""
    require(session, "staff.manage")
    staff = validation.existing(session, Staff, staff_id, "该工作人员不存在")
    staff.failed_attempts = 0
    staff.locked_until = None
    session.flush()  # the change of locked_until is the audit entry


@dataclass(frozen=True)
class Account:
    """What the administrator sees of one member of staff's account."""

    staff_id: int
    name: str
    active: bool
    login: str
    roles: frozenset[str]
    has_password: bool
    must_change_password: bool
    locked_until: datetime | None  # only while the lockout lasts


def account(session: Session, staff_id: int, *, now: datetime | None = None) -> Account:
    require(session, "staff.manage")
    staff = validation.existing(session, Staff, staff_id, "该工作人员不存在")
    now = now or _now()
    locked = staff.locked_until if staff.locked_until and staff.locked_until > now else None
    return Account(staff.id, staff.name, staff.active, staff.login or "",
                   frozenset(r.role for r in staff.roles), bool(staff.password_hash),
                   staff.must_change_password, locked)
