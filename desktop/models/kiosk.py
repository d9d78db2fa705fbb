"""Tickets taken at the self-service kiosk (自助取号), before the desk registers the visit."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base
from desktop.models.reference import Category, Room


class KioskTicket(Base):
    """A number taken by touch at the kiosk: a pre-registration.

    Nothing personal, unless the resident laid their 居民身份证 on the kiosk's reader:
    then the ``card_*`` columns keep what the desk needs of it (name, number, gender,
    birth date, address, 民族; never the photo), until the desk registers the
    resident or cancels the number, when they are cleared.

    The number comes from the room's daily ticket counter (the one the desks use), so
    it never clashes with a ticket issued at a desk. The desk then registers the
    resident and the visit's ticket keeps this number (``referral_id``); a resident
    who never came to the desk is marked ``cancelled``.
    """

    __tablename__ = "kiosk_ticket"
    __table_args__ = (
        UniqueConstraint("room_id", "ticket_date", "ticket_seq"),
        # The desk's list and the kiosk's count: the waiting tickets of a day.
        Index("ix_kiosk_ticket_status_ticket_date", "status", "ticket_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    ticket_date: Mapped[date] = mapped_column(Date)
    ticket_seq: Mapped[int] = mapped_column(Integer)
    ticket_no: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    # waiting (at the kiosk, not registered yet), registered, cancelled
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    # The visit the desk registered, and the ticket it got (this number, or another
    # room's when the desk routed the resident elsewhere).
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Read off the card at the kiosk (all empty when no card was laid).
    card_name: Mapped[str | None] = mapped_column(String(64))
    card_id_number: Mapped[str | None] = mapped_column(String(32))
    card_gender: Mapped[str | None] = mapped_column(String(4))
    card_birth_date: Mapped[date | None] = mapped_column(Date)
    card_address: Mapped[str | None] = mapped_column(Text)
    card_nation: Mapped[str | None] = mapped_column(String(16))

    room: Mapped[Room] = relationship()
    category: Mapped[Category | None] = relationship()
