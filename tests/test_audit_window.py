"""The admin's 审计日志 dialog, opened from 系统设置: list, filters, 导出 and 校验."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.exports.audit import TITLE
from desktop.services.admin import audit, auth
from desktop.views import dialogs
from desktop.views.admin.audit_dialog import AuditLogDialog
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.main_window import MainWindow
from tests.qt_helpers import click_named, type_text
from tests.reception_helpers import register
from tests.test_audit import last_id, tamper


def _open(qtbot: QtBot, database: Database) -> AuditLogDialog:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    click_named(qtbot, page, "settings.audit")
    dialog = page.audit_dialog
    assert isinstance(dialog, AuditLogDialog) and dialog.isVisible()
    return dialog


def _column(dialog: AuditLogDialog, column: int) -> list[str]:
    table = dialog.table
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _wait(qtbot: QtBot, dialog: AuditLogDialog) -> None:
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=60000)


def test_the_admin_lists_filters_exports_and_checks_the_log(
        qtbot: QtBot, sqlite_database: Database, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    register(sqlite_database, 1)
    with sqlite_database.write() as session:
        session.info[audit.ACTOR_KEY] = auth.Actor(5, "王芳", frozenset({"admin"}), "wangfang")
        audit.record(session, "sign_in", "staff", 5)
    dialog = _open(qtbot, sqlite_database)

    # Every widget a user touches is named, for tests and for screen readers.
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox
                      | QTableWidget) and widget.isVisible() \
                and not widget.objectName().startswith("qt_"):  # Qt's own inner parts
            assert widget.objectName() and widget.accessibleName(), widget

    ids = [int(i) for i in _column(dialog, 0)]
    assert ids == sorted(ids, reverse=True) and ids[0] == last_id(sqlite_database)
    assert _column(dialog, 2)[0] == "王芳" and _column(dialog, 4)[0] == "登录"
    assert dialog.count_label.text() == f"共 {len(ids)} 条"

    dialog.action.setCurrentIndex(dialog.action.findData("create"))
    click_named(qtbot, dialog, "audit.search")
    assert set(_column(dialog, 4)) == {"新增"}
    dialog.action.setCurrentIndex(0)
    type_text(qtbot, dialog.actor, "王")
    click_named(qtbot, dialog, "audit.search")
    assert _column(dialog, 2) == ["王芳"]
    dialog.actor.clear()
    dialog.date_from.setDate(dialog.date_from.date().addYears(-30))
    dialog.date_to.setDate(dialog.date_from.date())
    click_named(qtbot, dialog, "audit.search")
    assert dialog.table.rowCount() == 0 and dialog.count_label.text() == "共 0 条"
    dialog.date_to.setDate(dialog.date_to.date().addYears(31))

    out = tmp_path / "审计"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    click_named(qtbot, dialog, "audit.export")
    _wait(qtbot, dialog)
    assert dialog.status.text().startswith("已导出审计日志（")
    sheet = openpyxl.load_workbook(out.with_suffix(".xlsx"))[TITLE]
    assert any(row[2] == "王芳" for row in sheet.iter_rows(values_only=True))
    assert _column(dialog, 4)[0] == "导出"  # the export is in the log

    click_named(qtbot, dialog, "audit.verify")
    _wait(qtbot, dialog)
    assert dialog.status.text().startswith("审计日志完整：")

    warned: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warned.append(text))
    tamper(sqlite_database, "DELETE FROM audit_entry WHERE id = 3")
    click_named(qtbot, dialog, "audit.verify")
    _wait(qtbot, dialog)
    assert dialog.status.text() == "审计日志被删改：第 3 条记录缺失（已被删除）。"
    assert warned == [dialog.status.text()]
