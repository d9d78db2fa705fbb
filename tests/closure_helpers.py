"""Shared set-up for the 回复评价 tests: a finished matter, ready to be replied to."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Category
from desktop.services.closure import replies
from desktop.services.reception import queue
from desktop.services.reception.registration import Registration
from tests.reception_helpers import register

VISITED = datetime(2026, 11, 30, 9, 0)  # a Monday, two days before the test day
NOW = datetime(2026, 12, 2, 10, 0)  # "now" of the services' rules, passed in


def record_reply(database: Database, visit_id: int, **kw: object) -> int:
    """A reply by phone an hour before :data:`NOW` (``kw`` changes any of it)."""
    values: dict[str, object] = {"method": "电话", "content": "已告知调解结果",
                                 "replied_at": NOW - timedelta(hours=1), "now": NOW}
    values.update(kw)
    with database.write() as session:
        return replies.record_reply(session, visit_id, **values)  # type: ignore[arg-type]


def record_rating(database: Database, visit_id: int, level: str = "满意", **kw: object) -> int:
    """A rating at the 电话回访 at :data:`NOW` (``kw`` changes any of it)."""
    values: dict[str, object] = {"channel": "电话回访", "now": NOW}
    values.update(kw)
    with database.write() as session:
        return replies.record_rating(session, visit_id, level, **values)  # type: ignore[arg-type]


def finished_matter(database: Database, n: int = 1, *, room: str = "矛盾纠纷调解室",
                    category: str = "邻里", at: datetime = VISITED) -> Registration:
    """A visit registered at ``at`` whose ticket was served and finished an hour later."""
    reg = register(database, n, room=room, category=category, now=at)
    queue.start(database, reg.referral_id, now=at + timedelta(minutes=30))
    queue.finish(database, reg.referral_id, "resolved", note="已调处",
                 now=at + timedelta(hours=1))
    return reg


def only_limits(database: Database, **limits: int) -> None:
    """Every category without a 服务时限 but the ones given (``邻里=3``)."""
    with database.write() as session:
        for category in session.scalars(select(Category)):
            category.time_limit_days = limits.get(category.name)
