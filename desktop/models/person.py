"""Residents who come to the centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, TimestampMixin, VersionedMixin

if TYPE_CHECKING:
    from desktop.models.visit import Visit


class Person(VersionedMixin, TimestampMixin, Base):
    """A resident, identified by the number of their identity document when given."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    gender: Mapped[str | None] = mapped_column(String(4))
    # 居民身份证, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 护照, 无证件
    id_type: Mapped[str] = mapped_column(String(32), default="居民身份证")
    id_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    no_id_reason: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str | None] = mapped_column(Text)

    visits: Mapped[list[Visit]] = relationship(
        back_populates="person", order_by="Visit.visited_at.desc()"
    )

