"""关爱帮扶 through the real page: correct and delete a visit, reopen an ended entry, a save
another desk overtook, and the navigation of room staff of another room."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.care import entries, listing, visits
from desktop.services.care.visits import VisitInput
from desktop.views import dialogs
from desktop.views.care.entry_dialog import EntryDialog
from desktop.views.care.page import CarePage
from desktop.views.care.visit_dialog import EndDialog, VisitDialog
from desktop.views.main_window import MainWindow
from desktop.views.stale_dialog import StaleEditDialog
from tests.care_helpers import four_residents, room_id
from tests.qt_helpers import lists_read, type_text


def _page(qtbot: QtBot, database: Database) -> tuple[CarePage, dict[str, int]]:
    ids = four_residents(database)
    page = CarePage(database=database)
    qtbot.addWidget(page)
    lists_read(qtbot, page)
    return page, ids


def _stale(qtbot: QtBot, owner: object) -> StaleEditDialog:
    qtbot.waitUntil(lambda: getattr(owner, "last_stale_dialog", None) is not None)
    dialog = owner.last_stale_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, StaleEditDialog)
    return dialog


def test_correct_then_delete_a_visit(qtbot: QtBot, sqlite_database: Database,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    page, ids = _page(qtbot, sqlite_database)
    page.select_entry(ids["李桂芝"])
    assert page.visits.rowCount() == 3
    assert not page.edit_visit_button.isEnabled()
    page.visits.selectRow(0)
    assert page.edit_visit_button.isEnabled() and page.delete_visit_button.isEnabled()
    qtbot.mouseClick(page.edit_visit_button, Qt.MouseButton.LeftButton)
    dialog = page.last_dialog
    assert isinstance(dialog, VisitDialog) and dialog.windowTitle() == "修改走访：李桂芝"
    assert dialog.visited_on.value() == date(2026, 11, 22)
    assert dialog.help_kind.currentData() == "物资"
    dialog.visited_on.set_value(date(2026, 12, 3))
    dialog.on_save()
    assert dialog.errors["visited_on"].text() == "走访日期不能晚于今天"
    dialog.visited_on.set_value(date(2026, 11, 25))
    dialog.findings.clear()
    type_text(qtbot, dialog.findings, "血压已平稳")
    dialog.on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with sqlite_database.read() as session:
        detail = listing.entry_detail(session, ids["李桂芝"])
    assert detail.visits[0].findings == "血压已平稳" and detail.next_due_on == date(2026, 12, 9)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    page.select_entry(ids["李桂芝"])
    page.visits.selectRow(0)
    qtbot.mouseClick(page.delete_visit_button, Qt.MouseButton.LeftButton)
    assert "2026-11-25" in asked[0]
    assert page.selected_entry_id() == ids["李桂芝"] and page.visits.rowCount() == 2
    with sqlite_database.read() as session:
        assert listing.entry_detail(session, ids["李桂芝"]).next_due_on == date(2026, 11, 22)


def test_reopen_an_ended_entry(qtbot: QtBot, sqlite_database: Database,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    page, ids = _page(qtbot, sqlite_database)
    page.filter.setCurrentIndex(page.filter.findData("ended"))
    page.select_entry(ids["赵国强"])
    assert page.reopen_button.isEnabled()
    assert not page.visit_button.isEnabled() and not page.end_button.isEnabled()
    monkeypatch.setattr(dialogs, "confirm", lambda *_a: False)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 1  # nothing changed
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    assert "迁出本辖区" in asked[0]
    assert page.table.rowCount() == 0
    page.filter.setCurrentIndex(page.filter.findData("active"))
    page.select_entry(ids["赵国强"])
    assert page.visit_button.isEnabled() and not page.reopen_button.isEnabled()


def test_stale_saves_open_the_conflict_dialog(qtbot: QtBot, sqlite_database: Database) -> None:
    page, ids = _page(qtbot, sqlite_database)
    page.select_entry(ids["李桂芝"])
    edit = page.on_edit()
    assert isinstance(edit, EntryDialog)
    page.visits.selectRow(0)
    visit = page.on_edit_visit()
    assert isinstance(visit, VisitDialog)
    end = page.on_end()
    assert isinstance(end, EndDialog)
    # Another desk changes the entry and the visit meanwhile.
    with sqlite_database.read() as session:
        detail = listing.entry_detail(session, ids["李桂芝"])
    data = detail.data
    data.notes = "另一台电脑写的备注"
    entries.update_entry(sqlite_database, ids["李桂芝"], data, version=detail.version)
    shown = detail.visits[0]
    visits.update_visit(sqlite_database, shown.visit_id,
                        VisitInput(shown.visited_on, "另一台电脑记录的情况"), version=shown.version)

    edit.notes.setPlainText("我的备注")
    edit.on_save()
    conflict = _stale(qtbot, edit)
    assert edit.result() != edit.DialogCode.Accepted
    conflict.reload_button.click()
    assert edit.notes.toPlainText() == "另一台电脑写的备注"
    edit.on_save()
    assert edit.result() == edit.DialogCode.Accepted

    visit.on_save()
    conflict = _stale(qtbot, visit)
    conflict.reload_button.click()
    assert visit.findings.toPlainText() == "另一台电脑记录的情况"
    visit.reject()

    type_text(qtbot, end.reason, "迁出")
    end.on_save()
    conflict = _stale(qtbot, end)
    conflict.reload_button.click()
    end.on_save()
    assert end.result() == end.DialogCode.Accepted
    with sqlite_database.read() as session:
        assert listing.entry_detail(session, ids["李桂芝"]).end_reason == "迁出"


def test_room_staff_of_another_room_see_care_greyed_out(qtbot: QtBot,
                                                        sqlite_database: Database) -> None:
    rooms = {name: room_id(sqlite_database, name) for name in ("关爱工作室", "警民联络室")}
    for room, enabled in (("关爱工作室", True), ("警民联络室", False)):
        sqlite_database.actor = auth.Actor(None, "室", frozenset({"room_staff"}),
                                           room_id=rooms[room])
        window = MainWindow(database=sqlite_database)
        qtbot.addWidget(window)
        rows = {window.navigation.item(r).text(): window.navigation.item(r)
                for r in range(window.navigation.count())}
        assert bool(rows["关爱帮扶"].flags() & Qt.ItemFlag.ItemIsEnabled) is enabled, room
        # 议事协商 asks only the role: every room's staff may take part.
        assert rows["议事协商"].flags() & Qt.ItemFlag.ItemIsEnabled
        window.close()
