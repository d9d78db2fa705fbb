"""The printed 移交单 and 回执 of a hand-over (window and tests alike)."""

from __future__ import annotations

from desktop.db import Database
from desktop.services.admin import audit, auth
from desktop.services.errors import FeatureUnavailableError
from desktop.services.police.handovers import handover_detail

DOCUMENT_TITLES = {"handover": "警民联络移交单", "reply": "移交事项办理回执"}


def render(database: Database, document: str, handover_id: int) -> bytes:
    """The PDF of ``document`` (``handover`` or ``reply``) for the hand-over."""
    auth.require(database, "police.print")
    if document not in DOCUMENT_TITLES:
        raise FeatureUnavailableError(f"没有名为“{document}”的文书")
    from desktop.printing import police_handover  # ReportLab loads only when printing

    with database.read() as session:
        detail = handover_detail(session, handover_id)
    renderer = (police_handover.render_handover if document == "handover"
                else police_handover.render_reply)
    pdf = renderer(detail)
    audit.log_event(database, "print", "police_handover", handover_id,
                    {"文书": DOCUMENT_TITLES[document], "编号": detail.handover_no})
    return pdf
