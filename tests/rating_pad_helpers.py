"""Shared set-up for the rating pad tests: a member of staff, a ticket served and
finished just now through the queue, the pad's own connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from desktop.db import Database
from desktop.models import Staff
from desktop.services.admin import auth
from desktop.services.reception import queue
from desktop.services.reception.registration import Registration
from tests.reception_helpers import register, room_ids


def add_staff(database: Database, name: str = "陈秀兰", role: str = "mediator",
              room: str = "矛盾纠纷调解室") -> int:
    """A member of staff of ``room`` (no account: the desk names them when serving)."""
    with database.write() as session:
        row = Staff(name=name, role=role, active=True, room_id=room_ids(database)[room])
        auth.set_roles(row, [role])
        session.add(row)
        session.flush()
        return row.id


def served(database: Database, n: int, staff_id: int, *, room: str = "矛盾纠纷调解室",
           category: str = "邻里", finished: datetime | None = None) -> Registration:
    """A resident registered, served by ``staff_id`` and finished at ``finished`` (now)."""
    finished = finished or datetime.now().replace(microsecond=0)
    reg = register(database, n, room=room, category=category,
                   now=finished - timedelta(minutes=20))
    queue.start(database, reg.referral_id, staff_id=staff_id,
                now=finished - timedelta(minutes=10))
    queue.finish(database, reg.referral_id, "resolved", note="已答复", staff_id=staff_id,
                 now=finished)
    return reg


@contextmanager
def pad_connection(database: Database) -> Iterator[Database]:
    """The pad's own connection to the centre's database, acting as the rating pad."""
    url = database.engine.url.render_as_string(hide_password=False)
    pad = Database.open(url, migrate=False, desk="评价器")
    pad.actor = auth.RATING_PAD_ACTOR
    try:
        yield pad
    finally:
        pad.dispose()
