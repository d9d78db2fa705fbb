"""Demo data fills every room: the invented records follow the rooms' own rules."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import (
    CounsellingCase,
    CounsellingSession,
    Notification,
    RiskAssessment,
    SequenceCounter,
    Visit,
)
from desktop.services.demo.generate import generate_demo_data
from tests.counselling_helpers import take_up


def test_demo_counselling_cases_follow_the_rooms_rules(database: Database) -> None:
    summary = generate_demo_data(database, visits=3000, seed=11)
    assert summary.counts["心理咨询个案"] > 0
    assert summary.counts["心理咨询记录"] >= summary.counts["心理咨询个案"]
    with database.read() as session:
        cases = session.scalars(select(CounsellingCase)).all()
        # Every case has its intake assessment and at least one session.
        intakes = set(session.scalars(select(RiskAssessment.case_id)
                                      .where(RiskAssessment.session_id.is_(None))))
        with_sessions = set(session.scalars(select(CounsellingSession.case_id)))
        assert {c.id for c in cases} == intakes == with_sessions
        # A high assessment carries its crisis step, raised the visit to 红 and told
        # the leaders, without a word of what was said.
        highs = session.execute(select(RiskAssessment.crisis_step, Visit.risk_level)
                                .join(CounsellingCase,
                                      CounsellingCase.id == RiskAssessment.case_id)
                                .join(Visit, Visit.id == CounsellingCase.visit_id)
                                .where(RiskAssessment.level == "高")).all()
        assert highs and all(step and level == "红" for step, level in highs)
        notices = session.scalars(select(Notification.text)).all()
        assert len(notices) == len(highs)
        assert all(text.startswith("心理咨询室有一名来访人评估为高风险") for text in notices)
        closed = [c for c in cases if c.status == "closed"]
        assert closed and all(c.closed_on and c.close_reason for c in closed)
        # The counter stands at the last number used, so the room's next case follows it.
        year = max(c.year for c in cases)
        last = session.scalar(select(func.max(CounsellingCase.seq))
                              .where(CounsellingCase.year == year))
        assert session.get_one(SequenceCounter, f"counselling:{year}").value == last
    ref = take_up(database, 901)
    assert ref.case_no not in {c.case_no for c in cases}
