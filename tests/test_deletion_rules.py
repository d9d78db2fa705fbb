"""Removing a person, a visit or a case: what is kept, what is refused, what the log says."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, MediationCase, Person, Visit
from desktop.services.admin import deletion
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.failures import user_message
from tests.mediation_helpers import make_case
from tests.reception_helpers import register

AT = datetime(2026, 12, 2, 10, 30)


def _last_delete(database: Database) -> tuple[str, str | None, dict[str, object]]:
    with database.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")
                                .order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        return entry.target_type, entry.target_id, json.loads(entry.detail)


def test_each_removal_keeps_who_when_why_and_is_logged(database: Database) -> None:
    admin = database.actor
    assert admin is not None
    visit = register(database, 1)
    deletion.delete_visit(database, visit.visit_id, "  重复  登记 ", now=AT)
    assert _last_delete(database) == ("visit", str(visit.visit_id),
                                      {"受理编号": visit.visit_no, "理由": "重复 登记"})
    other = register(database, 2)
    register(database, 2)
    with database.read() as session:
        person = session.get(Person, session.get(Visit, other.visit_id).person_id)
        assert person is not None
        person_id, version = person.id, person.version
    assert deletion.delete_person(database, person_id, "本人申请", version=version,
                                  now=AT) == 2
    assert _last_delete(database) == ("person", str(person_id),
                                      {"理由": "本人申请", "同时删除来访登记": 2})
    case = make_case(database)
    deletion.delete_case(database, case.case_id, "误立案", version=1, now=AT)
    assert _last_delete(database) == ("mediation_case", str(case.case_id),
                                      {"案号": case.case_no, "理由": "误立案"})
    with database.read() as session:
        for row in (session.get(Visit, visit.visit_id), session.get(Person, person_id),
                    session.get(MediationCase, case.case_id)):
            assert row is not None
            assert (row.deleted_at, row.deleted_by) == (AT, admin.name)
        records = deletion.deleted_records(session)
    assert {(r.kind, r.label, r.deleted_by, r.reason, r.deleted_at) for r in records} >= {
        ("visit", visit.visit_no, admin.name, "重复 登记", AT),
        ("person", "测试2号", admin.name, "本人申请", AT),
        ("mediation_case", case.case_no, admin.name, "误立案", AT)}
    assert [r.kind_label for r in records if r.kind == "person"] == ["来访人"]


def test_the_newest_removal_comes_first(database: Database) -> None:
    first, second = register(database, 1), register(database, 2)
    deletion.delete_visit(database, first.visit_id, "甲", now=datetime(2026, 12, 1, 9, 0))
    deletion.delete_visit(database, second.visit_id, "乙", now=datetime(2026, 12, 2, 9, 0))
    with database.read() as session:
        assert [r.reason for r in deletion.deleted_records(session)] == ["乙", "甲"]
        assert len(deletion.deleted_records(session, limit=1)) == 1


def test_what_is_refused(database: Database) -> None:
    visit = register(database, 1)
    case = make_case(database)
    for remove, message in (
        (lambda: deletion.delete_visit(database, 987654, "理由"), "该来访登记不存在"),
        (lambda: deletion.delete_person(database, 987654, "理由", version=1), "该来访人不存在"),
        (lambda: deletion.delete_case(database, 987654, "理由", version=1), "该调解案件不存在"),
        (lambda: deletion.delete_visit(database, visit.visit_id, " "), "请填写删除理由"),
    ):
        with pytest.raises((ValidationError, NotFoundError)) as refused:
            remove()
        assert user_message(refused.value) == message
    deletion.delete_visit(database, visit.visit_id, "重复登记")
    with pytest.raises(ValidationError) as refused:
        deletion.delete_visit(database, visit.visit_id, "再删一次")
    assert refused.value.errors == {"record": "该来访登记已删除"}
    with pytest.raises(StaleEditError) as stale:
        deletion.delete_case(database, case.case_id, "误立案", version=7)
    assert stale.value.record == "调解案件"
    deletion.delete_case(database, case.case_id, "误立案", version=1)
    with pytest.raises(ValidationError) as refused:
        deletion.delete_case(database, case.case_id, "误立案", version=1)
    assert refused.value.errors == {"record": "该调解案件已删除"}


def test_a_person_s_removal_takes_the_visits_left_and_gives_them_its_reason(
    database: Database,
) -> None:
    first = register(database, 1)
    second = register(database, 1)
    deletion.delete_visit(database, first.visit_id, "重复登记", now=AT)
    with database.read() as session:
        visit = session.get(Visit, second.visit_id)
        assert visit is not None
        person = session.get(Person, visit.person_id)
        assert person is not None
        person_id, version = person.id, person.version
    assert deletion.delete_person(database, person_id, "本人申请", version=version) == 1
    with database.read() as session:
        reasons = {v.id: v.deleted_reason for v in session.scalars(select(Visit))}
    assert reasons == {first.visit_id: "重复登记", second.visit_id: "本人申请"}
