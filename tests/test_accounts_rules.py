"""Accounts, passwords, roles and the staff list: the rules of ``admin/auth`` and
``admin/staff`` one by one (what is stored, what is refused and with which message), on
SQLite and PostgreSQL. The matrix itself is proven in ``test_accounts.py``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, Room, Staff
from desktop.services import reference
from desktop.services.admin import auth, staff
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from tests.conftest import TEST_ADMIN_NAME

PASSWORD = "Secret2026ok"
NOW = datetime(2026, 12, 2, 9, 0)
EVERY_ROLE = "请选择角色：接待员、工作室人员、调解员、心理咨询师、驻点民警、中心管理员、领导"
RECEPTIONIST = auth.Actor(None, "测试接待", frozenset({"receptionist"}))


def _account(database: Database, login: str, roles: set[str] | list[str], *,
             room_id: int | None = None, must_change: bool = False) -> int:
    with database.write() as session:
        return auth.create_account(session, f"测试{login}", login, PASSWORD, roles,
                                   room_id=room_id, must_change=must_change)


def _staff(database: Database, staff_id: int) -> Staff:
    with database.read() as session:
        row = session.get_one(Staff, staff_id)
        row.roles  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        return row


def _rooms(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {r.name: r.id for r in reference.rooms(session)}


def _errors(call: Callable[..., object], *args: object, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return info.value.errors


def _denied(call: Callable[..., object], *args: object, **kw: object) -> PermissionDenied:
    with pytest.raises(PermissionDenied) as info:
        call(*args, **kw)
    return info.value


def _audit(database: Database, action: str) -> list[AuditEntry]:
    with database.read() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))
        session.expunge_all()
        return rows


# -- passwords and logins ------------------------------------------------------------------


@pytest.mark.parametrize(("password", "problem"), [
    ("abcd123", "密码至少需要 8 个字符"),
    ("", "密码至少需要 8 个字符"),
    ("abcdefgh", "密码须同时包含字母和数字"),
    ("12345678", "密码须同时包含字母和数字"),
    ("我的密码是一二三四", "密码须同时包含字母和数字"),
    ("abcd 1234", "密码不能包含空格"),
    ("abcd\t1234", "密码不能包含空格"),
    ("abcd1234", None),
    ("ABCD1234", None),
    ("Zz9.....", None),
])
def test_the_password_rule_word_for_word(password: str, problem: str | None) -> None:
    assert auth.password_problem(password) == problem


@pytest.mark.parametrize(("login", "good"), [
    ("ab", True), ("a" * 32, True), ("Zhou_min.2-x", True),
    ("a", False), ("a" * 33, False), ("", False), ("zhou min", False), ("周敏", False),
    ("zhou@min", False), ("zhoumin\n", False),
])
def test_a_login_is_2_to_32_letters_digits_and_three_marks(login: str, good: bool) -> None:
    assert auth.login_problem(login) == (
        None if good else "账号为 2～32 位字母、数字、下划线、点或连字符")


# -- signing in ----------------------------------------------------------------------------


def test_sign_in_needs_a_login_and_a_password(database: Database) -> None:
    _account(database, "jiedai", {"receptionist"})
    for login, password in (("", PASSWORD), ("  ", PASSWORD), ("jiedai", ""),
                            (None, PASSWORD)):
        assert _errors(auth.sign_in, database, login, password, now=NOW) == {
            "login": "请输入账号和密码"}  # type: ignore[arg-type]
    assert _audit(database, "sign_in_failed") == []
    # The login is trimmed.
    actor = auth.sign_in(database, "  jiedai ", PASSWORD, now=NOW)
    assert actor.login == "jiedai" and database.actor == actor


def test_sign_in_signs_in_the_account_with_its_roles_and_room(database: Database) -> None:
    room = _rooms(database)["矛盾纠纷调解室"]
    ident = _account(database, "tiaojie", ["mediator", "leader"], room_id=room,
                     must_change=True)
    database.actor = None
    actor = auth.sign_in(database, "tiaojie", PASSWORD, now=NOW)
    assert actor == auth.Actor(ident, "测试tiaojie", frozenset({"mediator", "leader"}),
                               login="tiaojie", room_id=room, must_change_password=True)
    assert database.actor == actor
    [entry] = _audit(database, "sign_in")[-1:]
    assert (entry.target_type, entry.target_id, entry.detail) == (
        "staff", str(ident), '{"login": "tiaojie"}')


def test_an_unknown_or_inactive_account_gets_the_words_of_a_wrong_password(
        database: Database) -> None:
    ident = _account(database, "tingyong", {"receptionist"})
    with database.write() as session:
        staff.save_staff(session, ident, "测试tingyong", "receptionist", None, active=False)
    for login in ("tingyong", "nobody"):
        assert _errors(auth.sign_in, database, login, PASSWORD, now=NOW) == {
            "password": "账号或密码不正确"}
    failed = _audit(database, "sign_in_failed")
    assert [(e.target_type, e.target_id, e.detail) for e in failed] == [
        ("staff", str(ident), '{"login": "tingyong", "reason": "账号不存在或已停用"}'),
        ("staff", None, '{"login": "nobody", "reason": "账号不存在或已停用"}')]
    # Nothing is counted on the account that is off.
    assert _staff(database, ident).failed_attempts == 0


def test_five_wrong_passwords_lock_the_account_for_ten_minutes_word_for_word(
        database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    messages = []
    for n in range(1, auth.MAX_FAILURES + 1):
        messages.append(_errors(auth.sign_in,
            database, "jiedai", "Wrong2026pw", now=NOW)["password"])
        row = _staff(database, ident)
        if n < auth.MAX_FAILURES:
            assert (row.failed_attempts, row.locked_until) == (n, None)
    assert messages == [
        "账号或密码不正确（再输错 4 次将锁定 10 分钟）",
        "账号或密码不正确（再输错 3 次将锁定 10 分钟）",
        "账号或密码不正确（再输错 2 次将锁定 10 分钟）",
        "账号或密码不正确（再输错 1 次将锁定 10 分钟）",
        "密码连续输错 5 次，账号已锁定 10 分钟，请稍后再试或请中心管理员重置密码",
    ]
    row = _staff(database, ident)
    assert (row.failed_attempts, row.locked_until) == (0, NOW + timedelta(minutes=10))
    failed = _audit(database, "sign_in_failed")
    assert [e.detail for e in failed] == [
        '{"login": "jiedai", "reason": "密码不正确"}'] * 5
    assert {(e.target_type, e.target_id) for e in failed} == {("staff", str(ident))}
    # While locked, the right password too is refused, with the minutes left rounded up
    # (61 seconds are two minutes).
    for later, minutes in ((timedelta(seconds=1), 10), (timedelta(minutes=1), 9),
                           (timedelta(minutes=8, seconds=59), 2),
                           (timedelta(minutes=9, seconds=1), 1),
                           (timedelta(minutes=9, seconds=59), 1)):
        assert _errors(auth.sign_in, database, "jiedai", PASSWORD,
                                            now=NOW + later) == {
            "password": f"账号已锁定，请 {minutes} 分钟后再试（09:10 解锁）或请中心管理员重置密码"}
    locked = _audit(database, "sign_in_failed")[5:]
    assert [(e.target_type, e.target_id, e.detail) for e in locked] == [
        ("staff", str(ident), '{"login": "jiedai", "reason": "账号已锁定"}')] * 5
    # A locked account's wrong passwords count nothing more.
    assert _staff(database, ident).failed_attempts == 0
    # At ten minutes to the second the lock is over.
    assert auth.sign_in(database, "jiedai", PASSWORD,
                        now=NOW + timedelta(minutes=10)).staff_id == ident
    row = _staff(database, ident)
    assert (row.failed_attempts, row.locked_until) == (0, None)


def test_a_right_password_clears_the_failures_counted_so_far(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    for _ in range(auth.MAX_FAILURES - 1):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw", now=NOW)
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    assert _staff(database, ident).failed_attempts == 0
    # Four more wrong ones do not lock it: the count started again.
    for _ in range(auth.MAX_FAILURES - 1):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw", now=NOW)
    assert auth.sign_in(database, "jiedai", PASSWORD, now=NOW).staff_id == ident


def test_a_lock_that_is_over_is_cleared_by_the_next_sign_in(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    with database.write() as session:
        row = session.get_one(Staff, ident)
        row.locked_until, row.failed_attempts = NOW - timedelta(minutes=1), 2
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    row = _staff(database, ident)
    assert (row.failed_attempts, row.locked_until) == (0, None)


def test_an_old_hash_is_replaced_at_the_next_sign_in(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with database.write() as session:
        session.get_one(Staff, ident).password_hash = weak
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    stored = _staff(database, ident).password_hash
    assert stored is not None and stored != weak
    assert not PasswordHasher().check_needs_rehash(stored)
    assert PasswordHasher().verify(stored, PASSWORD)
    # A current hash stays as it is.
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    assert _staff(database, ident).password_hash == stored


def test_an_account_without_a_password_or_with_a_broken_hash_cannot_sign_in(
        database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    for stored in (None, "", "not-a-hash"):
        with database.write() as session:
            session.get_one(Staff, ident).password_hash = stored
        assert _errors(auth.sign_in, database, "jiedai", PASSWORD, now=NOW)[
            "password"].startswith("账号或密码不正确（再输错")


def test_unlocking_the_window_takes_the_own_password(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    assert _errors(auth.check_password, database, "Wrong2026pw", now=NOW) == {
        "password": "账号或密码不正确（再输错 4 次将锁定 10 分钟）"}
    assert auth.check_password(database, PASSWORD, now=NOW).staff_id == ident
    for actor in (None, auth.KIOSK_ACTOR):
        database.actor = actor
        refused = _denied(auth.check_password, database, PASSWORD, now=NOW)
        assert (refused.permission, refused.signed_in, str(refused)) == (
            "unlock", False, "请先登录（解锁需要登录后才能进行）")
    auth.sign_out(database)
    assert database.actor is None
    # The lockout counts at the time given.
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    for _ in range(auth.MAX_FAILURES):
        _errors(auth.check_password, database, "Wrong2026pw", now=NOW)
    assert _errors(auth.check_password, database, PASSWORD,
                   now=NOW + timedelta(minutes=5)) == {
        "password": "账号已锁定，请 5 分钟后再试（09:10 解锁）或请中心管理员重置密码"}


# -- changing one's own password -------------------------------------------------------------


def test_changing_the_own_password_is_refused_word_for_word(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"}, must_change=True)
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    cases = [
        (("Wrong2026pw", "New2026pass", None), {"old": "原密码不正确"}),
        ((PASSWORD, "short1", None), {"new": "密码至少需要 8 个字符"}),
        ((PASSWORD, "New2026pass", "New2026pasS"), {"repeat": "两次输入的密码不一致"}),
        ((PASSWORD, PASSWORD, PASSWORD), {"new": "新密码不能与原密码相同"}),
    ]
    for (old, new, repeat), errors in cases:
        assert _errors(auth.change_password, database, old, new, repeat) == errors
    row = _staff(database, ident)
    assert row.must_change_password and PasswordHasher().verify(row.password_hash or "", PASSWORD)
    actor = auth.change_password(database, PASSWORD, "New2026pass", "New2026pass")
    assert database.actor == actor and not actor.must_change_password
    assert actor.staff_id == ident and actor.roles == frozenset({"receptionist"})
    assert not _staff(database, ident).must_change_password
    assert _errors(auth.sign_in, database, "jiedai", PASSWORD, now=NOW)
    assert auth.sign_in(database, "jiedai", "New2026pass", now=NOW).staff_id == ident


def test_only_a_signed_in_member_of_staff_changes_a_password(database: Database) -> None:
    for actor in (None, auth.KIOSK_ACTOR, auth.RATING_PAD_ACTOR):
        database.actor = actor
        refused = _denied(auth.change_password, database, PASSWORD, "New2026pass")
        assert (refused.permission, refused.signed_in, str(refused)) == (
            "password", False, "请先登录（修改密码需要登录后才能进行）")



def test_a_password_change_for_an_account_no_longer_on_record_says_so(
        database: Database) -> None:
    """A backup from before the account existed was restored while it was signed in."""
    ident = _account(database, "jiedai", {"receptionist"})
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW)
    with database.write() as session:
        session.delete(session.get_one(Staff, ident))
    with pytest.raises(NotFoundError, match=r"^该账号不存在$"):
        auth.change_password(database, PASSWORD, "New2026pass", "New2026pass")


def test_a_member_of_staff_without_a_login_cannot_unlock_the_window(
        database: Database) -> None:
    """Acting for staff without an account, the window's lock asks to sign in; it does
    not try to sign in an account of no name."""
    with database.write() as session:
        row = Staff(name="无账号者", role="receptionist")
        session.add(row)
        session.flush()
        database.actor = auth.actor_for(row)
    assert database.actor.login == ""
    refused = _denied(auth.check_password, database, PASSWORD, now=NOW)
    assert (refused.permission, refused.signed_in) == ("unlock", False)
    assert _audit(database, "sign_in_failed") == []


def test_the_log_says_why_a_sign_in_was_refused_and_who_signed_in(
        database: Database, caplog: pytest.LogCaptureFixture) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    caplog.set_level(logging.INFO, logger=auth.__name__)
    _errors(auth.sign_in, database, "nobody", PASSWORD, now=NOW)
    for _ in range(auth.MAX_FAILURES):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw", now=NOW)
    auth.sign_in(database, "jiedai", PASSWORD, now=NOW + timedelta(minutes=10))
    assert [r.getMessage() for r in caplog.records if r.name == auth.__name__] == [
        "sign-in refused: unknown or inactive account",
        f"account {ident} locked after {auth.MAX_FAILURES} failures",
        f"signed in: staff {ident}",
    ]

# -- accounts the administrator gives -----------------------------------------------------


def test_a_new_account_is_refused_with_every_problem_at_once(database: Database) -> None:
    _account(database, "taken", {"receptionist"})
    with database.write() as session:
        errors = _errors(auth.create_account,
            session, " ", "taken", "short", ["boss"], repeat="other")
    assert errors == {"name": "请填写姓名", "login": "账号“taken”已被使用",
                      "roles": "请选择角色", "password": "密码至少需要 8 个字符"}
    with database.write() as session:
        errors = _errors(auth.create_account,
            session, "长" * 33, "x", PASSWORD, [], repeat=PASSWORD + "x")
    assert errors == {"name": "姓名不能超过 32 个字",
                      "login": "账号为 2～32 位字母、数字、下划线、点或连字符",
                      "roles": "请选择角色", "repeat": "两次输入的密码不一致"}
    with database.write() as session:
        errors = _errors(auth.create_account,
            session, "周敏", "zhoumin", PASSWORD, ["receptionist", "boss"])
    assert errors == {"roles": "请选择角色"}
    # Nothing typed at all: refused, not filled in with something.
    for nothing in ("", None):
        with database.write() as session:
            errors = _errors(auth.create_account,
                session, nothing, nothing, PASSWORD, ["receptionist"])
        assert errors == {"name": "请填写姓名",
                          "login": "账号为 2～32 位字母、数字、下划线、点或连字符"}
    # A line break after the login was let through once: stored so, it could never sign in.
    with database.write() as session:
        errors = _errors(auth.create_account,
            session, "周敏", "zhoumin\n", PASSWORD, ["receptionist"])
    assert errors == {"login": "账号为 2～32 位字母、数字、下划线、点或连字符"}
    with database.read() as session:
        assert session.scalar(select(Staff).where(Staff.login.like("zhoumin%"))) is None


def test_a_new_account_is_stored_as_given(database: Database) -> None:
    room = _rooms(database)["关爱工作室"]
    with database.write() as session:
        ident = auth.create_account(session, " 周敏 ", "zhoumin", PASSWORD,
                                    ["leader", "room_staff", "leader"], room_id=room,
                                    repeat=PASSWORD)
    row = _staff(database, ident)
    assert (row.name, row.login, row.role, row.room_id, row.active,
            row.must_change_password, row.failed_attempts, row.locked_until) == (
        "周敏", "zhoumin", "room_staff", room, True, True, 0, None)
    assert sorted(r.role for r in row.roles) == ["leader", "room_staff"]
    assert PasswordHasher().verify(row.password_hash or "", PASSWORD)
    with database.write() as session:
        other = auth.create_account(session, "长" * 32, "zhoumin2", PASSWORD,
                                    {"mediator"}, must_change=False)
    row = _staff(database, other)
    assert (row.name, row.room_id, row.must_change_password) == ("长" * 32, None, False)


def test_only_the_administrator_gives_accounts(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    admin = database.actor
    database.actor = RECEPTIONIST
    calls = {
        "create_account": lambda s: auth.create_account(s, "某人", "mouren", PASSWORD,
                                                        ["admin"]),
        "set_account": lambda s: auth.set_account(s, ident, "jiedai", ["admin"]),
        "reset_password": lambda s: auth.reset_password(s, ident, "Reset2026pw"),
        "unlock_account": lambda s: auth.unlock_account(s, ident),
        "account": lambda s: auth.account(s, ident),
        "save_staff": lambda s: staff.save_staff(s, None, "某人", "admin", None),
    }
    for name, call in calls.items():
        with database.write() as session:
            refused = _denied(call, session)
        assert (refused.permission, str(refused)) == (
            "staff.manage", "当前账号无权管理工作人员和账号"), name
    with database.write() as session:
        refused = _denied(staff.save_room, session, 1, "某室", "")
    assert (refused.permission, str(refused)) == ("settings.manage", "当前账号无权修改系统设置")
    database.actor = admin
    row = _staff(database, ident)
    assert (row.login, row.role, [r.role for r in row.roles]) == (
        "jiedai", "receptionist", ["receptionist"])


def test_the_first_administrator(sqlite_db_url: str) -> None:
    from desktop.services.bootstrap import open_database

    database = open_database(sqlite_db_url)
    try:
        with database.read() as session:
            assert not auth.has_accounts(session)
        assert _errors(auth.create_first_admin,
            database, "郑淑珍", "admin", "Admin2026pw", "Admin2026pX") == {
            "repeat": "两次输入的密码不一致"}
        with database.read() as session:
            assert not auth.has_accounts(session)
        actor = auth.create_first_admin(database, "郑淑珍", "admin", "Admin2026pw",
                                        "Admin2026pw")
        # Nobody gave this password: it need not be changed.
        assert (actor.name, actor.login, actor.roles, actor.must_change_password) == (
            "郑淑珍", "admin", frozenset({"admin"}), False)
        with database.read() as session:
            assert auth.has_accounts(session)
        refused = _denied(auth.create_first_admin,
            database, "某人", "admin2", "Admin2026pw", "Admin2026pw")
        assert (refused.permission, str(refused)) == (
            "staff.manage", "当前账号无权创建首个管理员账号（已有账号）")
    finally:
        database.dispose()


def test_staff_without_a_login_are_no_accounts(sqlite_db_url: str) -> None:
    from desktop.services.bootstrap import open_database

    database = open_database(sqlite_db_url)
    try:
        with database.write() as session:
            session.add(Staff(name="无账号者", role="receptionist"))
        with database.read() as session:
            assert not auth.has_accounts(session)
    finally:
        database.dispose()


def test_setting_an_account_word_for_word(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    _account(database, "taken", {"receptionist"})
    cases = [
        ("", ["receptionist"], {"login": "请填写登录账号"}),
        ("a", ["receptionist"], {"login": "账号为 2～32 位字母、数字、下划线、点或连字符"}),
        ("taken", [], {"login": "账号“taken”已被使用", "roles": "请至少选择一个角色"}),
        ("jiedai", ["boss"], {"roles": "请至少选择一个角色"}),
    ]
    for login, roles, errors in cases:
        with database.write() as session:
            assert _errors(auth.set_account, session, ident, login, roles) == errors
    with database.write() as session, pytest.raises(NotFoundError, match=r"^该工作人员不存在$"):
        auth.set_account(session, 999999, "nobody", ["receptionist"])
    with database.write() as session:
        auth.set_account(session, ident, " jiedai2 ", ["leader", "receptionist"])
    row = _staff(database, ident)
    assert (row.login, row.role, sorted(r.role for r in row.roles)) == (
        "jiedai2", "receptionist", ["leader", "receptionist"])


def test_roles_change_the_main_role_only_when_it_goes(database: Database) -> None:
    ident = _account(database, "jiedai", ["receptionist", "leader"])
    with database.write() as session:
        auth.set_account(session, ident, "jiedai", ["mediator", "leader"])
    row = _staff(database, ident)
    assert (row.role, sorted(r.role for r in row.roles)) == ("mediator", ["leader", "mediator"])
    # The main role stays the main one while it is held, first in the matrix or not.
    with database.write() as session:
        auth.set_account(session, ident, "jiedai", ["receptionist", "mediator"])
    assert _staff(database, ident).role == "mediator"
    with database.read() as session:
        [entry] = [e for e in staff.staff_entries(session) if e.id == ident]
    assert (entry.role, entry.role_label) == ("mediator", "接待员、调解员")


def test_the_main_role_changes_and_the_other_roles_stay(database: Database) -> None:
    ident = _account(database, "jiedai", ["receptionist", "leader"])
    with database.write() as session:
        staff.save_staff(session, ident, "测试jiedai", "police", None)
    row = _staff(database, ident)
    assert (row.role, sorted(r.role for r in row.roles)) == ("police", ["leader", "police"])
    with database.write() as session:
        row = session.get_one(Staff, ident)
        auth.change_main_role(row, "counsellor", was="leader")
    row = _staff(database, ident)
    assert (row.role, sorted(r.role for r in row.roles)) == (
        "counsellor", ["counsellor", "police"])


def test_roles_are_named_in_the_order_of_the_matrix() -> None:
    assert auth.roles_label(["leader", "admin", "receptionist"]) == "接待员、中心管理员、领导"
    assert auth.roles_label(["kiosk", "police"]) == "驻点民警、kiosk"
    assert auth.roles_label([]) == ""


def test_resetting_a_password_word_for_word(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    with database.write() as session:
        nobody = staff.save_staff(session, None, "无账号者", "receptionist", None)
    with database.write() as session:
        assert _errors(auth.reset_password, session, ident, "short") == {
            "password": "密码至少需要 8 个字符"}
        assert _errors(auth.reset_password, session, ident, "Reset2026pw",
                                                   "Reset2026px") == {
            "repeat": "两次输入的密码不一致"}
        assert _errors(auth.reset_password, session, nobody, "Reset2026pw") == {
            "login": "该工作人员还没有账号，请先设置账号"}
        with pytest.raises(NotFoundError, match=r"^该工作人员不存在$"):
            auth.reset_password(session, 999999, "Reset2026pw")
    for _ in range(auth.MAX_FAILURES):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw", now=NOW)
    _errors(auth.sign_in, database, "jiedai", "Wrong2026pw",
                                 now=NOW + timedelta(minutes=11))
    with database.write() as session:
        auth.reset_password(session, ident, "Reset2026pw", "Reset2026pw")
    row = _staff(database, ident)
    assert (row.must_change_password, row.failed_attempts, row.locked_until) == (True, 0, None)
    assert auth.sign_in(database, "jiedai", "Reset2026pw", now=NOW).must_change_password


def test_unlocking_clears_the_count_and_the_lock(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    for _ in range(auth.MAX_FAILURES + 1):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw", now=NOW)
    _errors(auth.sign_in, database, "jiedai", "Wrong2026pw",
                                 now=NOW + timedelta(minutes=10))
    assert _staff(database, ident).failed_attempts == 1
    with database.write() as session:
        auth.unlock_account(session, ident)
        with pytest.raises(NotFoundError, match=r"^该工作人员不存在$"):
            auth.unlock_account(session, 999999)
    row = _staff(database, ident)
    assert (row.failed_attempts, row.locked_until) == (0, None)


def test_the_account_shows_a_lock_only_while_it_lasts(database: Database) -> None:
    ident = _account(database, "jiedai", ["leader", "receptionist"], must_change=True)
    with database.write() as session:
        session.get_one(Staff, ident).locked_until = NOW
    with database.read() as session:
        before = auth.account(session, ident, now=NOW - timedelta(seconds=1))
        at = auth.account(session, ident, now=NOW)
        with pytest.raises(NotFoundError, match=r"^该工作人员不存在$"):
            auth.account(session, 999999)
    assert before == auth.Account(ident, "测试jiedai", True, "jiedai",
                                  frozenset({"leader", "receptionist"}), True, True, NOW)
    assert at.locked_until is None


# -- who may do what --------------------------------------------------------------------------


def test_require_names_what_is_refused(database: Database) -> None:
    with database.read() as session:
        with pytest.raises(KeyError, match=r"^'no\.such\.permission'$"):
            auth.require(session, "no.such.permission")
        assert auth.require(session, "staff.manage") == database.actor
    database.actor = None
    with database.read() as session:
        refused = _denied(auth.require, session, "visit.register")
        assert not auth.may(session, "visit.register")
    assert (refused.permission, refused.signed_in, str(refused)) == (
        "visit.register", False, "请先登录（登记来访需要登录后才能进行）")
    database.actor = RECEPTIONIST
    with database.read() as session:
        refused = _denied(auth.require, session, "staff.manage")
        assert auth.may(session, "visit.register") and not auth.may(session, "staff.manage")
    assert (refused.permission, refused.signed_in, str(refused)) == (
        "staff.manage", True, "当前账号无权管理工作人员和账号")
    assert auth.may(database, "visit.register") and auth.actor_of(database) == RECEPTIONIST


def test_require_any_takes_one_of_them_and_refuses_as_the_first(database: Database) -> None:
    database.actor = RECEPTIONIST
    assert auth.require_any(database, "staff.manage", "visit.register") == RECEPTIONIST
    refused = _denied(auth.require_any, database, "staff.manage", "report.read")
    assert (refused.permission, str(refused)) == ("staff.manage", "当前账号无权管理工作人员和账号")
    database.actor = None
    refused = _denied(auth.require_any, database, "report.read", "staff.manage")
    assert (refused.permission, refused.signed_in) == ("report.read", False)


def test_the_hall_works_every_room_and_room_staff_their_own(database: Database) -> None:
    rooms = _rooms(database)
    ours, theirs = rooms["关爱工作室"], rooms["矛盾纠纷调解室"]
    database.actor = RECEPTIONIST
    assert auth.require_room(database, theirs) == RECEPTIONIST
    assert auth.own_room_only(database) is None
    room_staff = auth.Actor(None, "关爱室", frozenset({"room_staff"}), room_id=ours)
    database.actor = room_staff
    assert auth.require_room(database, ours) == room_staff
    assert auth.own_room_only(database) == ours
    refused = _denied(auth.require_room, database, theirs)
    assert (refused.permission, str(refused)) == ("queue.room", "当前账号无权处理其他室的分流队列")
    database.actor = auth.Actor(None, "无室", frozenset({"room_staff"}))
    refused = _denied(auth.own_room_only, database)
    assert (refused.permission, str(refused)) == (
        "queue.room", "当前账号无权处理分流队列（账号未设所在室）")
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}), room_id=ours)
    for call in (lambda: auth.own_room_only(database),
                 lambda: auth.require_room(database, ours)):
        refused = _denied(call)
        assert (refused.permission, str(refused)) == (
            "queue.room", "当前账号无权处理本室的分流队列")
    database.actor = None
    assert _denied(auth.require_room, database, ours).signed_in is False


def test_an_action_is_recorded_under_the_signed_in_account(database: Database) -> None:
    admin = database.actor
    assert admin is not None and admin.staff_id is not None
    assert auth.acting_staff_id(database) == admin.staff_id
    assert auth.acting_staff_id(database, 7) == 7
    database.actor = None
    assert auth.acting_staff_id(database) is None
    assert auth.acting_staff_id(database, 7) == 7


def test_holding_a_role_in_python_and_in_a_query(database: Database) -> None:
    ident = _account(database, "tiaojie", ["mediator", "leader"])
    with database.read() as session:
        row = session.get_one(Staff, ident)
        assert auth.holds(row, "leader") and not auth.holds(row, "admin")
        held = set(session.scalars(select(Staff.id).where(auth.holding("leader"))))
        assert ident in held
        assert ident not in set(session.scalars(select(Staff.id).where(auth.holding("admin"))))


# -- the last administrator ---------------------------------------------------------------------


def test_the_last_administrators_are_named_when_they_would_go(database: Database) -> None:
    admin = database.actor
    assert admin is not None and admin.staff_id is not None
    with database.read() as session:
        assert auth.administrators(session) == [(admin.staff_id, TEST_ADMIN_NAME)]
    other = _account(database, "zhuren", {"admin"})
    with database.read() as session:
        assert sorted(auth.administrators(session)) == sorted(
            [(admin.staff_id, TEST_ADMIN_NAME), (other, "测试zhuren")])
    # Both at once in one unit of work: refused, and both are named.
    with (pytest.raises(ValidationError) as refused, database.write() as session,
          auth.keeping_an_administrator(session, "active")):
        for row in session.scalars(select(Staff).where(auth.holding("admin"))):
            row.active = False
    assert list(refused.value.errors) == ["active"]
    names = refused.value.errors["active"]
    assert names in (auth.LAST_ADMIN.format(name=f"{TEST_ADMIN_NAME}、测试zhuren"),
                     auth.LAST_ADMIN.format(name=f"测试zhuren、{TEST_ADMIN_NAME}"))
    assert names.startswith(TEST_ADMIN_NAME) or names.startswith("测试zhuren")
    with database.read() as session:
        assert len(auth.administrators(session)) == 2
    # Taking the login away is the same as taking the role.
    with (pytest.raises(ValidationError) as login, database.write() as session,
          auth.keeping_an_administrator(session)):
        for row in session.scalars(select(Staff).where(auth.holding("admin"))):
            row.login = None
    assert list(login.value.errors) == ["roles"]


def test_a_database_without_an_administrator_may_still_change(sqlite_db_url: str) -> None:
    from desktop.services.bootstrap import open_database

    database = open_database(sqlite_db_url)
    try:
        with database.write() as session, auth.keeping_an_administrator(session):
            session.add(Staff(name="某人", role="receptionist"))
    finally:
        database.dispose()


# -- the staff list ------------------------------------------------------------------------


def test_staff_are_saved_word_for_word(database: Database) -> None:
    rooms = _rooms(database)
    cases = [
        ((None, " ", "receptionist", None, ""), {"name": "请填写名称"}),
        ((None, "长" * 33, "receptionist", None, ""),
         {"name": "名称过长（不超过32字，当前33字）"}),
        ((None, "周敏", "boss", None, ""), {"role": EVERY_ROLE}),
        ((None, "周敏", "kiosk", None, ""), {"role": EVERY_ROLE}),
        ((None, "周敏", "receptionist", None, "12345"), {"phone": "电话号码格式不正确"}),
        ((0, "周敏", "receptionist", None, ""), {"name": "要修改的工作人员不存在"}),
        ((None, "周敏", "receptionist", -1, ""), {"room": "所选的室不存在"}),
        ((None, "周敏", "receptionist", 999999, ""), {"room": "所选的室不存在"}),
    ]
    for (entry_id, name, role, room_id, phone), errors in cases:
        with database.write() as session:
            got = _errors(staff.save_staff, session, entry_id, name, role, room_id,
                                                   phone)
        if "phone" in errors:
            assert list(got) == ["phone"]
        else:
            assert got == errors, name
    with database.write() as session, pytest.raises(NotFoundError, match=r"^该工作人员不存在$"):
        staff.save_staff(session, 999999, "周敏", "receptionist", None)
    with database.read() as session:
        assert session.scalar(select(Staff).where(Staff.name == "周敏")) is None
    with database.write() as session:
        ident = staff.save_staff(session, None, " 周敏 ", "mediator",
                                 rooms["矛盾纠纷调解室"], " 139 1234 5678 ")
    row = _staff(database, ident)
    assert (row.name, row.role, row.room_id, row.phone, row.active, row.login) == (
        "周敏", "mediator", rooms["矛盾纠纷调解室"], "13912345678", True, None)
    assert [r.role for r in row.roles] == ["mediator"]
    with database.write() as session:
        assert staff.save_staff(session, ident, "周敏", "mediator", None, "",
                                active=False) == ident
    row = _staff(database, ident)
    assert (row.room_id, row.phone, row.active) == (None, None, False)


def test_the_staff_list_reads_back_what_was_saved(database: Database) -> None:
    rooms = _rooms(database)
    with database.write() as session:
        off = staff.save_staff(session, None, "离职者", "receptionist", None, active=False)
        on = staff.save_staff(session, None, "周敏", "counsellor", rooms["关爱工作室"],
                              "010-62345678")
    with database.write() as session:
        auth.set_roles(session.get_one(Staff, on), ["leader", "counsellor"])
    with database.read() as session:
        entries = staff.staff_entries(session)
    ids = [e.id for e in entries]
    assert ids.index(on) < ids.index(off)  # the active first
    assert [e.active for e in entries] == sorted((e.active for e in entries), reverse=True)
    by_id = {e.id: e for e in entries}
    assert by_id[on] == staff.StaffEntry(on, "周敏", True, "counsellor", "心理咨询师、领导",
                                         rooms["关爱工作室"], "关爱工作室", "010-62345678")
    assert by_id[off] == staff.StaffEntry(off, "离职者", False, "receptionist", "接待员",
                                          None, "", "")


def test_a_role_code_read_from_a_template_label(database: Database) -> None:
    assert staff.ROLE_CODES["管理员"] == "admin"
    assert staff.ROLE_CODES["中心管理员"] == "admin"
    assert staff.ROLE_CODES["调解员"] == "mediator"


# -- rooms -------------------------------------------------------------------------------------


def test_rooms_are_renamed_word_for_word(database: Database) -> None:
    rooms = _rooms(database)
    care, mediation = rooms["关爱工作室"], rooms["矛盾纠纷调解室"]
    cases = [
        ((None, "新室", ""), {"name": "新增室或窗口请用“台账统计 → 基础数据导入”的室和窗口模板"}),
        ((care, " ", ""), {"name": "请填写名称"}),
        ((care, "长" * 65, ""), {"name": "名称过长（不超过64字，当前65字）"}),
        ((care, "关爱室", "长" * 65), {"location": "位置过长（不超过64字，当前65字）"}),
        ((0, "关爱室", ""), {"name": "要修改的室不存在"}),
        ((care, "矛盾纠纷调解室", ""), {"name": "已有名为“矛盾纠纷调解室”的室或窗口"}),
    ]
    for (entry_id, name, location), errors in cases:
        with database.write() as session:
            assert _errors(staff.save_room, session, entry_id, name, location) == errors
    with database.write() as session, pytest.raises(NotFoundError, match=r"^该室不存在$"):
        staff.save_room(session, 999999, "不存在的室", "")
    # Its own name is no clash; the location is trimmed, an empty one is none.
    with database.write() as session:
        assert staff.save_room(session, care, "关爱工作室", " 二楼 201 ") == care
    with database.read() as session:
        row = session.get_one(Room, care)
        assert (row.name, row.location, row.active) == ("关爱工作室", "二楼 201", True)
        [entry] = [e for e in staff.room_entries(session) if e.id == care]
    assert (entry.name, entry.location, entry.active, entry.kind) == (
        "关爱工作室", "二楼 201", True, row.kind)
    with database.write() as session:
        staff.save_room(session, care, "关爱室", "", active=False)
    with database.read() as session:
        row = session.get_one(Room, care)
        assert (row.name, row.location, row.active) == ("关爱室", None, False)
        [entry] = [e for e in staff.room_entries(session) if e.id == care]
        assert (entry.location, entry.active) == ("", False)
    assert mediation in [e.id for e in staff.room_entries(session)]


def test_the_last_room_in_use_stays_in_use(database: Database) -> None:
    rooms = _rooms(database)
    *others, last = sorted(rooms.values())
    with database.write() as session:
        for ident in others:
            session.get_one(Room, ident).active = False
    with database.write() as session:
        assert _errors(staff.save_room, session, last, "最后一室", "",
                                               active=False) == {
            "active": "至少要有一个室或窗口在用"}
        # Switching off a room already off is no change of the last one.
        assert staff.save_room(session, others[0], "已停用", "", active=False) == others[0]
    with database.read() as session:
        assert session.get_one(Room, last).active
    # The last one in use may be renamed, staying in use.
    with database.write() as session:
        assert staff.save_room(session, last, "最后一室", "") == last
    # With one other in use, it may go.
    with database.write() as session:
        session.get_one(Room, others[0]).active = True
    with database.write() as session:
        staff.save_room(session, last, "最后一室", "", active=False)
    with database.read() as session:
        assert not session.get_one(Room, last).active


def test_the_last_administrator_is_kept_through_the_staff_list(database: Database) -> None:
    admin = database.actor
    assert admin is not None and admin.staff_id is not None
    me = admin.staff_id
    # Holding the role without a login, or on an account that is off, makes no administrator.
    with database.write() as session:
        staff.save_staff(session, None, "无账号者", "admin", None)
    off = _account(database, "tingyong", {"admin"})
    with database.write() as session:
        staff.save_staff(session, off, "测试tingyong", "admin", None, active=False)
    with database.read() as session:
        assert auth.administrators(session) == [(me, TEST_ADMIN_NAME)]
    last = auth.LAST_ADMIN.format(name=TEST_ADMIN_NAME)
    # Refused after the change is flushed: the whole unit of work is rolled back.
    with pytest.raises(ValidationError) as role, database.write() as session:
        staff.save_staff(session, me, TEST_ADMIN_NAME, "mediator", None)
    assert role.value.errors == {"role": last}
    with pytest.raises(ValidationError) as leaves, database.write() as session:
        staff.save_staff(session, me, TEST_ADMIN_NAME, "admin", None, active=False)
    assert leaves.value.errors == {"active": last}
    row = _staff(database, me)
    assert (row.role, row.active, {r.role for r in row.roles}) == ("admin", True, auth.ALL_ROLES)


def test_a_member_of_staff_without_role_rows_gets_the_main_one(database: Database) -> None:
    with database.write() as session:
        row = Staff(name="旧数据", role="receptionist", active=True)
        session.add(row)
        session.flush()
        ident = row.id
    with database.write() as session:
        staff.save_staff(session, ident, "旧数据", "receptionist", None)
    row = _staff(database, ident)
    assert (row.role, [r.role for r in row.roles]) == ("receptionist", ["receptionist"])


def test_no_roles_at_all_leave_the_main_role_as_it_was(database: Database) -> None:
    ident = _account(database, "jiedai", ["receptionist", "leader"])
    with database.write() as session:
        row = session.get_one(Staff, ident)
        auth.set_roles(row, [])
        assert (row.role, row.roles) == ("receptionist", [])
        session.rollback()


def test_rooms_are_listed_in_their_order_with_their_prefixes(database: Database) -> None:
    with database.read() as session:
        entries = staff.room_entries(session)
    assert [(e.name, e.kind, e.location, e.ticket_prefix, e.active) for e in entries] == [
        ("综合受理窗口", "window", "群众接待大厅", "综", True),
        ("矛盾纠纷调解室", "room", "一楼东侧", "调", True),
        ("心理咨询室", "room", "二楼", "心", True),
        ("警民联络室", "room", "一楼西侧", "警", True),
        ("关爱工作室", "room", "二楼", "爱", True),
        ("社会组织工作室", "room", "二楼", "社", True),
    ]
    last = entries[-1].id
    with database.write() as session:
        session.get_one(Room, last).sort_order = -1
        session.get_one(Room, last).location = None
    with database.read() as session:
        first = staff.room_entries(session)[0]
    assert (first.id, first.location) == (last, "")


def test_a_member_of_staff_without_an_account_shows_none(database: Database) -> None:
    with database.write() as session:
        ident = staff.save_staff(session, None, "周敏", "receptionist", None)
    with database.read() as session:
        shown = auth.account(session, ident)
    assert shown == auth.Account(ident, "周敏", True, "", frozenset({"receptionist"}),
                                 has_password=False, must_change_password=False,
                                 locked_until=None)


def test_a_lock_without_a_time_given_starts_now_to_the_second(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    start = datetime.now()
    for _ in range(auth.MAX_FAILURES):
        _errors(auth.sign_in, database, "jiedai", "Wrong2026pw")
    until = _staff(database, ident).locked_until
    assert until is not None and until.microsecond == 0
    assert start + timedelta(minutes=10) - timedelta(seconds=1) <= until <= \
        start + timedelta(minutes=11)
