"""The 人民调解协议书 and the 口头调解协议登记表 read back line by line: every party with its
agent, a clause of several lines, how, where and when it is performed, the sum in words,
the copies, and who signs where; and what each says when a part was left out."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from reportlab.lib.units import mm

from desktop.db import Database
from desktop.printing import case_documents
from desktop.printing.agreement import render_agreement, render_oral_agreement
from desktop.services import mediation
from desktop.services.mediation import CaseDetail
from tests import mediation_helpers as h
from tests.factories import make_id_number
from tests.test_mediation_documents import words_with_boxes
from tests.test_paper_letters_rules import lines_of, pdf_info

CLAUSES = ["被申请人赔偿申请人损失人民币3000元。\n分两期支付：12月10日前1500元，\n"
           "12月31日前1500元。", "双方今后互不追究。"]
PARTIES = [
    "当事人1，男，汉族，1971年3月14日出生，公民身份号码：",
    "11010519710314001X，职业或工作单位：个体经营，住址：东城区建",
    "设路1号，联系电话：13800130001。",
    "委托代理人：赵律师，联系电话：13900000001。",
    "当事人2，女，汉族，1972年3月14日出生，公民身份号码：",
    "110105197203140025，职业或工作单位：个体经营，住址：东城区建",
    "设路2号，联系电话：13800130002。",
]
SIGNING = [
    "当事人：",
    "申请人：当事人1 委托代理人：赵律师",
    "（签名、盖章或按指印）： （签名）：",
    "被申请人：当事人2",
    "（签名、盖章或按指印）：",
    "人民调解员：王志刚",
    "（签名）：",
    "人民调解员：陈秀兰",
    "（签名）：",
    "记录人：李慧敏 东林街道人民调解委员会",
    "（签名）：",
    "（人民调解委员会印）",
    "2026年11月20日",
]


def _case(database: Database, **agreement: object) -> CaseDetail:
    ref = h.make_case(database, parties=[
        h.person(1, agent_type="委托代理人", agent_name="赵律师", agent_phone="13900000001"),
        h.person(2, "被申请人")])
    mediation.save_agreement(database, ref.case_id, h.agreement(CLAUSES, **agreement),
                             version=None)
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


def test_the_written_agreement_reads_back_line_by_line(database: Database) -> None:
    detail = _case(database, kind="written")
    no = detail.case_no
    pdf = render_agreement(detail)
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == (f"人民调解协议书 {no}", "东林街道人民调解委员会")
    assert lines_of(pdf) == [
        "人民调解协议书",
        no,
        "申请人：当事人1，男，汉族，1971年3月14日出生，公民身份号码：",
        "11010519710314001X，职业或工作单位：个体经营，住址：东城区建设路1号，",
        "联系电话：13800130001。",
        "委托代理人：赵律师，联系电话：13900000001。",
        "被申请人：当事人2，女，汉族，1972年3月14日出生，公民身份号码：",
        "110105197203140025，职业或工作单位：个体经营，住址：东城区建设路2号，",
        "联系电话：13800130002。",
        "纠纷主要事实、争议事项：",
        "楼上装修噪音扰民，双方多次协商未果。",
        "争议事项：赔偿损失并停止夜间施工",
        "各方当事人的责任：",
        "经调解，自愿达成如下协议：",
        "一、被申请人赔偿申请人损失人民币3000元。",
        "分两期支付：12月10日前1500元，",
        "12月31日前1500元。",
        "二、双方今后互不追究。",
        "第 1 页 共 2 页",
        # The terms of performance go over with the signatures, never a page of names alone.
        f"人民调解协议书 {no}",
        "履行协议的方式、地点、期限：",
        "履行方式：银行转账",
        "履行地点：东城区综治中心",
        "履行期限：2026年12月10日前",
        "本协议涉及金额：3,000元（大写：人民币叁仟元整）。",
        "本协议一式 3 份，当事人、人民调解委员会各持一份。本协议自各方当事",
        "人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生",
        "效。",
        *SIGNING,
        "第 2 页 共 2 页",
    ]


def test_the_oral_agreement_form_reads_back_line_by_line(database: Database) -> None:
    detail = _case(database, kind="oral")
    no = detail.case_no
    pdf = render_oral_agreement(detail)
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == (f"口头调解协议登记表 {no}", "东林街道人民调解委员会")
    lines = lines_of(pdf)
    assert lines == [
        "口头调解协议登记表",
        no,
        f"编号 {no} 登记日期 2026年11月20日",
        f"申请人 {PARTIES[0]}", *PARTIES[1:4],
        f"被申请人 {PARTIES[4]}", *PARTIES[5:],
        "纠纷简要情况 楼上装修噪音扰民，双方多次协商未果。",
        "争议事项：赔偿损失并停止夜间施工",
        "口头协议内容 一、被申请人赔偿申请人损失人民币3000元。",
        "分两期支付：12月10日前1500元，",
        "12月31日前1500元。",
        "二、双方今后互不追究。",
        "履行方式 履行方式：银行转账",
        "地点、期限 履行地点：东城区综治中心",
        "履行期限：2026年12月10日前",
        "本协议涉及金额：3,000元（大写：人民币叁仟元整）。",
        "人民调解员 王志刚、陈秀兰 记录人 李慧敏",
        "第 1 页 共 2 页",
        f"口头调解协议登记表 {no}",
        "以上内容经当事人确认无误。",
        *SIGNING,
        "第 2 页 共 2 页",
    ]


def test_an_oral_agreement_with_only_a_sum_or_nothing_to_perform(database: Database) -> None:
    sum_only = _case(database, kind="oral", performance_method="", performance_place="",
                     performance_deadline="")
    lines = lines_of(render_oral_agreement(sum_only))
    start = lines.index("二、双方今后互不追究。") + 1
    assert lines[start:start + 2] == ["履行方式 本协议涉及金额：3,000元（大写：人民币叁仟元整）。",
                                      "地点、期限"]
    nothing = _case(database, kind="oral", performance_method="", performance_place="",
                    performance_deadline="", amount="")
    lines = lines_of(render_oral_agreement(nothing))
    start = lines.index("二、双方今后互不追究。") + 1
    assert lines[start:start + 3] == ["履行方式", "地点、期限",
                                      "人民调解员 王志刚、陈秀兰 记录人 李慧敏"]


def test_the_blank_oral_form_leaves_room_to_write_the_agreement_and_its_terms(
    database: Database
) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert detail.agreement is None
    tops = {word: y0 for page, _w, _h, _x0, y0, _x1, _y1, word
            in words_with_boxes(render_oral_agreement(detail)) if page == 1}
    padding = 4 + 5  # a cell's padding above and below its content
    assert tops["履行方式"] - tops["口头协议内容"] == pytest.approx(30 * mm + padding, abs=0.5)
    assert tops["人民调解员"] - tops["履行方式"] == pytest.approx(25 * mm + padding, abs=0.5)


def test_the_blank_written_agreement_leaves_its_terms_to_write_by_hand(
    database: Database
) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    lines = lines_of(render_agreement(detail))
    start = lines.index("经调解，自愿达成如下协议：")
    assert lines[start:start + 3] == ["经调解，自愿达成如下协议：", "一、", "第 1 页 共 2 页"]
    start = lines.index("履行协议的方式、地点、期限：")
    assert lines[start:start + 5] == [
        "履行协议的方式、地点、期限：", "履行方式：", "履行地点：", "履行期限：",
        "本协议一式 3 份，当事人、人民调解委员会各持一份。本协议自各方当事"]
    assert lines[-2:] == ["年 月 日", "第 2 页 共 2 页"]


def test_long_terms_of_performance_run_on_and_only_the_last_sentence_goes_with_the_names(
    database: Database
) -> None:
    terms = "被申请人通过银行转账分期支付，每期到账后申请人出具收条。" * 12
    detail = _case(database, kind="written", performance_method=terms)
    lines = lines_of(render_agreement(detail))
    assert lines[:2] == ["人民调解协议书", detail.case_no]
    order = ["经调解，自愿达成如下协议：", "二、双方今后互不追究。", "履行协议的方式、地点、期限：",
             "履行地点：东城区综治中心", "当事人："]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    # The terms take the pages they need; the last sentence goes over with the names.
    sentence = lines.index("本协议一式 3 份，当事人、人民调解委员会各持一份。本协议自各方当事")
    assert lines[sentence - 2:sentence] == ["第 2 页 共 3 页", f"人民调解协议书 {detail.case_no}"]
    assert lines[lines.index("当事人：") - 1] == "效。"


def test_an_agent_is_named_by_the_kind_of_agent_or_as_委托代理人(database: Database) -> None:
    detail = _case(database, kind="oral")
    first, second = detail.parties
    parties = [dataclasses.replace(first, agent_type=""),
               dataclasses.replace(second, agent_type="法定代理人", agent_name="当事人9",
                                   agent_relation="父子", agent_phone="")]
    lines = lines_of(render_oral_agreement(dataclasses.replace(detail, parties=parties)))
    assert "委托代理人：赵律师，联系电话：13900000001。" in lines
    assert "法定代理人：当事人9，父子。" in lines


def _minor_and_company(database: Database) -> CaseDetail:
    born = date(2014, 5, 6)
    minor = h.person(3, birth_date=born, id_number=make_id_number("110105", born, 3),
                     occupation="学生", agent_type="法定代理人", agent_name="当事人3之父",
                     agent_relation="父子", agent_phone="13900000003")
    ref = h.make_case(database, parties=[minor, h.organisation()])
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


MINOR = [
    "申请人：当事人3，男，汉族，2014年5月6日出生，公民身份号码：",
    "110105201405060030，职业或工作单位：学生，住址：东城区建设路3号，联系",
    "电话：13800130003。",
    "法定代理人：当事人3之父，父子，联系电话：13900000003。",
]
COMPANY = [
    f"被申请人：某某物业服务有限公司，统一社会信用代码：{h.CREDIT_CODE}，",
    "住所：东城区人民路88号，法定代表人：周建国，联系电话：010-62345678。",
]
MINOR_SIGNS = [
    "申请人：当事人3 法定代理人：当事人3之父",
    "（未成年人或无民事行为能力人，由法定代理 （签名、盖章或按指印）：",
    "人代为签名）",
]


def test_a_minor_signs_through_the_guardian_and_a_company_seals_beside_its_representative(
    database: Database
) -> None:
    lines = lines_of(render_agreement(_minor_and_company(database)))
    assert lines[2:8] == [*MINOR, *COMPANY]
    signing = lines.index("当事人：") + 1
    assert lines[signing:signing + 5] == [
        *MINOR_SIGNS, "被申请人：某某物业服务有限公司 法定代表人：周建国", "（盖章）： （签名）："]


def test_the_application_names_each_side_under_its_own_heading(database: Database) -> None:
    lines = lines_of(case_documents.render_application(_minor_and_company(database)))
    assert lines[:7] == ["人民调解申请书", *MINOR, *COMPANY]
    signing = lines.index("申请人：")
    assert lines[signing + 1:signing + 4] == MINOR_SIGNS


def test_a_representative_or_agent_of_no_stated_kind_is_named_by_the_usual_one(
    database: Database
) -> None:
    detail = _minor_and_company(database)
    minor, company = detail.parties
    parties = [dataclasses.replace(minor, agent_type="", agent_name="当事人4"),
               dataclasses.replace(company, legal_rep_title="")]
    lines = lines_of(render_agreement(dataclasses.replace(detail, parties=parties)))
    assert "委托代理人：当事人4，父子，联系电话：13900000003。" in lines
    assert COMPANY[1] in lines
    assert "被申请人：某某物业服务有限公司 法定代表人：周建国" in lines
    assert "申请人：当事人3 委托代理人：当事人4" in lines


def test_a_company_without_a_representative_or_a_case_without_a_recorder_leaves_blanks(
    database: Database
) -> None:
    detail = _minor_and_company(database)
    minor, company = detail.parties
    bare = dataclasses.replace(detail, recorder=None,
                               parties=[minor, dataclasses.replace(company, legal_rep="")])
    assert "被申请人：某某物业服务有限公司 法定代表人：" in lines_of(render_agreement(bare))
    oral = lines_of(render_oral_agreement(bare))
    assert "人民调解员 王志刚、陈秀兰 记录人" in oral
    assert "记录人： 东林街道人民调解委员会" in oral
