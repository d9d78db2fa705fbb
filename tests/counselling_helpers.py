"""Invented counselling cases for tests: a visit routed to the room, taken up, a session."""

from __future__ import annotations

from datetime import date

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.counselling import cases, sessions
from desktop.services.counselling.risk import RiskInput
from desktop.services.reception.registration import Registration
from tests.reception_helpers import register, room_ids

SECRET = "长期失眠，夜里反复想到轻生"
SESSION_SECRET = "与母亲关系紧张，独居后情绪低落"
INTERVENTION = "共情倾听，制定安全计划"
PLAN_SECRET = "一周后复谈，联系其姐姐陪伴"


def routed_visit(database: Database, n: int = 7) -> Registration:
    return register(database, n, room="心理咨询室", category="心理疏导", summary=SECRET)


def take_up(database: Database, n: int = 7, *, risk: RiskInput | None = None
            ) -> cases.CaseRef:
    visit = routed_visit(database, n)
    with database.read() as session:
        draft = cases.draft_from_visit(session, visit.visit_id)
    if risk is not None:
        draft.risk = risk
    return cases.take_up(database, draft)


def session_input(**changes: object) -> sessions.SessionInput:
    values: dict[str, object] = dict(
        held_on=date.today(), minutes=50, problem=SESSION_SECRET, intervention=INTERVENTION,
        plan=PLAN_SECRET)
    values.update(changes)
    return sessions.SessionInput(**values)  # type: ignore[arg-type]


def as_role(database: Database, roles: set[str], staff_id: int | None = None,
            room: str | None = None) -> None:
    room_id = room_ids(database)[room] if room else None
    database.actor = auth.Actor(staff_id, "测试" + "、".join(sorted(roles)), frozenset(roles),
                                room_id=room_id)
