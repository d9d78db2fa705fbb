"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from desktop.db import Database, current_revision, make_engine, upgrade
from desktop.models import Base


def test_migrations_match_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], diff
        assert current_revision(engine) is not None
    finally:
        engine.dispose()


def test_opening_twice_is_harmless(db_url: str) -> None:
    first = Database.open(db_url)
    first.dispose()
    second = Database.open(db_url)
    try:
        assert "visit" in inspect(second.engine).get_table_names()
    finally:
        second.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_full_sync(sqlite_db_url: str) -> None:
    database = Database.open(sqlite_db_url)
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # FULL (2): a commit is on disk when it returns, even across a power cut.
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    finally:
        database.dispose()


def test_the_start_reads_the_same_head_as_alembic() -> None:
    """The quick head a start compares with is the one Alembic itself would upgrade to."""
    from alembic.script import ScriptDirectory

    from desktop.db import alembic_config, script_heads

    engine = make_engine("sqlite://")
    try:
        alembic_heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    finally:
        engine.dispose()
    assert script_heads() == alembic_heads


def test_a_database_behind_the_head_is_migrated_on_open_and_one_at_it_is_left(
    db_url: str,
) -> None:
    from desktop.db import script_heads, stored_revision, upgrade_if_needed

    engine = make_engine(db_url)
    try:
        assert stored_revision(engine) is None
        upgrade(engine, "0004")
        assert stored_revision(engine) == "0004"
        assert upgrade_if_needed(engine) is True
        assert {stored_revision(engine)} == script_heads()
        assert upgrade_if_needed(engine) is False
        reopened = Database.open(db_url)
        reopened.dispose()
        assert {current_revision(engine)} == script_heads()
    finally:
        engine.dispose()
