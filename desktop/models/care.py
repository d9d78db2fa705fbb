"""The care room (关爱工作室): residents in the care groups, their home visits and help."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin, VersionedMixin
from desktop.models.person import Person
from desktop.models.reference import Community, Grid, Staff
from desktop.models.visit import Visit


class CareEntry(VersionedMixin, TimestampMixin, Base):
    """A resident on the care register (关爱对象名册), with the visit frequency set for them.

    ``next_due_on`` is kept with every change of the entry or of its visits (last visit,
    or registration, plus the frequency), so the list of visits due reads one index.
    """

    __tablename__ = "care_entry"
    __table_args__ = (Index("ix_care_entry_active_due", "ended_on", "next_due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True)
    # The visit routed to the care room the entry was taken up from, if any.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    guardian_name: Mapped[str | None] = mapped_column(String(64))
    guardian_relation: Mapped[str | None] = mapped_column(String(32))
    guardian_phone: Mapped[str | None] = mapped_column(String(32))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    frequency_days: Mapped[int] = mapped_column(Integer, default=30)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    next_due_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    visit: Mapped[Visit | None] = relationship()
    community: Mapped[Community | None] = relationship()
    grid: Mapped[Grid | None] = relationship()
    staff: Mapped[Staff | None] = relationship()
    groups: Mapped[list[CareGroup]] = relationship(
        back_populates="entry", order_by="CareGroup.name", cascade="all, delete-orphan")
    visits: Mapped[list[CareVisit]] = relationship(
        back_populates="entry", order_by="CareVisit.visited_on, CareVisit.id",
        cascade="all, delete-orphan")


class CareGroup(Base):
    """One care group an entry belongs to (a person may be in several)."""

    __tablename__ = "care_group"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("care_entry.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    entry: Mapped[CareEntry] = relationship(back_populates="groups")


class CareVisit(VersionedMixin, Base):
    """A home visit (走访) and the help given (帮扶) on it."""

    __tablename__ = "care_visit"
    __table_args__ = (Index("ix_care_visit_entry_day", "entry_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("care_entry.id", ondelete="CASCADE"))
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    findings: Mapped[str] = mapped_column(Text, default="")
    # 物资 / 资金 / 政策 / 心理 / 其他; NULL: no help given on this visit.
    help_kind: Mapped[str | None] = mapped_column(String(8))
    help_text: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[CareEntry] = relationship(back_populates="visits")
    staff: Mapped[Staff | None] = relationship()
