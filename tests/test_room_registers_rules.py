"""The rooms' 台账 as rows (``police/register``, ``care/rows``): which records a period
takes at each bound, their order and numbering, and every column as written, masked or
worked out (reply state, help given, the state of the care), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.db import Database
from desktop.services.admin import dictionaries
from desktop.services.care import entries, listing, rows, visits
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied
from desktop.services.police import handovers, register
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from desktop.services.validation import mask_id_number
from tests import mediation_helpers as mh
from tests.care_helpers import care_entry, care_staff
from tests.factories import id_number
from tests.police_helpers import handover, police_visit
from tests.reception_helpers import room_ids
from tests.rules_helpers import acting_as

NOVEMBER = Period.month(2026, 11)
TODAY = date(2026, 12, 2)  # the fixed clock's day


# -- 警民联络台账 ----------------------------------------------------------------------------


def _handovers(database: Database) -> list[register.HandoverRegisterRow]:
    with database.read() as session:
        return list(register.handover_register_rows(session, NOVEMBER))


def test_the_police_register_takes_the_month_to_the_minute_in_order(
        database: Database) -> None:
    numbers = {}
    for name, at in (("last", datetime(2026, 11, 30, 23, 59)),
                     ("first", datetime(2026, 11, 1, 0, 0)),
                     ("before", datetime(2026, 10, 31, 23, 59)),
                     ("after", datetime(2026, 12, 1, 0, 0)),
                     ("same", datetime(2026, 11, 30, 23, 59))):
        numbers[name] = handovers.record_handover(database, handover(handed_at=at)).handover_no
    found = _handovers(database)
    assert [(r.seq, r.handover_no) for r in found] == [
        (1, numbers["first"]), (2, numbers["last"]), (3, numbers["same"])]
    with database.read() as session:
        assert register.count_handovers(session, NOVEMBER) == 3
        assert register.count_handovers(session, Period.month(2026, 1)) == 0
        assert rows.count_register(session, NOVEMBER) == 0
        assert register.count_handovers(session, Period.month(2026, 12)) == 1


def test_every_column_of_the_police_register(database: Database) -> None:
    case = mh.make_case(database)
    handovers.record_handover(database, handover(
        handed_at=datetime(2026, 11, 2, 9, 0), person_phone="13912345678",
        reply_due=TODAY))  # due today: not late yet
    handovers.record_handover(database, handover(
        handed_at=datetime(2026, 11, 3, 9, 0), kind="公安移交调解", officer_badge="",
        person_name="", reply_due=date(2026, 12, 1)))  # due yesterday
    handovers.record_handover(database, handover(
        handed_at=datetime(2026, 11, 4, 9, 0), kind="110非警务警情",
        reply_due=None,  # a week after
        reply_on=date(2026, 11, 5), reply_content="已出警处置", case_no=case.case_no))
    first, second, third = _handovers(database)
    assert first == register.HandoverRegisterRow(
        1, "2026警联0001", datetime(2026, 11, 2, 9, 0), "移交公安", "移交派出所",
        "测试3号 139****5678", "小区门口夜间有人聚集饮酒滋事，请派出所加强巡逻", "东林派出所",
        "赵建国（012345）", "138****2222", TODAY, "待回复", "")
    assert (second.direction, second.kind, second.person, second.officer, second.reply) == (
        "公安移交", "公安移交调解", "", "赵建国", "超期未回复")
    assert (third.direction, third.person, third.reply_due, third.reply, third.case_no) == (
        "公安移交", "测试3号", date(2026, 11, 11), "2026-11-05 已出警处置", case.case_no)


def test_the_police_register_hides_what_the_counselling_room_heard(
        database: Database) -> None:
    visit = police_visit(database)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导")
    handovers.record_handover(database, handover(
        visit_id=visit.visit_id, matter="心里话", handed_at=datetime(2026, 11, 2, 9, 0)))
    handovers.record_handover(database, handover(handed_at=datetime(2026, 11, 3, 9, 0)))
    with acting_as(database, {"police"}, "警民联络室"):
        assert [r.matter for r in _handovers(database)] == [
            "（心理咨询，内容保密）", "小区门口夜间有人聚集饮酒滋事，请派出所加强巡逻"]
    with acting_as(database, {"counsellor", "police"}):
        assert _handovers(database)[0].matter == "心里话"
    with acting_as(database, {"receptionist"}), database.read() as session:
        with pytest.raises(PermissionDenied):
            register.count_handovers(session, NOVEMBER)
        with pytest.raises(PermissionDenied):
            list(register.handover_register_rows(session, NOVEMBER))


# -- 关爱对象名册 ----------------------------------------------------------------------------


def _entry(database: Database, name: str, n: int, registered: date, **changes: object) -> int:
    return entries.register_entry(database, care_entry(name, n, registered, **changes),
                                  today=TODAY)


def _end(database: Database, entry_id: int, day: date) -> None:
    with database.read() as session:
        version = listing.entry_detail(session, entry_id).version
    entries.end_entry(database, entry_id, day, "迁出本辖区", version=version, today=TODAY)


def _care_rows(database: Database) -> list[rows.CareRegisterRow]:
    with database.read() as session:
        return list(rows.register_rows(session, NOVEMBER, today=TODAY))


def test_the_care_register_takes_whoever_was_on_it_in_the_month(database: Database) -> None:
    late = _entry(database, "月末登记", 1, date(2026, 11, 30))
    _entry(database, "下月登记", 2, date(2026, 12, 1))
    ended_first_day = _entry(database, "月初结束", 3, date(2026, 10, 1))
    _end(database, ended_first_day, date(2026, 11, 1))
    ended_before = _entry(database, "上月结束", 4, date(2026, 10, 1))
    _end(database, ended_before, date(2026, 10, 31))
    same_day = _entry(database, "同日登记", 5, date(2026, 10, 1))
    assert [(r.seq, r.name) for r in _care_rows(database)] == [
        (1, "月初结束"), (2, "同日登记"), (3, "月末登记")]
    with database.read() as session:
        assert rows.count_register(session, NOVEMBER) == 3
    assert late and same_day


def test_every_column_of_the_care_register(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
    staff = care_staff(database)
    on = _entry(database, "李桂芝", 1, date(2026, 10, 20), groups=["残疾人", "低保/特困"],
                phone="13912345678", frequency_days=14)
    for day, kind, text in ((date(2026, 10, 31), "资金", "慰问金"),  # October's
                            (date(2026, 11, 1), "政策", "协助申请补贴"),
                            (date(2026, 11, 10), "物资", "棉被"),
                            (date(2026, 11, 20), "物资", "米面油"),
                            (date(2026, 11, 30), None, "")):
        visits.add_visit(database, on, VisitInput(day, "身体尚可", help_kind=kind,
                                                  help_text=text), today=TODAY)
    visits.add_visit(database, on, VisitInput(date(2026, 12, 1), "血压偏高", help_kind="心理",
                                              help_text="谈心"), today=TODAY)
    ended = _entry(database, "赵国强", 2, date(2026, 9, 1), community_id=community,
                   staff_id=staff)
    visits.add_visit(database, ended, VisitInput(date(2026, 11, 10), "迁出前走访",
                                                 help_kind="物资", help_text="米"),
                     today=TODAY)
    _end(database, ended, date(2026, 11, 15))
    with database.read() as session:
        first, second = rows.register_rows(session, NOVEMBER, today=date(2026, 12, 10))
    assert second.status == "5 天后到期"
    first, second = _care_rows(database)
    assert (first.seq, first.name, first.id_number_masked, first.phone, first.groups) == (
        1, "赵国强", mask_id_number(id_number(2)), "139****0001", "独居/空巢老人")
    assert (first.visits, first.help, first.next_due_on, first.status) == (
        1, "物资1次", None, "已结束（2026-11-15）")
    assert (first.community_grid, first.staff, second.community_grid, second.staff) == (
        "东林社区", "周敏", "", "")
    assert (second.seq, second.phone, second.groups, second.frequency) == (
        2, "139****5678", "低保/特困、残疾人", "每两周")
    assert (second.visits, second.help, second.last_visit_on) == (
        4, "物资2次、政策1次", date(2026, 12, 1))
    assert (second.next_due_on, second.status, second.registered_on) == (
        date(2026, 12, 15), "13 天后到期", date(2026, 10, 20))
    assert second.id_number_masked == mask_id_number(id_number(1))


def test_only_the_care_room_reads_its_register(database: Database) -> None:
    _entry(database, "李桂芝", 1, date(2026, 11, 2))
    with acting_as(database, {"room_staff"}, "警民联络室"), database.read() as session:
        with pytest.raises(PermissionDenied):
            rows.count_register(session, NOVEMBER)
        with pytest.raises(PermissionDenied):
            list(rows.register_rows(session, NOVEMBER, today=TODAY))
