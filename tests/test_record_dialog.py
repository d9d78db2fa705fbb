"""查找记录 in 系统设置: the admin finds a record by its number, reveals or removes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry
from desktop.services.admin import auth, deletion, record_search
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.validation import mask_id_number
from desktop.views import dialogs
from desktop.views.admin.record_dialog import RecordsDialog
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.main_window import MainWindow
from tests.factories import id_number
from tests.mediation_helpers import make_case
from tests.qt_helpers import click_named, type_text
from tests.reception_helpers import register


def _open(qtbot: QtBot, database: Database) -> RecordsDialog:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    click_named(qtbot, page, "settings.records")
    dialog = page.findChild(RecordsDialog, "records_dialog")
    assert isinstance(dialog, RecordsDialog) and dialog.isVisible()
    return dialog


def _search(qtbot: QtBot, dialog: RecordsDialog, kind: str, text: str) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    dialog.query.clear()
    type_text(qtbot, dialog.query, text)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)


def _table_text(dialog: RecordsDialog) -> str:
    return "".join(dialog.table.item(r, c).text() for r in range(dialog.table.rowCount())
                   for c in range(dialog.table.columnCount()))


def _last_audit(database: Database) -> AuditEntry:
    with database.read() as session:
        entry = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        assert entry is not None
        session.expunge(entry)
        return entry


def test_the_admin_reveals_a_number_with_a_reason(qtbot: QtBot, database: Database) -> None:
    visit = register(database, 3)
    dialog = _open(qtbot, database)
    _search(qtbot, dialog, "person", id_number(3))
    assert dialog.table.rowCount() == 1
    text = _table_text(dialog)
    assert mask_id_number(id_number(3)) in text and id_number(3) not in text
    assert "来访 1 次" in text
    click_named(qtbot, dialog, "records.reveal")
    assert dialog.errors["reason"].text() == "查看完整号码须填写理由"
    assert id_number(3) not in dialog.outcome.text()
    type_text(qtbot, dialog.reason, "核对身份")
    click_named(qtbot, dialog, "records.reveal")
    assert id_number(3) in dialog.outcome.text() and "13900000003" in dialog.outcome.text()
    entry = _last_audit(database)
    assert (entry.action, entry.target_type) == ("reveal", "person")
    assert "核对身份" in entry.detail and id_number(3) not in entry.detail
    # A visit found by its 受理编号 reveals its resident's numbers too.
    _search(qtbot, dialog, "visit", visit.visit_no.lower())
    assert dialog.table.rowCount() == 1 and dialog.reveal_button.isEnabled()


def test_the_admin_removes_a_visit_a_person_and_a_case(
    qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    first = register(database, 1)
    register(database, 2)
    case = make_case(database)
    dialog = _open(qtbot, database)
    _search(qtbot, dialog, "visit", first.visit_no)
    click_named(qtbot, dialog, "records.delete")
    assert dialog.errors["reason"].text() == "请填写删除理由"
    type_text(qtbot, dialog.reason, "重复登记")
    click_named(qtbot, dialog, "records.delete")
    assert "已删除来访登记" in dialog.outcome.text()
    assert dialog.table.rowCount() == 0  # the list read again: it has left
    # The person named by 姓名: removed with every visit of theirs.
    _search(qtbot, dialog, "person", "测试2号")
    type_text(qtbot, dialog.reason, "本人申请删除个人信息")
    click_named(qtbot, dialog, "records.delete")
    assert "全部来访登记" in asked[-1]
    _search(qtbot, dialog, "mediation_case", case.case_no)
    type_text(qtbot, dialog.reason, "误立案")
    click_named(qtbot, dialog, "records.delete")
    with database.read() as session:
        removed = {(r.kind, r.label) for r in deletion.deleted_records(session)}
    assert {("visit", first.visit_no), ("person", "测试2号"),
            ("mediation_case", case.case_no)} <= removed
    assert len(asked) == 3


def test_a_declined_confirmation_removes_nothing(
    qtbot: QtBot, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: False)
    visit = register(database, 1)
    dialog = _open(qtbot, database)
    _search(qtbot, dialog, "visit", visit.visit_no)
    type_text(qtbot, dialog.reason, "重复登记")
    click_named(qtbot, dialog, "records.delete")
    with database.read() as session:
        assert deletion.deleted_records(session) == []


def test_search_refusals(database: Database) -> None:
    register(database, 1)
    with database.read() as session:
        with pytest.raises(ValidationError) as caught:
            record_search.find_records(session, "person", "  ")
        assert caught.value.errors == {"query": "请输入要查找的号码或姓名"}
        with pytest.raises(ValidationError) as caught:
            record_search.find_records(session, "nothing", "x")
        assert set(caught.value.errors) == {"kind"}
        assert record_search.find_records(session, "person", "查无此人") == []
    for role in sorted(auth.ALL_ROLES - {"admin"}):
        database.actor = auth.Actor(None, f"测试{role}", frozenset({role}))
        with database.read() as session, pytest.raises(PermissionDenied):
            record_search.find_records(session, "person", id_number(1))
