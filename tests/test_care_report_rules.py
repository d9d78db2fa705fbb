"""The care room's monthly figures (``care/report``): who was on the register in the month
at each bound, by group; the visits that fell due (moved on by an earlier visit, none after
the care ended), those made and the help given, and who was overdue at the month's end."""

from __future__ import annotations

from datetime import date

from desktop.db import Database
from desktop.services.care import entries, listing, report, visits
from desktop.services.care.visits import VisitInput
from desktop.services.registers.rows import Period
from tests.care_helpers import care_entry

NOVEMBER = Period.month(2026, 11)
TODAY = date(2026, 12, 2)


def _entry(database: Database, n: int, registered: date, frequency: int, *,
           ended: date | None = None, **changes: object) -> int:
    entry_id = entries.register_entry(database, care_entry(
        f"测试{n}号", n, registered, frequency_days=frequency, **changes), today=TODAY)
    if ended is not None:
        with database.read() as session:
            version = listing.entry_detail(session, entry_id).version
        entries.end_entry(database, entry_id, ended, "迁出本辖区", version=version, today=TODAY)
    return entry_id


def _visit(database: Database, entry_id: int, day: date, kind: str | None = None) -> None:
    visits.add_visit(database, entry_id, VisitInput(day, "身体尚可", help_kind=kind,
                                                    help_text="帮扶" if kind else ""),
                     today=TODAY)


def test_the_month_s_care_figures_at_every_bound(database: Database) -> None:
    visited = _entry(database, 1, date(2026, 10, 20), 14)
    _visit(database, visited, date(2026, 10, 25))  # moves 11-03 on to 11-08
    _visit(database, visited, date(2026, 11, 8), "物资")  # on its due day: it fell due
    _visit(database, visited, date(2026, 11, 22), "政策")  # next due 12-06
    _entry(database, 2, date(2026, 11, 10), 7, groups=["残疾人", "低保/特困"])  # 11-17, late
    _entry(database, 3, date(2026, 9, 1), 30, ended=date(2026, 11, 15))  # due 10-01 only
    _entry(database, 4, date(2026, 12, 1), 7)  # not yet on the register
    _entry(database, 5, date(2026, 9, 1), 30, ended=date(2026, 10, 31))  # off before
    _entry(database, 6, date(2026, 11, 30), 1)  # the month's last day; due 12-01
    _entry(database, 7, date(2026, 10, 1), 30, ended=date(2026, 11, 1))  # due 10-31
    _entry(database, 8, date(2026, 10, 20), 14, ended=date(2026, 11, 3))  # due on its end
    _entry(database, 9, date(2026, 10, 21), 14, ended=date(2026, 11, 3))  # due after it
    _entry(database, 10, date(2026, 11, 23), 7)  # due 11-30: not late within the month
    with database.read() as session:
        counts = report.counts(session, NOVEMBER)
    assert counts.on_register == 8
    assert counts.by_group == {"独居/空巢老人": 7, "留守/困境儿童": 0, "残疾人": 1,
                               "刑满释放人员": 0, "社区矫正对象": 0,
                               "严重精神障碍患者": 0, "低保/特困": 1}
    assert (counts.due, counts.visited, counts.overdue_at_end) == (5, 2, 1)
    assert counts.help_by_kind == {"物资": 1, "资金": 0, "政策": 1, "心理": 0, "其他": 0}


def test_a_visit_before_it_fell_due_moves_the_due_day_on(database: Database) -> None:
    entry_id = _entry(database, 1, date(2026, 10, 27), 7)  # due 11-03
    _visit(database, entry_id, date(2026, 11, 2))  # a day early: due 11-09 instead
    _visit(database, entry_id, date(2026, 11, 9))  # due 11-16, then never visited
    with database.read() as session:
        counts = report.counts(session, NOVEMBER)
    assert (counts.due, counts.visited, counts.overdue_at_end) == (2, 2, 1)
    with database.read() as session:
        october = report.counts(session, Period.month(2026, 10))
    assert (october.on_register, october.due, october.visited, october.overdue_at_end) == (
        1, 0, 0, 0)


def test_the_month_s_first_day_the_end_of_care_on_its_last_and_later_visits(
        database: Database) -> None:
    _entry(database, 1, date(2026, 10, 25), 7)  # due 11-01, the month's first day; late
    late = _entry(database, 2, date(2026, 11, 10), 7)  # due 11-17; late at the month's end
    _visit(database, late, date(2026, 12, 1))  # a December visit does not undo that
    _entry(database, 3, date(2026, 11, 10), 7, ended=date(2026, 11, 30))  # ended: not late
    with database.read() as session:
        counts = report.counts(session, NOVEMBER)
        empty = report.counts(session, Period.month(2026, 1))
    assert (counts.due, counts.overdue_at_end) == (3, 2)
    assert (empty.on_register, empty.due, empty.visited, empty.overdue_at_end) == (0, 0, 0, 0)


def test_a_last_visit_before_the_due_day_moves_it_on(database: Database) -> None:
    entry_id = _entry(database, 1, date(2026, 11, 1), 14)  # due 11-15
    _visit(database, entry_id, date(2026, 11, 10))  # before it: due 11-24 instead
    with database.read() as session:
        assert report.counts(session, NOVEMBER).due == 1
