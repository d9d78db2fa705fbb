"""Room staff work the queue through the real page; the hall display follows other PCs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Escalation, Referral, ReferralEvent
from desktop.services.reception import queue
from desktop.views import dialogs
from desktop.views.form_widgets import to_qdate
from desktop.views.main_window import MainWindow
from desktop.views.reception.hall_display import HallDisplay
from desktop.views.reception.queue_page import QueuePage
from tests.conftest import signed_in_like
from tests.qt_helpers import click_named, show_active, type_text
from tests.reception_helpers import queue_dialog, register, room_ids, ticket_status


def _page(qtbot: QtBot, database: Database, room: str = "矛盾纠纷调解室") -> QueuePage:
    page = QueuePage(database=database, poll_ms=200)
    qtbot.addWidget(page)
    show_active(qtbot, page)
    page.room.setCurrentIndex(page.room.findText(room))
    return page


def _history_texts(page: QueuePage) -> list[str]:
    texts: list[str] = []

    def walk(item) -> None:  # type: ignore[no-untyped-def]
        texts.append(" ".join(item.text(c) for c in range(item.columnCount())))
        for i in range(item.childCount()):
            walk(item.child(i))

    for i in range(page.history.topLevelItemCount()):
        walk(page.history.topLevelItem(i))
    return texts


def test_call_start_finish_through_the_buttons(qtbot: QtBot, sqlite_database: Database) -> None:
    now = datetime.now().replace(microsecond=0)
    first = register(sqlite_database, 1, now=now - timedelta(minutes=20))
    red = register(sqlite_database, 2, now=now - timedelta(minutes=5), risk_level="红")
    page = _page(qtbot, sqlite_database)
    assert page.table.rowCount() == 2
    # Red first: the risk colour is shown in the 风险 column.
    assert page.table.item(0, 0).text() == red.ticket_no
    assert page.table.item(0, 3).background().color().name() == "#d93025"
    # No 当班人员 box: the signed-in account is recorded on every step.
    assert page.findChild(QComboBox, "queue.staff") is None
    click_named(qtbot, page, "queue.call_next")
    assert ticket_status(sqlite_database, red.referral_id) == "called"
    with sqlite_database.read() as session:
        called_by = session.scalar(select(ReferralEvent.staff_id).where(
            ReferralEvent.referral_id == red.referral_id, ReferralEvent.action == "call"))
    assert called_by is not None and called_by == sqlite_database.actor.staff_id
    assert red.ticket_no in page.message.text()
    # Out of order: call the other one too, then recall it.
    page.select_referral(first.referral_id)
    click_named(qtbot, page, "queue.call")
    click_named(qtbot, page, "queue.recall")
    page.select_referral(first.referral_id)
    click_named(qtbot, page, "queue.start")
    assert ticket_status(sqlite_database, first.referral_id) == "serving"
    assert not page.start_button.isEnabled()
    click_named(qtbot, page, "queue.finish")
    dialog = queue_dialog(page)
    # No result chosen: refused, the dialog stays, nothing changes.
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["result"].text() == "请选择办理结果"
    assert ticket_status(sqlite_database, first.referral_id) == "serving"
    result = dialog.findChild(QComboBox, "finish.result")
    assert result is not None
    result.setCurrentIndex(result.findData("case_opened"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with sqlite_database.read() as session:
        referral = session.get(Referral, first.referral_id)
        assert referral is not None
        assert (referral.status, referral.result, referral.call_count) == (
            "done", "case_opened", 2)
    assert page.table.rowCount() == 1  # only the red one is still active
    # The other ticket: no-show.
    page.select_referral(red.referral_id)
    click_named(qtbot, page, "queue.no_show")
    assert ticket_status(sqlite_database, red.referral_id) == "no_show"
    assert page.table.rowCount() == 0


def test_transfer_is_kept_in_the_history(qtbot: QtBot, sqlite_database: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    reg = register(sqlite_database, 1)
    page = _page(qtbot, sqlite_database)
    page.select_referral(reg.referral_id)
    click_named(qtbot, page, "queue.transfer")
    dialog = queue_dialog(page)
    to_room = dialog.findChild(QComboBox, "transfer.to_room")
    assert to_room is not None
    assert to_room.findText("矛盾纠纷调解室") < 0  # not to the room it is in
    to_room.setCurrentIndex(to_room.findText("心理咨询室"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    error = dialog.findChild(QLabel, "transfer.reason_error")
    assert error is not None and error.text() == "请填写转办原因"
    assert ticket_status(sqlite_database, reg.referral_id) == "waiting"
    reason = dialog.findChild(QLineEdit, "transfer.reason")
    assert reason is not None
    type_text(qtbot, reason, "来访人情绪低落，先做心理疏导")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert ticket_status(sqlite_database, reg.referral_id) == "transferred"
    assert "心-001" in page.message.text()
    history = _history_texts(page)
    assert any("调-001 矛盾纠纷调解室" in t and "已转办" in t for t in history)
    assert any("心-001 心理咨询室" in t and "等候中" in t for t in history)
    assert any(t.startswith("转办") and "转往心理咨询室：来访人情绪低落，先做心理疏导" in t
               for t in history)
    # In the other room's queue it arrives as a transfer, with the same history.
    page.room.setCurrentIndex(page.room.findText("心理咨询室"))
    assert page.table.rowCount() == 1
    assert "转入" in page.table.item(0, 7).text()
    page.table.selectRow(0)
    assert any(t.startswith("转办") for t in _history_texts(page))
    # An action that another desk made illegal meanwhile is refused with its message.
    warned: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warned.append(text))
    queue.start(sqlite_database, page.rows[0].referral_id)
    page.on_selection_changed(keep_history=True)  # buttons still from the old state
    page.recall_button.setEnabled(True)
    click_named(qtbot, page, "queue.recall")
    assert warned and "接待中" in warned[0]


def test_escalation_and_overdue_list(qtbot: QtBot, sqlite_database: Database) -> None:
    reg = register(sqlite_database, 1)
    old = register(sqlite_database, 2)
    queue.refer_to_department(sqlite_database, old.visit_id, "区人社局", date(2026, 11, 1),
                              "欠薪线索移送", now=datetime(2026, 10, 20, 9, 0))
    page = _page(qtbot, sqlite_database)
    page.select_referral(reg.referral_id)
    click_named(qtbot, page, "queue.escalate")
    dialog = queue_dialog(page)
    level = dialog.findChild(QComboBox, "escalate.level")
    due = dialog.findChild(QDateEdit, "escalate.due_date")
    assert level is not None and due is not None
    assert due.date().toPython() == date.today() + timedelta(days=7)  # the program's clock
    level.setCurrentIndex(level.findData("B"))
    due.setDate(to_qdate(date.today() + timedelta(days=3)))
    reason = dialog.findChild(QLabel, "escalate.reason_error")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert reason is not None and reason.text() == "请填写上报理由"
    dialog.widgets["reason"].setPlainText("涉及二十余户，情绪激烈")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with sqlite_database.read() as session:
        row = session.scalar(select(Escalation).where(Escalation.visit_id == reg.visit_id))
        assert row is not None and (row.level, row.status) == ("B", "open")
    assert any("上报：B级（街道）" in t for t in _history_texts(page))
    page.tabs.setCurrentIndex(2)
    table = page.escalations_tab.model
    assert table.rowCount() == 2
    overdue_row = next(r for r in range(2) if table.index(r, 0).data() == old.visit_no)
    assert table.index(overdue_row, 8).data() == "已逾期"
    background = table.index(overdue_row, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == "#fde0dc"
    assert table.index(1 - overdue_row, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert table.index(overdue_row, 5).data(Qt.ItemDataRole.ToolTipRole) == "欠薪线索移送"
    assert "逾期 1 件" in page.escalations_tab.summary.text()
    # 办结 the overdue one through the table's selection.
    page.escalations_tab.table.selectRow(overdue_row)
    click_named(qtbot, page, "escalations.close")
    dialog = queue_dialog(page)
    dialog.widgets["outcome"].setPlainText("已转区人社局立案")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1 and table.index(0, 0).data() == reg.visit_no
    page.escalations_tab.overdue_only.setChecked(True)
    assert table.rowCount() == 0


def test_board_shows_every_room(qtbot: QtBot, sqlite_database: Database) -> None:
    now = datetime.now().replace(microsecond=0)
    a = register(sqlite_database, 1, now=now - timedelta(minutes=40))
    register(sqlite_database, 2, now=now - timedelta(minutes=3))
    queue.start(sqlite_database, a.referral_id)
    page = _page(qtbot, sqlite_database)
    page.tabs.setCurrentIndex(1)
    board = page.board_tab.table
    rows = {board.item(r, 0).text(): r for r in range(board.rowCount())}
    assert set(rows) == {"综合受理窗口", "矛盾纠纷调解室", "心理咨询室", "警民联络室",
                         "关爱工作室", "社会组织工作室"}
    row = rows["矛盾纠纷调解室"]
    assert board.item(row, 1).text() == "1"
    assert int(board.item(row, 3).text()) >= 3
    assert "调-001 测试1号" in board.item(row, 4).text()


def test_queue_sees_registrations_from_another_pc(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page = _page(qtbot, sqlite_database)
    assert page.table.rowCount() == 0
    other_pc = signed_in_like(Database.open(sqlite_database.url, migrate=False), sqlite_database)
    try:
        register(other_pc, 1)
        qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=5000)
    finally:
        other_pc.dispose()


def test_f5_calls_the_next_ticket_and_says_when_none_waits(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    first = register(sqlite_database, 1)
    page = _page(qtbot, sqlite_database)
    qtbot.keyClick(page.table, Qt.Key.Key_F5)
    assert ticket_status(sqlite_database, first.referral_id) == "called"
    assert page.message.text() == f"已叫号 {first.ticket_no}"
    qtbot.keyClick(page.table, Qt.Key.Key_F5)
    assert page.message.text() == "没有等待的号。"
    with sqlite_database.read() as session:
        referral = session.get(Referral, first.referral_id)
        assert referral is not None and referral.call_count == 1


def test_hall_display_shows_a_call_made_on_another_pc(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    reg = register(sqlite_database, 1)
    register(sqlite_database, 2)
    hall_pc = signed_in_like(Database.open(sqlite_database.url, migrate=False), sqlite_database)
    try:
        hall = HallDisplay(database=hall_pc, refresh_ms=200)
        qtbot.addWidget(hall)
        hall.show()
        room = room_ids(sqlite_database)["矛盾纠纷调解室"]
        assert hall.ticket_text(room) == "—"
        waiting = hall.findChild(QLabel, f"hall.room.{room}.waiting")
        assert waiting is not None and waiting.text() == "等候 2 人"
        # The room's PC calls through the queue page on its own connection.
        page = _page(qtbot, sqlite_database)
        click_named(qtbot, page, "queue.call_next")
        qtbot.waitUntil(lambda: hall.ticket_text(room) == reg.ticket_no, timeout=5000)
        assert waiting.text() == "等候 1 人"
        assert "请 调-001 号到 矛盾纠纷调解室" in hall.announcement.text()
        assert hall.cards[room].property("flash") is True
        hall.close()
    finally:
        hall_pc.dispose()


def test_hall_display_opens_from_the_queue_section(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.show_section("分流队列")
    assert page is window.queue
    click_named(qtbot, window.queue, "queue.hall_display")
    hall = window.queue.hall
    assert isinstance(hall, HallDisplay) and hall.isVisible() and hall.isWindow()
    window.close()
    qtbot.waitUntil(lambda: window.queue.hall is None)


def test_finishing_with_a_mediation_case_opens_the_case_pre_filled(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    """转入调解立案 in the room's queue leads straight to accepting the case (一竿子)."""
    visit = register(sqlite_database, 5, name="周桂英", summary="邻居占用楼道堆放杂物")
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.show_section("分流队列")
    assert isinstance(page, QueuePage)
    page.room.setCurrentIndex(page.room.findText("矛盾纠纷调解室"))
    page.select_referral(visit.referral_id)
    click_named(qtbot, page, "queue.call")
    click_named(qtbot, page, "queue.start")
    click_named(qtbot, page, "queue.finish")
    dialog = queue_dialog(page)
    result = dialog.findChild(QComboBox, "finish.result")
    assert result is not None
    result.setCurrentIndex(result.findData("case_opened"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert window.current_page() is window.cases
    editor = window.cases.editor
    assert window.cases.stack.currentWidget() is editor
    assert "邻居占用楼道堆放杂物" in editor.info.facts.toPlainText()
    assert "周桂英" in editor.findChild(QLabel, "case.pending_applicant").text()


def test_f5_calls_the_next_ticket_with_the_hall_display_in_front(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    first = register(sqlite_database, 1)
    page = _page(qtbot, sqlite_database)
    hall = page.on_open_hall_display()
    show_active(qtbot, hall)
    qtbot.keyClick(hall, Qt.Key.Key_F5)
    assert ticket_status(sqlite_database, first.referral_id) == "called"
    hall.close()
