"""The centre board (every room's queue at a glance) and the hall display's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Person,
    Referral,
    Room,
    Staff,
    Visit,
)
from desktop.services.admin import auth
from desktop.services.reception.queue.common import current_time
from desktop.services.reception.queue.states import ACTIVE


@dataclass(frozen=True)
class BoardRow:
    room_id: int
    room_name: str
    ticket_prefix: str
    waiting: int
    on_hold: int
    longest_wait_minutes: int
    serving: list[str]  # "调-003 张三（王志刚）"
    called: list[str]
    done_today: int
    average_wait_today: int | None


def centre_board(session: Session, *, now: datetime | None = None) -> list[BoardRow]:
    """Every room at a glance: queue length, longest wait, who is serving whom.

    Room staff see every room's counts, but the residents' names of their own room only.
    """
    own_room = auth.own_room_only(session)
    now = now or current_time()
    rooms = session.execute(
        select(Room.id, Room.name, Room.ticket_prefix).where(Room.active)
        .order_by(Room.sort_order, Room.id)
    ).all()
    counts: dict[tuple[int, str], tuple[int, datetime | None]] = {}
    for room_id, status, n, oldest in session.execute(
        select(Referral.room_id, Referral.status, func.count(), func.min(Referral.created_at))
        .where(Referral.status.in_(ACTIVE))
        .group_by(Referral.room_id, Referral.status)
    ):
        counts[(room_id, status)] = (n, oldest)
    active_people: dict[int, dict[str, list[str]]] = {}
    for room_id, status, ticket, name, staff in session.execute(
        select(Referral.room_id, Referral.status, Referral.ticket_no, Person.name, Staff.name)
        .join(Visit, Visit.id == Referral.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Staff, Staff.id == Referral.handled_by_id)
        .where(Referral.status.in_(("serving", "called")))
        .order_by(Referral.called_at)
    ):
        shown = own_room is None or room_id == own_room
        text = (f"{ticket} {name}" if shown else ticket) + (f"（{staff}）" if staff else "")
        active_people.setdefault(room_id, {}).setdefault(status, []).append(text)
    # Today's finished tickets, read through the (room, day, seq) index: one range per room.
    today_stats: dict[int, tuple[int, float | None]] = {}
    is_done = case((Referral.status == "done", 1), else_=0)
    timed = case(((Referral.status == "done") & Referral.started_at.is_not(None), 1), else_=0)
    seconds = case(
        ((Referral.status == "done") & Referral.started_at.is_not(None),
         _seconds(session, Referral.created_at, Referral.started_at)),
        else_=None,
    )
    for room_id, n, total_seconds, n_timed in session.execute(
        select(Referral.room_id, func.sum(is_done), func.sum(seconds), func.sum(timed))
        .where(Referral.room_id.in_([r[0] for r in rooms]),
               Referral.ticket_date == now.date())
        .group_by(Referral.room_id)
    ):
        avg = (float(total_seconds) / n_timed / 60) if n_timed and total_seconds is not None \
            else None
        today_stats[room_id] = (int(n or 0), avg)
    board = []
    for room_id, name, prefix in rooms:
        waiting, oldest_w = counts.get((room_id, "waiting"), (0, None))
        on_hold, _ = counts.get((room_id, "on_hold"), (0, None))
        longest = int((now - oldest_w).total_seconds() // 60) if oldest_w else 0
        done_today, avg = today_stats.get(room_id, (0, None))
        people = active_people.get(room_id, {})
        board.append(BoardRow(
            room_id, name, prefix, waiting, on_hold, max(longest, 0),
            people.get("serving", []), people.get("called", []), done_today,
            round(avg) if avg is not None else None,
        ))
    return board


def _seconds(session: Session, start, end):  # type: ignore[no-untyped-def]
    """Seconds between two timestamps, in SQL, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


@dataclass(frozen=True)
class HallRow:
    room_id: int
    room_name: str
    location: str
    calling: str  # the ticket called last ("" when no call is current)
    called_at: datetime | None
    waiting: int


# How long a call stays on the hall screen while its ticket is called or being served.
HALL_CALL_HOURS = 12


def hall_display(session: Session, *, now: datetime | None = None) -> list[HallRow]:
    """What the hall screen shows: per room the ticket called last and how many wait.

    A call shows whatever day its ticket was issued (a ticket of 23:50 called at 00:03,
    or one left over from yesterday and called this morning), for as long as the ticket
    is called or being served, but no longer than ``HALL_CALL_HOURS``: a ticket the room
    forgot to close yesterday does not greet this morning's visitors. Waiting counts
    every waiting ticket, as the room's queue does.
    """
    now = now or current_time()
    since = now - timedelta(hours=HALL_CALL_HOURS)
    rooms = session.execute(
        select(Room.id, Room.name, Room.location).where(Room.active)
        .order_by(Room.sort_order, Room.id)
    ).all()
    waiting = dict(session.execute(
        select(Referral.room_id, func.count())
        .where(Referral.status == "waiting").group_by(Referral.room_id)
    ).all())
    rows = []
    for room_id, name, location in rooms:
        last = session.execute(
            select(Referral.ticket_no, Referral.called_at)
            .where(Referral.room_id == room_id, Referral.status.in_(("called", "serving")),
                   Referral.called_at >= since)
            .order_by(Referral.called_at.desc(), Referral.id.desc()).limit(1)
        ).first()
        rows.append(HallRow(room_id, name, location or "", last[0] if last else "",
                            last[1] if last else None, int(waiting.get(room_id, 0))))
    return rows

