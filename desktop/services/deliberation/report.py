"""The deliberation figures for the monthly report: counts only.

Meetings held and matters taken up in the period (by the meeting's date); actions
agreed at those meetings; actions done in the period (by the day they were done);
actions overdue at the end of the period: due before its last day and not done by then.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.models import DeliberationAction, DeliberationMatter, DeliberationMeeting
from desktop.services.registers.rows import Period


@dataclass(frozen=True)
class DeliberationCounts:
    meetings: int
    matters: int
    actions: int
    done: int
    overdue_at_end: int


def counts(session: Session, period: Period) -> DeliberationCounts:
    held = DeliberationMeeting.held_on.between(period.start, period.end)
    meetings = session.scalar(select(func.count(DeliberationMeeting.id)).where(held)) or 0
    matters = session.scalar(select(func.count(DeliberationMatter.id))
                             .join(DeliberationMeeting).where(held)) or 0
    actions = session.scalar(select(func.count(DeliberationAction.id))
                             .join(DeliberationMeeting).where(held)) or 0
    done = session.scalar(select(func.count(DeliberationAction.id)).where(
        DeliberationAction.done_on.between(period.start, period.end))) or 0
    overdue = session.scalar(select(func.count(DeliberationAction.id)).where(
        DeliberationAction.due_on < period.end,
        or_(DeliberationAction.done_on.is_(None), DeliberationAction.done_on > period.end))) or 0
    return DeliberationCounts(int(meetings), int(matters), int(actions), int(done), int(overdue))
