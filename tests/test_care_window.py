"""关爱帮扶 through the real page: register a resident, see the visit due, record a visit."""

from __future__ import annotations

from datetime import date

import time_machine
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.care import listing
from desktop.views.care.entry_dialog import EntryDialog
from desktop.views.care.page import OVERDUE_FG, CarePage
from desktop.views.care.visit_dialog import VisitDialog
from desktop.views.main_window import MainWindow
from tests.factories import id_number
from tests.qt_helpers import lists_read, type_text

INTERACTIVE = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit,
               QPlainTextEdit)
INNER_OWNERS = (QAbstractSpinBox, QComboBox, QAbstractItemView, QLineEdit)


def test_register_a_resident_then_visit_them(qtbot: QtBot, sqlite_database: Database,
                                             clock: time_machine.Coordinates) -> None:
    page = CarePage(database=sqlite_database)
    qtbot.addWidget(page)
    lists_read(qtbot, page)
    dialog = page.on_new()
    assert isinstance(dialog, EntryDialog)
    # Saving an empty form: the messages stand next to their fields, nothing is written.
    dialog.on_save()
    assert dialog.errors["groups"].text() == "请至少选择一个关爱类别"
    assert "姓名" in dialog.errors["name"].text()
    type_text(qtbot, dialog.name, "周桂英")
    qtbot.keyClicks(dialog.id_number, id_number(51))
    dialog.group_boxes["独居/空巢老人"].setChecked(True)
    dialog.group_boxes["残疾人"].setChecked(True)
    qtbot.keyClicks(dialog.phone, "13812340051")
    dialog.frequency.setCurrentIndex(dialog.frequency.count() - 1)  # 自定义天数
    dialog.frequency_days.setValue(400)
    dialog.on_save()
    assert dialog.errors["frequency_days"].text() == "走访频次应在 1 至 365 天之间"
    with sqlite_database.read() as session:
        assert listing.entry_list(session, status="all") == []
    dialog.frequency.setCurrentIndex(dialog.frequency.findData(7))
    dialog.registered_on.set_value(date(2026, 11, 30))
    dialog.on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.table.rowCount() == 1
    assert page.table.item(0, 2).text() == "残疾人、独居/空巢老人"
    assert page.due.count() == 1 and "5 天后到期" in page.due.item(0).text()
    # A week later the visit is overdue, red in the list and in the register.
    clock.move_to("2026-12-09 09:00")
    page.refresh()
    assert "逾期 2 天" in page.due.item(0).text()
    assert page.due.item(0).foreground().color() == OVERDUE_FG
    assert page.table.item(0, 0).foreground().color() == OVERDUE_FG
    page.table.selectRow(0)
    visit = page.on_add_visit()
    assert isinstance(visit, VisitDialog)
    visit.visited_on.set_value(date(2026, 11, 29))
    type_text(qtbot, visit.findings, "腿脚不便，需要助餐")
    visit.on_save()
    assert "早于登记日期" in visit.errors["visited_on"].text()
    visit.visited_on.set_value(date(2026, 12, 9))
    visit.help_kind.setCurrentIndex(visit.help_kind.findData("物资"))
    visit.on_save()
    assert visit.errors["help_text"].text() == "请填写帮扶内容"
    type_text(qtbot, visit.help_text, "送去助行器一台")
    visit.on_save()
    assert visit.result() == visit.DialogCode.Accepted
    # The next visit is due a week on: still listed, no longer red.
    assert "7 天后到期" in page.due.item(0).text()
    assert page.due.item(0).foreground().color() != OVERDUE_FG
    page.table.selectRow(0)
    assert page.visits.rowCount() == 1 and page.visits.item(0, 3).text() == "物资"


def _inside_another(widget: QWidget, root: QWidget) -> bool:
    """Part of a compound widget (a combo box's pop-up, a spin box's line, a table's corner)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, INNER_OWNERS) or type(parent).__name__.startswith("QComboBox"):
            return True
        parent = parent.parentWidget()
    return False


def assert_all_named(root: QWidget) -> None:
    """Every widget a user touches has an objectName and an accessible name."""
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or _inside_another(widget, root):
            continue
        assert widget.objectName() and widget.accessibleName(), (widget, widget.objectName())


def test_every_widget_of_the_page_and_dialogs_is_named(qtbot: QtBot,
                                                       sqlite_database: Database) -> None:
    page = CarePage(database=sqlite_database)
    qtbot.addWidget(page)
    lists_read(qtbot, page)
    assert_all_named(page)
    assert_all_named(page.on_new())
    page.last_dialog.reject()  # type: ignore[union-attr]


def test_the_main_window_offers_the_two_pages(qtbot: QtBot, sqlite_database: Database) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    assert not window.is_built("care") and not window.is_built("deliberation")
    assert isinstance(window.show_section("关爱帮扶"), CarePage)
    assert window.is_built("care") and not window.is_built("deliberation")
