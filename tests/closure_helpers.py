"""Shared set-up for the 回复评价 tests: a finished matter, ready to be replied to."""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.db import Database
from desktop.services.reception import queue
from desktop.services.reception.registration import Registration
from tests.reception_helpers import register

VISITED = datetime(2026, 11, 30, 9, 0)  # a Monday, two days before the test day


def finished_matter(database: Database, n: int = 1, *, room: str = "矛盾纠纷调解室",
                    category: str = "邻里", at: datetime = VISITED) -> Registration:
    """A visit registered at ``at`` whose ticket was served and finished an hour later."""
    reg = register(database, n, room=room, category=category, now=at)
    queue.start(database, reg.referral_id, now=at + timedelta(minutes=30))
    queue.finish(database, reg.referral_id, "resolved", note="已调处",
                 now=at + timedelta(hours=1))
    return reg
