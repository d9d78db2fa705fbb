"""Alembic environment: runs on the engine the app hands over, or on ``sqlalchemy.url``.

On SQLite a migration that changes a table rebuilds it (batch mode: copy, drop,
rename). With foreign keys enforced, dropping a table that other rows point to
fails ("FOREIGN KEY constraint failed"), so a database holding data could not be
upgraded. Foreign keys are therefore off while the migrations run (SQLite's own
advice for schema changes; the pragma only works outside a transaction) and the
whole database is checked with ``PRAGMA foreign_key_check`` before the commit.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from desktop.models import Base

config = context.config
target_metadata = Base.metadata


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows pointing nowhere: {broken[:5]}")


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_sqlite_foreign_keys(connection, False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _set_sqlite_foreign_keys(connection, True)


run_migrations()
