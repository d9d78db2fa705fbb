"""Each paper of a mediation case names itself: in the PDF's properties (what a file list,
a printer queue and an archive show) and, from the second page on, at the top of every
page, so a loose page is put back into the right case.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date

import pytest
from reportlab.lib.units import mm

from desktop.db import Database
from desktop.printing import case_documents
from desktop.services import mediation
from desktop.services.mediation import CaseDetail
from tests import mediation_helpers as h
from tests.pdf_checks import glyph_run, read
from tests.poppler import text_of
from tests.test_mediation_documents import words_with_boxes
from tests.test_paper_letters_rules import lines_of, pdf_info

LONG_FACTS = ("双方因楼上装修噪音、漏水及公共通道堆放建材问题多次发生争执，"
              "申请人称夜间施工影响老人休息，被申请人称工期紧张且已告知物业。") * 40


def _long_case(database: Database) -> CaseDetail:
    """A case whose every paper runs onto a second page."""
    parties = [h.person(n) for n in range(1, 7)] + [h.person(n, "被申请人") for n in range(7, 13)]
    ref = h.make_case(database, parties=parties, facts=LONG_FACTS)
    for n in (1, 2):
        data = h.session_input(n)
        mediation.add_session(database, ref.case_id, mediation.SessionInput(
            held_at=data.held_at, place=data.place, attendees=data.attendees,
            record=data.record + LONG_FACTS, next_steps=data.next_steps))
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page) for page in text_of(pdf, "-layout").split("\f")[:-1]]


def _papers(detail: CaseDetail) -> dict[str, tuple[Callable[[], bytes], str, str]]:
    """paper -> (render, title in the properties, header from page 2)."""
    no = detail.case_no
    first, second = detail.sessions[0].id, detail.sessions[1].id
    return {
        "申请书": (lambda: case_documents.render_application(detail),
                f"人民调解申请书 {no}", f"人民调解申请书 {no}"),
        "受理登记表": (lambda: case_documents.render_acceptance(detail),
                  f"人民调解受理登记表 {no}", f"人民调解受理登记表 {no}"),
        "告知书": (lambda: case_documents.render_rights_notice(detail),
                f"当事人权利义务告知书 {no}", f"当事人权利义务告知书 {no}"),
        "调解记录（第一次）": (lambda: case_documents.render_session_record(detail, first),
                       f"人民调解记录 {no} 第1次", f"{no} 调解记录"),
        "调解记录（第二次）": (lambda: case_documents.render_session_record(detail, second),
                       f"人民调解记录 {no} 第2次", f"{no} 调解记录"),
        "调解记录（全部）": (lambda: case_documents.render_all_session_records(detail),
                      f"人民调解记录 {no}", f"{no} 调解记录"),
    }


def test_each_case_paper_is_titled_and_authored_and_headed_from_page_two(
    database: Database
) -> None:
    detail = _long_case(database)
    assert detail.committee_name
    for paper, (render, title, header) in _papers(detail).items():
        pdf = render()
        info = pdf_info(pdf)
        assert (info["Title"], info["Author"]) == (title, detail.committee_name), paper
        pages = _pages(pdf)
        assert len(pages) >= 2, paper
        assert not pages[0].lstrip().startswith(header), paper
        assert all(page.lstrip().startswith(header) for page in pages[1:]), (paper, header)


def test_a_session_not_of_the_case_is_refused_by_its_id(database: Database) -> None:
    ref = h.make_case(database)
    mediation.add_session(database, ref.case_id, h.session_input(1))
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    missing = detail.sessions[0].id + 1000
    with pytest.raises(KeyError) as refused:
        case_documents.render_session_record(detail, missing)
    assert refused.value.args == (missing,)


def _starts(pages: list[str], header: str) -> list[str]:
    """Each page's first words after its running header."""
    return [page.strip().removeprefix(header).strip()[:12] for page in pages]


def test_all_session_records_print_each_session_on_its_own_pages_in_order(
    database: Database
) -> None:
    detail = _long_case(database)
    pages = _pages(case_documents.render_all_session_records(detail))
    header = f"{detail.case_no} 调解记录"
    titled = [n for n, start in enumerate(_starts(pages, header))
              if start.startswith("人民调解记录")]
    assert titled[0] == 0 and len(titled) == 2 and titled[1] >= 2
    first, second = " ".join(pages[:titled[1]]), " ".join(pages[titled[1]:])
    assert "第一次" in first and "第二次" not in first
    assert "第二次" in second and "第一次" not in second
    assert "第三次" not in first + second and "第零次" not in first + second


def _closed_with_follow_ups(database: Database) -> CaseDetail:
    """The long case agreed and closed: its planned follow-up, and one done with long notes."""
    detail = _long_case(database)
    mediation.save_agreement(database, detail.id, h.agreement(), version=None)
    mediation.close_case(database, detail.id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    mediation.add_follow_up(database, detail.id, mediation.FollowUpInput(
        planned_on=date(2026, 11, 22), done_on=date(2026, 11, 23), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意",
        notes="回访时双方均表示已按约履行。" + LONG_FACTS))
    with database.read() as session:
        return mediation.case_detail(session, detail.id)


def test_every_follow_up_prints_on_its_own_pages_planned_or_done(database: Database) -> None:
    detail = _closed_with_follow_ups(database)
    assert len(detail.follow_ups) == 2
    assert [f.done_on is None for f in detail.follow_ups].count(True) == 1
    pdf = case_documents.render_follow_ups(detail)
    info = pdf_info(pdf)
    no = detail.case_no
    assert (info["Title"], info["Author"]) == (f"人民调解回访记录 {no}", detail.committee_name)
    pages = _pages(pdf)
    header = f"{no} 回访记录"
    assert not pages[0].lstrip().startswith(header)
    assert all(page.lstrip().startswith(header) for page in pages[1:])
    titled = [n for n, start in enumerate(_starts(pages, header))
              if start.startswith("人民调解回访记录")]
    assert len(titled) == 2 and titled[0] == 0 and len(pages) > 2
    assert sum("已按约履行" in page for page in pages) == 1


def test_a_case_without_follow_ups_prints_a_page_that_says_so(database: Database) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert detail.follow_ups == []
    pdf = case_documents.render_follow_ups(detail)
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == (
        f"人民调解回访记录 {detail.case_no}", detail.committee_name)
    (page,) = _pages(pdf)
    assert page.split() == ["人民调解回访记录", "本案尚无回访记录。",
                            "第", "1", "页", "共", "1", "页"]


def test_the_judicial_application_is_titled_authored_and_headed_from_page_two(
    database: Database
) -> None:
    detail = _closed_with_follow_ups(database)
    mediation.save_judicial_confirmation(database, detail.id, mediation.JudicialInput(
        court="北京市东城区人民法院", applied_on=date(2026, 11, 24)), version=None)
    with database.read() as session:
        detail = mediation.case_detail(session, detail.id)
    pdf = case_documents.render_judicial_application(detail)
    info = pdf_info(pdf)
    title = f"司法确认申请书 {detail.case_no}"
    assert (info["Title"], info["Author"]) == (title, detail.committee_name)
    pages = _pages(pdf)
    assert len(pages) >= 2
    assert not pages[0].lstrip().startswith(title)
    assert all(page.lstrip().startswith(title) for page in pages[1:])


def _closed(database: Database, outcome: mediation.OutcomeInput, *,
            kind: str | None = None) -> mediation.CaseRef:
    ref = h.make_case(database)
    if kind:
        mediation.save_agreement(database, ref.case_id, h.agreement(kind=kind), version=None)
    mediation.close_case(database, ref.case_id, outcome)
    return ref


def _detail(database: Database, ref: mediation.CaseRef) -> CaseDetail:
    with database.read() as session:
        return mediation.case_detail(session, ref.case_id)


def test_a_done_follow_up_of_an_oral_agreement_reads_back_line_by_line(
    database: Database
) -> None:
    ref = _closed(database, mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)),
                  kind="oral")
    planned = _detail(database, ref).follow_ups[0]
    mediation.update_follow_up(database, planned.id, mediation.FollowUpInput(
        planned_on=date(2026, 12, 4), done_on=date(2026, 11, 25), method="电话",
        visitor_id=h.staff(database)[0], performance="部分履行", satisfaction="基本满意",
        notes="已支付一半"), version=planned.version)
    assert lines_of(case_documents.render_follow_ups(_detail(database, ref))) == [
        "人民调解回访记录",
        f"编号 {ref.case_no} 结案日期 2026年11月20日",
        "当事人 申请人当事人1、被申请人当事人2",
        "调解结果 调解成功（口头协议）",
        "协议内容 一、被申请人于2026年12月10日前一次性赔偿申请人损失人民币3000",
        "元。",
        "二、被申请人今后不在22时至次日7时之间施工。",
        "计划回访 2026年12月4日 回访日期 2026年11月25日",
        "回访方式 电话 回访人 王志刚",
        "履行情况 □已履行 ■部分履行 □未履行",
        "当事人意见 □满意 ■基本满意 □不满意",
        "回访情况 已支付一半",
        "回访人：王志刚 被回访人：",
        "（签名）： （签名）：",
        "2026年11月25日",
        "第 1 页 共 1 页",
    ]


def test_a_planned_follow_up_of_a_failed_case_gives_the_reason_and_blanks_to_fill(
    database: Database
) -> None:
    ref = _closed(database, mediation.OutcomeInput(
        "调解不成功", reason="被申请人拒绝赔偿", guided_to="诉讼", closed_on=date(2026, 11, 21)))
    mediation.add_follow_up(database, ref.case_id,
                            mediation.FollowUpInput(planned_on=date(2026, 12, 5)))
    assert lines_of(case_documents.render_follow_ups(_detail(database, ref))) == [
        "人民调解回访记录",
        f"编号 {ref.case_no} 结案日期 2026年11月21日",
        "当事人 申请人当事人1、被申请人当事人2",
        "调解结果 调解不成功",
        "原因 被申请人拒绝赔偿",
        "计划回访 2026年12月5日 回访日期 年 月 日",
        "回访方式 回访人",
        "履行情况 □已履行 □部分履行 □未履行",
        "当事人意见 □满意 □基本满意 □不满意",
        "回访情况",
        "回访人： 被回访人：",
        "（签名）： （签名）：",
        "年 月 日",
        "第 1 页 共 1 页",
    ]


def test_a_follow_up_of_a_written_agreement_says_so(database: Database) -> None:
    ref = _closed(database, mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)),
                  kind="written")
    lines = lines_of(case_documents.render_follow_ups(_detail(database, ref)))
    assert lines[3:5] == ["调解结果 调解成功（书面协议）",
                          "协议内容 一、被申请人于2026年12月10日前一次性赔偿申请人损失人民币3000"]


def test_a_follow_up_of_a_case_still_open_leaves_its_result_to_come(database: Database) -> None:
    ref = h.make_case(database)
    mediation.add_follow_up(database, ref.case_id,
                            mediation.FollowUpInput(planned_on=date(2026, 12, 5)))
    lines = lines_of(case_documents.render_follow_ups(_detail(database, ref)))
    assert lines[1:5] == [f"编号 {ref.case_no} 结案日期 年 月 日",
                          "当事人 申请人当事人1、被申请人当事人2",
                          "调解结果 办理中",
                          "协议内容"]


def test_the_follow_up_record_leaves_room_to_write_and_its_dates_start_their_cells(
    database: Database
) -> None:
    ref = _closed(database, mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)),
                  kind="oral")
    planned = _detail(database, ref).follow_ups[0]
    mediation.update_follow_up(database, planned.id, mediation.FollowUpInput(
        planned_on=date(2026, 12, 4), done_on=date(2026, 11, 25), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意"),
        version=planned.version)
    words = words_with_boxes(case_documents.render_follow_ups(_detail(database, ref)))
    first = {word: (x0, y0, y1) for _p, _w, _h, x0, y0, _x1, y1, word in reversed(words)}
    # 结案日期, 回访日期 and 回访人 head the same column: their values start at its left.
    assert first["2026年11月20日"][0] == pytest.approx(first["王志刚"][0], abs=0.5)
    assert first["2026年11月25日"][0] == pytest.approx(first["王志刚"][0], abs=0.5)
    # Nothing typed under 回访情况: 40 mm to write in by hand, down to the signatures.
    opinion_bottom = first["当事人意见"][2]
    signatures_top = first["回访人：王志刚"][1]
    assert signatures_top - opinion_bottom > 40 * mm


def _agreed_with_a_company(database: Database) -> CaseDetail:
    """A person with an agent against a company: one session held by 陈秀兰 and written by
    李慧敏, agreed, closed and sent for 司法确认."""
    ref = h.make_case(database, parties=[
        h.person(1, agent_type="委托代理人", agent_name="赵律师", agent_phone="13900000001"),
        h.organisation()])
    _m1, m2, recorder = h.staff(database)
    mediation.add_session(database, ref.case_id, dataclasses.replace(
        h.session_input(1), attendees="申请人当事人1、被申请人法定代表人周建国、调解员陈秀兰",
        mediator_id=m2, recorder_id=recorder))
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="北京市东城区人民法院", applied_on=date(2026, 11, 24)), version=None)
    return _detail(database, ref)


PERSON = [
    "当事人1，男，汉族，1971年3月14日出生，公民身份号码：",
    "11010519710314001X，职业或工作单位：个体经营，住址：东城区建",
    "设路1号，联系电话：13800130001。",
    "委托代理人：赵律师，联系电话：13900000001。",
]
SIGNERS = [
    "申请人：当事人1 委托代理人：赵律师",
    "（签名、盖章或按指印）： （签名）：",
    "被申请人：某某物业服务有限公司 法定代表人：周建国",
    "（盖章）： （签名）：",
]


def test_the_acceptance_form_reads_back_line_by_line(database: Database) -> None:
    detail = _agreed_with_a_company(database)
    no = detail.case_no
    assert lines_of(case_documents.render_acceptance(detail)) == [
        "东林街道人民调解委员会",
        "人民调解受理登记表",
        f"编号 {no} 受理日期 2026年11月2日",
        "案件来源 ■当事人申请 □主动调解 □公安移交 □法院委托 □政府部门指定",
        "来源说明 纠纷类别",
        f"申请人 {PERSON[0]}", *PERSON[1:],
        f"被申请人 某某物业服务有限公司，统一社会信用代码：{h.CREDIT_CODE}，",
        "住所：东城区人民路88号，法定代表人：周建国，联系电话：",
        "010-62345678。",
        "纠纷简要情况 楼上装修噪音扰民，双方多次协商未果。",
        "争议事项 赔偿损失并停止夜间施工",
        "调解员 王志刚、陈秀兰 记录人 李慧敏",
        "办理期限 自受理之日起三十日内（2026年12月2日前）",
        "受理意见 经审查，该纠纷属于人民调解受理范围，当事人自愿调解，予以受",
        "理。",
        "受理人（签名）： 年 月 日",
        "第 1 页 共 2 页",
        f"人民调解受理登记表 {no}",
        "当事人签名：",
        *SIGNERS,
        "登记人： 东林街道人民调解委员会",
        "（签名）：",
        "（人民调解委员会印）",
        "2026年11月2日",
        "第 2 页 共 2 页",
    ]


def test_the_rights_notice_reads_back_line_by_line(database: Database) -> None:
    detail = _agreed_with_a_company(database)
    no = detail.case_no
    lines = lines_of(case_documents.render_rights_notice(detail))
    assert lines[:9] == [
        "人民调解当事人权利义务告知书",
        no,
        "各方当事人：",
        "东林街道人民调解委员会依据《中华人民共和国人民调解法》，在当事人自",
        "愿、平等的基础上进行调解，不违背法律、法规和国家政策，尊重当事人的权",
        "利，不因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。",
        "人民调解委员会调解民间纠纷，不收取任何费用。现将当事人在人民调解活动中",
        "享有的权利和承担的义务告知如下：",
        "一、当事人享有下列权利：",
    ]
    assert lines[lines.index("第 1 页 共 2 页"):] == [
        "第 1 页 共 2 页",
        f"当事人权利义务告知书 {no}",
        "以上内容，本人已阅读并知悉。",
        "当事人：",
        SIGNERS[0], "（签名或按指印）： （签名）：", *SIGNERS[2:],
        "告知人： 东林街道人民调解委员会",
        "（签名）：",
        "（人民调解委员会印）",
        "2026年11月2日",
        "第 2 页 共 2 页",
    ]


def test_a_session_record_is_signed_by_those_who_held_and_wrote_it(database: Database) -> None:
    detail = _agreed_with_a_company(database)
    no = detail.case_no
    assert lines_of(case_documents.render_session_record(detail, detail.sessions[0].id)) == [
        "人民调解记录",
        f"编号 {no} 次数 第一次",
        "时间 2026年11月6日9时30分 地点 矛盾纠纷调解室",
        "参加人员 申请人当事人1、被申请人法定代表人周建国、调解员陈秀兰",
        "调解员 陈秀兰 记录人 李慧敏",
        "记录内容：",
        "第1次调解：双方陈述了各自意见，调解员释明相关法律规定。",
        "下一步工作：",
        "约定下次调解时间",
        "以上记录经本人核对（或已向本人宣读），与所述一致。",
        "当事人：",
        SIGNERS[0], "（签名或按指印）： （签名）：", *SIGNERS[2:],
        "人民调解员：陈秀兰",
        "（签名）：",
        "记录人：李慧敏",
        "（签名）：",
        "东林街道人民调解委员会",
        "2026年11月6日",
        "第 1 页 共 1 页",
    ]


def test_the_judicial_application_reads_back_line_by_line(database: Database) -> None:
    detail = _agreed_with_a_company(database)
    no = detail.case_no
    lines = lines_of(case_documents.render_judicial_application(detail))
    assert lines == [
        "司法确认申请书",
        "申请人：当事人1，男，汉族，1971年3月14日出生，公民身份号码：",
        "11010519710314001X，职业或工作单位：个体经营，住址：东城区建设路1号，",
        "联系电话：13800130001。",
        PERSON[3],
        f"申请人：某某物业服务有限公司，统一社会信用代码：{h.CREDIT_CODE}，住",
        "所：东城区人民路88号，法定代表人：周建国，联系电话：010-62345678。",
        "请求事项：",
        "请求确认申请人之间于2026年11月20日经东林街道人民调解委员会主持调解",
        f"达成的{no}人民调解协议有效。",
        "事实和理由：",
        "申请人之间因民间纠纷，经东林街道人民调解委员会主持调解，于2026年11",
        "月20日达成调解协议，该协议自2026年11月20日起生效。现申请人共同在调解协",
        "议生效之日起30日内，依照《中华人民共和国人民调解法》第三十三条和《中华",
        "人民共和国民事诉讼法》的规定，向贵院申请司法确认。",
        "申请人承诺：",
        "一、申请人出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法",
        "律的行为；",
        "二、如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和",
        "其他法律责任；",
        "三、所提交的材料真实、合法。",
        "附：人民调解协议书一份；申请人身份证明材料；与调解协议相关的财产权",
        "利证明等材料。",
        "第 1 页 共 2 页",
        f"司法确认申请书 {no}",
        "此致",
        "北京市东城区人民法院",
        "申请人：",
        "申请人：当事人1 委托代理人：赵律师",
        "（签名、盖章或按指印）： （签名）：",
        "申请人：某某物业服务有限公司 法定代表人：周建国",
        "（盖章）： （签名）：",
        "2026年11月24日",
        "第 2 页 共 2 页",
    ]


def test_a_session_recorded_before_its_own_staff_were_kept_names_the_case_s(
    database: Database
) -> None:
    ref = h.make_case(database)
    mediation.add_session(database, ref.case_id, h.session_input(1))
    detail = _detail(database, ref)
    session = dataclasses.replace(detail.sessions[0], mediator="", recorder="")
    older = dataclasses.replace(detail, sessions=[session])
    lines = lines_of(case_documents.render_session_record(older, session.id))
    assert lines[4] == "调解员 王志刚、陈秀兰 记录人 李慧敏"
    assert lines[-9:-3] == ["人民调解员：王志刚", "（签名）：", "人民调解员：陈秀兰", "（签名）：",
                            "记录人：李慧敏", "（签名）："]
    unrecorded = dataclasses.replace(older, recorder=None)
    lines = lines_of(case_documents.render_session_record(unrecorded, session.id))
    assert lines[4] == "调解员 王志刚、陈秀兰 记录人"
    assert "记录人：" in lines


def test_the_judicial_application_before_an_agreement_leaves_dates_and_court_to_fill(
    database: Database
) -> None:
    detail = _detail(database, h.make_case(database))
    lines = lines_of(case_documents.render_judicial_application(detail))
    assert "请求确认申请人之间于 年 月 日经东林街道人民调解委员会主持调解达成" in lines
    assert "日达成调解协议，该协议自 年 月 日起生效。现申请人共同在调解协议生效之" in lines
    assert lines[lines.index("此致") + 1] == "人民法院"
    assert lines[-2:] == ["年 月 日", "第 2 页 共 2 页"]


def test_the_application_reads_back_line_by_line(database: Database) -> None:
    """人民调解申请书: only the applicants sign it, on the day the case was accepted."""
    detail = _agreed_with_a_company(database)
    assert lines_of(case_documents.render_application(detail)) == [
        "人民调解申请书",
        f"申请人：{PERSON[0]}",
        "11010519710314001X，职业或工作单位：个体经营，住址：东城区建设路1号，",
        "联系电话：13800130001。",
        PERSON[3],
        f"被申请人：某某物业服务有限公司，统一社会信用代码：{h.CREDIT_CODE}，",
        "住所：东城区人民路88号，法定代表人：周建国，联系电话：010-62345678。",
        "申请事项：",
        "赔偿损失并停止夜间施工",
        "事实和理由：",
        "楼上装修噪音扰民，双方多次协商未果。",
        "申请人自愿申请人民调解委员会调解上述纠纷，并保证所述事实真实。",
        "此致",
        "东林街道人民调解委员会",
        "申请人：",
        *SIGNERS[:2],
        "2026年11月2日",
        "第 1 页 共 1 页",
    ]


def test_the_rights_notice_lists_every_right_and_duty(database: Database) -> None:
    lines = lines_of(case_documents.render_rights_notice(_agreed_with_a_company(database)))
    start = lines.index("一、当事人享有下列权利：")
    assert lines[start:lines.index("第 1 页 共 2 页")] == [
        "一、当事人享有下列权利：",
        "（一）选择或者接受人民调解员；",
        "（二）接受调解、拒绝调解或者要求终止调解；",
        "（三）要求调解公开进行或者不公开进行；",
        "（四）自主表达意愿、自愿达成调解协议。",
        "二、当事人应当履行下列义务：",
        "（一）如实陈述纠纷事实，不得提供虚假证明材料；",
        "（二）遵守调解现场秩序，尊重人民调解员；",
        "（三）尊重对方当事人行使权利；",
        "（四）自觉履行依法达成的调解协议。",
        "三、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当",
        "按照约定履行。经调解达成调解协议后，双方当事人认为有必要的，可以自调解",
        "协议生效之日起三十日内共同向人民法院申请司法确认。",
    ]


def test_the_judicial_application_before_an_agreement_reads_back_line_by_line(
    database: Database
) -> None:
    """Before the agreement the dates and the court are left blank, to be filled by hand;
    the court's name is written after a 60 mm blank."""
    detail = _detail(database, h.make_case(database))
    pdf = case_documents.render_judicial_application(detail)
    lines = lines_of(pdf)
    assert lines[lines.index("请求事项："):lines.index("申请人承诺：")] == [
        "请求事项：",
        "请求确认申请人之间于 年 月 日经东林街道人民调解委员会主持调解达成",
        f"的{detail.case_no}人民调解协议有效。",
        "事实和理由：",
        "申请人之间因民间纠纷，经东林街道人民调解委员会主持调解，于 年 月",
        "日达成调解协议，该协议自 年 月 日起生效。现申请人共同在调解协议生效之",
        "日起30日内，依照《中华人民共和国人民调解法》第三十三条和《中华人民共和",
        "国民事诉讼法》的规定，向贵院申请司法确认。",
    ]
    assert lines[lines.index("此致"):] == [
        "此致", "人民法院", "申请人：",
        "申请人：当事人1", "（签名、盖章或按指印）：",
        "申请人：当事人2", "（签名、盖章或按指印）：",
        "年 月 日",
        "第 2 页 共 2 页",
    ]
    court = next(w for w in words_with_boxes(pdf) if w[7] == "人民法院")
    assert court[3] == pytest.approx(28 * mm + 60 * mm, abs=1)  # after the 60 mm blank


def test_an_agent_recorded_without_a_kind_is_printed_as_a_commissioned_agent(
    database: Database
) -> None:
    """Parties saved now always have one (the service fills in 委托代理人); a party kept
    before that rule has none, and its paper still names the agent's role."""
    ref = h.make_case(database, parties=[
        h.person(1, agent_name="赵律师", agent_phone="13900000001"), h.person(2, "被申请人")])
    detail = _detail(database, ref)
    assert detail.parties[0].agent_type == "委托代理人"
    older = dataclasses.replace(detail, parties=[
        dataclasses.replace(detail.parties[0], agent_type=None), detail.parties[1]])
    lines = lines_of(case_documents.render_acceptance(older))
    assert "委托代理人：赵律师，联系电话：13900000001。" in lines


def test_the_acceptance_form_leaves_room_for_what_was_not_typed(database: Database) -> None:
    """No 争议事项 typed: 12 mm to write them in; no 记录人: the cell left empty; the
    受理人 signs on a 40 mm line (before the date's 18 mm year)."""
    detail = dataclasses.replace(_detail(database, h.make_case(database)), matters="",
                                 recorder=None)
    pdf = case_documents.render_acceptance(detail)
    lines = lines_of(pdf)
    assert lines[lines.index("纠纷简要情况 楼上装修噪音扰民，双方多次协商未果。") + 1:][:2] == [
        "争议事项", "调解员 王志刚、陈秀兰 记录人"]
    page = read(pdf)[0]
    matters = glyph_run(page, "争议事项")[0]
    mediators = glyph_run(page, "调解员")[0]
    assert mediators.top - matters.top == pytest.approx(12 * mm + 9, abs=0.5)
    signs = glyph_run(page, "受理人（签名）：")[-1]
    sign, year, *_ = sorted(e for e in page.edges if abs(e[1] - e[3]) < 0.5
                            and e[0] > signs.x1 and abs(e[1] - signs.bottom) < 6)
    # Squeezed into the cell with the date's blanks, each in proportion: 40 mm to 18 mm.
    assert (sign[2] - sign[0] + 2) / (year[2] - year[0] + 2) == pytest.approx(40 / 18)


def test_the_acceptance_date_starts_its_cell(database: Database) -> None:
    detail = _agreed_with_a_company(database)
    words = words_with_boxes(case_documents.render_acceptance(detail))
    label = next(w for w in words if w[7] == "受理日期")
    day = next(w for w in words if w[7] == "2026年11月2日" and abs(w[4] - label[4]) < 2)
    assert day[3] - label[5] < 20  # at the left of its cell, not at the right
