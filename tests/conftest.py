"""Shared fixtures: every test gets its own data folder and a fresh database.

The ``database`` fixture runs each test on a new SQLite file, and again on a
fresh database of the PostgreSQL server named by ``DESKTOP_TEST_PG_URL`` (the
README's test command starts one). Without that variable the PostgreSQL half
is skipped with a reason, so a run without a server says so plainly.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from desktop.config import sqlite_url
from desktop.db import Database
from desktop.services.bootstrap import open_database
from desktop.services.settings import CentreSettings, save_settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ENV = "DESKTOP_TEST_PG_URL"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder (logs, config, default database) at a temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(data))
    monkeypatch.delenv("DESKTOP_DB_URL", raising=False)
    return data


@pytest.fixture(autouse=True)
def no_real_keyring() -> None:
    """No test reads or writes the real user's credential store.

    keyring gets its "fail" backend (no credential store: passwords go to the pgpass
    file of the test's own data folder); a test of the credential store sets an
    in-memory backend of its own.
    """
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a thread of its own running."""
    before = set(threading.enumerate())
    yield
    leftover = [
        t for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon
    ]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture(autouse=True)
def no_leftover_log_handlers() -> Iterator[None]:
    """Close the log handlers a test's command-line run set up (file and console).

    Left in place they wrote every later test's records into a finished test's data
    folder and onto pytest's closed capture of its stderr.
    """
    root = logging.getLogger()
    before = set(root.handlers)
    level = root.level
    yield
    for handler in [h for h in root.handlers if getattr(h, "_desk_handler", False)]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def _postgres_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the configured PostgreSQL server, dropped afterwards."""
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip(f"no PostgreSQL server configured ({PG_ENV} is not set)")
    name = f"desk_test_{uuid.uuid4().hex[:12]}"
    admin_engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "test.sqlite3")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "test.sqlite3")


# The invented centre of the test databases (a new database has none: the wizard asks).
TEST_CENTRE = CentreSettings(
    centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
    committee_name="东林街道人民调解委员会", committee_short_name="东",
    service_hours="周一至周五 8:30-17:30",
)


def set_up_centre(database: Database) -> Database:
    """Give ``database`` the test centre's identity, as the set-up wizard would."""
    with database.write() as session:
        save_settings(session, TEST_CENTRE)
    return database


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A migrated, seeded and set-up database, on SQLite and on PostgreSQL."""
    db = set_up_centre(open_database(db_url))
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(sqlite_db_url: str) -> Iterator[Database]:
    """A migrated, seeded and set-up SQLite database, for tests of the window."""
    db = set_up_centre(open_database(sqlite_db_url))
    yield db
    db.dispose()


def _two_desks(database: Database) -> Iterator[tuple[Database, Database]]:
    url = database.engine.url.render_as_string(hide_password=False)
    one = Database.open(url, migrate=False, desk="一号窗口")
    two = Database.open(url, migrate=False, desk="二号窗口")
    yield one, two
    one.dispose()
    two.dispose()


@pytest.fixture
def desks(database: Database) -> Iterator[tuple[Database, Database]]:
    """Two desks (一号窗口, 二号窗口) on the one database, each with its own connections,
    as two PCs sharing it; on SQLite and on PostgreSQL."""
    yield from _two_desks(database)


@pytest.fixture
def sqlite_desks(sqlite_database: Database) -> Iterator[tuple[Database, Database]]:
    """Two desks on one SQLite file, for tests of two windows."""
    yield from _two_desks(sqlite_database)


@pytest.fixture
def fresh_logging() -> Iterator[None]:
    """The app sets its log up once per process: let a test set it up for its own data folder.

    Handlers left by earlier tests are set aside and put back afterwards; those the
    test made are closed.
    """
    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_desk_handler", False)]
    level = root.level
    for handler in earlier:
        root.removeHandler(handler)
    yield
    for handler in [h for h in root.handlers if getattr(h, "_desk_handler", False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in earlier:
        root.addHandler(handler)
    root.setLevel(level)
