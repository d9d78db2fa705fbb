"""The care room's list (``care/listing.entry_list``): each view (在册 soonest due first, 待走访
within a week or overdue, 已结束 latest first, 全部 latest registered first) with its bounds
and tie-breaks; by group; found by name, 身份证号 or phone; the limit; a row's columns."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.db import Database
from desktop.models import CareEntry, Person
from desktop.services.admin import dictionaries
from desktop.services.care import entries, listing, visits
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied
from desktop.services.validation import mask_id_number
from tests.care_helpers import care_entry, care_staff
from tests.factories import id_number
from tests.rules_helpers import acting_as

TODAY = date(2026, 12, 2)


def _entry(database: Database, n: int, registered: date, *, due: date | None = None,
           ended: date | None = None, **changes: object) -> int:
    entry_id = entries.register_entry(database, care_entry(f"测试{n}号", n, registered,
                                                           **changes), today=TODAY)
    with database.write() as session:
        entry = session.get_one(CareEntry, entry_id)
        if due is not None:
            entry.next_due_on = due
        entry.ended_on = ended
        if ended is not None:
            entry.end_reason = "迁出"
    return entry_id


def _ids(database: Database, **kw: object) -> list[int]:
    with database.read() as session:
        return [r.entry_id for r in listing.entry_list(session, today=TODAY, **kw)]  # type: ignore[arg-type]


def test_each_view_with_its_bounds_and_tie_breaks(database: Database) -> None:
    a = _entry(database, 1, date(2026, 11, 1), due=date(2026, 12, 5))
    overdue = _entry(database, 2, date(2026, 11, 2), due=date(2026, 12, 1))
    last_day = _entry(database, 3, date(2026, 11, 3), due=date(2026, 12, 9))  # a week on
    later = _entry(database, 4, date(2026, 11, 3), due=date(2026, 12, 10))
    tie = _entry(database, 5, date(2026, 11, 3), due=date(2026, 12, 5))
    ended = _entry(database, 6, date(2026, 10, 1), ended=date(2026, 11, 28))
    ended_same = _entry(database, 8, date(2026, 10, 3), ended=date(2026, 11, 25))
    ended_later = _entry(database, 7, date(2026, 10, 2), ended=date(2026, 11, 25))
    assert _ids(database) == [overdue, a, tie, last_day, later]
    assert _ids(database, status="active") == _ids(database)
    assert _ids(database, status="due") == [overdue, a, tie, last_day]
    # The latest ended first; the same day, the later put on the register first.
    assert _ids(database, status="ended") == [ended, ended_later, ended_same]
    assert _ids(database, status="all") == [
        tie, later, last_day, overdue, a, ended_same, ended_later, ended]
    assert _ids(database, status="all", limit=2) == [tie, later]


def test_the_list_by_group_and_found_by_name_number_or_phone(database: Database) -> None:
    first = _entry(database, 1, date(2026, 11, 1), groups=["残疾人", "低保/特困"],
                   phone="13912340011")
    second = _entry(database, 2, date(2026, 11, 2), phone="")
    with database.write() as session:
        person = session.get_one(CareEntry, second).person
        person.phone = "13912340022"
    third = _entry(database, 3, date(2026, 11, 3), groups=["残疾人"])
    assert _ids(database, group="残疾人") == [first, third]
    assert _ids(database, group="低保/特困") == [first]
    assert _ids(database, search=" 测试2 ") == [second]
    assert _ids(database, search=id_number(3).lower()) == [third]
    assert _ids(database, search="13912340011") == [first]
    with database.write() as session:
        session.get_one(CareEntry, third).phone = "13912340033"  # not the resident's own
    assert _ids(database, search="13912340033") == [third]
    assert _ids(database, search="13912340022") == [second]
    assert _ids(database, search="测试", group="残疾人", status="all") == [third, first]


def test_a_row_of_the_list(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东林社区")
        grid = dictionaries.save_grid(session, None, community, "第一网格")
    staff = care_staff(database)
    entry_id = _entry(database, 1, date(2026, 11, 1), groups=["残疾人", "低保/特困"],
                      phone="", community_id=community, grid_id=grid, staff_id=staff,
                      frequency_days=7)
    with database.write() as session:
        session.get_one(Person, session.get_one(CareEntry, entry_id).person_id).phone = \
            "13912345678"
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 24), "身体尚可"),
                     today=TODAY)
    with database.read() as session:
        (row,) = listing.entry_list(session, today=TODAY)
    assert (row.name, row.masked_id, row.masked_phone, row.groups, row.community) == (
        "测试1号", mask_id_number(id_number(1)), "139****5678", "低保/特困、残疾人",
        "东林社区／第一网格")
    assert (row.frequency, row.staff, row.registered_on, row.last_visit_on) == (
        "每周", "周敏", date(2026, 11, 1), date(2026, 11, 24))
    assert (row.next_due_on, row.days_left, row.ended_on, row.status) == (
        date(2026, 12, 1), -1, None, "逾期 1 天")
    with acting_as(database, {"room_staff"}, "警民联络室"), database.read() as session, \
            pytest.raises(PermissionDenied):
        listing.entry_list(session, today=TODAY)
