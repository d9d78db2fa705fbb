"""Which PDF each case document is, rendered from the database (CLI and window alike)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.db import Database
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.mediation import CaseDetail, attachment_contents, case_detail, case_id_for

Progress = Callable[[int, int], None]


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


def render_detail(detail: CaseDetail, document: str) -> bytes:
    """One document of a case already read; refuses what the case cannot have yet."""
    if document in ("agreement", "oral", "judicial") and (
        detail.agreement is None or not detail.agreement.clauses
    ):
        raise ValidationError({"agreement": f"案件 {detail.case_no} 尚未填写协议内容"})
    if document == "sessions" and not detail.sessions:
        raise ValidationError({"sessions": f"案件 {detail.case_no} 尚无调解记录"})
    renderers = _renderers()
    if document not in renderers:
        raise NotFoundError(f"没有名为 {document} 的文书")
    return renderers[document](detail)


def render_casefile(database: Database, case_id: int, *,
                    progress: Progress | None = None) -> bytes:
    from desktop.printing.casefile import render_casefile as build

    with database.read() as session:
        detail = case_detail(session, case_id)
        contents = attachment_contents(session, case_id)
    return build(detail, contents, progress=progress)


def render(database: Database, document: str, case_no: str) -> bytes:
    """``document`` (agreement, casefile, application, …) of the case numbered ``case_no``."""
    with database.read() as session:
        case_id = case_id_for(session, case_no)
        detail = None if document == "casefile" else case_detail(session, case_id)
    if detail is None:
        return render_casefile(database, case_id)
    return render_detail(detail, document)
