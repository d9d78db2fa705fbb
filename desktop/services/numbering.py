"""Numbers that must be unique across every desk: visit numbers, tickets, case numbers.

Each series has one counter row, incremented with an atomic upsert in the caller's
transaction (``INSERT … ON CONFLICT``, which both databases the program opens have:
``open_database`` refuses any other). Two desks saving at the same moment are
serialised by the database (a row lock on PostgreSQL, the write lock on SQLite), so a
number is never handed out twice, and a rolled-back save gives its number back.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, case
from sqlalchemy.orm import Session

from desktop.db import insert_on_conflict
from desktop.models import SequenceCounter


def next_value(session: Session, key: str) -> int:
    """Increment the counter ``key`` (created at 1) and return its new value."""
    table = cast(Table, SequenceCounter.__table__)
    stmt = (
        insert_on_conflict(session, table)
        .values(key=key, value=1)
        .on_conflict_do_update(index_elements=[table.c.key], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return int(session.execute(stmt).scalar_one())


def raise_to(session: Session, values: dict[str, int]) -> None:
    """Make sure each counter is at least the given value (after rows were bulk-written)."""
    if not values:
        return
    table = cast(Table, SequenceCounter.__table__)
    stmt = insert_on_conflict(session, table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"value": case((table.c.value < stmt.excluded.value, stmt.excluded.value),
                            else_=table.c.value)},
    )
    session.execute(stmt, [{"key": k, "value": v} for k, v in values.items()])
