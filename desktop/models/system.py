"""Counters and centre-wide settings."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


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
