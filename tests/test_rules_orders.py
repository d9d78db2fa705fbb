"""Lists keep one order on every refresh and on both databases.

Each list sorts by what it shows (a time, a date, a name) and then by id. The rows here
are written with ids out of the order they were written in (``next_id``: on PostgreSQL,
two desks committing in the other order than they took their ids), three at a time,
so that the order they were written in, forwards or backwards, is never the order by id:
a list that leaves its tie-break out shows them in the wrong order. SQLite lists ties in
id order whatever the query says; there the tests check the order by what each list
shows, with ids in the order rows are written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    CaseParty,
    Category,
    Escalation,
    FollowUp,
    KioskTicket,
    MediationCase,
    Notice,
    Person,
    Referral,
    ReferralEvent,
    Room,
    ScaleResult,
    Staff,
)
from desktop.services import mediation
from desktop.services.admin import auth, dictionaries
from desktop.services.admin import staff as admin_staff
from desktop.services.counselling import cases as counselling
from desktop.services.counselling import sessions as counselling_sessions
from desktop.services.reception import kiosk, notices, queue
from desktop.services.reception.registration import RegistrationInput, tickets_held_today
from tests import counselling_helpers
from tests import mediation_helpers as h
from tests.factories import id_number
from tests.reception_helpers import category_ids, kiosk_ticket, register, room_ids
from tests.rules_helpers import next_id

T0 = datetime(2026, 11, 26, 9, 0)
# The ids the three rows take, in the order they are written.
OUT_OF_ORDER = (1000, 500, 700)


def _in_id_order(ids: list[int]) -> list[int]:
    return sorted(ids)


def _mediators(database: Database, names: tuple[str, ...]) -> list[int]:
    """Mediators on record, written with the ids of ``OUT_OF_ORDER``."""
    made = []
    for value, name in zip(OUT_OF_ORDER, names, strict=True):
        next_id(database, Staff, value)
        with database.write() as session:
            row = Staff(name=name, role="mediator", active=True)
            auth.set_roles(row, ["mediator"])
            session.add(row)
            session.flush()
            made.append(row.id)
    return made


# ---------------------------------------------------------------------------
# The queue


def test_a_resident_s_tickets_of_today_list_by_the_time_they_were_issued(
        database: Database) -> None:
    """The desk's question before a second ticket lists the resident's tickets by the
    time each was issued (a desk whose clock is behind issued the last one), the tickets
    of one minute by number."""
    rooms = ["矛盾纠纷调解室", "警民联络室", "关爱工作室", "社会组织工作室"]
    issued = []
    for n, (value, at) in enumerate(zip((*OUT_OF_ORDER, 300),
                                        (T0, T0, T0, T0 - timedelta(minutes=5)), strict=True)):
        next_id(database, Referral, value)
        issued.append(register(database, 3, room=rooms[n], now=at).referral_id)
    data = RegistrationInput(name="测试3号", id_number=id_number(3), phone="", summary="",
                             room_id=room_ids(database)["矛盾纠纷调解室"],
                             category_id=category_ids(database)["邻里"])
    with database.read() as session:
        held = [t.referral_id for t in tickets_held_today(session, data, today=T0.date())]
    assert held == [issued[3], *_in_id_order(issued[:3])]


def test_a_visit_s_route_lists_its_tickets_and_steps_by_time_then_in_the_order_written(
        database: Database) -> None:
    """Transferred in the minute it came, and again by a desk whose clock is behind:
    its tickets, and every step on them, by the time given and then by number. The route
    reads by the times it shows, so what a slow clock stamped earlier comes first."""
    rooms = room_ids(database)
    next_id(database, Referral, OUT_OF_ORDER[0])
    next_id(database, ReferralEvent, OUT_OF_ORDER[0])
    reg = register(database, 1, now=T0)
    tickets = [reg.referral_id]
    for value, room, at in zip(OUT_OF_ORDER[1:], ("警民联络室", "关爱工作室"),
                               (T0, T0 - timedelta(minutes=2)), strict=True):
        next_id(database, Referral, value)
        next_id(database, ReferralEvent, value)
        tickets.append(queue.transfer(database, tickets[-1], rooms[room], "转办", now=at).id)
    next_id(database, ReferralEvent, 300)
    queue.hold(database, tickets[-1], "等待补充材料", now=T0 - timedelta(minutes=1))
    with database.read() as session:
        route = queue.visit_route(session, reg.visit_id)
        written = list(session.execute(
            select(ReferralEvent.id, ReferralEvent.action, ReferralEvent.at)
            .where(ReferralEvent.referral_id.in_(tickets))))
    assert [s.referral_id for s in route.steps] == [tickets[2], *_in_id_order(tickets[:2])]
    by_time_then_id = [action for _, action, _ in sorted(written, key=lambda e: (e[2], e[0]))]
    # The slow clock put steps written later before steps written earlier.
    assert by_time_then_id != [action for _, action, _ in sorted(written)]
    assert [e.action for e in route.events] == by_time_then_id


def test_escalations_of_one_due_date_and_those_without_list_by_number(
        database: Database) -> None:
    reg = register(database, 1, now=T0)
    dated = []
    for value in OUT_OF_ORDER:
        next_id(database, Escalation, value)
        dated.append(queue.escalate(database, reg.visit_id, "B", f"第{value}件",
                                    due_date=date(2026, 12, 20), now=T0))
    undated = []
    for value in (3000, 2000, 2500):
        next_id(database, Escalation, value)
        with database.write() as session:
            row = Escalation(visit_id=reg.visit_id, kind="level", level="C", reason="无期限",
                             status="open", raised_at=T0, created_at=T0, updated_at=T0)
            session.add(row)
            session.flush()
            undated.append(row.id)
    with database.read() as session:
        listed = [r.id for r in queue.open_escalations(session, today=T0.date())]
    assert listed == _in_id_order(dated) + _in_id_order(undated)


# ---------------------------------------------------------------------------
# Mediation


def _cases(database: Database, **kw: object) -> list[int]:
    made = []
    for value in OUT_OF_ORDER:
        next_id(database, MediationCase, value)
        made.append(h.make_case(database, **kw).case_id)  # type: ignore[arg-type]
    return made


def test_the_case_lists_break_ties_by_number(database: Database) -> None:
    """Open and overdue cases due the same day: the lower number first; closed ones of
    one day, and all cases accepted on one day: the higher first (newest first)."""
    made = _cases(database, accepted_on=date(2026, 10, 1))
    today = date(2026, 12, 2)
    with database.read() as session:
        listed = {status: [r.case_id for r in mediation.case_list(session, status=status,
                                                                  today=today)]
                  for status in ("open", "overdue", "all")}
    assert listed == {"open": _in_id_order(made), "overdue": _in_id_order(made),
                      "all": _in_id_order(made)[::-1]}
    for case_id in made:
        mediation.close_case(database, case_id,
                             mediation.OutcomeInput("调解不成功", closed_on=date(2026, 11, 20),
                                                    reason="双方分歧较大", guided_to="诉讼"))
    with database.read() as session:
        closed = [r.case_id for r in mediation.case_list(session, status="closed", today=today)]
    assert closed == _in_id_order(made)[::-1]


def test_the_case_lists_sort_by_the_dates_they_show_before_the_number(
        database: Database) -> None:
    """A case accepted earlier but written later (an old paper case entered today)."""
    late, early = (h.make_case(database, accepted_on=day).case_id
                   for day in (date(2026, 11, 2), date(2026, 10, 1)))
    today = date(2026, 12, 30)
    with database.read() as session:
        listed = {status: [r.case_id for r in mediation.case_list(session, status=status,
                                                                  today=today)]
                  for status in ("open", "overdue", "all")}
    assert listed == {"open": [early, late], "overdue": [early, late], "all": [late, early]}


def test_a_case_s_mediators_list_in_the_same_order_in_the_list_as_on_the_case(
        database: Database) -> None:
    ids = _mediators(database, ("赵一", "钱二", "孙三"))
    recorder = h.staff(database)[2]
    case_id = mediation.accept_case(database, mediation.CaseInput(
        facts="楼上漏水", matters="赔偿损失", mediator_ids=ids, recorder_id=recorder,
        accepted_on=date(2026, 11, 2)), [h.person(1), h.person(2, "被申请人")]).case_id
    with database.read() as session:
        [row] = mediation.case_list(session, status="all")
        detail = mediation.case_detail(session, case_id)
    names = dict(zip(ids, ("赵一", "钱二", "孙三"), strict=True))
    assert row.mediators == "、".join(names[i] for i in _in_id_order(ids))
    assert row.mediators == "、".join(detail.mediators)


def test_a_case_is_titled_by_its_parties_in_the_order_they_were_added(
        database: Database) -> None:
    """The first respondent added names the other side, whatever its id."""
    next_id(database, CaseParty, OUT_OF_ORDER[0])
    ref = h.make_case(database, parties=[h.person(1)])
    for value, n in ((700, 3), (500, 4)):  # the later, the smaller id
        next_id(database, CaseParty, value)
        mediation.add_party(database, ref.case_id, h.person(n, "被申请人"))
    with database.read() as session:
        [row] = mediation.case_list(session, status="all")
        names = [p.name for p in mediation.case_detail(session, ref.case_id).parties]
    assert names == ["当事人1", "当事人3", "当事人4"]
    assert row.title == "当事人1与当事人3等纠纷"


def test_follow_ups_due_list_by_the_day_planned_then_by_number(database: Database) -> None:
    ref = h.make_case(database)
    added = []
    for value, planned in zip((*OUT_OF_ORDER, 300), (date(2026, 11, 25),) * 3
                              + (date(2026, 11, 20),), strict=True):
        next_id(database, FollowUp, value)
        added.append(mediation.add_follow_up(database, ref.case_id,
                                             mediation.FollowUpInput(planned_on=planned)))
    with database.read() as session:
        due = [f.follow_up_id for f in mediation.due_follow_ups(session, today=date(2026, 12, 2))]
    assert due == [added[3], *_in_id_order(added[:3])]


def test_residents_of_one_name_are_offered_by_number_in_both_rooms(database: Database) -> None:
    """The mediation room's and the counselling room's search for a known resident."""
    for n, value in enumerate(OUT_OF_ORDER, start=1):
        next_id(database, Person, value)
        register(database, n, name="王芳", now=T0)
    with database.read() as session:
        people = list(session.scalars(select(Person.id).where(Person.name == "王芳")))
        offered = {
            "mediation": [p.person_id for p in mediation.search_persons(session, "王芳")],
            "counselling": [p.person_id for p in counselling.search_persons(session, "王芳")],
        }
    assert len(people) == 3
    assert offered == {"mediation": _in_id_order(people), "counselling": _in_id_order(people)}


def test_staff_are_offered_mediators_first_then_by_number(database: Database) -> None:
    ids = _mediators(database, ("赵一", "钱二", "孙三"))
    with database.read() as session:
        choices = [c.id for c in mediation.staff_choices(session) if c.id in ids]
    assert choices == _in_id_order(ids)


# ---------------------------------------------------------------------------
# The counselling room


def test_a_session_s_scales_read_by_number_and_keep_their_place_when_one_is_edited(
        database: Database) -> None:
    """A scale added to a session later, with a smaller number, reads before the first
    one; editing either moves neither."""
    case_id = counselling_helpers.take_up(database).case_id
    form = counselling_helpers.session_input
    next_id(database, ScaleResult, OUT_OF_ORDER[0])
    session_id = counselling_sessions.add_session(database, case_id, form(
        scales={"PHQ-9": [1] * 9}))

    def shown() -> tuple[list[str], int]:
        with database.read() as session:
            [data] = counselling.case_detail(session, case_id).sessions
        return [s.scale for s in data.scales], data.version

    next_id(database, ScaleResult, OUT_OF_ORDER[1])
    for answers in ([1] * 9, [2] * 9, [0] * 9):
        counselling_sessions.update_session(database, session_id, form(
            scales={"PHQ-9": answers, "GAD-7": [1] * 7}), version=shown()[1])
        with database.read() as session:
            by_number = list(session.scalars(select(ScaleResult.scale).where(
                ScaleResult.session_id == session_id).order_by(ScaleResult.id)))
        assert shown()[0] == by_number


def test_a_visit_routed_to_the_room_twice_waits_once_under_its_ticket_of_lowest_number(
        database: Database) -> None:
    """The desk sent one visit to the counselling room twice in the minute it came (a
    second ticket for the same visit): the room's list of visits waiting for a case shows
    it once, under the ticket of the lower number, whichever was written first."""
    counselling_room = room_ids(database)["心理咨询室"]
    next_id(database, Referral, OUT_OF_ORDER[0])
    reg = register(database, 1, room="心理咨询室", now=T0)
    next_id(database, Referral, OUT_OF_ORDER[1])
    again = queue.route_again(database, reg.visit_id, counselling_room, "再取一号", now=T0)
    with database.read() as session:
        waiting = [(v.visit_id, v.referral_id, v.ticket_no)
                   for v in counselling.routed_visits(session, today=T0.date())]
    first = min((reg.referral_id, reg.ticket_no), (again.id, again.ticket_no))
    assert waiting == [(reg.visit_id, *first)]


# ---------------------------------------------------------------------------
# The kiosk


def test_the_kiosk_s_tickets_of_one_minute_wait_at_the_desk_by_number(
        database: Database) -> None:
    taken = []
    for value in OUT_OF_ORDER:
        next_id(database, KioskTicket, value)
        taken.append(kiosk_ticket(database, "邻里", now=T0).ticket_id)
    with database.read() as session:
        listed = [t.id for t in kiosk.waiting_tickets(session, today=T0.date())]
    assert listed == _in_id_order(taken)


def test_a_matter_without_a_room_leads_to_the_window_of_the_lowest_number_among_the_first(
        database: Database) -> None:
    """Windows at the same place in the list: the kiosk sends a matter that names no
    room to the lowest number."""
    made = []
    with database.write() as session:
        session.get_one(Category, category_ids(database)["其他"]).suggested_room_id = None
        for value, n in zip(OUT_OF_ORDER, (2, 3, 4), strict=True):
            next_id(database, Room, value)
            room = Room(code=f"window{n}", name=f"{n}号窗口", ticket_prefix=str(n),
                        kind="window", location="", sort_order=-5, active=True)
            session.add(room)
            session.flush()
            made.append((room.id, room.name))
    first = min(made)[1]
    assert kiosk_ticket(database, "其他", now=T0).room_name == first


# ---------------------------------------------------------------------------
# The hall's notices


def test_notices_starting_the_same_day_rotate_by_number(database: Database) -> None:
    shown = []
    for value in OUT_OF_ORDER:
        next_id(database, Notice, value)
        with database.write() as session:
            shown.append(notices.save_notice(session, None, notices.NoticeInput(
                f"公告{value}", "内容", T0.date())))
    with database.read() as session:
        current = [n.id for n in notices.current_notices(session, T0.date())]
    assert current == _in_id_order(shown)


# ---------------------------------------------------------------------------
# The admin's lists


def test_the_admin_s_categories_rooms_and_staff_of_one_place_list_by_number(
        database: Database) -> None:
    categories, rooms = [], []
    for value in OUT_OF_ORDER:
        next_id(database, Category, value)
        next_id(database, Room, value)
        with database.write() as session:
            category = Category(name=f"类别{value}", sort_order=-5, active=True)
            room = Room(code=f"room{value}", name=f"室{value}", ticket_prefix=str(value),
                        kind="room", location="", sort_order=-5, active=True)
            session.add_all([category, room])
            session.flush()
            categories.append(category.id)
            rooms.append(room.id)
    staff = _mediators(database, ("赵一", "钱二", "孙三"))
    with database.read() as session:
        listed_categories = [e.id for e in dictionaries.categories(session)][:3]
        listed_rooms = [e.id for e in admin_staff.room_entries(session)][:3]
        listed_staff = [e.id for e in admin_staff.staff_entries(session) if e.id in staff]
    assert listed_categories == _in_id_order(categories)
    assert listed_rooms == _in_id_order(rooms)
    assert listed_staff == _in_id_order(staff)
