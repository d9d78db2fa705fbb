"""The counsellors' register: the cases opened in the period, first opened first (the older
case first on the same day), each with its sessions, highest risk and status in words, and a
count that matches the rows (the export sizes its progress by it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from desktop.db import Database
from desktop.models import CounsellingCase
from desktop.services.counselling import register, sessions
from desktop.services.registers.rows import Period
from tests.counselling_helpers import as_role, session_input, take_up


def _opened(database: Database, case_id: int, day: date, status: str = "open") -> None:
    with database.write() as session:
        session.execute(update(CounsellingCase).where(CounsellingCase.id == case_id)
                        .values(opened_on=day, status=status))


def test_the_register_lists_the_periods_cases_and_counts_them(database: Database) -> None:
    before = take_up(database, 7)  # opened the evening before the period: not listed
    first = take_up(database, 8)
    later = take_up(database, 9)
    same_day = take_up(database, 10)
    after = take_up(database, 11)
    for _ in range(2):
        sessions.add_session(database, same_day.case_id, session_input())
    _opened(database, before.case_id, date(2026, 10, 31))
    _opened(database, same_day.case_id, date(2026, 11, 1), status="closed")
    _opened(database, later.case_id, date(2026, 11, 30))
    _opened(database, first.case_id, date(2026, 11, 1))
    _opened(database, after.case_id, date(2026, 12, 1))
    as_role(database, {"counsellor"})
    november = Period.month(2026, 11)
    with database.read() as session:
        rows = list(register.register_rows(session, november))
        count = register.count_register(session, november)
        empty = register.count_register(session, Period.month(2026, 9))
    assert {r.highest_risk for r in rows} == {"低"}  # as taken up, no assessment since
    assert [(r.seq, r.case_no, r.opened_on, r.sessions, r.status) for r in rows] == [
        (1, first.case_no, date(2026, 11, 1), 0, "咨询中"),
        (2, same_day.case_no, date(2026, 11, 1), 2, "已结案"),
        (3, later.case_no, date(2026, 11, 30), 0, "咨询中"),
    ]
    assert count == len(rows) == 3 and empty == 0
