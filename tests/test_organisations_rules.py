"""The 社会组织工作室's rules one by one: who may use the room, every refusal of an
organisation, an activity and a referral with its field and message, the bounds of
their numbers and dates, and what is stored (``organisations``, ``organisations/directory``,
``organisations/activities``, ``organisations/referrals``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import (
    OrganisationActivity,
    OrganisationReferral,
    Person,
    SocialOrganisation,
    Visit,
)
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from desktop.services.organisations import activities, directory, may_read, may_use, referrals
from desktop.services.organisations import require as require_room
from tests.police_helpers import (
    REFERRED_ON,
    activity_input,
    organisation,
    referral_input,
    social_visit,
)
from tests.reception_helpers import register, room_ids
from tests.rules_helpers import acting_as, snapshot

TODAY = date(2026, 12, 2)  # the fixed clock's day
ORGANISATION_TABLES = (SocialOrganisation, OrganisationReferral, OrganisationActivity)


def _stored(database: Database, model: type, row_id: int) -> object:
    with database.read() as session:
        row = session.get(model, row_id)
        assert row is not None
        session.expunge(row)
        return row


def _referral_errors(**changes: object) -> dict[str, str]:
    values: dict[str, object] = {"organisation_id": 1, **changes}
    return referrals.validate(referral_input(**values), today=TODAY)  # type: ignore[arg-type]


# -- who may use the room -------------------------------------------------------------------


def test_another_room_s_staff_are_refused_naming_the_room(database: Database) -> None:
    for permission in ("organisations.read", "organisations.edit"):
        with acting_as(database, {"room_staff"}, "关爱工作室"), database.read() as session, \
                pytest.raises(PermissionDenied) as refused:
            require_room(session, permission)
        assert refused.value.permission == permission
        assert str(refused.value) == (
            f"当前账号无权{auth.PERMISSIONS[permission]}（仅限社会组织工作室）")


def test_room_staff_of_no_room_are_refused(database: Database) -> None:
    with acting_as(database, {"room_staff"}), database.read() as session, \
            pytest.raises(PermissionDenied) as refused:
        require_room(session, "organisations.read")
    assert str(refused.value) == "当前账号无权查看社会组织工作室的记录（仅限社会组织工作室）"


def test_the_room_s_staff_and_an_administrator_of_no_room_may(database: Database) -> None:
    for roles, room in (({"room_staff"}, "社会组织工作室"), ({"admin"}, None)):
        with acting_as(database, roles, room), database.read() as session:
            actor = require_room(session, "organisations.edit")
            assert actor.roles == frozenset(roles)
            assert may_read(session)
        with acting_as(database, roles, room):
            assert may_use(database)


def test_the_page_is_greyed_out_for_everyone_else(database: Database) -> None:
    for roles, room in (({"room_staff"}, "心理咨询室"), ({"receptionist"}, None),
                        ({"leader"}, None)):
        with acting_as(database, roles, room):
            assert not may_use(database)
            with database.read() as session:
                assert not may_read(session)


def test_a_refused_account_learns_nothing_of_its_form_s_problems(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    before = snapshot(database, *ORGANISATION_TABLES)
    with acting_as(database, {"room_staff"}, "关爱工作室"):
        with pytest.raises(PermissionDenied):
            directory.save_organisation(database, None, organisation(name=""))
        with pytest.raises(PermissionDenied):
            referrals.record_referral(database, referral_input(None))
        with pytest.raises(PermissionDenied):
            referrals.update_referral(database, 1, referral_input(None), version=1)
        with pytest.raises(PermissionDenied):
            activities.add_activity(database, activity_input(None))
        with pytest.raises(PermissionDenied):
            activities.add_activity(database, activity_input(org))
        with database.read() as session:
            for read in (directory.organisation_list, activities.activity_list,
                         referrals.referral_list, referrals.referral_counts,
                         referrals.routed_visits):
                with pytest.raises(PermissionDenied):
                    read(session)
            with pytest.raises(PermissionDenied):
                referrals.draft_from_visit(session, 1)
    assert snapshot(database, *ORGANISATION_TABLES) == before


# -- organisations --------------------------------------------------------------------------


def test_an_empty_organisation_is_refused_field_by_field() -> None:
    empty = directory.OrganisationInput(name="", kind="", services="", contact_person="",
                                        phone="")
    assert directory.validate(empty) == {
        "name": "请填写名称", "kind": "请选择类型（社会组织或志愿服务队）",
        "services": "请填写提供的服务", "contact_person": "请填写联系人",
        "phone": "请填写联系电话"}


def test_both_kinds_are_accepted_and_no_other() -> None:
    assert directory.validate(organisation(kind="社会组织")) == {}
    assert directory.validate(organisation(kind="志愿服务队")) == {}
    assert directory.validate(organisation(kind="协会")) == {
        "kind": "请选择类型（社会组织或志愿服务队）"}


@pytest.mark.parametrize(("capacity", "ok"), [
    (None, True), (1, True), (100_000, True), (0, False), (-1, False), (100_001, False),
    (True, False),
])
def test_a_capacity_is_1_to_100000_or_none(capacity: int | None, ok: bool) -> None:
    errors = directory.validate(organisation(capacity=capacity))
    assert errors == ({} if ok else {"capacity": "服务容量应为1至100000之间的整数"})


@pytest.mark.parametrize(("text", "value"), [("", None), ("  ", None), (" 30 ", 30),
                                             ("100000", 100_000)])
def test_a_typed_capacity_is_read_as_a_number(text: str, value: int | None) -> None:
    assert directory.parse_capacity(text) == value


@pytest.mark.parametrize("text", ["三十", "3.5", "-1", "30人"])
def test_a_capacity_that_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        directory.parse_capacity(text)
    assert refused.value.errors == {"capacity": "服务容量应为整数"}


def test_an_organisation_is_stored_as_typed_with_the_phone_normalised(
        database: Database) -> None:
    org = directory.save_organisation(database, None, organisation(
        kind="社会组织", phone="(010)6234 5678", capacity=None, active=False))
    row = _stored(database, SocialOrganisation, org)
    assert isinstance(row, SocialOrganisation)
    assert (row.name, row.kind, row.services, row.contact_person, row.phone, row.capacity,
            row.active) == ("东林社区志愿服务队", "社会组织", "助老陪伴、代购代办", "周丽",
                            "01062345678", None, False)
    directory.save_organisation(database, org, organisation(
        name="东林助老服务社", services="助餐", contact_person="李强", phone="13900002222",
        capacity=50, active=True), version=row.version)
    row = _stored(database, SocialOrganisation, org)
    assert isinstance(row, SocialOrganisation)
    assert (row.name, row.kind, row.services, row.contact_person, row.phone, row.capacity,
            row.active) == ("东林助老服务社", "志愿服务队", "助餐", "李强", "13900002222", 50,
                            True)


def test_a_name_is_taken_by_another_organisation_but_not_by_itself(database: Database) -> None:
    first = directory.save_organisation(database, None, organisation("1号志愿服务队"))
    second = directory.save_organisation(database, None, organisation("2号志愿服务队"))
    with pytest.raises(ValidationError) as refused:
        directory.save_organisation(database, second, organisation("1号志愿服务队"), version=1)
    assert refused.value.errors == {"name": "已有同名的社会组织或志愿服务队"}
    with pytest.raises(ValidationError) as refused:
        directory.save_organisation(database, None, organisation("2号志愿服务队"))
    assert refused.value.errors == {"name": "已有同名的社会组织或志愿服务队"}
    assert directory.save_organisation(database, first, organisation(
        "1号志愿服务队", capacity=40), version=1) == first
    assert _stored(database, SocialOrganisation, first).capacity == 40  # type: ignore[attr-defined]


@pytest.mark.parametrize("organisation_id", [999_999, 0, -1])
def test_an_unknown_organisation_is_not_found(database: Database, organisation_id: int) -> None:
    with pytest.raises(NotFoundError) as missing:
        directory.save_organisation(database, organisation_id, organisation(), version=1)
    assert str(missing.value) == "没有找到该社会组织"


def test_a_stale_save_is_refused_naming_what_changed(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    directory.save_organisation(database, org, organisation(capacity=30), version=1)
    with pytest.raises(StaleEditError) as stale:
        directory.save_organisation(database, org, organisation(capacity=40), version=1)
    assert stale.value.record == "社会组织"
    assert [(c.field, c.label, c.yours, c.current) for c in stale.value.changes] == [
        ("capacity", "服务容量", "40", "30")]
    assert _stored(database, SocialOrganisation, org).capacity == 30  # type: ignore[attr-defined]
    # The same values over a newer version overwrite nothing: saved.
    assert directory.save_organisation(database, org, organisation(capacity=30),
                                       version=1) == org


def test_organisations_list_those_in_use_first_then_by_name(database: Database) -> None:
    names = ["3号志愿服务队", "2号志愿服务队", "1号志愿服务队"]  # saved out of name order
    ids = {name: directory.save_organisation(database, None, organisation(name))
           for name in names}
    directory.save_organisation(database, ids["1号志愿服务队"], organisation(
        "1号志愿服务队", active=False), version=1)
    with database.read() as session:
        everyone = directory.organisation_list(session)
        in_use = directory.organisation_list(session, active_only=True)
    assert [r.data.name for r in everyone] == ["2号志愿服务队", "3号志愿服务队", "1号志愿服务队"]
    assert [r.organisation_id for r in in_use] == [ids["2号志愿服务队"], ids["3号志愿服务队"]]
    row = everyone[2]
    assert (row.version, row.data) == (2, organisation("1号志愿服务队", active=False))


def test_the_list_counts_referrals_not_yet_served_and_activities(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation("1号志愿服务队"))
    other = directory.save_organisation(database, None, organisation("2号志愿服务队"))
    referrals.record_referral(database, referral_input(org))
    referrals.record_referral(database, referral_input(org, due_on=date(2026, 11, 11)))
    referrals.record_referral(database, referral_input(org, delivered_on=date(2026, 11, 20),
                                                  delivered="上门陪伴"))
    referrals.record_referral(database, referral_input(other))
    directory.save_organisation(database, None, organisation("3号志愿服务队"))
    for _ in range(3):
        activities.add_activity(database, activity_input(org))
    with database.read() as session:
        rows = directory.organisation_list(session)
    assert [(r.pending, r.activities) for r in rows] == [(2, 3), (1, 0), (0, 0)]


# -- activities -----------------------------------------------------------------------------


def test_an_empty_activity_is_refused_field_by_field() -> None:
    empty = activities.ActivityInput(organisation_id=None, held_on=None, title="",
                                     participants=None)
    assert activities.validate(empty, today=TODAY) == {
        "organisation": "请选择社会组织", "held_on": "请填写活动日期", "title": "请填写活动名称",
        "participants": "参加人数应为0至100000之间的整数"}


@pytest.mark.parametrize(("held_on", "message"), [
    (TODAY, None), (date(1900, 1, 1), None),
    (date(2026, 12, 3), "活动日期不能晚于今天"),
    (date(1899, 12, 31), "活动日期应在1900年至2100年之间"),
])
def test_an_activity_is_held_by_today(held_on: date, message: str | None) -> None:
    errors = activities.validate(activity_input(1, held_on=held_on), today=TODAY)
    assert errors == ({"held_on": message} if message else {})


def test_without_today_the_clock_is_read() -> None:
    assert activities.validate(activity_input(1, held_on=TODAY)) == {}
    assert activities.validate(activity_input(1, held_on=date(2026, 12, 3))) == {
        "held_on": "活动日期不能晚于今天"}


@pytest.mark.parametrize(("participants", "ok"), [
    (0, True), (1, True), (100_000, True), (-1, False), (100_001, False), (True, False),
    (None, False),
])
def test_participants_are_0_to_100000(participants: int | None, ok: bool) -> None:
    errors = activities.validate(activity_input(1, participants=participants), today=TODAY)
    assert errors == ({} if ok else {"participants": "参加人数应为0至100000之间的整数"})


@pytest.mark.parametrize(("text", "value"), [("", None), (" ", None), (" 12 ", 12), ("0", 0)])
def test_typed_participants_are_read_as_a_number(text: str, value: int | None) -> None:
    assert activities.parse_participants(text) == value


@pytest.mark.parametrize("text", ["十二", "-3", "1.5"])
def test_participants_that_are_not_a_number_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        activities.parse_participants(text)
    assert refused.value.errors == {"participants": "参加人数应为整数"}


def test_an_activity_is_stored_as_typed(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    activity = activities.add_activity(database, activity_input(org, held_on=TODAY, participants=0))
    row = _stored(database, OrganisationActivity, activity)
    assert isinstance(row, OrganisationActivity)
    assert (row.organisation_id, row.held_on, row.title, row.participants, row.notes) == (
        org, TODAY, "重阳节敬老活动", 0, "为老人理发")


@pytest.mark.parametrize("organisation_id", [999_999, 0])
def test_an_activity_of_an_unknown_organisation_is_refused(database: Database,
                                                            organisation_id: int) -> None:
    with pytest.raises(ValidationError) as refused:
        activities.add_activity(database, activity_input(organisation_id))
    assert refused.value.errors == {"organisation": "所选社会组织不存在"}
    assert snapshot(database, OrganisationActivity)["OrganisationActivity"] == 0


def test_activities_list_newest_first_of_one_organisation_or_all(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation("1号志愿服务队"))
    other = directory.save_organisation(database, None, organisation("2号志愿服务队"))
    old = activities.add_activity(database, activity_input(org, held_on=date(2026, 10, 1)))
    late = activities.add_activity(database, activity_input(org, held_on=date(2026, 11, 20)))
    same_day = activities.add_activity(database, activity_input(org, held_on=date(2026, 11, 20),
                                                           title="义诊", participants=12,
                                                           notes=""))
    theirs = activities.add_activity(database, activity_input(other, held_on=date(2026, 11, 1)))
    with database.read() as session:
        mine = activities.activity_list(session, organisation_id=org)
        everyone = activities.activity_list(session)
        two = activities.activity_list(session, limit=2)
    assert [a.activity_id for a in mine] == [same_day, late, old]
    assert [a.activity_id for a in everyone] == [same_day, late, theirs, old]
    assert [a.activity_id for a in two] == [same_day, late]
    assert mine[0] == activities.ActivityRow(same_day, "1号志愿服务队", date(2026, 11, 20),
                                             "义诊", 12, "")
    assert everyone[2].organisation == "2号志愿服务队"


# -- referrals: what is refused -------------------------------------------------------------


def test_an_empty_referral_is_refused_field_by_field() -> None:
    empty = referrals.ReferralInput(organisation_id=None, person_name="", referred_on=None,
                                    service_asked="")
    assert referrals.validate(empty, today=TODAY) == {
        "organisation": "请选择社会组织", "person_name": "请填写被转介人姓名",
        "service_asked": "请填写服务需求", "referred_on": "请填写转介日期"}


@pytest.mark.parametrize("organisation_id", [0, -1, True, 2**31])
def test_an_organisation_that_cannot_be_is_refused(organisation_id: int) -> None:
    assert _referral_errors(organisation_id=organisation_id) == {
        "organisation": "所选社会组织不存在"}


def test_the_phone_is_optional_but_checked() -> None:
    assert _referral_errors(person_phone="") == {}
    assert _referral_errors(person_phone="010-62345678") == {}
    assert _referral_errors(person_phone="1390000111") == {"person_phone": "手机号码应为11位"}


def test_a_referral_is_made_by_today() -> None:
    assert _referral_errors(referred_on=TODAY) == {}
    assert _referral_errors(referred_on=date(2026, 12, 3)) == {
        "referred_on": "转介日期不能晚于今天"}
    assert referrals.validate(referral_input(1, referred_on=TODAY)) == {}
    assert referrals.validate(referral_input(1, referred_on=date(2026, 12, 3))) == {
        "referred_on": "转介日期不能晚于今天"}


def test_the_due_day_and_the_service_follow_the_referral() -> None:
    day_before = date(2026, 11, 9)
    assert _referral_errors(due_on=REFERRED_ON) == {}
    assert _referral_errors(due_on=day_before) == {"due_on": "办理期限不能早于转介日期"}
    assert _referral_errors(delivered_on=REFERRED_ON, delivered="上门陪伴") == {}
    assert _referral_errors(delivered_on=TODAY, delivered="上门陪伴") == {}
    assert _referral_errors(delivered_on=day_before, delivered="上门陪伴") == {
        "delivered_on": "服务日期不能早于转介日期"}
    assert _referral_errors(delivered_on=date(2026, 12, 3), delivered="上门陪伴") == {
        "delivered_on": "服务日期不能晚于今天"}


def test_a_year_out_of_range_is_said_alone() -> None:
    assert _referral_errors(referred_on=date(1899, 12, 31), due_on=date(1899, 1, 1)) == {
        "referred_on": "转介日期应在1900年至2100年之间",
        "due_on": "办理期限应在1900年至2100年之间"}
    # A referral in 2101 is out of range, not "after today".
    assert _referral_errors(referred_on=date(2101, 1, 1)) == {
        "referred_on": "转介日期应在1900年至2100年之间"}
    assert _referral_errors(due_on=date(2101, 1, 1)) == {
        "due_on": "办理期限应在1900年至2100年之间"}
    assert _referral_errors(delivered_on=date(1899, 1, 1), delivered="上门陪伴") == {
        "delivered_on": "服务日期应在1900年至2100年之间"}
    # A future referral is said; the service before it is then not compared.
    assert _referral_errors(referred_on=date(2026, 12, 5), due_on=date(2026, 12, 1),
                            delivered_on=date(2026, 12, 1), delivered="上门陪伴") == {
        "referred_on": "转介日期不能晚于今天", "due_on": "办理期限不能早于转介日期",
        "delivered_on": "服务日期不能早于转介日期"}


def test_a_service_has_a_day_and_a_content_and_feedback_follows_it() -> None:
    assert _referral_errors(delivered_on=TODAY) == {"delivered": "请填写提供的服务内容"}
    assert _referral_errors(delivered="上门陪伴") == {"delivered_on": "请填写服务日期"}
    assert _referral_errors(feedback="满意") == {"feedback": "服务完成后才能填写反馈"}
    assert _referral_errors(delivered_on=TODAY, delivered="上门陪伴", feedback="满意") == {}
    assert _referral_errors(delivered_on=date(2026, 12, 3), feedback="满意") == {
        "delivered_on": "服务日期不能晚于今天", "delivered": "请填写提供的服务内容"}
    assert _referral_errors(referred_on=None, delivered="上门陪伴") == {
        "referred_on": "请填写转介日期", "delivered_on": "请填写服务日期"}


@pytest.mark.parametrize("key", ["visit_id", "referral_id"])
@pytest.mark.parametrize("value", [0, -1, True])
def test_a_visit_that_cannot_be_is_refused(key: str, value: int) -> None:
    assert _referral_errors(**{key: value}) == {"visit": "所选来访登记不存在"}
    assert _referral_errors(**{key: 1}) == {}


def test_a_refused_referral_writes_nothing(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    before = snapshot(database, *ORGANISATION_TABLES)
    for data in (referral_input(org, person_name=""), referral_input(org, visit_id=999_999),
                 referral_input(org, referral_id=999_999), referral_input(999_999)):
        with pytest.raises(ValidationError):
            referrals.record_referral(database, data)
    assert snapshot(database, *ORGANISATION_TABLES) == before


def test_an_unknown_visit_or_ticket_is_refused(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    for key in ("visit_id", "referral_id"):
        with pytest.raises(ValidationError) as refused:
            referrals.record_referral(database, referral_input(org, **{key: 999_999}))
        assert refused.value.errors == {"visit": "所选来访登记不存在"}


def test_an_organisation_out_of_use_or_unknown_is_refused(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation(active=False))
    with pytest.raises(ValidationError) as refused:
        referrals.record_referral(database, referral_input(org))
    assert refused.value.errors == {"organisation": "该社会组织已停用，请选择其他组织"}
    with pytest.raises(ValidationError) as missing:
        referrals.record_referral(database, referral_input(999_999))
    assert missing.value.errors == {"organisation": "所选社会组织不存在"}


# -- referrals: what is stored --------------------------------------------------------------


def test_a_referral_is_stored_as_typed_and_due_in_fifteen_days(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    visit = social_visit(database)
    referral_id = referrals.record_referral(database, referral_input(
        org, person_phone="139 0000 3333", visit_id=visit.visit_id,
        referral_id=visit.referral_id))
    row = _stored(database, OrganisationReferral, referral_id)
    assert isinstance(row, OrganisationReferral)
    assert (row.organisation_id, row.person_name, row.person_phone, row.referred_on,
            row.service_asked, row.due_on, row.delivered_on, row.delivered, row.feedback,
            row.visit_id, row.referral_id) == (
        org, "测试4号", "13900003333", REFERRED_ON, "每周上门陪伴一次", date(2026, 11, 25),
        None, None, None, visit.visit_id, visit.referral_id)
    assert row.recorded_by_id is not None
    assert row.recorded_by_id == database.actor.staff_id  # type: ignore[union-attr]


def test_a_referral_with_its_own_due_day_and_service_keeps_them(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    referral_id = referrals.record_referral(database, referral_input(
        org, due_on=REFERRED_ON, delivered_on=TODAY, delivered="上门陪伴", feedback="满意"))
    row = _stored(database, OrganisationReferral, referral_id)
    assert isinstance(row, OrganisationReferral)
    assert (row.person_phone, row.due_on, row.delivered_on, row.delivered, row.feedback,
            row.visit_id, row.referral_id) == (None, REFERRED_ON, TODAY, "上门陪伴", "满意",
                                               None, None)


def test_a_referral_recorded_by_no_member_of_staff_names_nobody(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    with acting_as(database, {"room_staff"}, "社会组织工作室"):
        referral_id = referrals.record_referral(database, referral_input(org))
    assert _stored(database, OrganisationReferral,  # type: ignore[attr-defined]
                   referral_id).recorded_by_id is None


def test_a_service_is_recorded_on_the_referral(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation("1号志愿服务队"))
    other = directory.save_organisation(database, None, organisation("2号志愿服务队"))
    referral_id = referrals.record_referral(
        database, referral_input(org, person_phone="13900003333"))
    referrals.update_referral(database, referral_id, referral_input(
        other, person_name="测试5号", service_asked="代购生活用品", due_on=TODAY,
        delivered_on=TODAY, delivered="代购两次", feedback="很及时"), version=1)
    row = _stored(database, OrganisationReferral, referral_id)
    assert isinstance(row, OrganisationReferral)
    assert (row.organisation_id, row.person_name, row.person_phone, row.service_asked,
            row.due_on, row.delivered_on, row.delivered, row.feedback, row.version) == (
        other, "测试5号", None, "代购生活用品", TODAY, TODAY, "代购两次", "很及时", 2)


def test_a_saved_referral_whose_due_day_is_cleared_is_due_in_fifteen_days_again(
        database: Database) -> None:
    """A cleared 办理期限 goes back to 15 days after the referral, as in a new one: a referral
    without a due day could never be overdue."""
    org = directory.save_organisation(database, None, organisation())
    referral_id = referrals.record_referral(database, referral_input(org, due_on=TODAY))
    referrals.update_referral(database, referral_id, referral_input(org, due_on=None), version=1)
    row = _stored(database, OrganisationReferral, referral_id)
    assert row.due_on == REFERRED_ON + timedelta(days=15)  # type: ignore[attr-defined]
    with database.read() as session:
        assert referrals.referral_counts(session, today=TODAY)["overdue"] == 1


@pytest.mark.parametrize("referral_id", [999_999, 0])
def test_an_unknown_referral_is_not_found(database: Database, referral_id: int) -> None:
    org = directory.save_organisation(database, None, organisation())
    with pytest.raises(NotFoundError) as missing:
        referrals.update_referral(database, referral_id, referral_input(org), version=1)
    assert str(missing.value) == "没有找到该转介记录"


def test_an_update_to_an_unknown_organisation_is_refused(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    referral_id = referrals.record_referral(database, referral_input(org))
    with pytest.raises(ValidationError) as refused:
        referrals.update_referral(database, referral_id, referral_input(999_999), version=1)
    assert refused.value.errors == {"organisation": "所选社会组织不存在"}
    with pytest.raises(ValidationError) as refused:
        referrals.update_referral(database, referral_id, referral_input(org, feedback="满意"),
                                  version=1)
    assert refused.value.errors == {"feedback": "服务完成后才能填写反馈"}
    assert _stored(database, OrganisationReferral, referral_id).version == 1  # type: ignore[attr-defined]


def test_a_stale_update_is_refused_naming_what_changed(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    referral_id = referrals.record_referral(database, referral_input(org))
    referrals.update_referral(database, referral_id, referral_input(
        org, delivered_on=TODAY, delivered="上门陪伴"), version=1)
    with pytest.raises(StaleEditError) as stale:
        referrals.update_referral(database, referral_id, referral_input(org, person_name="测试6号"),
                                  version=1)
    assert stale.value.record == "转介记录"
    assert [c.label for c in stale.value.changes] == ["姓名", "服务日期", "服务内容"]
    row = _stored(database, OrganisationReferral, referral_id)
    assert isinstance(row, OrganisationReferral)
    assert (row.person_name, row.delivered) == ("测试4号", "上门陪伴")


def _counselling_then_social(database: Database) -> int:
    """A visit first heard in the 心理咨询室, then routed to the 社会组织工作室."""
    from desktop.services.reception import queue

    visit = register(database, 7, room="心理咨询室", category="心理疏导",
                     summary="独居后情绪低落", request="希望有人常来看看")
    queue.route_again(database, visit.visit_id, room_ids(database)["社会组织工作室"],
                      "需要志愿者上门陪伴")
    return visit.visit_id


def test_a_form_showing_the_confidential_mark_keeps_what_was_asked(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    visit_id = _counselling_then_social(database)
    with acting_as(database, {"room_staff"}, "社会组织工作室"):
        with database.read() as session:
            draft = referrals.draft_from_visit(session, visit_id)
        assert draft.service_asked == ""  # what was said in counselling is not shown
        draft.organisation_id, draft.service_asked = org, "上门陪伴"
        referral_id = referrals.record_referral(database, draft)
        with database.read() as session:
            (row,) = referrals.referral_list(session)
        assert row.data.service_asked == privacy.CONFIDENTIAL_TEXT
        row.data.delivered_on, row.data.delivered = TODAY, "上门陪伴两小时"
        referrals.update_referral(database, referral_id, row.data, version=row.version)
    stored = _stored(database, OrganisationReferral, referral_id)
    assert isinstance(stored, OrganisationReferral)
    assert (stored.service_asked, stored.delivered) == ("上门陪伴", "上门陪伴两小时")
    with database.read() as session:  # the test administrator is also a counsellor
        assert referrals.referral_list(session, status="all")[0].data.service_asked == "上门陪伴"
        assert referrals.draft_from_visit(session, visit_id).service_asked == "希望有人常来看看"


def test_a_draft_from_a_visit_tells_what_the_visit_told(database: Database) -> None:
    visit = social_visit(database)
    plain = register(database, 5, room="社会组织工作室", category="社会组织服务",
                     summary="独居老人希望有志愿者定期上门")
    with database.read() as session:
        draft = referrals.draft_from_visit(session, visit.visit_id)
        no_request = referrals.draft_from_visit(session, plain.visit_id, today=REFERRED_ON)
    assert draft == referrals.ReferralInput(
        organisation_id=None, person_name="测试4号", referred_on=TODAY,
        service_asked="每周上门陪伴一次", person_phone="13900000004",
        due_on=date(2026, 12, 17), visit_id=visit.visit_id, referral_id=visit.referral_id)
    assert (no_request.service_asked, no_request.referred_on, no_request.due_on) == (
        "独居老人希望有志愿者定期上门", REFERRED_ON, date(2026, 11, 25))


def test_a_draft_for_a_resident_without_a_phone_leaves_the_phone_empty(
        database: Database) -> None:
    visit = social_visit(database)
    with database.write() as session:  # a resident registered without a phone
        session.execute(update(Person).where(Person.id == select(Visit.person_id).where(
            Visit.id == visit.visit_id).scalar_subquery()).values(phone=None))
    with database.read() as session:
        assert referrals.draft_from_visit(session, visit.visit_id).person_phone == ""


def test_a_draft_of_an_unknown_visit_is_not_found(database: Database) -> None:
    with database.read() as session, pytest.raises(NotFoundError) as missing:
        referrals.draft_from_visit(session, 999_999)
    assert str(missing.value) == "没有找到该来访登记"


def test_a_draft_of_a_visit_with_no_ticket_to_the_room_names_none(database: Database) -> None:
    visit = register(database, 8)
    with database.read() as session:
        draft = referrals.draft_from_visit(session, visit.visit_id)
    assert (draft.visit_id, draft.referral_id) == (visit.visit_id, None)
