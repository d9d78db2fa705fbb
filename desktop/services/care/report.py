"""The care room's figures for the monthly report: counts only, no names.

- 在册 (by group): residents on the register at some time in the period, as the
  register export lists them; one resident may be in several groups.
- 应走访: the days a visit fell due in the period. An entry falls due its frequency
  after its registration or its last visit (:func:`desktop.services.care.schedule.next_visit_due`);
  a due day that an earlier visit moved on never fell due; none after the care ended.
- 已走访: home visits made in the period; 帮扶 by kind, on those visits.
- 逾期未访: residents on the register at the end of the period whose visit fell due
  before its last day and who were not visited by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.models import CareEntry, CareGroup, CareVisit
from desktop.services.care.entries import GROUPS, MAX_FREQUENCY
from desktop.services.care.schedule import next_visit_due
from desktop.services.care.visits import HELP_KINDS
from desktop.services.registers.rows import Period


@dataclass(frozen=True)
class CareCounts:
    on_register: int
    by_group: dict[str, int]
    due: int
    visited: int
    overdue_at_end: int
    help_by_kind: dict[str, int]


def _on_register(period: Period):  # type: ignore[no-untyped-def]
    return (CareEntry.registered_on <= period.end,
            or_(CareEntry.ended_on.is_(None), CareEntry.ended_on >= period.start))


def _due_and_overdue(session: Session, period: Period) -> tuple[int, int]:
    since = period.start - timedelta(days=MAX_FREQUENCY)
    entries = {i: (registered, frequency, ended) for i, registered, frequency, ended in
               session.execute(select(CareEntry.id, CareEntry.registered_on,
                                      CareEntry.frequency_days, CareEntry.ended_on)
                               .where(*_on_register(period)))}
    visits: dict[int, list[date]] = {}
    for entry_id, day in session.execute(
            select(CareVisit.entry_id, CareVisit.visited_on)
            .join(CareEntry, CareEntry.id == CareVisit.entry_id)
            .where(*_on_register(period), CareVisit.visited_on.between(since, period.end))
            .order_by(CareVisit.entry_id, CareVisit.visited_on)):
        visits.setdefault(entry_id, []).append(day)
    due = overdue = 0
    for entry_id, (registered, frequency, ended) in entries.items():
        bases = sorted({registered, *visits.get(entry_id, [])})
        for number, base in enumerate(bases):
            day = next_visit_due(base, frequency)
            following = bases[number + 1] if number + 1 < len(bases) else None
            if following is not None and following < day:
                continue  # visited before it fell due
            if period.start <= day <= period.end and (ended is None or day <= ended):
                due += 1
        if (ended is None or ended > period.end) \
                and next_visit_due(bases[-1], frequency) < period.end:
            overdue += 1
    return due, overdue


def counts(session: Session, period: Period) -> CareCounts:
    on_register = int(session.scalar(select(func.count(CareEntry.id))
                                     .where(*_on_register(period))) or 0)
    by_group = dict.fromkeys(GROUPS, 0)
    for name, n in session.execute(
            select(CareGroup.name, func.count()).join(CareEntry)
            .where(*_on_register(period)).group_by(CareGroup.name)):
        by_group[name] = int(n)
    visited = 0
    help_by_kind = dict.fromkeys(HELP_KINDS, 0)
    for kind, n in session.execute(
            select(CareVisit.help_kind, func.count())
            .where(CareVisit.visited_on.between(period.start, period.end))
            .group_by(CareVisit.help_kind)):
        visited += int(n)
        if kind:
            help_by_kind[kind] = int(n)
    due, overdue = _due_and_overdue(session, period)
    return CareCounts(on_register, by_group, due, visited, overdue, help_by_kind)
