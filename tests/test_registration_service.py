"""Registering a visit through the service: validation, one transaction, numbering."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Person, Referral, Visit
from desktop.services import reference
from desktop.services.errors import ValidationError
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.factories import id_number


def _input(database: Database, **changes: object) -> RegistrationInput:
    with database.read() as session:
        mediation = next(r for r in reference.rooms(session) if r.name == "矛盾纠纷调解室")
        neighbours = next(c for c in reference.categories(session) if c.name == "邻里")
    values: dict[str, object] = dict(
        name="张三", id_number=id_number(1), phone="13800138000",
        summary="楼上装修噪音扰民", room_id=mediation.id, category_id=neighbours.id,
    )
    values.update(changes)
    return RegistrationInput(**values)  # type: ignore[arg-type]


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_register_visit_writes_person_visit_and_ticket(database: Database) -> None:
    at = datetime(2026, 11, 26, 9, 30)
    result = register_visit(database, _input(database), now=at)
    assert result.visit_no == "J202611260001"
    assert result.ticket_no == "调-001"
    with database.read() as session:
        visit = session.scalar(select(Visit).where(Visit.visit_no == result.visit_no))
        assert visit is not None
        assert visit.person.name == "张三"
        assert visit.person.id_number == id_number(1)
        assert visit.summary == "楼上装修噪音扰民"
        assert [r.ticket_no for r in visit.referrals] == ["调-001"]
    second = register_visit(database, _input(database, id_number=id_number(2), name="李四"), now=at)
    assert (second.visit_no, second.ticket_no) == ("J202611260002", "调-002")


def test_same_id_number_is_the_same_person(database: Database) -> None:
    register_visit(database, _input(database))
    register_visit(database, _input(database, phone="13900139000"))
    assert _count(database, Person) == 1
    with database.read() as session:
        assert session.scalar(select(Person.phone)) == "13900139000"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105198503140010", "校验位"),
        ("id_number", "12345", "18位"),
        ("phone", "8888", "电话号码格式不正确"),
        ("phone", "1380013800", "11位"),
        ("name", "", "姓名"),
        ("summary", "  ", "摘要"),
        ("room_id", None, "分流去向"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    database: Database, field: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        register_visit(database, _input(database, **{field: value}))
    key = "room" if field == "room_id" else field
    assert message in caught.value.errors[key]
    for model in (Person, Visit, Referral):
        assert _count(database, model) == 0


def test_id_numbers_of_every_region_and_age_are_accepted() -> None:
    """A county code newer than the holder's birth is normal (codes are given at issue)."""
    from datetime import date

    from desktop.services.validation import id_number_error, make_id_number

    for region in ("320102", "440305", "510107", "650102", "810000", "830000"):
        for born in (date(1938, 2, 1), date(1979, 12, 31), date(2008, 6, 15)):
            assert id_number_error(make_id_number(region, born, 17)) is None
    assert id_number_error(make_id_number("990101", date(1980, 1, 1), 1)) is not None
    assert id_number_error("11010519801301123X") is not None  # month 13
