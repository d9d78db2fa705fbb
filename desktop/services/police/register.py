"""The 警民联络台账: every hand-over of a period, streamed as plain rows.

Officers' and residents' phone numbers are masked; the matter of a visit heard in the
counselling room shows the confidential mark to everyone else.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from desktop.models import MediationCase, PoliceHandover, Visit
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.police.handovers import DIRECTIONS, is_overdue
from desktop.services.registers.rows import STREAM_BATCH, Period
from desktop.services.validation import mask_phone


class HandoverRegisterRow(NamedTuple):
    seq: int
    handover_no: str
    handed_at: datetime
    direction: str
    kind: str
    person: str
    matter: str
    station: str
    officer: str
    officer_phone: str
    reply_due: date | None
    reply: str
    case_no: str


def _in(stmt: Select, period: Period) -> Select:
    return stmt.where(PoliceHandover.handed_at >= period.starts_at,
                      PoliceHandover.handed_at < period.ends_before)


def count_handovers(session: Session, period: Period) -> int:
    auth.require(session, "police.read")
    return int(session.scalar(_in(select(func.count(PoliceHandover.id)), period)) or 0)


def handover_register_rows(session: Session, period: Period) -> Iterator[HandoverRegisterRow]:
    auth.require(session, "police.read")
    readable = privacy.may_read_counselling(session)
    today = date.today()
    stmt = _in(
        select(PoliceHandover.handover_no, PoliceHandover.handed_at, PoliceHandover.direction,
               PoliceHandover.kind, PoliceHandover.person_name, PoliceHandover.person_phone,
               PoliceHandover.matter, PoliceHandover.station, PoliceHandover.officer_name,
               PoliceHandover.officer_badge, PoliceHandover.officer_phone,
               PoliceHandover.reply_due, PoliceHandover.reply_on, PoliceHandover.reply_content,
               MediationCase.case_no,
               privacy.went_to_counselling())
        .select_from(PoliceHandover)
        .outerjoin(Visit, Visit.id == PoliceHandover.visit_id)
        .outerjoin(MediationCase, MediationCase.id == PoliceHandover.case_id)
        .order_by(PoliceHandover.handed_at, PoliceHandover.id)
        .execution_options(yield_per=STREAM_BATCH),
        period,
    )
    for seq, row in enumerate(session.execute(stmt), 1):
        (no, at, direction, kind, person, phone, matter, station, officer, badge,
         officer_phone, due, reply_on, reply, case_no, counselling) = tuple[Any, ...](row)
        if reply_on is not None:
            reply_text = f"{reply_on:%Y-%m-%d} {reply or ''}".strip()
        else:
            reply_text = "超期未回复" if is_overdue(due, reply_on, today) else "待回复"
        yield HandoverRegisterRow(
            seq, no, at, DIRECTIONS.get(direction, direction), kind,
            " ".join(x for x in (person or "", mask_phone(phone)) if x),
            privacy.shown(matter, bool(counselling), readable), station,
            f"{officer}（{badge}）" if badge else officer, mask_phone(officer_phone), due,
            reply_text, case_no or "",
        )
