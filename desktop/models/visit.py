"""Walk-ins and the tickets that route them to rooms."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, SoftDeleteMixin, TimestampMixin
from desktop.models.reference import Category, Community, Grid, Room, Staff

if TYPE_CHECKING:
    from desktop.models.person import Person
    from desktop.models.routing import ReferralEvent


class Visit(SoftDeleteMixin, TimestampMixin, Base):
    """One walk-in (or letter, hotline call, ...) registered once at the desk."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_no: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime, index=True, server_default=func.now())
    source: Mapped[str] = mapped_column(String(16), default="来访")
    visit_type: Mapped[str] = mapped_column(String(16), default="个人")  # 个人 / 集体
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    # A collective visit (集体访) speaks through its representative(s).
    representative_name: Mapped[str | None] = mapped_column(String(64))
    representative_phone: Mapped[str | None] = mapped_column(String(32))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    summary: Mapped[str] = mapped_column(Text)
    request: Mapped[str | None] = mapped_column(Text)
    risk_level: Mapped[str] = mapped_column(String(4), default="黄")  # 红 / 橙 / 黄
    # A visit about a matter the same person brought before (重复访).
    # Always the first visit on the matter, so the repeats of a matter are counted by one
    # indexed lookup.
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    # 读卡核验: the 身份证号 was read off the card by the reader and not edited afterwards
    # (the registers print 读卡 / 手工).
    id_card_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    person: Mapped[Person] = relationship(back_populates="visits")
    category: Mapped[Category | None] = relationship()
    community: Mapped[Community | None] = relationship()
    grid: Mapped[Grid | None] = relationship()
    received_by: Mapped[Staff | None] = relationship()
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="visit", order_by="Referral.created_at, Referral.id"
    )


class Referral(TimestampMixin, Base):
    """A visit sent to one room, with its ticket (e.g. 调-007) and its progress.

    The times of each step are recorded as they happen, so waiting and serving
    times are measured rather than typed.
    """

    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("room_id", "ticket_date", "ticket_seq"),
        # The queue of a room: its active tickets, read every few seconds by every desk.
        Index("ix_referral_room_status", "room_id", "status"),
        # The dashboard's 今日 figures: the tickets of one day among a million.
        Index("ix_referral_created_at", "created_at"),
        # Which rooms one visit's tickets went to (went_to_counselling, for every row shown).
        Index("ix_referral_visit_room", "visit_id", "room_id"),
        # The mediation room's recent tickets finished as 立案调解 (routed_visits).
        Index("ix_referral_room_result_day", "room_id", "result", "ticket_date"),
        # The rating pad beside a room: its ticket finished a moment ago (polled).
        Index("ix_referral_room_finished_at", "room_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    ticket_date: Mapped[date] = mapped_column(Date)
    ticket_seq: Mapped[int] = mapped_column(Integer)
    ticket_no: Mapped[str] = mapped_column(String(16))
    # waiting, called, serving, on_hold, done, no_show, transferred (queue/states.py)
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    called_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # How many times the ticket was called (a recall counts again).
    call_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    result: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))

    visit: Mapped[Visit] = relationship(back_populates="referrals")
    room: Mapped[Room] = relationship()
    handled_by: Mapped[Staff | None] = relationship()
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.at, ReferralEvent.id"
    )
