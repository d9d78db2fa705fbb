"""The demo data gives the reception screens something real to show, consistently."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Escalation, Referral, ReferralEvent, Visit
from desktop.services.demo.generate import generate_demo_data
from desktop.services.reception import queue


def test_demo_data_has_routes_transfers_and_escalations(database: Database) -> None:
    generate_demo_data(database, visits=400, seed=7)
    generate_demo_data(database, visits=100, seed=8)  # a second run adds, consistently
    with database.read() as session:
        def count(stmt) -> int:  # type: ignore[no-untyped-def]
            return int(session.scalar(stmt) or 0)

        referrals = count(select(func.count()).select_from(Referral))
        assert referrals > 500
        # Every ticket has its route; tickets are unique per room and day.
        without_events = count(
            select(func.count()).select_from(Referral)
            .where(~select(ReferralEvent.id).where(ReferralEvent.referral_id == Referral.id)
                   .exists()))
        assert without_events == 0
        distinct = count(select(func.count()).select_from(
            select(Referral.room_id, Referral.ticket_date, Referral.ticket_seq).distinct()
            .subquery()))
        assert distinct == referrals
        # Transfers end in one room and continue in another.
        transferred = session.scalars(
            select(Referral.id).where(Referral.status == "transferred")).all()
        assert transferred
        followed = count(select(func.count()).select_from(Referral)
                         .where(Referral.transferred_from_id.in_(transferred)))
        assert followed == len(transferred)
        visit_id = session.scalar(select(Referral.visit_id).where(
            Referral.id == transferred[0]))
        assert visit_id is not None
        route = queue.visit_route(session, visit_id)
        actions = [e.action for e in route.events]
        assert "transfer" in actions and "transfer_in" in actions
        assert len(route.steps) >= 2
        # Collective visits name their representative.
        assert count(select(func.count()).select_from(Visit).where(
            Visit.visit_type == "集体", Visit.representative_name.is_(None))) == 0
        # Department referrals and escalations, some open.
        assert count(select(func.count()).select_from(Escalation)
                     .where(Escalation.kind == "department")) > 0
        assert count(select(func.count()).select_from(Escalation)
                     .where(Escalation.kind == "level")) > 0
        assert queue.open_escalations(session)
