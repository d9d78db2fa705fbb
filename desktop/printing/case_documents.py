"""The other papers of a mediation case, in the Ministry of Justice's 2010 formats.

人民调解申请书, 受理登记表, 当事人权利义务告知书, 调解记录 (one per session),
回访记录 and the joint application for 司法确认 — all A4, AR PL UMing, "第 X 页 共 Y 页",
laid out as flowing content: rows grow with their text and split across pages, and
the signatures stay with the text above them.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from desktop.printing import legal
from desktop.printing.agreement import (
    agent_particulars,
    parties_block,
    party_particulars,
    sign_groups,
    staff_signers,
)
from desktop.printing.legal import Blank, FillLine, Pair, Row, Signer, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.mediation import (
    JUDICIAL_DAYS,
    PERFORMANCE,
    SATISFACTION,
    SOURCES,
    CaseDetail,
    FollowUpData,
    SessionData,
)

CHECKED, UNCHECKED = "■", "□"


def choices(options: list[str], chosen: str | None) -> str:
    """□/■ boxes, as on the printed forms: ■当事人申请 □主动调解 …"""
    return "　".join(f"{CHECKED if o == chosen else UNCHECKED}{o}" for o in options)


def _party_rows(detail: CaseDetail) -> list[Row | Pair]:
    rows: list[Row | Pair] = []
    for party in detail.parties:
        text = party_particulars(party)
        agent = agent_particulars(party)
        if agent:
            text += f"\n{party.agent_type or '委托代理人'}：{agent}"
        rows.append(Row(party.side, text))
    return rows


# ---------------------------------------------------------------------------
# 人民调解申请书


def application_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    applicants = [p for p in detail.parties if p.side == "申请人"]
    return [
        Para("人民调解申请书", styles.title),
        Spacer(1, 4 * mm),
        *parties_block(detail, styles, sides=("申请人",)),
        *parties_block(detail, styles, sides=("被申请人",)),
        *legal.labelled("申请事项", detail.matters, styles),
        *legal.labelled("事实和理由", detail.facts, styles),
        Spacer(1, 2 * mm),
        *legal.signing([
            Para("申请人自愿申请人民调解委员会调解上述纠纷，并保证所述事实真实。", styles.indent),
            Spacer(1, 4 * mm),
            Para("此致", styles.indent),
            Para(esc(detail.committee_name), styles.body),
        ], sign_groups(applicants), legal.date_line(detail.accepted_on, styles.body), styles,
            heading="申请人："),
    ]


def render_application(detail: CaseDetail) -> bytes:
    return legal.build(application_story(detail, Styles()),
                       title=f"人民调解申请书 {detail.case_no}",
                       header=f"人民调解申请书 {detail.case_no}", author=detail.committee_name)


# ---------------------------------------------------------------------------
# 受理登记表


def acceptance_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    rows: list[Row | Pair] = [
        Pair("编号", detail.case_no, "受理日期",
             legal.date_line(detail.accepted_on, styles.cell, align="left")),
        Row("案件来源", choices(SOURCES, detail.source)),
        Pair("来源说明", detail.source_detail or "", "纠纷类别", detail.category or ""),
        *_party_rows(detail),
        Row("纠纷简要情况", detail.facts, min_height=30 * mm),
        Row("争议事项", detail.matters or "", min_height=12 * mm),
        Pair("调解员", "、".join(detail.mediators), "记录人", detail.recorder or ""),
        Row("办理期限", f"自受理之日起三十日内（{legal.cn_date(detail.due_on)}前）"),
        Row("受理意见", [
            Para("经审查，该纠纷属于人民调解受理范围，当事人自愿调解，予以受理。", styles.cell),
            legal.write_here("受理人（签名）：", styles.sign_line, width=40 * mm, when=True),
        ]),
    ]
    return [
        Para(esc(detail.committee_name), styles.center),
        Para("人民调解受理登记表", styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        Spacer(1, 3 * mm),
        *legal.signing([], sign_groups(detail.parties),
                       legal.staff_and_seal([Signer("登记人：")], detail.committee_name,
                                            detail.accepted_on, styles), styles,
                       heading="当事人签名："),
    ]


def render_acceptance(detail: CaseDetail) -> bytes:
    return legal.build(acceptance_story(detail, Styles()),
                       title=f"人民调解受理登记表 {detail.case_no}",
                       header=f"人民调解受理登记表 {detail.case_no}",
                       author=detail.committee_name)


# ---------------------------------------------------------------------------
# 当事人权利义务告知书

RIGHTS = [
    "选择或者接受人民调解员；",
    "接受调解、拒绝调解或者要求终止调解；",
    "要求调解公开进行或者不公开进行；",
    "自主表达意愿、自愿达成调解协议。",
]
DUTIES = [
    "如实陈述纠纷事实，不得提供虚假证明材料；",
    "遵守调解现场秩序，尊重人民调解员；",
    "尊重对方当事人行使权利；",
    "自觉履行依法达成的调解协议。",
]


def rights_notice_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Para("人民调解当事人权利义务告知书", styles.title),
        Para(esc(detail.case_no), styles.number),
        Para("各方当事人：", styles.body),
        Para(
            f"{esc(detail.committee_name)}依据《中华人民共和国人民调解法》，在当事人自愿、平等的基础上"
            "进行调解，不违背法律、法规和国家政策，尊重当事人的权利，不因调解而阻止当事人依法通过仲裁、"
            "行政、司法等途径维护自己的权利。人民调解委员会调解民间纠纷，不收取任何费用。"
            "现将当事人在人民调解活动中享有的权利和承担的义务告知如下：", styles.indent),
        Para("一、当事人享有下列权利：", styles.heading_keep),
    ]
    story += [Para(f"（{legal.chinese_number(n)}）{esc(t)}", styles.indent)
              for n, t in enumerate(RIGHTS, 1)]
    story.append(Para("二、当事人应当履行下列义务：", styles.heading_keep))
    story += [Para(f"（{legal.chinese_number(n)}）{esc(t)}", styles.indent)
              for n, t in enumerate(DUTIES, 1)]
    story += [
        Para("三、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
             "经调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内"
             "共同向人民法院申请司法确认。", styles.indent),
        Spacer(1, 3 * mm),
        *legal.signing(
            [Para("以上内容，本人已阅读并知悉。", styles.indent)],
            sign_groups(detail.parties, hint="签名或按指印"),
            legal.staff_and_seal([Signer("告知人：")], detail.committee_name, detail.accepted_on,
                                 styles), styles),
    ]
    return story


def render_rights_notice(detail: CaseDetail) -> bytes:
    return legal.build(rights_notice_story(detail, Styles()),
                       title=f"当事人权利义务告知书 {detail.case_no}",
                       header=f"当事人权利义务告知书 {detail.case_no}",
                       author=detail.committee_name)


# ---------------------------------------------------------------------------
# 调解记录


def session_story(detail: CaseDetail, item: SessionData, number: int,
                  styles: Styles) -> list[Flowable]:
    rows: list[Row | Pair] = [
        Pair("编号", detail.case_no, "次数", f"第{legal.chinese_number(number)}次"),
        Pair("时间", legal.cn_datetime(item.held_at), "地点", item.place),
        Row("参加人员", item.attendees, min_height=12 * mm),
        # The session's own 调解员 and 记录人; records written before they were kept
        # name the case's.
        Pair("调解员", item.mediator or "、".join(detail.mediators),
             "记录人", item.recorder or detail.recorder or ""),
    ]
    story: list[Flowable] = [
        Para("人民调解记录", styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        Para("记录内容：", styles.heading_keep),
        *legal.paragraphs(item.record, styles.indent),
    ]
    if item.next_steps:
        story += legal.labelled("下一步工作", item.next_steps, styles)
    # Every party signs the record, present in 参加人员 or not (the clerk strikes the
    # absent), with agents and legal representatives beside them.
    story += [Spacer(1, 4 * mm), *legal.signing(
        [Para("以上记录经本人核对（或已向本人宣读），与所述一致。", styles.indent)],
        sign_groups(detail.parties, hint="签名或按指印"),
        # Those who held and wrote this session sign it, as the form above names them.
        legal.staff_and_seal(staff_signers(detail, mediators=[item.mediator] if item.mediator
                                           else (), recorder=item.recorder),
                             detail.committee_name, item.held_at.date(), styles, note="",
                             seal=False), styles)]
    return story


def render_session_record(detail: CaseDetail, session_id: int) -> bytes:
    for number, item in enumerate(detail.sessions, 1):
        if item.id == session_id:
            return legal.build(session_story(detail, item, number, Styles()),
                               title=f"人民调解记录 {detail.case_no} 第{number}次",
                               header=f"{detail.case_no} 调解记录", author=detail.committee_name)
    raise KeyError(session_id)


def render_all_session_records(detail: CaseDetail) -> bytes:
    styles = Styles()
    story: list[Flowable] = []
    for number, item in enumerate(detail.sessions, 1):
        if story:
            story.append(PageBreak())
        story += session_story(detail, item, number, styles)
    return legal.build(story, title=f"人民调解记录 {detail.case_no}",
                       header=f"{detail.case_no} 调解记录", author=detail.committee_name)


# ---------------------------------------------------------------------------
# 回访记录


def follow_up_story(detail: CaseDetail, item: FollowUpData, styles: Styles) -> list[Flowable]:
    agreement = detail.agreement
    summary = ("\n".join(f"{legal.chinese_number(n)}、{c}" for n, c in
                         enumerate(agreement.clauses, 1))
               if agreement else (detail.outcome_reason or ""))
    form = ""
    if agreement:
        form = "（书面协议）" if agreement.kind == "written" else "（口头协议）"
    rows: list[Row | Pair] = [
        Pair("编号", detail.case_no, "结案日期",
             legal.date_line(detail.closed_on, styles.cell, align="left")),
        Row("当事人", "、".join(f"{p.side}{p.name}" for p in detail.parties)),
        Row("调解结果", f"{detail.outcome or '办理中'}{form}"),
        # Without an agreement, why the case closed as it did.
        Row("原因" if not agreement and detail.outcome_reason else "协议内容", summary),
        Pair("计划回访", legal.cn_date(item.planned_on), "回访日期",
             legal.date_line(item.done_on, styles.cell, align="left")),
        Pair("回访方式", item.method or "", "回访人", item.visitor or ""),
        Row("履行情况", choices(PERFORMANCE, item.performance)),
        Row("当事人意见", choices(SATISFACTION, item.satisfaction)),
        # Grows with the note; room to write by hand when nothing was typed.
        Row("回访情况", item.notes or "", min_height=40 * mm),
    ]
    return [
        Para("人民调解回访记录", styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        *legal.keep_with_text([Spacer(1, 5 * mm)], [
            legal.signature_table([
                legal.SignGroup(Signer("回访人：" + (item.visitor or "")),
                                (Signer("被回访人："),)),
            ], styles),
            legal.date_line(item.done_on, styles.body),
        ]),
    ]


def render_follow_ups(detail: CaseDetail) -> bytes:
    """Every follow-up of the case, planned or done, each on its own page."""
    styles = Styles()
    story: list[Flowable] = []
    for item in detail.follow_ups:
        if story:
            story.append(PageBreak())
        story += follow_up_story(detail, item, styles)
    if not story:
        story = [Para("人民调解回访记录", styles.title),
                 Para("本案尚无回访记录。", styles.indent)]
    return legal.build(story, title=f"人民调解回访记录 {detail.case_no}",
                       header=f"{detail.case_no} 回访记录", author=detail.committee_name)


# ---------------------------------------------------------------------------
# 司法确认申请书 (joint application)


def judicial_application_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    """The parties' joint application: all of them are 申请人 and sign as such."""
    agreement = detail.agreement
    judicial = detail.judicial
    effective = agreement.effective_on if agreement else None
    signed = agreement.signed_on if agreement else None
    signed_text = legal.cn_date(signed, blank="　　年　月　日")
    effective_text = legal.cn_date(effective, blank="　　年　月　日")
    court: Flowable
    if judicial and judicial.court:
        court = Para(esc(judicial.court), styles.body)
    else:
        court = FillLine([Blank(60 * mm), "人民法院"], styles.body)
    return [
        Para("司法确认申请书", styles.title),
        Spacer(1, 3 * mm),
        *parties_block(detail, styles, label="申请人"),
        Para("请求事项：", styles.heading_keep),
        Para(
            f"请求确认申请人之间于{signed_text}经{esc(detail.committee_name)}主持调解"
            f"达成的{esc(detail.case_no)}人民调解协议有效。", styles.indent),
        Para("事实和理由：", styles.heading_keep),
        Para(
            f"申请人之间因{esc(detail.category or '民间')}纠纷，经{esc(detail.committee_name)}"
            f"主持调解，于{signed_text}达成调解协议，该协议自{effective_text}"
            f"起生效。现申请人共同在调解协议生效之日起{JUDICIAL_DAYS}日内，依照"
            "《中华人民共和国人民调解法》第三十三条和《中华人民共和国民事诉讼法》的规定，"
            "向贵院申请司法确认。", styles.indent),
        Para("申请人承诺：", styles.heading_keep),
        Para("一、申请人出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；",
             styles.indent),
        Para("二、如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任；",
             styles.indent),
        Para("三、所提交的材料真实、合法。", styles.indent),
        Para("附：人民调解协议书一份；申请人身份证明材料；与调解协议相关的财产权利证明等材料。",
             styles.indent),
        Spacer(1, 3 * mm),
        *legal.signing([Para("此致", styles.indent), court],
                       sign_groups(detail.parties, side="申请人"),
                       legal.date_line(judicial.applied_on if judicial else None, styles.body),
                       styles, heading="申请人："),
    ]


def render_judicial_application(detail: CaseDetail) -> bytes:
    return legal.build(judicial_application_story(detail, Styles()),
                       title=f"司法确认申请书 {detail.case_no}",
                       header=f"司法确认申请书 {detail.case_no}",
                       author=detail.committee_name)
