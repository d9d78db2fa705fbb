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
``states.TRANSITIONS``, the times are stamped by the clock (never typed), and a
:class:`~desktop.models.ReferralEvent` row records who did what, when and why.
An illegal action (another desk got there first, say) is refused with a
Chinese message and changes nothing.

One module per concept: ``states`` (the state machine and its names), ``actions`` (the
steps), ``listing`` (a room's queue, tickets in hand), ``route`` (one visit's way),
``board`` (the centre board and the hall display), ``escalations`` (上报 and 吹哨报到).
Callers import ``desktop.services.reception.queue`` and find every name here.
"""

from __future__ import annotations

from desktop.services.reception.queue.actions import (
    call,
    call_next,
    finish,
    hold,
    issue_ticket,
    no_show,
    recall,
    record,
    resume,
    route_again,
    start,
    ticket_number,
    transfer,
)
from desktop.services.reception.queue.board import (
    HALL_CALL_HOURS,
    BoardRow,
    HallRow,
    centre_board,
    hall_display,
)
from desktop.services.reception.queue.escalations import (
    LEVELS,
    EscalationRow,
    close_escalation,
    escalate,
    escalation_rows,
    open_escalations,
    overdue_count,
    refer_to_department,
)
from desktop.services.reception.queue.listing import (
    IN_HAND,
    OpenTicket,
    QueueRow,
    left_behind_by_call_next,
    open_tickets,
    queue_order,
    room_queue,
    tickets_in_hand,
    workable_rooms,
)
from desktop.services.reception.queue.route import (
    RouteEvent,
    RouteStep,
    VisitRoute,
    visit_route,
)
from desktop.services.reception.queue.states import (
    ACTION_NAMES,
    ACTIVE,
    FINAL,
    RESULT_NAMES,
    RESULTS,
    STATUS_NAMES,
    TRANSITIONS,
    allowed_actions,
)

__all__ = [
    "ACTION_NAMES",
    "ACTIVE",
    "FINAL",
    "HALL_CALL_HOURS",
    "IN_HAND",
    "LEVELS",
    "RESULTS",
    "RESULT_NAMES",
    "STATUS_NAMES",
    "TRANSITIONS",
    "BoardRow",
    "EscalationRow",
    "HallRow",
    "OpenTicket",
    "QueueRow",
    "RouteEvent",
    "RouteStep",
    "VisitRoute",
    "allowed_actions",
    "call",
    "call_next",
    "centre_board",
    "close_escalation",
    "escalate",
    "escalation_rows",
    "finish",
    "hall_display",
    "hold",
    "issue_ticket",
    "left_behind_by_call_next",
    "no_show",
    "open_escalations",
    "open_tickets",
    "overdue_count",
    "queue_order",
    "recall",
    "record",
    "refer_to_department",
    "resume",
    "room_queue",
    "route_again",
    "start",
    "ticket_number",
    "tickets_in_hand",
    "transfer",
    "visit_route",
    "workable_rooms",
]
