"""Counters, centre-wide settings and the notices of the hall display."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base, TimestampMixin


class SequenceCounter(Base):
    """The last number handed out for one series (visit numbers of a day, tickets of a room).

    Numbers come from this row, incremented in the same transaction as the
    record that uses them, so two desks never get the same number.
    """

    __tablename__ = "sequence_counter"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class CentreSetting(Base):
    """A centre-wide setting shared by every desk (name, phone, paper size, ...)."""

    __tablename__ = "centre_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Notice(TimestampMixin, Base):
    """A notice or policy text (政策宣传) the hall display shows between two dates.

    ``shown_until`` empty: shown from ``shown_from`` on until the admin ends it.
    """

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    shown_from: Mapped[date] = mapped_column(Date)
    shown_until: Mapped[date | None] = mapped_column(Date)
