"""读卡核验: a visit whose 身份证号 came off the card; registers tell it from typed ones.

On SQLite and on PostgreSQL; the cards are invented.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, inspect, select

from desktop.db import Database
from desktop.exports.registers import VISIT_COLUMNS, export_register
from desktop.models import Visit
from desktop.services.reception.idcard.simulated import invented_card
from desktop.services.reception.registration import read_from_card
from desktop.services.registers.rows import Period, visit_register_rows
from tests.reception_helpers import register


def _card_read(database: Database, visit_id: int) -> bool:
    with database.read() as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        return visit.id_card_read


def test_a_number_registered_as_read_off_the_card_is_marked(database: Database) -> None:
    card = invented_card(2)
    read = register(database, 1, name=card.name, id_number=card.id_number,
                    card_id_number=card.id_number)
    assert _card_read(database, read.visit_id)
    # The form's number, pasted with spaces and a lowercase x, is still the card's number.
    spaced = register(database, 2, name=card.name, id_number=" " + card.id_number.lower() + " ",
                      card_id_number=card.id_number)
    assert _card_read(database, spaced.visit_id)


@pytest.mark.parametrize(("form_number", "card_number", "id_type"), [
    ("typed", "", "居民身份证"),          # typed by hand
    ("other", "card", "居民身份证"),      # edited after the card was read: another number
    ("card", "card", "护照"),             # the card's digits under another document
])
def test_anything_but_the_cards_own_number_is_typed(database: Database, form_number: str,
                                                     card_number: str, id_type: str) -> None:
    card, other = invented_card(3), invented_card(4)
    numbers = {"typed": card.id_number, "other": other.id_number, "card": card.id_number, "": ""}
    result = register(database, 1, name="测试", id_number=numbers[form_number],
                      card_id_number=numbers[card_number], id_type=id_type)
    assert not _card_read(database, result.visit_id)


def test_read_from_card_is_the_services_rule() -> None:
    from desktop.services.reception.registration import RegistrationInput

    card = invented_card(5)
    data = RegistrationInput(name="甲", phone="", summary="", room_id=None,
                             id_number=card.id_number, card_id_number=card.id_number)
    assert read_from_card(data)
    data.id_number = card.id_number[:-1] + ("0" if card.id_number[-1] != "0" else "1")
    assert not read_from_card(data)
    data.id_number, data.id_type = card.id_number, "无证件"
    assert not read_from_card(data)


def test_the_visit_register_says_how_each_number_was_taken(database: Database,
                                                            tmp_path: Path) -> None:
    card = invented_card(6)
    register(database, 1, name=card.name, id_number=card.id_number,
             card_id_number=card.id_number)
    register(database, 2)
    register(database, 3, id_type="无证件", id_number="", no_id_reason="未带证件")
    period = Period(date.today() - timedelta(days=1), date.today())
    with database.read() as session:
        rows = list(visit_register_rows(session, period))
    assert [r.id_check for r in rows] == ["读卡", "手工", ""]

    out = tmp_path / "来访登记台账.xlsx"
    export_register(database, "visits", period, out)
    ws = openpyxl.load_workbook(out)["来访登记台账"]
    headers = [c.value for c in ws[3]]
    assert headers == [c.header for c in VISIT_COLUMNS]
    column = headers.index("核验方式")
    assert headers[column - 1] == "身份证号（脱敏）"
    assert [ws.cell(row=4 + n, column=column + 1).value for n in range(3)] == [
        "读卡", "手工", None]


def test_visits_registered_before_the_reader_are_typed(database: Database) -> None:
    """0012_card_read on a database from before it that holds visits: every one is 手工."""
    from alembic import command

    from desktop.db import alembic_config, script_heads, stored_revision, upgrade

    card = invented_card(7)
    result = register(database, 1, name=card.name, id_number=card.id_number,
                      card_id_number=card.id_number)
    assert _card_read(database, result.visit_id)
    engine = database.engine
    database.dispose()
    # The database as the schema before 0012 left it, the visit in it.
    command.downgrade(alembic_config(engine), "0011_notices")
    assert "id_card_read" not in {c["name"] for c in inspect(engine).get_columns("visit")}
    upgrade(engine)
    assert {stored_revision(engine)} == script_heads()
    assert not _card_read(database, result.visit_id)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1
