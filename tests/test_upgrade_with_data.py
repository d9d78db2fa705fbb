"""A database full of records, made by an earlier schema, is upgraded without losing any.

The previous releases' schemas are reached by migrating a full database down
(every migration has its downgrade), then it is brought back up to the head:
every table the earlier schema had keeps every row, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from desktop.db import Database, script_heads, stored_revision
from desktop.services.demo.generate import generate_demo_data

# The schema each earlier release shipped, newest first.
EARLIER = ["0010_privacy", "0008_audit", "0006_speed"]


def _counts(engine: Engine) -> dict[str, int]:
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.connect() as conn:
        return {t: int(conn.execute(select(func.count()).select_from(text(f'"{t}"'))).scalar()
                       or 0)
                for t in tables}


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    from desktop.db import alembic_config

    command.downgrade(alembic_config(engine), revision)


@pytest.mark.parametrize("earlier", EARLIER)
def test_an_earlier_schema_full_of_records_upgrades_whole(
    database: Database, earlier: str
) -> None:
    generate_demo_data(database, visits=80, seed=21)
    engine = database.engine
    at_head = _counts(engine)
    assert all(at_head[t] for t in ("visit", "person", "referral", "mediation_case",
                                    "mediation_session", "staff", "audit_entry"))
    database.dispose()
    _downgrade(engine, earlier)
    assert stored_revision(engine) == earlier
    before = _counts(engine)
    assert before["visit"] == at_head["visit"]
    from desktop.db import upgrade

    upgrade(engine)
    assert {stored_revision(engine)} == script_heads()
    after = _counts(engine)
    assert {t: after[t] for t in before} == before
