"""Writing a deliberation meeting: date, place, host, participants, matters, actions.

The meeting is saved whole (its matters and actions replaced) in one transaction,
with the version it was loaded with. A matter linked to a visit the counselling room
heard keeps what was said confidential: a reader who may not read it sees the mark
(:data:`desktop.services.privacy.CONFIDENTIAL_TEXT`) and saving the meeting leaves
that matter's text as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import DeliberationAction, DeliberationMatter, DeliberationMeeting, Visit
from desktop.models.base import mark_changed
from desktop.services import privacy, validation
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.validation import TextField, checked, date_errors
from desktop.services.versions import loaded, stale, write_checked

MEETING_FIELDS = {
    "place": TextField(DeliberationMeeting.place, "会议地点"),
    "host": TextField(DeliberationMeeting.host, "主持人"),
    "topic": TextField(DeliberationMeeting.topic, "会议主题"),
    "participants": TextField(DeliberationMeeting.participants, "参会人员", multiline=True),
}
MATTER_FIELDS = {"visit_no": TextField(Visit.visit_no, "受理编号"),
                 "subject": TextField(DeliberationMatter.subject, "议题", multiline=True),
                 "decision": TextField(DeliberationMatter.decision, "议定事项", multiline=True)}
ACTION_FIELDS = {"task": TextField(DeliberationAction.task, "落实事项", multiline=True),
                 "owner": TextField(DeliberationAction.owner, "责任人")}


@dataclass
class MatterInput:
    subject: str = ""
    decision: str = ""
    visit_no: str = ""
    matter_id: int | None = None  # an existing matter (its hidden text is kept)


@dataclass
class ActionInput:
    task: str
    owner: str
    due_on: date
    done_on: date | None = None


@dataclass
class MeetingInput:
    held_on: date
    place: str
    host: str
    participants: str = ""
    topic: str = ""
    matters: list[MatterInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


def participant_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check(data: MeetingInput, today: date) -> tuple[MeetingInput, dict[str, str]]:
    data, errors = checked(data, MEETING_FIELDS, lambda d: {})
    if not data.place:
        errors["place"] = "请填写会议地点"
    if not data.host:
        errors["host"] = "请填写主持人"
    if not participant_lines(data.participants):
        errors["participants"] = "请填写参会人员（每行一人：姓名（身份））"
    errors.update(date_errors({"held_on": data.held_on}, {"held_on": "会议日期"}))
    if "held_on" not in errors and data.held_on > today:
        errors["held_on"] = "会议日期不能晚于今天"
    if not data.matters:
        errors["matters"] = "请至少填写一项议题"
    matters = []
    for index, matter in enumerate(data.matters):
        matter, problems = validation.clean_input(matter, MATTER_FIELDS)
        matter.visit_no = matter.visit_no.upper()
        if not matter.subject and not matter.visit_no and matter.matter_id is None:
            problems["subject"] = "请填写议题或关联的受理编号"
        for key, message in problems.items():
            errors.setdefault(f"matters.{index}.{key}", f"第{index + 1}项议题：{message}")
        matters.append(matter)
    actions = []
    for index, action in enumerate(data.actions):
        action, problems = validation.clean_input(action, ACTION_FIELDS)
        if not action.task:
            problems["task"] = "请填写落实事项"
        if not action.owner:
            problems["owner"] = "请填写责任人"
        problems.update(date_errors({"due_on": action.due_on, "done_on": action.done_on},
                                    {"due_on": "完成期限", "done_on": "完成日期"}))
        if "due_on" not in problems and action.due_on < data.held_on:
            problems["due_on"] = "完成期限不能早于会议日期"
        if action.done_on is not None and "done_on" not in problems:
            if action.done_on < data.held_on:
                problems["done_on"] = "完成日期不能早于会议日期"
            elif action.done_on > today:
                problems["done_on"] = "完成日期不能晚于今天"
        for key, message in problems.items():
            errors.setdefault(f"actions.{index}.{key}", f"第{index + 1}项落实事项：{message}")
        actions.append(action)
    data.matters, data.actions = matters, actions
    return data, errors


def _visit_ids(session: Session, data: MeetingInput) -> dict[str, int]:
    numbers = {m.visit_no for m in data.matters if m.visit_no}
    found = dict(session.execute(select(Visit.visit_no, Visit.id).where(
        Visit.visit_no.in_(numbers), Visit.deleted_at.is_(None))).all()) if numbers else {}
    errors = {f"matters.{i}.visit_no": f"第{i + 1}项议题：没有受理编号为 {m.visit_no} 的来访"
              for i, m in enumerate(data.matters) if m.visit_no and m.visit_no not in found}
    if errors:
        raise ValidationError(errors)
    return found  # type: ignore[return-value]


def _apply(session: Session, meeting: DeliberationMeeting, data: MeetingInput) -> None:
    visits = _visit_ids(session, data)
    old = {m.id: m for m in meeting.matters}
    readable = privacy.may_read_counselling(session)
    hidden = privacy.counselling_visit_ids(
        session, [m.visit_id for m in old.values() if m.visit_id]) if not readable else set()
    meeting.held_on = data.held_on
    meeting.place = data.place
    meeting.host = data.host
    meeting.topic = data.topic
    meeting.participants = "\n".join(participant_lines(data.participants))
    matters = []
    for position, item in enumerate(data.matters):
        kept = old.get(item.matter_id) if item.matter_id is not None else None
        if kept is not None and kept.visit_id in hidden:
            # What the reader saw was the confidential mark: the stored text stays.
            kept.position = position
            matters.append(kept)
            continue
        row = kept or DeliberationMatter()
        row.position = position
        row.visit_id = visits.get(item.visit_no) if item.visit_no else None
        row.subject = item.subject
        row.decision = item.decision
        matters.append(row)
    meeting.matters = matters
    meeting.actions = [DeliberationAction(position=i, task=a.task, owner=a.owner,
                                          due_on=a.due_on, done_on=a.done_on)
                       for i, a in enumerate(data.actions)]


def save_meeting(database: Database, data: MeetingInput, *, meeting_id: int | None = None,
                 version: int | None = None, today: date | None = None) -> int:
    """Record a new meeting, or save one loaded at ``version``; the meeting's id."""
    auth.require(database, "deliberation.edit")
    data, errors = _check(data, today or date.today())
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> int:
        auth.require(session, "deliberation.edit")
        if meeting_id is None:
            meeting = DeliberationMeeting()
        else:
            meeting = _locked(session, meeting_id)
            if meeting.version != version:
                raise stale("议事会议", loaded(meeting), [])
        _apply(session, meeting, data)
        session.add(meeting)
        session.flush()
        return meeting.id

    return write_checked(database, "议事会议", work)


def _locked(session: Session, meeting_id: int) -> DeliberationMeeting:
    meeting = session.get(DeliberationMeeting, meeting_id, with_for_update=True,
                          populate_existing=True) if validation.valid_id(meeting_id) else None
    if meeting is None:
        raise NotFoundError("没有找到该议事会议")
    return meeting


def mark_action_done(database: Database, action_id: int, done_on: date, *,
                     today: date | None = None) -> None:
    """落实: the action was done on ``done_on`` (not before the meeting, not in the future)."""
    auth.require(database, "deliberation.edit")
    problem = validation.date_error(done_on, "完成日期")
    if problem is None and done_on > (today or date.today()):
        problem = "完成日期不能晚于今天"
    if problem:
        raise ValidationError({"done_on": problem})
    with database.write() as session:
        row = session.get(DeliberationAction, action_id) \
            if validation.valid_id(action_id) else None
        if row is None:
            raise StaleEditError("落实事项", deleted=True)
        meeting = _locked(session, row.meeting_id)
        if done_on < meeting.held_on:
            raise ValidationError({"done_on": "完成日期不能早于会议日期"})
        row.done_on = done_on
        mark_changed(meeting)  # the meeting's version moves: an open editor must reload
