"""The 回复评价 page's lists: matters finished and not replied to, replied and not rated,
and the open 整改, each with its time limit counted in working days.

A matter's due date is its visit day plus its category's 服务时限 in working days
(:mod:`desktop.services.closure.workdays`); a category without one sets none. What
the resident told the counselling room stays masked (:mod:`desktop.services.privacy`),
and so does the reply to such a matter, for everyone but the counsellors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Category,
    Person,
    Rectification,
    RectificationNote,
    Referral,
    Room,
    Staff,
    Visit,
    VisitRating,
    VisitReply,
)
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.closure.replies import OPEN_STATES
from desktop.services.closure.workdays import Calendar

LIMIT = 500


def finished() -> ColumnElement[bool]:
    """A visit (correlated with ``Visit``) routed somewhere, every ticket of it closed."""
    return and_(
        exists(select(Referral.id).where(Referral.visit_id == Visit.id)),
        ~exists(select(Referral.id).where(Referral.visit_id == Visit.id,
                                          Referral.status.in_(OPEN_STATES))),
    )


def unreplied() -> ColumnElement[bool]:
    return ~exists(select(VisitReply.id).where(VisitReply.visit_id == Visit.id))


def due_date(calendar: Calendar, visited_at: datetime, limit: int | None) -> date | None:
    return None if limit is None else calendar.add_working_days(visited_at.date(), limit)


def _rooms(session: Session, visit_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    if visit_ids:
        for visit_id, name in session.execute(
            select(Referral.visit_id, Room.name).join(Room, Room.id == Referral.room_id)
            .where(Referral.visit_id.in_(visit_ids)).order_by(Referral.id)
        ):
            if name not in names.setdefault(visit_id, []):
                names[visit_id].append(name)
    return {k: "、".join(v) for k, v in names.items()}


@dataclass(frozen=True)
class PendingReply:
    visit_id: int
    visit_no: str
    person: str
    visited_at: datetime
    category: str
    rooms: str
    summary: str
    due: date | None
    overdue: bool


def pending_replies(session: Session, *, today: date | None = None,
                    limit: int = LIMIT) -> list[PendingReply]:
    """待回复: finished matters without a reply, the newest first."""
    auth.require_any(session, "closure.reply", "closure.rate")
    today = today or date.today()
    rows = session.execute(
        select(Visit.id, Visit.visit_no, Person.name, Visit.visited_at, Category.name,
               Category.time_limit_days, Visit.summary)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Category, Category.id == Visit.category_id)
        .where(Visit.deleted_at.is_(None), unreplied(), finished())
        .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)
    ).all()
    ids = [r[0] for r in rows]
    confidential = privacy.counselling_visit_ids(session, ids)
    readable = privacy.may_read_counselling(session)
    rooms = _rooms(session, ids)
    calendar = Calendar.load(session)
    out = []
    for visit_id, no, person, at, category, days, summary in rows:
        due = due_date(calendar, at, days)
        out.append(PendingReply(visit_id, no, person, at, category or "", rooms.get(visit_id, ""),
                                privacy.shown(summary, visit_id in confidential, readable),
                                due, due is not None and due < today))
    return out


def overdue_unreplied(session: Session, *, today: date | None = None,
                      since: date | None = None) -> int:
    """Matters past their time limit with no reply yet (finished or not), registered on or
    after ``since``: one query per distinct limit, whatever the number of visits (see
    :meth:`Calendar.latest_start`)."""
    today = today or date.today()
    after = [] if since is None else [Visit.visited_at >= datetime.combine(since,
                                                                           datetime.min.time())]
    calendar = Calendar.load(session)
    limits = [d for d in session.scalars(
        select(Category.time_limit_days).where(Category.time_limit_days.is_not(None)).distinct())
        if d is not None]
    total = 0
    for days in limits:
        cutoff = calendar.latest_start(today, days)
        total += int(session.scalar(
            select(func.count(Visit.id)).join(Category, Category.id == Visit.category_id)
            .where(Category.time_limit_days == days, Visit.deleted_at.is_(None),
                   Visit.visited_at < datetime.combine(cutoff + timedelta(days=1),
                                                       datetime.min.time()),
                   unreplied(), *after)) or 0)
    return total


@dataclass(frozen=True)
class PendingRating:
    visit_id: int
    visit_no: str
    person: str
    visited_at: datetime
    replied_at: datetime
    method: str
    replied_by: str
    content: str
    rerating: bool  # a 整改 of it is open: the resident is to be asked again


def pending_ratings(session: Session, *, limit: int = LIMIT) -> list[PendingRating]:
    """待评价: replied matters not rated yet, and those whose 整改 waits for the re-rating.

    Two small reads instead of one condition over every reply: the newest replies
    without a rating (walking the replies' time index), and the matters of the open
    整改 (a handful); then their details. One OR over both kept a million replies
    from any index and took minutes.
    """
    auth.require_any(session, "closure.reply", "closure.rate")
    rated = exists(select(VisitRating.id).where(VisitRating.visit_id == VisitReply.visit_id,
                                                VisitRating.referral_id.is_(None)))
    unrated = list(session.scalars(
        select(VisitReply.visit_id).where(~rated)
        .order_by(VisitReply.replied_at.desc(), VisitReply.visit_id.desc()).limit(limit)))
    to_fix = set(session.scalars(select(Rectification.visit_id)
                                 .where(Rectification.status == "open")))
    ids = list({*unrated, *to_fix})
    if not ids:
        return []
    rows = session.execute(
        select(Visit.id, Visit.visit_no, Person.name, Visit.visited_at, VisitReply.replied_at,
               VisitReply.method, Staff.name, VisitReply.content)
        .join(VisitReply, VisitReply.visit_id == Visit.id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Staff, Staff.id == VisitReply.replied_by_id)
        .where(Visit.id.in_(ids), Visit.deleted_at.is_(None))
    ).all()
    rows = sorted(rows, key=lambda r: (r[4], r[0]), reverse=True)[:limit]
    confidential = privacy.counselling_visit_ids(session, [r[0] for r in rows])
    readable = privacy.may_read_counselling(session)
    return [PendingRating(i, no, person, at, replied, method, by or "",
                          privacy.shown(text, i in confidential, readable), i in to_fix)
            for i, no, person, at, replied, method, by, text in rows]


@dataclass(frozen=True)
class RectificationRow:
    id: int
    visit_id: int
    visit_no: str
    person: str
    level: str
    opened_at: datetime
    due: date
    overdue: bool
    notes: int
    last_note: str


def open_rectifications(session: Session, *, today: date | None = None,
                        limit: int = LIMIT) -> list[RectificationRow]:
    """整改 still open, the earliest due first; past their due date → overdue."""
    auth.require_any(session, "closure.reply", "closure.rate")
    today = today or date.today()
    rows = session.execute(
        select(Rectification.id, Visit.id, Visit.visit_no, Person.name, VisitRating.level,
               Rectification.opened_at, Rectification.due_date)
        .join(Visit, Visit.id == Rectification.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .join(VisitRating, VisitRating.id == Rectification.rating_id)
        .where(Rectification.status == "open", Visit.deleted_at.is_(None))
        .order_by(Rectification.due_date, Rectification.id).limit(limit)
    ).all()
    notes: dict[int, list[str]] = {}
    ids = [r[0] for r in rows]
    if ids:
        for rid, text in session.execute(
            select(RectificationNote.rectification_id, RectificationNote.text)
            .where(RectificationNote.rectification_id.in_(ids))
            .order_by(RectificationNote.at, RectificationNote.id)
        ):
            notes.setdefault(rid, []).append(text)
    return [RectificationRow(rid, vid, no, person, level, opened, due, due < today,
                             len(notes.get(rid, [])), (notes.get(rid) or [""])[-1])
            for rid, vid, no, person, level, opened, due in rows]


def overdue_rectifications(session: Session, *, today: date | None = None) -> int:
    """整改 open past their due date, of visits not removed (as :func:`open_rectifications`
    lists them)."""
    today = today or date.today()
    return int(session.scalar(
        select(func.count(Rectification.id)).join(Visit, Visit.id == Rectification.visit_id)
        .where(Rectification.status == "open", Rectification.due_date < today,
               Visit.deleted_at.is_(None))) or 0)


def reply_of(session: Session, visit_id: int) -> dict[str, Any] | None:
    """The reply of a visit as the reader may see it (for the correction dialog)."""
    auth.require_any(session, "closure.reply", "closure.rate")
    reply = session.scalar(select(VisitReply).where(VisitReply.visit_id == visit_id))
    if reply is None:
        return None
    confidential = bool(privacy.counselling_visit_ids(session, [visit_id]))
    return {"method": reply.method, "replied_at": reply.replied_at,
            "content": privacy.shown(reply.content, confidential,
                                     privacy.may_read_counselling(session))}
