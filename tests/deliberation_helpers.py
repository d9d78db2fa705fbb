"""Shared set-up for the 议事协商 tests: a meeting's form and the visits its matters link."""

from __future__ import annotations

from datetime import date

from desktop.db import Database
from desktop.services import reference
from desktop.services.deliberation.meetings import ActionInput, MatterInput, MeetingInput
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.factories import id_number


def meeting_visit(database: Database, room: str, n: int, summary: str) -> str:
    """A visit registered to ``room``; its number, as a matter links it."""
    with database.read() as session:
        room_id = next(r.id for r in reference.rooms(session) if r.name == room)
        category = next(c.id for c in reference.categories(session) if c.name == "邻里")
    return register_visit(database, RegistrationInput(
        name="王建国", id_number=id_number(n), phone="13912345670", summary=summary,
        room_id=room_id, category_id=category, gender="男")).visit_no


def meeting(visit_no: str = "", **changes: object) -> MeetingInput:
    """A meeting's form with two actions, one due before the tests' day."""
    data = MeetingInput(
        held_on=date(2026, 11, 25), place="东林社区议事厅", host="赵书记", topic="楼道堆物整治",
        participants="赵书记（社区党委书记）\n钱卫东（居民代表）\n孙丽（物业经理）",
        matters=[MatterInput("3号楼楼道堆放杂物", "物业一周内清理，居民自查", visit_no)],
        actions=[ActionInput("清理3号楼楼道", "孙丽", date(2026, 11, 30)),
                 ActionInput("张贴消防告知书", "钱卫东", date(2026, 12, 10))])
    for key, value in changes.items():
        setattr(data, key, value)
    return data
