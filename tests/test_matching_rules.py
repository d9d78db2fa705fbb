"""Finding a repeat visitor at the desk, rule by rule: who may look residents up, when a
typed text is too short, which walks (身份证号, phone, name) find whom and in which
order, and what each match tells of the person and their earlier visits
(``reception/matching``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, update

from desktop.db import Database
from desktop.models import Community, Grid, Person, Referral, ReferralEvent, Visit
from desktop.services import privacy
from desktop.services.errors import PermissionDenied
from desktop.services.reception import queue
from desktop.services.reception.matching import (
    EarlierVisit,
    PersonMatch,
    find_people,
    people_matches,
    person_match,
)
from tests.factories import id_number
from tests.reception_helpers import register, room_ids
from tests.rules_helpers import PUBLISHED_ID, acting_as

T0 = datetime(2026, 11, 20, 9, 0)


def _names(database: Database, text: str, **kw: object) -> list[str]:
    with database.read() as session:
        return [m.name for m in find_people(session, text, **kw)]  # type: ignore[arg-type]


# -- who may look up ------------------------------------------------------------------------


@pytest.mark.parametrize(("roles", "room"), [({"receptionist"}, None), ({"mediator"}, None),
                                             ({"room_staff"}, "关爱工作室")])
def test_the_desk_a_mediator_and_the_care_room_may_look_up(database: Database,
                                                           roles: set[str],
                                                           room: str | None) -> None:
    register(database, 1)
    with acting_as(database, roles, room):
        assert _names(database, id_number(1)) == ["测试1号"]


@pytest.mark.parametrize("roles", [{"leader"}, {"police"}, {"counsellor"}])
def test_everyone_else_is_refused_even_an_empty_lookup(database: Database,
                                                       roles: set[str]) -> None:
    with acting_as(database, roles), database.read() as session:
        for look in (lambda: find_people(session, ""), lambda: find_people(session, "测试"),
                     lambda: people_matches(session, [])):
            with pytest.raises(PermissionDenied) as refused:
                look()
            assert refused.value.permission == "visit.register"
            assert str(refused.value) == "当前账号无权登记来访"


# -- what is too little to look up ----------------------------------------------------------


def test_nothing_typed_or_too_little_finds_nobody(database: Database) -> None:
    register(database, 1, phone="010-62345678")
    register(database, 2, name="匿名测试")
    assert _names(database, "") == [] and _names(database, "   ") == []
    assert _names(database, id_number(1)[:3]) == []  # three digits
    assert _names(database, id_number(1)[:4]) == ["测试1号", "匿名测试"]  # four
    assert _names(database, "010-") == []  # three digits of a landline
    assert _names(database, "010-6") == ["测试1号"]
    assert _names(database, "测") == []  # a surname alone
    assert _names(database, "测试") == ["测试1号"]
    assert _names(database, "匿名") == []  # every anonymous visitor
    assert _names(database, "匿名测") == ["匿名测试"]


# -- the walks ------------------------------------------------------------------------------


def test_a_number_is_found_however_it_is_typed(database: Database) -> None:
    register(database, 1, id_number=PUBLISHED_ID)
    assert _names(database, PUBLISHED_ID.lower()) == ["测试1号"]
    assert _names(database, " 1101 0519 49 ") == ["测试1号"]
    assert _names(database, "１１０１０５") == ["测试1号"]
    assert _names(database, PUBLISHED_ID[:-1] + "9") == []


def test_a_landline_is_found_typed_with_or_without_the_dash(database: Database) -> None:
    register(database, 1, phone="010-62345678")
    register(database, 2, phone="0755-22345678")
    register(database, 3, phone="13900000003")
    register(database, 4, phone="02162345678")  # a landline kept without its dash
    for typed in ("0106234", "010-6234", "(010)6234", "（010）6234", "010 6234"):
        assert _names(database, typed) == ["测试1号"], typed
    for typed in ("075522", "0755-22", "0755 2234"):
        assert _names(database, typed) == ["测试2号"], typed
    assert _names(database, "1390000") == ["测试3号"]
    assert _names(database, "139-0000") == []  # a mobile is stored without dashes
    assert _names(database, "010-7") == []
    assert _names(database, "0216234") == ["测试4号"]
    assert _names(database, "021-6234") == []


def test_a_number_finds_by_the_document_first_then_by_the_phone(database: Database) -> None:
    by_phone = register(database, 1, id_number=id_number(1), phone="13010200001")
    by_id = register(database, 2, id_number=id_number(2, region="130102"), phone="13900000002")
    both = register(database, 3, id_number=id_number(3, region="130102"), phone="13010200003")
    assert by_phone and by_id and both
    assert _names(database, "130102") == ["测试2号", "测试3号", "测试1号"]
    assert _names(database, "130102", limit=2) == ["测试2号", "测试3号"]
    assert _names(database, "13010200001") == ["测试1号"]


def test_names_are_found_in_their_order_and_the_removed_not_at_all(database: Database) -> None:
    for n in (3, 1, 4, 2):
        register(database, n)
    register(database, 5, name="测验")
    assert _names(database, "测试") == ["测试1号", "测试2号", "测试3号", "测试4号"]
    assert _names(database, "测试", limit=3) == ["测试1号", "测试2号", "测试3号"]
    assert _names(database, "测试3号") == ["测试3号"]
    with database.write() as session:
        session.execute(update(Person).where(Person.name == "测试2号")
                        .values(deleted_at=datetime(2026, 12, 1, 9, 0)))
    assert _names(database, "测试") == ["测试1号", "测试3号", "测试4号"]
    assert _names(database, id_number(2)) == []


def test_each_walk_starts_at_what_was_typed(database: Database) -> None:
    for n, name in enumerate(("王一", "王二", "王三", "王四"), start=20):
        register(database, n, name=name)
    for n in (1, 2, 3, 4, 5):
        register(database, 10 + n, name=f"测试{n}号")
    # One person asked for: the walk reads four names from 测试5 on, not from the first.
    assert _names(database, "测试5", limit=1) == ["测试5号"]
    assert _names(database, "王三", limit=1) == ["王三"]


def test_a_lookup_shows_eight_people_at_most(database: Database) -> None:
    for n in range(1, 10):
        register(database, n)
    assert len(_names(database, "测试")) == 8
    assert _names(database, "测试") == [f"测试{n}号" for n in range(1, 9)]


# -- what a match tells ---------------------------------------------------------------------


def test_a_match_tells_the_person_and_their_figures(database: Database) -> None:
    first = register(database, 1, now=T0, gender="女", address="东林路1号")
    register(database, 1, now=T0 + timedelta(days=1), repeat_of_visit_id=first.visit_id)
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
        assert person_match(session, match.person_id) == match
    assert (match.name, match.gender, match.id_type, match.id_number, match.masked_id,
            match.no_id_reason, match.phone, match.address, match.visit_count,
            match.repeat_count, match.open_count, match.version) == (
        "测试1号", "女", "居民身份证", id_number(1), id_number(1)[:6] + "********"
        + id_number(1)[-4:], None, "13900000001", "东林路1号", 2, 1, 2, 1)
    assert match.summary_line == (f"测试1号　{match.masked_id}　139****0001　来访2次"
                                  "　重复访1次　未结2件")


def test_a_person_without_a_number_phone_repeats_or_open_matters(database: Database) -> None:
    visit = register(database, 1, id_type="无证件", id_number="", no_id_reason="未随身携带")
    _finish(database, visit.referral_id, "resolved")
    with database.write() as session:  # as people registered before a phone was required
        session.execute(update(Person).values(phone=None))
    with database.read() as session:
        (match,) = find_people(session, "测试1号")
    assert (match.id_number, match.masked_id, match.no_id_reason, match.phone,
            match.open_count, match.repeat_count) == (None, "", "未随身携带", None, 0, 0)
    assert match.summary_line == "测试1号　来访1次"


def test_a_person_whose_visits_were_removed_has_none(database: Database) -> None:
    visit = register(database, 1)
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == visit.visit_id)
                        .values(deleted_at=datetime(2026, 12, 1, 9, 0)))
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
        assert people_matches(session, []) == []
    assert (match.visit_count, match.repeat_count, match.open_count, match.visits) == (
        0, 0, 0, [])


def test_every_visit_counts_past_the_first_five_hundred(database: Database) -> None:
    """The tickets are read 500 visits at a time: none is left out between two reads."""
    first = register(database, 1, now=T0)
    with database.write() as session:
        visit = session.get(Visit, first.visit_id)
        ticket = session.get(Referral, first.referral_id)
        assert visit is not None and ticket is not None
        day = date(2025, 1, 2)
        session.add_all(Visit(
            visit_no=f"T2025{n:06d}", person_id=visit.person_id, summary="旧登记",
            visited_at=T0 - timedelta(days=400, minutes=n), category_id=visit.category_id,
            referrals=[Referral(room_id=ticket.room_id, ticket_date=day, ticket_seq=n,
                                ticket_no=f"T{n:04d}", status="waiting")])
            for n in range(1, 501))
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
    assert (match.visit_count, match.open_count, len(match.visits)) == (501, 501, 5)


def test_the_people_come_in_the_order_asked(database: Database) -> None:
    ids = []
    for n in (1, 2, 3):
        register(database, n)
        with database.read() as session:
            (match,) = find_people(session, id_number(n))
        ids.append(match.person_id)
    with database.read() as session:
        found = people_matches(session, [ids[2], ids[0], ids[1]])
    assert [m.name for m in found] == ["测试3号", "测试1号", "测试2号"]


def test_the_five_latest_visits_are_shown_newest_first(database: Database) -> None:
    visits = [register(database, 1, now=T0 + timedelta(days=day), summary=f"第{day}次")
              for day in (3, 0, 5, 1, 4, 2)]
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
    assert match.visit_count == 6
    assert [v.summary for v in match.visits] == ["第5次", "第4次", "第3次", "第2次", "第1次"]
    assert match.visits[0].visit_id == visits[2].visit_id


def test_an_earlier_visit_reads_back_every_field(database: Database) -> None:
    with database.write() as session:
        community = Community(name="东城社区", active=True)
        session.add(community)
        session.flush()
        grid = Grid(community_id=community.id, name="第一网格", active=True)
        session.add(grid)
        session.flush()
        community_id, grid_id = community.id, grid.id
    first = register(database, 1, now=T0, risk_level="红", community_id=community_id,
                     grid_id=grid_id)
    again = register(database, 1, now=T0 + timedelta(days=1), repeat_of_visit_id=first.visit_id,
                     category="婚姻家庭", summary="再次反映")
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
    assert match.visits == [
        EarlierVisit(again.visit_id, again.visit_no, T0 + timedelta(days=1),
                     match.visits[0].category_id, "婚姻家庭", "再次反映", "黄",
                     "矛盾纠纷调解室等候中", True, True, first.visit_id, None, None),
        EarlierVisit(first.visit_id, first.visit_no, T0, match.visits[1].category_id, "邻里",
                     "楼上装修噪音扰民", "红", "矛盾纠纷调解室等候中", True, False,
                     first.visit_id, community_id, grid_id),
    ]
    assert match.visits[0].category_id != match.visits[1].category_id
    assert None not in (match.visits[0].category_id, match.visits[1].category_id)


def _state(database: Database, n: int) -> EarlierVisit:
    with database.read() as session:
        (match,) = find_people(session, id_number(n))
    return match.visits[0]


def _finish(database: Database, referral_id: int, result: str) -> None:
    queue.start(database, referral_id)
    queue.finish(database, referral_id, result)


def test_each_state_of_an_earlier_visit_is_said(database: Database) -> None:
    tickets = {n: register(database, n).referral_id for n in range(1, 9)}
    queue.call(database, tickets[2])
    queue.hold(database, tickets[3], "等待补充材料")
    _finish(database, tickets[4], "resolved")
    queue.call(database, tickets[5])
    queue.no_show(database, tickets[5])
    queue.transfer(database, tickets[6], room_ids(database)["综合受理窗口"], "换个室")
    _finish(database, tickets[7], "case_opened")
    with database.write() as session:
        session.execute(update(Referral).where(Referral.id == tickets[8])
                        .values(status="done", result=None))
    states = {n: (_state(database, n).state, _state(database, n).is_open) for n in range(1, 9)}
    assert states == {
        1: ("矛盾纠纷调解室等候中", True), 2: ("矛盾纠纷调解室已叫号", True),
        3: ("矛盾纠纷调解室暂缓", True), 4: ("已化解/已答复", False), 5: ("过号未到", False),
        6: ("综合受理窗口等候中", True), 7: ("转入调解立案", False), 8: ("已办结", False),
    }


def test_an_open_escalation_keeps_a_finished_visit_open(database: Database) -> None:
    visit = register(database, 1)
    _finish(database, visit.referral_id, "resolved")
    escalation = queue.escalate(database, visit.visit_id, "B", "需街道协调")
    first = _state(database, 1)
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
    queue.close_escalation(database, escalation, "街道已协调解决")
    closed = _state(database, 1)
    assert (first.state, first.is_open, match.open_count) == (
        "已化解/已答复（上报/移送办理中）", True, 1)
    assert (closed.state, closed.is_open) == ("已化解/已答复", False)


def test_a_ticket_still_open_in_another_room_is_said_after_the_last_one(
        database: Database) -> None:
    """Sent on to a second room and finished there first: the first room's ticket is still
    open, which is said as that room's state, not as an escalation."""
    visit = register(database, 1)
    again = queue.route_again(database, visit.visit_id, room_ids(database)["综合受理窗口"],
                              "另需咨询")
    _finish(database, again.id, "resolved")
    with database.read() as session:
        (match,) = find_people(session, id_number(1))
    (earlier,) = match.visits
    assert (earlier.state, earlier.is_open, match.open_count) == (
        "已化解/已答复（矛盾纠纷调解室等候中）", True, 1)
    escalation = queue.escalate(database, visit.visit_id, "B", "需街道协调")
    assert _state(database, 1).state == "已化解/已答复（矛盾纠纷调解室等候中）（上报/移送办理中）"
    queue.close_escalation(database, escalation, "街道已协调解决")
    _finish(database, visit.referral_id, "left")
    assert (_state(database, 1).state, _state(database, 1).is_open) == ("已化解/已答复", False)


def test_the_last_ticket_by_time_then_number_tells_the_state(database: Database) -> None:
    visit = register(database, 1)
    _finish(database, visit.referral_id, "left")
    again = queue.route_again(database, visit.visit_id, room_ids(database)["综合受理窗口"],
                              "另需咨询")
    assert _state(database, 1).state == "综合受理窗口等候中"  # the later ticket
    _finish(database, again.id, "resolved")
    assert _state(database, 1).state == "已化解/已答复"
    with database.write() as session:  # both tickets of the same moment: the later number
        created = session.get(Referral, visit.referral_id).created_at  # type: ignore[union-attr]
        session.execute(update(Referral).where(Referral.id == again.id)
                        .values(created_at=created))
    assert _state(database, 1).state == "已化解/已答复"
    with database.write() as session:
        session.execute(update(Referral).where(Referral.id == visit.referral_id)
                        .values(created_at=created + timedelta(seconds=1)))
    assert _state(database, 1).state == "来访人自行离开"


def test_a_visit_without_a_category_shows_none(database: Database) -> None:
    visit = register(database, 1)
    with database.write() as session:  # a visit typed in before the category was asked
        session.execute(update(Visit).where(Visit.id == visit.visit_id).values(category_id=None))
    earlier = _state(database, 1)
    assert (earlier.category_id, earlier.category) == (None, "")


def test_a_visit_without_a_ticket_shows_no_state(database: Database) -> None:
    visit = register(database, 1)
    with database.write() as session:  # a visit typed in from paper, never queued
        session.execute(delete(ReferralEvent).where(
            ReferralEvent.referral_id == visit.referral_id))
        session.execute(delete(Referral).where(Referral.id == visit.referral_id))
    earlier = _state(database, 1)
    assert (earlier.state, earlier.is_open) == ("", False)


@pytest.mark.parametrize(("result", "state"), [("an_old_result", "an_old_result"),
                                               ("done", "已办结")])
def test_a_result_the_desk_does_not_know_is_shown_as_stored(database: Database, result: str,
                                                            state: str) -> None:
    """Older records kept a state or their own word as the result."""
    visit = register(database, 1)
    with database.write() as session:
        session.execute(update(Referral).where(Referral.id == visit.referral_id)
                        .values(status="done", result=result))
    assert _state(database, 1).state == state


def test_what_was_said_in_counselling_is_kept_from_the_desk(database: Database) -> None:
    register(database, 7, room="心理咨询室", category="心理疏导", summary="独居后情绪低落",
             now=T0)
    register(database, 7, summary="邻里噪音", now=datetime(2026, 12, 2, 9, 0))
    with acting_as(database, {"receptionist"}):
        desk = _state(database, 7)
        with database.read() as session:
            (match,) = find_people(session, id_number(7))
    with acting_as(database, {"receptionist", "counsellor"}), database.read() as session:
        (counsellor,) = find_people(session, id_number(7))
    assert desk.summary == "邻里噪音"
    assert [v.summary for v in match.visits] == ["邻里噪音", privacy.CONFIDENTIAL_TEXT]
    assert [v.summary for v in counsellor.visits] == ["邻里噪音", "独居后情绪低落"]
    assert isinstance(match, PersonMatch) and date(2026, 12, 2) == desk.visited_at.date()
