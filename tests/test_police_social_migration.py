"""Migration 0018_police_social: the two rooms' tables come and go with it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from desktop.db import alembic_config

TABLES = {"police_handover", "social_organisation", "organisation_referral",
          "organisation_activity"}


def test_up_and_down(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0018_police_social")
        assert set(inspect(engine).get_table_names()) >= TABLES
        command.downgrade(config, "0015_speed2")
        assert not TABLES & set(inspect(engine).get_table_names())
        command.upgrade(config, "0018_police_social")
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
