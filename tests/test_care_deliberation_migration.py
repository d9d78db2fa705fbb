"""Migration 0017_care_deliberation goes down and up again on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from desktop.db import Database, alembic_config

TABLES = {"care_entry", "care_group", "care_visit", "deliberation_meeting",
          "deliberation_matter", "deliberation_action"}


def test_down_and_up_again(database: Database) -> None:
    engine = database.engine
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0015_speed2")
    assert not TABLES & set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert set(inspect(engine).get_table_names()) >= TABLES
