"""Declarative base shared by every model."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, MetaData, String, event, func
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """Creation and last-change times, set by the database."""

    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class SoftDeleteMixin:
    """A record removed with a reason: kept for the admin and the audit, left out of lists.

    Personal data is not erased by a mistaken click or a resident's request alone; the
    admin sees what was removed, when, by whom and why.
    """

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(64))
    deleted_reason: Mapped[str | None] = mapped_column(String(200))


class VersionedMixin:
    """A row version for optimistic locking: a save over a newer version is refused.

    SQLAlchemy adds ``WHERE version = <the version read>`` to every UPDATE and
    DELETE and bumps it, so two desks can never silently overwrite each other;
    the services compare the version a form was loaded with before they write.
    """

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Who (which desk) last wrote the record, and when by that desk's clock: the
    # refusal of a stale save says "已被他人修改（二号窗口 于 10:42）".
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    changed_by: Mapped[str | None] = mapped_column(String(64))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# The desk a session writes for; ``Database.write()`` puts its name here.
DESK_KEY = "desk"


def mark_changed(row: VersionedMixin) -> None:
    """Count a change the row's own columns do not show (its clauses, its mediators).

    SQLAlchemy bumps ``version`` only when a column of the row changes; flagging
    ``changed_at`` (which the flush then stamps) makes such a change bump it too.
    """
    row.changed_at = datetime.now().replace(microsecond=0)
    flag_modified(row, "changed_at")  # a change even when stamped in the same second


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _context: object, _instances: object) -> None:
    """Stamp every new or changed versioned row with the desk and the time."""
    now = datetime.now().replace(microsecond=0)
    desk = session.info.get(DESK_KEY)
    for row in (*session.new, *session.dirty):
        if not isinstance(row, VersionedMixin):
            continue
        if row in session.new or session.is_modified(row, include_collections=False):
            row.changed_at = now
            row.changed_by = desk
