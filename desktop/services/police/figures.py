"""The 警民联络室's lines of the monthly report: hand-overs by direction, replies, overdue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import PoliceHandover
from desktop.services.police.handovers import FROM_POLICE, TO_POLICE
from desktop.services.registers.rows import Period


def monthly_counts(session: Session, period: Period) -> dict[str, int]:
    """Hand-overs made in ``period`` by direction, replies received in it, and those whose
    reply fell due in it and had not come by the end of it."""
    in_period = (PoliceHandover.handed_at >= period.starts_at,
                 PoliceHandover.handed_at < period.ends_before)
    to_police, from_police = session.execute(select(
        func.count().filter(PoliceHandover.direction == TO_POLICE),
        func.count().filter(PoliceHandover.direction == FROM_POLICE),
    ).select_from(PoliceHandover).where(*in_period)).one()
    replied = session.scalar(select(func.count(PoliceHandover.id)).where(
        PoliceHandover.reply_on >= period.start, PoliceHandover.reply_on <= period.end))
    late = (PoliceHandover.reply_on.is_(None)
            | (PoliceHandover.reply_on > PoliceHandover.reply_due))
    overdue = session.scalar(select(func.count(PoliceHandover.id)).where(
        PoliceHandover.reply_due >= period.start, PoliceHandover.reply_due <= period.end,
        late))
    return {"to_police": int(to_police), "from_police": int(from_police),
            "replied": int(replied or 0), "overdue": int(overdue or 0)}


LINES = [
    ("移交公安（件）", "to_police", "本期移交派出所的事项"),
    ("公安移交（件）", "from_police", "本期接收的110非警务警情和公安移交调解"),
    ("收到回复（件）", "replied", "以回复日期计"),
    ("超期未回复（件）", "overdue", "回复期限在本期内、逾期或至今未回复的移交事项"),
]
