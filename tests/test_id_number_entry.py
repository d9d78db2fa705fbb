"""A 身份证号 pasted or typed the way residents' papers give it (issue 9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Person
from desktop.services.validation import id_number_error, normalize_id_number
from desktop.views.main_window import MainWindow
from desktop.views.reception.registration import RegistrationPage
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import register

SAMPLE = "11010519491231002X"  # the published sample number


def test_spaces_full_width_digits_and_a_small_x_are_the_same_number() -> None:
    for typed in ("  11010519491231002x", "110105 19491231 002X\u3000",
                  "１１０１０５１９４９１２３１００２ｘ", "\u200b11010519491231002X"):
        assert normalize_id_number(typed) == SAMPLE
        assert id_number_error(typed) is None


def test_a_full_width_number_is_stored_as_the_number(database: Database) -> None:
    register(database, 1, id_number="１１０１０５１９４９１２３１００２ｘ")
    with database.read() as session:
        assert session.scalar(select(Person.id_number)) == SAMPLE


def _page(qtbot: QtBot, database: Database) -> RegistrationPage:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window.registration


def test_a_pasted_number_with_leading_spaces_keeps_its_end(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page = _page(qtbot, sqlite_database)
    clipboard = QApplication.clipboard()
    clipboard.setText("   11010519491231002x")
    page.id_number.setFocus()
    page.id_number.paste()
    assert page.id_number.text() == SAMPLE
    assert not page.errors["id_number"].text()
    assert page.gender.currentData() == "女"


def test_a_wrong_check_digit_shows_at_the_18th_character(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page = _page(qtbot, sqlite_database)
    type_text(qtbot, page.id_number, SAMPLE[:17])
    assert not page.errors["id_number"].text()
    type_text(qtbot, page.id_number, "5")
    assert "校验位" in page.errors["id_number"].text()
    qtbot.keyClick(page.id_number, Qt.Key.Key_Backspace)
    type_text(qtbot, page.id_number, "ｘ")
    assert page.id_number.text() == SAMPLE
    assert not page.errors["id_number"].text()
