"""The 心理咨询 page through the real window: take up a routed visit, a high-risk session
asks for the crisis step, the leader's status bar shows the notice without content."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import CounsellingSession, Staff, Visit
from desktop.services.admin import auth
from desktop.views.counselling.cases_page import CounsellingPage
from desktop.views.main_window import MainWindow
from desktop.views.notifications import NotificationsDialog
from tests.counselling_helpers import SECRET, SESSION_SECRET, routed_visit
from tests.qt_helpers import lists_read, show_active, type_text


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _leader(database: Database) -> auth.Actor:
    with database.write() as session:
        staff = Staff(name="钱卫东", role="leader", active=True, login="leader1")
        auth.set_roles(staff, ["leader"])
        session.add(staff)
        session.flush()
        return auth.actor_for(staff)


def _nav_item(window: MainWindow, key: str):  # type: ignore[no-untyped-def]
    row = [k for _t, k, _b in window.sections].index(key)
    return window.navigation.item(row)


def test_take_up_high_risk_session_and_the_leader_is_told(
        qtbot: QtBot, sqlite_database: Database) -> None:
    database = sqlite_database
    leader = _leader(database)
    visit = routed_visit(database)
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    assert not _nav_item(window, "counselling").isHidden()
    page = window.show_section("心理咨询")
    lists_read(qtbot, page)
    assert isinstance(page, CounsellingPage)

    routed = page.findChild(QListWidget, "counselling.routed")
    assert routed.count() == 1 and "测试7号" in routed.item(0).text()
    routed.setCurrentRow(0)
    click(qtbot, page.findChild(QPushButton, "counselling.take_up"))
    editor = page.editor
    assert page.stack.currentWidget() is editor
    assert SECRET in editor.intake.problem.toPlainText()
    click(qtbot, editor.findChild(QPushButton, "counselling.save_intake"))
    assert editor.detail is not None and editor.detail.visit_no == visit.visit_no
    assert editor.tabs.currentWidget() is editor.sessions
    assert routed.count() == 0

    # A session assessed 高: the crisis step is asked, and the save waits for it.
    tab = editor.sessions
    type_text(qtbot, tab.minutes, "50")
    type_text(qtbot, tab.problem, SESSION_SECRET)
    type_text(qtbot, tab.intervention, "共情倾听")
    crisis = tab.findChild(QComboBox, "counselling.session.crisis_step")
    assert not crisis.isVisible()
    tab.findChild(QComboBox, "counselling.session.risk.suicide").setCurrentText("高")
    assert crisis.isVisible()
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    error = tab.risk.errors["crisis_step"]
    assert error.isVisible() and "危机处置" in error.text()
    with database.read() as session:
        assert session.scalar(select(CounsellingSession.id)) is None
    crisis.setCurrentIndex(crisis.findData("其他"))
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    assert tab.risk.errors["crisis_note"].isVisible()
    type_text(qtbot, tab.findChild(QLineEdit, "counselling.session.crisis_note"), "联系家属陪同")
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    assert editor.detail is not None and len(editor.detail.sessions) == 1
    assert editor.detail.highest_risk == "高"
    with database.read() as session:
        assert session.scalar(select(Visit.risk_level)) == "红"
    case_no = editor.detail.case_no

    # The list shows the case in red.
    click(qtbot, editor.findChild(QPushButton, "counselling.back"))
    item = page.table.item(0, 0)
    assert item.text() == case_no and item.foreground().color().name() == "#b3261e"
    # (the all-roles test account is a leader too: it is told as well)
    assert window.notifications.refresh() == 1

    # The leader signs in on the same window: the indicator shows the notice, no content.
    window._forget_pages()
    database.actor = leader
    window.show_account()
    assert _nav_item(window, "counselling").isHidden()
    assert window.notifications.refresh() == 1
    assert window.notifications.isVisible()
    window.notifications.click()
    dialog = window.notifications.dialog
    assert isinstance(dialog, NotificationsDialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(texts) == 1 and case_no in texts[0] and "高风险" in texts[0]
    for secret in (SECRET, SESSION_SECRET, "联系家属陪同", "测试7号"):
        assert secret not in texts[0]
    click(qtbot, dialog.read_button)
    assert window.notifications.refresh() == 0 and not window.notifications.isVisible()
    assert date.today()  # the test clock


def test_the_section_is_hidden_from_a_non_counsellor(
        qtbot: QtBot, sqlite_database: Database) -> None:
    sqlite_database.actor = auth.Actor(None, "接待员", frozenset({"receptionist"}))
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    item = _nav_item(window, "counselling")
    assert item.isHidden() and not item.flags() & Qt.ItemFlag.ItemIsEnabled


def _open_with_session(qtbot: QtBot, database: Database, **changes: object):  # type: ignore[no-untyped-def]
    from desktop.services.counselling import sessions
    from tests.counselling_helpers import session_input, take_up

    ref = take_up(database)
    sessions.add_session(database, ref.case_id, session_input(**changes))
    page = CounsellingPage(database=database)
    qtbot.addWidget(page)
    lists_read(qtbot, page)
    show_active(qtbot, page)
    editor = page.open_case(ref.case_id)
    editor.tabs.setCurrentWidget(editor.sessions)
    return ref, editor


def test_a_saved_session_is_changed_to_high_and_deleted(
        qtbot: QtBot, sqlite_database: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.models import Notification
    from desktop.views import dialogs

    database = sqlite_database
    _ref, editor = _open_with_session(qtbot, database, scales={"PHQ-9": [1] * 9})
    tab = editor.sessions
    delete = tab.findChild(QPushButton, "counselling.session.delete")
    assert not delete.isEnabled()
    tab.select_session(0)
    assert tab.session_id is not None and tab.minutes.text() == "50"
    assert tab.scale_boxes[0].isChecked() and not tab.scale_boxes[1].isChecked()
    assert delete.isEnabled()
    tab.minutes.clear()
    type_text(qtbot, tab.minutes, "75")
    tab.findChild(QComboBox, "counselling.session.risk.harm_others").setCurrentText("高")
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    assert tab.risk.errors["crisis_step"].isVisible()
    crisis = tab.findChild(QComboBox, "counselling.session.crisis_step")
    crisis.setCurrentIndex(crisis.findData("移交公安"))
    tab.scale_boxes[0].setChecked(False)
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    assert editor.detail is not None and editor.detail.highest_risk == "高"
    (saved,) = editor.detail.sessions
    assert saved.minutes == 75 and saved.scales == [] and saved.risk is not None
    assert saved.risk.crisis_step == "移交公安"
    assert tab.session_id == saved.id and tab.session_version == saved.version
    with database.read() as session:
        assert session.scalar(select(Visit.risk_level)) == "红"
        assert len(session.scalars(select(Notification)).all()) == 1

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    click(qtbot, delete)
    assert asked and editor.detail.sessions == [] and tab.session_id is None
    assert tab.table.rowCount() == 0 and not delete.isEnabled()
    with database.read() as session:
        assert session.scalar(select(CounsellingSession.id)) is None


def test_a_stale_save_opens_the_conflict_dialog_and_reloads(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    from desktop.services.counselling import sessions
    from tests.counselling_helpers import session_input

    one, two = sqlite_desks
    _ref, editor = _open_with_session(qtbot, one)
    tab = editor.sessions
    tab.select_session(0)
    assert tab.session_id is not None and tab.session_version is not None
    sessions.update_session(two, tab.session_id, session_input(plan="二号窗口改的计划"),
                            version=tab.session_version)
    tab.plan.clear()
    type_text(qtbot, tab.plan, "一号窗口的计划")
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    dialog = tab.last_stale_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "后续计划"
    assert tab.plan.toPlainText() == "一号窗口的计划"  # the form stays as typed
    click(qtbot, dialog.reload_button)
    assert tab.plan.toPlainText() == "二号窗口改的计划"
    assert "一号窗口的计划" in dialog.yours.toPlainText()
    dialog.close()
    tab.plan.clear()
    type_text(qtbot, tab.plan, "二号窗口改的计划，再补充")
    click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    assert editor.detail is not None
    assert editor.detail.sessions[0].plan == "二号窗口改的计划，再补充"


def test_a_closed_case_is_read_only_until_reopened(
        qtbot: QtBot, sqlite_database: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.counselling import cases, closing
    from desktop.views import dialogs

    database = sqlite_database
    ref, editor = _open_with_session(qtbot, database)
    with database.read() as session:
        version = cases.case_detail(session, ref.case_id).version
    closing.close_case(database, ref.case_id, date.today(), "咨询目标达成", version=version)
    editor.load(ref.case_id)
    tab = editor.sessions
    tab.select_session(0)
    assert tab.minutes.text() == "50"  # readable
    for name in ("counselling.session.save", "counselling.session.delete",
                 "counselling.session.new"):
        assert not tab.findChild(QPushButton, name).isEnabled()
    assert not tab.minutes.isEnabled()
    assert tab.findChild(QLabel, "counselling.session.closed_hint").isVisible()

    editor.tabs.setCurrentWidget(editor.referral)
    reopen = editor.referral.findChild(QPushButton, "counselling.reopen_case")
    assert not editor.referral.findChild(QPushButton, "counselling.close_case").isVisible()
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: False)
    click(qtbot, reopen)
    assert editor.detail is not None and editor.detail.closed
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: True)
    click(qtbot, reopen)
    assert editor.detail is not None and not editor.detail.closed
    assert not reopen.isVisible()
    assert editor.referral.findChild(QPushButton, "counselling.close_case").isVisible()
    editor.tabs.setCurrentWidget(editor.sessions)
    tab.select_session(0)
    assert tab.findChild(QPushButton, "counselling.session.save").isEnabled()
    assert not tab.findChild(QLabel, "counselling.session.closed_hint").isVisible()
