"""Finding one record by its number for the administrator (the service, without a window)."""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.services.admin import deletion, record_search
from desktop.services.admin.record_search import FoundRecord
from desktop.services.errors import ValidationError
from desktop.services.validation import mask_id_number, mask_phone
from tests.factories import id_number
from tests.mediation_helpers import make_case
from tests.reception_helpers import register


def _find(database: Database, kind: str, text: str) -> list[FoundRecord]:
    with database.read() as session:
        return record_search.find_records(session, kind, text)


def test_a_person_by_number_or_by_name(database: Database) -> None:
    first = register(database, 1)
    register(database, 1)  # a second visit of the same person
    other = register(database, 2)
    (by_number,) = _find(database, "person", f" {id_number(1).lower()} ")
    assert by_number.kind == "person" and by_number.label == "测试1号"
    assert by_number.person_id == by_number.record_id and by_number.version == 1
    assert by_number.details == "；".join((mask_id_number(id_number(1)),
                                          mask_phone("13900000001"), "来访 2 次"))
    (by_name,) = _find(database, "person", "测试2号")
    assert by_name.record_id == by_name.person_id != by_number.record_id
    assert by_name.details.endswith("来访 1 次")
    # A removed visit no longer counts; a removed person is not found at all.
    deletion.delete_visit(database, first.visit_id, "重复登记")
    assert _find(database, "person", id_number(1))[0].details.endswith("来访 1 次")
    deletion.delete_person(database, by_name.record_id, "本人申请", version=by_name.version)
    assert _find(database, "person", "测试2号") == []
    assert _find(database, "person", id_number(2)) == []
    assert other.visit_no  # its visit went with the person
    assert _find(database, "visit", other.visit_no) == []


def test_a_visit_by_its_number_whatever_the_case(database: Database) -> None:
    visit = register(database, 3)
    (found,) = _find(database, "visit", visit.visit_no.lower())
    assert (found.kind, found.label, found.version) == ("visit", visit.visit_no, None)
    assert found.record_id == visit.visit_id
    assert found.details.startswith(f"测试3号；{mask_id_number(id_number(3))}；")
    assert found.person_id is not None
    assert _find(database, "visit", visit.visit_no + "9") == []


def test_a_case_by_its_number_typed_with_ascii_brackets(database: Database) -> None:
    case = make_case(database)
    typed = case.case_no.replace("（", "(").replace("）", ")").replace("第", " 第")
    (found,) = _find(database, "mediation_case", typed)
    assert (found.kind, found.label, found.record_id) == (
        "mediation_case", case.case_no, case.case_id)
    assert found.version == 1 and found.person_id is None
    assert found.details == "受理于 2026-11-02；未结案"


def test_what_is_searched_for_is_checked(database: Database) -> None:
    with database.read() as session:
        for text, message in (("", "请输入要查找的号码或姓名"),
                              ("   ", "请输入要查找的号码或姓名"),
                              ("某" * 65, "查找内容不能超过 64 个字")):
            with pytest.raises(ValidationError) as refused:
                record_search.find_records(session, "person", text)
            assert refused.value.errors == {"query": message}
        assert record_search.find_records(session, "person", "某" * 64) == []
        with pytest.raises(ValidationError) as refused:
            record_search.find_records(session, "people", "测试1号")
        assert refused.value.errors == {"kind": "请选择要查找的记录类别"}


def test_only_the_case_with_that_number_and_not_a_removed_one(database: Database) -> None:
    from desktop.services import mediation

    first, second = make_case(database), make_case(database)
    mediation.close_case(database, second.case_id, mediation.OutcomeInput(
        "调解不成功", reason="双方分歧较大", guided_to="诉讼"))
    (found,) = _find(database, "mediation_case", second.case_no)
    assert found.record_id == second.case_id and found.details.endswith("调解不成功")
    deletion.delete_case(database, first.case_id, "误立案", version=1)
    assert _find(database, "mediation_case", first.case_no) == []
