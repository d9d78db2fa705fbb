"""The administrator keeps accounts in the window: 系统设置 → 工作人员, 账号与角色 beside the list.

A login and roles saved there, and a temporary password given in the 重置密码 dialog,
are what the person signs in with; refusals (bad login, weak password, no right,
the last administrator) show beside the field and write nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Staff
from desktop.services.admin import auth, staff
from desktop.services.errors import ValidationError
from desktop.views.admin.account_panel import AccountPanel, PasswordDialog
from desktop.views.admin.staff_editor import StaffDialog
from desktop.views.main_window import MainWindow
from tests.conftest import TEST_ADMIN_LOGIN, TEST_ADMIN_NAME, test_clock_start
from tests.qt_helpers import type_text


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click as the mouse would: a check box on its box (its row is wider than its text)."""
    assert button.isEnabled(), button.objectName()
    where = QPoint(8, button.height() // 2) if isinstance(button, QCheckBox) else QPoint()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=where)


def _open(qtbot: QtBot, database: Database) -> StaffDialog:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    dialog = window.settings.on_staff()
    assert isinstance(dialog, StaffDialog) and dialog.isVisible()
    return dialog


def _pick(dialog: StaffDialog, name: str) -> AccountPanel:
    dialog.editor.table.selectRow([e.name for e in dialog.editor.entries].index(name))
    assert dialog.accounts.who.text() == name
    return dialog.accounts


def _person(database: Database, name: str = "周敏", role: str = "counsellor") -> int:
    with database.write() as session:
        return staff.save_staff(session, None, name, role, None)


def _stored(database: Database, staff_id: int) -> tuple[str | None, list[str], bool]:
    with database.read() as session:
        row = session.get_one(Staff, staff_id)
        return row.login, sorted(r.role for r in row.roles), row.password_hash is not None


def _reset(qtbot: QtBot, panel: AccountPanel, password: str, repeat: str) -> PasswordDialog:
    click(qtbot, panel.reset_button)
    dialog = panel.password_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert dialog.repeat.echoMode() == dialog.repeat.EchoMode.Password
    type_text(qtbot, dialog.password, password)
    type_text(qtbot, dialog.repeat, repeat)
    click(qtbot, dialog.ok_button)
    return dialog


def test_the_admin_gives_an_account_and_resets_its_password(
    qtbot: QtBot, database: Database
) -> None:
    ident = _person(database)
    admin = database.actor
    dialog = _open(qtbot, database)
    panel = _pick(dialog, "周敏")
    assert panel.login.text() == "" and panel.checked_roles() == ["counsellor"]
    assert not panel.reset_button.isEnabled() and not panel.unlock_button.isEnabled()
    assert "尚未设置账号" in panel.state.text()
    type_text(qtbot, panel.login, "zhoumin")
    click(qtbot, panel.roles["receptionist"])
    click(qtbot, panel.save_button)
    assert panel.done.text() == "已保存账号和角色"
    assert _stored(database, ident) == ("zhoumin", ["counsellor", "receptionist"], False)
    row = [e.name for e in dialog.editor.entries].index("周敏")
    assert dialog.editor.table.item(row, 1).text() == "接待员、心理咨询师"
    assert "尚未设置密码" in panel.state.text()

    # The temporary password: the complexity rule and the repeat, beside their fields.
    reset = _reset(qtbot, panel, "abc", "abc")
    assert "至少需要 8 个字符" in reset.password_error.text() and reset.isVisible()
    reset.password.clear()
    reset.repeat.clear()
    type_text(qtbot, reset.password, "Temp2026pw")
    type_text(qtbot, reset.repeat, "Temp2026px")
    click(qtbot, reset.ok_button)
    assert reset.repeat_error.text() == "两次输入的密码不一致" and reset.isVisible()
    assert _stored(database, ident)[2] is False  # nothing written
    reset.repeat.clear()
    type_text(qtbot, reset.repeat, "Temp2026pw")
    click(qtbot, reset.ok_button)
    assert not reset.isVisible()
    assert "下次登录时须修改密码" in panel.state.text()
    assert "已重置 周敏 的密码" in panel.done.text()

    # She signs in with exactly the roles given, and must choose her own password.
    actor = auth.sign_in(database, "zhoumin", "Temp2026pw")
    assert actor.roles == frozenset({"counsellor", "receptionist"})
    assert actor.must_change_password
    auth.change_password(database, "Temp2026pw", "Mine2026pw", "Mine2026pw")
    database.actor = admin
    _reset(qtbot, panel, "Again2026pw", "Again2026pw")
    with database.read() as session:
        assert session.get_one(Staff, ident).must_change_password
    with pytest.raises(ValidationError, match="账号或密码不正确"):
        auth.sign_in(database, "zhoumin", "Mine2026pw")
    assert auth.sign_in(database, "zhoumin", "Again2026pw").must_change_password
    database.actor = admin


def test_bad_logins_and_no_role_are_refused_beside_the_field(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    database = sqlite_database
    ident = _person(database)
    dialog = _open(qtbot, database)
    panel = _pick(dialog, "周敏")
    click(qtbot, panel.save_button)
    assert panel.login_error.text() == "请填写登录账号"
    for login, message in (("周敏", "字母、数字"), (TEST_ADMIN_LOGIN, "已被使用")):
        panel.login.clear()
        type_text(qtbot, panel.login, login)
        click(qtbot, panel.save_button)
        assert message in panel.login_error.text(), login
    panel.login.clear()
    type_text(qtbot, panel.login, "zhoumin")
    click(qtbot, panel.roles["counsellor"])
    click(qtbot, panel.save_button)
    assert panel.login_error.text() == ""
    assert panel.roles_error.text() == "请至少选择一个角色"
    assert panel.done.text() == ""
    assert _stored(database, ident) == (None, ["counsellor"], False)
    # A new person, not yet saved, has no account to set.
    click(qtbot, dialog.editor.new_button)
    assert not panel.save_button.isEnabled() and not panel.login.isEnabled()
    assert "新增的人员先保存" in panel.who.text()


def test_new_roles_change_the_main_role_in_the_form(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    ident = _person(sqlite_database, "王志刚", "receptionist")
    dialog = _open(qtbot, sqlite_database)
    panel = _pick(dialog, "王志刚")
    type_text(qtbot, panel.login, "wangzhigang")
    click(qtbot, panel.roles["receptionist"])
    click(qtbot, panel.roles["mediator"])
    click(qtbot, panel.save_button)
    assert _stored(sqlite_database, ident)[:2] == ("wangzhigang", ["mediator"])
    assert dialog.editor.role.currentData() == "mediator"
    # Saving the form now keeps the roles as they are.
    click(qtbot, dialog.editor.save_button)
    assert _stored(sqlite_database, ident)[:2] == ("wangzhigang", ["mediator"])


def test_a_locked_account_is_unlocked_in_the_window(
    qtbot: QtBot, database: Database
) -> None:
    admin = database.actor
    with database.write() as session:
        ident = auth.create_account(session, "李慧敏", "lihuimin", "Given2026pw",
                                    {"receptionist"}, must_change=False)
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(ValidationError):
            auth.sign_in(database, "lihuimin", "Wrong2026pw")
    dialog = _open(qtbot, database)
    panel = _pick(dialog, "李慧敏")
    assert "已锁定至" in panel.state.text()
    click(qtbot, panel.unlock_button)
    assert panel.done.text() == "已解除锁定，可以立即登录"
    assert panel.state.text() == "正常" and not panel.unlock_button.isEnabled()
    assert auth.sign_in(database, "lihuimin", "Given2026pw").staff_id == ident
    database.actor = admin


def test_someone_without_the_right_is_told_so(qtbot: QtBot, sqlite_database: Database) -> None:
    database = sqlite_database
    admin = database.actor
    ident = _person(database)
    with database.write() as session:
        auth.set_account(session, ident, "zhoumin", ["counsellor"])
        auth.reset_password(session, ident, "Temp2026pw", "Temp2026pw")
    # Locked for the hour after the test's clock (at 23:55 too, when a fixed 23:00 is over).
    locked = test_clock_start().replace(microsecond=0) + timedelta(hours=1)
    with database.write() as session:
        session.get_one(Staff, ident).locked_until = locked
    dialog = _open(qtbot, database)
    panel = _pick(dialog, "周敏")
    refused = "当前账号无权管理工作人员和账号"
    # Another account now works at this PC (say, the admin's session was taken over).
    database.actor = auth.Actor(None, "测试接待", frozenset({"receptionist"}))
    click(qtbot, panel.roles["leader"])
    click(qtbot, panel.save_button)
    assert panel.error.text() == refused
    click(qtbot, panel.unlock_button)
    assert panel.error.text() == refused
    reset = _reset(qtbot, panel, "Other2026pw", "Other2026pw")
    assert reset.error.text() == refused and reset.isVisible()
    reset.reject()
    type_text(qtbot, dialog.editor.phone, "13912345678")
    click(qtbot, dialog.editor.save_button)
    assert dialog.editor.error.text() == refused
    dialog.editor.table.selectRow([e.name for e in dialog.editor.entries].index(TEST_ADMIN_NAME))
    assert panel.error.text() == refused and not panel.save_button.isEnabled()
    database.actor = admin
    with database.read() as session:
        row = session.get_one(Staff, ident)
        assert ([r.role for r in row.roles], row.locked_until, row.phone,
                row.must_change_password) == (["counsellor"], locked, None, True)


def test_the_admin_cannot_take_away_their_own_last_admin_role(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    dialog = _open(qtbot, sqlite_database)
    panel = _pick(dialog, TEST_ADMIN_NAME)
    assert set(panel.checked_roles()) == auth.ALL_ROLES
    click(qtbot, panel.roles["admin"])
    click(qtbot, panel.save_button)
    assert "测试管理员是唯一可以登录的中心管理员" in panel.roles_error.text()
    # Nor by the main role or 启用 of the list's form.
    editor = dialog.editor
    editor.role.setCurrentIndex(editor.role.findData("mediator"))
    click(qtbot, editor.save_button)
    assert "唯一可以登录的中心管理员" in editor.error.text()
    editor.role.setCurrentIndex(editor.role.findData("admin"))
    editor.active.setChecked(False)
    click(qtbot, editor.save_button)
    assert "唯一可以登录的中心管理员" in editor.error.text()
    with sqlite_database.read() as session:
        me = session.scalars(select(Staff).where(Staff.login == TEST_ADMIN_LOGIN)).one()
        assert (me.role, me.active, {r.role for r in me.roles}) == ("admin", True,
                                                                     auth.ALL_ROLES)
