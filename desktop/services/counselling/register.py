"""Counts of the counselling room for the monthly report, and the counsellors' register.

The monthly report reads counts only (cases opened, sessions, assessments by risk
level, referrals out, closed); no text, no names. The counselling register (for
counsellors only) lists non-content fields: number, opened, sessions, highest risk,
status.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import CounsellingCase, CounsellingSession, RiskAssessment
from desktop.services.admin import auth
from desktop.services.counselling import STATUS_LABELS
from desktop.services.counselling.risk import LEVELS
from desktop.services.registers.rows import Period


@dataclass(frozen=True)
class CounsellingCounts:
    opened: int
    sessions: int
    by_risk: dict[str, int]  # assessments made in the period, by level
    referred: int
    closed: int


def _between(column, period: Period):  # type: ignore[no-untyped-def]
    return column.between(period.start, period.end)


def counts(session: Session, period: Period) -> CounsellingCounts:
    """Figures only, for anyone who may read reports; nothing of what was said."""
    opened = session.scalar(select(func.count(CounsellingCase.id))
                            .where(_between(CounsellingCase.opened_on, period))) or 0
    sessions = session.scalar(select(func.count(CounsellingSession.id))
                              .where(_between(CounsellingSession.held_on, period))) or 0
    by_risk = dict.fromkeys(LEVELS, 0)
    for level, n in session.execute(
            select(RiskAssessment.level, func.count(RiskAssessment.id))
            .where(RiskAssessment.assessed_at >= period.starts_at,
                   RiskAssessment.assessed_at < period.ends_before)
            .group_by(RiskAssessment.level)):
        by_risk[level] = int(n)
    referred = session.scalar(select(func.count(CounsellingCase.id))
                              .where(_between(CounsellingCase.referred_on, period))) or 0
    closed = session.scalar(select(func.count(CounsellingCase.id))
                            .where(_between(CounsellingCase.closed_on, period))) or 0
    return CounsellingCounts(int(opened), int(sessions), by_risk, int(referred), int(closed))


@dataclass(frozen=True)
class RegisterRow:
    seq: int
    case_no: str
    opened_on: date
    sessions: int
    highest_risk: str
    status: str


def _filter(stmt, period: Period):  # type: ignore[no-untyped-def]
    return stmt.where(_between(CounsellingCase.opened_on, period))


def count_register(session: Session, period: Period) -> int:
    auth.require(session, "counselling.read")
    return int(session.scalar(_filter(select(func.count(CounsellingCase.id)), period)) or 0)


def register_rows(session: Session, period: Period) -> Iterator[RegisterRow]:
    """The counsellors' register of the cases opened in ``period``; no names, no text."""
    auth.require(session, "counselling.read")
    sessions = (select(func.count(CounsellingSession.id))
                .where(CounsellingSession.case_id == CounsellingCase.id).scalar_subquery())
    stmt = _filter(select(CounsellingCase.case_no, CounsellingCase.opened_on, sessions,
                          CounsellingCase.highest_risk, CounsellingCase.status), period)
    stmt = stmt.order_by(CounsellingCase.opened_on, CounsellingCase.id)
    for seq, (no, opened, n, high, status) in enumerate(session.execute(stmt), 1):
        yield RegisterRow(seq, no, opened, int(n or 0), high, STATUS_LABELS.get(status, status))
