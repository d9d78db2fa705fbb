"""Which document fits which case, and the PDF of each (command line and window alike).

The rules are here, without Qt, so the window and the command line refuse the same
papers with the same Chinese message: a 司法确认申请书 only for a written agreement
(人民调解法 art. 33 confirms a 调解协议书), the 口头调解协议登记表 only for an oral one,
the 协议书 only for a written one, and the 卷宗 of a case still open only as a draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop.db import Database
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import CentreSettings, missing_message
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.mediation import CaseDetail, attachment_contents, case_detail, case_id_for

Progress = Callable[[int, int], None]

DOCUMENT_TITLES = {
    "agreement": "人民调解协议书",
    "oral": "口头调解协议登记表",
    "application": "人民调解申请书",
    "acceptance": "人民调解受理登记表",
    "rights": "当事人权利义务告知书",
    "sessions": "调解记录",
    "followups": "回访记录",
    "judicial": "司法确认申请书",
}


def _renderers() -> dict[str, Callable[[CaseDetail], bytes]]:
    # Printing is imported lazily: services do not need ReportLab to load.
    from desktop.printing import agreement, case_documents

    return {
        "agreement": agreement.render_agreement,
        "oral": agreement.render_oral_agreement,
        "application": case_documents.render_application,
        "acceptance": case_documents.render_acceptance,
        "rights": case_documents.render_rights_notice,
        "sessions": case_documents.render_all_session_records,
        "followups": case_documents.render_follow_ups,
        "judicial": case_documents.render_judicial_application,
    }


def unnamed_committee(detail: CaseDetail) -> str | None:
    """Every paper is issued in the committee's name: none before the centre names it."""
    return missing_message(CentreSettings(committee_name=detail.committee_name),
                           ["committee_name"], "打印调解文书")


def refusal(detail: CaseDetail, document: str) -> str | None:
    """Why ``document`` does not fit the case (None when it does)."""
    unnamed = unnamed_committee(detail)
    if unnamed:
        return unnamed
    case_no = detail.case_no
    agreement = detail.agreement
    if document in ("agreement", "oral", "judicial") and (
        agreement is None or not agreement.clauses
    ):
        return f"案件 {case_no} 尚未填写协议内容"
    if document == "judicial" and agreement and agreement.kind != "written":
        return (f"案件 {case_no} 达成的是口头协议：司法确认只适用于书面人民调解协议书"
                "（人民调解法第三十三条），不能生成司法确认申请书")
    if document == "oral" and agreement and agreement.kind != "oral":
        return f"案件 {case_no} 达成的是书面协议：请打印人民调解协议书，而不是口头调解协议登记表"
    if document == "agreement" and agreement and agreement.kind != "written":
        return f"案件 {case_no} 达成的是口头协议：请打印口头调解协议登记表，而不是人民调解协议书"
    if document == "sessions" and not detail.sessions:
        return f"案件 {case_no} 尚无调解记录"
    return None


def print_detail(database: Database, detail: CaseDetail, document: str) -> bytes:
    """:func:`render_detail`, and the audit entry saying who printed which paper."""
    pdf = render_detail(detail, document)
    _log_print(database, detail.id, detail.case_no, DOCUMENT_TITLES[document])
    return pdf


def _log_print(database: Database, case_id: int, case_no: str, title: str) -> None:
    audit.log_event(database, "print", "mediation_case", case_id, {"文书": title, "案号": case_no})


def render_detail(detail: CaseDetail, document: str) -> bytes:
    """One document of a case already read; refuses what does not fit the case."""
    renderers = _renderers()
    if document not in renderers:
        raise NotFoundError(f"没有名为 {document} 的文书")
    reason = refusal(detail, document)
    if reason:
        field = "sessions" if document == "sessions" else "agreement"
        raise ValidationError({field: reason})
    return renderers[document](detail)


@dataclass(frozen=True)
class FileItem:
    """One paper a complete 卷宗 must hold, and whether this case's file has it."""

    title: str
    present: bool
    required: bool = True


def casefile_checklist(detail: CaseDetail) -> list[FileItem]:
    """What a complete case file holds (MoJ 2010 卷宗 order), marked present or missing.

    Scans are the papers only a scanner brings in: 身份证明 always; 履行凭证 once a
    follow-up found the agreement performed; 司法确认材料 once a court decided.
    """
    kinds = {a.kind for a in detail.attachments}
    agreement = detail.agreement
    has_agreement = agreement is not None and bool(agreement.clauses)
    items = []
    if detail.source == "当事人申请":
        items.append(FileItem("人民调解申请书", True))
    items += [
        FileItem("人民调解受理登记表", True),
        FileItem("当事人身份证明", "身份证明" in kinds),
        FileItem("当事人权利义务告知书", True),
        FileItem("调解记录", bool(detail.sessions)),
    ]
    if detail.outcome == "调解成功" or has_agreement:
        written = agreement is None or agreement.kind == "written"
        items.append(FileItem("人民调解协议书" if written else "口头调解协议登记表",
                              has_agreement))
        items.append(FileItem("回访记录", any(f.done_on for f in detail.follow_ups)))
        if any(f.performance == "已履行" for f in detail.follow_ups):
            items.append(FileItem("履行凭证", "履行凭证" in kinds, required=False))
    elif detail.outcome:
        items.append(FileItem("调解终结情况说明", bool(detail.outcome_reason)))
    if detail.judicial is not None:
        items.append(FileItem("司法确认申请书", has_agreement and agreement is not None
                              and agreement.kind == "written"))
        if detail.judicial.result:
            items.append(FileItem("司法确认材料", "司法确认材料" in kinds))
    items.append(FileItem("结案", detail.outcome is not None))
    return items


def casefile_refusal(detail: CaseDetail, *, draft: bool) -> str | None:
    unnamed = unnamed_committee(detail)
    if unnamed:
        return unnamed
    if detail.outcome is None and not draft:
        return (f"案件 {detail.case_no} 尚未结案，卷宗不完整：只能打印标明“草稿”的卷宗"
                "（命令行加 --draft）")
    return None


def render_casefile(database: Database, case_id: int, *, progress: Progress | None = None,
                    draft: bool | None = None) -> bytes:
    """The 卷宗; ``draft`` None: a marked draft exactly when the case is still open."""
    auth.require(database, "case.print")
    from desktop.printing.casefile import render_casefile as build

    with database.read() as session:
        detail = case_detail(session, case_id)
        contents = attachment_contents(session, case_id)
    is_draft = detail.outcome is None if draft is None else draft
    reason = casefile_refusal(detail, draft=is_draft)
    if reason:
        raise ValidationError({"outcome": reason})
    pdf = build(detail, contents, progress=progress, draft=is_draft)
    _log_print(database, case_id, detail.case_no,
               "人民调解卷宗（草稿）" if is_draft else "人民调解卷宗")
    return pdf


def render(database: Database, document: str, case_no: str, *, draft: bool = False) -> bytes:
    """``document`` (agreement, casefile, application, …) of the case numbered ``case_no``."""
    auth.require(database, "case.print")
    with database.read() as session:
        case_id = case_id_for(session, case_no)
        detail = None if document == "casefile" else case_detail(session, case_id)
    if detail is None:
        return render_casefile(database, case_id, draft=draft)
    return print_detail(database, detail, document)
