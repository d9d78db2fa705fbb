"""社会组织工作室 through the service: organisations, referrals (转介), activities, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from desktop.services.organisations import activities, directory, referrals
from tests.police_helpers import REFERRED_ON, organisation, social_visit
from tests.reception_helpers import room_ids


def _referral(organisation_id: int, **changes: object) -> referrals.ReferralInput:
    values: dict[str, object] = dict(organisation_id=organisation_id, person_name="测试4号",
                                     referred_on=REFERRED_ON, service_asked="每周上门陪伴一次")
    values.update(changes)
    return referrals.ReferralInput(**values)  # type: ignore[arg-type]


def test_organisation_referral_delivery_and_activity(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    visit = social_visit(database)
    with database.read() as session:
        assert [v.visit_id for v in referrals.routed_visits(session)] == [visit.visit_id]
        draft = referrals.draft_from_visit(session, visit.visit_id)
    assert draft.service_asked == "每周上门陪伴一次" and draft.person_name == "测试4号"
    draft.organisation_id = org
    first = referrals.record_referral(database, draft)
    late = referrals.record_referral(database, _referral(org, due_on=date(2026, 11, 20)))
    with database.read() as session:
        assert referrals.routed_visits(session) == []
        rows = {r.referral_id: r for r in referrals.referral_list(session, status="all")}
        assert referrals.referral_counts(session) == {"pending": 2, "overdue": 1, "delivered": 0}
    assert rows[late].overdue and not rows[first].overdue
    assert rows[first].data.due_on == date(2026, 12, 2) + timedelta(days=referrals.DUE_DAYS)
    data = rows[late].data
    data.delivered_on, data.delivered, data.feedback = (date(2026, 11, 28), "志愿者上门陪伴两小时",
                                                        "老人很满意")
    referrals.update_referral(database, late, data, version=rows[late].version)
    activities.add_activity(database, activities.ActivityInput(org, date(2026, 11, 15),
                                                              "重阳节敬老活动", 35, "为老人理发"))
    with database.read() as session:
        delivered = referrals.referral_list(session, status="delivered")
        listed = directory.organisation_list(session)
        log = activities.activity_list(session, organisation_id=org)
    assert [r.referral_id for r in delivered] == [late] and not delivered[0].overdue
    assert (listed[0].pending, listed[0].activities) == (1, 1)
    assert log[0].title == "重阳节敬老活动" and log[0].participants == 35


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "请填写名称"),
    ({"kind": "公司"}, "kind", "请选择类型"),
    ({"services": ""}, "services", "请填写提供的服务"),
    ({"contact_person": ""}, "contact_person", "请填写联系人"),
    ({"phone": "abc"}, "phone", "格式不正确"),
    ({"capacity": 0}, "capacity", "服务容量"),
])
def test_organisation_refusals(database: Database, changes: dict[str, object], field: str,
                               message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        directory.save_organisation(database, None, organisation(**changes))
    assert message in refused.value.errors[field]
    with database.read() as session:
        assert directory.organisation_list(session) == []


def test_duplicate_name_and_stale_form(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    with pytest.raises(ValidationError) as refused:
        directory.save_organisation(database, None, organisation())
    assert "同名" in refused.value.errors["name"]
    directory.save_organisation(database, org, organisation(capacity=30), version=1)
    with pytest.raises(StaleEditError):
        directory.save_organisation(database, org, organisation(capacity=40), version=1)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"organisation_id": None}, "organisation", "请选择社会组织"),
    ({"person_name": ""}, "person_name", "请填写被转介人姓名"),
    ({"service_asked": ""}, "service_asked", "请填写服务需求"),
    ({"referred_on": None}, "referred_on", "请填写转介日期"),
    ({"referred_on": date(2026, 12, 3)}, "referred_on", "不能晚于今天"),
    ({"due_on": date(2026, 11, 9)}, "due_on", "不能早于转介日期"),
    ({"delivered_on": date(2026, 11, 9), "delivered": "陪伴"}, "delivered_on",
     "不能早于转介日期"),
    ({"delivered_on": date(2026, 12, 3), "delivered": "陪伴"}, "delivered_on", "不能晚于今天"),
    ({"delivered_on": date(2026, 11, 12)}, "delivered", "请填写提供的服务内容"),
    ({"delivered": "陪伴"}, "delivered_on", "请填写服务日期"),
    ({"feedback": "满意"}, "feedback", "服务完成后"),
    ({"person_phone": "abc"}, "person_phone", "格式不正确"),
    ({"referred_on": date(1800, 1, 1)}, "referred_on", "1900"),
])
def test_referral_refusals(database: Database, changes: dict[str, object], field: str,
                           message: str) -> None:
    org = directory.save_organisation(database, None, organisation())
    values = {"organisation_id": org, **changes}
    with pytest.raises(ValidationError) as refused:
        referrals.record_referral(database, _referral(**values))  # type: ignore[arg-type]
    assert message in refused.value.errors[field]
    with database.read() as session:
        assert referrals.referral_list(session, status="all") == []


def test_inactive_or_missing_organisation_is_refused(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation(active=False))
    with pytest.raises(ValidationError) as refused:
        referrals.record_referral(database, _referral(org))
    assert "停用" in refused.value.errors["organisation"]
    with pytest.raises(ValidationError) as missing:
        referrals.record_referral(database, _referral(999_999))
    assert "不存在" in missing.value.errors["organisation"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"held_on": None}, "held_on", "请填写活动日期"),
    ({"held_on": date(2026, 12, 3)}, "held_on", "不能晚于今天"),
    ({"title": ""}, "title", "请填写活动名称"),
    ({"participants": -1}, "participants", "参加人数"),
    ({"participants": None}, "participants", "参加人数"),
    ({"organisation_id": None}, "organisation", "请选择社会组织"),
])
def test_activity_refusals(database: Database, changes: dict[str, object], field: str,
                           message: str) -> None:
    org = directory.save_organisation(database, None, organisation())
    values: dict[str, object] = {"organisation_id": org, "held_on": date(2026, 11, 15),
                                 "title": "义诊", "participants": 12, **changes}
    with pytest.raises(ValidationError) as refused:
        activities.add_activity(database, activities.ActivityInput(**values))  # type: ignore[arg-type]
    assert message in refused.value.errors[field]
    with database.read() as session:
        assert activities.activity_list(session) == []


@pytest.mark.parametrize(("roles", "room"), [
    ({"room_staff"}, "关爱工作室"),  # another room's staff
    ({"receptionist"}, None),
    ({"police"}, "警民联络室"),
    ({"mediator"}, "矛盾纠纷调解室"),
    ({"leader"}, None),
])
def test_only_the_rooms_staff_and_admin(database: Database, roles: set[str],
                                        room: str | None) -> None:
    admin = database.actor
    database.actor = auth.Actor(None, "测试", frozenset(roles),
                                room_id=room_ids(database)[room] if room else None)
    try:
        with pytest.raises(PermissionDenied):
            directory.save_organisation(database, None, organisation())
        with database.read() as session, pytest.raises(PermissionDenied):
            directory.organisation_list(session)
    finally:
        database.actor = admin


def test_the_rooms_staff_may(database: Database) -> None:
    admin = database.actor
    database.actor = auth.Actor(None, "社会组织室", frozenset({"room_staff"}),
                                room_id=room_ids(database)["社会组织工作室"])
    try:
        org = directory.save_organisation(database, None, organisation())
        referrals.record_referral(database, _referral(org))
        with database.read() as session:
            assert len(referrals.referral_list(session)) == 1
    finally:
        database.actor = admin
