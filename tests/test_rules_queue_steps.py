"""The queue's steps, each proven to keep what it is told: the state it left, who, when and
why; every problem with a step's input refused at once, under its own field; a step on
another room's ticket refused to room staff.

The times given to the steps are far from the test clock's, so a step that stamped the
clock's time (or the database's) instead of the one it was given is caught.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from desktop.db import Database
from desktop.models import Escalation, Referral, ReferralEvent, Room, Visit
from desktop.services import privacy
from desktop.services.admin.auth import PermissionDenied
from desktop.services.errors import NotFoundError
from desktop.services.reception import queue
from tests.reception_helpers import add_staff as _staff
from tests.reception_helpers import referral as _referral
from tests.reception_helpers import register, room_ids, set_referral
from tests.rules_helpers import acting_as, lock_waiters, snapshot
from tests.rules_helpers import refused as _refused

T0 = datetime(2026, 11, 26, 9, 0)
UNREADABLE = "含有无法识别的字符，请删除后重新输入"
NO_STAFF = "所选当班人员不存在"
NO_ROOM = "所选科室不存在或已停用"
BAD_DUE = "办理期限应在1900年至2100年之间"


def _events(database: Database, referral_id: int) -> list[tuple[object, ...]]:
    with database.read() as session:
        return [tuple(row) for row in session.execute(
            select(ReferralEvent.action, ReferralEvent.from_status, ReferralEvent.to_status,
                   ReferralEvent.at, ReferralEvent.staff_id, ReferralEvent.reason,
                   ReferralEvent.to_room_id)
            .where(ReferralEvent.referral_id == referral_id).order_by(ReferralEvent.id))]


def test_every_step_records_the_state_it_left_the_one_it_reached_who_when_and_why(
        database: Database) -> None:
    rooms = room_ids(database)
    li, wang = _staff(database, "李建华"), _staff(database, "王志刚")
    at = [T0 + timedelta(minutes=m) for m in range(12)]
    reg = register(database, 1, now=at[0], received_by_id=li)
    ticket = reg.referral_id
    queue.call(database, ticket, staff_id=li, now=at[1])
    queue.recall(database, ticket, staff_id=wang, now=at[2])
    queue.hold(database, ticket, " 等待补充材料 ", staff_id=li, now=at[3])
    queue.resume(database, ticket, staff_id=wang, now=at[4])
    queue.start(database, ticket, staff_id=li, now=at[5])
    moved = queue.finish(database, ticket, "transferred", note="需心理疏导",
                         to_room_id=rooms["心理咨询室"], staff_id=wang, now=at[6])
    assert _events(database, ticket) == [
        ("issued", None, "waiting", at[0], li, None, None),
        ("call", "waiting", "called", at[1], li, None, None),
        ("recall", "called", "called", at[2], wang, None, None),
        ("hold", "called", "on_hold", at[3], li, "等待补充材料", None),
        ("resume", "on_hold", "waiting", at[4], wang, None, None),
        ("start", "waiting", "serving", at[5], li, None, None),
        ("transfer", "serving", "transferred", at[6], wang, "需心理疏导", rooms["心理咨询室"]),
    ]
    assert _events(database, moved.id) == [
        ("transfer_in", None, "waiting", at[6], wang, "需心理疏导", None)]
    fresh = _referral(database, moved.id)
    assert (fresh.status, fresh.call_count, fresh.created_at, fresh.updated_at,
            fresh.transferred_from_id) == ("waiting", 0, at[6], at[6], ticket)

    queue.start(database, moved.id, staff_id=li, now=at[7])
    queue.finish(database, moved.id, "referred_out", note="", department=" 人社局 ",
                 due_date=date(2026, 12, 10), staff_id=wang, now=at[8])
    assert _events(database, moved.id)[-1] == (
        "finish", "serving", "done", at[8], wang, "移送职能部门", None)
    with database.read() as session:
        referred = session.scalars(select(Escalation)).one()
        assert (referred.kind, referred.department, referred.reason, referred.status,
                referred.raised_at, referred.raised_by_id, referred.created_at,
                referred.updated_at) == (
            "department", "人社局", "办结时移送职能部门", "open", at[8], wang, at[8], at[8])
    raised = queue.escalate(database, reg.visit_id, "B", "涉及多户", staff_id=li, now=at[9])
    sent = queue.refer_to_department(database, reg.visit_id, "住建局", date(2026, 12, 20),
                                     "房屋安全", staff_id=wang, now=at[10])
    with database.read() as session:
        assert [(e.kind, e.status, e.raised_at, e.raised_by_id, e.created_at, e.updated_at)
                for e in (session.get(Escalation, raised), session.get(Escalation, sent))
                if e is not None] == [
            ("level", "open", at[9], li, at[9], at[9]),
            ("department", "open", at[10], wang, at[10], at[10])]


def test_finishing_keeps_the_note_it_is_given_or_the_reason_it_was_held(
        database: Database) -> None:
    held = register(database, 1, now=T0).referral_id
    queue.hold(database, held, "等待补充材料", now=T0 + timedelta(minutes=1))
    queue.start(database, held, now=T0 + timedelta(minutes=2))
    queue.finish(database, held, "resolved", note="  ", now=T0 + timedelta(minutes=3))
    assert _referral(database, held).note == "等待补充材料"
    assert _events(database, held)[-1][5] == "已化解/已答复"  # the result alone, no "："
    told = register(database, 2, now=T0).referral_id
    queue.hold(database, told, "等待补充材料", now=T0 + timedelta(minutes=1))
    queue.start(database, told, now=T0 + timedelta(minutes=2))
    queue.finish(database, told, "resolved", note=" 已当场答复 ", now=T0 + timedelta(minutes=3))
    assert _referral(database, told).note == "已当场答复"
    assert _events(database, told)[-1][5] == "已化解/已答复：已当场答复"


def test_every_problem_with_a_step_s_input_is_refused_at_once(database: Database) -> None:
    """A reason the database cannot keep, a member of staff or a room that is no id, a due
    date outside 1900–2100: each under its own field and in its own words, all of them in
    one refusal, and nothing written."""
    reg = register(database, 1, now=T0)
    ticket = reg.referral_id
    now = T0 + timedelta(minutes=5)
    bad = "理由\ud800"  # a lone surrogate: no character at all
    before = snapshot(database)
    for step in (queue.call, queue.recall, queue.start, queue.no_show, queue.resume):
        assert _refused(step, database, ticket, reason=bad, staff_id=0, now=now) == {
            "reason": "原因" + UNREADABLE, "staff": NO_STAFF}
    assert _refused(queue.hold, database, ticket, bad, staff_id=True, now=now) == {
        "reason": "原因" + UNREADABLE, "staff": NO_STAFF}
    assert _refused(queue.hold, database, ticket, "长" * 20_001, now=now) == {
        "reason": "原因过长（不超过20000字，当前20001字）"}
    for reason in (None, 5, " \n\t "):
        assert _refused(queue.hold, database, ticket, reason, now=now) == {
            "reason": "请填写暂缓原因"}
    assert _refused(queue.finish, database, ticket, "resolved", note=bad, department=bad,
                    staff_id=0, to_room_id=0, due_date=date(3000, 1, 1), now=now) == {
        "note": "办理情况" + UNREADABLE, "department": "职能部门" + UNREADABLE,
        "staff": NO_STAFF, "to_room": NO_ROOM, "due_date": BAD_DUE}
    assert _refused(queue.transfer, database, ticket, 0, "", staff_id=-3, now=now) == {
        "to_room": NO_ROOM, "reason": "请填写转办原因", "staff": NO_STAFF}
    assert _refused(queue.transfer, database, ticket, room_ids(database)["心理咨询室"], bad,
                    now=now) == {"reason": "原因" + UNREADABLE}
    assert _refused(queue.route_again, database, reg.visit_id, None, "", staff_id="1",
                    now=now) == {"to_room": "请选择科室", "reason": "请填写原因", "staff": NO_STAFF}
    # The member of staff is checked before the room is looked up.
    assert _refused(queue.call_next, database, 999_999, staff_id=0, now=now) == {
        "staff": NO_STAFF}
    assert _refused(queue.escalate, database, reg.visit_id, "B", "", staff_id=0, now=now) == {
        "reason": "请填写上报理由", "staff": NO_STAFF}
    assert _refused(queue.refer_to_department, database, reg.visit_id, "", None, "",
                    staff_id=0, now=now) == {
        "department": "请填写移送的职能部门", "due_date": "请填写办理期限",
        "reason": "请填写移送事由", "staff": NO_STAFF}
    assert snapshot(database) == before
    assert _referral(database, ticket).status == "waiting"


def test_a_member_of_staff_who_left_the_record_is_refused_under_the_field(
        database: Database) -> None:
    ticket = register(database, 1, now=T0).referral_id
    assert _refused(queue.call, database, ticket, staff_id=999_999, now=T0) == {
        "staff": NO_STAFF}
    assert _events(database, ticket)[-1][0] == "issued"


def test_a_ticket_id_no_database_holds_or_in_the_wrong_type_is_not_found(
        database: Database) -> None:
    ticket = register(database, 1, now=T0).referral_id
    for wrong in (2**70, str(ticket), float(ticket)):
        with pytest.raises(NotFoundError, match=r"^该排队号不存在$"):
            queue.call(database, wrong, now=T0)  # type: ignore[arg-type]
    assert _referral(database, ticket).status == "waiting"


def test_a_ticket_in_a_state_this_version_does_not_know_is_refused_by_its_stored_name(
        database: Database) -> None:
    """A ticket a newer version (or a hand edit) left in a state this one has no name for."""
    ticket = register(database, 1, now=T0).referral_id
    set_referral(database, ticket, status="archived")
    assert _refused(queue.call, database, ticket, now=T0) == {
        "action": "当前状态为“archived”，不能叫号"}
    assert _refused(queue.finish, database, ticket, "resolved", now=T0) == {
        "action": "当前状态为“archived”，不能办结"}


def test_room_staff_may_not_finish_or_transfer_another_room_s_ticket(
        database: Database) -> None:
    rooms = room_ids(database)
    ticket = register(database, 1, now=T0).referral_id
    queue.start(database, ticket, now=T0)
    with acting_as(database, {"room_staff"}, "关爱工作室"):
        with pytest.raises(PermissionDenied):
            queue.finish(database, ticket, "resolved", now=T0)
        with pytest.raises(PermissionDenied):
            queue.transfer(database, ticket, rooms["关爱工作室"], "申请帮扶", now=T0)
    assert _referral(database, ticket).status == "serving"
    with acting_as(database, {"room_staff"}, "矛盾纠纷调解室"):
        queue.finish(database, ticket, "resolved", now=T0)
    assert _referral(database, ticket).status == "done"


def test_call_next_passes_over_a_ticket_another_desk_holds_and_not_one_whose_visit_is_held(
        database: Database) -> None:
    """Several desks of one room press 叫下一位 at once (PostgreSQL): a desk takes the next
    ticket no other desk holds without waiting for it, and a desk saving a change to the
    registration of a waiting visit keeps no one from calling its ticket."""
    if database.is_sqlite:
        pytest.skip("SQLite writers take the whole database's write lock: no row locks")
    room = room_ids(database)["矛盾纠纷调解室"]
    first = register(database, 1, now=T0)
    second = register(database, 2, now=T0 + timedelta(minutes=1))
    now = T0 + timedelta(minutes=5)

    def call_next_while(lock: str, ident: int) -> Referral | None:
        """``call_next`` while another connection holds ``lock`` on row ``ident``; it must not
        wait for that connection."""
        results: list[object] = []

        def desk() -> None:
            try:
                results.append(queue.call_next(database, room, now=now))
            except BaseException as exc:  # shown below, on the test's own thread
                results.append(exc)

        with database.engine.connect() as holder, database.engine.connect() as watcher:
            holder.execute(text(lock), {"id": ident})
            thread = threading.Thread(target=desk)
            thread.start()
            for _ in range(600):
                if results:
                    break
                if lock_waiters(watcher):
                    holder.rollback()
                    thread.join(timeout=30)
                    pytest.fail(f"call_next waited for the lock of another desk: {lock}")
                thread.join(timeout=0.05)
            holder.rollback()
        thread.join(timeout=30)
        assert not isinstance(results[0], BaseException), results[0]
        return results[0]  # type: ignore[return-value]

    called = call_next_while("SELECT id FROM referral WHERE id = :id FOR UPDATE",
                             first.referral_id)
    assert called is not None and called.id == second.referral_id
    set_referral(database, second.referral_id, status="waiting", call_count=0)
    # Another desk saving a change to the first visit's registration, not yet committed.
    called = call_next_while("UPDATE visit SET updated_at = updated_at WHERE id = :id",
                             first.visit_id)
    assert called is not None and called.id == first.referral_id


# ---------------------------------------------------------------------------
# What the lists show


def test_rooms_of_one_place_in_the_order_show_in_the_order_they_were_made(
        database: Database) -> None:
    """The admin gave every room the same place in the order: the board and the hall show
    them in the order the rooms were made, on every refresh. (PostgreSQL keeps an edited
    row at the end of its table, so without the tie-break the rooms edited last came
    last.)"""
    with database.write() as session:
        rooms = session.scalars(select(Room).where(Room.active).order_by(Room.id.desc())).all()
        for room in rooms:  # the earliest room edited last
            room.sort_order = 2
            session.flush()
        made = sorted(room.id for room in rooms)
    with database.read() as session:
        board = [r.room_id for r in queue.centre_board(session, now=T0)]
        hall = [r.room_id for r in queue.hall_display(session, now=T0)]
    assert board == hall == made


def test_the_board_averages_the_waits_of_today_s_finished_tickets(database: Database) -> None:
    """On SQLite and PostgreSQL alike (each measures the seconds its own way): waits of 10
    and 21 minutes before being served average 15.5, shown as 16."""
    now = datetime(2026, 12, 2, 12, 0)
    for n, waited in ((1, 10), (2, 21)):
        reg = register(database, n, now=now - timedelta(hours=1))
        queue.start(database, reg.referral_id, now=now - timedelta(hours=1, minutes=-waited))
        queue.finish(database, reg.referral_id, "resolved", now=now - timedelta(minutes=5))
    with database.read() as session:
        board = {r.room_name: r for r in queue.centre_board(session, now=now)}
    mediation = board["矛盾纠纷调解室"]
    assert (mediation.done_today, mediation.average_wait_today) == (2, 16)


def test_the_counsellor_reads_a_counselling_ticket_s_note_and_outcome_and_nobody_else(
        database: Database) -> None:
    rooms = room_ids(database)
    reg = register(database, 1, room="心理咨询室", category="心理疏导", now=T0)
    queue.hold(database, reg.referral_id, "来访人情绪低落，约下次", now=T0)
    raised = queue.escalate(database, reg.visit_id, "B", "需街道协调", now=T0)
    queue.close_escalation(database, raised, "已由街道协调解决", now=T0)

    def read() -> tuple[str, str, str]:
        with database.read() as session:
            note = queue.room_queue(session, rooms["心理咨询室"])[0].note
            route = queue.visit_route(session, reg.visit_id)
        return note, route.escalations[0].outcome, route.escalations[0].reason

    with acting_as(database, {"counsellor"}, "心理咨询室"):
        assert read() == ("来访人情绪低落，约下次", "已由街道协调解决", "需街道协调")
    with acting_as(database, {"receptionist"}):
        assert read() == (privacy.CONFIDENTIAL_TEXT,) * 3


def test_the_desk_reads_every_reason_on_the_route_of_a_visit_that_never_went_to_counselling(
        database: Database) -> None:
    reg = register(database, 1, now=T0)
    with acting_as(database, {"room_staff"}, "矛盾纠纷调解室"):  # an account of nobody on record
        queue.hold(database, reg.referral_id, "等待补充材料", now=T0 + timedelta(minutes=1))
    with acting_as(database, {"receptionist"}), database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
    assert [(e.action, e.reason, e.staff) for e in route.events][-1] == (
        "hold", "等待补充材料", "")


def test_a_visit_kept_from_before_categories_shows_none_in_the_queue(
        database: Database) -> None:
    """A visit with no category (an old record; today's desk must choose one) lists with
    an empty category, not a made-up one."""
    reg = register(database, 1, now=T0)
    with database.write() as session:
        visit = session.get(Visit, reg.visit_id)
        assert visit is not None
        visit.category_id = None
    with database.read() as session:
        rows = queue.room_queue(session, room_ids(database)["矛盾纠纷调解室"])
    assert [(r.visit_no, r.category) for r in rows] == [(reg.visit_no, "")]


def test_the_list_of_open_escalations_stops_at_500_unless_asked_for_more(
        database: Database) -> None:
    reg = register(database, 1, now=T0)
    with database.write() as session:
        session.add_all(Escalation(
            visit_id=reg.visit_id, kind="level", level="B", reason=f"第{n}件",
            due_date=date(2026, 12, 20), status="open", raised_at=T0, created_at=T0,
            updated_at=T0) for n in range(501))
    with database.read() as session:
        assert len(queue.open_escalations(session, today=T0.date())) == 500
        assert len(queue.open_escalations(session, today=T0.date(), limit=501)) == 501


def test_escalations_due_the_same_day_list_in_the_order_they_were_raised(
        database: Database) -> None:
    """Due the same day, or with no due date: the order they were raised, on every refresh
    (on PostgreSQL an edited row moves to the end of its table, and without the tie-break
    the escalation edited last came last)."""
    reg = register(database, 1, now=T0)
    raised = []
    for n in range(6):
        raised.append(queue.escalate(database, reg.visit_id, "B", f"第{n}件",
                                     due_date=date(2026, 12, 20), now=T0))
    with database.write() as session:
        undated = []
        for n in range(6):
            row = Escalation(visit_id=reg.visit_id, kind="level", level="C", reason=f"无期限{n}",
                             status="open", raised_at=T0, created_at=T0, updated_at=T0)
            session.add(row)
            session.flush()
            undated.append(row.id)
        for ident in reversed(raised + undated):  # the earliest edited last
            row = session.get(Escalation, ident)
            assert row is not None
            row.updated_at = T0 + timedelta(minutes=1)
            session.flush()
    with database.read() as session:
        assert [r.id for r in queue.open_escalations(session, today=T0.date())] == (
            raised + undated)
