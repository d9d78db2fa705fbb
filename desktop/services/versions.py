"""Optimistic locking for forms: a save over a record changed since the form loaded it.

A form is loaded in one session and saved in another, so SQLAlchemy's own
version check (within one session) does not see what happened in between. The
form carries the ``version`` it was loaded with; the service compares it with
the row it has just read (and locked) and, when they differ, refuses with
:class:`~desktop.services.errors.StaleEditError` listing the fields where the
form and the record now differ. Nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.db import Database
from desktop.models.base import VersionedMixin
from desktop.services.errors import FieldChange, StaleEditError

T = TypeVar("T")


def field_text(value: object) -> str:
    """A field's value as the refusal shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list):
        return "\n".join(field_text(v) for v in value)
    return str(value)


def form_values(row: object, labels: dict[str, str], **special: object) -> dict[str, str]:
    """The fields a form writes, as text; ``special`` gives those that are not plain columns."""
    return {key: field_text(special[key] if key in special else getattr(row, key))
            for key in labels}


@dataclass(frozen=True)
class Loaded:
    """A record's version as this transaction read it, and who wrote that version when."""

    version: int | None  # None: there is no such record (yet)
    changed_by: str | None = None
    changed_at: datetime | None = None


def loaded(row: VersionedMixin | None) -> Loaded:
    """Read before the form is applied: flushing the form re-stamps the row."""
    if row is None:
        return Loaded(None)
    return Loaded(row.version, row.changed_by, row.changed_at)


def refuse_stale(record: str, found: Loaded, expected: int | None, before: dict[str, str],
                 after: dict[str, str], labels: dict[str, str]) -> None:
    """Refuse a save when the record changed after the form loaded version ``expected``.

    ``found`` is the record as this transaction read it; ``before`` and ``after``
    are its fields before and after the form was applied. When the form would
    write exactly what the record now holds there is nothing to overwrite, and
    the save goes on.
    """
    if found.version == expected:
        return
    changes = [FieldChange(key, labels[key], after[key], before[key])
               for key in labels if after[key] != before[key]]
    if changes:
        raise stale(record, found, changes)


def refuse_stale_delete(record: str, row: VersionedMixin, expected: int) -> None:
    """Refuse deleting a record that changed after the list showed it."""
    if row.version != expected:
        raise stale(record, loaded(row), [], action="删除")


def stale(record: str, found: Loaded, changes: list[FieldChange], *,
          action: str = "保存") -> StaleEditError:
    return StaleEditError(record, changes, action=action, changed_by=found.changed_by,
                          changed_at=found.changed_at)


def write_checked(database: Database, record: str, work: Callable[[Session], T], *,
                  action: str = "保存") -> T:
    """Run ``work`` as one write whose version checks hold up to the commit.

    ``work`` reads (and locks) its rows before it compares versions, so losing a
    race to another desk is rare. If the flush still finds a row changed
    (SQLAlchemy's ``StaleDataError``), ``work`` runs once more on what the other
    desk wrote, so that the refusal can say what changed. Losing twice, the refusal
    names only the record and what the user was doing (``action``: 保存, 删除).
    """
    for _attempt in range(2):
        try:
            with database.write() as session:
                return work(session)
        except StaleDataError:
            continue
    raise StaleEditError(record, action=action)
