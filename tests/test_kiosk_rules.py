"""自助取号: the rules of ``reception/kiosk`` one by one (the room a matter leads to, how
many wait before, what a ticket keeps of a card and for how long, what the desk may do
with a ticket and with which message), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Category, KioskTicket, Referral, Room
from desktop.services import reference
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.services.reception import kiosk, queue
from desktop.services.reception.idcard import CardData
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.factories import id_number
from tests.reception_helpers import kiosk_ticket

NOW = datetime(2026, 12, 2, 9, 15)
TODAY = NOW.date()


def _rooms(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {r.name: r.id for r in reference.rooms(session)}


def _categories(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {c.name: c.id for c in reference.categories(session)}


@contextmanager
def _as(database: Database, actor: auth.Actor | None) -> Iterator[None]:
    before = database.actor
    database.actor = actor
    try:
        yield
    finally:
        database.actor = before


def _take(database: Database, category: str | int = "邻里", **kw: object
          ) -> kiosk.KioskTicketData:
    kw.setdefault("now", NOW)
    return kiosk_ticket(database, category, **kw)


def _choices(database: Database, today: date | None = TODAY) -> dict[str, kiosk.KioskChoice]:
    with _as(database, auth.KIOSK_ACTOR), database.read() as session:
        return {c.category: c for c in kiosk.kiosk_choices(session, today=today)}


def _ticket(database: Database, ticket_id: int) -> KioskTicket:
    with database.read() as session:
        ticket = session.get_one(KioskTicket, ticket_id)
        session.expunge(ticket)
        return ticket


def _errors(call: Callable[..., object], *args: object, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return info.value.errors


def _card(n: int = 1, **changes: object) -> CardData:
    values: dict[str, object] = dict(
        name="张建华", gender="男", nation="汉", birth_date=date(1980, 5, 6),
        address="北京市东城区东林路18号", id_number=id_number(n))
    values.update(changes)
    return CardData(**values)  # type: ignore[arg-type]


def _register(database: Database, n: int, room: str = "矛盾纠纷调解室",
              category: str = "邻里", **changes: object) -> int:
    values: dict[str, object] = dict(
        name=f"测试{n}号", id_number=id_number(500 + n), phone=f"137{n:08d}",
        summary="楼上装修噪音扰民", room_id=_rooms(database)[room],
        category_id=_categories(database)[category])
    values.update(changes)
    return register_visit(database, RegistrationInput(**values),  # type: ignore[arg-type]
                          now=NOW).referral_id


# -- taking a ticket ---------------------------------------------------------------------------


def test_a_ticket_is_refused_for_a_matter_that_cannot_be_taken(database: Database) -> None:
    categories = _categories(database)
    for bad in (0, -1, "x", True, 2**63):
        with _as(database, auth.KIOSK_ACTOR):
            assert _errors(kiosk.take_ticket, database, bad, now=NOW) == {
                "category": "所选事项不存在"}
    assert _errors(_take, database, 999999) == {
        "category": "所选事项不存在或已停用，请选择其他事项"}
    with database.write() as session:
        session.get_one(Category, categories["物业"]).active = False
    assert _errors(_take, database, categories["物业"]) == {
        "category": "所选事项不存在或已停用，请选择其他事项"}
    with database.read() as session:
        assert session.scalar(select(KioskTicket)) is None


def test_a_matter_whose_room_is_off_leads_to_the_first_window_in_use(
        database: Database) -> None:
    rooms, categories = _rooms(database), _categories(database)
    with database.write() as session:
        session.get_one(Room, rooms["矛盾纠纷调解室"]).active = False
        session.get_one(Category, categories["心理疏导"]).suggested_room_id = None
        session.add(Room(code="window2", name="二号窗口", ticket_prefix="二", kind="window",
                         location="大厅东侧", sort_order=-1, active=True))
        session.add(Room(code="window3", name="三号窗口", ticket_prefix="三", kind="window",
                         location="", sort_order=-1, active=False))
        session.flush()
        # Two windows at the same place in the list: the one added first.
        session.add(Room(code="window4", name="四号窗口", ticket_prefix="四", kind="window",
                         location="", sort_order=-1, active=True))
    taken = _take(database, "邻里")
    assert (taken.ticket_no, taken.room_name, taken.room_location) == ("二-001", "二号窗口",
                                                                        "大厅东侧")
    assert _take(database, "心理疏导").room_name == "二号窗口"
    choices = _choices(database)
    assert (choices["邻里"].room_name, choices["邻里"].room_location) == ("二号窗口", "大厅东侧")
    assert choices["心理疏导"].room_name == "二号窗口"
    assert choices["治安求助"].room_name == "警民联络室"
    # With no window in use either, the matter cannot be taken at the kiosk.
    with database.write() as session:
        for room in session.scalars(select(Room).where(Room.kind == "window")):
            room.active = False
    assert _errors(_take, database, "邻里") == {"category": "暂时无法取号，请到接待窗口咨询"}
    choices = _choices(database)
    assert "邻里" not in choices and "其他" not in choices and "心理疏导" not in choices
    assert choices["治安求助"].room_name == "警民联络室"


def test_a_ticket_is_stored_and_printed_as_taken(database: Database) -> None:
    rooms, categories = _rooms(database), _categories(database)
    taken = _take(database, "心理疏导")
    assert taken == kiosk.KioskTicketData(
        ticket_id=taken.ticket_id, ticket_no="心-001", room_name="心理咨询室",
        room_location="二楼", category="心理疏导", waiting_before=0, taken_at=NOW,
        centre_name="东林街道综治中心", centre_phone="010-62345678",
        service_hours="周一至周五 8:30-17:30", card_read=False)
    ticket = _ticket(database, taken.ticket_id)
    assert (ticket.room_id, ticket.category_id, ticket.ticket_date, ticket.ticket_seq,
            ticket.ticket_no, ticket.taken_at, ticket.status, ticket.card_id_number) == (
        rooms["心理咨询室"], categories["心理疏导"], TODAY, 1, "心-001", NOW, "waiting", None)
    # A room without a location prints none.
    with database.write() as session:
        session.get_one(Room, rooms["心理咨询室"]).location = None
    assert _take(database, "心理疏导").room_location == ""
    assert _choices(database)["心理疏导"].room_location == ""


def test_only_the_kiosk_takes_tickets_and_reads_its_choices(database: Database) -> None:
    for actor in (database.actor, auth.Actor(None, "接待", frozenset({"receptionist"}))):
        with _as(database, actor):
            with pytest.raises(PermissionDenied) as refused:
                kiosk.take_ticket(database, _categories(database)["邻里"], now=NOW)
            assert str(refused.value) == "当前账号无权自助取号"
            with database.read() as session, pytest.raises(PermissionDenied):
                kiosk.kiosk_choices(session)
    with database.read() as session:
        assert session.scalar(select(KioskTicket)) is None


def test_waiting_before_counts_the_rooms_queue_and_the_days_earlier_kiosk_tickets(
        database: Database) -> None:
    # Yesterday's ticket nobody registered waits no more.
    _take(database, now=NOW - timedelta(days=1))
    first = _take(database)
    assert (first.ticket_no, first.waiting_before) == ("调-001", 0)
    # Another room's tickets and finished ones do not count.
    _take(database, "心理疏导")
    _register(database, 1, room="心理咨询室", category="心理疏导")
    served = _register(database, 2)
    with _as(database, auth.Actor(None, "接待", frozenset({"receptionist"}))):
        queue.call(database, served)
    second = _take(database)
    assert (second.ticket_no, second.waiting_before) == ("调-003", 1)
    waiting = _register(database, 3)
    third = _take(database)
    assert (third.ticket_no, third.waiting_before) == ("调-005", 3)
    # A later kiosk ticket is not before an earlier one; a cancelled one is not waiting.
    kiosk.cancel_ticket(database, second.ticket_id, now=NOW)
    assert _take(database).waiting_before == 3
    choices = _choices(database)
    # In the room: the desk's waiting ticket and the kiosk's 调-001, 调-005, 调-006.
    assert choices["邻里"].waiting == 4 and choices["婚姻家庭"].waiting == 4
    assert choices["心理疏导"].waiting == 2 and choices["治安求助"].waiting == 0
    # Tomorrow the kiosk tickets of today no longer count; the desk's queue still does.
    assert _choices(database, TODAY + timedelta(days=1))["邻里"].waiting == 1
    assert waiting


def test_a_room_where_only_kiosk_tickets_wait_counts_each_of_them(database: Database) -> None:
    _take(database, "治安求助")
    assert _choices(database)["治安求助"].waiting == 1
    _take(database, "治安求助")
    assert _choices(database)["治安求助"].waiting == 2


def test_the_choices_are_the_active_matters_in_their_order(database: Database) -> None:
    categories = _categories(database)
    with database.write() as session:
        session.get_one(Category, categories["物业"]).active = False
        session.get_one(Category, categories["其他"]).sort_order = -1
        session.get_one(Category, categories["邻里"]).sort_order = -1
    with _as(database, auth.KIOSK_ACTOR), database.read() as session:
        choices = kiosk.kiosk_choices(session, today=TODAY)
    names = [c.category for c in choices]
    first = sorted(["其他", "邻里"], key=lambda n: categories[n])
    assert names[:2] == first and names[2] == "婚姻家庭" and "物业" not in names
    other = next(c for c in choices if c.category == "其他")
    assert (other.category_id, other.room_id, other.room_location) == (
        categories["其他"], _rooms(database)["综合受理窗口"], "群众接待大厅")


# -- the card laid at the kiosk ---------------------------------------------------------------


def test_the_ticket_keeps_what_the_desk_needs_of_a_card_cut_to_its_columns(
        database: Database) -> None:
    card = _card(name="名" * 70, gender="男性别很长", nation="民" * 20,
                 address="地" * 300)
    taken = _take(database, card=card)
    assert taken.card_read
    ticket = _ticket(database, taken.ticket_id)
    assert (ticket.card_name, ticket.card_id_number, ticket.card_gender,
            ticket.card_birth_date, ticket.card_address, ticket.card_nation) == (
        "名" * 64, card.id_number, "男性别很", date(1980, 5, 6), "地" * 300, "民" * 16)
    assert kiosk.card_of(ticket) == CardData(
        name="名" * 64, gender="男性别很", nation="民" * 16, birth_date=date(1980, 5, 6),
        address="地" * 300, id_number=card.id_number)
    empty = _take(database, card=_card(2, name="", gender="", nation="", address="",
                                       birth_date=None))
    ticket = _ticket(database, empty.ticket_id)
    assert (ticket.card_name, ticket.card_gender, ticket.card_birth_date, ticket.card_address,
            ticket.card_nation) == (None, None, None, None, None)
    assert kiosk.card_of(ticket) == CardData(name="", gender="", nation="", birth_date=None,
                                             address="", id_number=id_number(2))
    # A card that gave no number keeps nothing.
    blank = _take(database, card=_card(3, id_number=""))
    ticket = _ticket(database, blank.ticket_id)
    assert not blank.card_read and ticket.card_name is None and kiosk.card_of(ticket) is None


def test_cards_of_earlier_days_are_forgotten_by_the_next_ticket(database: Database) -> None:
    old = _take(database, card=_card(1), now=NOW - timedelta(days=1))
    today = _take(database, card=_card(2), now=NOW)
    ticket = _ticket(database, old.ticket_id)
    assert (ticket.card_name, ticket.card_id_number, ticket.card_gender,
            ticket.card_birth_date, ticket.card_address, ticket.card_nation) == (
        None, None, None, None, None, None)
    assert ticket.status == "waiting"  # only the card goes
    # Today's stays, also when another ticket is taken the same day.
    _take(database, now=NOW + timedelta(hours=1))
    assert _ticket(database, today.ticket_id).card_id_number == id_number(2)


# -- the desk ----------------------------------------------------------------------------------


def test_the_desk_lists_todays_waiting_tickets_in_the_order_taken(database: Database) -> None:
    rooms, categories = _rooms(database), _categories(database)
    _take(database, now=NOW - timedelta(days=1))
    late = _take(database, "心理疏导", now=NOW + timedelta(minutes=5))
    early = _take(database, card=_card(1), now=NOW)
    gone = _take(database, now=NOW + timedelta(minutes=1))
    kiosk.cancel_ticket(database, gone.ticket_id, now=NOW)
    with database.write() as session:
        session.get_one(KioskTicket, late.ticket_id).category_id = None
    with database.read() as session:
        listed = kiosk.waiting_tickets(session, today=TODAY)
        assert kiosk.waiting_tickets(session, today=TODAY + timedelta(days=1)) == []
    assert listed == [
        kiosk.WaitingKioskTicket(early.ticket_id, "调-001", rooms["矛盾纠纷调解室"],
                                 "矛盾纠纷调解室", categories["邻里"], "邻里", NOW, _card(1)),
        kiosk.WaitingKioskTicket(late.ticket_id, "心-001", rooms["心理咨询室"], "心理咨询室",
                                 None, "", NOW + timedelta(minutes=5), None),
    ]
    assert listed[0].label() == (
        "自助　调-001　09:15　已读卡 张建华\n邻里 → 矛盾纠纷调解室")
    assert listed[1].label() == "自助　心-001　09:20\n心理咨询室"
    with (_as(database, auth.KIOSK_ACTOR), database.read() as session,
          pytest.raises(PermissionDenied) as refused):
        kiosk.waiting_tickets(session)
    assert str(refused.value) == "当前账号无权登记来访"


def test_the_desk_is_told_why_a_ticket_cannot_be_used(database: Database) -> None:
    rooms, categories = _rooms(database), _categories(database)
    used = _take(database)
    cancelled = _take(database)
    register_visit(database, RegistrationInput(
        name="测试甲", id_number=id_number(601), phone="13700000601", summary="噪音",
        room_id=rooms["矛盾纠纷调解室"], category_id=categories["邻里"],
        kiosk_ticket_id=used.ticket_id), now=NOW)
    kiosk.cancel_ticket(database, cancelled.ticket_id, now=NOW)
    with database.write() as session:
        assert _errors(kiosk.claim, session, used.ticket_id) == {
            "kiosk_ticket": "自助号 调-001 已登记，请重新选择"}
        assert _errors(kiosk.claim, session, cancelled.ticket_id) == {
            "kiosk_ticket": "自助号 调-002 已作废，请重新选择"}
        for missing in (999999, 0, -3, 2**70, "7", 1.5):  # ids of the wrong type too
            with pytest.raises(NotFoundError, match=r"^该自助取号不存在$"):
                kiosk.claim(session, missing)  # type: ignore[arg-type]
    assert _errors(kiosk.cancel_ticket, database, used.ticket_id, now=NOW) == {
        "kiosk_ticket": "自助号 调-001 已登记，不能作废"}
    assert _errors(kiosk.cancel_ticket, database, cancelled.ticket_id, now=NOW) == {
        "kiosk_ticket": "自助号 调-002 已作废，不能作废"}
    with pytest.raises(NotFoundError, match=r"^该自助取号不存在$"):
        kiosk.cancel_ticket(database, 999999, now=NOW)
    # A status nobody named is shown as it is.
    with database.write() as session:
        session.get_one(KioskTicket, used.ticket_id).status = "lost"
    with database.write() as session:
        assert _errors(kiosk.claim, session, used.ticket_id) == {
            "kiosk_ticket": "自助号 调-001 lost，请重新选择"}


def test_registered_under_a_ticket_the_ticket_is_closed_by_the_desk(
        database: Database) -> None:
    rooms, categories = _rooms(database), _categories(database)
    admin = database.actor
    assert admin is not None
    taken = _take(database, card=_card(1))
    result = register_visit(database, RegistrationInput(
        name="张建华", id_number=id_number(1), phone="13700000001", summary="噪音",
        room_id=rooms["矛盾纠纷调解室"], category_id=categories["邻里"],
        kiosk_ticket_id=taken.ticket_id), now=NOW + timedelta(minutes=3))
    ticket = _ticket(database, taken.ticket_id)
    assert (ticket.status, ticket.visit_id, ticket.referral_id, ticket.closed_at,
            ticket.closed_by_id, ticket.card_id_number, ticket.card_name) == (
        "registered", result.visit_id, result.referral_id, NOW + timedelta(minutes=3),
        admin.staff_id, None, None)
    with database.read() as session:
        referral = session.get_one(Referral, result.referral_id)
        assert (referral.ticket_no, referral.ticket_seq) == ("调-001", 1)
    assert kiosk.kept_number(ticket, rooms["矛盾纠纷调解室"]) == (TODAY, 1, "调-001")
    assert kiosk.kept_number(ticket, rooms["心理咨询室"]) is None


def test_a_cancelled_ticket_names_who_and_when_and_forgets_the_card(
        database: Database) -> None:
    admin = database.actor
    assert admin is not None
    taken = _take(database, card=_card(1))
    kiosk.cancel_ticket(database, taken.ticket_id, now=NOW + timedelta(minutes=7))
    ticket = _ticket(database, taken.ticket_id)
    assert (ticket.status, ticket.closed_at, ticket.closed_by_id, ticket.card_id_number,
            ticket.card_name, ticket.card_gender, ticket.card_birth_date, ticket.card_address,
            ticket.card_nation, ticket.visit_id) == (
        "cancelled", NOW + timedelta(minutes=7), admin.staff_id, None, None, None, None, None,
        None, None)
    other = _take(database)
    with _as(database, auth.KIOSK_ACTOR), pytest.raises(PermissionDenied) as refused:
        kiosk.cancel_ticket(database, other.ticket_id, now=NOW)
    assert str(refused.value) == "当前账号无权登记来访"
    assert _ticket(database, other.ticket_id).status == "waiting"


def test_without_a_time_a_ticket_is_taken_and_cancelled_now_to_the_second(
        database: Database) -> None:
    start = datetime.now()
    taken = _take(database, now=None)
    kiosk.cancel_ticket(database, taken.ticket_id)
    closed = _ticket(database, taken.ticket_id).closed_at
    for moment in (taken.taken_at, closed):
        assert moment is not None and moment.microsecond == 0
        assert start - timedelta(seconds=1) <= moment <= start + timedelta(minutes=1)
    assert _ticket(database, taken.ticket_id).ticket_date == start.date()


def test_a_ticket_kept_from_the_kiosk_waits_from_when_its_number_was_taken(
        database: Database) -> None:
    """Registered under its kiosk ticket in the same room, the visit's ticket keeps the
    kiosk's number and waits from when it was taken, and its first event says so. Routed
    to another room it takes that room's next number and waits from the registration; a
    registration without a kiosk ticket names none."""
    from desktop.models import ReferralEvent
    from desktop.services.reception.registration import Registration

    rooms, categories = _rooms(database), _categories(database)

    def register_under(ticket: int | None, n: int, room: str) -> Registration:
        return register_visit(database, RegistrationInput(
            name=f"测试{n}号", id_number=id_number(700 + n), phone=f"1370000070{n}",
            summary="噪音", room_id=rooms[room], category_id=categories["邻里"],
            kiosk_ticket_id=ticket), now=NOW + timedelta(minutes=10))

    kept = register_under(_take(database).ticket_id, 1, "矛盾纠纷调解室")
    moved = register_under(_take(database).ticket_id, 2, "心理咨询室")
    plain = register_under(None, 3, "矛盾纠纷调解室")
    assert (kept.kiosk_ticket_no, moved.kiosk_ticket_no, plain.kiosk_ticket_no) == (
        "调-001", "调-002", "")
    with database.read() as session:
        def ticket(result: Registration) -> tuple[object, ...]:
            referral = session.get_one(Referral, result.referral_id)
            event = session.scalars(select(ReferralEvent).where(
                ReferralEvent.referral_id == referral.id)).one()
            return referral.ticket_no, referral.created_at, event.reason

        assert ticket(kept) == ("调-001", NOW, "自助取号 调-001")
        assert ticket(moved)[1:] == (NOW + timedelta(minutes=10), "自助取号 调-002")
        assert ticket(moved)[0] != "调-002"
        assert ticket(plain)[1:] == (NOW + timedelta(minutes=10), None)
