"""The social organisations room (社会组织工作室): organisations, referrals, activities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin, VersionedMixin
from desktop.models.reference import Staff
from desktop.models.visit import Referral, Visit


class SocialOrganisation(VersionedMixin, TimestampMixin, Base):
    """A social organisation (社会组织) or volunteer team (志愿服务队) the centre works with."""

    __tablename__ = "social_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # 社会组织 / 志愿服务队
    services: Mapped[str] = mapped_column(Text, default="")
    contact_person: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int | None] = mapped_column(Integer)  # residents served at a time
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class OrganisationReferral(VersionedMixin, TimestampMixin, Base):
    """A resident referred (转介) to an organisation, the service delivered and the feedback.

    Pending (no ``delivered_on``) past ``due_on``: overdue.
    """

    __tablename__ = "organisation_referral"
    __table_args__ = (Index("ix_organisation_referral_pending", "delivered_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("social_organisation.id"),
                                                 index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(64))
    person_phone: Mapped[str | None] = mapped_column(String(32))
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    service_asked: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivered: Mapped[str | None] = mapped_column(Text)
    feedback: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    organisation: Mapped[SocialOrganisation] = relationship()
    visit: Mapped[Visit | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    recorded_by: Mapped[Staff | None] = relationship()


class OrganisationActivity(TimestampMixin, Base):
    """One entry of an organisation's activity log (活动记录)."""

    __tablename__ = "organisation_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("social_organisation.id"),
                                                 index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(128))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[SocialOrganisation] = relationship()
