"""自助取号: the self-service kiosk takes a number, the desk registers the resident under it.

The kiosk runs unattended and nobody signs in there: it acts as
:data:`desktop.services.admin.auth.KIOSK_ACTOR`, whose one permission (``kiosk.ticket``)
lets it read the kinds of matter with their rooms and queue lengths and take a
ticket, and nothing else of the matrix. What it writes holds nothing personal: a
number, a room, a category and a time.

A ticket's number comes from the room's daily counter, the one the desks use
(:func:`desktop.services.reception.queue.ticket_number`), in the same transaction as the
row, so the kiosk and every desk never hand out the same number. The desk lists
the waiting kiosk tickets of the day (:func:`waiting_tickets`); when it registers
the resident with one of them (``RegistrationInput.kiosk_ticket_id``), the visit's
ticket keeps the kiosk's number and place in the queue (:func:`claim`,
:func:`complete`). A resident who never came to the desk is cancelled.

A resident may lay their 居民身份证 on the kiosk's reader first: the ticket then
keeps what the desk needs of the card (:func:`take_ticket` with ``card``), and the
desk fills its form from it as from a card read there (``WaitingKioskTicket.card``).
Nothing of it is shown on the kiosk beyond the masked name, nor printed on the
ticket; it is cleared from the ticket once the desk registers or cancels it, and
from tickets of earlier days nobody came for (the next ticket taken clears them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import Category, KioskTicket, Referral, Room, Visit
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception.idcard import CardData
from desktop.services.reception.queue import ticket_number
from desktop.services.reception.receipts import centre_phone

STATUS_NAMES = {"waiting": "待登记", "registered": "已登记", "cancelled": "已作废"}
# The room of a category that suggests none (or an inactive one): the reception window.
RECEPTION_KIND = "window"
SELF_SERVICE = "自助"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class KioskChoice:
    """One big button of the kiosk: a kind of matter and the room it leads to."""

    category_id: int
    category: str
    room_id: int
    room_name: str
    room_location: str
    waiting: int


@dataclass(frozen=True)
class KioskTicketData:
    """What the printed ticket (and the kiosk's screen, for a moment) says."""

    ticket_id: int
    ticket_no: str
    room_name: str
    room_location: str
    category: str
    waiting_before: int
    taken_at: datetime
    centre_name: str
    centre_phone: str
    service_hours: str
    card_read: bool = False  # the ticket carries an ID card read at the kiosk


def _reception(session: Session) -> Room | None:
    return session.scalar(
        select(Room).where(Room.active, Room.kind == RECEPTION_KIND)
        .order_by(Room.sort_order, Room.id).limit(1))


def _room_for(category: Category, rooms: dict[int, Room], reception: Room | None) -> Room | None:
    """The room the category suggests, or the reception window when it suggests none."""
    room = rooms.get(category.suggested_room_id) if category.suggested_room_id else None
    return room if room is not None else reception


def _waiting_counts(session: Session, day: date) -> dict[int, int]:
    """Per room: tickets waiting in its queue, and kiosk tickets of ``day`` not registered yet."""
    counts: dict[int, int] = {}
    for room_id, n in session.execute(
        select(Referral.room_id, func.count()).where(Referral.status == "waiting")
        .group_by(Referral.room_id)
    ):
        counts[room_id] = counts.get(room_id, 0) + int(n)
    for room_id, n in session.execute(
        select(KioskTicket.room_id, func.count())
        .where(KioskTicket.status == "waiting", KioskTicket.ticket_date == day)
        .group_by(KioskTicket.room_id)
    ):
        counts[room_id] = counts.get(room_id, 0) + int(n)
    return counts


def kiosk_choices(session: Session, *, today: date | None = None) -> list[KioskChoice]:
    """The active categories, each with the room it leads to and how many wait there."""
    auth.require(session, "kiosk.ticket")
    rooms = {r.id: r for r in session.scalars(select(Room).where(Room.active))}
    reception = _reception(session)
    counts = _waiting_counts(session, today or date.today())
    choices = []
    for category in session.scalars(select(Category).where(Category.active)
                                    .order_by(Category.sort_order, Category.id)):
        room = _room_for(category, rooms, reception)
        if room is None:
            continue  # no room to send anyone to: the desk will route them
        choices.append(KioskChoice(category.id, category.name, room.id, room.name,
                                   room.location or "", counts.get(room.id, 0)))
    return choices


def _keep_card(ticket: KioskTicket, card: CardData) -> None:
    """What the desk needs of the card, and nothing more (no photo, no validity)."""
    ticket.card_name = card.name[:64] or None
    ticket.card_id_number = card.id_number[:32] or None
    ticket.card_gender = card.gender[:4] or None
    ticket.card_birth_date = card.birth_date
    ticket.card_address = card.address or None
    ticket.card_nation = card.nation[:16] or None


def _forget_card(ticket: KioskTicket) -> None:
    ticket.card_name = ticket.card_id_number = ticket.card_gender = None
    ticket.card_birth_date = None
    ticket.card_address = ticket.card_nation = None


def card_of(ticket: KioskTicket) -> CardData | None:
    """The card the resident laid at the kiosk, as a reader would hand it over."""
    if not ticket.card_id_number:
        return None
    return CardData(name=ticket.card_name or "", gender=ticket.card_gender or "",
                    nation=ticket.card_nation or "", birth_date=ticket.card_birth_date,
                    address=ticket.card_address or "", id_number=ticket.card_id_number)


def _forget_stale_cards(session: Session, today: date) -> None:
    """Cards on tickets of earlier days nobody registered: nobody will come for them."""
    for ticket in session.scalars(
        select(KioskTicket).where(KioskTicket.ticket_date < today,
                                  KioskTicket.card_id_number.is_not(None))
    ):
        _forget_card(ticket)


def take_ticket(database: Database, category_id: int, *, card: CardData | None = None,
                now: datetime | None = None) -> KioskTicketData:
    """Take the next number of the room the category leads to; one transaction.

    ``card``: the resident's ID card read at the kiosk, kept on the ticket for the desk.
    """
    if validation.id_error(category_id, "所选事项不存在"):
        raise ValidationError({"category": "所选事项不存在"})
    now = now or _now()
    with database.write() as session:
        auth.require(session, "kiosk.ticket")
        category = session.get(Category, category_id)
        if category is None or not category.active:
            raise ValidationError({"category": "所选事项不存在或已停用，请选择其他事项"})
        rooms = {r.id: r for r in session.scalars(select(Room).where(Room.active))}
        room = _room_for(category, rooms, _reception(session))
        if room is None:
            raise ValidationError({"category": "暂时无法取号，请到接待窗口咨询"})
        seq, ticket_no = ticket_number(session, room, now)
        ticket = KioskTicket(room_id=room.id, category_id=category.id, ticket_date=now.date(),
                             ticket_seq=seq, ticket_no=ticket_no, taken_at=now,
                             status="waiting")
        if card is not None and card.id_number:
            _keep_card(ticket, card)
        _forget_stale_cards(session, now.date())
        session.add(ticket)
        session.flush()
        before = _waiting_before(session, ticket)
        settings = load_settings(session)
        return KioskTicketData(
            ticket_id=ticket.id, ticket_no=ticket_no, room_name=room.name,
            room_location=room.location or "", category=category.name,
            waiting_before=before, taken_at=now, centre_name=settings.centre_name,
            centre_phone=centre_phone(settings.centre_phone),
            service_hours=settings.service_hours,
            card_read=ticket.card_id_number is not None,
        )


def _waiting_before(session: Session, ticket: KioskTicket) -> int:
    """The room's waiting tickets, and the day's earlier kiosk tickets not registered yet."""
    queued = session.scalar(
        select(func.count()).select_from(Referral)
        .where(Referral.room_id == ticket.room_id, Referral.status == "waiting"))
    earlier = session.scalar(
        select(func.count()).select_from(KioskTicket)
        .where(KioskTicket.room_id == ticket.room_id, KioskTicket.status == "waiting",
               KioskTicket.ticket_date == ticket.ticket_date,
               KioskTicket.ticket_seq < ticket.ticket_seq))
    return int(queued or 0) + int(earlier or 0)


# -- the desk ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingKioskTicket:
    """A kiosk ticket the desk has not registered yet."""

    id: int
    ticket_no: str
    room_id: int
    room_name: str
    category_id: int | None
    category: str
    taken_at: datetime
    card: CardData | None = None  # the ID card laid at the kiosk, if one was

    def label(self) -> str:
        """Two lines for the desk's list: the number and time (and the card's name, read
        at the kiosk), then what and where."""
        what = f"{self.category} → " if self.category else ""
        read = f"　已读卡 {self.card.name}" if self.card is not None else ""
        return (f"{SELF_SERVICE}　{self.ticket_no}　{self.taken_at:%H:%M}{read}\n"
                f"{what}{self.room_name}")


def waiting_tickets(session: Session, *, today: date | None = None) -> list[WaitingKioskTicket]:
    """Today's kiosk tickets waiting to be registered at the desk, in the order taken."""
    auth.require(session, "visit.register")
    rows = session.execute(
        select(KioskTicket, Room.name, Category.name)
        .join(Room, Room.id == KioskTicket.room_id)
        .outerjoin(Category, Category.id == KioskTicket.category_id)
        .where(KioskTicket.status == "waiting", KioskTicket.ticket_date == (today or date.today()))
        .order_by(KioskTicket.taken_at, KioskTicket.id)
    )
    return [WaitingKioskTicket(t.id, t.ticket_no, t.room_id, room, t.category_id, cat or "",
                               t.taken_at, card_of(t))
            for t, room, cat in rows]


def _locked(session: Session, kiosk_ticket_id: int) -> KioskTicket:
    ticket = session.scalar(
        select(KioskTicket).where(KioskTicket.id == kiosk_ticket_id).with_for_update()
    ) if validation.valid_id(kiosk_ticket_id) else None
    if ticket is None:
        raise NotFoundError("该自助取号不存在")
    return ticket


def _status(ticket: KioskTicket) -> str:
    return STATUS_NAMES.get(ticket.status, ticket.status)


def claim(session: Session, kiosk_ticket_id: int) -> KioskTicket:
    """The waiting kiosk ticket a registration is made under, locked; refused otherwise.

    Two desks picking the same ticket: the second finds it registered and is told so.
    """
    auth.require(session, "visit.register")
    ticket = _locked(session, kiosk_ticket_id)
    if ticket.status != "waiting":
        raise ValidationError({"kiosk_ticket": f"自助号 {ticket.ticket_no} {_status(ticket)}，"
                                               "请重新选择"})
    return ticket


def kept_number(ticket: KioskTicket, room_id: int) -> tuple[date, int, str] | None:
    """The number the visit's ticket keeps: the kiosk's, when the desk kept its room."""
    if ticket.room_id != room_id:
        return None  # routed elsewhere: that room's own next number
    return ticket.ticket_date, ticket.ticket_seq, ticket.ticket_no


def complete(ticket: KioskTicket, visit: Visit, referral: Referral, now: datetime,
             staff_id: int | None) -> None:
    """Mark a claimed kiosk ticket registered as ``visit`` with ``referral``."""
    ticket.status = "registered"
    ticket.visit_id = visit.id
    ticket.referral_id = referral.id
    ticket.closed_at = now
    ticket.closed_by_id = staff_id
    _forget_card(ticket)  # the visit and the person hold it now


def cancel_ticket(database: Database, kiosk_ticket_id: int, *,
                  now: datetime | None = None) -> None:
    """The resident never came to the desk (or left): the number leaves the list."""
    now = now or _now()
    with database.write() as session:
        auth.require(session, "visit.register")
        ticket = _locked(session, kiosk_ticket_id)
        if ticket.status != "waiting":
            raise ValidationError({"kiosk_ticket": f"自助号 {ticket.ticket_no} {_status(ticket)}，"
                                                   "不能作废"})
        ticket.status = "cancelled"
        ticket.closed_at = now
        ticket.closed_by_id = auth.acting_staff_id(session)
        _forget_card(ticket)
