"""The 关爱 register and the police room's routed visits: every refusal in its words,
what is stored and read back, row locks and orders (the rules mutation testing found
unproven)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import CareEntry, Person, Visit
from desktop.services import validation
from desktop.services.admin import dictionaries
from desktop.services.care import entries, listing, visits
from desktop.services.care.entries import EntryInput
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from desktop.services.police import routed
from tests.care_helpers import care_entry
from tests.factories import id_number
from tests.police_helpers import police_visit
from tests.reception_helpers import register, sent_again
from tests.rules_helpers import acting_as, next_id, waits_then

TODAY = date(2026, 12, 2)
REGISTERED = date(2026, 11, 20)
NOW = datetime(2026, 12, 2, 10, 0)


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    return info.value.errors


def _register(database: Database, data: EntryInput) -> int:
    return entries.register_entry(database, data, today=TODAY)


def _detail(database: Database, entry_id: int) -> listing.EntryDetail:
    with database.read() as session:
        return listing.entry_detail(session, entry_id)


# -- care/access ------------------------------------------------------------------------------


def test_another_room_s_staff_are_refused_the_care_register_in_words(database: Database) -> None:
    with acting_as(database, {"room_staff"}, "警民联络室"), database.read() as session, \
            pytest.raises(PermissionDenied) as refused:
        listing.entry_list(session, today=TODAY)
    assert (refused.value.permission, str(refused.value)) == (
        "care.read", "当前账号无权查看关爱对象名册和走访记录（仅限关爱工作室）")


# -- care/entries: _apply ---------------------------------------------------------------------


def test_a_community_or_grid_not_on_record_is_refused_under_its_field(database: Database) -> None:
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          community_id=999_999))) == {
        "community_id": "所选社区不存在"}
    assert _errors(lambda: _register(database, care_entry("乙", 2, REGISTERED,
                                                          grid_id=999_999))) == {
        "grid_id": "所选网格不存在"}


# -- care/entries: _person --------------------------------------------------------------------


def test_a_resident_picked_who_is_not_or_no_longer_on_record_is_refused(database: Database) -> None:
    assert _errors(lambda: _register(database, EntryInput(
        groups=["残疾人"], person_id=999_999, registered_on=REGISTERED))) == {
        "name": "所选来访人不存在"}
    visit = register(database, 7)
    with database.write() as session:
        person_id = session.scalars(select(Visit.person_id).where(
            Visit.id == visit.visit_id)).one()
        session.get_one(Person, person_id).deleted_at = NOW
    assert _errors(lambda: _register(database, EntryInput(
        groups=["残疾人"], person_id=person_id, registered_on=REGISTERED))) == {
        "name": "所选来访人不存在"}


def test_a_number_on_record_under_another_name_asks_to_pick_the_resident(
        database: Database) -> None:
    register(database, 7)
    assert _errors(lambda: _register(database, care_entry("别人", 7, REGISTERED))) == {
        "id_number": "该身份证号已登记为“测试7号”，请从查找结果中选择"}


def test_new_residents_are_stored_with_what_was_given(database: Database) -> None:
    first = _register(database, care_entry("无证一", 1, REGISTERED, id_number="", gender="男",
                                           phone="139 1234 0001", address="东林路1号"))
    second = _register(database, care_entry("无证二", 2, REGISTERED, id_number="",
                                            gender=None, phone="", address=""))
    third = _register(database, care_entry("有证三", 3, REGISTERED, gender="女",
                                           phone="13912340003", address="西林路3号"))
    with database.read() as session:
        rows = [session.get_one(CareEntry, e).person for e in (first, second, third)]
        got = [(p.name, p.gender, p.id_type, p.id_number, p.no_id_reason, p.phone, p.address)
               for p in rows]
    assert got == [
        ("无证一", "男", "无证件", None, "关爱名册登记时未提供", "13912340001", "东林路1号"),
        ("无证二", None, "无证件", None, "关爱名册登记时未提供", None, None),
        ("有证三", "女", "居民身份证", id_number(3), None, "13912340003", "西林路3号"),
    ]


# -- care/entries: register_entry ---------------------------------------------------------------


def test_a_visit_not_on_record_or_registered_already_is_refused(database: Database) -> None:
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          visit_id=999_999))) == {
        "visit_id": "所选来访登记不存在"}
    visit = register(database, 7, room="关爱工作室", category="困难帮扶")
    _register(database, care_entry("乙", 2, REGISTERED, visit_id=visit.visit_id))
    assert _errors(lambda: _register(database, care_entry("丙", 3, REGISTERED,
                                                          visit_id=visit.visit_id))) == {
        "visit_id": "该来访已登记到关爱名册"}


def test_an_entry_without_a_day_is_registered_on_the_day_given(database: Database) -> None:
    entry_id = entries.register_entry(database, care_entry("甲", 1, None),
                                      today=date(2026, 11, 1))
    assert _detail(database, entry_id).data.registered_on == date(2026, 11, 1)


# -- care/entries: a stale end or reopening names the desk -------------------------------------


def test_a_stale_end_or_reopening_names_the_other_desk(database: Database) -> None:
    entry_id = _register(database, care_entry("甲", 1, REGISTERED))
    loaded = _detail(database, entry_id)
    entries.update_entry(database, entry_id, replace(loaded.data, notes="改过"),
                         version=loaded.version, today=TODAY)
    with pytest.raises(StaleEditError) as info:
        entries.end_entry(database, entry_id, TODAY, "迁出", version=loaded.version,
                          today=TODAY)
    assert info.value.changed_by == database.desk
    assert str(info.value).startswith(f"该关爱对象已被他人修改（{database.desk}")
    now = _detail(database, entry_id)
    entries.end_entry(database, entry_id, TODAY, "迁出", version=now.version, today=TODAY)
    with pytest.raises(StaleEditError) as info:
        entries.reopen_entry(database, entry_id, version=now.version)
    assert info.value.changed_by == database.desk
    assert str(info.value).startswith(f"该关爱对象已被他人修改（{database.desk}")


# -- care/entries: validate_entry ---------------------------------------------------------------


def test_groups_and_the_resident_are_refused_in_words(database: Database) -> None:
    assert _errors(lambda: _register(database, EntryInput(groups=[], person_id=0))) == {
        "groups": "请至少选择一个关爱类别", "name": "所选来访人不存在"}
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          groups=["老人"]))) == {
        "groups": "关爱类别不正确"}
    assert _errors(lambda: _register(database, care_entry("", 1, REGISTERED))) == {
        "name": "请填写姓名或选择已登记的来访人"}


def test_the_number_gender_and_phone_are_refused_in_words(database: Database) -> None:
    wrong = "110105198503141234"
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          id_number=wrong))) == {
        "id_number": validation.id_number_error(wrong)}
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          gender="未知"))) == {
        "gender": "性别只能是男或女"}
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          phone="123"))) == {
        "phone": validation.phone_error("123")}
    assert _register(database, care_entry("甲", 1, REGISTERED, gender=None))


def test_a_visiting_frequency_that_is_no_whole_number_is_refused(database: Database) -> None:
    message = "走访频次应在 1 至 365 天之间"
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          frequency_days=True))) == {
        "frequency_days": message}
    assert _errors(lambda: _register(database, care_entry("甲", 1, REGISTERED,
                                                          frequency_days=0))) == {
        "frequency_days": message}
    entry_id = _register(database, care_entry("甲", 1, REGISTERED, frequency_days=1))
    assert _detail(database, entry_id).data.frequency_days == 1


def test_ids_that_cannot_be_ids_are_all_refused_at_once(database: Database) -> None:
    assert _errors(lambda: _register(database, care_entry(
        "甲", 1, REGISTERED, community_id=0, grid_id=0, staff_id=0, visit_id=0))) == {
        "community_id": "所选社区不存在", "grid_id": "所选网格不存在",
        "staff_id": "所选责任人不存在", "visit_id": "所选来访登记不存在"}


@pytest.mark.parametrize("day", [date(1899, 12, 31), date(2101, 1, 1)])
def test_a_registration_day_outside_1900_to_2100_is_refused(database: Database, day: date) -> None:
    assert _errors(lambda: _register(database, care_entry("甲", 1, day))) == {
        "registered_on": "登记日期应在1900年至2100年之间"}


# -- care/entries: _locked (PostgreSQL) -----------------------------------------------------------


def test_an_edit_waits_for_a_desk_adding_an_earlier_visit(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("row locks: PostgreSQL only")
    entry_id = _register(database, care_entry("甲", 1, REGISTERED))
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 28), "身体尚可"),
                     today=TODAY)
    loaded = _detail(database, entry_id)
    outcome = waits_then(database, [
        "SELECT id FROM care_entry WHERE id = :e FOR UPDATE",
        "INSERT INTO care_visit (entry_id, visited_on, findings) VALUES (:e, :d, '补录')",
    ], {"e": entry_id, "d": date(2026, 11, 22)}, lambda: entries.update_entry(
        database, entry_id, replace(loaded.data, registered_on=date(2026, 11, 25)),
        version=loaded.version, today=TODAY))
    assert isinstance(outcome, ValidationError)
    assert outcome.errors == {"registered_on": "登记日期不能晚于首次走访日期 2026-11-22"}


# -- care/listing ---------------------------------------------------------------------------------


def test_the_list_shows_the_entry_s_own_grid(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
        dictionaries.save_grid(session, None, community, "第一网格")
        second = dictionaries.save_grid(session, None, community, "第二网格")
    _register(database, care_entry("甲", 1, REGISTERED, community_id=community,
                                   grid_id=second))
    _register(database, care_entry("乙", 2, REGISTERED, community_id=community))
    with database.read() as session:
        rows = listing.entry_list(session, today=TODAY)
    assert sorted((r.name, r.community) for r in rows) == [
        ("乙", "东林社区"), ("甲", "东林社区／第二网格")]


def test_the_list_names_the_groups_in_their_order_after_an_edit(database: Database) -> None:
    entry_id = _register(database, care_entry("甲", 1, REGISTERED, groups=["独居/空巢老人"]))
    loaded = _detail(database, entry_id)
    entries.update_entry(database, entry_id,
                         replace(loaded.data, groups=["独居/空巢老人", "残疾人"]),
                         version=loaded.version, today=TODAY)
    with database.read() as session:
        (row,) = listing.entry_list(session, today=TODAY)
    assert row.groups == "残疾人、独居/空巢老人"


def test_entries_due_the_same_day_list_by_number(database: Database) -> None:
    ids = []
    for n, value in enumerate((1000, 500, 700), start=1):
        next_id(database, CareEntry, value)
        ids.append(_register(database, care_entry(f"测试{n}号", n, REGISTERED)))
    with database.read() as session:
        active = [r.entry_id for r in listing.entry_list(session, today=TODAY)]
        due = [r.entry_id for r in listing.entry_list(session, status="due", today=TODAY)]
        due_visits = [r.entry_id for r in listing.due_visits(session, today=TODAY)]
    assert active == due == due_visits == sorted(ids)


def test_the_list_stops_at_500_unless_asked_for_more(database: Database) -> None:
    with database.write() as session:
        for n in range(501):
            person = Person(name=f"批量{n}", id_type="无证件")
            session.add(person)
            session.flush()
            session.add(CareEntry(person_id=person.id, registered_on=REGISTERED,
                                  next_due_on=TODAY, frequency_days=30))
    with database.read() as session:
        assert len(listing.entry_list(session, today=TODAY)) == 500


def test_empty_fields_read_back_empty(database: Database) -> None:
    entry_id = _register(database, care_entry("甲", 1, REGISTERED, id_number="", phone="",
                                              address="", guardian_name="",
                                              guardian_relation="", notes=""))
    with acting_as(database, {"room_staff"}, "关爱工作室"):  # an account with no staff
        visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"),
                         today=TODAY)
    detail = _detail(database, entry_id)
    assert (detail.community, detail.grid, detail.staff) == ("", "", "")
    d = detail.data
    assert (d.id_number, d.phone, d.address, d.guardian_name, d.guardian_relation,
            d.notes) == ("", "", "", "", "", "")
    assert [v.staff for v in detail.visits] == [""]


def test_the_detail_carries_the_resident_and_gender(database: Database) -> None:
    entry_id = _register(database, care_entry("甲", 1, REGISTERED, gender="女"))
    detail = _detail(database, entry_id)
    with database.read() as session:
        person_id = session.get_one(CareEntry, entry_id).person_id
    assert (detail.person_id, detail.data.person_id, detail.data.gender) == (
        person_id, person_id, "女")


# -- police/routed --------------------------------------------------------------------------------


def test_the_police_room_lists_visits_of_one_minute_and_one_sent_again_in_order(
        database: Database) -> None:
    first = police_visit(database, 1, now=NOW)
    second = police_visit(database, 2, now=NOW)
    again = sent_again(database, first, "警民联络室", NOW)
    with database.read() as session:
        waiting = routed.routed_visits(session, today=TODAY)
    assert [(v.visit_id, v.referral_id) for v in waiting] == [
        (second.visit_id, second.referral_id), (first.visit_id, again),
        (first.visit_id, first.referral_id)]


def test_a_police_draft_of_a_resident_without_a_phone_leaves_it_empty(database: Database) -> None:
    visit = police_visit(database, 5)
    with database.write() as session:
        session.execute(update(Person).where(Person.id == select(Visit.person_id).where(
            Visit.id == visit.visit_id).scalar_subquery()).values(phone=None))
    with database.read() as session:
        assert routed.draft_from_visit(session, visit.visit_id).person_phone == ""


def test_a_police_draft_of_a_visit_without_a_police_ticket_names_none(database: Database) -> None:
    visit = register(database, 8)
    with database.read() as session:
        draft = routed.draft_from_visit(session, visit.visit_id)
    assert (draft.visit_id, draft.referral_id) == (visit.visit_id, None)
