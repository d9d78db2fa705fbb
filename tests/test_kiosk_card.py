"""An ID card laid on the kiosk's reader: what the ticket keeps, for how long, and what the
desk makes of it. Every card is invented (the simulated reader's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, KioskTicket, Person, Visit
from desktop.printing.kiosk_ticket import render_kiosk_ticket
from desktop.services.reception import kiosk
from desktop.services.reception.idcard.simulated import invented_card
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.services.validation import mask_name
from tests.poppler import text_of
from tests.reception_helpers import category_ids, room_ids
from tests.test_kiosk import _kiosk

CARD_COLUMNS = ("card_name", "card_id_number", "card_gender", "card_birth_date",
                "card_address", "card_nation")


@pytest.fixture
def kiosk_db(database: Database) -> Iterator[Database]:
    other = _kiosk(database)
    yield other
    other.dispose()


def _card_columns(database: Database, ticket_id: int) -> tuple[object, ...]:
    with database.read() as session:
        ticket = session.get_one(KioskTicket, ticket_id)
        return tuple(getattr(ticket, c) for c in CARD_COLUMNS)


def _take(database: Database, category: str = "邻里", **kw: object) -> kiosk.KioskTicketData:
    return kiosk.take_ticket(database, category_ids(database)[category], **kw)  # type: ignore[arg-type]


def test_mask_name() -> None:
    assert [mask_name(n) for n in ("张建华", "李娜", "欧阳建华", "王", "", None, " 刘桂英 ")] \
        == ["张*华", "李*", "欧**华", "王", "", "", "刘*英"]


def test_the_ticket_carries_what_the_desk_needs_of_the_card_and_prints_none_of_it(
    database: Database, kiosk_db: Database
) -> None:
    card = invented_card(1)
    data = _take(kiosk_db, card=card)
    assert data.card_read
    assert _card_columns(database, data.ticket_id) == (
        card.name, card.id_number, card.gender, card.birth_date, card.address, card.nation)
    # The ticket in the resident's hand says nothing of the card.
    text = text_of(render_kiosk_ticket(data))
    assert data.ticket_no in text
    for secret in (card.name, card.id_number, card.id_number[-4:], card.address[:6]):
        assert secret not in text, secret
    # The desk sees the card with the number, as a reader at the desk would hand it over.
    with database.read() as session:
        (waiting,) = kiosk.waiting_tickets(session)
    assert waiting.card is not None
    assert (waiting.card.name, waiting.card.id_number, waiting.card.gender,
            waiting.card.birth_date, waiting.card.address, waiting.card.nation, waiting.card.photo
            ) == (card.name, card.id_number, card.gender, card.birth_date, card.address,
                  card.nation, None)
    assert f"已读卡 {card.name}" in waiting.label()
    # The audit log keeps the number masked, like every 身份证号.
    with database.read() as session:
        details = " ".join(session.scalars(select(AuditEntry.detail)))
    assert card.id_number not in details


def test_a_ticket_without_a_card_keeps_nothing(database: Database, kiosk_db: Database) -> None:
    data = _take(kiosk_db)
    assert not data.card_read
    assert _card_columns(database, data.ticket_id) == (None,) * len(CARD_COLUMNS)
    with database.read() as session:
        (waiting,) = kiosk.waiting_tickets(session)
    assert waiting.card is None and "已读卡" not in waiting.label()


def test_registered_at_the_desk_the_card_leaves_the_ticket(
    database: Database, kiosk_db: Database
) -> None:
    card = invented_card(2)
    data = _take(kiosk_db, card=card)
    with database.read() as session:
        (waiting,) = kiosk.waiting_tickets(session)
    assert waiting.card is not None
    # The desk registers from the card (the form sends the number read, as for a desk read).
    result = register_visit(database, RegistrationInput(
        name=waiting.card.name, gender=waiting.card.gender, id_number=waiting.card.id_number,
        address=waiting.card.address, phone="13912345678", summary="邻居装修噪音",
        room_id=room_ids(database)["矛盾纠纷调解室"], category_id=category_ids(database)["邻里"],
        kiosk_ticket_id=waiting.id, card_id_number=waiting.card.id_number))
    assert result.ticket_no == data.ticket_no
    with database.read() as session:
        visit = session.get_one(Visit, result.visit_id)
        assert visit.id_card_read
        person = session.get_one(Person, visit.person_id)
        assert (person.name, person.id_number, person.address) == (
            card.name, card.id_number, card.address)
    # The visit and the person hold it now; the ticket no longer does.
    assert _card_columns(database, data.ticket_id) == (None,) * len(CARD_COLUMNS)


def test_a_cancelled_ticket_forgets_the_card(database: Database, kiosk_db: Database) -> None:
    data = _take(kiosk_db, card=invented_card(3))
    kiosk.cancel_ticket(database, data.ticket_id)
    assert _card_columns(database, data.ticket_id) == (None,) * len(CARD_COLUMNS)


def test_a_card_nobody_came_for_yesterday_is_forgotten_today(
    database: Database, kiosk_db: Database
) -> None:
    yesterday = _take(kiosk_db, card=invented_card(4), now=datetime(2026, 12, 1, 16, 50))
    assert _card_columns(database, yesterday.ticket_id)[1] is not None
    # The first ticket taken today at the kiosk.
    earlier_today = _take(kiosk_db, card=invented_card(5), now=datetime(2026, 12, 2, 8, 30))
    assert _card_columns(database, yesterday.ticket_id) == (None,) * len(CARD_COLUMNS)
    _take(kiosk_db)
    # Today's waiting tickets keep theirs: their residents may still be on their way.
    assert _card_columns(database, earlier_today.ticket_id)[1] == invented_card(5).id_number
