"""The 回复评价 page through the real window: reply, rate, an unsatisfied rating's 整改."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Category, Rectification, VisitRating, VisitReply
from desktop.services.admin import auth
from desktop.views.closure.dialogs import NoteDialog, RatingDialog, ReplyDialog
from desktop.views.main_window import MainWindow
from tests.closure_helpers import finished_matter
from tests.qt_helpers import lists_read, type_text


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    lists_read(qtbot, window.show_section("回复评价"))
    return window


def _pick(combo: object, text: str) -> None:
    index = combo.findText(text)  # type: ignore[attr-defined]
    assert index >= 0, text
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def test_reply_then_an_unsatisfied_rating_opens_a_rectification(
        qtbot: QtBot, sqlite_database: Database) -> None:
    reg = finished_matter(sqlite_database)
    window = _window(qtbot, sqlite_database)
    page = window.closure
    assert page.reply_table.rowCount() == 1
    assert page.reply_table.item(0, 0).text() == reg.visit_no
    page.reply_table.selectRow(0)
    qtbot.mouseClick(page.reply_button, Qt.MouseButton.LeftButton)
    dialog = page.active_dialog
    assert isinstance(dialog, ReplyDialog) and dialog.isVisible()
    # Nothing chosen, nothing said: each refusal beside its field, nothing saved.
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors["method"].text() == "请选择回复方式（当面、电话、短信或书面）"
    assert dialog.errors["content"].text() == "请填写回复内容（告知群众的办理结果）"
    assert dialog.findChild(QLabel, "closure.reply.method.error") is dialog.errors["method"]
    assert dialog.message.text() == ""
    with sqlite_database.read() as session:
        assert session.scalar(select(VisitReply)) is None
    _pick(dialog.method, "电话")
    type_text(qtbot, dialog.content, "已电话告知双方调解结果")
    dialog.replied_at.set_value(datetime.now().replace(second=0, microsecond=0))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.reply_table.rowCount() == 0
    assert page.rating_table.rowCount() == 1
    with sqlite_database.read() as session:
        reply = session.scalar(select(VisitReply))
        assert reply is not None and reply.content == "已电话告知双方调解结果"

    page.tabs.setCurrentIndex(1)
    page.rating_table.selectRow(0)
    qtbot.mouseClick(page.rate_button, Qt.MouseButton.LeftButton)
    rating = page.active_dialog
    assert isinstance(rating, RatingDialog)
    _pick(rating.level, "不满意")
    qtbot.mouseClick(rating.save_button, Qt.MouseButton.LeftButton)
    assert rating.errors["channel"].isVisible() and not rating.errors["level"].text()
    _pick(rating.channel, "电话回访")
    type_text(qtbot, rating.comment, "等得太久")
    qtbot.mouseClick(rating.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not rating.isVisible())
    assert page.fix_table.rowCount() == 1
    assert page.fix_table.item(0, 2).text() == "不满意"
    # The re-rating waits in 待评价, marked as such.
    assert page.rating_table.item(0, 5).text() == "整改后再次评价"

    page.tabs.setCurrentIndex(2)
    page.fix_table.selectRow(0)
    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    note = page.active_dialog
    assert isinstance(note, NoteDialog)
    type_text(qtbot, note.text, "已约见当事人说明原因")
    qtbot.mouseClick(note.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not note.isVisible())
    assert page.fix_table.item(0, 5).text() == "1"
    with sqlite_database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None and fix.status == "open"
        assert session.scalar(select(VisitRating.level)) == "不满意"
    QApplication.processEvents()


def test_a_matter_past_its_time_limit_is_red(qtbot: QtBot, sqlite_database: Database) -> None:
    with sqlite_database.write() as session:
        category = session.scalar(select(Category).where(Category.name == "邻里"))
        assert category is not None
        category.time_limit_days = 1
    finished_matter(sqlite_database, 2, at=datetime(2026, 11, 23, 9, 0))
    page = _window(qtbot, sqlite_database).closure
    cell = page.reply_table.item(0, 5)
    assert cell.text() == "2026-11-24（已超期）"
    assert cell.foreground().color().name() == "#b3261e"


def test_the_leader_sees_no_closure_section(qtbot: QtBot, sqlite_database: Database) -> None:
    sqlite_database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    row = [key for _t, key, _b in window.sections].index("closure")
    assert not window.navigation.item(row).flags() & Qt.ItemFlag.ItemIsEnabled


def test_the_admin_keeps_the_working_day_calendar(qtbot: QtBot, sqlite_database: Database
                                                  ) -> None:
    from datetime import date

    from desktop.services.closure import workdays

    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    window.show()
    settings = window.show_section("系统设置")
    qtbot.mouseClick(settings.calendar_button, Qt.MouseButton.LeftButton)
    dialog = window.settings.calendar_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.year.setValue(2026)
    assert dialog.table.rowCount() == 0 and dialog.shipped.isEnabled()
    qtbot.mouseClick(dialog.shipped, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 25
    assert dialog.table.item(2, 0).text() == "2026-01-04"
    assert dialog.table.item(2, 2).text().startswith("班")
    # A Saturday cannot be a holiday: it is not a working day anyway.
    dialog.day.set_value(date(2027, 2, 6))
    type_text(qtbot, dialog.name, "春节")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "周末" in dialog.error.text()
    dialog.day.set_value(date(2027, 2, 8))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.year.value() == 2027 and dialog.table.rowCount() == 1
    with sqlite_database.read() as session:
        assert not workdays.is_working_day(session, date(2027, 2, 8))
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0
    with sqlite_database.read() as session:
        assert workdays.is_working_day(session, date(2027, 2, 8))
    dialog.close()


def test_the_dashboard_shows_satisfaction_and_overdue_replies(
        qtbot: QtBot, sqlite_database: Database) -> None:
    from desktop.services.closure import replies

    with sqlite_database.write() as session:
        category = session.scalar(select(Category).where(Category.name == "邻里"))
        assert category is not None
        category.time_limit_days = 1
    late = finished_matter(sqlite_database, 1, at=datetime(2026, 11, 23, 9, 0))
    rated = finished_matter(sqlite_database, 2)
    with sqlite_database.write() as session:
        replies.record_reply(session, rated.visit_id, "当面", "已当面告知")
        replies.record_rating(session, rated.visit_id, "满意", "当面")
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    window.show()
    page = window.reports
    page.refresh()
    qtbot.waitUntil(lambda: not page.refreshing)  # the figures are read off the GUI thread
    assert page.overview.tiles["satisfaction"].value.text() == "100"
    assert page.overview.tiles["satisfaction"].note.text() == "评价 1 件"
    assert page.overview.tiles["overdue_replies"].value.text() == "1"
    assert "#b3261e" in page.overview.tiles["overdue_replies"].value.styleSheet()
    assert late.visit_id


def test_the_page_reads_its_lists_again_when_shown(
        qtbot: QtBot, sqlite_database: Database) -> None:
    """A matter finished at another desk meanwhile is on the page when the desk comes back."""
    window = _window(qtbot, sqlite_database)
    page = window.closure
    assert page.reply_table.rowCount() == 0
    window.show_section("接待登记")
    reg = finished_matter(sqlite_database)
    window.show_section("回复评价")
    # Read off the GUI thread: the list of before stays until the new one is there.
    assert page.lists.busy and page.reply_table.rowCount() == 0
    qtbot.waitUntil(lambda: not page.lists.busy)
    assert page.reply_table.rowCount() == 1
    assert page.reply_table.item(0, 0).text() == reg.visit_no


def test_a_reply_refused_for_its_open_tickets_says_so_under_the_form(
        qtbot: QtBot, sqlite_database: Database) -> None:
    """A refusal that belongs to no field (the matter still has a ticket open) shows on the
    dialog's message line, and the dialog's write leaves nothing behind."""
    from tests.reception_helpers import register

    reg = finished_matter(sqlite_database)
    window = _window(qtbot, sqlite_database)
    page = window.closure
    dialog = ReplyDialog(database=sqlite_database, visit_id=reg.visit_id, caption="事项",
                         parent=page)
    waiting = register(sqlite_database, 9)
    other = ReplyDialog(database=sqlite_database, visit_id=waiting.visit_id, caption="事项",
                        parent=page)
    for shown in (dialog, other):
        _pick(shown.method, "当面")
        type_text(qtbot, shown.content, "已当面告知")
    qtbot.mouseClick(other.save_button, Qt.MouseButton.LeftButton)
    assert "分流单未办结" in other.message.text() and "办结后才能回复" in other.message.text()
    assert not other.errors["method"].text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with sqlite_database.read() as session:
        assert list(session.scalars(select(VisitReply.visit_id))) == [reg.visit_id]
