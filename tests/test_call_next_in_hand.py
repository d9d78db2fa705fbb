"""叫下一位 while this desk still has a ticket in hand asks first: nobody is dropped silently.

First-day issue: a mediator pressed F5 while still serving; the visitor in the room
stayed "接待中" all day and the register counted a visit never finished.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.reception import queue
from desktop.views.main_window import MainWindow
from desktop.views.reception.queue_page import QueuePage
from tests.mediation_helpers import staff
from tests.qt_helpers import answering, click_named, show_active
from tests.reception_helpers import queue_dialog, register, room_ids, ticket_status

ROOM = "矛盾纠纷调解室"


def _in_hand(database: Database, staff_id: int | None = None) -> list[tuple[str, str]]:
    with database.read() as session:
        return [(t.ticket_no, t.status_name) for t in queue.tickets_in_hand(
            session, room_ids(database)[ROOM], staff_id=staff_id)]


def test_the_tickets_in_hand_are_the_desks_called_and_serving_ones(database: Database) -> None:
    now = datetime.now().replace(microsecond=0)
    tickets = [register(database, n, now=now - timedelta(minutes=10 - n)) for n in range(1, 6)]
    first, second, third, fourth, fifth = (t.referral_id for t in tickets)
    mediator, other, _ = staff(database)
    queue.call(database, first, staff_id=mediator, now=now)
    queue.start(database, second, staff_id=mediator, now=now)
    queue.call(database, third, staff_id=other, now=now)
    queue.call(database, fourth, now=now)  # by the signed-in (test) account
    assert _in_hand(database, mediator) == [("调-002", "接待中"), ("调-001", "已叫号")]
    assert _in_hand(database, other) == [("调-003", "已叫号")]
    assert database.actor is not None
    assert _in_hand(database, database.actor.staff_id) == [("调-004", "已叫号")]
    # A desk that has not said who is on duty: every ticket in hand in the room.
    assert [t for t, _ in _in_hand(database)] == ["调-002", "调-001", "调-003", "调-004"]
    queue.no_show(database, first)
    queue.finish(database, second, "resolved")
    queue.hold(database, third, "等家属到场")
    assert _in_hand(database) == [("调-004", "已叫号")]
    with database.read() as session:
        (ticket,) = queue.tickets_in_hand(session, room_ids(database)[ROOM])
        assert ticket.closing_action == "no_show" and ticket.person_name == "测试4号"
        assert queue.tickets_in_hand(session, room_ids(database)["心理咨询室"]) == []
        for bad in (0, -1, 2**80):
            assert queue.tickets_in_hand(session, bad) == []
            assert queue.tickets_in_hand(session, room_ids(database)[ROOM], staff_id=bad) == []
            assert queue.left_behind_by_call_next(session, bad) == []
        # 调-005 waits: 叫下一位 would leave 调-004 behind.
        assert queue.left_behind_by_call_next(session, room_ids(database)[ROOM]) == [ticket]
    queue.call(database, fifth)
    with database.read() as session:
        # Nobody waits: 叫下一位 calls nobody and leaves nothing behind.
        assert queue.left_behind_by_call_next(session, room_ids(database)[ROOM]) == []


def _two_waiting(qtbot: QtBot, database: Database) -> tuple[QueuePage, int, int]:
    """The queue section of the real window, with 调-001 and 调-002 waiting in ROOM."""
    now = datetime.now().replace(microsecond=0)
    first = register(database, 1, now=now - timedelta(minutes=3))
    second = register(database, 2, now=now - timedelta(minutes=2))
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    window.show_section("分流队列")
    page = window.queue
    page.room.setCurrentIndex(page.room.findText(ROOM))
    return page, first.referral_id, second.referral_id


def test_a_called_ticket_can_be_marked_no_show_before_the_next_call(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page, first, second = _two_waiting(qtbot, sqlite_database)
    click_named(qtbot, page, "queue.call_next")
    assert ticket_status(sqlite_database, first) == "called"
    with answering(qtbot, "in_hand", "no_show") as asked:
        click_named(qtbot, page, "queue.call_next")
    assert asked == ["本窗口还有未办结的号：调-001 测试1号（已叫号）。\n"
                     "叫下一位之前，要先处理 调-001 吗？"]
    assert ticket_status(sqlite_database, first) == "no_show"
    assert ticket_status(sqlite_database, second) == "called"
    assert "调-002" in page.message.text()


def test_a_ticket_being_served_is_finished_then_the_next_is_called(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page, first, second = _two_waiting(qtbot, sqlite_database)
    click_named(qtbot, page, "queue.call_next")  # the signed-in account's desk
    click_named(qtbot, page, "queue.start")
    assert ticket_status(sqlite_database, first) == "serving"
    with answering(qtbot, "in_hand", "finish") as asked:
        click_named(qtbot, page, "queue.call_next")
    assert len(asked) == 1 and "调-001 测试1号（接待中）" in asked[0]
    dialog = queue_dialog(page)  # 办结 调-001, as if pressed by hand
    assert dialog.windowTitle() == "办结 调-001"
    assert ticket_status(sqlite_database, second) == "waiting"  # not yet
    result = dialog.findChild(QComboBox, "finish.result")
    assert result is not None
    result.setCurrentIndex(result.findData("resolved"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert ticket_status(sqlite_database, first) == "done"
    assert ticket_status(sqlite_database, second) == "called"


def test_keeping_the_ticket_calls_the_next_and_cancelling_changes_nothing(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page, first, second = _two_waiting(qtbot, sqlite_database)
    third = register(sqlite_database, 3).referral_id
    click_named(qtbot, page, "queue.call_next")
    with answering(qtbot, "in_hand", "cancel") as asked:
        click_named(qtbot, page, "queue.call_next")
    assert len(asked) == 1
    assert [ticket_status(sqlite_database, r) for r in (first, second, third)] == [
        "called", "waiting", "waiting"]
    assert page.message.text() == "未叫号：调-001 尚未办结。"
    # The visitor of 调-001 is fetching a document: kept, and 调-002 is called beside it.
    with answering(qtbot, "in_hand", "keep") as asked:
        click_named(qtbot, page, "queue.call_next")
    assert len(asked) == 1
    assert [ticket_status(sqlite_database, r) for r in (first, second, third)] == [
        "called", "called", "waiting"]
    # Both in hand now: the question names both and deals with one at a time.
    with answering(qtbot, "in_hand", "no_show") as asked:
        click_named(qtbot, page, "queue.call_next")
        qtbot.waitUntil(lambda: len(asked) == 2)
    assert "调-001 测试1号（已叫号）、调-002 测试2号（已叫号）" in asked[0]
    assert "调-002 测试2号（已叫号）" in asked[1] and "调-001" not in asked[1]
    assert [ticket_status(sqlite_database, r) for r in (first, second, third)] == [
        "no_show", "no_show", "called"]


def test_finishing_into_a_mediation_case_calls_nobody_while_the_case_is_accepted(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page, first, second = _two_waiting(qtbot, sqlite_database)
    click_named(qtbot, page, "queue.call_next")
    click_named(qtbot, page, "queue.start")
    with answering(qtbot, "in_hand", "finish"):
        click_named(qtbot, page, "queue.call_next")
    dialog = queue_dialog(page)
    result = dialog.findChild(QComboBox, "finish.result")
    assert result is not None
    result.setCurrentIndex(result.findData("case_opened"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    window = page.window()
    assert isinstance(window, MainWindow) and window.current_page() is window.cases
    assert ticket_status(sqlite_database, first) == "done"
    # The mediator is accepting the case: the next visitor is not called meanwhile.
    assert ticket_status(sqlite_database, second) == "waiting"


def test_a_ticket_nobody_is_recorded_on_is_in_every_desks_hand_served_first_then_by_call(
        database: Database) -> None:
    """A ticket in hand that names no member of staff (called before accounts existed) may
    be any desk's; each desk's list puts what it serves first, then what it called, the
    earliest call first, whatever order the tickets were issued in. 叫下一位 leaves only
    this desk's tickets behind, and only when someone of this room waits."""
    from tests.reception_helpers import set_referral

    now = datetime.now().replace(microsecond=0)
    tickets = [register(database, n, now=now - timedelta(minutes=30 - n)) for n in range(1, 6)]
    first, second, third, fourth, _fifth = (t.referral_id for t in tickets)
    mediator, other, _ = staff(database)
    queue.call(database, second, staff_id=mediator, now=now - timedelta(minutes=5))
    queue.call(database, first, staff_id=mediator, now=now - timedelta(minutes=3))
    queue.start(database, third, staff_id=mediator, now=now - timedelta(minutes=1))
    queue.call(database, fourth, staff_id=other, now=now - timedelta(minutes=4))
    set_referral(database, fourth, handled_by_id=None)
    assert _in_hand(database, mediator) == [
        ("调-003", "接待中"), ("调-002", "已叫号"), ("调-004", "已叫号"), ("调-001", "已叫号")]
    assert _in_hand(database, other) == [("调-004", "已叫号")]
    room = room_ids(database)[ROOM]
    with database.read() as session:
        left = queue.left_behind_by_call_next(session, room, staff_id=other)
        assert [(t.referral_id, t.ticket_no) for t in left] == [(fourth, "调-004")]
    queue.call(database, tickets[4].referral_id, staff_id=other, now=now)  # nobody waits now
    register(database, 9, room="心理咨询室", now=now)  # someone waits, in another room
    with database.read() as session:
        assert queue.left_behind_by_call_next(session, room, staff_id=other) == []
