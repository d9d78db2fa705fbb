"""Engine, sessions and migrations.

SQLite (the one-PC default) runs in WAL mode with foreign keys on; a unit of
work that writes takes the write lock at its start (``BEGIN IMMEDIATE``), so
the programs of one PC sharing its file (the window, the hall display, the
command line) queue up instead of failing half-way. The file must stay on that
PC's own disk: on a network share SQLite's locks do not hold and two desks
would corrupt it, so such a path is refused (several desks share PostgreSQL). Every commit is
flushed to disk before it returns (``synchronous=FULL``): with ``NORMAL`` a
power cut can undo the last commits in WAL mode, and a receipt printed after
a commit must mean the visit is on disk. The cost is one fsync per commit, a
few milliseconds at a desk. PostgreSQL (a centre with several desks) needs
nothing special.
"""

from __future__ import annotations

import logging
import platform
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop.models.base import DESK_KEY

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_WRITE = "desk_write"
# The signed-in account a session works for (desktop.services.admin.auth.Actor, or None):
# what the session does is checked against its roles and recorded under its name.
ACTOR_KEY = "actor"


def default_desk_name() -> str:
    """This PC's name, shown to another desk whose save it made stale."""
    return platform.node()[:64] or "本机"


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Seconds to wait for a PostgreSQL server before saying it cannot be reached.
CONNECT_TIMEOUT = 5


def make_engine(url: str, **kwargs: object) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get their folder created.

    SQL parameters never appear in error messages (``hide_parameters``): they
    are names, 身份证号 and what people came about, and messages end up in
    the log and in error reports.
    """
    parsed = make_url(url)
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if path and path != ":memory:" and not parsed.query.get("uri"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
        _prepare_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if parsed.get_backend_name() == "postgresql":
        kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT})
    return create_engine(url, **kwargs)  # type: ignore[arg-type]


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date (run by ``db upgrade``, and on a start that needs it)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\b[^=]*=\s*(?:'([^']*)'|\"([^\"]*)\"|None)", re.MULTILINE)


def script_revisions() -> tuple[set[str], set[str]]:
    """Every revision of the migration scripts, and those that have a successor.

    Read from the files' text: Alembic's own answer imports env.py and every
    script (about 0.3 s); the ``revision`` / ``down_revision`` lines are all a
    start (or a check of a backup) needs.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for key, single, double in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            value = single or double
            if value:
                (revisions if key == "revision" else parents).add(value)
    return revisions, parents


def script_heads() -> set[str]:
    """The head revisions of the migration scripts."""
    revisions, parents = script_revisions()
    return revisions - parents


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in ``alembic_version`` (None for a database without one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def upgrade_if_needed(engine: Engine) -> bool:
    """Run the migrations unless the database is already at the single head (True if run)."""
    heads = script_heads()
    if len(heads) == 1 and stored_revision(engine) in heads:
        return False
    upgrade(engine)
    return True


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def insert_on_conflict(session: Session, table: Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can say ON CONFLICT (DO NOTHING / DO UPDATE), in the session's dialect.

    Both databases the app runs on have it; it is how two desks creating the
    same row at once end up sharing it instead of one of them failing.
    """
    if session.get_bind().dialect.name == "sqlite":
        return sqlite.insert(table)
    return postgresql.insert(table)


@dataclass
class Database:
    """One database: the engine and the session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]
    desk: str = field(default_factory=default_desk_name)
    # The signed-in account (an ``Actor``); None until someone signs in.
    actor: Any = None
    # What opening the database did that the user is told (the window's status bar, the
    # command line's stderr): the backup taken before an upgrade, say.
    notices: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The audit log's flush and commit hooks must be in place before the first write.
        import desktop.services.admin.audit  # noqa: F401

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, desk: str | None = None) -> Database:
        engine = make_engine(url)
        if migrate:
            upgrade_if_needed(engine)
        return cls(engine, sessionmaker(engine, expire_on_commit=False),
                   desk or default_desk_name())

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with self.sessions() as session:
            session.info[ACTOR_KEY] = self.actor
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed as a whole, or nothing at all."""
        with self.sessions() as session:
            session.info[DESK_KEY] = self.desk
            session.info[ACTOR_KEY] = self.actor
            session.connection(execution_options={_WRITE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
