"""议事: the community deliberation meetings (居民议事会 / 议事协商), their matters and actions."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin, VersionedMixin
from desktop.models.visit import Visit


class DeliberationMeeting(VersionedMixin, TimestampMixin, Base):
    """One meeting: when, where, who hosted and who took part (a free list)."""

    __tablename__ = "deliberation_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(128), default="")
    host: Mapped[str] = mapped_column(String(64), default="")
    topic: Mapped[str] = mapped_column(String(128), default="")
    # One participant a line: 姓名（身份）.
    participants: Mapped[str] = mapped_column(Text, default="")

    matters: Mapped[list[DeliberationMatter]] = relationship(
        back_populates="meeting", order_by="DeliberationMatter.position",
        cascade="all, delete-orphan")
    actions: Mapped[list[DeliberationAction]] = relationship(
        back_populates="meeting", order_by="DeliberationAction.position",
        cascade="all, delete-orphan")


class DeliberationMatter(Base):
    """A matter taken up, linked to the visit it came from (by 受理编号), and what was decided."""

    __tablename__ = "deliberation_matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("deliberation_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[DeliberationMeeting] = relationship(back_populates="matters")
    visit: Mapped[Visit | None] = relationship()


class DeliberationAction(Base):
    """A follow-up action agreed at the meeting: who, by when, done when."""

    __tablename__ = "deliberation_action"
    __table_args__ = (Index("ix_deliberation_action_open_due", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("deliberation_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(64), default="")
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    meeting: Mapped[DeliberationMeeting] = relationship(back_populates="actions")
