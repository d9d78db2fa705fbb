"""A room's tickets moved on: issue, call, recall, start, finish, hold, no-show, transfer.

Each step is one transaction along the state machine drawn in the package's docstring
(``states.TRANSITIONS``): the ticket is re-read under a lock, the step checked, the time
stamped by the clock, and a ``ReferralEvent`` records who did what, when and why.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    Escalation,
    Referral,
    ReferralEvent,
    Room,
    Visit,
)
from desktop.services import numbering, validation
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception.queue.common import (
    DEPARTMENT,
    NOTE,
    REASON,
    acting,
    check_ids,
    current_time,
)
from desktop.services.reception.queue.listing import queue_order
from desktop.services.reception.queue.states import ACTION_NAMES, RESULTS, STATUS_NAMES, TRANSITIONS
from desktop.services.validation import clean_argument


def _refuse(action: str, status: str) -> ValidationError:
    state = STATUS_NAMES.get(status, status)
    verb = ACTION_NAMES.get(action, action)
    return ValidationError({"action": f"当前状态为“{state}”，不能{verb}"})


def _locked(session: Session, referral_id: int) -> Referral:
    referral = session.scalar(
        select(Referral).where(Referral.id == referral_id).with_for_update()
    ) if validation.valid_id(referral_id) else None
    if referral is None:
        raise NotFoundError("该排队号不存在")
    return referral


def record(
    session: Session, referral: Referral, action: str, from_status: str | None, at: datetime,
    *, staff_id: int | None = None, reason: str | None = None, to_room_id: int | None = None,
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral, visit_id=referral.visit_id, action=action, from_status=from_status,
        to_status=referral.status, at=at, staff_id=staff_id, reason=reason or None,
        to_room_id=to_room_id,
    )
    session.add(event)
    return event


def ticket_number(session: Session, room: Room, now: datetime) -> tuple[int, str]:
    """The next number of ``room`` for the day of ``now`` (its sequence and 调-007 text).

    One counter per room and day, shared by the desks and the kiosk.
    """
    seq = numbering.next_value(session, f"ticket:{room.id}:{now:%Y%m%d}")
    return seq, f"{room.ticket_prefix}-{seq:03d}"


def issue_ticket(
    session: Session, visit: Visit, room: Room, now: datetime, *,
    staff_id: int | None = None, transferred_from: Referral | None = None,
    reason: str | None = None, action: str = "issued",
    number: tuple[date, int, str] | None = None, issued_at: datetime | None = None,
) -> Referral:
    """A ticket of ``room`` for today, numbered from the room's daily counter.

    ``number`` (day, sequence, text) is one the counter already gave out, e.g. at the
    kiosk: the ticket keeps it instead of taking a new one, and its waiting time counts
    from ``issued_at`` (when the number was taken), not from now.
    """
    if number is None:
        seq, ticket_no = ticket_number(session, room, now)
        number = (now.date(), seq, ticket_no)
    referral = Referral(
        visit=visit,
        room=room,
        ticket_date=number[0],
        ticket_seq=number[1],
        ticket_no=number[2],
        status="waiting",
        call_count=0,
        transferred_from_id=transferred_from.id if transferred_from else None,
        created_at=issued_at or now,
        updated_at=now,
    )
    session.add(referral)
    session.flush()
    record(session, referral, action, None, now, staff_id=staff_id, reason=reason)
    return referral


def _apply(
    database: Database, referral_id: int, action: str, *, staff_id: int | None = None,
    reason: str | None = None, now: datetime | None = None,
) -> Referral:
    errors: dict[str, str] = {}
    if reason is not None:
        reason = clean_argument(errors, "reason", reason, REASON)
    check_ids(errors, staff_id=staff_id)
    if errors:
        raise ValidationError(errors)
    now = now or current_time()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = acting(session, staff_id, referral.room_id)
        return _transition(session, referral, action, now, staff_id=staff_id, reason=reason)


def _transition(
    session: Session, referral: Referral, action: str, now: datetime, *,
    staff_id: int | None = None, reason: str | None = None,
) -> Referral:
    """Move a locked referral by ``action`` and record it, or refuse."""
    sources, target = TRANSITIONS[action]
    if referral.status not in sources:
        raise _refuse(action, referral.status)
    before = referral.status
    referral.status = target
    if action in ("call", "recall"):
        referral.called_at = now
        referral.call_count = (referral.call_count or 0) + 1
    elif action == "start":
        referral.called_at = referral.called_at or now
        referral.started_at = now
    elif action == "no_show":
        referral.finished_at = now
        referral.result = "no_show"
    if staff_id is not None:
        referral.handled_by_id = staff_id
    if reason:
        referral.note = reason.strip()
    referral.updated_at = now
    record(session, referral, action, before, now, staff_id=staff_id, reason=reason)
    return referral


def call(database: Database, referral_id: int, **kw: object) -> Referral:
    """Call this ticket (also out of order, or again after a hold)."""
    return _apply(database, referral_id, "call", **kw)  # type: ignore[arg-type]


def recall(database: Database, referral_id: int, **kw: object) -> Referral:
    return _apply(database, referral_id, "recall", **kw)  # type: ignore[arg-type]


def start(database: Database, referral_id: int, **kw: object) -> Referral:
    return _apply(database, referral_id, "start", **kw)  # type: ignore[arg-type]


def no_show(database: Database, referral_id: int, **kw: object) -> Referral:
    return _apply(database, referral_id, "no_show", **kw)  # type: ignore[arg-type]


def resume(database: Database, referral_id: int, **kw: object) -> Referral:
    return _apply(database, referral_id, "resume", **kw)  # type: ignore[arg-type]


def hold(database: Database, referral_id: int, reason: str, *, staff_id: int | None = None,
         now: datetime | None = None) -> Referral:
    if not validation.clean_text(reason if isinstance(reason, str) else "", multiline=True):
        raise ValidationError({"reason": "请填写暂缓原因"})
    return _apply(database, referral_id, "hold", staff_id=staff_id, reason=reason, now=now)


def call_next(
    database: Database, room_id: int, *, staff_id: int | None = None, now: datetime | None = None
) -> Referral | None:
    """Call the next waiting ticket of the room (红色 first, then by ticket); None if empty.

    Picking and calling are one transaction, and the ticket is locked as it is
    picked: when several desks of a room press at once, each gets the next
    ticket no other desk holds (SKIP LOCKED on PostgreSQL; on SQLite the write
    lock lets one desk pick at a time), never a refusal while tickets wait.
    """
    errors: dict[str, str] = {}
    check_ids(errors, staff_id=staff_id)
    if errors:
        raise ValidationError(errors)
    now = now or current_time()
    with database.write() as session:
        validation.existing(session, Room, room_id, "所选科室不存在", field="room")
        staff_id = acting(session, staff_id, room_id)
        referral = session.scalar(
            select(Referral)
            .join(Visit, Visit.id == Referral.visit_id)
            .where(Referral.room_id == room_id, Referral.status == "waiting")
            .order_by(*queue_order())
            .limit(1)
            .with_for_update(skip_locked=True, of=Referral)
        )
        if referral is None:
            return None
        return _transition(session, referral, "call", now, staff_id=staff_id)


def finish(
    database: Database, referral_id: int, result: str, *, note: str = "",
    staff_id: int | None = None, department: str = "", due_date: date | None = None,
    to_room_id: int | None = None, now: datetime | None = None,
) -> Referral:
    """Close the service with a result; ``referred_out`` also opens the department referral.

    ``transferred`` is a transfer (see :func:`transfer`): the new ticket is returned.
    """
    errors: dict[str, str] = {}
    note = clean_argument(errors, "note", note, NOTE)
    department = clean_argument(errors, "department", department, DEPARTMENT)
    check_ids(errors, staff_id=staff_id, to_room_id=to_room_id, due_date=due_date)
    if result not in RESULTS:
        errors["result"] = "请选择办理结果"
    if result == "transferred":
        if to_room_id is None:
            errors["to_room"] = "请选择转往的科室"
        if not note.strip():
            errors["note"] = "请在办理情况中写明转办原因"
        if errors:
            raise ValidationError(errors)
        return transfer(database, referral_id, to_room_id, note, staff_id=staff_id, now=now)
    if result == "referred_out":
        if not department.strip():
            errors["department"] = "移送职能部门时请填写部门名称"
        if due_date is None:
            errors["due_date"] = "移送职能部门时请填写办理期限"
    if errors:
        raise ValidationError(errors)
    now = now or current_time()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = acting(session, staff_id, referral.room_id)
        if referral.status not in TRANSITIONS["finish"][0]:
            raise _refuse("finish", referral.status)
        before = referral.status
        referral.status = "done"
        referral.result = result
        referral.finished_at = now
        referral.note = note.strip() or referral.note
        referral.updated_at = now
        if staff_id is not None:
            referral.handled_by_id = staff_id
        text = RESULTS[result] + (f"：{note.strip()}" if note.strip() else "")
        record(session, referral, "finish", before, now, staff_id=staff_id, reason=text)
        if result == "referred_out":
            session.add(Escalation(
                visit_id=referral.visit_id, referral_id=referral.id, kind="department",
                department=department.strip(), reason=note.strip() or "办结时移送职能部门",
                due_date=due_date, status="open", raised_at=now, raised_by_id=staff_id,
                created_at=now, updated_at=now,
            ))
        return referral


def _move_reason(reason: str, staff_id: int | None, to_room_id: int | None, *,
                 no_room: str, no_reason: str) -> str:
    """The cleaned reason of a ticket sent to another room; every problem refused at once."""
    errors: dict[str, str] = {}
    reason = clean_argument(errors, "reason", reason, REASON)
    check_ids(errors, staff_id=staff_id, to_room_id=to_room_id)
    if to_room_id is None:
        errors["to_room"] = no_room
    if not reason and "reason" not in errors:
        errors["reason"] = no_reason
    if errors:
        raise ValidationError(errors)
    return reason


def _room_in_use(session: Session, room_id: int | None) -> Room:
    room = session.get(Room, room_id)
    if room is None or not room.active:
        raise ValidationError({"to_room": "所选科室不存在或已停用"})
    return room


def transfer(
    database: Database, referral_id: int, to_room_id: int | None, reason: str, *,
    staff_id: int | None = None, now: datetime | None = None,
) -> Referral:
    """Send the visitor on to another room: this ticket ends, a new one is issued there."""
    reason = _move_reason(reason, staff_id, to_room_id, no_room="请选择转往的科室",
                          no_reason="请填写转办原因")
    now = now or current_time()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = acting(session, staff_id, referral.room_id)
        if referral.status not in TRANSITIONS["transfer"][0]:
            raise _refuse("transfer", referral.status)
        if to_room_id == referral.room_id:
            raise ValidationError({"to_room": "不能转往本科室"})
        room = _room_in_use(session, to_room_id)
        before = referral.status
        referral.status = "transferred"
        referral.result = "transferred"
        referral.finished_at = now
        referral.updated_at = now
        if staff_id is not None:
            referral.handled_by_id = staff_id
        record(session, referral, "transfer", before, now, staff_id=staff_id,
               reason=reason.strip(), to_room_id=room.id)
        visit = session.get(Visit, referral.visit_id)
        assert visit is not None
        return issue_ticket(session, visit, room, now, staff_id=staff_id,
                            transferred_from=referral, reason=reason.strip(), action="transfer_in")


def route_again(
    database: Database, visit_id: int, to_room_id: int | None, reason: str, *,
    staff_id: int | None = None, now: datetime | None = None,
) -> Referral:
    """One visit may need several rooms: issue one more ticket for the same visit."""
    reason = _move_reason(reason, staff_id, to_room_id, no_room="请选择科室",
                          no_reason="请填写原因")
    now = now or current_time()
    with database.write() as session:
        visit = validation.existing(session, Visit, visit_id, "该来访登记不存在")
        staff_id = acting(session, staff_id)
        room = _room_in_use(session, to_room_id)
        return issue_ticket(session, visit, room, now, staff_id=staff_id,
                            reason=reason.strip(), action="route")

