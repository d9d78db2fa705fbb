"""Helpers of the rule tests: what the database holds, to prove a refusal wrote nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Person, Referral, ReferralEvent, SequenceCounter, Visit
from desktop.services import reference
from desktop.services.admin import auth

# A number published with GB 11643 as its example (not the code's own generator).
PUBLISHED_ID = "11010519491231002X"

RECEPTION_TABLES = (Person, Visit, Referral, ReferralEvent)


def snapshot(database: Database, *models: type) -> dict[str, Any]:
    """Row counts of the given tables and every number counter's value."""
    with database.read() as session:
        counts: dict[str, Any] = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in models or RECEPTION_TABLES
        }
        counts["counters"] = dict(
            session.execute(select(SequenceCounter.key, SequenceCounter.value)).all())
    return counts


@contextmanager
def acting_as(database: Database, roles: set[str], room: str | None = None) -> Iterator[None]:
    """``database`` signed in as an account of ``roles`` working ``room``, for the block."""
    with database.read() as session:
        room_id = {r.name: r.id for r in reference.rooms(session)}[room] if room else None
    admin = database.actor
    database.actor = auth.Actor(None, "测试" + "、".join(sorted(roles)), frozenset(roles),
                                room_id=room_id)
    try:
        yield
    finally:
        database.actor = admin
