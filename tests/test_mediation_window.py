"""A mediator works a case through the real window: from a routed visit to a printed agreement."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import MediationCase
from desktop.services import mediation, reference
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.views import dialogs
from desktop.views.main_window import MainWindow
from desktop.views.mediation.cases import CasesPage
from desktop.views.pdf_preview import PdfPreviewDialog
from tests import mediation_helpers as h
from tests import poppler
from tests.conftest import signed_in_like
from tests.factories import id_number
from tests.qt_helpers import lists_read, show_active, type_text


def pdf_text(data: bytes) -> str:
    return poppler.text_of(data)


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def check_item(qtbot: QtBot, widget: QListWidget, text: str) -> None:
    """Tick a checkable list entry by clicking its check box."""
    item = next(widget.item(i) for i in range(widget.count()) if widget.item(i).text()
                .startswith(text))
    widget.scrollToItem(item)
    rect = widget.visualItemRect(item)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() + 10, rect.center().y()))
    if item.checkState() != Qt.CheckState.Checked:  # the click landed on the text
        qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(rect.left() + 10, rect.center().y()))
    assert item.checkState() == Qt.CheckState.Checked


def _routed_visit(database: Database) -> str:
    with database.read() as session:
        room = next(r.id for r in reference.rooms(session) if r.name == "矛盾纠纷调解室")
        category = next(c.id for c in reference.categories(session) if c.name == "邻里")
    return register_visit(database, RegistrationInput(
        name="王秀英", id_number=id_number(7), phone="13912345678", gender="女",
        address="建设路12号", summary="楼上住户装修噪音扰民，多次协商未果",
        request="要求停止夜间施工",
        room_id=room, category_id=category,
    )).visit_no


class FakePrintDialog:
    """Stands in for the system print dialog: the user picks "print to PDF file" and OK."""

    def __init__(self, printer: QPrinter, out: Path) -> None:
        self.printer = printer
        self.out = out

    def exec(self) -> QDialog.DialogCode:
        self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer.setOutputFileName(str(self.out))
        return QDialog.DialogCode.Accepted


@pytest.fixture
def window(qtbot: QtBot, sqlite_database: Database) -> MainWindow:
    h.staff(sqlite_database)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def test_case_from_routed_visit_to_printed_agreement(
    qtbot: QtBot, window: MainWindow, sqlite_database: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = sqlite_database
    earlier = h.make_case(database, parties=[h.person(1), h.person(9, "被申请人", name="李强")],
                          accepted_on=date.today())
    visit_no = _routed_visit(database)
    page = window.show_section("调解案件")
    lists_read(qtbot, page)
    assert isinstance(page, CasesPage)
    page.refresh()

    # The visit routed to the mediation room waits to be accepted.
    routed = page.findChild(QListWidget, "case.routed")
    assert routed.count() == 1 and "王秀英" in routed.item(0).text()
    routed.setCurrentRow(0)
    click(qtbot, page.findChild(QPushButton, "case.accept_routed"))
    editor = page.editor
    assert page.stack.currentWidget() is editor
    assert "楼上住户装修噪音扰民" in editor.info.facts.toPlainText()
    assert editor.info.category.currentText() == "邻里"
    assert "王秀英" in editor.findChild(QLabel, "case.pending_applicant").text()
    check_item(qtbot, editor.info.mediators, "王志刚")
    editor.info.recorder.setCurrentIndex(editor.info.recorder.findText("李慧敏"))
    type_text(qtbot, editor.info.matters, "停止夜间施工并赔偿损失")
    click(qtbot, editor.findChild(QPushButton, "case.save"))

    with database.read() as session:
        case_ = session.scalar(select(MediationCase).where(MediationCase.id != earlier.case_id))
        assert case_ is not None
        assert case_.case_no == f"（{date.today().year}）东人调字第0002号"
        assert case_.visit is not None and case_.visit.visit_no == visit_no
        assert [(p.side, p.name, p.id_number) for p in case_.parties] == [
            ("申请人", "王秀英", id_number(7))]
        assert case_.parties[0].person_id == case_.visit.person_id
        assert [m.name for m in case_.mediators] == ["王志刚"]
        case_id, case_no = case_.id, case_.case_no
    assert editor.number.text() == case_no
    assert routed.count() == 0

    # A respondent who already appears in another case: the dialog says so at once.
    click(qtbot, editor.findChild(QPushButton, "case.parties.add_respondent"))
    dialog = editor.parties.last_party_dialog
    assert dialog is not None
    type_text(qtbot, dialog.name, "李强")
    type_text(qtbot, dialog.id_number, h.person(9).id_number)
    type_text(qtbot, dialog.phone, "13700137000")
    type_text(qtbot, dialog.address, "建设路14号")
    qtbot.waitUntil(lambda: dialog.conflicts.isVisible())
    assert earlier.case_no in dialog.conflicts.text()
    click(qtbot, dialog.save_button)
    # and an organisation respondent
    click(qtbot, editor.findChild(QPushButton, "case.parties.add_respondent"))
    org = editor.parties.last_party_dialog
    assert org is not None and org is not dialog
    qtbot.mouseClick(org.kind_org, Qt.MouseButton.LeftButton)
    type_text(qtbot, org.name, "某某物业服务有限公司")
    type_text(qtbot, org.credit_code, h.CREDIT_CODE)
    type_text(qtbot, org.legal_rep, "周建国")
    click(qtbot, org.save_button)
    conflicts = editor.findChild(QLabel, "case.parties.conflicts")
    assert conflicts.isVisible() and earlier.case_no in conflicts.text()
    assert editor.parties.parties_table.rowCount() == 3

    # Two sessions.
    editor.tabs.setCurrentIndex(2)
    records = ["双方陈述意见，调解员释明相关法律规定。", "双方同意赔偿方案，约定签订协议。"]
    for n, text in enumerate(records):
        if n:
            click(qtbot, editor.findChild(QPushButton, "case.sessions.new"))
        type_text(qtbot, editor.sessions.session_record, text)
        click(qtbot, editor.findChild(QPushButton, "case.sessions.save"))
    assert editor.sessions.sessions_list.count() == 2

    # The agreement, with the preview following the typing.
    editor.tabs.setCurrentIndex(3)
    type_text(qtbot, editor.agreement.clauses, "被申请人于2026年12月10日前赔偿申请人损失3000元。")
    qtbot.keyClick(editor.agreement.clauses, Qt.Key.Key_Return)
    type_text(qtbot, editor.agreement.clauses, "被申请人今后不在夜间施工。")
    type_text(qtbot, editor.agreement.method, "银行转账")
    type_text(qtbot, editor.agreement.place, "综治中心")
    type_text(qtbot, editor.agreement.deadline_text, "2026年12月10日前")
    type_text(qtbot, editor.agreement.amount, "3000")
    editor.agreement.signed_on.set_value(date.today())
    qtbot.waitUntil(lambda: "今后不在夜间施工" in pdf_text(editor.agreement.preview.pdf_bytes),
                    timeout=5000)
    assert "本协议一式 4 份" in pdf_text(editor.agreement.preview.pdf_bytes)

    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(PdfPreviewDialog, "make_print_dialog",
                        lambda self, printer: FakePrintDialog(printer, out))
    click(qtbot, editor.findChild(QPushButton, "agreement.print"))
    preview = editor.last_preview
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.waitUntil(lambda: preview.preview.page_count() >= 1)
    text = pdf_text(preview.preview.pdf_bytes)
    for expected in ("人民调解协议书", case_no, "王秀英", "李强", "某某物业服务有限公司",
                     "经调解，自愿达成如下协议",
                     "一、被申请人于2026年12月10日前赔偿申请人损失3000元",
                     "二、被申请人今后不在夜间施工", "银行转账"):
        assert expected in text, expected
    click(qtbot, preview.print_button)
    assert out.exists()
    info = poppler.run("pdfinfo", out)
    assert f"Pages:           {preview.preview.page_count()}" in info
    preview.close()

    with database.read() as session:
        detail = mediation.case_detail(session, case_id)
    assert detail.agreement is not None and len(detail.agreement.clauses) == 2
    assert str(detail.agreement.amount) == "3000.00"
    assert len(detail.sessions) == 2

    # Close the case as a success.
    click(qtbot, editor.findChild(QPushButton, "case.close"))
    with database.read() as session:
        detail = mediation.case_detail(session, case_id)
    assert detail.outcome == "调解成功" and detail.closed_on == date.today()
    assert len(detail.follow_ups) == 1
    assert "已结案" in editor.deadline.text()


def test_second_desk_accepting_the_same_visit_is_told_its_case_number(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    h.staff(sqlite_database)
    _routed_visit(sqlite_database)
    other_pc = signed_in_like(Database.open(sqlite_database.url, migrate=False),
                              sqlite_database)
    try:
        editors = []
        for database in (sqlite_database, other_pc):
            page = CasesPage(database=database)
            qtbot.addWidget(page)
            lists_read(qtbot, page)
            show_active(qtbot, page)
            routed = page.findChild(QListWidget, "case.routed")
            assert routed.count() == 1
            routed.setCurrentRow(0)
            click(qtbot, page.findChild(QPushButton, "case.accept_routed"))
            check_item(qtbot, page.editor.info.mediators, "王志刚")
            editors.append(page.editor)
        first, second = editors
        click(qtbot, first.findChild(QPushButton, "case.save"))
        case_no = first.number.text()
        assert case_no.endswith("人调字第0001号")
        click(qtbot, second.findChild(QPushButton, "case.save"))
        error = second.findChild(QLabel, "case.visit_error")
        assert error is not None and error.isVisible()
        assert error.text() == f"该来访已受理为案件{case_no}"
        assert second.status.text() == "未受理：请按提示修改标红的项目。"
        with sqlite_database.read() as session:
            assert list(session.scalars(select(MediationCase.case_no))) == [case_no]
    finally:
        other_pc.dispose()


def test_direct_case_needs_facts_and_a_mediator(
    qtbot: QtBot, window: MainWindow, sqlite_database: Database
) -> None:
    page = window.show_section("调解案件")
    lists_read(qtbot, page)
    assert isinstance(page, CasesPage)
    click(qtbot, page.findChild(QPushButton, "case.new"))
    editor = page.editor
    click(qtbot, editor.findChild(QPushButton, "case.save"))
    assert "纠纷主要事实" in editor.findChild(QLabel, "case.facts_error").text()
    assert "调解员" in editor.findChild(QLabel, "case.mediators_error").text()
    with sqlite_database.read() as session:
        assert session.scalar(select(MediationCase)) is None
    assert not editor.tabs.isTabEnabled(1)
    type_text(qtbot, editor.info.facts, "双方因借款纠纷发生争执")
    check_item(qtbot, editor.info.mediators, "陈秀兰")
    click(qtbot, editor.findChild(QPushButton, "case.save"))
    assert editor.number.text().endswith("第0001号")
    assert editor.tabs.isTabEnabled(1)
    # Back to the list: the new case is there with its days left.
    click(qtbot, editor.findChild(QPushButton, "case.back"))
    assert page.table.rowCount() == 1
    assert page.table.item(0, 5).text() == "剩 30 天"


def test_overdue_cases_stand_out_and_case_file_is_built(
    qtbot: QtBot, window: MainWindow, sqlite_database: Database,
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    late = h.make_case(sqlite_database, accepted_on=date(2020, 1, 1))
    mediation.add_session(sqlite_database, late.case_id, h.session_input(1))
    page = window.show_section("调解案件")
    lists_read(qtbot, page)
    assert isinstance(page, CasesPage)
    page.filter.setCurrentIndex(page.filter.findData("overdue"))
    assert page.table.rowCount() == 1
    status = page.table.item(0, 5)
    assert status.text().startswith("超期")
    assert status.foreground().color().name() == "#b3261e"
    page.table.selectRow(0)
    click(qtbot, page.findChild(QPushButton, "case.open"))
    editor = page.editor
    assert "已超期" in editor.deadline.text()
    monkeypatch.setattr(dialogs, "warn", lambda *a: pytest.fail(f"warning shown: {a}"))
    # A scanned ID copy is added to the case and can be looked at.
    scan = tmp_path / "身份证复印件.png"
    Image.new("RGB", (600, 400), "white").save(scan)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: scan)
    editor.tabs.setCurrentIndex(6)
    click(qtbot, editor.findChild(QPushButton, "case.attachments.add"))
    assert editor.attachments.attachments_table.rowCount() == 1
    editor.attachments.attachments_table.selectRow(0)
    click(qtbot, editor.findChild(QPushButton, "case.attachments.view"))
    assert editor.last_preview is not None
    qtbot.waitUntil(lambda: editor.last_preview.preview.page_count() == 1)  # type: ignore[union-attr]
    editor.last_preview.close()
    editor.last_preview = None
    click(qtbot, editor.findChild(QPushButton, "case.print.casefile"))
    qtbot.waitUntil(lambda: editor.last_preview is not None, timeout=20000)
    preview = editor.last_preview
    assert preview is not None
    qtbot.waitUntil(lambda: preview.preview.page_count() > 3)
    text = pdf_text(preview.preview.pdf_bytes)
    assert "人民调解卷宗" in text and "卷 内 目 录" in text and late.case_no in text
    assert "身份证明：身份证复印件" in text
    preview.close()


def test_the_signed_in_mediator_leads_and_writes_a_new_session(
    qtbot: QtBot, window: MainWindow, sqlite_database: Database,
) -> None:
    from desktop.services.admin import auth

    ref = h.make_case(sqlite_database)
    _m1, m2, _other = h.staff(sqlite_database)
    sqlite_database.actor = auth.Actor(m2, "陈秀兰", frozenset({"mediator"}))
    page = window.show_section("调解案件")
    lists_read(qtbot, page)
    assert isinstance(page, CasesPage)
    page.table.selectRow(0)
    click(qtbot, page.findChild(QPushButton, "case.open"))
    editor = page.editor
    editor.tabs.setCurrentIndex(2)
    click(qtbot, editor.sessions.session_new)
    # She writes it and, as one of the case's mediators, leads it: nobody picks a name.
    assert editor.sessions.session_mediator.currentText() == "陈秀兰"
    assert editor.sessions.session_recorder.currentText() == "陈秀兰"
    mediators = [editor.sessions.session_mediator.itemText(i)
                 for i in range(editor.sessions.session_mediator.count())]
    assert mediators == ["（未指定）", "王志刚", "陈秀兰"]  # the case's mediators only
    type_text(qtbot, editor.sessions.session_record, "双方同意下周再谈。")
    click(qtbot, editor.sessions.session_save)
    with sqlite_database.read() as session:
        saved = mediation.case_detail(session, ref.case_id).sessions
    assert [(s.mediator, s.recorder) for s in saved] == [("陈秀兰", "陈秀兰")]
