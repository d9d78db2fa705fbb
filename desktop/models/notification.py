"""Notifications shown on every desk of a role (the leaders', say), read per account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class Notification(Base):
    """A short message for every account holding ``role``; it carries no case content."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_role_id", "role", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class NotificationRead(Base):
    """That one account has read (dismissed) one notification."""

    __tablename__ = "notification_read"

    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"),
                                          primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
