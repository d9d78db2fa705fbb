"""Every page and dialog fits a 1366x768 laptop with a taskbar (1366x728 for windows).

The main window needed 753 px of height once the case editor was built and the
receipt preview opened 860 px tall: on such a laptop their bottom rows and buttons
were cut off. Pages now scroll inside the window and dialogs open within the screen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import MediationCase, Visit
from desktop.services.demo.generate import generate_demo_data
from desktop.views.main_window import MainWindow

SCREEN_WIDTH, SCREEN_HEIGHT = 1366, 728
TITLE_BAR = 32  # the window frame the system adds above the client area


def _fits(widget: QWidget) -> list[str]:
    problems = []
    for what, size in (("minimum", widget.minimumSizeHint()), ("opened at", widget.size())):
        if size.width() > SCREEN_WIDTH or size.height() > SCREEN_HEIGHT - TITLE_BAR:
            problems.append(f"{widget.objectName()} {what} {size.width()}x{size.height()}")
    return problems


def test_every_page_and_dialog_fits_the_laptop(qtbot: QtBot, sqlite_database: Database) -> None:
    generate_demo_data(sqlite_database, visits=60)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    window.show()
    problems = _fits(window)
    for title, key, _build in window.sections:
        window.show_section(title)
        QApplication.processEvents()
        assert window.current_page() is window.page(key)
        problems += _fits(window)
    with sqlite_database.read() as session:
        visit_no = session.scalar(select(Visit.visit_no).limit(1))
        case_id = session.scalar(select(MediationCase.id).limit(1))
    assert visit_no is not None and case_id is not None
    opened: list[QWidget | None] = [
        window.registration.show_receipt(visit_no),
        window.settings.on_dictionaries(),
        window.settings.on_staff(),
        window.settings.on_rooms(),
        window.settings.on_wizard(),
    ]
    editor = window.cases.open_case(case_id)
    opened.append(editor.parties.on_add_party("申请人"))
    QApplication.processEvents()
    for dialog in opened:
        assert isinstance(dialog, QDialog)
        problems += _fits(dialog)
        dialog.close()
    assert problems == []
