"""The figures of the 台账统计 dashboard: today at a glance, and the charts' series.

Case figures (open, overdue, follow-ups due) use the mediation room's own
definitions (:func:`desktop.services.mediation.case_counts`,
:func:`desktop.services.mediation.count_due_follow_ups`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from desktop.models import Category, Referral, Room, Visit
from desktop.services import mediation
from desktop.services.admin import auth
from desktop.services.care import listing as care_listing
from desktop.services.closure import lists as closure_lists
from desktop.services.closure import reports as closure_reports
from desktop.services.counselling import cases as counselling_cases
from desktop.services.deliberation import listing as deliberation_listing
from desktop.services.organisations import referrals as organisation_referrals
from desktop.services.police import handovers as police_handovers
from desktop.services.registers.monthly import NO_CATEGORY, mediation_success_by_month
from desktop.services.registers.rows import Period


@dataclass(frozen=True)
class RoomToday:
    room: str
    visitors: int  # referrals to the room today
    waiting: int
    average_wait_minutes: float | None
    # The room's own work, by its own rules (see :func:`room_work`): in hand and overdue.
    open: int | None = None
    overdue: int | None = None
    # This month's 群众满意率 (%) of the matters the room handled.
    satisfaction_rate: float | None = None
    code: str = ""


# Each room's work in hand and overdue, as the room counts it (its list's red rows):
# mediation cases past their 30 days, counselling cases without contact for too long,
# hand-overs past the police's reply date, care visits past due, referrals to
# organisations past due. 议事 (no room of its own) has its actions agreed and not done.
DELIBERATION = "议事协商（落实事项）"


@dataclass(frozen=True)
class TodayOverview:
    day: date
    visits: int
    visitors: int  # people, counting each member of a collective visit
    rooms: list[RoomToday]
    waiting: int
    average_wait_minutes: float | None  # from ticket to call, of those called today
    cases_open: int
    cases_overdue: int
    follow_ups_due: int
    # 回复 and 评价: this month's 群众满意率 (%), and the matters of the last year past their
    # 服务时限 without a reply, with the 整改 past their due date.
    satisfaction_rate: float | None = None
    rated: int = 0
    overdue_replies: int = 0
    overdue_rectifications: int = 0
    # 议事: actions agreed and not done, and of those the overdue.
    actions_open: int = 0
    actions_overdue: int = 0


# -- case figures: the mediation room's own definitions ------------------------------------------
# (centre-wide: the community filter narrows the visit figures, not the cases)

def cases_open(session: Session, day: date) -> int:
    """调解案件 accepted and not closed (the case list's 办理中)."""
    return mediation.case_counts(session, today=day)["open"]


def cases_overdue(session: Session, day: date) -> int:
    """Open 调解案件 past their time limit (调解期限, 30 days; the case list's 已超期)."""
    return mediation.case_counts(session, today=day)["overdue"]


def follow_ups_due(session: Session, day: date) -> int:
    """回访 planned on or before ``day`` and not done."""
    return mediation.count_due_follow_ups(session, today=day)


# ------------------------------------------------------------------------------------------------

def _day_expr(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(column, Date)


def _as_date(value: date | str) -> date:
    """A day from :func:`_day_expr`: PostgreSQL's cast gives a date, SQLite's date() text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def today_overview(session: Session, day: date, *, community_id: int | None = None
                   ) -> TodayOverview:
    auth.require(session, "report.read")
    period = Period(day, day)
    visit_filter = [Visit.visited_at >= period.starts_at, Visit.visited_at < period.ends_before,
                    Visit.deleted_at.is_(None)]
    if community_id is not None:
        visit_filter.append(Visit.community_id == community_id)
    visits, visitors = session.execute(
        select(func.count(Visit.id), func.coalesce(func.sum(Visit.headcount), 0))
        .where(*visit_filter)
    ).one()
    # A removed visit's tickets are counted nowhere, as the rooms' queues leave them out.
    referral_filter = [Referral.created_at >= period.starts_at,
                       Referral.created_at < period.ends_before, Visit.deleted_at.is_(None)]
    if community_id is not None:
        referral_filter.append(Visit.community_id == community_id)
    # Every room, a closed one too: it is listed (under its own name) when it had tickets.
    rooms = list(session.execute(
        select(Room.id, Room.name, Room.code, Room.active)
        .order_by(Room.sort_order, Room.id)))
    per_room: dict[int, list[int]] = {room_id: [0, 0] for room_id, *_ in rooms}
    for room_id, status, n in session.execute(
        select(Referral.room_id, Referral.status, func.count(Referral.id))
        .join(Visit, Visit.id == Referral.visit_id)
        .where(*referral_filter).group_by(Referral.room_id, Referral.status)
    ):
        counts = per_room[room_id]
        counts[0] += n
        if status == "waiting":
            counts[1] += n
    waits: dict[int, list[float]] = {}
    for room_id, created, called in session.execute(
        select(Referral.room_id, Referral.created_at, Referral.called_at)
        .join(Visit, Visit.id == Referral.visit_id)
        .where(*referral_filter, Referral.called_at.is_not(None))
    ):
        if called is not None and created is not None:
            waits.setdefault(room_id, []).append((called - created).total_seconds() / 60)
    all_waits = [w for values in waits.values() for w in values]
    month = closure_reports.month_period(day)
    work = room_work(session, day)
    satisfaction = closure_reports.satisfaction_by_room(session, month)
    room_rows = []
    for room_id, name, code, active in rooms:
        counts = per_room[room_id]
        if not active and not counts[0]:
            continue
        open_, overdue = work.get(code, (None, None))
        rated = satisfaction.get(name)
        room_rows.append(RoomToday(
            name, counts[0], counts[1], _mean(waits.get(room_id, [])), open_, overdue,
            closure_reports.satisfaction_rate(*rated) if rated else None, code))
    cases = mediation.case_counts(session, today=day)
    actions = deliberation_listing.open_counts(session, today=day)
    closure = closure_reports.closure_counts(session, month, today=day)
    return TodayOverview(
        day=day, visits=int(visits), visitors=int(visitors), rooms=room_rows,
        waiting=sum(r.waiting for r in room_rows), average_wait_minutes=_mean(all_waits),
        cases_open=cases["open"], cases_overdue=cases["overdue"],
        follow_ups_due=follow_ups_due(session, day),
        satisfaction_rate=closure.satisfaction_rate, rated=closure.rated,
        overdue_replies=closure_lists.overdue_unreplied(
            session, today=day, since=day - timedelta(days=365)),
        overdue_rectifications=closure_lists.overdue_rectifications(session, today=day),
        actions_open=actions["open"], actions_overdue=actions["overdue"],
    )


def room_work(session: Session, day: date) -> dict[str, tuple[int, int]]:
    """Room code → (in hand, overdue), each room by its own rules; counts only."""
    cases = mediation.case_counts(session, today=day)
    counselling = counselling_cases.open_counts(session, today=day)
    police = police_handovers.open_counts(session, today=day)
    care = care_listing.open_counts(session, today=day)
    social = organisation_referrals.open_counts(session, today=day)
    return {
        "mediation": (cases["open"], cases["overdue"]),
        "counselling": (counselling["open"], counselling["overdue"]),
        "police": (police["open"], police["overdue"]),
        "care": (care["active"], care["overdue"]),
        "social": (social["pending"], social["overdue"]),
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def visits_per_day(session: Session, period: Period, *, community_id: int | None = None
                   ) -> list[tuple[date, int]]:
    """Visits on each day of ``period``, days without visits included (as 0)."""
    day = _day_expr(session, Visit.visited_at)
    stmt = (select(day, func.count(Visit.id))
            .where(Visit.visited_at >= period.starts_at, Visit.visited_at < period.ends_before,
                   Visit.deleted_at.is_(None))
            .group_by(day))
    if community_id is not None:
        stmt = stmt.where(Visit.community_id == community_id)
    counts = {_as_date(d): int(n) for d, n in session.execute(stmt)}
    return [(period.start + timedelta(days=i),
             counts.get(period.start + timedelta(days=i), 0)) for i in range(period.days)]


def visits_by_category(session: Session, period: Period, *, community_id: int | None = None
                       ) -> list[tuple[str, int]]:
    """Visits of ``period`` per category, the largest first."""
    stmt = (select(Category.name, func.count(Visit.id))
            .select_from(Visit).outerjoin(Category, Category.id == Visit.category_id)
            .where(Visit.visited_at >= period.starts_at, Visit.visited_at < period.ends_before,
                   Visit.deleted_at.is_(None))
            .group_by(Category.name))
    if community_id is not None:
        stmt = stmt.where(Visit.community_id == community_id)
    rows = [(name or NO_CATEGORY, int(n)) for name, n in session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def success_rate_by_month(session: Session, period: Period, months: int = 12
                          ) -> list[tuple[str, float | None]]:
    """调解成功率 (%) per month up to ``period``'s last month (``None`` for a month with no
    closed case)."""
    return mediation_success_by_month(session, period, months)


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows, read in one go (off the GUI thread)."""

    today: TodayOverview
    per_day: list[tuple[date, int]]
    categories: list[tuple[str, int]]
    success: list[tuple[str, float | None]]


def figures(session: Session, day: date, period: Period, *, community_id: int | None = None
            ) -> Figures:
    """Today's overview at ``day`` and the charts' series over ``period``."""
    return Figures(
        today=today_overview(session, day, community_id=community_id),
        per_day=visits_per_day(session, period, community_id=community_id),
        categories=visits_by_category(session, period, community_id=community_id),
        success=success_rate_by_month(session, period),
    )
