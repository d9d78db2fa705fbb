"""The counters behind every number (``numbering``): a new series starts at 1 and counts
up one by one; a series raised after bulk writes never goes down; each series on its own;
a rolled-back save gives its number back; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.models import SequenceCounter
from desktop.services import numbering


def _value(database: Database, key: str) -> int | None:
    with database.read() as session:
        row = session.get(SequenceCounter, key)
        return None if row is None else row.value


def test_a_series_starts_at_one_and_counts_up_on_its_own(database: Database) -> None:
    with database.write() as session:
        assert [numbering.next_value(session, "test:a") for _ in range(3)] == [1, 2, 3]
        assert numbering.next_value(session, "test:b") == 1
    assert (_value(database, "test:a"), _value(database, "test:b")) == (3, 1)


def test_a_rolled_back_save_gives_its_number_back(database: Database) -> None:
    with database.write() as session:
        numbering.next_value(session, "test:a")
    with pytest.raises(RuntimeError), database.write() as session:
        assert numbering.next_value(session, "test:a") == 2
        raise RuntimeError("the save failed")
    with database.write() as session:
        assert numbering.next_value(session, "test:a") == 2


def test_a_series_is_raised_after_bulk_writes_and_never_lowered(database: Database) -> None:
    with database.write() as session:
        for _ in range(5):
            numbering.next_value(session, "test:high")
        numbering.next_value(session, "test:low")
        numbering.raise_to(session, {"test:high": 3, "test:low": 7, "test:new": 4})
        numbering.raise_to(session, {})
    assert [_value(database, k) for k in ("test:high", "test:low", "test:new")] == [5, 7, 4]
    with database.write() as session:
        assert numbering.next_value(session, "test:low") == 8
        assert numbering.next_value(session, "test:new") == 5
        assert numbering.next_value(session, "test:high") == 6
