"""The counselling register's monthly figures: what falls inside the month, counted once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import CounsellingCase, RiskAssessment
from desktop.services.counselling import register
from desktop.services.registers.rows import Period
from tests.counselling_helpers import take_up


def test_risks_referrals_and_closings_count_within_the_month_only(database: Database) -> None:
    """Risk assessments one second either side of the month's edges, a case referred out
    and a case closed in the month: each counted once, under its own figure."""
    refs = [take_up(database, n) for n in (7, 8, 9, 10)]
    at = [datetime(2026, 10, 31, 23, 59, 59), datetime(2026, 11, 1, 0, 0),
          datetime(2026, 11, 30, 23, 59, 59), datetime(2026, 12, 1, 0, 0)]
    with database.write() as session:
        ids = [session.scalars(select(RiskAssessment.id).where(
            RiskAssessment.case_id == r.case_id)).all() for r in refs]
        for (rid,), when, level in zip(ids, at, ("高", "高", "中", "中"), strict=False):
            session.execute(update(RiskAssessment).where(RiskAssessment.id == rid)
                            .values(assessed_at=when, level=level))
        session.execute(update(CounsellingCase).where(CounsellingCase.id == refs[0].case_id)
                        .values(referred_on=date(2026, 11, 15)))
        session.execute(update(CounsellingCase).where(CounsellingCase.id == refs[1].case_id)
                        .values(closed_on=date(2026, 11, 20), status="closed"))
    with database.read() as session:
        c = register.counts(session, Period.month(2026, 11))
    assert c.by_risk == {"高": 1, "中": 1, "低": 0}
    assert (c.referred, c.closed) == (1, 1)
