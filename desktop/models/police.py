"""The police liaison room (警民联络室): matters handed to and received from the police."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin, VersionedMixin
from desktop.models.mediation import MediationCase
from desktop.models.reference import Staff
from desktop.models.visit import Referral, Visit


class PoliceHandover(VersionedMixin, TimestampMixin, Base):
    """One 移交: a matter the centre handed to a 派出所, or one the police handed over.

    ``direction`` is ``to_police`` (移交派出所) or ``from_police`` (110 非警务警情 transferred
    to the centre, 公安移交调解). The reply (回复) is due by ``reply_due``; a hand-over past
    it without ``reply_on`` is overdue. ``case_id`` links it to a mediation case (警调联动).
    """

    __tablename__ = "police_handover"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        Index("ix_police_handover_reply", "reply_on", "reply_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_no: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(16), index=True)  # to_police / from_police
    kind: Mapped[str] = mapped_column(String(16))  # 移交派出所 / 110非警务警情 / 公安移交调解
    handed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    matter: Mapped[str] = mapped_column(Text)
    person_name: Mapped[str | None] = mapped_column(String(64))
    person_phone: Mapped[str | None] = mapped_column(String(32))
    station: Mapped[str] = mapped_column(String(64))
    officer_name: Mapped[str] = mapped_column(String(32))
    officer_phone: Mapped[str] = mapped_column(String(32))
    officer_badge: Mapped[str | None] = mapped_column(String(16))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    reply_due: Mapped[date | None] = mapped_column(Date)
    reply_on: Mapped[date | None] = mapped_column(Date)
    reply_content: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    visit: Mapped[Visit | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    case: Mapped[MediationCase | None] = relationship()
    recorded_by: Mapped[Staff | None] = relationship()
