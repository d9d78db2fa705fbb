"""Residents who come to the centre."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text
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
    former_names: Mapped[list[PersonFormerName]] = relationship(
        back_populates="person", order_by="PersonFormerName.replaced_at"
    )


class PersonFormerName(Base):
    """A name the person was known by before the receptionist recorded a change of name.

    A resident who changed her name keeps her history: the earlier name stays
    findable and explains why older papers carry another name.
    """

    __tablename__ = "person_former_name"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64), index=True)
    replaced_at: Mapped[datetime] = mapped_column(DateTime)
    replaced_by: Mapped[str | None] = mapped_column(String(64))

    person: Mapped[Person] = relationship(back_populates="former_names")

