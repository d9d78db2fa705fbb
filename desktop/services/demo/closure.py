"""Invented 回复 and 评价: most finished matters replied to and rated, mostly satisfied, a
few unsatisfied with their 整改; the State Council's 2026 calendar; a few time limits.

Written in batches with explicit ids, like the visits, so a million visits stay quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, exists, func, select

from desktop.models import (
    Category,
    Rectification,
    RectificationNote,
    Referral,
    Visit,
    VisitRating,
    VisitReply,
    WorkdayException,
)
from desktop.services.closure import workdays
from desktop.services.closure.replies import (
    LEVELS,
    OPEN_STATES,
    PAD_CHANNEL,
    RECTIFICATION_DAYS,
    UNSATISFIED,
)

if TYPE_CHECKING:
    from desktop.services.demo.generate import DemoContext

BATCH = 5000
SLICE = 50_000
# 服务时限 (working days) given to the categories that have none yet.
TIME_LIMITS = {"治安求助": 5, "困难帮扶": 10, "其他": 10, "征地拆迁": 20, "环境污染": 15}
DEFAULT_LIMIT = 15
LEVEL_WEIGHTS = (52, 30, 11, 5, 2)
REPLY_TEXTS = {
    "当面": "已当面告知办理结果，群众表示知悉",
    "电话": "已电话告知办理结果及后续注意事项",
    "短信": "已短信告知办理结果和咨询电话",
    "书面": "已书面答复，送达群众本人签收",
}
METHOD_WEIGHTS = (("当面", 45), ("电话", 40), ("短信", 10), ("书面", 5))
# A matter is rated at the 回访 or in person; the 评价器 rates each ticket (below).
CHANNEL_WEIGHTS = (("电话回访", 70), ("当面", 30))
PAD_EVERY = 3  # about one finished ticket in three rated on the window's 评价器
PAD_LEVEL_WEIGHTS = (60, 30, 10)  # 非常满意, 满意, 基本满意: a tap seldom complains
FIX_NOTES = ["已约见群众了解不满意的原因", "已督促承办人重新核查办理情况",
             "已协调相关部门再次上门处理"]


def generate_closure(ctx: DemoContext) -> None:
    from desktop.services.demo.generate import _fix_sequences, _next_id, bulk_insert

    rng = ctx.rng
    now = datetime.now().replace(microsecond=0)
    staff = [s for ids in ctx.staff.values() for s in ids if s is not None]
    with ctx.database.write() as session:
        if not session.scalar(select(func.count(WorkdayException.id))) \
                and now.year in workdays.shipped_years():
            ctx.summary.add("工作日历例外日期", workdays.import_shipped(session, now.year))
        for category in session.scalars(select(Category).where(
                Category.time_limit_days.is_(None))):
            category.time_limit_days = TIME_LIMITS.get(category.name, DEFAULT_LIMIT)
    with ctx.database.read() as session:
        calendar = workdays.Calendar.load(session)
        ids = {model: _next_id(session, model)
               for model in (VisitReply, VisitRating, Rectification, RectificationNote)}
        still_open = func.sum(case((Referral.status.in_(OPEN_STATES), 1), else_=0))
        last_visit = int(session.scalar(select(func.max(Visit.id))) or 0)
    if not staff:
        return

    def matters() -> Iterator[tuple[int, datetime, datetime | None]]:
        """The finished matters without a reply, a slice of visit ids at a time."""
        for start in range(1, last_visit + 1, SLICE):
            with ctx.database.read() as session:
                found = session.execute(
                    select(Visit.id, Visit.visited_at, func.max(Referral.finished_at))
                    .join(Referral, Referral.visit_id == Visit.id)
                    .where(Visit.id >= start, Visit.id < start + SLICE,
                           Visit.deleted_at.is_(None),
                           ~exists(select(VisitReply.id).where(VisitReply.visit_id == Visit.id)))
                    .group_by(Visit.id, Visit.visited_at)
                    .having(still_open == 0)
                    .order_by(Visit.id)).all()
            for visit_id, visited_at, finished_at in found:
                yield visit_id, visited_at, _as_datetime(finished_at)

    rows: dict[Any, list[dict[str, Any]]] = {}

    def flush() -> None:
        with ctx.database.write() as session:
            for model in (VisitReply, VisitRating, Rectification, RectificationNote):
                if rows.get(model):
                    bulk_insert(session, model, rows[model])
            _fix_sequences(session, "visit_reply", "visit_rating", "rectification",
                           "rectification_note")
        for model, label in ((VisitReply, "回复"), (VisitRating, "评价"),
                             (Rectification, "整改")):
            ctx.summary.add(label, len(rows.get(model, [])))
        rows.clear()

    def add(model: Any, row: dict[str, Any]) -> int:
        row["id"] = ids[model]
        ids[model] += 1
        rows.setdefault(model, []).append(row)
        return int(row["id"])

    for visit_id, visited_at, finished_at in matters():
        recent = (now - visited_at).days < 10
        if rng.random() < (0.35 if recent else 0.06):
            continue  # left for 待回复
        replied_at = (finished_at or visited_at) + timedelta(hours=rng.randint(1, 60))
        if replied_at > now:
            continue
        method = _weighted(rng, METHOD_WEIGHTS)
        add(VisitReply, {"visit_id": visit_id, "method": method, "replied_at": replied_at,
                         "replied_by_id": rng.choice(staff), "content": REPLY_TEXTS[method],
                         "created_at": replied_at, "updated_at": replied_at})
        rated_at = replied_at + timedelta(hours=rng.randint(0, 72))
        if rated_at > now or rng.random() < 0.12:
            continue  # left for 待评价
        level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        rating_id = add(VisitRating, {
            "visit_id": visit_id, "level": level, "channel": channel, "rated_at": rated_at,
            "recorded_by_id": None if channel == "窗口评价器" else rng.choice(staff),
            "comment": "办理时间较长" if level in UNSATISFIED else None, "rerating": False,
            "created_at": rated_at, "updated_at": rated_at})
        if level not in UNSATISFIED:
            continue
        due = calendar.add_working_days(rated_at.date(), RECTIFICATION_DAYS)
        fix = {"visit_id": visit_id, "rating_id": rating_id, "opened_at": rated_at,
               "due_date": due, "status": "open", "closed_at": None,
               "closing_rating_id": None, "created_at": rated_at, "updated_at": rated_at}
        noted = rated_at + timedelta(days=rng.randint(1, 6))
        again = rated_at + timedelta(days=rng.randint(5, 25))
        if again < now - timedelta(days=3):
            closing = add(VisitRating, {
                "visit_id": visit_id, "level": rng.choice(LEVELS[:3]), "channel": "电话回访",
                "rated_at": again, "recorded_by_id": rng.choice(staff), "comment": None,
                "rerating": True, "created_at": again, "updated_at": again})
            fix.update(status="closed", closed_at=again, closing_rating_id=closing)
        fix_id = add(Rectification, fix)
        if noted < now:
            add(RectificationNote, {"rectification_id": fix_id, "at": noted,
                                    "staff_id": rng.choice(staff),
                                    "text": rng.choice(FIX_NOTES)})
        if sum(len(v) for v in rows.values()) >= BATCH:
            flush()
    flush()
    _pad_ratings(ctx, ids[VisitRating], now)


def _pad_ratings(ctx: DemoContext, next_id: int, now: datetime) -> None:
    """The 评价器 beside each window and room: a tap right after a ticket was served,
    against that ticket and the member of staff who served it (no reply needed)."""
    from desktop.services.demo.generate import _fix_sequences, bulk_insert

    rng = ctx.rng
    count = 0
    with ctx.database.read() as session:
        last = int(session.scalar(select(func.max(Referral.id))) or 0)
    for start in range(1, last + 1, SLICE):
        with ctx.database.read() as session:
            served = session.execute(
                select(Referral.id, Referral.visit_id, Referral.finished_at,
                       Referral.handled_by_id)
                .where(Referral.id >= start, Referral.id < start + SLICE,
                       Referral.status == "done", Referral.result != "left",
                       Referral.handled_by_id.is_not(None),
                       Referral.finished_at.is_not(None),
                       ~exists(select(VisitRating.id)
                               .where(VisitRating.referral_id == Referral.id)))
                .order_by(Referral.id)).all()
        rows = []
        for number, (referral_id, visit_id, finished_at, staff_id) in enumerate(served):
            rated_at = _as_datetime(finished_at)
            if number % PAD_EVERY or rated_at is None:
                continue
            rated_at += timedelta(seconds=rng.randint(5, 50))
            if rated_at > now:
                continue
            rows.append({"id": next_id, "visit_id": visit_id, "referral_id": referral_id,
                         "staff_id": staff_id, "level": rng.choices(LEVELS[:3],
                                                                    PAD_LEVEL_WEIGHTS)[0],
                         "channel": PAD_CHANNEL, "rated_at": rated_at, "recorded_by_id": None,
                         "comment": None, "rerating": False, "created_at": rated_at,
                         "updated_at": rated_at})
            next_id += 1
        if rows:
            with ctx.database.write() as session:
                bulk_insert(session, VisitRating, rows)
                _fix_sequences(session, "visit_rating")
            count += len(rows)
    ctx.summary.add("评价器评价", count)


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _weighted(rng: Any, choices: tuple[tuple[str, int], ...]) -> str:
    population, cumulative = _cumulative(choices)
    return str(rng.choices(population, cum_weights=cumulative)[0])


@cache
def _cumulative(choices: tuple[tuple[str, int], ...]
                ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The choices and their cumulative weights, worked out once (the same draws)."""
    return tuple(c for c, _w in choices), tuple(accumulate(w for _c, w in choices))
