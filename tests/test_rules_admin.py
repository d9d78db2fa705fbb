"""The refusals of settings, dictionaries, report periods and case documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.db import Database
from desktop.services import mediation
from desktop.services.admin import dictionaries
from desktop.services.admin.settings import load_settings, save_settings
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.mediation import documents as mediation_documents
from desktop.services.registers.rows import Period
from tests import mediation_helpers as h
from tests.conftest import TEST_CENTRE


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"centre_name": " "}, {"centre_name": "请填写中心名称"}),
        ({"receipt_paper": "a4"}, {"receipt_paper": "回执纸张只能是 A5 或 80 mm 卷纸"}),
        ({"committee_short_name": ""}, {"committee_short_name": "请填写调委会简称（用于案号）"}),
    ],
)
def test_settings_rules(database: Database, changes: dict[str, str],
                        errors: dict[str, str]) -> None:
    settings = replace(TEST_CENTRE, **changes)
    with pytest.raises(ValidationError) as caught, database.write() as session:
        save_settings(session, settings)
    assert caught.value.errors == errors
    with database.read() as session:
        assert load_settings(session) == TEST_CENTRE


def test_settings_are_saved_trimmed(database: Database) -> None:
    with database.write() as session:
        save_settings(session, replace(TEST_CENTRE, centre_name=" 东花市街道综治中心 ",
                                       receipt_paper="80mm"))
    with database.read() as session:
        saved = load_settings(session)
    assert (saved.centre_name, saved.receipt_paper) == ("东花市街道综治中心", "80mm")


def test_dictionary_names_and_unknown_entries(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东花市社区")
    for name, message in ((" ", "请填写名称"), ("名" * 65, "名称过长（不超过64字，当前65字）")):
        with pytest.raises(ValidationError) as caught, database.write() as session:
            dictionaries.save_community(session, None, name)
        assert caught.value.errors == {"name": message}
    with database.write() as session:
        assert dictionaries.save_community(session, None, "名" * 64) > community
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_community(session, None, "东花市社区")
    assert caught.value.errors == {"name": "已有名为“东花市社区”的社区"}
    with database.write() as session:
        grid = dictionaries.save_grid(session, None, community, "第一网格")
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_grid(session, None, community, "第一网格")
    assert caught.value.errors == {"name": "该社区已有名为“第一网格”的网格"}
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_grid(session, None, 999_999, "第二网格")
    assert caught.value.errors == {"community": "请先选择所属社区"}
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_category(session, None, "新类别", 999_999)
    assert caught.value.errors == {"suggested_room": "所选科室不存在"}
    for call in (lambda s: dictionaries.save_community(s, 999_999, "某社区"),
                 lambda s: dictionaries.save_grid(s, 999_999, community, "某网格"),
                 lambda s: dictionaries.save_category(s, 999_999, "某类别", None)):
        with pytest.raises(NotFoundError), database.write() as session:
            call(session)
    with database.write() as session:  # renaming an entry to its own name is no clash
        assert dictionaries.save_grid(session, grid, community, "第一网格") == grid


def test_a_period_ends_on_or_after_its_start() -> None:
    with pytest.raises(ValidationError) as caught:
        Period(date(2026, 11, 2), date(2026, 11, 1))
    assert caught.value.errors == {"period": "截止日期不能早于起始日期"}
    assert Period(date(2026, 11, 1), date(2026, 11, 1)).start == date(2026, 11, 1)
    assert Period.month(2026, 2) == Period(date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(ValidationError) as caught:
        Period.parse("2026-11-01", "2026/11/30")
    assert "YYYY-MM-DD" in caught.value.errors["period"]


def test_documents_a_case_cannot_have_yet_are_refused(database: Database) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    for document in ("agreement", "oral", "judicial"):
        with pytest.raises(ValidationError) as caught:
            mediation_documents.render_detail(detail, document)
        assert caught.value.errors == {"agreement": f"案件 {ref.case_no} 尚未填写协议内容"}
    with pytest.raises(ValidationError) as caught:
        mediation_documents.render_detail(detail, "sessions")
    assert caught.value.errors == {"sessions": f"案件 {ref.case_no} 尚无调解记录"}
    with pytest.raises(NotFoundError, match="没有名为 poem 的文书"):
        mediation_documents.render_detail(detail, "poem")
    with pytest.raises(NotFoundError):
        mediation_documents.render(database, "agreement", "（2026）东人调字第9999号")
