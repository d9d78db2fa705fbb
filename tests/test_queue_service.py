"""The queue state machine, the route of a visit, escalations, board and hall display."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Escalation, Referral, ReferralEvent
from desktop.services.errors import ValidationError
from desktop.services.reception import queue
from tests.reception_helpers import register, room_ids

T0 = datetime(2026, 11, 26, 9, 0)


def _referral(database: Database, referral_id: int) -> Referral:
    with database.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        return referral


def test_call_start_finish_measures_times_and_records_each_step(database: Database) -> None:
    reg = register(database, now=T0)
    queue.call(database, reg.referral_id, now=T0 + timedelta(minutes=12))
    queue.recall(database, reg.referral_id, now=T0 + timedelta(minutes=14))
    queue.start(database, reg.referral_id, now=T0 + timedelta(minutes=15))
    queue.finish(database, reg.referral_id, "resolved", note="双方达成谅解",
                 now=T0 + timedelta(minutes=40))
    referral = _referral(database, reg.referral_id)
    assert referral.status == "done" and referral.result == "resolved"
    assert referral.call_count == 2
    assert referral.called_at == T0 + timedelta(minutes=14)
    with database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
    assert [e.action for e in route.events] == ["issued", "call", "recall", "start", "finish"]
    assert route.steps[0].wait_minutes == 15
    assert route.steps[0].serve_minutes == 25
    assert "双方达成谅解" in route.events[-1].reason


@pytest.mark.parametrize(
    ("steps", "action", "state"),
    [
        ([], "finish", "等候中"),
        ([], "recall", "等候中"),
        ([], "no_show", "等候中"),
        (["call", "no_show"], "call", "过号未到"),
        (["call", "start"], "call", "接待中"),
        (["start", "finish"], "start", "已办结"),
        (["start", "finish"], "transfer", "已办结"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    database: Database, steps: list[str], action: str, state: str
) -> None:
    reg = register(database, now=T0)
    for step in steps:
        if step == "finish":
            queue.finish(database, reg.referral_id, "resolved")
        else:
            getattr(queue, step)(database, reg.referral_id)
    before = _referral(database, reg.referral_id)
    with database.read() as session:
        events_before = session.scalar(select(func.count()).select_from(ReferralEvent))
    with pytest.raises(ValidationError) as caught:
        if action == "finish":
            queue.finish(database, reg.referral_id, "resolved")
        elif action == "transfer":
            queue.transfer(database, reg.referral_id, room_ids(database)["心理咨询室"], "需疏导")
        else:
            getattr(queue, action)(database, reg.referral_id)
    assert state in caught.value.errors["action"]
    after = _referral(database, reg.referral_id)
    assert (after.status, after.call_count, after.updated_at) == (
        before.status, before.call_count, before.updated_at)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(ReferralEvent)) == events_before


def test_call_next_takes_red_first_then_ticket_order(database: Database) -> None:
    first = register(database, 1, now=T0)
    red = register(database, 2, now=T0 + timedelta(minutes=1), risk_level="红")
    third = register(database, 3, now=T0 + timedelta(minutes=2))
    room = room_ids(database)["矛盾纠纷调解室"]
    called = [queue.call_next(database, room) for _ in range(3)]
    assert [c.id for c in called if c] == [red.referral_id, first.referral_id, third.referral_id]
    assert queue.call_next(database, room) is None


def test_hold_needs_a_reason_and_resume_puts_back_in_queue(database: Database) -> None:
    reg = register(database, now=T0)
    with pytest.raises(ValidationError) as caught:
        queue.hold(database, reg.referral_id, "  ")
    assert caught.value.errors["reason"] == "请填写暂缓原因"
    queue.hold(database, reg.referral_id, "等待补充材料")
    assert _referral(database, reg.referral_id).status == "on_hold"
    queue.resume(database, reg.referral_id)
    assert _referral(database, reg.referral_id).status == "waiting"


def test_transfer_issues_a_new_ticket_and_keeps_the_route(database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, now=T0)
    queue.call(database, reg.referral_id, now=T0 + timedelta(minutes=5))
    queue.start(database, reg.referral_id, now=T0 + timedelta(minutes=6))
    with pytest.raises(ValidationError) as caught:
        queue.transfer(database, reg.referral_id, rooms["心理咨询室"], "")
    assert caught.value.errors["reason"] == "请填写转办原因"
    with pytest.raises(ValidationError):
        queue.transfer(database, reg.referral_id, rooms["矛盾纠纷调解室"], "同室")
    new = queue.transfer(database, reg.referral_id, rooms["心理咨询室"], "当事人情绪激动，需先疏导",
                         now=T0 + timedelta(minutes=20))
    assert new.ticket_no == "心-001"
    old = _referral(database, reg.referral_id)
    assert (old.status, old.result) == ("transferred", "transferred")
    # The visit may need one more room as well.
    extra = queue.route_again(database, reg.visit_id, rooms["关爱工作室"], "申请困难帮扶",
                              now=T0 + timedelta(minutes=21))
    assert extra.ticket_no == "爱-001"
    with database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
        assert _referral(database, new.id).transferred_from_id == reg.referral_id
    assert [s.ticket_no for s in route.steps] == ["调-001", "心-001", "爱-001"]
    transfer = next(e for e in route.events if e.action == "transfer")
    assert transfer.to_room == "心理咨询室"
    assert transfer.reason == "当事人情绪激动，需先疏导"
    assert transfer.at == T0 + timedelta(minutes=20)
    assert route.steps[0].serve_minutes == 14


def test_finish_referred_out_opens_a_department_referral(database: Database) -> None:
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id)
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "referred_out")
    assert set(caught.value.errors) == {"department", "due_date"}
    queue.finish(database, reg.referral_id, "referred_out", department="区住建局",
                 due_date=date.today() + timedelta(days=5), note="涉及违章建筑")
    with database.read() as session:
        rows = queue.open_escalations(session)
    assert [(r.kind, r.target, r.overdue) for r in rows] == [("department", "区住建局", False)]


def test_case_opened_only_records_the_result(database: Database) -> None:
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id)
    queue.finish(database, reg.referral_id, "case_opened")
    assert _referral(database, reg.referral_id).result == "case_opened"


def test_escalations_past_their_date_are_flagged(database: Database) -> None:
    reg = register(database, now=T0)
    other = register(database, 2, now=T0)
    past = datetime(2026, 11, 1, 9, 0)
    with pytest.raises(ValidationError) as caught:
        queue.escalate(database, reg.visit_id, "X", "")
    assert set(caught.value.errors) == {"level", "reason"}
    queue.escalate(database, reg.visit_id, "B", "涉及多户群体诉求", due_date=date(2026, 11, 5),
                   now=past)
    queue.refer_to_department(database, other.visit_id, "区市场监管局", date(2026, 12, 30),
                              "预付卡退费", now=past)
    today = date(2026, 11, 26)
    with database.read() as session:
        rows = queue.open_escalations(session, today=today)
        overdue = queue.open_escalations(session, today=today, overdue_only=True)
        assert queue.overdue_count(session, today=today) == 1
    assert [(r.target, r.overdue) for r in rows] == [("B级（街道）", True),
                                                      ("区市场监管局", False)]
    assert [r.visit_no for r in overdue] == [reg.visit_no]
    queue.close_escalation(database, rows[0].id, "街道已协调处置")
    with database.read() as session:
        assert queue.overdue_count(session, today=today) == 0
        closed = session.get(Escalation, rows[0].id)
        assert closed is not None and closed.status == "closed"


def test_board_and_hall_display(database: Database) -> None:
    now = datetime.now().replace(microsecond=0)
    a = register(database, 1, now=now - timedelta(minutes=30))
    register(database, 2, now=now - timedelta(minutes=10))
    register(database, 3, room="心理咨询室", category="心理疏导", now=now)
    queue.call(database, a.referral_id, now=now - timedelta(minutes=1))
    queue.start(database, a.referral_id, now=now)
    with database.read() as session:
        board = {r.room_name: r for r in queue.centre_board(session, now=now)}
        hall = {r.room_name: r for r in queue.hall_display(session, now=now)}
    assert board["矛盾纠纷调解室"].waiting == 1
    assert board["矛盾纠纷调解室"].longest_wait_minutes == 10
    # The signed-in account is the staff member serving.
    assert board["矛盾纠纷调解室"].serving == ["调-001 测试1号（测试管理员）"]
    assert board["心理咨询室"].waiting == 1
    assert (hall["矛盾纠纷调解室"].calling, hall["矛盾纠纷调解室"].waiting) == ("调-001", 1)
    assert (hall["心理咨询室"].calling, hall["心理咨询室"].waiting) == ("", 1)


def test_queue_lists_active_tickets_of_earlier_days_too(database: Database) -> None:
    yesterday = register(database, 1, now=T0 - timedelta(days=1))
    queue.hold(database, yesterday.referral_id, "等待补充材料")
    register(database, 2, now=T0)
    with database.read() as session:
        rows = queue.room_queue(session, room_ids(database)["矛盾纠纷调解室"])
    assert [(r.ticket_no, r.status) for r in rows] == [("调-001", "waiting"),
                                                         ("调-001", "on_hold")]


def test_finish_as_transferred_is_a_transfer(database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id, now=T0)
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "transferred")
    assert set(caught.value.errors) == {"to_room", "note"}
    new = queue.finish(database, reg.referral_id, "transferred", note="属警务事项",
                       to_room_id=rooms["警民联络室"], now=T0 + timedelta(minutes=9))
    assert new.ticket_no == "警-001" and new.transferred_from_id == reg.referral_id
    assert _referral(database, reg.referral_id).status == "transferred"


def test_board_counts_todays_finished_tickets_and_average_wait(database: Database) -> None:
    now = datetime.now().replace(microsecond=0)
    start = now.replace(hour=0, minute=0, second=1)  # today, whatever the time
    for n, wait in ((1, 10), (2, 20)):
        reg = register(database, n, now=start)
        queue.start(database, reg.referral_id, now=start + timedelta(minutes=wait))
        queue.finish(database, reg.referral_id, "resolved", now=start + timedelta(minutes=40))
    with database.read() as session:
        board = {r.room_name: r for r in queue.centre_board(session, now=now)}
    assert board["矛盾纠纷调解室"].done_today == 2
    assert board["矛盾纠纷调解室"].average_wait_today == 15
    assert board["心理咨询室"].done_today == 0
