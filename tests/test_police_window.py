"""警民联络 through the real window: a routed visit taken up, handed over, replied, printed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPlainTextEdit, QTableWidget
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.police import handovers
from desktop.views.form_widgets import OptionalDateEdit
from desktop.views.main_window import MainWindow
from desktop.views.police.handovers_page import OVERDUE_FG, PolicePage
from tests import mediation_helpers as mh
from tests import poppler
from tests.police_helpers import handover, police_visit
from tests.qt_helpers import click_named, lists_read, show_active, type_text


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def test_take_up_a_routed_visit_reply_link_and_print(qtbot: QtBot,
                                                     sqlite_database: Database) -> None:
    database = sqlite_database
    case = mh.make_case(database)
    police_visit(database)
    window = _window(qtbot, database)
    page = window.show_section("警民联络")
    lists_read(qtbot, page)
    assert isinstance(page, PolicePage)
    routed = page.findChild(QListWidget, "police.routed")
    assert routed.count() == 1 and "测试3号" in routed.item(0).text()
    routed.setCurrentRow(0)
    click_named(qtbot, page, "police.take_up")
    dialog = page.last_dialog
    assert dialog is not None and dialog.isVisible()
    assert "饮酒滋事" in dialog.findChild(QPlainTextEdit, "handover.matter").toPlainText()

    # Saved without a station: refused beside the field, nothing written.
    click_named(qtbot, dialog, "handover.save")
    error = dialog.findChild(QLabel, "handover.station.error")
    assert error.isVisible() and error.text() == "请填写派出所"
    assert dialog.isVisible()
    with database.read() as session:
        assert handovers.handover_list(session, status="all") == []

    type_text(qtbot, dialog.findChild(QLineEdit, "handover.station"), "东林派出所")
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.officer_name"), "赵建国")
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.officer_phone"), "13811112222")
    click_named(qtbot, dialog, "handover.save")
    assert not dialog.isVisible()
    assert routed.count() == 0
    table = page.findChild(QTableWidget, "police.table")
    assert table.rowCount() == 1 and table.item(0, 0).text() == "2026警联0001"
    with database.read() as session:
        row = handovers.handover_list(session)[0]
    assert row.station == "东林派出所"

    # The reply comes back; the hand-over is linked to the mediation case (警调联动).
    table.setCurrentCell(0, 0)
    click_named(qtbot, page, "police.open")
    dialog = page.last_dialog
    assert dialog is not None
    dialog.findChild(OptionalDateEdit, "handover.reply_on").set_value(date(2026, 12, 2))
    type_text(qtbot, dialog.findChild(QPlainTextEdit, "handover.reply_content"), "已加强巡逻")
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.case_no"), case.case_no)
    click_named(qtbot, dialog, "handover.save")
    assert not dialog.isVisible()
    page.filter.setCurrentIndex(list(handovers.LIST_FILTERS).index("replied"))
    assert table.rowCount() == 1 and table.item(0, 10).text() == case.case_no

    # The 移交单 and the 回执, previewed, with their Chinese text.
    table.setCurrentCell(0, 0)
    click_named(qtbot, page, "police.print_handover")
    preview = page.last_preview
    assert preview is not None and preview.preview.page_count() == 1
    assert "东林派出所" in poppler.text_of(page.last_pdf)
    preview.close()
    click_named(qtbot, page, "police.print_reply")
    assert page.last_preview is not None and page.last_preview.isVisible()
    assert "已加强巡逻" in poppler.text_of(page.last_pdf)
    page.last_preview.close()


def test_overdue_in_red_and_read_only_for_the_leader(qtbot: QtBot,
                                                     sqlite_database: Database) -> None:
    database = sqlite_database
    handovers.record_handover(database, handover(reply_due=date(2026, 11, 25)))
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    window = _window(qtbot, database)
    page = window.show_section("警民联络")
    lists_read(qtbot, page)
    assert isinstance(page, PolicePage)
    page.filter.setCurrentIndex(list(handovers.LIST_FILTERS).index("overdue"))
    table = page.findChild(QTableWidget, "police.table")
    assert table.rowCount() == 1
    assert table.item(0, 0).foreground().color() == OVERDUE_FG
    assert not page.new_button.isEnabled() and not page.print_handover.isEnabled()
    assert "超期 1 件" in page.summary.text()


def test_the_section_is_closed_without_the_read_permission(qtbot: QtBot,
                                                           sqlite_database: Database) -> None:
    sqlite_database.actor = auth.Actor(None, "接待员", frozenset({"receptionist"}))
    window = _window(qtbot, sqlite_database)
    titles = [window.navigation.item(r).text() for r in range(window.navigation.count())]
    item = window.navigation.item(titles.index("警民联络"))
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
