"""The care register's entries one by one (``care/entries``): an edit checked against the
first visit and the day given, a stale edit naming what differs, ending and reopening the
care with every refusal and its message, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, CareEntry, Visit
from desktop.services.admin import dictionaries
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.care import access, entries, listing, routed, visits
from desktop.services.care.visits import VisitInput
from desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from desktop.services.validation import mask_id_number
from tests.care_helpers import care_entry, care_staff
from tests.factories import id_number
from tests.reception_helpers import register
from tests.rules_helpers import acting_as

TODAY = date(2026, 12, 2)
REGISTERED = date(2026, 11, 20)


def _entry(database: Database, **changes: object) -> int:
    return entries.register_entry(database, care_entry("李桂芝", 31, REGISTERED, **changes),
                                  today=TODAY)


def _detail(database: Database, entry_id: int) -> listing.EntryDetail:
    with database.read() as session:
        return listing.entry_detail(session, entry_id)


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    return info.value.errors


def _update(database: Database, entry_id: int, **changes: object) -> None:
    detail = _detail(database, entry_id)
    entries.update_entry(database, entry_id, replace(detail.data, **changes),  # type: ignore[arg-type]
                         version=detail.version, today=TODAY)


def _person_of(database: Database, visit_id: int) -> int:
    with database.read() as session:
        return session.scalars(select(Visit.person_id).where(Visit.id == visit_id)).one()


# -- editing ----------------------------------------------------------------------------------


def test_an_edit_may_move_registration_up_to_the_first_visit_and_no_later(
        database: Database) -> None:
    entry_id = _entry(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 26), "身体尚可"),
                     today=TODAY)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 24), "补录一次走访"),
                     today=TODAY)
    assert _errors(lambda: _update(database, entry_id, registered_on=date(2026, 11, 25))) == {
        "registered_on": "登记日期不能晚于首次走访日期 2026-11-24"}
    assert _detail(database, entry_id).data.registered_on == REGISTERED
    _update(database, entry_id, registered_on=date(2026, 11, 24))  # the day of the first visit
    assert _detail(database, entry_id).data.registered_on == date(2026, 11, 24)
    _update(database, entry_id, registered_on=date(2026, 11, 1))
    assert _detail(database, entry_id).data.registered_on == date(2026, 11, 1)


def test_an_edit_without_visits_moves_registration_and_the_due_day(database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)
    _update(database, entry_id, registered_on=date(2026, 11, 30))
    detail = _detail(database, entry_id)
    assert detail.data.registered_on == date(2026, 11, 30)
    assert detail.next_due_on == date(2026, 12, 14)
    _update(database, entry_id, registered_on=None)  # left empty: the day stays
    assert _detail(database, entry_id).data.registered_on == date(2026, 11, 30)


def test_an_edit_is_checked_against_the_day_given(database: Database) -> None:
    entry_id = _entry(database)
    detail = _detail(database, entry_id)
    data = replace(detail.data, registered_on=date(2026, 11, 26))
    with pytest.raises(ValidationError) as info:
        entries.update_entry(database, entry_id, data, version=detail.version,
                             today=date(2026, 11, 25))
    assert info.value.errors == {"registered_on": "登记日期不能晚于今天"}
    entries.update_entry(database, entry_id, data, version=detail.version,
                         today=date(2026, 11, 26))
    assert _detail(database, entry_id).data.registered_on == date(2026, 11, 26)


def test_a_stale_edit_names_every_field_that_differs_with_its_label(
        database: Database) -> None:
    entry_id = _entry(database)
    loaded = _detail(database, entry_id)
    _update(database, entry_id, groups=["残疾人", "低保/特困"], phone="13912340002",
            frequency_days=7)
    with pytest.raises(StaleEditError) as info:
        entries.update_entry(database, entry_id, replace(
            loaded.data, groups=["独居/空巢老人"], phone="13912340003", frequency_days=7),
            version=loaded.version, today=TODAY)
    assert info.value.record == "关爱对象"
    assert str(info.value).startswith("该关爱对象已被他人修改")
    assert [(c.field, c.label, c.yours, c.current) for c in info.value.changes] == [
        ("groups", "关爱类别", "独居/空巢老人", "低保/特困、残疾人"),
        ("phone", "联系电话", "13912340003", "13912340002"),
    ]
    now = _detail(database, entry_id)
    assert (now.data.groups, now.data.phone) == (["低保/特困", "残疾人"], "13912340002")
    # The old form writing exactly what is stored now has nothing to overwrite.
    entries.update_entry(database, entry_id, replace(
        loaded.data, groups=["残疾人", "低保/特困"], phone="13912340002", frequency_days=7),
        version=loaded.version, today=TODAY)


# -- ending and reopening ---------------------------------------------------------------------


def test_ending_the_care_is_refused_with_the_message_of_each_field(database: Database) -> None:
    entry_id = _entry(database)
    version = _detail(database, entry_id).version

    def end(day: object, reason: str, **kw: object) -> dict[str, str]:
        return _errors(lambda: entries.end_entry(
            database, entry_id, day, reason, version=version, today=TODAY, **kw))  # type: ignore[arg-type]

    assert end(TODAY, "  ") == {"end_reason": "请填写结束关爱的原因"}
    assert end(TODAY, "迁" * 201) == {"end_reason": "结束原因过长（不超过200字，当前201字）"}
    assert end(date(2026, 12, 3), "迁出") == {"ended_on": "结束日期不能晚于今天"}
    assert end(None, "") == {"end_reason": "请填写结束关爱的原因", "ended_on": "请填写结束日期"}
    assert end(date(2026, 11, 19), "迁出") == {"ended_on": "结束日期不能早于登记日期"}
    assert _detail(database, entry_id).ended_on is None


def test_the_care_ends_from_registration_to_the_day_given(database: Database) -> None:
    entry_id = _entry(database)
    version = _detail(database, entry_id).version
    with pytest.raises(ValidationError) as info:
        entries.end_entry(database, entry_id, date(2026, 11, 26), "迁出", version=version,
                          today=date(2026, 11, 25))
    assert info.value.errors == {"ended_on": "结束日期不能晚于今天"}
    entries.end_entry(database, entry_id, REGISTERED, "  迁出  本市 ", version=version,
                      today=REGISTERED)
    detail = _detail(database, entry_id)
    assert (detail.ended_on, detail.end_reason) == (REGISTERED, "迁出  本市")


def test_an_ended_or_changed_entry_is_not_ended_again(database: Database) -> None:
    entry_id = _entry(database)
    version = _detail(database, entry_id).version
    with pytest.raises(StaleEditError, match=r"^该关爱对象已被他人修改"):
        entries.end_entry(database, entry_id, TODAY, "迁出", version=version + 1, today=TODAY)
    entries.end_entry(database, entry_id, TODAY, "迁出", version=version, today=TODAY)
    again = _detail(database, entry_id).version
    assert _errors(lambda: entries.end_entry(
        database, entry_id, TODAY, "去世", version=again, today=TODAY)) == {
        "ended_on": "该关爱对象已结束关爱"}
    assert _detail(database, entry_id).end_reason == "迁出"


def test_reopening_clears_the_end_keeps_it_in_the_log_and_dues_from_the_last_visit(
        database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"),
                     today=TODAY)
    version = _detail(database, entry_id).version
    assert _errors(lambda: entries.reopen_entry(database, entry_id, version=version)) == {
        "ended_on": "该关爱对象仍在册，无需恢复"}
    entries.end_entry(database, entry_id, TODAY, "情况好转", version=version, today=TODAY)
    ended = _detail(database, entry_id).version
    with pytest.raises(StaleEditError, match=r"^该关爱对象已被他人修改"):
        entries.reopen_entry(database, entry_id, version=ended - 1)
    entries.reopen_entry(database, entry_id, version=ended)
    detail = _detail(database, entry_id)
    assert (detail.ended_on, detail.end_reason) == (None, "")
    assert detail.next_due_on == date(2026, 12, 9)
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="reopen"))
        raw = session.scalars(select(AuditEntry).where(AuditEntry.action == "reopen")).one()
        assert session.get_one(CareEntry, entry_id).end_reason is None
    assert entry.raw_detail == {"原结束日期": "2026-12-02", "原结束原因": "情况好转"}
    assert (raw.target_type, raw.target_id) == ("care_entry", str(entry_id))


def test_the_register_counts_are_taken_on_the_day_given(database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)  # due 4 December
    with database.read() as session:
        assert listing.register_counts(session, today=date(2026, 12, 5)) == {
            "active": 1, "overdue": 1, "soon": 0, "ended": 0}
        assert listing.register_counts(session, today=date(2026, 12, 4)) == {
            "active": 1, "overdue": 0, "soon": 1, "ended": 0}
    assert entry_id


def test_the_register_is_greyed_out_for_staff_of_another_room(database: Database) -> None:
    assert access.may_use(database) and access.may_use(database, "care.edit")
    with acting_as(database, {"room_staff"}, "关爱工作室"):
        assert access.may_use(database, "care.edit")
    with acting_as(database, {"room_staff"}, "警民联络室"):
        assert not access.may_use(database)
        assert not access.may_use(database, "care.edit")
    with acting_as(database, {"receptionist"}):
        assert not access.may_use(database)


def test_a_routed_visit_is_offered_by_time_ticket_name_and_the_start_of_its_summary() -> None:
    visit = routed.RoutedVisit(7, "20261202-0007", "爱-003", datetime(2026, 12, 2, 9, 5),
                               "李桂芝", "独居老人" * 7)
    assert visit.label() == "12-02 09:05 爱-003 李桂芝　" + ("独居老人" * 6)


@pytest.mark.parametrize("wrong", [0, -1, 2 ** 70, 999_999])
def test_an_entry_that_is_not_there_is_not_found_whatever_the_number(
        database: Database, wrong: int) -> None:
    entry_id = _entry(database)
    data = _detail(database, entry_id).data
    for call in (lambda: entries.update_entry(database, wrong, data, version=1, today=TODAY),
                 lambda: entries.end_entry(database, wrong, TODAY, "迁出", version=1,
                                           today=TODAY),
                 lambda: entries.reopen_entry(database, wrong, version=1)):
        with pytest.raises(NotFoundError, match=r"^没有找到该关爱对象$"):
            call()


def test_an_entry_reads_back_every_field_it_was_saved_with(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
        grid = dictionaries.save_grid(session, None, community, "第一网格")
    staff = care_staff(database)
    visit = register(database, 7, room="关爱工作室", category="困难帮扶")
    saved = care_entry("测试7号", 7, REGISTERED, groups=["残疾人", "低保/特困"], gender="女",
                       address="东林路 12 号", guardian_name="王强", guardian_relation="儿子",
                       guardian_phone="13912340009", community_id=community, grid_id=grid,
                       frequency_days=10, staff_id=staff, visit_id=visit.visit_id,
                       notes="腿脚不便，上门前先电话")
    entry_id = entries.register_entry(database, saved, today=TODAY)
    detail = _detail(database, entry_id)
    with database.read() as session:
        person_id = session.scalars(select(Visit.person_id).where(
            Visit.id == visit.visit_id)).one()
    # The resident known from reception is taken as reception has them (no gender given).
    assert detail.data == replace(saved, groups=["低保/特困", "残疾人"], person_id=person_id,
                                  gender=None)
    assert (detail.entry_id, detail.name, detail.masked_id) == (
        entry_id, "测试7号", mask_id_number(id_number(7)))
    with database.read() as session, pytest.raises(NotFoundError,
                                                   match=r"^没有找到该关爱对象$"):
        listing.entry_detail(session, entry_id + 1000)


def test_the_counts_of_the_register_at_each_bound(database: Database) -> None:
    due = {}
    for n, days in enumerate((-1, 0, 7, 8), start=1):
        entry_id = entries.register_entry(database, care_entry(
            f"测试{n}号", n, REGISTERED, frequency_days=14), today=TODAY)
        due[entry_id] = TODAY + timedelta(days=days)
    ended = entries.register_entry(database, care_entry("测试9号", 9, REGISTERED),
                                   today=TODAY)
    ended_soon = entries.register_entry(database, care_entry("测试10号", 10, REGISTERED),
                                        today=TODAY)
    with database.write() as session:
        for entry_id, day in due.items():
            session.get_one(CareEntry, entry_id).next_due_on = day
        gone = session.get_one(CareEntry, ended)
        gone.next_due_on, gone.ended_on = TODAY - timedelta(days=30), TODAY
        soon = session.get_one(CareEntry, ended_soon)  # due within the week, but ended
        soon.next_due_on, soon.ended_on = TODAY + timedelta(days=1), TODAY
    with database.read() as session:
        assert listing.open_counts(session, today=TODAY) == {
            "active": 4, "overdue": 1, "soon": 2, "ended": 2}


def test_residents_known_from_reception_are_found_for_the_care_room_only(
        database: Database) -> None:
    visit = register(database, 7)
    with database.read() as session:
        (found,) = entries.find_people(session, id_number(7))
    assert (found.name, found.person_id) == ("测试7号", _person_of(database, visit.visit_id))
    with acting_as(database, {"room_staff"}, "警民联络室"), database.read() as session, \
            pytest.raises(PermissionDenied):
        entries.find_people(session, "测试7号")


def test_a_stale_delete_names_the_desk_that_changed_the_record_and_when(database: Database) -> None:
    entry_id = _entry(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"),
                     today=TODAY)
    (loaded,) = _detail(database, entry_id).visits
    visits.update_visit(database, loaded.visit_id, VisitInput(date(2026, 11, 25), "血压偏高"),
                        version=loaded.version, today=TODAY)
    with pytest.raises(StaleEditError) as info:
        visits.delete_visit(database, loaded.visit_id, version=loaded.version)
    assert (info.value.record, info.value.changes) == ("走访记录", [])
    assert info.value.changed_by == database.desk  # the desk that saved the change
    assert info.value.changed_at is not None
    assert str(info.value).startswith(f"该走访记录已被他人修改（{database.desk}")
    assert str(info.value).endswith("请重新载入后再删除")


def test_an_end_date_outside_the_years_the_centre_keeps_is_refused_by_name(
        database: Database) -> None:
    entry_id = _entry(database)
    version = _detail(database, entry_id).version
    for day in (date(1899, 12, 31), date(2101, 1, 1)):  # the second is after today too
        assert _errors(lambda d=day: entries.end_entry(  # type: ignore[misc]
            database, entry_id, d, "迁出", version=version, today=TODAY)) == {
            "ended_on": "结束日期应在1900年至2100年之间"}


def test_an_edit_names_the_community_grid_and_member_of_staff(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
        grid = dictionaries.save_grid(session, None, community, "第一网格")
        other = dictionaries.save_community(session, None, "西林社区")
    staff = care_staff(database)
    entry_id = _entry(database)
    _update(database, entry_id, community_id=community, grid_id=grid, staff_id=staff)
    detail = _detail(database, entry_id)
    assert (detail.community, detail.grid, detail.staff) == ("东林社区", "第一网格", "周敏")
    assert _errors(lambda: _update(database, entry_id, community_id=other)) == {
        "grid_id": "所选网格不属于所选社区"}
    assert _errors(lambda: _update(database, entry_id, staff_id=staff + 1000)) == {
        "staff_id": "所选责任人不存在"}
