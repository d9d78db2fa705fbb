"""The queue of each room: call, recall, start, finish, hold, no-show, transfer.

A referral (one ticket of one room) moves through a small state machine::

    waiting ──call──▶ called ──start──▶ serving ──finish──▶ done
       ▲  │             │ ▲recall          │
       │  └──start──────┼─┼───────────────▶│
       │                ├──no_show──▶ no_show
     resume           hold (from waiting, called, serving) ──▶ on_hold ──call──▶ called
       └──────────────────────────────────────────────────────── on_hold
    transfer (from any active state) ──▶ transferred, and a new ticket in the other room

Every action is one transaction: the referral is re-read (row-locked on
PostgreSQL, under the write lock on SQLite), the transition is checked against
the table below, the times are stamped by the clock (never typed), and a
:class:`~desktop.models.ReferralEvent` row records who did what, when and why.
An illegal action (another desk got there first, say) is refused with a
Chinese message and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ColumnExpressionArgument, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from desktop.db import Database
from desktop.models import (
    Category,
    Escalation,
    KioskTicket,
    Person,
    Referral,
    ReferralEvent,
    Room,
    Staff,
    Visit,
)
from desktop.services import numbering, privacy, reference, validation
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.services.validation import TextField, clean_argument

ACTIVE = ("waiting", "called", "serving", "on_hold")
FINAL = ("done", "no_show", "transferred")

STATUS_NAMES = {
    "waiting": "等候中",
    "called": "已叫号",
    "serving": "接待中",
    "on_hold": "暂缓",
    "done": "已办结",
    "no_show": "过号未到",
    "transferred": "已转办",
}
ACTION_NAMES = {
    "issued": "分流取号",
    "call": "叫号",
    "recall": "重呼",
    "start": "开始接待",
    "hold": "暂缓",
    "resume": "恢复排队",
    "no_show": "过号",
    "finish": "办结",
    "transfer": "转办",
    "transfer_in": "转入取号",
    "route": "另派",
}
RESULTS = {
    "resolved": "已化解/已答复",
    "case_opened": "转入调解立案",
    "transferred": "转办其他科室",
    "referred_out": "移送职能部门",
    "left": "来访人自行离开",
}
RESULT_NAMES = {**RESULTS, "no_show": "过号未到"}

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "call": (("waiting", "on_hold"), "called"),
    "recall": (("called",), "called"),
    "start": (("waiting", "called", "on_hold"), "serving"),
    "hold": (("waiting", "called", "serving"), "on_hold"),
    "resume": (("on_hold",), "waiting"),
    "no_show": (("called",), "no_show"),
    "finish": (("serving",), "done"),
    "transfer": (ACTIVE, "transferred"),
}


REASON = TextField(ReferralEvent.reason, "原因")
NOTE = TextField(Referral.note, "办理情况")
DEPARTMENT = TextField(Escalation.department, "职能部门")
OUTCOME = TextField(Escalation.outcome, "办理结果")


def _check_ids(errors: dict[str, str], *, staff_id: object = None, to_room_id: object = None,
               due_date: date | None = None) -> None:
    """The ids and the date every action may carry, before the transaction."""
    for key, value, message in (("staff", staff_id, "所选当班人员不存在"),
                                ("to_room", to_room_id, "所选科室不存在或已停用")):
        if validation.id_error(value, message):
            errors[key] = message
    problem = validation.date_error(due_date, "办理期限")
    if problem:
        errors["due_date"] = problem


def _check_staff(session: Session, staff_id: int | None) -> None:
    if staff_id is not None:
        validation.existing(session, Staff, staff_id, "所选当班人员不存在", field="staff")


def _acting(session: Session, staff_id: int | None, room_id: int | None = None) -> int | None:
    """Refuse an account that may not work this queue; whom the step is recorded under.

    That is the signed-in account, unless the caller names a member of staff.
    """
    if room_id is None:
        auth.require(session, "queue.room")
    else:
        auth.require_room(session, room_id)
    _check_staff(session, staff_id)
    return auth.acting_staff_id(session, staff_id)


def allowed_actions(status: str) -> set[str]:
    """The actions the buttons may offer for a referral in ``status``."""
    return {action for action, (sources, _) in TRANSITIONS.items() if status in sources}


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


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
    _check_ids(errors, staff_id=staff_id)
    if errors:
        raise ValidationError(errors)
    now = now or _now()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = _acting(session, staff_id, referral.room_id)
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


def _queue_order() -> list:  # type: ignore[type-arg]
    # 红色 (escalate at once) goes first; otherwise first come, first served.
    return [
        case((Visit.risk_level == "红", 0), else_=1),
        Referral.ticket_date,
        Referral.ticket_seq,
    ]


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
    _check_ids(errors, staff_id=staff_id)
    if errors:
        raise ValidationError(errors)
    now = now or _now()
    with database.write() as session:
        validation.existing(session, Room, room_id, "所选科室不存在", field="room")
        staff_id = _acting(session, staff_id, room_id)
        referral = session.scalar(
            select(Referral)
            .join(Visit, Visit.id == Referral.visit_id)
            .where(Referral.room_id == room_id, Referral.status == "waiting")
            .order_by(*_queue_order())
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
    _check_ids(errors, staff_id=staff_id, to_room_id=to_room_id, due_date=due_date)
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
    now = now or _now()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = _acting(session, staff_id, referral.room_id)
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


def transfer(
    database: Database, referral_id: int, to_room_id: int | None, reason: str, *,
    staff_id: int | None = None, now: datetime | None = None,
) -> Referral:
    """Send the visitor on to another room: this ticket ends, a new one is issued there."""
    errors: dict[str, str] = {}
    reason = clean_argument(errors, "reason", reason, REASON)
    _check_ids(errors, staff_id=staff_id, to_room_id=to_room_id)
    if to_room_id is None:
        errors["to_room"] = "请选择转往的科室"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写转办原因"
    if errors:
        raise ValidationError(errors)
    now = now or _now()
    with database.write() as session:
        referral = _locked(session, referral_id)
        staff_id = _acting(session, staff_id, referral.room_id)
        if referral.status not in TRANSITIONS["transfer"][0]:
            raise _refuse("transfer", referral.status)
        if to_room_id == referral.room_id:
            raise ValidationError({"to_room": "不能转往本科室"})
        room = session.get(Room, to_room_id)
        if room is None or not room.active:
            raise ValidationError({"to_room": "所选科室不存在或已停用"})
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
    errors: dict[str, str] = {}
    reason = clean_argument(errors, "reason", reason, REASON)
    _check_ids(errors, staff_id=staff_id, to_room_id=to_room_id)
    if to_room_id is None:
        errors["to_room"] = "请选择科室"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写原因"
    if errors:
        raise ValidationError(errors)
    now = now or _now()
    with database.write() as session:
        visit = validation.existing(session, Visit, visit_id, "该来访登记不存在")
        staff_id = _acting(session, staff_id)
        room = session.get(Room, to_room_id)
        if room is None or not room.active:
            raise ValidationError({"to_room": "所选科室不存在或已停用"})
        return issue_ticket(session, visit, room, now, staff_id=staff_id,
                            reason=reason.strip(), action="route")


# ---------------------------------------------------------------------------
# Reading: the queue of a room, the route of a visit, the centre board, the hall.


@dataclass(frozen=True)
class QueueRow:
    referral_id: int
    visit_id: int
    visit_no: str
    ticket_no: str
    status: str
    person_name: str
    category: str
    risk_level: str
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    call_count: int
    visit_type: str
    headcount: int
    is_repeat: bool
    transferred: bool
    note: str
    # Taken at the self-service kiosk (自助取号) and registered at the desk.
    self_service: bool = False

    def waiting_minutes(self, now: datetime) -> int:
        """Minutes since the ticket was issued until it was started (or until now)."""
        end = self.started_at or now
        return max(int((end - self.created_at).total_seconds() // 60), 0)

    def serving_minutes(self, now: datetime) -> int | None:
        if self.started_at is None:
            return None
        return max(int((now - self.started_at).total_seconds() // 60), 0)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


def workable_rooms(session: Session) -> list[reference.Choice]:
    """The rooms whose queue the signed-in account works: every room for the hall, or its own."""
    own_room = auth.own_room_only(session)
    return [room for room in reference.rooms(session) if own_room in (None, room.id)]


def room_queue(session: Session, room_id: int) -> list[QueueRow]:
    """Every active ticket of the room (of any day: nobody is lost overnight), in call order.

    Served by the (room_id, status) index; only active rows are read. Room staff read
    their own room's queue only.
    """
    auth.require_room(session, room_id)
    stmt = (
        select(
            Referral.id, Referral.visit_id, Visit.visit_no, Referral.ticket_no, Referral.status,
            Person.name, Category.name, Visit.risk_level, Referral.created_at,
            Referral.called_at, Referral.started_at, Referral.call_count, Visit.visit_type,
            Visit.headcount, Visit.is_repeat, Referral.transferred_from_id, Referral.note,
            privacy.went_to_counselling(),
            select(KioskTicket.id).where(KioskTicket.referral_id == Referral.id).exists(),
        )
        .join(Visit, Visit.id == Referral.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Category, Category.id == Visit.category_id)
        .where(Referral.room_id == room_id, Referral.status.in_(ACTIVE),
               Visit.deleted_at.is_(None))
        .order_by(
            case({"serving": 0, "called": 1, "waiting": 2, "on_hold": 3}, value=Referral.status),
            *_queue_order(),
        )
    )
    readable = privacy.may_read_counselling(session)
    return [
        QueueRow(
            referral_id=r[0], visit_id=r[1], visit_no=r[2], ticket_no=r[3], status=r[4],
            person_name=r[5], category=r[6] or "", risk_level=r[7], created_at=r[8],
            called_at=r[9], started_at=r[10], call_count=r[11] or 0, visit_type=r[12],
            headcount=r[13], is_repeat=bool(r[14]), transferred=r[15] is not None,
            note=privacy.shown(r[16], bool(r[17]), readable), self_service=bool(r[18]),
        )
        for r in session.execute(stmt)
    ]


# Called or being served: a ticket a desk has in hand until it is finished or marked 过号.
IN_HAND = ("called", "serving")


@dataclass(frozen=True)
class OpenTicket:
    """A ticket not finished yet, with whose it is and where."""

    referral_id: int
    ticket_no: str
    room_name: str
    person_name: str
    status: str

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def closing_action(self) -> str:
        """How a desk ends it: 办结 once serving, 过号 while only called."""
        return "finish" if self.status == "serving" else "no_show"


def open_tickets(session: Session, condition: ColumnElement[bool],
                 *order: ColumnExpressionArgument[Any]) -> list[OpenTicket]:
    """The tickets meeting ``condition`` in ``order`` (then in the order they were issued)."""
    rows = session.execute(
        select(Referral.id, Referral.ticket_no, Room.name, Person.name, Referral.status)
        .join(Room, Room.id == Referral.room_id)
        .join(Visit, Visit.id == Referral.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .where(condition)
        .order_by(*order, Referral.created_at, Referral.id)
    )
    return [OpenTicket(*row) for row in rows]


def tickets_in_hand(session: Session, room_id: int, *,
                    staff_id: int | None = None) -> list[OpenTicket]:
    """The room's called or serving tickets of this desk, the ones being served first.

    叫下一位 would leave these behind. With ``staff_id`` (the signed-in account) the
    desk's tickets are the ones that person handled and the ones nobody is recorded
    on; without it every ticket in hand in the room may be the desk's own.
    """
    auth.require(session, "queue.room")
    if not validation.valid_id(room_id) or not (staff_id is None
                                                or validation.valid_id(staff_id)):
        return []
    condition = and_(Referral.room_id == room_id, Referral.status.in_(IN_HAND))
    if staff_id is not None:
        condition = and_(condition, or_(Referral.handled_by_id == staff_id,
                                        Referral.handled_by_id.is_(None)))
    return open_tickets(session, condition,
                        case({"serving": 0, "called": 1}, value=Referral.status),
                        Referral.called_at)


def left_behind_by_call_next(session: Session, room_id: int, *,
                             staff_id: int | None = None) -> list[OpenTicket]:
    """The desk's tickets in hand 叫下一位 would leave behind: none when nobody waits,
    since then it calls nobody and the desk goes on with the ticket it has."""
    if not validation.valid_id(room_id) or session.scalar(
            select(Referral.id).where(Referral.room_id == room_id,
                                      Referral.status == "waiting").limit(1)) is None:
        return []
    return tickets_in_hand(session, room_id, staff_id=staff_id)


@dataclass(frozen=True)
class RouteEvent:
    at: datetime
    action: str
    room_name: str
    ticket_no: str
    staff: str
    reason: str
    to_room: str

    @property
    def action_name(self) -> str:
        return ACTION_NAMES.get(self.action, self.action)


@dataclass(frozen=True)
class RouteStep:
    """One ticket of the visit, with its measured waiting and serving times."""

    referral_id: int
    room_name: str
    ticket_no: str
    status: str
    result: str | None
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def wait_minutes(self) -> int | None:
        if self.started_at is None:
            return None
        return max(int((self.started_at - self.created_at).total_seconds() // 60), 0)

    @property
    def serve_minutes(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max(int((self.finished_at - self.started_at).total_seconds() // 60), 0)


@dataclass(frozen=True)
class VisitRoute:
    visit_id: int
    visit_no: str
    person_name: str
    steps: list[RouteStep]
    events: list[RouteEvent]
    escalations: list[EscalationRow]


def visit_route(session: Session, visit_id: int) -> VisitRoute:
    """The whole route of a visit (转办记录): its tickets and every action on them.

    Room staff read the route of a visit that came to their own room only.
    """
    room_id = auth.own_room_only(session)
    if room_id is not None and session.scalar(
        select(Referral.id).where(Referral.visit_id == visit_id, Referral.room_id == room_id)
        .limit(1)
    ) is None:
        raise PermissionDenied("queue.room", "查看其他室来访的转办记录")
    visit = session.scalar(
        select(Visit).where(Visit.id == visit_id).options(joinedload(Visit.person))
    )
    if visit is None:
        raise NotFoundError("该来访登记不存在")
    referrals = session.scalars(
        select(Referral).where(Referral.visit_id == visit_id)
        .options(joinedload(Referral.room)).order_by(Referral.created_at, Referral.id)
    ).all()
    steps = [
        RouteStep(r.id, r.room.name, r.ticket_no, r.status, r.result, r.created_at, r.called_at,
                  r.started_at, r.finished_at)
        for r in referrals
    ]
    by_id = {r.id: r for r in referrals}
    to_room = Room.__table__.alias("to_room")
    rows = session.execute(
        select(ReferralEvent.at, ReferralEvent.action, ReferralEvent.referral_id,
               Staff.name, ReferralEvent.reason, to_room.c.name)
        .outerjoin(Staff, Staff.id == ReferralEvent.staff_id)
        .outerjoin(to_room, to_room.c.id == ReferralEvent.to_room_id)
        .where(ReferralEvent.visit_id == visit_id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    ).all()
    # A hold or transfer reason tells what the resident said: confidential like the notes.
    hidden = (any(r.room.code == privacy.COUNSELLING_ROOM for r in referrals)
              and not privacy.may_read_counselling(session))
    events = [
        RouteEvent(at, action, by_id[rid].room.name if rid in by_id else "",
                   by_id[rid].ticket_no if rid in by_id else "", staff or "",
                   privacy.shown(reason, hidden, readable=False), target or "")
        for at, action, rid, staff, reason, target in rows
    ]
    escalations = _escalation_rows(
        session, Escalation.visit_id == visit_id, today=date.today(), limit=None
    )
    return VisitRoute(visit.id, visit.visit_no, visit.person.name, steps, events, escalations)


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
    now = now or _now()
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
    now = now or _now()
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


# ---------------------------------------------------------------------------
# Escalation (上报) and referral to departments (吹哨报到).

LEVELS = {"A": "A级（社区）", "B": "B级（街道）", "C": "C级（区）", "D": "D级（市）"}


@dataclass(frozen=True)
class EscalationRow:
    id: int
    visit_id: int
    visit_no: str
    person_name: str
    risk_level: str
    kind: str
    target: str  # "B级（街道）" or the department
    reason: str
    raised_at: datetime
    due_date: date | None
    status: str
    overdue: bool
    outcome: str

    @property
    def kind_name(self) -> str:
        return "上报" if self.kind == "level" else "部门移送"


def escalate(
    database: Database, visit_id: int, level: str, reason: str, *, due_date: date | None = None,
    staff_id: int | None = None, now: datetime | None = None,
) -> int:
    """Raise the matter to a higher level (A 社区, B 街道, C 区, D 市)."""
    errors: dict[str, str] = {}
    reason = clean_argument(errors, "reason", reason, REASON)
    _check_ids(errors, staff_id=staff_id, due_date=due_date)
    if level not in LEVELS:
        errors["level"] = "请选择上报层级"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写上报理由"
    now = now or _now()
    if due_date is not None and due_date < now.date():
        errors["due_date"] = "办理期限不能早于今天"
    if errors:
        raise ValidationError(errors)
    return _add_escalation(database, visit_id, now, kind="level", level=level,
                           reason=reason, due_date=due_date, staff_id=staff_id)


def refer_to_department(
    database: Database, visit_id: int, department: str, due_date: date | None, reason: str, *,
    staff_id: int | None = None, now: datetime | None = None,
) -> int:
    """Refer the matter to an outside department with a due date (吹哨报到)."""
    errors: dict[str, str] = {}
    department = clean_argument(errors, "department", department, DEPARTMENT)
    reason = clean_argument(errors, "reason", reason, REASON)
    if not department and "department" not in errors:
        errors["department"] = "请填写移送的职能部门"
    now = now or _now()
    if due_date is None:
        errors["due_date"] = "请填写办理期限"
    elif due_date < now.date():
        errors["due_date"] = "办理期限不能早于今天"
    if not reason and "reason" not in errors:
        errors["reason"] = "请填写移送事由"
    _check_ids(errors, staff_id=staff_id, due_date=due_date)
    if errors:
        raise ValidationError(errors)
    return _add_escalation(database, visit_id, now, kind="department",
                           department=department, reason=reason,
                           due_date=due_date, staff_id=staff_id)


def _add_escalation(database: Database, visit_id: int, now: datetime, **values: object) -> int:
    with database.write() as session:
        validation.existing(session, Visit, visit_id, "该来访登记不存在")
        values["staff_id"] = _acting(session, values.get("staff_id"))  # type: ignore[arg-type]
        row = Escalation(visit_id=visit_id, status="open", raised_at=now, raised_by_id=values.pop(
            "staff_id"), created_at=now, updated_at=now, **values)
        session.add(row)
        session.flush()
        return row.id


def close_escalation(
    database: Database, escalation_id: int, outcome: str, *, now: datetime | None = None
) -> None:
    errors: dict[str, str] = {}
    outcome = clean_argument(errors, "outcome", outcome, OUTCOME)
    if not outcome and not errors:
        errors["outcome"] = "请填写办理结果"
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        auth.require(session, "queue.room")
        row = session.scalar(
            select(Escalation).where(Escalation.id == escalation_id).with_for_update()
        ) if validation.valid_id(escalation_id) else None
        if row is None:
            raise NotFoundError("该上报/移送记录不存在")
        if row.status != "open":
            raise ValidationError({"outcome": "该事项已办结"})
        row.status = "closed"
        row.outcome = outcome
        row.closed_at = now or _now()


def _escalation_rows(
    session: Session, condition, *, today: date, limit: int | None  # type: ignore[no-untyped-def]
) -> list[EscalationRow]:
    """Those with a due date first, by date (walks the (status, due_date) index), then the rest."""
    base = (
        select(Escalation, Visit.visit_no, Person.name, Visit.risk_level)
        .join(Visit, Visit.id == Escalation.visit_id)
        .join(Person, Person.id == Visit.person_id)
        .where(condition)
    )
    dated = base.where(Escalation.due_date.is_not(None)).order_by(
        Escalation.due_date, Escalation.id)
    undated = base.where(Escalation.due_date.is_(None)).order_by(Escalation.id)
    if limit is not None:
        dated = dated.limit(limit)
    found = list(session.execute(dated))
    if limit is None or len(found) < limit:
        rest = undated if limit is None else undated.limit(limit - len(found))
        found += list(session.execute(rest))
    rows = []
    readable = privacy.may_read_counselling(session)
    # Asked for the rows found only: as a column, PostgreSQL answered it by hashing every
    # counselling ticket ever issued (40 ms at a million visits).
    counselling_visits = privacy.counselling_visit_ids(session, [row[0].visit_id for row in found])
    for esc, visit_no, name, risk in found:
        counselling = esc.visit_id in counselling_visits
        target = LEVELS.get(esc.level or "", "") if esc.kind == "level" else esc.department or ""
        rows.append(EscalationRow(
            esc.id, esc.visit_id, visit_no, name, risk, esc.kind, target,
            privacy.shown(esc.reason, bool(counselling), readable),
            esc.raised_at, esc.due_date, esc.status,
            esc.status == "open" and esc.due_date is not None and esc.due_date < today,
            privacy.shown(esc.outcome, bool(counselling), readable),
        ))
    return rows


def open_escalations(
    session: Session, *, today: date | None = None, overdue_only: bool = False, limit: int = 500
) -> list[EscalationRow]:
    """Open escalations and department referrals, the overdue ones first (by due date).

    Room staff see those of the visits that came to their own room only.
    """
    own_room = auth.own_room_only(session)
    today = today or date.today()
    condition = Escalation.status == "open"
    if own_room is not None:
        condition = and_(condition, Escalation.visit_id.in_(
            select(Referral.visit_id).where(Referral.room_id == own_room)))
    if overdue_only:
        condition = and_(condition, Escalation.due_date < today)
    return _escalation_rows(session, condition, today=today, limit=limit)


def overdue_count(session: Session, *, today: date | None = None) -> int:
    today = today or date.today()
    return int(session.scalar(
        select(func.count()).select_from(Escalation)
        .where(Escalation.status == "open", Escalation.due_date < today)
    ) or 0)
