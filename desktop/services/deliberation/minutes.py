"""The printable minutes (议事会议纪要) of a meeting, as the reader may see it."""

from __future__ import annotations

from desktop.db import Database
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import load_settings
from desktop.services.deliberation.listing import meeting_detail


def render_minutes(database: Database, meeting_id: int) -> tuple[bytes, str]:
    """The PDF and its suggested file name; confidential matters print masked."""
    auth.require(database, "deliberation.read")
    with database.read() as session:
        detail = meeting_detail(session, meeting_id)
        centre = load_settings(session).centre_name
    # ReportLab is loaded only when a paper is printed.
    from desktop.printing.deliberation_minutes import render_minutes as render

    pdf = render(detail, centre)
    audit.log_event(database, "print", "deliberation_meeting", meeting_id,
                    {"文书": "议事会议纪要", "会议日期": f"{detail.held_on:%Y-%m-%d}"})
    return pdf, f"议事会议纪要_{detail.held_on:%Y%m%d}.pdf"
