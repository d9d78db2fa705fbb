"""人民调解协议书 in the Ministry of Justice layout, and the 口头协议登记表.

The agreement is a legal document (人民调解法 arts. 28-33): every party's
particulars, the facts and disputed matters, the numbered clauses, how, where
and by when they are performed, the number of copies, a signature line for
every party (an organisation signs through its representative, with room for
its seal), the mediators' and recorder's signatures and room for the
committee's seal. Full 身份证号 are printed here: the court needs them for 司法确认.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from desktop.printing import legal
from desktop.printing.legal import Styles, esc
from desktop.services.mediation import AgreementData, CaseDetail, PartyData


def party_particulars(party: PartyData) -> str:
    """The party's particulars in one sentence, as the documents print them."""
    parts: list[str] = []
    if party.is_organisation:
        parts.append(party.name)
        if party.credit_code:
            parts.append(f"统一社会信用代码：{party.credit_code}")
        if party.address:
            parts.append(f"住所：{party.address}")
        if party.legal_rep:
            parts.append(f"{party.legal_rep_title or '法定代表人'}：{party.legal_rep}")
        if party.phone:
            parts.append(f"联系电话：{party.phone}")
    else:
        parts.append(party.name)
        if party.gender:
            parts.append(party.gender)
        if party.ethnicity:
            ethnicity = party.ethnicity
            parts.append(ethnicity if ethnicity.endswith("族") else f"{ethnicity}族")
        if party.birth_date:
            parts.append(f"{legal.cn_date(party.birth_date)}出生")
        elif party.age is not None:
            parts.append(f"{party.age}岁")
        if party.id_number:
            parts.append(f"公民身份号码：{party.id_number}")
        if party.occupation:
            parts.append(f"职业或工作单位：{party.occupation}")
        if party.address:
            parts.append(f"住址：{party.address}")
        if party.phone:
            parts.append(f"联系电话：{party.phone}")
    return "，".join(parts) + "。"


def agent_particulars(party: PartyData) -> str | None:
    if not party.agent_name:
        return None
    parts = [party.agent_name]
    if party.agent_relation:
        parts.append(party.agent_relation)
    if party.agent_id_number:
        parts.append(f"公民身份号码：{party.agent_id_number}")
    if party.agent_phone:
        parts.append(f"联系电话：{party.agent_phone}")
    return "，".join(parts) + "。"


def parties_block(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for party in detail.parties:
        label = party.side
        story.append(Paragraph(f"{esc(label)}：{esc(party_particulars(party))}", styles.body))
        agent = agent_particulars(party)
        if agent:
            story.append(Paragraph(f"{esc(party.agent_type or '委托代理人')}：{esc(agent)}",
                                   styles.indent))
    return story


def copies_of(detail: CaseDetail, agreement: AgreementData) -> int:
    """Copies printed: as set, else one per party plus one for the committee."""
    return agreement.copies or len(detail.parties) + 1


def party_signatures(detail: CaseDetail) -> list[tuple[str, str]]:
    entries: list[tuple[str, str]] = []
    for party in detail.parties:
        if party.is_organisation:
            entries.append((f"{party.side}：{party.name}", "盖章"))
            rep = party.legal_rep_title or "法定代表人"
            entries.append((f"{rep}：{party.legal_rep or ''}", "签名"))
        else:
            entries.append((f"{party.side}：{party.name}", "签名、盖章或按指印"))
        if party.agent_name:
            entries.append((f"{party.agent_type or '委托代理人'}：{party.agent_name}", "签名"))
    return entries


def staff_signatures(detail: CaseDetail) -> list[tuple[str, str]]:
    entries = [(f"人民调解员：{name}", "签名") for name in detail.mediators]
    if not entries:
        entries.append(("人民调解员：", "签名"))
    entries.append((f"记录人：{detail.recorder or ''}", "签名"))
    return entries


def agreement_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    agreement = detail.agreement or AgreementData(
        kind="written", clauses=[], performance_method=None, performance_place=None,
        performance_deadline=None, copies=None, amount=None, signed_on=None, effective_on=None,
    )
    story: list[Flowable] = [
        Paragraph("人民调解协议书", styles.title),
        Paragraph(f"{esc(detail.case_no)}", styles.number),
        *parties_block(detail, styles),
        Spacer(1, 2 * mm),
        *legal.labelled("纠纷主要事实、争议事项", _facts_and_matters(detail), styles),
        Paragraph("经调解，自愿达成如下协议：", styles.heading),
    ]
    clauses = agreement.clauses or ["　"]
    for number, clause in enumerate(clauses, 1):
        story.append(Paragraph(f"{legal.chinese_number(number)}、{esc(clause)}", styles.clause))
    story.append(Paragraph("履行协议的方式、地点、期限：", styles.heading))
    performance = [
        ("履行方式", agreement.performance_method),
        ("履行地点", agreement.performance_place),
        ("履行期限", agreement.performance_deadline),
    ]
    for label, value in performance:
        story.append(Paragraph(f"{label}：{esc(value) or '　'}", styles.indent))
    if agreement.amount is not None:
        story.append(Paragraph(f"本协议涉及金额：{legal.yuan(agreement.amount)}。", styles.indent))
    copies = copies_of(detail, agreement)
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(
        f"本协议一式 {copies} 份，当事人、人民调解委员会各持一份。"
        "本协议自各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。",
        styles.indent))
    story.append(Spacer(1, 3 * mm))
    # The signatures start on the page of their heading; each row stays whole.
    story.append(KeepTogether([
        Paragraph("当事人：", styles.heading),
        legal.signature_rows(party_signatures(detail)[:2], styles),
    ]))
    rest = party_signatures(detail)[2:]
    if rest:
        story.append(legal.signature_rows(rest, styles))
    story.append(legal.closing_block(staff_signatures(detail), detail.committee_name,
                                     agreement.signed_on, styles))
    return story


def _facts_and_matters(detail: CaseDetail) -> str:
    text = detail.facts.strip()
    if detail.matters.strip():
        text += "\n争议事项：" + detail.matters.strip()
    return text


def render_agreement(detail: CaseDetail) -> bytes:
    """The 人民调解协议书 of ``detail`` (its agreement as saved, or as being typed)."""
    styles = Styles()
    return legal.build(agreement_story(detail, styles), title=f"人民调解协议书 {detail.case_no}",
                       header=f"人民调解协议书 {detail.case_no}", author=detail.committee_name)


def oral_agreement_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    agreement = detail.agreement
    clauses = agreement.clauses if agreement else []
    w = legal.WIDTH
    rows: list[list[object]] = [["编号", detail.case_no, "登记日期",
                                 legal.cn_date(agreement.signed_on if agreement else None)]]
    for party in detail.parties:
        rows.append([party.side, party_particulars(party), "", ""])
    rows.append(["纠纷简要情况", _facts_and_matters(detail), "", ""])
    content = "\n".join(f"{legal.chinese_number(n)}、{c}" for n, c in enumerate(clauses, 1))
    rows.append(["口头协议内容", content or "", "", ""])
    if agreement:
        perf = "；".join(f"{label}：{value}" for label, value in (
            ("方式", agreement.performance_method), ("地点", agreement.performance_place),
            ("期限", agreement.performance_deadline)) if value)
        rows.append(["履行方式、地点、期限", perf, "", ""])
    rows.append(["人民调解员", "、".join(detail.mediators), "记录人", detail.recorder or ""])
    spans = [((1, r), (3, r)) for r in range(1, len(rows) - 1)]
    table = legal.form_table(rows, [w * 0.18, w * 0.42, w * 0.16, w * 0.24], styles, spans=spans)
    sign = [(f"{p.side}：{p.name}", "签名、盖章或按指印") for p in detail.parties]
    return [
        Paragraph("口头调解协议登记表", styles.title),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph("以上内容经当事人确认无误。", styles.indent),
        legal.closing_block(sign, detail.committee_name,
                            agreement.signed_on if agreement else None, styles),
    ]


def render_oral_agreement(detail: CaseDetail) -> bytes:
    styles = Styles()
    return legal.build(oral_agreement_story(detail, styles),
                       title=f"口头调解协议登记表 {detail.case_no}", header=detail.case_no,
                       author=detail.committee_name)
