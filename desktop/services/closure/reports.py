"""The figures of 回复 and 评价 for the monthly report and the dashboard.

回复率 = visits registered in the period that were replied to ÷ visits registered in it.
满意率 = (非常满意 + 满意 + 基本满意) ÷ ratings, of the first ratings given in the period
(a re-rating after a 整改 is not counted again), per room and per member of staff who
handled a ticket of the matter. The rating pad's ratings of single tickets (一次一评)
count among them, for their own ticket's room and the member of staff they name.
Overdue: visits of the period with a 服务时限 replied after their due date, or not
replied and past it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from desktop.models import Category, Referral, Room, Staff, Visit, VisitRating, VisitReply
from desktop.services.closure.replies import SATISFIED
from desktop.services.closure.workdays import Calendar
from desktop.services.registers.rows import Period


def satisfaction_rate(rated: int, satisfied: int) -> float | None:
    return round(satisfied * 100 / rated, 1) if rated else None


@dataclass(frozen=True)
class ClosureCounts:
    visits: int
    replied: int
    rated: int
    satisfied: int
    overdue: int

    @property
    def reply_rate(self) -> float | None:
        return round(self.replied * 100 / self.visits, 1) if self.visits else None

    @property
    def satisfaction_rate(self) -> float | None:
        return satisfaction_rate(self.rated, self.satisfied)


def _in(period: Period, column):  # type: ignore[no-untyped-def]
    return (column >= period.starts_at) & (column < period.ends_before)


def _first_ratings(period: Period):  # type: ignore[no-untyped-def]
    return (_in(period, VisitRating.rated_at), VisitRating.rerating.is_(False))


def closure_counts(session: Session, period: Period, *, today: date | None = None
                   ) -> ClosureCounts:
    today = today or date.today()
    in_period = (_in(period, Visit.visited_at), Visit.deleted_at.is_(None))
    visits = session.scalar(select(func.count(Visit.id)).where(*in_period)) or 0
    replied = session.scalar(select(func.count(VisitReply.id))
                             .join(Visit, Visit.id == VisitReply.visit_id)
                             .where(*in_period)) or 0
    rated = satisfied = 0
    for level, n in session.execute(
        select(VisitRating.level, func.count(VisitRating.id)).join(
            Visit, Visit.id == VisitRating.visit_id)
        .where(*_first_ratings(period), Visit.deleted_at.is_(None))
        .group_by(VisitRating.level)
    ):
        rated += int(n)
        satisfied += int(n) if level in SATISFIED else 0
    calendar = Calendar.load(session)
    overdue = 0
    for visited_at, days, replied_at in session.execute(
        select(Visit.visited_at, Category.time_limit_days, VisitReply.replied_at)
        .join(Category, Category.id == Visit.category_id)
        .outerjoin(VisitReply, VisitReply.visit_id == Visit.id)
        .where(*in_period, Category.time_limit_days.is_not(None))
    ):
        due = calendar.add_working_days(visited_at.date(), int(days or 0))
        done: date = replied_at.date() if replied_at is not None else today
        overdue += done > due
    return ClosureCounts(int(visits), int(replied), rated, satisfied, overdue)


def _by(session: Session, period: Period, label, join_on) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(rated, satisfied) per ``label`` of the tickets of the rated matters.

    A matter's rating counts for every ticket of the matter; a pad rating for its own
    ticket only.
    """
    rows = session.execute(
        select(label, VisitRating.level, func.count(func.distinct(VisitRating.id)))
        .select_from(VisitRating)
        .join(Visit, Visit.id == VisitRating.visit_id)
        .join(Referral, or_(Referral.id == VisitRating.referral_id,
                            and_(VisitRating.referral_id.is_(None),
                                 Referral.visit_id == Visit.id)))
        .join(*join_on)
        .where(*_first_ratings(period), Visit.deleted_at.is_(None))
        .group_by(label, VisitRating.level))
    out: dict[str, list[int]] = {}
    for name, level, n in rows:
        counts = out.setdefault(name, [0, 0])
        counts[0] += int(n)
        counts[1] += int(n) if level in SATISFIED else 0
    return {k: (v[0], v[1]) for k, v in out.items()}


def satisfaction_by_room(session: Session, period: Period) -> dict[str, tuple[int, int]]:
    return _by(session, period, Room.name, (Room, Room.id == Referral.room_id))


def satisfaction_by_staff(session: Session, period: Period) -> dict[str, tuple[int, int]]:
    """Per member of staff: the one a pad rating names, else whoever handled the tickets."""
    return _by(session, period, Staff.name,
               (Staff, Staff.id == func.coalesce(VisitRating.staff_id, Referral.handled_by_id)))


def month_period(day: date) -> Period:
    return Period.month(day.year, day.month)


def ordered(*groups: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for group in groups:
        for name in group:
            if name not in seen:
                seen.append(name)
    return seen


