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
from tests.pdf_checks import read
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


def _glyph_text(pdf: bytes) -> str:
    return "".join(g.text for page in read(pdf) for g in page.glyphs)


def test_the_oral_agreement_form_heads_with_its_number_and_registration_day(
        sqlite_database: Database) -> None:
    """口头调解协议登记表: 编号 and 登记日期 (the day the oral agreement was reached, at the
    left of its cell) open the form; its clauses are numbered in words."""
    ref = h.make_case(sqlite_database, accepted_on=date(2026, 1, 2))
    mediation.save_agreement(sqlite_database, ref.case_id, h.agreement(
        kind="oral", amount="", signed_on=date(2026, 1, 5)), version=None)
    with sqlite_database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    pdf = printed.render_oral_agreement(detail)
    text = _glyph_text(pdf)
    assert f"编号{detail.case_no}登记日期2026年1月5日" in text
    assert "一、被申请人于2026年12月10日前" in text and "二、被申请人今后不在" in text
    (first, *_rest) = read(pdf)
    label = min((g for g in first.glyphs if g.text == "期"), key=lambda g: g.top)  # 登记日期
    row = [g for g in first.glyphs if abs(g.top - label.top) < 2 and g.x0 > label.x1]
    day_label_end, date_start = label.x1, min(g.x0 for g in row)
    assert date_start - day_label_end < 20  # at the left of its cell, not at the right


def test_an_oral_agreement_form_without_an_agreement_is_left_blank(
        sqlite_database: Database) -> None:
    ref = h.make_case(sqlite_database)
    with sqlite_database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert detail.agreement is None
    text = _glyph_text(printed.render_oral_agreement(detail))
    assert f"编号{detail.case_no}登记日期年月日" in text
    assert "一、" not in text
