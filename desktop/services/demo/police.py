"""Invented hand-overs for the 警民联络室 (one call in ``generate_demo_data``).

About one in three visits the room finished becomes a hand-over to a 派出所; a few more
come the other way (110 非警务警情, 公安移交调解), typed in directly. Most older ones have
their reply; some are overdue. Numbered from the ``police:{year}`` counters, which are
raised to match. Rows go in with bulk inserts and explicit ids, in batches.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from desktop.models import Person, PoliceHandover, Referral, Room, SequenceCounter, Visit
from desktop.services import numbering
from desktop.services.demo.generate import (
    BATCH,
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
    random_mobile,
    random_name,
)
from desktop.services.police.handovers import KINDS, REPLY_DAYS, format_handover_no

STATIONS = ["东林派出所", "西城派出所", "南湖派出所", "北关派出所"]
OFFICERS = ["赵建国", "钱志强", "孙立伟", "李红梅", "周海涛", "吴俊峰"]
REPLIES = ["已派民警上门调查，加强夜间巡逻", "经核实系邻里纠纷，已移交调解",
           "已立案侦查，将及时告知结果", "当事人已到所说明情况，事态平息"]
FROM_MATTERS = ["110转来：邻里因停车位发生口角，非警务警情，请综治中心调处",
                "110转来：租户与房东押金纠纷，请综治中心协调",
                "派出所移交：两户因漏水引发争执，经现场劝解后移交人民调解"]


def generate_handovers(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = datetime.now().replace(second=0, microsecond=0)
    today = now.date()
    with ctx.database.read() as session:
        next_id = _next_id(session, PoliceHandover)
        counters = dict(session.execute(
            select(SequenceCounter.key, SequenceCounter.value)
            .where(SequenceCounter.key.like("police:%"))).all())
        stmt = (select(Visit.id, Referral.id, Visit.visited_at, Visit.summary, Person.name,
                       Person.phone)
                .join(Referral, Referral.visit_id == Visit.id)
                .join(Room, Room.id == Referral.room_id)
                .join(Person, Person.id == Visit.person_id)
                .where(Room.code == "police", Referral.status == "done")
                .order_by(Visit.visited_at, Visit.id))
        chosen = [row for row in session.execute(stmt.execution_options(yield_per=BATCH))
                  if rng.random() < 1 / 3]
    # The other direction: about one for every two hand-overs to the police, typed in.
    received: list[tuple[Any, ...]] = []
    for row in chosen[::2]:
        at = min(row[2] + timedelta(hours=rng.randrange(1, 72)), now)
        received.append((None, None, at, rng.choice(FROM_MATTERS), random_name(rng),
                         random_mobile(rng)))
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        with ctx.database.write() as session:
            bulk_insert(session, PoliceHandover, rows)
            _fix_sequences(session, "police_handover")
            numbering.raise_to(session, counters)
        ctx.summary.add("警民联络移交", len(rows))
        rows.clear()

    every = sorted(chosen + received, key=lambda r: r[2])
    for visit_id, referral_id, at, matter, name, phone in every:
        handed = at.replace(second=0, microsecond=0)
        year = handed.year
        counters[f"police:{year}"] = seq = counters.get(f"police:{year}", 0) + 1
        kind = "移交派出所" if visit_id is not None else rng.choice(
            ["110非警务警情", "公安移交调解"])
        due = handed.date() + timedelta(days=REPLY_DAYS)
        replied: date | None = None
        if (due < today or rng.random() < 0.4) and rng.random() < 0.85:
            replied = min(handed.date() + timedelta(days=rng.randrange(1, 10)), today)
        rows.append({
            "id": next_id, "handover_no": format_handover_no(year, seq), "year": year,
            "seq": seq, "direction": KINDS[kind], "kind": kind, "handed_at": handed,
            "matter": matter, "person_name": name, "person_phone": phone,
            "station": rng.choice(STATIONS), "officer_name": rng.choice(OFFICERS),
            "officer_phone": random_mobile(rng),
            "officer_badge": f"{rng.randrange(10**6):06d}" if rng.random() < 0.7 else None,
            "visit_id": visit_id, "referral_id": referral_id, "reply_due": due,
            "reply_on": replied, "reply_content": rng.choice(REPLIES) if replied else None,
            "case_id": None, "recorded_by_id": None,
        })
        next_id += 1
        if len(rows) >= BATCH:
            flush()
    if rows:
        flush()
