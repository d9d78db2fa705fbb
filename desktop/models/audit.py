"""The audit log: who did what, when, at which PC; hash-chained and append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.models.base import Base


class AuditEntry(Base):
    """One thing someone did: a sign-in, a change of a record, a print, an export, …

    Each entry carries the hash of the entry before it (``prev_hash``) and its
    own hash over that and its content, so an edited or removed entry breaks
    the chain (``desktop.services.admin.audit.verify_chain``). Ids are handed out by
    the append itself, one after the other, so a gap is visible too.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    staff_id: Mapped[int | None] = mapped_column(Integer, index=True)
    staff_name: Mapped[str] = mapped_column(String(64))
    desk: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The end of the chain: the last entry's id and hash, in a single row.

    Every append locks this row first (``SELECT … FOR UPDATE``), so two desks
    appending at once queue up instead of forking the chain; and a removal of
    the newest entries, which the chain alone cannot show, disagrees with it.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
