"""The care register (关爱对象名册) as rows for the xlsx export.

Every resident on the register at some time in the period (registered by its end,
not ended before its start), oldest registration first, with the home visits and the
help of the period. 身份证号 and phone numbers are masked as on the care page
(:class:`desktop.services.care.entries.EntryRow` carries the masked values).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.models import CareEntry, CareVisit
from desktop.services.care.access import require_care
from desktop.services.care.listing import _base, _rows
from desktop.services.care.visits import HELP_KINDS
from desktop.services.registers.rows import Period

CHUNK = 1000


@dataclass(frozen=True)
class CareRegisterRow:
    seq: int
    name: str
    id_number_masked: str
    phone: str
    groups: str
    community_grid: str
    frequency: str
    staff: str
    registered_on: date
    visits: int  # home visits in the period
    help: str  # help given in the period, by kind: 物资2次、政策1次
    last_visit_on: date | None
    next_due_on: date | None  # None once the care has ended
    status: str


def _on_register(period: Period):  # type: ignore[no-untyped-def]
    return (CareEntry.registered_on <= period.end,
            or_(CareEntry.ended_on.is_(None), CareEntry.ended_on >= period.start))


def count_register(session: Session, period: Period) -> int:
    require_care(session, "care.read")
    return int(session.scalar(select(func.count(CareEntry.id))
                              .where(*_on_register(period))) or 0)


def register_rows(session: Session, period: Period, *,
                  today: date | None = None) -> Iterator[CareRegisterRow]:
    """The register of ``period``, read a thousand entries at a time."""
    require_care(session, "care.read")
    day = today or date.today()
    ids = list(session.scalars(select(CareEntry.id).where(*_on_register(period))
                               .order_by(CareEntry.registered_on, CareEntry.id)))
    seq = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        order = {entry_id: n for n, entry_id in enumerate(chunk)}
        entries = sorted(_rows(session, _base().where(CareEntry.id.in_(chunk)), day),
                         key=lambda r: order[r.entry_id])
        visits: dict[int, int] = {}
        help_given: dict[int, dict[str, int]] = {}
        for entry_id, kind, n in session.execute(
                select(CareVisit.entry_id, CareVisit.help_kind, func.count())
                .where(CareVisit.entry_id.in_(chunk),
                       CareVisit.visited_on.between(period.start, period.end))
                .group_by(CareVisit.entry_id, CareVisit.help_kind)):
            visits[entry_id] = visits.get(entry_id, 0) + int(n)
            if kind:
                help_given.setdefault(entry_id, {})[kind] = int(n)
        for row in entries:
            seq += 1
            kinds = help_given.get(row.entry_id, {})
            yield CareRegisterRow(
                seq, row.name, row.masked_id, row.masked_phone, row.groups,
                row.community, row.frequency, row.staff, row.registered_on,
                visits.get(row.entry_id, 0),
                "、".join(f"{k}{kinds[k]}次" for k in HELP_KINDS if k in kinds),
                row.last_visit_on, None if row.ended_on else row.next_due_on,
                f"已结束（{row.ended_on:%Y-%m-%d}）" if row.ended_on else row.status)
