"""人民调解协议书 in the Ministry of Justice layout, and the 口头协议登记表.

The agreement is a legal document (人民调解法 arts. 28-33): every party's
particulars, the facts and disputed matters, the numbered clauses, how, where
and by when they are performed, the number of copies, a signature line for
every party (an organisation signs through its representative, with room for
its seal), the mediators' and recorder's signatures and room for the
committee's seal. Full 身份证号 are printed here: the court needs them for 司法确认.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from desktop.printing import legal
from desktop.printing.legal import Signer, SignGroup, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.mediation import SIDES, AgreementData, CaseDetail, PartyData


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


def parties_block(detail: CaseDetail, styles: Styles, *, sides: Sequence[str] = tuple(SIDES),
                  label: str | None = None) -> list[Flowable]:
    """Each party's particulars, its agent or legal representative on the next line."""
    story: list[Flowable] = []
    for party in detail.parties:
        if party.side not in sides:
            continue
        story.append(Para(f"{esc(label or party.side)}：{esc(party_particulars(party))}",
                          styles.body))
        agent = agent_particulars(party)
        if agent:
            story.append(Para(f"{esc(party.agent_type or '委托代理人')}：{esc(agent)}",
                              styles.indent))
    return story


def copies_of(detail: CaseDetail, agreement: AgreementData) -> int:
    """Copies printed: as set, else one per party plus one for the committee."""
    return agreement.copies or len(detail.parties) + 1


def signs_through_guardian(party: PartyData) -> bool:
    """A minor (or anyone with a 法定代理人) signs through the legal representative."""
    return not party.is_organisation and party.agent_type == "法定代理人"


def sign_groups(parties: Sequence[PartyData], *, side: str | None = None,
                hint: str = "签名、盖章或按指印") -> list[SignGroup]:
    """One signing place per party, its agent and legal representative beside it.

    A company seals (45 mm) and its representative signs; a minor's 法定代理人 signs
    for him; a 委托代理人 signs beside the party.
    """
    groups = []
    for party in parties:
        label = f"{side or party.side}：{party.name}"
        beside: list[Signer] = []
        if party.is_organisation:
            main = Signer(label, "盖章", seal=True)
            title = party.legal_rep_title or "法定代表人"
            beside.append(Signer(f"{title}：{party.legal_rep or ''}", "签名"))
        elif signs_through_guardian(party):
            main = Signer(label, "未成年人或无民事行为能力人，由法定代理人代为签名", signs=False)
        else:
            main = Signer(label, hint)
        if party.agent_name:
            agent_type = party.agent_type or "委托代理人"
            beside.append(Signer(f"{agent_type}：{party.agent_name}",
                                 hint if agent_type == "法定代理人" else "签名"))
        groups.append(SignGroup(main, tuple(beside)))
    return groups


def staff_signers(detail: CaseDetail, *, mediators: Sequence[str] = (),
                  recorder: str = "") -> list[Signer]:
    """The 人民调解员 and the 记录人 who sign: the case's, or a session's own when given."""
    signers = [Signer(f"人民调解员：{name}") for name in mediators or detail.mediators]
    if not signers:
        signers.append(Signer("人民调解员："))
    signers.append(Signer(f"记录人：{recorder or detail.recorder or ''}"))
    return signers


def _empty_agreement() -> AgreementData:
    return AgreementData(kind="written", clauses=[], performance_method=None,
                         performance_place=None, performance_deadline=None, copies=None,
                         amount=None, signed_on=None, effective_on=None)


def amount_text(amount: Decimal) -> str:
    return f"本协议涉及金额：{legal.yuan(amount)}（大写：人民币{legal.rmb_upper(amount)}）。"


def agreement_story(detail: CaseDetail, styles: Styles) -> list[Flowable]:
    agreement = detail.agreement or _empty_agreement()
    story: list[Flowable] = [
        Para("人民调解协议书", styles.title),
        Para(esc(detail.case_no), styles.number),
        *parties_block(detail, styles),
        Spacer(1, 2 * mm),
        *legal.labelled("纠纷主要事实、争议事项", _facts_and_matters(detail), styles),
        # 人民调解法 art. 29: the facts, the matters in dispute and each party's share of
        # responsibility. No field holds it yet: room to write it by hand.
        Para("各方当事人的责任：", styles.heading_keep),
        *[legal.FillLine([legal.Blank(legal.WIDTH)], styles.body) for _ in range(2)],
        Para("经调解，自愿达成如下协议：", styles.heading_keep),
    ]
    clauses = agreement.clauses or [""]
    for number, clause in enumerate(clauses, 1):
        lines = [line.strip() for line in clause.splitlines() if line.strip()] or ["　"]
        story.append(Para(f"{legal.chinese_number(number)}、{esc(lines[0])}", styles.clause))
        story += [Para(esc(line), styles.clause) for line in lines[1:]]
    closing: list[Flowable] = [Para("履行协议的方式、地点、期限：", styles.heading_keep)]
    for label, value in (("履行方式", agreement.performance_method),
                         ("履行地点", agreement.performance_place),
                         ("履行期限", agreement.performance_deadline)):
        if value:
            closing.append(Para(f"{label}：{esc(value)}", styles.indent))
        else:
            closing.append(legal.FillLine([f"　　{label}：", legal.Blank(90 * mm)], styles.body))
    copies = copies_of(detail, agreement)
    sentence = Para(
        f"本协议一式 {copies} 份，当事人、人民调解委员会各持一份。"
        "本协议自各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。",
        styles.indent)
    if agreement.amount is not None:
        closing.append(Para(esc(amount_text(agreement.amount)), styles.indent))
    # Short performance terms move with the signatures, so that page is not theirs alone.
    if legal.text_height(closing) < 60 * mm:
        lead = [*closing, sentence]
    else:
        story += closing
        lead = [sentence]
    story += legal.signing(lead, sign_groups(detail.parties),
                           legal.staff_and_seal(staff_signers(detail), detail.committee_name,
                                                agreement.signed_on, styles), styles)
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
    """口头调解协议登记表 (MoJ 2010): the proof of an oral agreement, so every row grows."""
    agreement = detail.agreement
    clauses = agreement.clauses if agreement else []
    rows: list[legal.Row | legal.Pair] = [
        legal.Pair("编号", detail.case_no, "登记日期",
                   legal.date_line(agreement.signed_on if agreement else None, styles.cell,
                                   align="left")),
    ]
    for party in detail.parties:
        text = party_particulars(party)
        agent = agent_particulars(party)
        if agent:
            text += f"\n{party.agent_type or '委托代理人'}：{agent}"
        rows.append(legal.Row(party.side, text))
    rows.append(legal.Row("纠纷简要情况", _facts_and_matters(detail)))
    content = "\n".join(f"{legal.chinese_number(n)}、{c}" for n, c in enumerate(clauses, 1))
    rows.append(legal.Row("口头协议内容", content, min_height=30 * mm))
    perf = ""
    if agreement:
        perf = "\n".join(f"{label}：{value}" for label, value in (
            ("履行方式", agreement.performance_method), ("履行地点", agreement.performance_place),
            ("履行期限", agreement.performance_deadline)) if value)
        if agreement.amount is not None:
            perf += ("\n" if perf else "") + amount_text(agreement.amount)
    rows.append(legal.Row("履行方式\n地点、期限", perf, min_height=25 * mm))
    rows.append(legal.Pair("人民调解员", "、".join(detail.mediators), "记录人",
                           detail.recorder or ""))
    return [
        Para("口头调解协议登记表", styles.title),
        Para(esc(detail.case_no), styles.number),
        *legal.form(rows, styles),
        Spacer(1, 4 * mm),
        *legal.signing(
            [Para("以上内容经当事人确认无误。", styles.indent)], sign_groups(detail.parties),
            legal.staff_and_seal(staff_signers(detail), detail.committee_name,
                                 agreement.signed_on if agreement else None, styles), styles),
    ]


def render_oral_agreement(detail: CaseDetail) -> bytes:
    styles = Styles()
    return legal.build(oral_agreement_story(detail, styles),
                       title=f"口头调解协议登记表 {detail.case_no}",
                       header=f"口头调解协议登记表 {detail.case_no}",
                       author=detail.committee_name)
