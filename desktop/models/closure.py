"""The last two steps of every matter: the reply (回复) and the resident's rating (评价).

Also the working-day calendar the time limits are counted in: the State Council's
holidays and adjusted working weekends (调休), kept as data the admin updates each year.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin
from desktop.models.reference import Staff
from desktop.models.visit import Visit


class WorkdayException(Base):
    """A day that differs from Monday-to-Friday: a holiday on a weekday (休) or an
    adjusted working day on a weekend (班), with the festival it belongs to (春节, ...)."""

    __tablename__ = "workday_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(4))  # 休 / 班
    name: Mapped[str] = mapped_column(String(32), default="")


class VisitReply(TimestampMixin, Base):
    """回复: how and when the resident was told the outcome of the matter, by whom, and what.

    One per visit; a correction is an edit of this row (the audit log keeps the change).
    """

    __tablename__ = "visit_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    method: Mapped[str] = mapped_column(String(8))  # 当面 / 电话 / 短信 / 书面
    replied_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    content: Mapped[str] = mapped_column(Text)

    visit: Mapped[Visit] = relationship()
    replied_by: Mapped[Staff | None] = relationship()


class VisitRating(TimestampMixin, Base):
    """评价: the resident's rating of the handling on the five levels of 好差评.

    ``rerating`` marks the rating asked again after a 整改 (the one that closed it).
    ``recorded_by_id`` is empty for a rating the resident gave on the rating pad.

    Two kinds share the table. A matter's rating (``referral_id`` empty): one per visit
    after the reply, again only after a 整改. A pad rating (``referral_id`` set, channel
    窗口评价器): the service of one ticket rated at the window as it was finished
    (一次一评), at most one per ticket, with the member of staff who served it
    (``staff_id``); it needs no reply and is not the matter's rating.
    """

    __tablename__ = "visit_rating"
    # One pad rating per ticket. Partial (the matters' ratings have no ticket): an index
    # over a column that is mostly NULL drew "referral_id IS NULL" to itself and turned
    # the look for a matter's own rating into a walk over every rating.
    __table_args__ = (Index("uq_visit_rating_referral", "referral_id", unique=True,
                            sqlite_where=text("referral_id IS NOT NULL"),
                            postgresql_where=text("referral_id IS NOT NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    level: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))  # 窗口评价器 / 电话回访 / 当面
    rated_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    rerating: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A pad rating: the ticket rated (one rating each) and who served it.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    recorded_by: Mapped[Staff | None] = relationship(foreign_keys=[recorded_by_id])
    staff: Mapped[Staff | None] = relationship(foreign_keys=[staff_id])


class Rectification(TimestampMixin, Base):
    """整改: opened by a 不满意 or 非常不满意, due in 15 working days, closed by a re-rating."""

    __tablename__ = "rectification"
    __table_args__ = (Index("ix_rectification_status_due_date", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("visit_rating.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open / closed
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The re-rating that closed it.
    closing_rating_id: Mapped[int | None] = mapped_column(ForeignKey("visit_rating.id"))

    visit: Mapped[Visit] = relationship()
    notes: Mapped[list[RectificationNote]] = relationship(
        back_populates="rectification", order_by="RectificationNote.at, RectificationNote.id")


class RectificationNote(Base):
    """One follow-up of a 整改: what was done, when, by whom."""

    __tablename__ = "rectification_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectification.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text)

    rectification: Mapped[Rectification] = relationship(back_populates="notes")
    staff: Mapped[Staff | None] = relationship()
