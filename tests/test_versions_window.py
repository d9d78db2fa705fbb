"""Two desks, two case editors on the same case: the second save is refused in the window.

Each desk is its own ``Database`` on the same SQLite file, as two PCs sharing
a database. The refused save opens the conflict dialog, which names the field
that differs with both values; 取消 keeps the user's text, 重新载入 replaces it
(the text stays in the dialog to copy). A closed case shows read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services import mediation
from desktop.services.reception.matching import find_people
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.views.mediation.case_editor import CaseEditor
from desktop.views.reception.registration import RegistrationPage
from desktop.views.stale_dialog import StaleEditDialog
from tests import mediation_helpers as h
from tests.factories import id_number
from tests.qt_helpers import answering, type_text
from tests.reception_helpers import category_ids, room_ids


def open_editor(qtbot: QtBot, database: Database, case_id: int) -> CaseEditor:
    editor = CaseEditor(database=database)
    qtbot.addWidget(editor)
    editor.show()
    editor.load(case_id)
    return editor


def open_editors(qtbot: QtBot, desks: tuple[Database, Database],
                 case_id: int) -> tuple[CaseEditor, CaseEditor]:
    """The case open on both desks."""
    return open_editor(qtbot, desks[0], case_id), open_editor(qtbot, desks[1], case_id)


def click(qtbot: QtBot, button: QPushButton | None) -> None:
    assert button is not None and button.isEnabled(), button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def append(qtbot: QtBot, edit: QPlainTextEdit, text: str, *, new_line: bool = False) -> None:
    """Type ``text`` at the end of ``edit`` (on a line of its own with ``new_line``)."""
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.End)
    if new_line:
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    type_text(qtbot, edit, text)


def stale_dialog(qtbot: QtBot, owner: object) -> StaleEditDialog:
    qtbot.waitUntil(lambda: getattr(owner, "last_stale_dialog", None) is not None)
    dialog = owner.last_stale_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, StaleEditDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.objectName() == "stale_edit" and dialog.accessibleName() == "保存冲突"
    return dialog


def rows(dialog: StaleEditDialog) -> dict[str, tuple[str, str]]:
    table = dialog.findChild(QTableWidget, "stale_edit.changes")
    assert table is not None
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def saved_case(database: Database, case_id: int) -> mediation.CaseDetail:
    with database.read() as session:
        return mediation.case_detail(session, case_id)


def test_the_second_desk_saving_the_case_is_shown_what_changed(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    one, two = sqlite_desks
    ref = h.make_case(one)
    first, second = open_editors(qtbot, sqlite_desks, ref.case_id)
    original = first.info.facts.toPlainText()

    append(qtbot, first.info.facts, "一号补充")
    click(qtbot, first.info.save_button)
    assert first.status.text() == "基本信息已保存。"

    append(qtbot, second.info.facts, "二号补充")
    click(qtbot, second.info.save_button)
    dialog = stale_dialog(qtbot, second)
    message = dialog.findChild(QLabel, "stale_edit.message")
    assert message is not None and "该案件已被他人修改（一号窗口 于 " in message.text()
    assert rows(dialog) == {"纠纷主要事实": (original + "二号补充", original + "一号补充")}
    assert "未保存" in second.status.text()
    assert saved_case(one, ref.case_id).facts == original + "一号补充"

    # 取消: the user's text stays, nothing saved.
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.cancel"))
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert second.info.facts.toPlainText() == original + "二号补充"

    # Saving again is refused again; 重新载入 shows the other desk's text, the dialog
    # keeps the user's text to copy from.
    second.last_stale_dialog = None
    click(qtbot, second.info.save_button)
    dialog = stale_dialog(qtbot, second)
    yours = dialog.findChild(QPlainTextEdit, "stale_edit.yours")
    assert yours is not None and "二号补充" in yours.toPlainText()
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.reload"))
    assert second.info.facts.toPlainText() == original + "一号补充"
    assert dialog.isVisible() and "二号补充" in yours.toPlainText()
    cancel = dialog.findChild(QPushButton, "stale_edit.cancel")
    assert cancel is not None and cancel.text() == "关闭"
    click(qtbot, cancel)

    # Now on the current version, the second desk's edit is saved.
    append(qtbot, second.info.facts, "二号补充")
    click(qtbot, second.info.save_button)
    assert second.status.text() == "基本信息已保存。"
    assert saved_case(two, ref.case_id).facts == original + "一号补充二号补充"


def test_a_stale_agreement_is_refused_and_reload_keeps_other_tabs(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    one, two = sqlite_desks
    ref = h.make_case(one)
    mediation.save_agreement(one, ref.case_id, h.agreement(["原协议条款。"]), version=None)
    first, second = open_editors(qtbot, sqlite_desks, ref.case_id)

    first.tabs.setCurrentIndex(3)
    append(qtbot, first.agreement.clauses, "一号窗口加的条款。", new_line=True)
    click(qtbot, first.agreement.agreement_save)
    assert first.status.text() == "协议已保存。"

    # The second desk types a session record (not saved) and an agreement clause.
    second.tabs.setCurrentIndex(2)
    type_text(qtbot, second.sessions.session_record, "二号窗口未保存的调解记录")
    second.tabs.setCurrentIndex(3)
    append(qtbot, second.agreement.clauses, "二号窗口加的条款。", new_line=True)
    click(qtbot, second.agreement.agreement_save)
    dialog = stale_dialog(qtbot, second)
    assert rows(dialog) == {"协议条款": ("原协议条款。\n二号窗口加的条款。",
                                     "原协议条款。\n一号窗口加的条款。")}
    agreement = saved_case(one, ref.case_id).agreement
    assert agreement is not None and agreement.clauses == ["原协议条款。", "一号窗口加的条款。"]

    click(qtbot, dialog.findChild(QPushButton, "stale_edit.reload"))
    assert second.agreement.clauses.toPlainText() == "原协议条款。\n一号窗口加的条款。"
    # Reloading the agreement did not throw away the unsaved session record.
    assert second.sessions.session_record.toPlainText() == "二号窗口未保存的调解记录"
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.cancel"))
    append(qtbot, second.agreement.clauses, "二号窗口加的条款。", new_line=True)
    click(qtbot, second.agreement.agreement_save)
    agreement = saved_case(two, ref.case_id).agreement
    assert agreement is not None and agreement.clauses == [
        "原协议条款。", "一号窗口加的条款。", "二号窗口加的条款。"]
    assert second.sessions.session_record.toPlainText() == "二号窗口未保存的调解记录"


def test_a_stale_party_dialog_reloads_the_party(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    one, two = sqlite_desks
    ref = h.make_case(one)
    first, second = open_editors(qtbot, sqlite_desks, ref.case_id)
    for editor in (first, second):
        editor.tabs.setCurrentIndex(1)
        editor.parties.parties_table.selectRow(0)
    mine = second.parties.on_edit_party()  # the second desk opens the party first
    theirs = first.parties.on_edit_party()
    assert mine is not None and theirs is not None
    theirs.phone.clear()
    type_text(qtbot, theirs.phone, "13911112222")
    click(qtbot, theirs.save_button)

    mine.address.clear()
    type_text(qtbot, mine.address, "东城区新地址8号")
    click(qtbot, mine.save_button)
    dialog = stale_dialog(qtbot, mine)
    assert rows(dialog) == {"住址/住所": ("东城区新地址8号", "东城区建设路1号"),
                            "联系电话": ("13800130001", "13911112222")}
    assert mine.isVisible()  # the party dialog stays open under the conflict
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.reload"))
    assert (mine.phone.text(), mine.address.text()) == ("13911112222", "东城区建设路1号")
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.cancel"))
    mine.address.clear()
    type_text(qtbot, mine.address, "东城区新地址8号")
    click(qtbot, mine.save_button)
    party = saved_case(two, ref.case_id).parties[0]
    assert (party.phone, party.address) == ("13911112222", "东城区新地址8号")


def test_a_stale_form_saved_after_closing_is_refused_and_the_case_shows_read_only(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    one, two = sqlite_desks
    ref = h.make_case(one)
    first, second = open_editors(qtbot, sqlite_desks, ref.case_id)
    banner = second.findChild(QLabel, "case.closed_banner")
    assert banner is not None and not banner.isVisible()

    # The first desk closes the case.
    first.tabs.setCurrentIndex(3)
    first.agreement.outcome.setCurrentIndex(first.agreement.outcome.findText("调解不成功"))
    type_text(qtbot, first.agreement.outcome_reason, "双方分歧较大")
    first.agreement.guided_to.setCurrentIndex(first.agreement.guided_to.findData("诉讼"))
    click(qtbot, first.agreement.close_button)
    assert saved_case(one, ref.case_id).outcome == "调解不成功"
    assert first.closed_banner.isVisible()

    # The second desk still shows the open case and saves old text over it: refused.
    original = second.info.facts.toPlainText()
    append(qtbot, second.info.facts, "结案后才保存的旧表单")
    click(qtbot, second.info.save_button)
    assert "该案件已结案，如需修改请先“重新打开”" in second.status.text()
    assert saved_case(one, ref.case_id).facts == original

    # Reopened in the window, the case is read-only under the banner ...
    second.load(ref.case_id)
    assert banner.isVisible() and banner.text() == "已结案，如需修改请先“重新打开”"
    assert second.info.facts.isReadOnly() and second.agreement.clauses.isReadOnly()
    assert not second.info.mediators.isEnabled() and not second.info.category.isEnabled()
    for name in ("case.parties.add_applicant", "case.parties.edit", "case.parties.remove",
                 "case.sessions.save", "case.sessions.new", "agreement.save"):
        button = second.findChild(QPushButton, name)
        assert button is not None and not button.isEnabled(), name
    # ... but what follows closing stays open: 回访, 司法确认, 附件 and the 立卷 fields.
    for name in ("case.followups.save", "case.attachments.add", "case.reopen"):
        button = second.findChild(QPushButton, name)
        assert button is not None and button.isEnabled(), name
    assert not second.info.archive_no.isReadOnly()
    type_text(qtbot, second.info.archive_no, "2026-卷-009")
    click(qtbot, second.info.save_button)
    assert second.status.text() == "基本信息已保存。"
    assert saved_case(two, ref.case_id).archive_no == "2026-卷-009"

    # 重新打开 makes it editable again.
    click(qtbot, second.agreement.reopen_button)
    assert not banner.isVisible() and not second.info.facts.isReadOnly()
    assert second.findChild(QPushButton, "agreement.save").isEnabled()  # type: ignore[union-attr]


def test_registration_does_not_overwrite_a_resident_another_desk_changed(
        qtbot: QtBot, sqlite_desks: tuple[Database, Database]) -> None:
    one, two = sqlite_desks
    rooms, categories = room_ids(one), category_ids(one)
    def visit(**changes: object) -> RegistrationInput:
        values: dict[str, object] = dict(
            name="王秀英", id_number=id_number(7), phone="13912345678", gender="女",
            address="建设路12号", summary="楼道堆放杂物", room_id=rooms["矛盾纠纷调解室"],
            category_id=categories["邻里"])
        values.update(changes)
        return RegistrationInput(**values)  # type: ignore[arg-type]

    register_visit(one, visit())
    page = RegistrationPage(database=one)
    qtbot.addWidget(page)
    page.show()
    matches = page.show_matches(id_number(7))
    page.choose_person(matches[0])
    assert page.phone.text() == "13912345678"
    # Meanwhile the other desk records the resident's new phone number.
    with two.read() as session:
        (theirs,) = find_people(session, id_number(7))
    register_visit(two, visit(phone="13700001111", person_id=theirs.person_id,
                              person_version=theirs.version, summary="反映噪音"))

    page.category.setCurrentIndex(page.category.findData(categories["邻里"]))
    type_text(qtbot, page.summary, "第三次来访")
    # Her two tickets of today still wait: the desk goes on with a third, asked once.
    with answering(qtbot, "second_ticket", "go_on") as asked:
        click(qtbot, page.findChild(QPushButton, "registration.save"))
    assert len(asked) == 1 and "调-001" in asked[0] and "调-002" in asked[0]
    dialog = stale_dialog(qtbot, page)
    assert rows(dialog) == {"联系电话": ("13912345678", "13700001111")}
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.reload"))
    assert page.phone.text() == "13700001111"
    assert page.summary.toPlainText() == "第三次来访"  # the rest of the form is kept
    click(qtbot, dialog.findChild(QPushButton, "stale_edit.cancel"))
    click(qtbot, page.findChild(QPushButton, "registration.save"))
    assert page.last_registration is not None
    with one.read() as session:
        (person,) = find_people(session, id_number(7))
    assert person.phone == "13700001111" and person.visit_count == 3
