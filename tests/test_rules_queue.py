"""Every refusal rule of the queue, escalations and the hall display, each proven by a test.

A refused action changes nothing: the ticket, its events and the number counters
are as they were.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Escalation, Referral, Room
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception import queue
from tests.conftest import TEST_ADMIN_NAME
from tests.reception_helpers import add_staff as _staff
from tests.reception_helpers import referral as _referral
from tests.reception_helpers import register, room_ids
from tests.rules_helpers import snapshot

T0 = datetime(2026, 11, 26, 9, 0)
STATES = ["waiting", "called", "serving", "on_hold", "done", "no_show", "transferred"]
# How to bring a fresh ticket into each state.
PATHS: dict[str, list[str]] = {
    "waiting": [], "called": ["call"], "serving": ["start"], "on_hold": ["hold"],
    "done": ["start", "finish"], "no_show": ["call", "no_show"], "transferred": ["transfer"],
}


def _do(database: Database, referral_id: int, action: str, at: datetime) -> Referral:
    if action == "finish":
        return queue.finish(database, referral_id, "resolved", now=at)
    if action == "hold":
        return queue.hold(database, referral_id, "等待补充材料", now=at)
    if action == "transfer":
        return queue.transfer(database, referral_id, room_ids(database)["心理咨询室"], "需疏导",
                              now=at)
    return getattr(queue, action)(database, referral_id, now=at)


def _signed_in(database: Database) -> int:
    """The member of staff the test database works as (every step is recorded under it)."""
    assert database.actor is not None and database.actor.staff_id is not None
    return database.actor.staff_id


def _deactivate(database: Database, room_id: int) -> None:
    with database.write() as session:
        room = session.get(Room, room_id)
        assert room is not None
        room.active = False


# ---------------------------------------------------------------------------
# The state machine: every action from every state


@pytest.mark.parametrize("state", STATES)
def test_every_action_from_every_state_follows_the_table(
    sqlite_database: Database, state: str
) -> None:
    database = sqlite_database
    allowed = queue.allowed_actions(state)
    for action in queue.TRANSITIONS:
        reg = register(database, 1, now=T0)
        for step in PATHS[state]:
            _do(database, reg.referral_id, step, T0)
        assert _referral(database, reg.referral_id).status == state
        before = snapshot(database)
        if action in allowed:
            _do(database, reg.referral_id, action, T0 + timedelta(minutes=5))
            assert _referral(database, reg.referral_id).status == queue.TRANSITIONS[action][1]
        else:
            with pytest.raises(ValidationError) as caught:
                _do(database, reg.referral_id, action, T0 + timedelta(minutes=5))
            assert caught.value.errors == {"action": (
                f"当前状态为“{queue.STATUS_NAMES[state]}”，不能{queue.ACTION_NAMES[action]}")}
            assert snapshot(database) == before
            assert _referral(database, reg.referral_id).status == state


def test_the_table_of_allowed_actions() -> None:
    assert queue.allowed_actions("waiting") == {"call", "start", "hold", "transfer"}
    assert queue.allowed_actions("called") == {"recall", "start", "hold", "no_show", "transfer"}
    assert queue.allowed_actions("serving") == {"hold", "finish", "transfer"}
    assert queue.allowed_actions("on_hold") == {"call", "start", "resume", "transfer"}
    for final in ("done", "no_show", "transferred"):
        assert queue.allowed_actions(final) == set()


def test_each_step_stamps_its_time_and_counts_calls(database: Database) -> None:
    staff = _staff(database)
    reg = register(database, now=T0)
    queue.call(database, reg.referral_id, staff_id=staff, now=T0 + timedelta(minutes=1))
    assert _referral(database, reg.referral_id).handled_by_id == staff
    queue.recall(database, reg.referral_id, now=T0 + timedelta(minutes=2))
    called = _referral(database, reg.referral_id)
    # No member of staff named: the step is the signed-in account's.
    assert (called.status, called.call_count, called.called_at, called.handled_by_id) == (
        "called", 2, T0 + timedelta(minutes=2), _signed_in(database))
    queue.start(database, reg.referral_id, now=T0 + timedelta(minutes=3))
    started = _referral(database, reg.referral_id)
    assert (started.called_at, started.started_at, started.updated_at) == (
        T0 + timedelta(minutes=2), T0 + timedelta(minutes=3), T0 + timedelta(minutes=3))
    queue.finish(database, reg.referral_id, "left", note="  ", now=T0 + timedelta(minutes=9))
    done = _referral(database, reg.referral_id)
    assert (done.status, done.result, done.finished_at, done.note) == (
        "done", "left", T0 + timedelta(minutes=9), None)


def test_start_without_a_call_counts_as_called_then(database: Database) -> None:
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id, now=T0 + timedelta(minutes=4))
    referral = _referral(database, reg.referral_id)
    assert (referral.called_at, referral.started_at, referral.call_count) == (
        T0 + timedelta(minutes=4), T0 + timedelta(minutes=4), 0)


def test_no_show_closes_the_ticket_and_hold_keeps_its_reason(database: Database) -> None:
    first = register(database, 1, now=T0)
    queue.call(database, first.referral_id, now=T0)
    queue.no_show(database, first.referral_id, now=T0 + timedelta(minutes=10))
    gone = _referral(database, first.referral_id)
    assert (gone.status, gone.result, gone.finished_at) == (
        "no_show", "no_show", T0 + timedelta(minutes=10))
    second = register(database, 2, now=T0)
    queue.hold(database, second.referral_id, "  等待补充材料 ", now=T0)
    assert _referral(database, second.referral_id).note == "等待补充材料"
    with database.read() as session:
        route = queue.visit_route(session, second.visit_id)
    assert [(e.action, e.reason) for e in route.events] == [
        ("issued", ""), ("hold", "等待补充材料")]


def test_unknown_tickets_and_visits_are_not_found(database: Database) -> None:
    rooms = room_ids(database)
    for action in ("call", "recall", "start", "no_show", "resume"):
        with pytest.raises(NotFoundError, match=r"^该排队号不存在$"):
            getattr(queue, action)(database, 999_999)
    with pytest.raises(NotFoundError, match=r"^该排队号不存在$"):
        queue.finish(database, 999_999, "resolved")
    with pytest.raises(NotFoundError, match=r"^该排队号不存在$"):
        queue.transfer(database, 999_999, rooms["心理咨询室"], "需疏导")
    with pytest.raises(NotFoundError, match=r"^该来访登记不存在$"):
        queue.route_again(database, 999_999, rooms["心理咨询室"], "需疏导")
    with pytest.raises(NotFoundError, match=r"^该来访登记不存在$"):
        queue.escalate(database, 999_999, "B", "群体诉求")
    with pytest.raises(NotFoundError, match=r"^该上报/移送记录不存在$"):
        queue.close_escalation(database, 999_999, "已办结")
    with database.read() as session, pytest.raises(NotFoundError, match=r"^该来访登记不存在$"):
        queue.visit_route(session, 999_999)


# ---------------------------------------------------------------------------
# Finishing, transfers, another room


def test_finish_needs_a_known_result(database: Database) -> None:
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id, now=T0)
    before = snapshot(database)
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "gone")
    assert caught.value.errors == {"result": "请选择办理结果"}
    assert snapshot(database) == before


def test_referred_out_needs_department_and_due_date(database: Database) -> None:
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id, now=T0)
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "referred_out", department=" ",
                     due_date=date(2026, 12, 10))
    assert caught.value.errors == {"department": "移送职能部门时请填写部门名称"}
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "referred_out", department="区住建局")
    assert caught.value.errors == {"due_date": "移送职能部门时请填写办理期限"}
    staff = _staff(database)
    queue.finish(database, reg.referral_id, "referred_out", department=" 区住建局 ",
                 due_date=date(2026, 12, 10), staff_id=staff, now=T0 + timedelta(hours=1))
    with database.read() as session:
        row = session.scalar(select(Escalation))
        assert row is not None
        assert (row.kind, row.department, row.reason, row.due_date, row.status) == (
            "department", "区住建局", "办结时移送职能部门", date(2026, 12, 10), "open")
        assert (row.raised_at, row.raised_by_id, row.referral_id) == (
            T0 + timedelta(hours=1), staff, reg.referral_id)
    done = _referral(database, reg.referral_id)
    assert (done.status, done.result, done.handled_by_id) == ("done", "referred_out", staff)


def test_transfer_refusals_change_nothing(database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, now=T0)
    _deactivate(database, rooms["心理咨询室"])
    before = snapshot(database)
    cases = [
        ((None, "需疏导"), {"to_room": "请选择转往的科室"}),
        ((rooms["关爱工作室"], " "), {"reason": "请填写转办原因"}),
        ((rooms["矛盾纠纷调解室"], "同室"), {"to_room": "不能转往本科室"}),
        ((rooms["心理咨询室"], "需疏导"), {"to_room": "所选科室不存在或已停用"}),
        ((999_999, "需疏导"), {"to_room": "所选科室不存在或已停用"}),
    ]
    for (to_room, reason), errors in cases:
        with pytest.raises(ValidationError) as caught:
            queue.transfer(database, reg.referral_id, to_room, reason)
        assert caught.value.errors == errors
        assert snapshot(database) == before
    assert _referral(database, reg.referral_id).status == "waiting"


def test_finish_as_transfer_checks_the_room_and_reason(database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, now=T0)
    queue.start(database, reg.referral_id, now=T0)
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "transferred", note="属警务事项")
    assert caught.value.errors == {"to_room": "请选择转往的科室"}
    with pytest.raises(ValidationError) as caught:
        queue.finish(database, reg.referral_id, "transferred", to_room_id=rooms["警民联络室"])
    assert caught.value.errors == {"note": "请在办理情况中写明转办原因"}


def test_route_again_refuses_a_switched_off_room(database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, now=T0)
    _deactivate(database, rooms["关爱工作室"])
    before = snapshot(database)
    for to_room, reason, errors in [
        (None, "帮扶", {"to_room": "请选择科室"}),
        (rooms["警民联络室"], "", {"reason": "请填写原因"}),
        (rooms["关爱工作室"], "帮扶", {"to_room": "所选科室不存在或已停用"}),
    ]:
        with pytest.raises(ValidationError) as caught:
            queue.route_again(database, reg.visit_id, to_room, reason)
        assert caught.value.errors == errors
    assert snapshot(database) == before


def test_a_transfer_keeps_who_did_it(database: Database) -> None:
    staff = _staff(database)
    reg = register(database, now=T0)
    new = queue.transfer(database, reg.referral_id, room_ids(database)["心理咨询室"],
                         " 情绪激动 ", staff_id=staff, now=T0 + timedelta(minutes=3))
    old = _referral(database, reg.referral_id)
    assert (old.handled_by_id, old.finished_at, old.updated_at) == (
        staff, T0 + timedelta(minutes=3), T0 + timedelta(minutes=3))
    assert (new.status, new.ticket_date, new.created_at) == (
        "waiting", T0.date(), T0 + timedelta(minutes=3))
    with database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
    assert [(e.action, e.staff, e.reason) for e in route.events] == [
        ("issued", TEST_ADMIN_NAME, ""), ("transfer", "王志刚", "情绪激动"),
        ("transfer_in", "王志刚", "情绪激动")]


# ---------------------------------------------------------------------------
# Escalations and referrals to departments


def test_escalation_refusals(database: Database) -> None:
    reg = register(database, now=T0)
    today = T0.date()
    before = snapshot(database, Escalation)
    cases = [
        (("X", "群体诉求", None), {"level": "请选择上报层级"}),
        (("B", " ", None), {"reason": "请填写上报理由"}),
        (("B", "群体诉求", today - timedelta(days=1)), {"due_date": "办理期限不能早于今天"}),
    ]
    for (level, reason, due), errors in cases:
        with pytest.raises(ValidationError) as caught:
            queue.escalate(database, reg.visit_id, level, reason, due_date=due, now=T0)
        assert caught.value.errors == errors
    assert snapshot(database, Escalation) == before
    for level in queue.LEVELS:
        queue.escalate(database, reg.visit_id, level, "群体诉求", due_date=today, now=T0)
    with database.read() as session:
        rows = queue.open_escalations(session, today=today)
    assert sorted(r.target for r in rows) == sorted(queue.LEVELS.values())
    assert {(r.kind_name, r.overdue) for r in rows} == {("上报", False)}


def test_an_escalation_without_a_clock_checks_against_today(database: Database) -> None:
    reg = register(database, now=T0)
    with pytest.raises(ValidationError):
        queue.escalate(database, reg.visit_id, "C", "群体诉求",
                       due_date=date.today() - timedelta(days=1))
    queue.escalate(database, reg.visit_id, "C", "群体诉求", due_date=date.today())


def test_department_referral_refusals(database: Database) -> None:
    reg = register(database, now=T0)
    today = T0.date()
    cases = [
        ((" ", today, "欠薪"), {"department": "请填写移送的职能部门"}),
        (("人社局", None, "欠薪"), {"due_date": "请填写办理期限"}),
        (("人社局", today - timedelta(days=1), "欠薪"), {"due_date": "办理期限不能早于今天"}),
        (("人社局", today, " "), {"reason": "请填写移送事由"}),
    ]
    for (department, due, reason), errors in cases:
        with pytest.raises(ValidationError) as caught:
            queue.refer_to_department(database, reg.visit_id, department, due, reason, now=T0)
        assert caught.value.errors == errors
    staff = _staff(database)
    made = queue.refer_to_department(database, reg.visit_id, " 人社局 ", today, " 欠薪 ",
                                     staff_id=staff, now=T0)
    with database.read() as session:
        row = session.get(Escalation, made)
        assert row is not None
        assert (row.department, row.reason, row.raised_by_id, row.raised_at, row.level) == (
            "人社局", "欠薪", staff, T0, None)
        (listed,) = queue.open_escalations(session, today=today)
    assert (listed.kind_name, listed.target, listed.overdue) == ("部门移送", "人社局", False)


def test_a_closed_escalation_is_not_closed_again(database: Database) -> None:
    reg = register(database, now=T0)
    made = queue.escalate(database, reg.visit_id, "B", "群体诉求", now=T0)
    with pytest.raises(ValidationError) as caught:
        queue.close_escalation(database, made, " ")
    assert caught.value.errors == {"outcome": "请填写办理结果"}
    queue.close_escalation(database, made, " 街道已协调 ", now=T0 + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        queue.close_escalation(database, made, "再次办结", now=T0 + timedelta(days=2))
    assert caught.value.errors == {"outcome": "该事项已办结"}
    with database.read() as session:
        row = session.get(Escalation, made)
        assert row is not None
        assert (row.status, row.outcome, row.closed_at) == (
            "closed", "街道已协调", T0 + timedelta(days=1))
        assert queue.open_escalations(session, today=T0.date()) == []
        (shown,) = queue.visit_route(session, reg.visit_id).escalations
    assert (shown.status, shown.outcome, shown.overdue) == ("closed", "街道已协调", False)


def test_overdue_is_strictly_after_the_due_date(database: Database) -> None:
    reg = register(database, now=T0)
    due = T0.date() + timedelta(days=3)
    queue.escalate(database, reg.visit_id, "A", "群体诉求", due_date=due, now=T0)
    queue.escalate(database, reg.visit_id, "B", "没有期限", now=T0)
    with database.read() as session:
        on_the_day = queue.open_escalations(session, today=due)
        day_after = queue.open_escalations(session, today=due + timedelta(days=1))
        assert queue.overdue_count(session, today=due) == 0
        assert queue.overdue_count(session, today=due + timedelta(days=1)) == 1
        assert queue.open_escalations(session, today=due, overdue_only=True) == []
        limited = queue.open_escalations(session, today=due, limit=1)
    assert [(r.target, r.overdue) for r in on_the_day] == [("A级（社区）", False),
                                                           ("B级（街道）", False)]
    assert [(r.target, r.overdue) for r in day_after] == [("A级（社区）", True),
                                                          ("B级（街道）", False)]
    assert [r.target for r in limited] == ["A级（社区）"]


# ---------------------------------------------------------------------------
# The hall display and the board around midnight


def test_a_ticket_called_after_midnight_shows_on_the_hall_display(
    database: Database, clock: time_machine.Coordinates
) -> None:
    evening = datetime(2026, 12, 1, 23, 50)
    clock.move_to(evening.astimezone())
    reg = register(database, 1)
    clock.move_to((evening + timedelta(minutes=13)).astimezone())  # 00:03 the next day
    queue.call(database, reg.referral_id)
    with database.read() as session:
        hall = {r.room_name: r for r in queue.hall_display(session)}
    assert (hall["矛盾纠纷调解室"].calling, hall["矛盾纠纷调解室"].waiting) == ("调-001", 0)
    assert hall["矛盾纠纷调解室"].called_at == evening + timedelta(minutes=13)


def test_a_ticket_left_over_from_yesterday_shows_when_called(database: Database) -> None:
    now = datetime(2026, 12, 2, 9, 0)
    old = register(database, 1, now=now - timedelta(days=1, hours=1))
    register(database, 2, now=now - timedelta(minutes=5))
    queue.call(database, old.referral_id, now=now)
    with database.read() as session:
        hall = {r.room_name: r for r in queue.hall_display(session, now=now)}
    assert (hall["矛盾纠纷调解室"].calling, hall["矛盾纠纷调解室"].waiting) == ("调-001", 1)


def test_a_call_left_open_overnight_leaves_the_hall_display(database: Database) -> None:
    now = datetime(2026, 12, 2, 9, 0)
    reg = register(database, 1, now=now - timedelta(hours=16))
    queue.call(database, reg.referral_id, now=now - timedelta(hours=16))
    with database.read() as session:
        evening = queue.hall_display(session, now=now - timedelta(hours=4, minutes=1))
        morning = queue.hall_display(session, now=now)
        still = queue.hall_display(session, now=now - timedelta(hours=4))
    mediation = room_ids(database)["矛盾纠纷调解室"]
    assert next(r for r in evening if r.room_id == mediation).calling == "调-001"
    assert next(r for r in still if r.room_id == mediation).calling == "调-001"
    assert next(r for r in morning if r.room_id == mediation).calling == ""
    with database.read() as session:  # the room's queue still lists it, to be closed
        rows = queue.room_queue(session, mediation)
    assert [(r.ticket_no, r.status) for r in rows] == [("调-001", "called")]


def test_the_hall_shows_the_latest_call_of_each_room_only(database: Database) -> None:
    rooms = room_ids(database)
    now = datetime(2026, 12, 2, 10, 0)
    first = register(database, 1, now=now - timedelta(minutes=30))
    second = register(database, 2, now=now - timedelta(minutes=20))
    third = register(database, 3, now=now - timedelta(minutes=10))
    queue.call(database, first.referral_id, now=now - timedelta(minutes=9))
    queue.start(database, second.referral_id, now=now - timedelta(minutes=8))
    queue.call(database, third.referral_id, now=now - timedelta(minutes=7))
    queue.no_show(database, third.referral_id, now=now - timedelta(minutes=1))
    _deactivate(database, rooms["社会组织工作室"])
    with database.read() as session:
        hall = queue.hall_display(session, now=now)
    names = [r.room_name for r in hall]
    assert "社会组织工作室" not in names and names[0] == "综合受理窗口"
    row = next(r for r in hall if r.room_id == rooms["矛盾纠纷调解室"])
    assert (row.calling, row.called_at, row.waiting, row.location) == (
        "调-002", now - timedelta(minutes=8), 0, "一楼东侧")


def test_the_board_counts_queues_waits_and_people(database: Database) -> None:
    rooms = room_ids(database)
    staff = _staff(database)
    now = datetime(2026, 12, 2, 10, 0)
    served = register(database, 1, now=now - timedelta(minutes=50))
    called = register(database, 2, now=now - timedelta(minutes=40))
    held = register(database, 3, now=now - timedelta(minutes=35))
    register(database, 4, now=now - timedelta(minutes=25))
    register(database, 5, now=now - timedelta(minutes=5))
    queue.start(database, served.referral_id, staff_id=staff, now=now - timedelta(minutes=20))
    queue.call(database, called.referral_id, now=now - timedelta(minutes=2))
    queue.hold(database, held.referral_id, "补材料", now=now - timedelta(minutes=1))
    finished = register(database, 6, now=now - timedelta(minutes=45))
    queue.start(database, finished.referral_id, now=now - timedelta(minutes=15))
    queue.finish(database, finished.referral_id, "resolved", now=now - timedelta(minutes=3))
    untimed = register(database, 7, now=now - timedelta(minutes=44))
    queue.call(database, untimed.referral_id, now=now - timedelta(minutes=4))
    queue.no_show(database, untimed.referral_id, now=now - timedelta(minutes=3))
    with database.read() as session:
        board = {r.room_id: r for r in queue.centre_board(session, now=now)}
    row = board[rooms["矛盾纠纷调解室"]]
    assert (row.waiting, row.on_hold, row.longest_wait_minutes) == (2, 1, 25)
    assert row.serving == ["调-001 测试1号（王志刚）"]
    assert row.called == [f"调-002 测试2号（{TEST_ADMIN_NAME}）"]
    assert (row.done_today, row.average_wait_today) == (1, 30)
    assert (row.ticket_prefix, row.room_name) == ("调", "矛盾纠纷调解室")
    other = board[rooms["心理咨询室"]]
    assert (other.waiting, other.longest_wait_minutes, other.done_today,
            other.average_wait_today, other.serving) == (0, 0, 0, None, [])


def test_queue_rows_measure_waiting_and_serving_minutes(database: Database) -> None:
    now = datetime(2026, 12, 2, 10, 0)
    reg = register(database, 1, now=now - timedelta(minutes=30), risk_level="红")
    queue.start(database, reg.referral_id, now=now - timedelta(minutes=10))
    with database.read() as session:
        (row,) = queue.room_queue(session, room_ids(database)["矛盾纠纷调解室"])
        route = queue.visit_route(session, reg.visit_id)
    assert (row.waiting_minutes(now), row.serving_minutes(now), row.status_name) == (
        20, 10, "接待中")
    assert row.waiting_minutes(now - timedelta(hours=1)) == 20  # started: the wait is over
    assert (row.risk_level, row.transferred, row.is_repeat, row.note) == ("红", False, False, "")
    (step,) = route.steps
    assert (step.wait_minutes, step.serve_minutes) == (20, None)
    assert [e.action_name for e in route.events] == ["分流取号", "开始接待"]
    waiting = register(database, 2, now=now)
    with database.read() as session:
        rows = queue.room_queue(session, room_ids(database)["矛盾纠纷调解室"])
    late = next(r for r in rows if r.referral_id == waiting.referral_id)
    assert (late.serving_minutes(now), late.waiting_minutes(now - timedelta(minutes=1))) == (
        None, 0)


def test_a_room_s_queue_lists_every_active_ticket_in_call_order(database: Database) -> None:
    rooms = room_ids(database)
    now = datetime(2026, 12, 2, 10, 0)
    first = register(database, 1, now=now - timedelta(minutes=60))
    serving = register(database, 2, now=now - timedelta(minutes=50), visit_type="集体",
                       headcount=5, representative_name="李四")
    held = register(database, 3, now=now - timedelta(minutes=40))
    waiting = register(database, 4, now=now - timedelta(minutes=30), category="物业")
    red = register(database, 5, now=now - timedelta(minutes=20), risk_level="红")
    done = register(database, 6, now=now - timedelta(minutes=15))
    elsewhere = register(database, 7, now=now - timedelta(minutes=10), room="心理咨询室",
                         category="心理疏导")
    queue.call(database, first.referral_id, now=now - timedelta(minutes=9))
    queue.recall(database, first.referral_id, now=now - timedelta(minutes=8))
    queue.start(database, serving.referral_id, now=now - timedelta(minutes=7))
    queue.hold(database, held.referral_id, "补材料", now=now - timedelta(minutes=6))
    queue.start(database, done.referral_id, now=now - timedelta(minutes=5))
    queue.finish(database, done.referral_id, "resolved", now=now - timedelta(minutes=4))
    moved = queue.transfer(database, elsewhere.referral_id, rooms["矛盾纠纷调解室"], "属调解",
                           now=now - timedelta(minutes=3))
    again = register(database, 4, now=now - timedelta(minutes=2),
                     repeat_of_visit_id=waiting.visit_id, room="心理咨询室", category="心理疏导")
    with database.read() as session:
        rows = queue.room_queue(session, rooms["矛盾纠纷调解室"])
        other = queue.room_queue(session, rooms["心理咨询室"])
    assert [(r.ticket_no, r.status, r.person_name) for r in rows] == [
        ("调-002", "serving", "测试2号"), ("调-001", "called", "测试1号"),
        ("调-005", "waiting", "测试5号"), ("调-004", "waiting", "测试4号"),
        ("调-007", "waiting", "测试7号"), ("调-003", "on_hold", "测试3号")]
    by_ticket = {r.ticket_no: r for r in rows}
    called = by_ticket["调-001"]
    assert (called.referral_id, called.visit_id, called.visit_no, called.call_count,
            called.called_at, called.started_at, called.created_at) == (
        first.referral_id, first.visit_id, first.visit_no, 2, now - timedelta(minutes=8), None,
        now - timedelta(minutes=60))
    group = by_ticket["调-002"]
    assert (group.visit_type, group.headcount, group.category, group.risk_level,
            group.started_at) == ("集体", 5, "邻里", "黄", now - timedelta(minutes=7))
    assert (by_ticket["调-004"].category, by_ticket["调-005"].risk_level) == ("物业", "红")
    assert by_ticket["调-005"].referral_id == red.referral_id
    assert (by_ticket["调-003"].note, by_ticket["调-004"].note) == ("补材料", "")
    assert [r.transferred for r in rows] == [False, False, False, False, True, False]
    assert by_ticket["调-007"].referral_id == moved.id
    assert [(r.ticket_no, r.is_repeat, r.visit_id) for r in other] == [
        ("心-002", True, again.visit_id)]


def test_call_next_stamps_the_time_and_who_called(database: Database) -> None:
    staff = _staff(database)
    reg = register(database, 1, now=T0)
    room = room_ids(database)["矛盾纠纷调解室"]
    called = queue.call_next(database, room, staff_id=staff, now=T0 + timedelta(minutes=3))
    assert called is not None and called.id == reg.referral_id
    referral = _referral(database, reg.referral_id)
    assert (referral.status, referral.called_at, referral.handled_by_id) == (
        "called", T0 + timedelta(minutes=3), staff)
    assert queue.call_next(database, room_ids(database)["心理咨询室"]) is None


def _reorder(database: Database, room_id: int, sort_order: int, location: str | None) -> None:
    with database.write() as session:
        room = session.get(Room, room_id)
        assert room is not None
        room.sort_order, room.location = sort_order, location


def test_the_board_and_hall_follow_the_rooms_order_and_latest_calls(database: Database) -> None:
    rooms = room_ids(database)
    now = datetime(2026, 12, 2, 10, 0)
    _reorder(database, rooms["关爱工作室"], -1, None)
    a = register(database, 1, now=now - timedelta(minutes=90))
    b = register(database, 2, now=now - timedelta(minutes=80))
    queue.call(database, b.referral_id, now=now - timedelta(minutes=20))
    queue.call(database, a.referral_id, now=now - timedelta(minutes=10))
    long_wait = register(database, 3, now=now - timedelta(minutes=70), room="心理咨询室",
                         category="心理疏导")
    queue.start(database, long_wait.referral_id, now=now - timedelta(minutes=10))
    queue.finish(database, long_wait.referral_id, "resolved", now=now - timedelta(minutes=5))
    register(database, 4, now=now - timedelta(minutes=1), room="警民联络室", category="治安求助")
    switched_off = register(database, 5, now=now - timedelta(minutes=50), room="社会组织工作室",
                            category="社会组织服务")
    queue.start(database, switched_off.referral_id, now=now - timedelta(minutes=40))
    queue.finish(database, switched_off.referral_id, "resolved", now=now - timedelta(minutes=30))
    with database.write() as session:
        row = session.get(Room, rooms["社会组织工作室"])
        assert row is not None
        row.active = False
    with database.read() as session:
        board = queue.centre_board(session, now=now)
        hall = queue.hall_display(session, now=now)
    assert [r.room_name for r in board][:2] == ["关爱工作室", "综合受理窗口"]
    assert [r.room_name for r in hall][:2] == ["关爱工作室", "综合受理窗口"]
    assert hall[0].location == ""
    by_name = {r.room_name: r for r in board}
    assert by_name["矛盾纠纷调解室"].called == [f"调-002 测试2号（{TEST_ADMIN_NAME}）",
                                         f"调-001 测试1号（{TEST_ADMIN_NAME}）"]
    counselling = by_name["心理咨询室"]
    assert (counselling.done_today, counselling.average_wait_today) == (1, 60)
    police = by_name["警民联络室"]
    assert (police.waiting, police.on_hold, police.done_today, police.average_wait_today,
            police.serving, police.called, police.longest_wait_minutes) == (
        1, 0, 0, None, [], [], 1)
    assert "社会组织工作室" not in by_name
    by_hall = {r.room_name: r for r in hall}
    assert (by_hall["矛盾纠纷调解室"].calling, by_hall["矛盾纠纷调解室"].called_at) == (
        "调-001", now - timedelta(minutes=10))


def test_another_room_for_the_same_visit_keeps_who_and_why(database: Database) -> None:
    staff = _staff(database)
    reg = register(database, 1, now=T0)
    register(database, 2, now=T0, room="心理咨询室", category="心理疏导")
    extra = queue.route_again(database, reg.visit_id, room_ids(database)["关爱工作室"],
                              " 申请帮扶 ", staff_id=staff, now=T0 + timedelta(minutes=30))
    with database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
    assert [(e.action, e.action_name, e.staff, e.reason, e.ticket_no) for e in route.events] == [
        ("issued", "分流取号", TEST_ADMIN_NAME, "", "调-001"),
        ("route", "另派", "王志刚", "申请帮扶", "爱-001")]
    assert (extra.created_at, extra.status) == (T0 + timedelta(minutes=30), "waiting")
    # call_next only calls the room's own tickets
    assert queue.call_next(database, room_ids(database)["警民联络室"]) is None


def test_a_department_referral_is_stored_as_one(database: Database) -> None:
    reg = register(database, 1, now=T0)
    due = T0.date() + timedelta(days=10)
    made = queue.refer_to_department(database, reg.visit_id, "人社局", due, "欠薪", now=T0)
    with database.read() as session:
        row = session.get(Escalation, made)
        assert row is not None and (row.kind, row.due_date, row.status) == (
            "department", due, "open")


def test_fresh_tickets_count_no_calls_and_no_minutes(database: Database) -> None:
    now = datetime(2026, 12, 2, 10, 0)
    reg = register(database, 1, now=now)
    queue.start(database, reg.referral_id, now=now)
    register(database, 2, now=now)
    with database.read() as session:
        rows = queue.room_queue(session, room_ids(database)["矛盾纠纷调解室"])
    assert [(r.call_count, r.serving_minutes(now), r.waiting_minutes(now)) for r in rows] == [
        (0, 0, 0), (0, None, 0)]


def test_each_refusal_of_a_queue_step_names_its_own_field(database: Database) -> None:
    """A text the database cannot keep, a member of staff or a room that is no id, a due
    date outside 1900–2100: each refused under its own field, in its own words, and
    nothing written."""
    visit = register(database, 1, now=T0)
    room = room_ids(database)["矛盾纠纷调解室"]
    bad = "理由\ud800"  # a lone surrogate: no character at all
    now = T0 + timedelta(minutes=5)
    soon = (T0 + timedelta(days=7)).date()
    unreadable = "含有无法识别的字符，请删除后重新输入"
    before = snapshot(database)

    def refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
        with pytest.raises(ValidationError) as caught:
            call(database, *args, now=now, **kwargs)  # type: ignore[operator]
        return caught.value.errors

    assert refused(queue.call_next, 999_999) == {"room": "所选科室不存在"}
    assert refused(queue.call_next, room, staff_id=0) == {"staff": "所选当班人员不存在"}
    assert refused(queue.escalate, visit.visit_id, "B", bad) == {"reason": "原因" + unreadable}
    assert refused(queue.escalate, visit.visit_id, "B", "理由", staff_id=0) == {
        "staff": "所选当班人员不存在"}
    assert refused(queue.escalate, visit.visit_id, "B", "理由", due_date=date(3000, 1, 1)) == {
        "due_date": "办理期限应在1900年至2100年之间"}
    refer = queue.refer_to_department
    assert refused(refer, visit.visit_id, "城\ud800", soon, "事由") == {
        "department": "职能部门" + unreadable}
    assert refused(refer, visit.visit_id, "城管" * 40, soon, "事由") == {
        "department": "职能部门过长（不超过64字，当前80字）"}
    assert refused(refer, visit.visit_id, "城管", soon, bad) == {"reason": "原因" + unreadable}
    assert refused(refer, visit.visit_id, "城管", soon, "事由", staff_id=-1) == {
        "staff": "所选当班人员不存在"}
    assert refused(refer, visit.visit_id, "城管", date(3000, 1, 1), "事由") == {
        "due_date": "办理期限应在1900年至2100年之间"}
    assert snapshot(database) == before
    raised = queue.escalate(database, visit.visit_id, "B", "理由", now=now)
    assert refused(queue.close_escalation, raised, "结果\ud800") == {
        "outcome": "办理结果" + unreadable}
    with pytest.raises(NotFoundError, match=r"^该上报/移送记录不存在$"):
        queue.close_escalation(database, 2**70, "结果", now=now)


def test_the_board_names_whoever_is_recorded_on_a_ticket_and_nobody_when_none_is(
        database: Database) -> None:
    from tests.reception_helpers import set_referral

    now = datetime(2026, 12, 2, 10, 0)
    first = register(database, 1, now=now - timedelta(minutes=30))
    second = register(database, 2, now=now - timedelta(minutes=20))
    queue.call(database, first.referral_id, staff_id=_staff(database), now=now)
    queue.call(database, second.referral_id, now=now)
    set_referral(database, second.referral_id, handled_by_id=None)
    with database.read() as session:
        board = {r.room_name: r for r in queue.centre_board(session, now=now)}
    assert board["矛盾纠纷调解室"].called == ["调-001 测试1号（王志刚）", "调-002 测试2号"]


def test_two_calls_of_one_room_in_the_same_second_show_one_steadily_on_the_hall(
        database: Database) -> None:
    """Two desks of one room call within the same second (the times are kept to the
    second): the hall shows one of them on every refresh, the ticket issued later, rather
    than whichever the database returns first."""
    now = datetime(2026, 12, 2, 10, 0)
    tickets = [register(database, n, now=now - timedelta(minutes=10 - n)) for n in (1, 2, 3)]
    for ticket in (tickets[1], tickets[0]):
        queue.call(database, ticket.referral_id, now=now)
    with database.read() as session:
        hall = {r.room_name: r for r in queue.hall_display(session, now=now)}
    assert (hall["矛盾纠纷调解室"].calling, hall["矛盾纠纷调解室"].waiting) == ("调-002", 1)


def test_a_visit_s_route_tells_every_ticket_every_step_and_every_escalation_in_order(
        database: Database) -> None:
    """The 转办记录 of one visit: its tickets in the order they were issued with their
    rooms, numbers, states and times; every step taken on them, in order, with the room,
    ticket, member of staff, reason and the room it went to; its escalations."""
    now = datetime(2026, 12, 2, 9, 0)
    rooms = room_ids(database)
    mediator = _staff(database)
    visit = register(database, 1, now=now, risk_level="橙")
    queue.call(database, visit.referral_id, staff_id=mediator, now=now + timedelta(minutes=5))
    queue.start(database, visit.referral_id, staff_id=mediator, now=now + timedelta(minutes=6))
    moved = queue.transfer(database, visit.referral_id, rooms["心理咨询室"], "情绪激动，先做疏导",
                           staff_id=mediator, now=now + timedelta(minutes=20))
    queue.escalate(database, visit.visit_id, "B", "涉及多户", due_date=date(2026, 12, 9),
                   staff_id=mediator, now=now + timedelta(minutes=21))
    with database.read() as session:
        route = queue.visit_route(session, visit.visit_id)
    assert (route.visit_id, route.visit_no, route.person_name) == (
        visit.visit_id, visit.visit_no, "测试1号")
    assert [(s.referral_id, s.room_name, s.ticket_no, s.status, s.result, s.created_at,
             s.called_at, s.started_at, s.finished_at) for s in route.steps] == [
        (visit.referral_id, "矛盾纠纷调解室", "调-001", "transferred", "transferred", now,
         now + timedelta(minutes=5), now + timedelta(minutes=6), now + timedelta(minutes=20)),
        (moved.id, "心理咨询室", moved.ticket_no, "waiting", None,
         now + timedelta(minutes=20), None, None, None)]
    assert [(e.at, e.action, e.room_name, e.ticket_no, e.staff, e.reason, e.to_room)
            for e in route.events] == [
        (now, "issued", "矛盾纠纷调解室", "调-001", TEST_ADMIN_NAME, "", ""),
        (now + timedelta(minutes=5), "call", "矛盾纠纷调解室", "调-001", "王志刚", "", ""),
        (now + timedelta(minutes=6), "start", "矛盾纠纷调解室", "调-001", "王志刚", "", ""),
        (now + timedelta(minutes=20), "transfer", "矛盾纠纷调解室", "调-001", "王志刚",
         "情绪激动，先做疏导", "心理咨询室"),
        (now + timedelta(minutes=20), "transfer_in", "心理咨询室", moved.ticket_no, "王志刚",
         "情绪激动，先做疏导", ""),
    ]
    (escalation,) = route.escalations
    assert (escalation.visit_no, escalation.person_name, escalation.risk_level,
            escalation.kind, escalation.target, escalation.reason, escalation.raised_at,
            escalation.due_date, escalation.status) == (
        visit.visit_no, "测试1号", "橙", "level", "B级（街道）", "涉及多户",
        now + timedelta(minutes=21), date(2026, 12, 9), "open")


def test_a_capped_list_of_escalations_gives_the_dated_first_then_fills_with_the_rest(
        database: Database) -> None:
    """With a cap (the window's list), the escalations with a due date come first, the
    nearest date first, and the cap is filled with those without one, oldest first; no
    cap lists them all in that order."""
    now = datetime(2026, 12, 2, 9, 0)
    visit = register(database, 1, now=now)

    def raise_one(due: date | None) -> int:
        return queue.escalate(database, visit.visit_id, "B", "理由", due_date=due, now=now)

    undated_first, late, undated_second, soon = (
        raise_one(None), raise_one(date(2026, 12, 20)), raise_one(None),
        raise_one(date(2026, 12, 9)))
    with database.read() as session:
        assert [e.id for e in queue.open_escalations(session, limit=3)] == [
            soon, late, undated_first]
        assert [e.id for e in queue.open_escalations(session, limit=2)] == [soon, late]
        assert [e.id for e in queue.open_escalations(session, limit=1)] == [soon]
        assert [e.id for e in queue.escalation_rows(
            session, Escalation.visit_id == visit.visit_id, today=now.date(), limit=None)] == [
            soon, late, undated_first, undated_second]


def test_closed_escalations_stay_off_the_overdue_list_and_the_room_s_list(
        database: Database) -> None:
    from desktop.services.admin import auth

    now = datetime(2026, 12, 2, 9, 0)
    visit = register(database, 1, room="关爱工作室", now=now)
    kept = queue.escalate(database, visit.visit_id, "B", "理由", due_date=date(2026, 12, 3),
                          now=now)
    closed = queue.escalate(database, visit.visit_id, "C", "理由", due_date=date(2026, 12, 3),
                            now=now)
    queue.close_escalation(database, closed, "已办结", now=now)
    later = date(2026, 12, 10)
    with database.read() as session:
        assert [e.id for e in queue.open_escalations(session, today=later,
                                                     overdue_only=True)] == [kept]
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}),
                                room_id=room_ids(database)["关爱工作室"])
    with database.read() as session:
        assert [e.id for e in queue.open_escalations(session, today=later)] == [kept]
