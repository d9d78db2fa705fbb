"""The other papers of a mediation case.

人民调解申请书, 受理登记表, 当事人权利义务告知书, 调解记录 (one per session),
回访记录 and the joint application for 司法确认 — all A4, AR PL UMing, "第 X 页 共 Y 页".
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from desktop.printing import legal
from desktop.printing.agreement import agent_particulars, party_particulars
from desktop.printing.legal import Styles, esc
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


def _parties_with_agents(detail: CaseDetail, styles: Styles, sides: tuple[str, ...],
                         label: str | None = None) -> list[Flowable]:
    story: list[Flowable] = []
    for party in detail.parties:
        if party.side not in sides:
            continue
        story.append(Paragraph(f"{esc(label or party.side)}：{esc(party_particulars(party))}",
                               styles.body))
        agent = agent_particulars(party)
        if agent:
            story.append(Paragraph(f"{esc(party.agent_type or '委托代理人')}：{esc(agent)}",
                                   styles.indent))
    return story


def _party_signatures(detail: CaseDetail, sides: tuple[str, ...] = ("申请人", "被申请人"),
                      hint: str = "签名、盖章或按指印") -> list[tuple[str, str]]:
    entries = []
    for party in detail.parties:
        if party.side in sides:
            if party.is_organisation:
                entries.append((f"{party.side}：{party.name}",
                                f"盖章，{party.legal_rep_title or '法定代表人'}签名"))
            else:
                entries.append((f"{party.side}：{party.name}", hint))
    return entries or [(f"{sides[0]}：", hint)]


# ---------------------------------------------------------------------------
# 人民调解申请书


def application_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph("人民调解申请书", styles.title),
        Spacer(1, 4 * mm),
        *_parties_with_agents(detail, styles, ("申请人",)),
        *_parties_with_agents(detail, styles, ("被申请人",)),
        *legal.labelled("申请事项", detail.matters, styles),
        *legal.labelled("事实和理由", detail.facts, styles),
        Spacer(1, 2 * mm),
        Paragraph("申请人自愿申请人民调解委员会调解上述纠纷，并保证所述事实真实。", styles.indent),
        Spacer(1, 4 * mm),
        Paragraph("此致", styles.indent),
        Paragraph(esc(detail.committee_name), styles.body),
        Spacer(1, 4 * mm),
        KeepTogether([
            legal.signature_rows(_party_signatures(detail, ("申请人",)), styles),
            Paragraph(legal.cn_date(detail.accepted_on), styles.right),
        ]),
    ]
    return story


def render_application(detail: CaseDetail) -> bytes:
    return legal.build(application_story(detail, Styles()),
                       title=f"人民调解申请书 {detail.case_no}", header=detail.case_no,
                       author=detail.committee_name)


# ---------------------------------------------------------------------------
# 受理登记表


def acceptance_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    w = legal.WIDTH
    rows: list[list[object]] = [
        ["案号", detail.case_no, "受理日期", legal.cn_date(detail.accepted_on)],
        ["案件来源", choices(SOURCES, detail.source), "", ""],
        ["来源说明", detail.source_detail or "", "纠纷类别", detail.category or ""],
    ]
    for party in detail.parties:
        text = party_particulars(party)
        agent = agent_particulars(party)
        if agent:
            text += f"\n{party.agent_type or '委托代理人'}：{agent}"
        rows.append([party.side, text, "", ""])
    rows += [
        ["纠纷简要情况", detail.facts, "", ""],
        ["争议事项", detail.matters or "", "", ""],
        ["调解员", "、".join(detail.mediators), "记录人", detail.recorder or ""],
        ["办理期限", f"自受理之日起三十日内（{legal.cn_date(detail.due_on)}前）", "", ""],
        ["受理意见", "经审查，该纠纷属于人民调解受理范围，当事人自愿调解，予以受理。\n\n"
         "受理人（签名）：　　　　　　　　　　　　年　　月　　日", "", ""],
    ]
    spans = [((1, r), (3, r)) for r, row in enumerate(rows) if row[2] == row[3] == ""]
    table = legal.form_table(rows, [w * 0.16, w * 0.44, w * 0.14, w * 0.26], styles,
                             spans=spans)
    return [
        Paragraph(esc(detail.committee_name), styles.center),
        Paragraph("人民调解受理登记表", styles.title),
        Spacer(1, 3 * mm),
        table,
    ]


def render_acceptance(detail: CaseDetail) -> bytes:
    return legal.build(acceptance_story(detail, Styles()),
                       title=f"人民调解受理登记表 {detail.case_no}", header=detail.case_no,
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
        Paragraph("人民调解当事人权利义务告知书", styles.title),
        Paragraph(esc(detail.case_no), styles.number),
        Paragraph("各方当事人：", styles.body),
        Paragraph(
            f"{esc(detail.committee_name)}依据《中华人民共和国人民调解法》，在当事人自愿、平等的基础上"
            "进行调解，不违背法律、法规和国家政策，尊重当事人的权利，不因调解而阻止当事人依法通过仲裁、"
            "行政、司法等途径维护自己的权利。人民调解委员会调解民间纠纷，不收取任何费用。"
            "现将当事人在人民调解活动中享有的权利和承担的义务告知如下：", styles.indent),
        Paragraph("一、当事人享有下列权利：", styles.heading),
    ]
    story += [Paragraph(f"（{legal.chinese_number(n)}）{esc(t)}", styles.indent)
              for n, t in enumerate(RIGHTS, 1)]
    story.append(Paragraph("二、当事人应当履行下列义务：", styles.heading))
    story += [Paragraph(f"（{legal.chinese_number(n)}）{esc(t)}", styles.indent)
              for n, t in enumerate(DUTIES, 1)]
    story += [
        Paragraph("三、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。"
                  "经调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内"
                  "共同向人民法院申请司法确认。", styles.indent),
        Spacer(1, 3 * mm),
        Paragraph("以上内容，本人已阅读并知悉。", styles.indent),
        Spacer(1, 3 * mm),
        legal.closing_block(_party_signatures(detail, hint="签名或按指印"),
                            detail.committee_name, detail.accepted_on, styles),
    ]
    return story


def render_rights_notice(detail: CaseDetail) -> bytes:
    return legal.build(rights_notice_story(detail, Styles()),
                       title=f"当事人权利义务告知书 {detail.case_no}", header=detail.case_no,
                       author=detail.committee_name)


# ---------------------------------------------------------------------------
# 调解记录


def _present(names: list[str], attendees: str) -> list[str]:
    """The names that appear in the attendees text (all of them when none is named)."""
    found = [n for n in names if n and n in attendees]
    return found or names


def session_story(detail: CaseDetail, item: SessionData, number: int,
                  styles: Styles) -> list[Flowable]:
    w = legal.WIDTH
    rows: list[list[object]] = [
        ["案号", detail.case_no, "次数", f"第{legal.chinese_number(number)}次"],
        ["时间", legal.cn_datetime(item.held_at), "地点", item.place],
        ["参加人员", item.attendees, "", ""],
        ["调解员", "、".join(detail.mediators), "记录人", detail.recorder or ""],
    ]
    table = legal.form_table(rows, [w * 0.14, w * 0.46, w * 0.12, w * 0.28], styles,
                             spans=[((1, 2), (3, 2))])
    story: list[Flowable] = [
        Paragraph("人民调解记录", styles.title),
        Spacer(1, 3 * mm),
        table,
        Paragraph("记录内容：", styles.heading),
        *legal.paragraphs(item.record, styles.indent),
    ]
    if item.next_steps:
        story += legal.labelled("下一步工作", item.next_steps, styles)
    parties = [p for p in detail.parties if p.name in _present(
        [q.name for q in detail.parties], item.attendees)]
    signers = [(f"{p.side}：{p.name}", "签名或按指印") for p in parties]
    signers += [(f"人民调解员：{name}", "签名") for name in detail.mediators]
    signers.append((f"记录人：{detail.recorder or ''}", "签名"))
    story += [
        Spacer(1, 4 * mm),
        KeepTogether([
            Paragraph("以上记录经本人核对（或已向本人宣读），与所述一致。", styles.indent),
            Spacer(1, 2 * mm),
            legal.signature_rows(signers[:2], styles, height=15 * mm),
        ]),
    ]
    if signers[2:]:
        story.append(legal.signature_rows(signers[2:], styles, height=15 * mm))
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
    w = legal.WIDTH
    agreement = detail.agreement
    summary = ("\n".join(f"{legal.chinese_number(n)}、{c}" for n, c in
                         enumerate(agreement.clauses, 1))
               if agreement else (detail.outcome_reason or ""))
    form = ""
    if agreement:
        form = "（书面协议）" if agreement.kind == "written" else "（口头协议）"
    rows: list[list[object]] = [
        ["案号", detail.case_no, "结案日期", legal.cn_date(detail.closed_on, blank="")],
        ["当事人", "、".join(f"{p.side}{p.name}" for p in detail.parties), "", ""],
        ["调解结果", f"{detail.outcome or '办理中'}{form}", "", ""],
        ["协议内容", summary, "", ""],
        ["计划回访", legal.cn_date(item.planned_on), "回访日期",
         legal.cn_date(item.done_on, blank="")],
        ["回访方式", item.method or "", "回访人", item.visitor or ""],
        ["履行情况", choices(PERFORMANCE, item.performance), "", ""],
        ["当事人意见", choices(SATISFACTION, item.satisfaction), "", ""],
        ["回访情况", item.notes or "", "", ""],
    ]
    spans = [((1, r), (3, r)) for r in (1, 2, 3, 6, 7, 8)]
    table = legal.form_table(rows, [w * 0.15, w * 0.45, w * 0.14, w * 0.26], styles,
                             spans=spans, min_heights={8: 40 * mm})
    signers = [("回访人：" + (item.visitor or ""), "签名"), ("被回访人：", "签名")]
    return [
        Paragraph("人民调解回访记录", styles.title),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 5 * mm),
        legal.signature_rows(signers, styles, height=15 * mm),
    ]


def render_follow_ups(detail: CaseDetail, *, done_only: bool = False) -> bytes:
    styles = Styles()
    story: list[Flowable] = []
    items = [f for f in detail.follow_ups if f.done_on or not done_only]
    for item in items:
        if story:
            story.append(PageBreak())
        story += follow_up_story(detail, item, styles)
    if not story:
        story = [Paragraph("人民调解回访记录", styles.title),
                 Paragraph("本案尚无回访记录。", styles.indent)]
    return legal.build(story, title=f"人民调解回访记录 {detail.case_no}",
                       header=f"{detail.case_no} 回访记录", author=detail.committee_name)


# ---------------------------------------------------------------------------
# 司法确认申请书 (joint application)


def judicial_application_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    agreement = detail.agreement
    judicial = detail.judicial
    court = judicial.court if judicial and judicial.court else "　　　　　　人民法院"
    effective = agreement.effective_on if agreement else None
    signed = agreement.signed_on if agreement else None
    story: list[Flowable] = [
        Paragraph("司法确认申请书", styles.title),
        Spacer(1, 3 * mm),
        *_parties_with_agents(detail, styles, ("申请人", "被申请人"), label="申请人"),
        Paragraph("请求事项：", styles.heading),
        Paragraph(
            f"请求确认申请人之间于{legal.cn_date(signed)}经{esc(detail.committee_name)}主持调解"
            f"达成的{esc(detail.case_no)}人民调解协议有效。", styles.indent),
        Paragraph("事实和理由：", styles.heading),
        Paragraph(
            f"申请人之间因{esc(detail.category or '民间')}纠纷，经{esc(detail.committee_name)}"
            f"主持调解，于{legal.cn_date(signed)}达成调解协议，该协议自{legal.cn_date(effective)}"
            f"起生效。现申请人共同在调解协议生效之日起{JUDICIAL_DAYS}日内，依照《中华人民共和国"
            "人民调解法》第三十三条和《中华人民共和国民事诉讼法》的规定，向贵院申请司法确认。",
            styles.indent),
        Paragraph("申请人承诺：", styles.heading),
        Paragraph("一、申请人出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；",
                  styles.indent),
        Paragraph("二、如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任；",
                  styles.indent),
        Paragraph("三、所提交的材料真实、合法。", styles.indent),
        Paragraph("附：人民调解协议书一份；申请人身份证明材料；与调解协议相关的财产权利证明等材料。",
                  styles.indent),
        Spacer(1, 3 * mm),
        # The addressee stays with the signatures and the date.
        KeepTogether([
            Paragraph("此致", styles.indent),
            Paragraph(esc(court), styles.body),
            Spacer(1, 4 * mm),
            legal.signature_rows(_party_signatures(detail), styles),
            Paragraph(legal.cn_date(judicial.applied_on if judicial else None), styles.right),
        ]),
    ]
    return story


def render_judicial_application(detail: CaseDetail) -> bytes:
    return legal.build(judicial_application_story(detail, Styles()),
                       title=f"司法确认申请书 {detail.case_no}", header=detail.case_no,
                       author=detail.committee_name)
