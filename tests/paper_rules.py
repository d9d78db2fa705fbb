"""What each printed paper of a case must show, checked mechanically (see ``pdf_checks``).

Shared by the property test over every shape of case and by anyone measuring the
documents: which documents a case may have, which entered texts each one must carry,
who must find a labelled place to sign on it.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.pagesizes import A4

from desktop.printing import legal
from desktop.services.mediation import CaseDetail, PartyData
from tests.pdf_checks import MM, Frame, Page, alone_on_page, body_stream, signature_problems

DOCUMENTS = ["application", "acceptance", "rights", "sessions", "agreement", "oral",
             "followups", "judicial"]
HEIGHT = A4[1]
# Page furniture: the number at the top of following pages (and the 卷内页号), the footer.
LEGAL_FRAME = Frame(legal.LEFT, legal.RIGHT, legal.TOP, legal.BOTTOM, bands=(
    (0, legal.TOP - 2 * MM), (HEIGHT - legal.BOTTOM + 2 * MM, HEIGHT)))


def should_refuse(detail: CaseDetail, document: str) -> bool:
    """Whether ``document`` does not fit the case (the command must refuse it)."""
    agreement = detail.agreement
    has_agreement = agreement is not None and bool(agreement.clauses)
    if document == "agreement":
        return not has_agreement or agreement is None or agreement.kind != "written"
    if document == "oral":
        return not has_agreement or agreement is None or agreement.kind != "oral"
    if document == "judicial":
        return not has_agreement or agreement is None or agreement.kind != "written"
    if document == "sessions":
        return not detail.sessions
    return False


def is_minor(party: PartyData) -> bool:
    return party.kind == "person" and party.agent_type == "法定代理人"


def particulars(party: PartyData) -> list[str]:
    values = [party.name, party.address, party.phone, party.id_number, party.credit_code,
              party.legal_rep, party.agent_name, party.agent_relation, party.agent_phone,
              party.agent_id_number]
    if party.occupation:
        values.append(party.occupation)
    return [v for v in values if v]


def agreement_texts(detail: CaseDetail) -> list[str]:
    agreement = detail.agreement
    if agreement is None:
        return []
    return [*agreement.clauses, *(v for v in (
        agreement.performance_method, agreement.performance_place,
        agreement.performance_deadline) if v)]


def entered_texts(detail: CaseDetail, document: str) -> list[str]:
    """The texts someone typed that ``document`` must print in full."""
    everyone = [t for p in detail.parties for t in particulars(p)]
    facts = [detail.facts, detail.matters]
    if document == "application":
        return [*everyone, *facts]
    if document == "acceptance":
        return [detail.case_no, *(t for t in [detail.source_detail] if t), *everyone, *facts]
    if document == "rights":
        return [p.name for p in detail.parties]
    if document == "sessions":
        return [t for s in detail.sessions for t in (s.place, s.attendees, s.record,
                                                     s.next_steps or "") if t]
    if document in ("agreement", "oral"):
        return [*everyone, *facts, *agreement_texts(detail)]
    if document == "followups":
        texts = [t for f in detail.follow_ups for t in (f.method, f.visitor, f.notes) if t]
        return texts + (detail.agreement.clauses if detail.agreement and detail.follow_ups else [])
    if document == "judicial":
        court = detail.judicial.court if detail.judicial else ""
        return [*everyone, *([court] if court else [])]
    raise KeyError(document)


def signers(detail: CaseDetail, document: str) -> tuple[list[str], list[str]]:
    """(labels that need a place to sign, labels that must not: minors)."""
    if document in ("followups",):
        return [], []
    sign, minors = [], []
    for party in detail.parties:
        if document == "application" and party.side != "申请人":
            continue
        side = "申请人" if document == "judicial" else party.side
        if party.kind == "organisation":
            sign.append(f"{side}：{party.name}")
            sign.append(f"{party.legal_rep_title or '法定代表人'}：{party.legal_rep or ''}")
        elif is_minor(party):
            minors.append(f"{side}：{party.name}")
        else:
            sign.append(f"{side}：{party.name}")
        if party.agent_name:
            sign.append(f"{party.agent_type or '委托代理人'}：{party.agent_name}")
    return sign, minors


def document_problems(detail: CaseDetail, document: str, pages: list[Page]) -> list[str]:
    """Signature labels and the agreement's last page (layout is checked by ``all_problems``)."""
    streams = body_stream(pages, LEGAL_FRAME)
    labels, minors = signers(detail, document)
    problems = signature_problems(streams, labels, minors)
    if document in ("agreement", "oral") and detail.agreement and detail.agreement.clauses:
        tail = [c[-8:] for c in detail.agreement.clauses[-1:]]
        problems += alone_on_page(pages, "人民调解委员会印", [*tail, "本协议自", "经当事人确认"])
    return problems


def label_list(values: Iterable[str]) -> str:
    return "、".join(values)
