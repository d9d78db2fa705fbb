"""Care register test data: residents on the register and their visits, dated around November."""

from __future__ import annotations

from datetime import date

from desktop.db import Database
from desktop.models import Staff
from desktop.services import reference
from desktop.services.admin import auth
from desktop.services.care import entries, listing, visits
from desktop.services.care.entries import EntryInput
from desktop.services.care.visits import VisitInput
from tests.factories import id_number


def care_entry(name: str, n: int, registered: date, **changes: object) -> EntryInput:
    data = EntryInput(groups=["独居/空巢老人"], name=name, id_number=id_number(n), gender="女",
                      phone="13912340001", frequency_days=14, registered_on=registered)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def room_id(database: Database, name: str) -> int:
    with database.read() as session:
        return next(r.id for r in reference.rooms(session) if r.name == name)


def four_residents(database: Database) -> dict[str, int]:
    """Four residents: two on the register in November, one ended before, one after it."""
    ids = {
        "李桂芝": entries.register_entry(database, care_entry("李桂芝", 41, date(2026, 10, 20))),
        "王秀英": entries.register_entry(database, care_entry(
            "王秀英", 42, date(2026, 11, 10), groups=["残疾人", "低保/特困"], phone="")),
        "赵国强": entries.register_entry(database, care_entry("赵国强", 43, date(2026, 9, 1))),
        "孙立": entries.register_entry(database, care_entry("孙立", 44, date(2026, 12, 1))),
    }
    visits.add_visit(database, ids["李桂芝"], VisitInput(date(2026, 10, 25), "身体尚可"))
    visits.add_visit(database, ids["李桂芝"], VisitInput(
        date(2026, 11, 8), "家中暖气不热", help_kind="物资", help_text="棉被一床"))
    visits.add_visit(database, ids["李桂芝"], VisitInput(
        date(2026, 11, 22), "血压偏高", help_kind="物资", help_text="米面油"))
    visits.add_visit(database, ids["王秀英"], VisitInput(
        date(2026, 11, 12), "行动不便", help_kind="政策", help_text="协助申请残疾人补贴"))
    with database.read() as session:
        version = listing.entry_detail(session, ids["赵国强"]).version
    entries.end_entry(database, ids["赵国强"], date(2026, 10, 31), "迁出本辖区",
                      version=version)
    return ids


def care_staff(database: Database, name: str = "周敏") -> int:
    """A member of room staff with no room, to be named on a visit or an entry."""
    with database.write() as session:
        staff = Staff(name=name, role="room_staff", active=True)
        auth.set_roles(staff, ["room_staff"])
        session.add(staff)
        session.flush()
        return staff.id
