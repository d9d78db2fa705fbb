"""Helpers of the rule tests: what the database holds, to prove a refusal wrote nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, func, select, text

from desktop.db import Database
from desktop.models import Person, Referral, ReferralEvent, SequenceCounter, Visit
from desktop.services import reference
from desktop.services.admin import audit, auth
from desktop.services.errors import ValidationError

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


def refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
    """The errors of the ``ValidationError`` that ``call(*args, **kwargs)`` must raise."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.errors


def lock_waiters(watcher: Connection) -> int:
    """How many connections to this PostgreSQL database wait for a lock now.

    The activity is a snapshot per transaction: the look ends its own, so the next
    look sees a wait that began since.
    """
    waiting = int(watcher.execute(text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        " AND datname = current_database()")).scalar_one())
    watcher.rollback()
    return waiting


def logged(database: Database, action: str, target_type: str,
           target_id: object) -> list[Mapping[str, object]]:
    """The details the audit log holds for ``action`` on one record, oldest first."""
    where = audit.AuditFilter(action=action, target_type=target_type, target_id=str(target_id))
    with database.read() as session:
        return [e.raw_detail for e in audit.list_entries(session, where, limit=None,
                                                         newest_first=False)]


def next_id(database: Database, model: type, value: int) -> None:
    """On PostgreSQL, the next row of ``model``'s table takes the id ``value``.

    Two desks writing at once may commit in the other order than they took their ids,
    so a row written later can hold the smaller id; both databases then list rows of
    equal sort keys in the order they were written, and only an order by id puts them
    back. SQLite keeps every table and index in id order, so there this does nothing
    (the test still checks the order it lists).
    """
    if database.is_sqlite:
        return
    table = model.__table__.name  # type: ignore[attr-defined]
    with database.write() as session:
        session.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value, false)"),
                        {"table": table, "value": value})


def waits_then(database: Database, hold: list[str], params: dict[str, object],
                step: Callable[[], object]) -> object:
    """Run ``step`` while another connection holds what ``hold`` takes; it must wait for
    that connection, which then commits. What ``step`` returned or raised."""
    results: list[object] = []

    def desk() -> None:
        try:
            results.append(step())
        except BaseException as exc:  # looked at on the test's own thread
            results.append(exc)

    with database.engine.connect() as holder, database.engine.connect() as watcher:
        for statement in hold:
            holder.execute(text(statement), params)
        thread = threading.Thread(target=desk)
        thread.start()
        for _ in range(600):
            waiting = lock_waiters(watcher)
            if waiting or results:
                break
            thread.join(timeout=0.05)
        assert not results, f"the desk did not wait for the other one: {results}"
        assert waiting, "the desk never waited"
        holder.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and len(results) == 1
    return results[0]
