"""Reading the deliberation records: the meetings, the actions open and overdue, one meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.models import DeliberationAction, DeliberationMatter, DeliberationMeeting, Visit
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.deliberation.meetings import ActionInput, MatterInput, MeetingInput
from desktop.services.validation import existing


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    held_on: date
    topic: str
    place: str
    host: str
    matters: int
    actions: int
    open_actions: int
    overdue_actions: int

    @property
    def overdue(self) -> bool:
        return self.overdue_actions > 0


@dataclass(frozen=True)
class MatterData:
    matter_id: int
    visit_no: str
    visit_summary: str
    subject: str
    decision: str
    hidden: bool  # counselling-confidential for this reader: shown masked, kept on save


@dataclass(frozen=True)
class ActionData:
    action_id: int
    task: str
    owner: str
    due_on: date
    done_on: date | None
    overdue: bool


@dataclass(frozen=True)
class MeetingDetail:
    meeting_id: int
    version: int
    held_on: date
    place: str
    host: str
    topic: str
    participants: str
    matters: list[MatterData] = field(default_factory=list)
    actions: list[ActionData] = field(default_factory=list)

    def as_input(self) -> MeetingInput:
        return MeetingInput(
            held_on=self.held_on, place=self.place, host=self.host,
            participants=self.participants, topic=self.topic,
            matters=[MatterInput(m.subject, m.decision, m.visit_no, m.matter_id)
                     for m in self.matters],
            actions=[ActionInput(a.task, a.owner, a.due_on, a.done_on) for a in self.actions])


@dataclass(frozen=True)
class OpenAction:
    action_id: int
    meeting_id: int
    held_on: date
    task: str
    owner: str
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _overdue(due: date, done: date | None, today: date) -> bool:
    return done is None and due < today


def meeting_list(session: Session, *, search: str = "", today: date | None = None,
                 limit: int = 500) -> list[MeetingRow]:
    """Meetings, newest first, with their counts of matters and of open and overdue actions."""
    auth.require(session, "deliberation.read")
    day = today or date.today()
    matters = (select(DeliberationMatter.meeting_id, func.count().label("n"))
               .group_by(DeliberationMatter.meeting_id).subquery())
    actions = (select(
        DeliberationAction.meeting_id, func.count().label("n"),
        func.count().filter(DeliberationAction.done_on.is_(None)).label("open"),
        func.count().filter(DeliberationAction.done_on.is_(None),
                            DeliberationAction.due_on < day).label("late"),
    ).group_by(DeliberationAction.meeting_id).subquery())
    stmt = (select(DeliberationMeeting.id, DeliberationMeeting.held_on,
                   DeliberationMeeting.topic, DeliberationMeeting.place,
                   DeliberationMeeting.host, matters.c.n, actions.c.n, actions.c.open,
                   actions.c.late)
            .outerjoin(matters, matters.c.meeting_id == DeliberationMeeting.id)
            .outerjoin(actions, actions.c.meeting_id == DeliberationMeeting.id)
            .order_by(DeliberationMeeting.held_on.desc(), DeliberationMeeting.id.desc()))
    text = search.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(DeliberationMeeting.topic.like(like),
                              DeliberationMeeting.place.like(like),
                              DeliberationMeeting.host.like(like),
                              DeliberationMeeting.participants.like(like)))
    return [MeetingRow(i, held, topic, place, host, m or 0, a or 0, o or 0, late or 0)
            for i, held, topic, place, host, m, a, o, late in session.execute(stmt.limit(limit))]


def open_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Actions agreed and not done yet, and of those the overdue: counts only, nothing
    personal, so the dashboard (统计) reads them without the room's permission."""
    day = today or date.today()
    pending = DeliberationAction.done_on.is_(None)
    open_, overdue = session.execute(select(
        func.count().filter(pending),
        func.count().filter(pending, DeliberationAction.due_on < day),
    ).select_from(DeliberationAction)).one()
    return {"open": int(open_), "overdue": int(overdue)}


def open_actions(session: Session, *, today: date | None = None) -> list[OpenAction]:
    """Actions not done yet, soonest due first (the overdue ones first of all)."""
    auth.require(session, "deliberation.read")
    day = today or date.today()
    rows = session.execute(
        select(DeliberationAction.id, DeliberationAction.meeting_id,
               DeliberationMeeting.held_on, DeliberationAction.task, DeliberationAction.owner,
               DeliberationAction.due_on)
        .join(DeliberationMeeting, DeliberationMeeting.id == DeliberationAction.meeting_id)
        .where(DeliberationAction.done_on.is_(None))
        .order_by(DeliberationAction.due_on, DeliberationAction.id).limit(500))
    return [OpenAction(i, m, held, task, owner, due, (due - day).days)
            for i, m, held, task, owner, due in rows]


def meeting_detail(session: Session, meeting_id: int, *,
                   today: date | None = None) -> MeetingDetail:
    auth.require(session, "deliberation.read")
    day = today or date.today()
    meeting = existing(session, DeliberationMeeting, meeting_id, "没有找到该议事会议")
    visit_ids = [m.visit_id for m in meeting.matters if m.visit_id]
    readable = privacy.may_read_counselling(session)
    confidential = privacy.counselling_visit_ids(session, visit_ids)
    visits = {v.id: v for v in session.scalars(select(Visit).where(Visit.id.in_(visit_ids)))} \
        if visit_ids else {}
    matters = []
    for m in meeting.matters:
        visit = visits.get(m.visit_id) if m.visit_id else None
        hidden = m.visit_id in confidential and not readable
        matters.append(MatterData(
            m.id, visit.visit_no if visit else "",
            privacy.shown(visit.summary if visit else "", hidden, readable),
            privacy.shown(m.subject, hidden, readable),
            privacy.shown(m.decision, hidden, readable), hidden))
    actions = [ActionData(a.id, a.task, a.owner, a.due_on, a.done_on,
                          _overdue(a.due_on, a.done_on, day)) for a in meeting.actions]
    return MeetingDetail(meeting.id, meeting.version, meeting.held_on, meeting.place,
                         meeting.host, meeting.topic, meeting.participants, matters, actions)
