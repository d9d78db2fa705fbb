"""Qt's own texts and dates are Chinese (issue 9: OK/Cancel, &Yes/&No, "7 12 2026")."""

from __future__ import annotations

import re

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QDateEdit, QDialogButtonBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.views import dialogs
from desktop.views.app import create_application
from tests.conftest import english_buttons

ENGLISH = re.compile(r"[A-Za-z]{3,}")


def test_standard_buttons_read_chinese(qtbot: QtBot) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "确认", "确定吗？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                      | QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = [b.text() for b in box.buttons()]
    assert not english_buttons(), texts
    assert {"确定", "取消"} <= set(texts)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert not english_buttons()


def test_the_application_loads_qt_chinese(qtbot: QtBot) -> None:
    app = create_application()
    assert app is QApplication.instance()
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_dates_never_read_day_month_year(qtbot: QtBot) -> None:
    edit = QDateEdit(QDate(2026, 12, 7))
    qtbot.addWidget(edit)
    assert edit.text() in ("2026/12/7", "2026-12-07", "2026年12月7日")


def test_the_file_dialog_reads_chinese(qtbot: QtBot) -> None:
    dialog = dialogs.file_dialog(None, "导出", "台账.xlsx", "Excel 文件 (*.xlsx)", save=True)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert texts and not [t for t in texts if ENGLISH.search(t)], texts
