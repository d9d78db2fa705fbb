"""demo-data fills the 警民联络室 and the 社会组织工作室, consistently with their rules."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import OrganisationActivity, OrganisationReferral, PoliceHandover
from desktop.services.demo.generate import generate_demo_data
from desktop.services.police import handovers
from tests.police_helpers import handover


def test_demo_fills_both_rooms(database: Database) -> None:
    summary = generate_demo_data(database, visits=800)
    assert summary.counts["警民联络移交"] > 0 and summary.counts["社会组织转介"] > 0
    with database.read() as session:
        rows = session.scalars(select(PoliceHandover)).all()
        assert {h.direction for h in rows} == {"to_police", "from_police"}
        assert all(h.reply_on is None or h.reply_on >= h.handed_at.date() for h in rows)
        assert any(h.reply_on is None and h.reply_due is not None for h in rows)
        referred = session.scalars(select(OrganisationReferral)).all()
        assert all(r.delivered_on is None or r.delivered_on >= r.referred_on for r in referred)
        assert session.scalar(select(func.count(OrganisationActivity.id))) > 0
        last = max(h.seq for h in rows if h.year == 2026)
    # The numbers go on from the demo's.
    ref = handovers.record_handover(database, handover())
    assert ref.handover_no == handovers.format_handover_no(2026, last + 1)
