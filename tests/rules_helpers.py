"""Helpers of the rule tests: what the database holds, to prove a refusal wrote nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Person, Referral, ReferralEvent, SequenceCounter, Visit

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
