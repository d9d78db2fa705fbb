"""Signing in, the lock and the first administrator, through the real window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.bootstrap import open_database
from desktop.views.admin.setup_wizard import SetupWizard
from desktop.views.main_window import MainWindow
from desktop.views.sign_in import SignInDialog
from tests.qt_helpers import type_text

PASSWORD = "Desk2026pass"


@pytest.fixture
def receptionist(sqlite_database: Database) -> Database:
    with sqlite_database.write() as session:
        auth.create_account(session, "李慧敏", "jiedai", PASSWORD, {"receptionist"},
                            must_change=False)
        auth.create_account(session, "王志刚", "tiaojie", PASSWORD, {"mediator"},
                            must_change=False)
    sqlite_database.actor = None
    return sqlite_database


def _dialog(qtbot: QtBot, database: Database, **kw: object) -> SignInDialog:
    dialog = SignInDialog(database=database, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_sign_in_through_the_dialog(qtbot: QtBot, receptionist: Database) -> None:
    dialog = _dialog(qtbot, receptionist)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    type_text(qtbot, dialog.login, "jiedai")
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert receptionist.actor is not None and receptionist.actor.name == "李慧敏"
    window = MainWindow(database=receptionist)
    qtbot.addWidget(window)
    assert "李慧敏" in window.account_label.text()
    # A receptionist has no 系统设置: its entry is greyed out.
    settings_row = [key for _t, key, _b in window.sections].index("settings")
    assert not window.navigation.item(settings_row).flags() & Qt.ItemFlag.ItemIsEnabled


def test_five_wrong_passwords_lock_the_account(qtbot: QtBot, receptionist: Database) -> None:
    dialog = _dialog(qtbot, receptionist)
    type_text(qtbot, dialog.login, "jiedai")
    for attempt in range(auth.MAX_FAILURES):
        type_text(qtbot, dialog.password, f"Wrong{attempt}pass")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.password.text() == ""  # never left in the field
    assert "已锁定 10 分钟" in dialog.error.text()
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "账号已锁定" in dialog.error.text()
    assert receptionist.actor is None and dialog.isVisible()


def test_idle_lock_keeps_what_was_typed(qtbot: QtBot, receptionist: Database) -> None:
    auth.sign_in(receptionist, "jiedai", PASSWORD)
    window = MainWindow(database=receptionist)
    qtbot.addWidget(window)
    window.show()
    type_text(qtbot, window.registration.name, "王秀英")
    window.idle.set_minutes(0.001)  # a few milliseconds of nobody at the desk
    qtbot.waitUntil(lambda: window.lock_dialog is not None)
    lock = window.lock_dialog
    assert lock is not None and lock.login.text() == "jiedai" and lock.login.isReadOnly()
    assert not window.centralWidget().isVisible()  # nothing of the records shows
    window.idle.timer.stop()
    type_text(qtbot, lock.password, "Wrong1pass")
    qtbot.mouseClick(lock.ok_button, Qt.MouseButton.LeftButton)
    assert "账号或密码不正确" in lock.error.text() and window.lock_dialog is lock
    type_text(qtbot, lock.password, PASSWORD)
    qtbot.mouseClick(lock.ok_button, Qt.MouseButton.LeftButton)
    assert window.lock_dialog is None and window.centralWidget().isVisible()
    assert window.registration.name.text() == "王秀英"


def test_switch_user_without_closing(qtbot: QtBot, receptionist: Database) -> None:
    auth.sign_in(receptionist, "jiedai", PASSWORD)
    window = MainWindow(database=receptionist)
    qtbot.addWidget(window)
    window.show()
    dialog = window.switch_user()
    assert receptionist.actor is None
    type_text(qtbot, dialog.login, "tiaojie")
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert receptionist.actor is not None and receptionist.actor.name == "王志刚"
    assert "王志刚" in window.account_label.text() and window.isVisible()


@pytest.fixture
def empty_centre(sqlite_db_url: str) -> Iterator[Database]:
    database = open_database(sqlite_db_url)
    yield database
    database.dispose()


def test_the_wizard_creates_the_first_administrator(
    qtbot: QtBot, empty_centre: Database
) -> None:
    wizard = SetupWizard(database=empty_centre)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.admin
    assert page is not None and wizard.currentPage() is page
    type_text(qtbot, page.name, "郑淑珍")
    type_text(qtbot, page.login, "admin")
    type_text(qtbot, page.password, "password")
    type_text(qtbot, page.repeat, "password")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is page
    assert "字母和数字" in page.errors["password"].text()
    for field in (page.password, page.repeat):
        field.clear()
        type_text(qtbot, field, "Admin2026pw")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is wizard.centre
    actor = empty_centre.actor
    assert actor is not None and actor.roles == frozenset({"admin"})
    # The next start signs in with it; no other account exists.
    empty_centre.actor = None
    assert auth.sign_in(empty_centre, "admin", "Admin2026pw").name == "郑淑珍"


def test_the_next_account_sees_its_own_room_only(qtbot: QtBot, receptionist: Database) -> None:
    """Pages built for the account that left are dropped; the next one's are its own."""
    from desktop.services import reference

    receptionist.actor = auth.Actor(None, "管理员", frozenset({"admin"}))
    with receptionist.write() as session:
        rooms = {room.name: room.id for room in reference.rooms(session)}
        auth.create_account(session, "赵丽", "guanai", PASSWORD, {"room_staff"},
                            room_id=rooms["关爱工作室"], must_change=False)
    auth.sign_in(receptionist, "jiedai", PASSWORD)
    window = MainWindow(database=receptionist)
    qtbot.addWidget(window)
    window.show()
    window.show_section("分流队列")
    assert window.queue.room.count() == len(rooms)
    before = window.queue
    dialog = window.switch_user()
    assert not window.is_built("queue")
    type_text(qtbot, dialog.login, "guanai")
    type_text(qtbot, dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # 接待登记 is not hers: the window moves on to the first section she may use.
    assert window.current_page() is not window.registration
    page = window.queue
    assert page is not before
    assert [page.room.itemText(i) for i in range(page.room.count())] == ["关爱工作室"]


def test_room_staff_without_a_room_are_told_why(qtbot: QtBot, receptionist: Database) -> None:
    auth.sign_in(receptionist, "tiaojie", PASSWORD)  # a mediator whose account names no room
    window = MainWindow(database=receptionist)
    qtbot.addWidget(window)
    window.show()
    page = window.queue
    page.on_poll(force=True)
    assert page.room.count() == 0
    assert "账号未设所在室" in page.message.text()
