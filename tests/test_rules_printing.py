"""The rules the printed documents follow, on the data they are built from (no PDF needed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from desktop.db import Database
from desktop.printing import agreement as printed
from desktop.printing import legal
from desktop.printing.legal import Signer, SignGroup
from desktop.services import mediation
from tests import mediation_helpers as h
from tests.rules_helpers import PUBLISHED_ID


def _detail(database: Database, parties: list[mediation.PartyInput] | None = None
            ) -> mediation.CaseDetail:
    ref = h.make_case(database, parties=parties)
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


@pytest.mark.parametrize(("typed", "printed_copies"), [(None, 4), (2, 2), (1, 1), (7, 7)])
def test_typed_copies_are_printed_as_typed(sqlite_database: Database, typed: int | None,
                                           printed_copies: int) -> None:
    """Three parties: one copy each and one for the committee, unless copies were typed."""
    detail = _detail(sqlite_database, [h.person(1), h.person(2, "被申请人"), h.organisation()])
    data = mediation.agreement_data_from_input(h.agreement(copies=typed))
    assert printed.copies_of(detail, data) == printed_copies


def test_a_person_s_particulars_in_order(sqlite_database: Database) -> None:
    detail = _detail(sqlite_database, [h.person(1, id_number=PUBLISHED_ID, ethnicity="回",
                                                birth_date=date(1949, 12, 31), agent_name="李律师",
                                                agent_relation="律师", agent_phone="13700001111",
                                                agent_id_number=PUBLISHED_ID)])
    (party,) = detail.parties
    assert printed.party_particulars(party) == (
        f"当事人1，男，回族，1949年12月31日出生，公民身份号码：{PUBLISHED_ID}，"
        "职业或工作单位：个体经营，住址：东城区建设路1号，联系电话：13800130001。")
    assert printed.agent_particulars(party) == (
        f"李律师，律师，公民身份号码：{PUBLISHED_ID}，联系电话：13700001111。")
    aged = replace(party, birth_date=None, age=40, ethnicity="汉族", gender=None,
                   id_number=None, occupation=None, address=None, phone=None, agent_name=None)
    assert printed.party_particulars(aged) == "当事人1，汉族，40岁。"
    assert printed.agent_particulars(aged) is None


def test_an_organisation_s_particulars_and_signatures(sqlite_database: Database) -> None:
    detail = _detail(sqlite_database, [h.person(1), h.organisation(legal_rep_title="负责人")])
    company = detail.parties[1]
    assert printed.party_particulars(company) == (
        f"某某物业服务有限公司，统一社会信用代码：{h.CREDIT_CODE}，住所：东城区人民路88号，"
        "负责人：周建国，联系电话：010-62345678。")
    assert printed.sign_groups(detail.parties) == [
        SignGroup(Signer("申请人：当事人1", "签名、盖章或按指印")),
        SignGroup(Signer("被申请人：某某物业服务有限公司", "盖章", seal=True),
                  (Signer("负责人：周建国", "签名"),)),
    ]
    assert printed.staff_signers(detail) == [
        Signer("人民调解员：王志刚", "签名"), Signer("人民调解员：陈秀兰", "签名"),
        Signer("记录人：李慧敏", "签名")]
    nobody = replace(detail, mediators=[], recorder=None)
    assert printed.staff_signers(nobody) == [Signer("人民调解员：", "签名"),
                                             Signer("记录人：", "签名")]


def test_the_legal_formats() -> None:
    assert [legal.chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一", "九", "十", "十一", "二十", "二十一", "九十九"]
    assert [legal.chinese_number(n) for n in (0, 100, -3)] == ["0", "100", "-3"]
    assert legal.esc("A&B <c>") == "A&amp;B &lt;c&gt;"
    assert legal.esc(None) == ""
    assert legal.cn_date(date(2026, 1, 5)) == "2026年1月5日"
    assert legal.cn_date(None) == "　　　　年　　月　　日"
    assert legal.cn_date(None, blank="") == ""
    assert legal.cn_datetime(datetime(2026, 11, 6, 9, 5)) == "2026年11月6日9时05分"
    assert legal.yuan(Decimal("12000.50")) == "12,000.50元"
    assert legal.yuan(Decimal("3000.00")) == "3,000元"
    assert legal.yuan(None) == ""
