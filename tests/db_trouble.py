"""Making a real database misbehave for a while: read-only, full, or its server gone; or a
SQLite file damaged inside.

No mocks: SQLite connections get ``PRAGMA query_only`` (what a read-only file
gives: SQLITE_READONLY); a SQLite file on a small tmpfs of its own gets its disk
filled up (SQLITE_FULL); a PostgreSQL database stops accepting connections and
its sessions are terminated, as when the server is restarted or goes away, or
is made read-only as a standby is.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from desktop.db import Database
from tests.conftest import PG_ENV


@contextmanager
def _on_every_connection(database: Database, setup: Callable[[Any], None]) -> Iterator[None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        setup(dbapi_connection)

    event.listen(database.engine, "connect", on_connect)
    database.engine.dispose()
    try:
        yield
    finally:
        event.remove(database.engine, "connect", on_connect)
        database.engine.dispose()


def sqlite_read_only(database: Database) -> Any:
    """While active, every write fails as on a read-only file."""
    return _on_every_connection(database, lambda c: c.execute("PRAGMA query_only = 1"))


@contextmanager
def tiny_disk(folder: Path, size: str = "8m") -> Iterator[Path]:
    """A small file system of its own (tmpfs) at ``folder``; skips where none can be mounted."""
    folder.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a small tmpfs can only be mounted as root on Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"a small tmpfs cannot be mounted here: {mounted.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@contextmanager
def disk_full(database: Database) -> Iterator[None]:
    """While active, the disk of a SQLite file (on :func:`tiny_disk`) has no byte left."""
    folder = Path(database.engine.url.database or "").parent
    database.engine.dispose()
    with database.engine.connect() as conn:  # the next write must grow the WAL file
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.engine.dispose()
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    try:
        yield
    finally:
        filler.unlink()


@contextmanager
def _as_admin(database: Database, begin: list[str], end: list[str]) -> Iterator[None]:
    """Run ``begin`` on the server for the database, then ``end`` however the test went.

    ``{name}`` in a statement is the database's name; the pool starts afresh both times.
    """
    name = database.engine.url.database
    admin = create_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")

    def run(statements: list[str]) -> None:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement.format(name=name)))
        database.engine.dispose()

    try:
        run(begin)
        yield
    finally:
        run(end)
        admin.dispose()


def postgres_away(database: Database) -> Any:
    """While active, the database refuses connections and its open sessions are cut."""
    return _as_admin(database, [
        'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    ], ['ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'])


def postgres_read_only(database: Database) -> Any:
    """While active, new sessions of the database may only read (as on a standby)."""
    return _as_admin(database,
                     ['ALTER DATABASE "{name}" SET default_transaction_read_only = on'],
                     ['ALTER DATABASE "{name}" RESET default_transaction_read_only'])


def damage_leaf_pages(path: Path, table: str, count: int) -> None:
    """Garbage over the cell pointers of ``count`` leaf pages of ``table`` (headers intact)."""
    with sqlite3.connect(path) as conn:
        size, pages = conn.execute(
            "SELECT max(pgsize), group_concat(pageno) FROM dbstat "
            "WHERE name = ? AND pagetype = 'leaf'", (table,)).fetchone()
    conn.close()
    numbers = [int(n) for n in pages.split(",")]
    with path.open("r+b") as handle:
        for number in numbers[:count]:  # the check walks the tree last page first
            handle.seek((number - 1) * size + 8)
            handle.write(bytes((i * 37 + 11) % 256 for i in range(size - 8)))
