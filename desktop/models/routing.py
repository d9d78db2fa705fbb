"""What happens to a visit after the desk: every queue action, escalations, 吹哨报到."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin
from desktop.models.reference import Room, Staff

if TYPE_CHECKING:
    from desktop.models.visit import Referral, Visit


class ReferralEvent(Base):
    """One step of a ticket (issued, called, recalled, started, finished, transferred, ...).

    Written in the same transaction as the change of the referral, with the
    time it happened, who did it and why: the route of a visit (转办记录) is
    read from these rows, and waiting and serving times are measured from them.
    """

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The room a transfer went to, and the reason or note the user gave.
    to_room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="events")
    staff: Mapped[Staff | None] = relationship()
    to_room: Mapped[Room | None] = relationship()


class Escalation(TimestampMixin, Base):
    """A matter raised to a higher level (A 社区 … D 市) or referred to an outside department.

    ``kind`` is ``"level"`` (上报) or ``"department"`` (部门移送/吹哨报到). Open
    items past ``due_date`` are overdue and flagged wherever they are listed.
    """

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_status_due_date", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    kind: Mapped[str] = mapped_column(String(16))  # level / department
    level: Mapped[str | None] = mapped_column(String(1))  # A / B / C / D
    department: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / closed
    raised_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(Text)

    visit: Mapped[Visit] = relationship()
    raised_by: Mapped[Staff | None] = relationship()
