"""Shared fixtures: every test gets its own data folder and a fresh database.

The ``database`` fixture runs each test on a new SQLite file, and again on a
fresh database of the PostgreSQL server named by ``DESKTOP_TEST_PG_URL`` (the
README's test command starts one). Without that variable the PostgreSQL half
is skipped with a reason, so a run without a server says so plainly.

No test reads the wall clock: every test starts at the same instant (the
``clock`` fixture, with time-machine), on a fixed day and at the time of day
``DESKTOP_TEST_CLOCK`` gives (``00:05``, ``23:55``, or a full
``2026-12-31 23:55``), so a run at 00:03 behaves as a run at 10:30 unless the
test asks for midnight. A test marked ``real_clock`` (the soak) keeps the wall clock.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

import pytest
import time_machine
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QMessageBox
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from desktop.config import sqlite_url
from desktop.db import Database
from desktop.models import Staff
from desktop.services.admin import auth
from desktop.services.admin.settings import CentreSettings, save_settings
from desktop.services.bootstrap import open_database
from desktop.views.app import install_chinese

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ENV = "DESKTOP_TEST_PG_URL"
CLOCK_ENV = "DESKTOP_TEST_CLOCK"
# A Wednesday after every fixed date the tests use (sessions in November 2026,
# follow-ups done on 2026-11-25, tickets of 2026-11-26).
TEST_DAY = date(2026, 12, 2)
TEST_TIME = time(10, 30)


def test_clock_start() -> datetime:
    """The local instant each test starts at (see the module docstring)."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return datetime.combine(TEST_DAY, TEST_TIME)
    if " " in value or "T" in value:
        return datetime.fromisoformat(value)
    return datetime.combine(TEST_DAY, time.fromisoformat(value))


test_clock_start.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(autouse=True)
def fixed_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Coordinates | None]:
    """Every test runs on the fixed test clock, which then ticks on as usual.

    A test marked ``real_clock`` runs on the wall clock instead (None here): the soak
    counts the interpreter's references over thousands of actions, and the clock's
    patched ``datetime`` and ``time`` functions are no part of what it measures.
    """
    if request.node.get_closest_marker("real_clock") is not None:
        yield None
        return
    start = test_clock_start().astimezone()  # the local time, whatever the zone
    with time_machine.travel(start, tick=True) as traveller:
        yield traveller


@pytest.fixture
def clock(fixed_clock: time_machine.Coordinates | None) -> time_machine.Coordinates:
    """The fixed test clock: ``clock.move_to(...)`` or ``clock.shift(...)`` moves it
    (past midnight, say)."""
    if fixed_clock is None:
        raise pytest.UsageError("a test marked real_clock has no test clock to move")
    return fixed_clock


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives a widget ``gui``, so quick runs can leave them out, and
    run the tests marked ``first`` before all others.

    The soak (marked ``first``) counts the interpreter's references to ``True`` as a desk's
    process holds them. Run after thousands of tests it counted theirs too: SQLAlchemy's
    statement caches of the mapped classes are shared by every engine of the process, each
    test's engine adds its entries, and a full cache drops 50 of them at once, with about
    2,600 references to ``True``.
    """
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
    items.sort(key=lambda item: item.get_closest_marker("first") is None)  # stable


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder (logs, config, default database) at a temporary folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(data))
    monkeypatch.delenv("DESKTOP_DB_URL", raising=False)
    return data


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str]) -> QApplication:
    """pytest-qt's application with Qt's own texts in Chinese, as the real app has them."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(qapp_args)
    install_chinese(app)
    return app


# A button of a dialog that reads English: Qt's own texts were not translated.
ENGLISH_TEXT = re.compile(r"^[\x20-\x7e]*[A-Za-z][\x20-\x7e]*$")


def english_buttons() -> list[str]:
    """The texts of dialog and message-box buttons now alive that read English."""
    if QApplication.instance() is None:
        return []
    found = []
    for widget in QApplication.allWidgets():
        if isinstance(widget, QAbstractButton) and ENGLISH_TEXT.match(widget.text()):
            parent = widget.parentWidget()
            if isinstance(parent, QDialogButtonBox | QMessageBox):
                found.append(widget.text())
    return found


@pytest.fixture(autouse=True)
def no_english_buttons() -> Iterator[None]:
    """Fail a test that leaves a dialog showing an English button (OK, Cancel, &Yes)."""
    yield
    english = english_buttons()
    assert not english, f"English buttons in a dialog: {english}"


# The all-roles account every test database has and every test works as (invented).
TEST_ADMIN_LOGIN = "testadmin"
TEST_ADMIN_PASSWORD = "Test2026desk"
TEST_ADMIN_NAME = "测试管理员"


@cache
def _test_admin_hash() -> str:
    """Hashed once per run: argon2 is slow on purpose."""
    return auth.hash_password(TEST_ADMIN_PASSWORD)


def add_test_admin(database: Database) -> auth.Actor:
    """The all-roles test account on ``database`` (created once), signed in there."""
    with database.write() as session:
        staff = session.scalar(select(Staff).where(Staff.login == TEST_ADMIN_LOGIN))
        if staff is None:
            staff = Staff(name=TEST_ADMIN_NAME, role="admin", login=TEST_ADMIN_LOGIN,
                          password_hash=_test_admin_hash(), active=True)
            auth.set_roles(staff, auth.ALL_ROLES)
            staff.role = "admin"
            session.add(staff)
            session.flush()
        actor = auth.actor_for(staff)
    database.actor = actor
    return actor


def as_test_admin(database: Database) -> Database:
    """``database`` (another PC, thread or process on a test database) working as the test
    account, which the test database already has."""
    with database.read() as session:
        staff = session.scalar(select(Staff).where(Staff.login == TEST_ADMIN_LOGIN))
        assert staff is not None, "the test database has no test account"
        database.actor = auth.actor_for(staff)
    return database


def add_test_admin_to(url: str) -> None:
    """The test account on the database at ``url`` (for the command line's sign-in)."""
    database = Database.open(url, migrate=False)
    try:
        add_test_admin(database)
    finally:
        database.dispose()


def signed_in_like(other: Database, database: Database) -> Database:
    """``other`` (another PC on the same database) signed in as ``database`` is."""
    other.actor = database.actor
    return other


@pytest.fixture(autouse=True)
def nothing_frozen() -> Iterator[None]:
    """A test that ran the whole start (which freezes its objects) leaves none frozen."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture(autouse=True)
def test_account_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line signs in with the test account (DESKTOP_USER / DESKTOP_PASSWORD)."""
    monkeypatch.setenv("DESKTOP_USER", TEST_ADMIN_LOGIN)
    monkeypatch.setenv("DESKTOP_PASSWORD", TEST_ADMIN_PASSWORD)


@pytest.fixture(autouse=True)
def silent_speech(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test speaks aloud: the hall's speaker gets a recording engine unless a test gives
    its own (Qt's mock engine, say)."""
    from desktop.views.reception import hall_speech
    from tests.speech_helpers import RecordingEngine

    monkeypatch.setattr(hall_speech, "make_engine", RecordingEngine)


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
def no_leftover_database_checks() -> Iterator[None]:
    """Stop the banner's database checks a test started: left running, a closed test
    database was checked (and failed) every few seconds through later tests."""
    yield
    from desktop.views import db_status

    for status in list(db_status._statuses.values()):
        with contextlib.suppress(RuntimeError):
            status.stop()
    db_status._statuses.clear()


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


# The template of this process; see sqlite_template.
_TEMPLATE: list[Path] = []


def _remove_template(owner: int = os.getpid()) -> None:
    if os.getpid() == owner:  # not in a fork that happens to exit normally
        for path in _TEMPLATE:
            shutil.rmtree(path.parent, ignore_errors=True)


def seed_template(path: Path) -> None:
    """Migrate and seed a new SQLite file at ``path`` on the test clock.

    On the test clock even when the test that first asks for the template keeps the wall
    clock (the soak runs first): the seed's audit entries are then of the test day, as a
    test that counts the day's entries expects, whatever day the suite runs on.
    """
    with time_machine.travel(test_clock_start().astimezone(), tick=True):
        open_database(sqlite_url(path)).dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated and seeded once (by the code under test).

    Kept for the whole process: mutmut runs one pytest session per mutant in a fork
    of one process, and only a mutant of seed.py or bootstrap.py (which build the
    template) needs a template of its own.

    """
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    own = mutant.startswith(("desktop.services.seed.", "desktop.services.bootstrap."))
    if _TEMPLATE and _TEMPLATE[0].exists() and not own:
        return _TEMPLATE[0]
    folder = tmp_path_factory.mktemp("template") if own else Path(tempfile.mkdtemp())
    path = folder / "template.sqlite3"
    seed_template(path)
    if not own:
        if not _TEMPLATE:
            atexit.register(_remove_template)
        _TEMPLATE[:] = [path]
    return path


def _open_seeded(url: str, request: pytest.FixtureRequest) -> Database:
    """Open a database through the app's own start-up; a SQLite file starts as a copy of
    the template (half a second less per test), so start-up finds it migrated and seeded."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), parsed.database)
    return open_database(url)


# The invented centre of the test databases (a new database has none: the wizard asks).
TEST_CENTRE = CentreSettings(
    centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
    committee_name="东林街道人民调解委员会", committee_short_name="东",
    service_hours="周一至周五 8:30-17:30",
)


def set_up_centre(database: Database) -> Database:
    """Give ``database`` the test centre's identity, as the set-up wizard would (signed in
    as the all-roles test administrator)."""
    add_test_admin(database)
    with database.write() as session:
        save_settings(session, TEST_CENTRE)
    return database


@pytest.fixture
def database(db_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, seeded and set-up database, on SQLite and on PostgreSQL."""
    db = set_up_centre(_open_seeded(db_url, request))
    yield db
    _finish_background_reads()
    db.dispose()


@pytest.fixture
def sqlite_database(sqlite_db_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, seeded and set-up SQLite database, for tests of the window."""
    db = set_up_centre(_open_seeded(sqlite_db_url, request))
    yield db
    _finish_background_reads()
    db.dispose()


def _finish_background_reads() -> None:
    """Let reads a page started off the GUI thread (the dashboard's, a lookup) end before
    their database is closed under them."""
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(60_000)


def _two_desks(database: Database) -> Iterator[tuple[Database, Database]]:
    url = database.engine.url.render_as_string(hide_password=False)
    one = signed_in_like(Database.open(url, migrate=False, desk="一号窗口"), database)
    two = signed_in_like(Database.open(url, migrate=False, desk="二号窗口"), database)
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
    from desktop import logging_setup

    root = logging.getLogger()
    earlier = [h for h in root.handlers if getattr(h, "_desk_handler", False)]
    level, kind = root.level, logging_setup._kind
    for handler in earlier:
        root.removeHandler(handler)
    yield
    for handler in [h for h in root.handlers if getattr(h, "_desk_handler", False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in earlier:
        root.addHandler(handler)
    root.setLevel(level)
    logging_setup._kind = kind
