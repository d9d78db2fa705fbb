"""Personal data kept to those who need it (``privacy``): the reason the audit log keeps,
revealing one resident's numbers (who, which, a removed or unknown resident), and what
the counselling room heard shown only to its counsellors."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, Person, Visit
from desktop.services import privacy
from desktop.services.admin import deletion
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from tests.factories import id_number
from tests.reception_helpers import register
from tests.rules_helpers import acting_as


def _person(database: Database, visit_id: int) -> int:
    with database.read() as session:
        return session.scalars(select(Visit.person_id).where(Visit.id == visit_id)).one()


def test_a_reason_is_on_one_line_not_empty_and_at_most_200_characters() -> None:
    assert privacy.checked_reason("  区政法委 \n 核查\t来访人 ") == "区政法委 核查 来访人"
    assert privacy.checked_reason("理" * 200) == "理" * 200
    for blank in ("", " \n ", None):
        with pytest.raises(ValidationError) as info:
            privacy.checked_reason(blank)
        assert info.value.errors == {"reason": "请填写理由"}
    with pytest.raises(ValidationError) as info:
        privacy.checked_reason("理" * 201)
    assert info.value.errors == {"reason": "理由不能超过 200 个字"}
    with pytest.raises(ValidationError) as info:
        privacy.checked_reason("", field="reveal_reason", missing="导出完整号码须填写理由")
    assert info.value.errors == {"reveal_reason": "导出完整号码须填写理由"}


def test_one_resident_s_numbers_are_revealed_with_the_reason_kept(database: Database) -> None:
    with_phone = register(database, 3, phone="13912345678")
    without = register(database, 4)
    with database.write() as session:
        session.get_one(Person, _person(database, without.visit_id)).phone = None
    person = _person(database, with_phone.visit_id)
    assert privacy.reveal_person(database, person, " 回访 联系本人 ") == privacy.RevealedNumbers(
        person, "测试3号", id_number(3), "13912345678")
    bare = privacy.reveal_person(database, _person(database, without.visit_id), "回访")
    assert (bare.name, bare.phone) == ("测试4号", "")
    with database.read() as session:
        entries = list_entries(session, AuditFilter(action="reveal"))
    assert sorted(e.raw_detail["理由"] for e in entries) == ["回访", "回访 联系本人"]
    with pytest.raises(ValidationError) as info:
        privacy.reveal_person(database, person, "理" * 201)
    assert info.value.errors == {"reason": "理由不能超过 200 个字"}


def test_a_removed_or_unknown_resident_has_no_numbers_to_reveal(database: Database) -> None:
    visit = register(database, 3)
    person = _person(database, visit.visit_id)
    with pytest.raises(NotFoundError, match=r"^该来访人不存在$"):
        privacy.reveal_person(database, person + 1000, "回访")
    deletion.delete_visit(database, visit.visit_id, "重复登记",
                          now=datetime(2026, 12, 2, 10, 0))
    with database.read() as session:
        version = session.get_one(Person, person).version
    deletion.delete_person(database, person, "本人申请", version=version,
                           now=datetime(2026, 12, 2, 10, 5))
    with pytest.raises(NotFoundError, match=r"^该来访人不存在$"):
        privacy.reveal_person(database, person, "回访")
    with acting_as(database, {"receptionist"}), pytest.raises(PermissionDenied):
        privacy.reveal_person(database, person, "回访")


def test_what_was_said_is_shown_to_whoever_may_read_it() -> None:
    assert privacy.shown("想不开", confidential=True, readable=False) == "（心理咨询，内容保密）"
    assert privacy.shown("想不开", confidential=True, readable=True) == "想不开"
    assert privacy.shown("邻居噪音", confidential=False, readable=False) == "邻居噪音"
    assert privacy.shown("", confidential=True, readable=False) == ""
    assert privacy.shown(None, confidential=True, readable=False) == ""


def test_which_visits_went_to_counselling(database: Database) -> None:
    heard = register(database, 1, room="心理咨询室", category="心理疏导")
    other = register(database, 2)
    with database.read() as session:
        assert privacy.counselling_visit_ids(session, []) == set()
        assert privacy.counselling_visit_ids(
            session, [heard.visit_id, other.visit_id, heard.visit_id]) == {heard.visit_id}


def test_a_reveal_without_a_reason_says_what_it_needs_and_logs_whose_numbers(
        database: Database) -> None:
    visit = register(database, 3)
    person = _person(database, visit.visit_id)
    with pytest.raises(ValidationError) as info:
        privacy.reveal_person(database, person, " ")
    assert info.value.errors == {"reason": "查看完整号码须填写理由"}
    with database.write() as session:
        session.get_one(Person, person).id_number = None
    assert privacy.reveal_person(database, person, "回访").id_number == ""
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="reveal"))
        raw = session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal")).one()
    assert (raw.target_type, raw.target_id) == ("person", str(person))
    assert entry.raw_detail == {"理由": "回访"}
