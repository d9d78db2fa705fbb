"""Repeat visitors, collective visits, other documents: the registration rules of the desk."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from desktop.db import Database
from desktop.models import Person, Visit
from desktop.services.errors import ValidationError
from desktop.services.reception import queue
from desktop.services.reception.matching import find_people
from tests.factories import id_number
from tests.reception_helpers import register, room_ids

T0 = datetime(2026, 11, 20, 9, 0)


def test_repeat_visits_count_against_the_first_visit(database: Database) -> None:
    first = register(database, now=T0)
    second = register(database, now=T0 + timedelta(days=2), repeat_of_visit_id=first.visit_id)
    # Choosing the second (itself a repeat) still counts against the first visit.
    third = register(database, now=T0 + timedelta(days=4), repeat_of_visit_id=second.visit_id)
    assert (first.repeat_count, second.repeat_count, third.repeat_count) == (0, 2, 3)
    with database.read() as session:
        visit = session.get(Visit, third.visit_id)
        assert visit is not None and visit.is_repeat and visit.repeat_of_id == first.visit_id
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_repeat_of_someone_elses_visit_is_refused(database: Database) -> None:
    other = register(database, 1, now=T0)
    with pytest.raises(ValidationError) as caught:
        register(database, 2, repeat_of_visit_id=other.visit_id)
    assert "不属于该来访人" in caught.value.errors["repeat_of"]
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1


def test_find_people_by_id_prefix_phone_and_name(database: Database) -> None:
    first = register(database, 1, now=T0, name="王秀英")
    queue.hold(database, first.referral_id, "等待补充材料")
    register(database, 2, now=T0, name="王建国", phone="010-62345678")
    with database.read() as session:
        by_id = find_people(session, id_number(1)[:10])
        by_phone = find_people(session, "0106234")
        by_name = find_people(session, "王秀")
        other = find_people(session, "王建")
        surname_only = find_people(session, "王")
        too_short = find_people(session, "11")
    assert {m.name for m in by_id} >= {"王秀英"}
    assert [m.name for m in by_phone] == ["王建国"]
    assert [m.name for m in by_name] == ["王秀英"]
    assert [m.name for m in other] == ["王建国"]
    assert surname_only == [] and too_short == []  # too broad to be useful
    match = by_name[0]
    assert match.visit_count == 1 and match.open_count == 1
    assert match.visits[0].visit_no == first.visit_no and match.visits[0].is_open
    assert "暂缓" in match.visits[0].state


def test_collective_visit_needs_a_representative(database: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        register(database, visit_type="集体", headcount=1)
    assert caught.value.errors == {"headcount": "集体访人数至少为2人",
                                   "representative_name": "集体访请填写代表人姓名"}
    reg = register(database, visit_type="集体", headcount=12, representative_name="李建华",
                   representative_phone="13700001111")
    with database.read() as session:
        visit = session.get(Visit, reg.visit_id)
        assert visit is not None
        assert (visit.headcount, visit.representative_name, visit.representative_phone) == (
            12, "李建华", "13700001111")


def test_other_documents_anonymous_and_no_id(database: Database) -> None:
    register(database, 1, id_type="港澳居民来往内地通行证", id_number="H12345678")
    register(database, 2, id_type="无证件", id_number="", no_id_reason="未随身携带")
    register(database, 3, name="", anonymous=True, id_number="", phone="")
    with database.read() as session:
        people = {p.name: p for p in session.scalars(select(Person))}
    assert people["测试1号"].id_number == "H12345678"
    assert people["测试2号"].id_number is None
    assert people["测试2号"].no_id_reason == "未随身携带"
    assert "匿名" in people
    with pytest.raises(ValidationError) as caught:
        register(database, 4, id_type="无证件", id_number="")
    assert caught.value.errors == {"no_id_reason": "未提供证件时请说明原因"}


@pytest.mark.parametrize("typed", [id_number(7)[:8], "13900000007", "测试7"])
def test_a_lookup_is_three_statements_whatever_it_finds(database: Database,
                                                        typed: str) -> None:
    """Each statement is a round trip to a PostgreSQL server, and the desk looks up on
    every pause in typing: the walks of the indexes in one, the people with their visits
    in one, the tickets and escalations of those visits in one."""
    for n in (7, 8):
        first = register(database, n, phone=f"1390000000{n}")
        queue.transfer(database, first.referral_id, room_ids(database)["综合受理窗口"], "换个室")
        register(database, n, repeat_of_visit_id=first.visit_id)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.read() as session:
            found = find_people(session, typed)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert [p.name for p in found][:1] == ["测试7号"]
    assert found[0].visit_count == 2 and found[0].repeat_count == 1
    data = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "ROLLBACK",
                                                                        "COMMIT", "SET"))]
    assert len(data) <= 3, data
