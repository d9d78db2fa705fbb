"""The psychological counselling room (心理咨询室): cases, sessions, risk assessments, scales.

Everything here is confidential to counsellors (``counselling.read``); the services
never hand it to the general registers, exports or the dashboard, which only count.
"""

from __future__ import annotations

from datetime import date, datetime

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

from desktop.models.base import Base, TimestampMixin, VersionedMixin
from desktop.models.person import Person
from desktop.models.reference import Staff
from desktop.models.visit import Referral, Visit


class CounsellingCase(VersionedMixin, TimestampMixin, Base):
    """One resident's counselling, numbered 心2026-0001, from intake to closure."""

    __tablename__ = "counselling_case"
    __table_args__ = (UniqueConstraint("year", "seq"),
                      Index("ix_counselling_case_status_opened", "status", "opened_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # The visit (and its ticket to the counselling room) the case was taken up from.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), unique=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    # What brought the resident (主诉) as told at intake.
    intake_problem: Mapped[str] = mapped_column(Text, default="")
    # open (咨询中), closed (已结案)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # The highest risk any assessment found (低 / 中 / 高), kept for the list and counts.
    highest_risk: Mapped[str] = mapped_column(String(2), default="低")
    # 转介: to a hospital or a 精神卫生中心.
    referred_to: Mapped[str | None] = mapped_column(String(64))
    referred_kind: Mapped[str | None] = mapped_column(String(16))
    referred_on: Mapped[date | None] = mapped_column(Date, index=True)
    referral_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    close_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    visit: Mapped[Visit | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    counsellor: Mapped[Staff | None] = relationship()
    sessions: Mapped[list[CounsellingSession]] = relationship(
        back_populates="case", order_by="CounsellingSession.held_on, CounsellingSession.id")


class CounsellingSession(TimestampMixin, Base):
    """One session (咨询记录): when, how long, what was brought, what was done, the plan."""

    __tablename__ = "counselling_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("counselling_case.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    problem: Mapped[str] = mapped_column(Text, default="")
    intervention: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    case: Mapped[CounsellingCase] = relationship(back_populates="sessions")
    counsellor: Mapped[Staff | None] = relationship()


class RiskAssessment(Base):
    """A risk assessment (自伤 / 自杀 / 伤人, each 低 / 中 / 高): at intake or at a session.

    Any 高 needs the crisis step taken (陪同就医, 通知监护人, 移交公安, 其他 with text).
    """

    __tablename__ = "counselling_risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("counselling_case.id", ondelete="CASCADE"), index=True)
    # NULL: the intake assessment.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselling_session.id", ondelete="CASCADE"), unique=True)
    assessed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    self_harm: Mapped[str] = mapped_column(String(2))
    suicide: Mapped[str] = mapped_column(String(2))
    harm_others: Mapped[str] = mapped_column(String(2))
    level: Mapped[str] = mapped_column(String(2), index=True)  # the highest of the three
    crisis_step: Mapped[str | None] = mapped_column(String(16))
    crisis_note: Mapped[str | None] = mapped_column(Text)


class ScaleResult(Base):
    """A screening scale (PHQ-9, GAD-7) taken at a session: every answer, total, band."""

    __tablename__ = "counselling_scale"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("counselling_case.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("counselling_session.id", ondelete="CASCADE"), index=True)
    scale: Mapped[str] = mapped_column(String(8))  # PHQ-9 / GAD-7
    answers: Mapped[str] = mapped_column(String(32))  # "0,1,2,3,..."
    total: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))
    # PHQ-9 item 9 (thoughts of death or self-harm) answered above 0: to review.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
