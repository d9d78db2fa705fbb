"""When a resident on the care register is next due a home visit.

The one rule lives in :func:`next_visit_due` (calendar days for now), so a rule in
working days can replace it without touching its callers. Every write that changes
an entry's frequency or its visits stores the result in ``CareEntry.next_due_on``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import CareEntry, CareVisit

# The list of visits due shows what falls due within this many days, and all overdue.
DUE_WITHIN_DAYS = 7


def next_visit_due(last: date, frequency_days: int) -> date:
    """The day the next visit is due: the last visit (or registration) plus the frequency."""
    return last + timedelta(days=frequency_days)


def last_visit_on(session: Session, entry_id: int) -> date | None:
    return session.scalar(select(func.max(CareVisit.visited_on))
                          .where(CareVisit.entry_id == entry_id))


def refresh_due(session: Session, entry: CareEntry) -> None:
    """Store the entry's next due day from its latest visit (flushed) or its registration."""
    session.flush()
    last = last_visit_on(session, entry.id) if entry.id is not None else None
    base = max(last, entry.registered_on) if last else entry.registered_on
    entry.next_due_on = next_visit_due(base, entry.frequency_days)


def days_left(due: date, today: date) -> int:
    return (due - today).days
