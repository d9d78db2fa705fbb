"""Accounts, sign-in and the role × action matrix, through the services and the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cli import main
from desktop.db import Database
from desktop.exports.registers import export_register
from desktop.exports.templates import write_template
from desktop.models import AuditEntry, Person, Staff, Visit
from desktop.services import mediation
from desktop.services.admin import auth, deletion, dictionaries, staff
from desktop.services.admin.settings import load_settings, save_settings
from desktop.services.care import listing as care_listing
from desktop.services.care import visits as care_visits
from desktop.services.closure import replies
from desktop.services.counselling import cases as counselling_cases
from desktop.services.counselling import referral_letter
from desktop.services.deliberation import listing as deliberation_listing
from desktop.services.deliberation import meetings as deliberation_meetings
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.failures import user_message
from desktop.services.mediation import documents as mediation_documents
from desktop.services.organisations import directory as organisation_directory
from desktop.services.police import documents as police_documents
from desktop.services.police import handovers as police_handovers
from desktop.services.reception import kiosk, queue
from desktop.services.reception.receipts import receipt_data
from desktop.services.registers.dashboard import today_overview
from desktop.services.registers.rows import Period
from tests.conftest import TEST_ADMIN_LOGIN, TEST_ADMIN_NAME
from tests.mediation_helpers import make_case
from tests.police_helpers import handover as police_handover
from tests.police_helpers import organisation as organisation_input
from tests.reception_helpers import category_ids, register, room_ids

PASSWORD = "Secret2026ok"


def _account(database: Database, login: str, roles: set[str], *,
             room_id: int | None = None, password: str = PASSWORD) -> int:
    with database.write() as session:
        return auth.create_account(session, f"测试{login}", login, password, roles,
                                   room_id=room_id, must_change=False)


# -- sign-in -----------------------------------------------------------------------------

def test_sign_in_records_who_and_never_stores_the_password(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    database.actor = None
    actor = auth.sign_in(database, "jiedai", PASSWORD)
    assert (actor.staff_id, actor.roles) == (ident, frozenset({"receptionist"}))
    assert database.actor == actor
    with database.read() as session:
        stored = session.get(Staff, ident)
        assert stored is not None and stored.password_hash is not None
        assert PASSWORD not in stored.password_hash and stored.password_hash.startswith("$argon2")
        assert session.info["actor"] == actor
    visit = register(database, 1)
    with database.read() as session:
        from desktop.models import Visit

        assert session.get(Visit, visit.visit_id).received_by_id == ident  # type: ignore[union-attr]


def test_wrong_passwords_lock_the_account_for_ten_minutes(database: Database) -> None:
    _account(database, "jiedai", {"receptionist"})
    now = datetime(2026, 12, 1, 9, 0)
    messages = []
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(ValidationError) as refused:
            auth.sign_in(database, "jiedai", "Wrong2026pw", now=now)
        messages.append(refused.value.errors["password"])
    assert "再输错 1 次" in messages[-2]
    assert "已锁定 10 分钟" in messages[-1]
    # Locked: even the right password is refused, with the time it unlocks.
    with pytest.raises(ValidationError) as locked:
        auth.sign_in(database, "jiedai", PASSWORD, now=now + timedelta(minutes=9))
    assert "账号已锁定" in locked.value.errors["password"] and "09:10" in \
        locked.value.errors["password"]
    assert auth.sign_in(database, "jiedai", PASSWORD, now=now + timedelta(minutes=10))
    # An unknown account gets the same words as a wrong password.
    with pytest.raises(ValidationError) as unknown:
        auth.sign_in(database, "nobody", PASSWORD)
    assert unknown.value.errors["password"] == "账号或密码不正确"


@pytest.mark.parametrize(("password", "message"), [
    ("abc123", "至少需要 8 个字符"), ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"),
])
def test_the_complexity_rule(password: str, message: str) -> None:
    problem = auth.password_problem(password)
    assert problem is not None and message in problem
    assert auth.password_problem("abcd1234") is None


def test_a_new_account_changes_the_password_the_admin_gave(database: Database) -> None:
    with database.write() as session:
        auth.create_account(session, "周敏", "zhoumin", "Given2026pw", {"counsellor"})
    admin = database.actor
    assert auth.sign_in(database, "zhoumin", "Given2026pw").must_change_password
    database.actor = None
    with pytest.raises(PermissionDenied), database.write() as session:
        auth.create_account(session, "某人", "mouren", "Given2026pw", {"admin"})
    database.actor = admin


def test_admin_reset_makes_the_user_change_the_password(database: Database) -> None:
    ident = _account(database, "tiaojie", {"mediator"})
    with database.write() as session:
        auth.reset_password(session, ident, "Reset2026pw")
    admin = database.actor
    actor = auth.sign_in(database, "tiaojie", "Reset2026pw")
    assert actor.must_change_password
    with pytest.raises(ValidationError) as weak:
        auth.change_password(database, "Reset2026pw", "short")
    assert "new" in weak.value.errors
    actor = auth.change_password(database, "Reset2026pw", "Mine2026pw", "Mine2026pw")
    assert not actor.must_change_password
    database.actor = actor
    with pytest.raises(PermissionDenied), database.write() as session:
        auth.reset_password(session, ident, "Other2026pw")  # only the admin resets
    database.actor = admin


def test_the_first_administrator_only_once(sqlite_db_url: str) -> None:
    from desktop.services.bootstrap import open_database

    database = open_database(sqlite_db_url)
    try:
        with pytest.raises(ValidationError) as weak:
            auth.create_first_admin(database, "郑淑珍", "admin", "password", "password")
        assert "password" in weak.value.errors
        actor = auth.create_first_admin(database, "郑淑珍", "admin", "Admin2026pw",
                                        "Admin2026pw")
        assert actor.roles == frozenset({"admin"}) and database.actor == actor
        with pytest.raises(PermissionDenied):
            auth.create_first_admin(database, "某人", "admin2", "Admin2026pw", "Admin2026pw")
    finally:
        database.dispose()


def test_nobody_signed_in_is_refused(database: Database) -> None:
    database.actor = None
    with pytest.raises(PermissionDenied) as refused:
        register(database, 1)
    assert user_message(refused.value) == "请先登录（登记来访需要登录后才能进行）"


# -- the role × action matrix ------------------------------------------------------------

Action = Callable[[Database, dict[str, object]], object]


def _with_session(work: Callable[..., object], *args: object, write: bool = False) -> Action:
    def run(database: Database, _known: dict[str, object]) -> object:
        with (database.write() if write else database.read()) as session:
            return work(session, *args)
    return run


def _period() -> Period:
    return Period(date(2026, 11, 1), date(2026, 11, 30))


def _actions(tmp: Path) -> dict[str, Action]:
    """One service call for each permission of the matrix."""
    return {
        "visit.register": lambda db, _k: register(db, 9),
        "receipt.print": lambda db, k: _with_session(receipt_data, k["visit_no"])(db, k),
        "queue.hall": lambda db, k: queue.call_next(db, k["window"]),  # type: ignore[arg-type]
        "queue.room": lambda db, k: queue.call_next(db, k["mediation"]),  # type: ignore[arg-type]
        "case.read": _with_session(mediation.case_list),
        "case.edit": lambda db, k: mediation.reopen_case(db, k["case_id"]),  # type: ignore[arg-type]
        "case.print": lambda db, k: mediation_documents.render(
            db, "application", str(k["case_no"])),
        "register.export": lambda db, _k: export_register(db, "visits", _period(),
                                                          tmp / "v.xlsx"),
        "personal.reveal": lambda db, _k: export_register(db, "visits", _period(),
                                                          tmp / "v.xlsx", reveal_reason="核查"),
        "records.delete": lambda db, k: deletion.delete_case(
            db, k["case_id"], "误立案", version=1),  # type: ignore[arg-type]
        "report.read": _with_session(today_overview, date(2026, 11, 26)),
        "staff.manage": _with_session(staff.save_staff, None, "周敏", "counsellor", None,
                                      write=True),
        "settings.manage": lambda db, _k: _save_settings(db),
        "dictionaries.manage": _with_session(dictionaries.save_community, None, "新社区",
                                             write=True),
        "imports.run": lambda db, _k: write_template(db, "staff", tmp / "t.xlsx"),
        "police.read": _with_session(police_handovers.handover_list),
        "police.edit": lambda db, _k: police_handovers.record_handover(db, police_handover()),
        "police.print": lambda db, _k: police_documents.render(db, "handover", 1),
        "organisations.read": _with_session(organisation_directory.organisation_list),
        "organisations.edit": lambda db, _k: organisation_directory.save_organisation(
            db, None, organisation_input()),
        # No member of staff takes a kiosk ticket: only the kiosk holds the permission.
        "kiosk.ticket": lambda db, k: kiosk.take_ticket(db, k["category"]),  # type: ignore[arg-type]
        "counselling.edit": lambda db, _k: counselling_cases.update_intake(
            db, 1, "睡眠不好", version=1),
        "counselling.print": _with_session(referral_letter.letter_data, 1),
        "care.read": _with_session(care_listing.entry_list),
        "care.edit": lambda db, _k: care_visits.add_visit(
            db, 1, care_visits.VisitInput(date(2026, 11, 26), "走访")),
        "deliberation.read": _with_session(deliberation_listing.meeting_list),
        "deliberation.edit": lambda db, _k: deliberation_meetings.mark_action_done(
            db, 1, date(2026, 11, 26)),
        "closure.reply": lambda db, k: _with_session(
            replies.record_reply, k["visit_id"], "电话", "已告知", write=True)(db, k),
        "closure.rate": lambda db, k: _with_session(
            replies.record_rating, k["visit_id"], "满意", "电话回访", write=True)(db, k),
        # Only the rating pad: no member of staff touches it for the resident.
        "rating.pad": lambda db, k: _with_session(
            replies.pad_rating, k["referral_id"], "满意", write=True)(db, k),
    }


def _save_settings(database: Database) -> None:
    with database.write() as session:
        save_settings(session, load_settings(session))


def _known(database: Database) -> dict[str, object]:
    rooms = room_ids(database)
    visit = register(database, 1)
    case = make_case(database)
    return {"visit_no": visit.visit_no, "visit_id": visit.visit_id,
            "referral_id": visit.referral_id, "window": rooms["综合受理窗口"],
            "category": category_ids(database)["邻里"],
            "mediation": rooms["矛盾纠纷调解室"], "case_id": case.case_id, "case_no": case.case_no}


def test_every_permission_is_refused_to_every_role_without_it(
    database: Database, tmp_path: Path
) -> None:
    known = _known(database)
    care = room_ids(database)["关爱工作室"]
    actions = _actions(tmp_path)
    # Counselling content is shown elsewhere (its own change); every other permission here.
    assert set(actions) == set(auth.MATRIX) - {"counselling.read"}
    admin = database.actor
    refused: list[tuple[str, str]] = []
    for permission, action in actions.items():
        for role in sorted(auth.ALL_ROLES - auth.MATRIX[permission]):
            database.actor = auth.Actor(None, f"测试{role}", frozenset({role}),
                                        room_id=care if role in auth.ROOM_ROLES else None)
            with pytest.raises(PermissionDenied) as denied:
                action(database, known)
            assert "无权" in str(denied.value), (permission, role)
            refused.append((permission, role))
    database.actor = admin
    assert len(refused) == sum(len(auth.ALL_ROLES - roles) for p, roles in auth.MATRIX.items()
                               if p in actions)


def test_room_staff_work_their_own_room_only(database: Database) -> None:
    rooms = room_ids(database)
    visit = register(database, 1)
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}),
                                room_id=rooms["关爱工作室"])
    assert queue.call_next(database, rooms["关爱工作室"]) is None
    with pytest.raises(PermissionDenied):
        queue.call(database, visit.referral_id)


def test_room_staff_read_their_own_room_only(database: Database) -> None:
    """The queue, the route, the board and the escalations of other rooms stay closed."""
    rooms = room_ids(database)
    ours = register(database, 1, room="关爱工作室")
    theirs = register(database, 2)
    for visit in (ours, theirs):
        queue.escalate(database, visit.visit_id, "B", "情绪激动", due_date=date(2026, 12, 9))
    with database.read() as session:
        names = {ours.referral_id: _person_name(session, ours.visit_id),
                 theirs.referral_id: _person_name(session, theirs.visit_id)}
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}),
                                room_id=rooms["关爱工作室"])
    with database.read() as session:
        assert [r.id for r in queue.workable_rooms(session)] == [rooms["关爱工作室"]]
        assert [r.referral_id for r in queue.room_queue(session, rooms["关爱工作室"])] == [
            ours.referral_id]
        with pytest.raises(PermissionDenied):
            queue.room_queue(session, rooms["矛盾纠纷调解室"])
        assert queue.visit_route(session, ours.visit_id).visit_no == ours.visit_no
        with pytest.raises(PermissionDenied) as refused:
            queue.visit_route(session, theirs.visit_id)
        assert (refused.value.permission, str(refused.value)) == (
            "queue.room", "当前账号无权查看其他室来访的转办记录")
        assert [e.visit_id for e in queue.open_escalations(session)] == [ours.visit_id]
        board = {row.room_id: row for row in queue.centre_board(session)}
    # A called ticket of another room shows its number, never the resident's name.
    database.actor = auth.Actor(None, "接待", frozenset({"receptionist"}))
    queue.call(database, theirs.referral_id)
    queue.call(database, ours.referral_id)
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}),
                                room_id=rooms["关爱工作室"])
    with database.read() as session:
        board = {row.room_id: row for row in queue.centre_board(session)}
    assert names[ours.referral_id] in board[rooms["关爱工作室"]].called[0]
    called = board[rooms["矛盾纠纷调解室"]].called[0]
    assert called.startswith(theirs.ticket_no) and names[theirs.referral_id] not in called
    # The receptionist sees every room, names included.
    database.actor = auth.Actor(None, "接待", frozenset({"receptionist"}))
    with database.read() as session:
        board = {row.room_id: row for row in queue.centre_board(session)}
        assert len(queue.open_escalations(session)) == 2
        assert len(queue.workable_rooms(session)) == len(rooms)
    assert names[theirs.referral_id] in board[rooms["矛盾纠纷调解室"]].called[0]


def test_who_works_no_queue_reads_none(database: Database) -> None:
    visit = register(database, 1)
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    with database.read() as session:
        for read in (queue.workable_rooms, queue.centre_board, queue.open_escalations,
                     lambda s: queue.visit_route(s, visit.visit_id)):
            with pytest.raises(PermissionDenied):
                read(session)
    # Room staff whose account names no room work no queue either.
    database.actor = auth.Actor(None, "无室", frozenset({"room_staff"}))
    with database.read() as session, pytest.raises(PermissionDenied):
        queue.centre_board(session)


def _person_name(session: Session, visit_id: int) -> str:
    return str(session.scalar(
        select(Person.name).join(Visit, Visit.person_id == Person.id)
        .where(Visit.id == visit_id)))


# -- the same through the command line ---------------------------------------------------

def _cli_commands(known: dict[str, object], tmp: Path) -> dict[str, list[str]]:
    return {
        "receipt.print": ["print", "receipt", str(known["visit_no"]), "--out",
                          str(tmp / "r.pdf")],
        "case.print": ["print", "application", str(known["case_no"]), "--out",
                       str(tmp / "a.pdf")],
        "register.export": ["export", "visits", "--from", "2026-11-01", "--to", "2026-11-30",
                            "--out", str(tmp / "v.xlsx")],
        "report.read": ["export", "monthly", "--from", "2026-11-01", "--to", "2026-11-30",
                        "--out", str(tmp / "m.xlsx")],
        "imports.run": ["template", "staff", "--out", str(tmp / "t.xlsx")],
    }


def test_the_command_line_obeys_the_matrix(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    known = _known(sqlite_database)
    logins = {}
    for role in sorted(auth.ALL_ROLES):
        logins[role] = f"cli_{role}"
        _account(sqlite_database, logins[role], {role})
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    for permission, command in _cli_commands(known, tmp_path).items():
        for role in sorted(auth.ALL_ROLES):
            monkeypatch.setenv("DESKTOP_USER", logins[role])
            monkeypatch.setenv("DESKTOP_PASSWORD", PASSWORD)
            code = main(["--db", url, *command])
            err = capsys.readouterr().err
            if role in auth.MATRIX[permission]:
                assert "无权" not in err, (permission, role, err)
            else:
                assert code == 2 and "当前账号无权" in err, (permission, role, err)
    # Without an account in the environment (and no terminal), nothing is done.
    monkeypatch.delenv("DESKTOP_USER")
    monkeypatch.delenv("DESKTOP_PASSWORD")
    assert main(["--db", url, "template", "staff", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "请先登录" in capsys.readouterr().err
    monkeypatch.setenv("DESKTOP_USER", logins["admin"])
    monkeypatch.setenv("DESKTOP_PASSWORD", "Wrong2026pw")
    assert main(["--db", url, "template", "staff", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "账号或密码不正确" in capsys.readouterr().err
    with sqlite_database.read() as session:
        assert session.scalar(select(Staff.failed_attempts).where(
            Staff.login == logins["admin"])) == 1


# -- the accounts the administrator keeps ------------------------------------------------

def _person(database: Database, name: str = "周敏", role: str = "receptionist") -> int:
    """A member of staff without an account, as the staff list adds one."""
    with database.write() as session:
        return staff.save_staff(session, None, name, role, None)


def _roles(database: Database, staff_id: int) -> tuple[str | None, str, list[str]]:
    with database.read() as session:
        row = session.get_one(Staff, staff_id)
        return row.login, row.role, sorted(r.role for r in row.roles)


def test_an_account_needs_a_free_login_and_a_role(database: Database) -> None:
    ident = _person(database)
    _account(database, "taken", {"receptionist"})
    cases = [
        ("", ["receptionist"], "login", "请填写登录账号"),
        ("  ", ["receptionist"], "login", "请填写登录账号"),
        ("周敏", ["receptionist"], "login", "字母、数字"),
        ("taken", ["receptionist"], "login", "账号“taken”已被使用"),
        ("zhoumin", [], "roles", "请至少选择一个角色"),
        ("zhoumin", ["receptionist", "boss"], "roles", "请至少选择一个角色"),
    ]
    for login, roles, field, message in cases:
        with pytest.raises(ValidationError) as refused, database.write() as session:
            auth.set_account(session, ident, login, roles)
        assert message in refused.value.errors[field], (login, roles)
    assert _roles(database, ident) == (None, "receptionist", ["receptionist"])
    with database.write() as session:
        auth.set_account(session, ident, " zhoumin ", ["mediator", "receptionist"])
    assert _roles(database, ident) == ("zhoumin", "receptionist", ["mediator", "receptionist"])
    with database.write() as session:  # the main role goes: the first one left becomes it
        auth.set_account(session, ident, "zhoumin", ["mediator", "counsellor"])
    assert _roles(database, ident) == ("zhoumin", "mediator", ["counsellor", "mediator"])


def test_the_last_administrator_cannot_step_down(database: Database) -> None:
    admin = database.actor
    assert admin is not None and admin.staff_id is not None
    me = admin.staff_id
    # Holding the role without a login, or on an account that is off, is no administrator.
    _person(database, "无账号者", "admin")
    off = _account(database, "tingyong", {"admin"})
    with database.write() as session:
        staff.save_staff(session, off, "测试tingyong", "admin", None, active=False)
    with pytest.raises(ValidationError) as roles, database.write() as session:
        auth.set_account(session, me, TEST_ADMIN_LOGIN, auth.ALL_ROLES - {"admin"})
    assert roles.value.errors == {"roles": auth.LAST_ADMIN.format(name=TEST_ADMIN_NAME)}
    assert "唯一可以登录的中心管理员" in roles.value.errors["roles"]
    with pytest.raises(ValidationError) as main, database.write() as session:
        staff.save_staff(session, me, TEST_ADMIN_NAME, "mediator", None)
    assert "唯一可以登录的中心管理员" in main.value.errors["role"]
    with pytest.raises(ValidationError) as leaves, database.write() as session:
        staff.save_staff(session, me, TEST_ADMIN_NAME, "admin", None, active=False)
    assert "唯一可以登录的中心管理员" in leaves.value.errors["active"]
    login, role, held = _roles(database, me)
    assert (login, role, set(held)) == (TEST_ADMIN_LOGIN, "admin", auth.ALL_ROLES)
    # Once another administrator can sign in, the first may hand over.
    _account(database, "zhuren", {"admin"})
    with database.write() as session:
        auth.set_account(session, me, TEST_ADMIN_LOGIN, ["mediator"])
    assert _roles(database, me) == (TEST_ADMIN_LOGIN, "mediator", ["mediator"])


def test_the_administrator_lifts_a_lockout(database: Database) -> None:
    ident = _account(database, "jiedai", {"receptionist"})
    admin = database.actor
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(ValidationError):
            auth.sign_in(database, "jiedai", "Wrong2026pw")
    with database.read() as session:
        until = auth.account(session, ident).locked_until
    assert until is not None and until > datetime.now()
    with pytest.raises(ValidationError, match="账号已锁定"):
        auth.sign_in(database, "jiedai", PASSWORD)
    # Only the administrator sees the account or lifts the lock.
    database.actor = auth.Actor(None, "测试接待", frozenset({"receptionist"}))
    with pytest.raises(PermissionDenied), database.write() as session:
        auth.unlock_account(session, ident)
    with pytest.raises(PermissionDenied), database.read() as session:
        auth.account(session, ident)
    database.actor = admin
    with database.write() as session:
        auth.unlock_account(session, ident)
    with database.read() as session:
        assert auth.account(session, ident).locked_until is None
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "change", AuditEntry.target_type == "staff",
            AuditEntry.target_id == str(ident)).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.staff_name == TEST_ADMIN_NAME
    assert json.loads(entry.detail)["changes"]["locked_until"]["new"] is None
    assert auth.sign_in(database, "jiedai", PASSWORD).staff_id == ident
    database.actor = admin


def test_the_account_as_the_administrator_sees_it(database: Database) -> None:
    ident = _person(database)
    with database.read() as session:
        before = auth.account(session, ident)
    assert before == auth.Account(ident, "周敏", True, "", frozenset({"receptionist"}),
                                  has_password=False, must_change_password=False,
                                  locked_until=None)
    with database.write() as session:
        auth.set_account(session, ident, "zhoumin", ["receptionist", "leader"])
        auth.reset_password(session, ident, "Temp2026pw", "Temp2026pw")
    with database.read() as session:
        after = auth.account(session, ident)
    assert (after.login, after.roles, after.has_password, after.must_change_password) == (
        "zhoumin", frozenset({"receptionist", "leader"}), True, True)
