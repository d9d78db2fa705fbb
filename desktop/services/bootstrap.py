"""Opening the database the app works on: migrate, then seed on the first start.

The first start of a new version finds the database at an earlier revision: a SQLite
file is backed up (``backups.create_backup``, the same checked copy as the daily one)
before anything migrates it, and the start says so. A backup that fails stops the
start: the database is never migrated without one. (A PostgreSQL server is backed up
on the server, with its pg_dump schedule.)
"""

from __future__ import annotations

import logging

from desktop.config import resolve_database_url
from desktop.db import Database, make_engine, script_heads, stored_revision
from desktop.services.admin import backups
from desktop.services.connection import url_problem
from desktop.services.errors import ValidationError
from desktop.services.seed import seed_reference_data

log = logging.getLogger(__name__)


def open_database(url: str | None = None) -> Database:
    """Open (and create, migrate and seed when needed) the database of this PC."""
    choice = resolve_database_url(url)
    problem = url_problem(choice.url)
    if problem:
        raise ValidationError({"database_url": problem})
    notice = backup_before_upgrade(choice.url)
    database = Database.open(choice.url)
    if notice is not None:
        database.notices.append(notice)
    with database.write() as session:
        if seed_reference_data(session):
            log.info("seeded rooms and categories")
    log.info("database %s (%s)", database.url, choice.origin)
    return database


def backup_before_upgrade(url: str) -> str | None:
    """Back a SQLite database at an earlier revision up before it is migrated.

    Returns what to tell the user, or None when nothing was to be done (a new file, a
    database already at the head, PostgreSQL).
    """
    path = backups.sqlite_file(url)
    if path is None or not path.is_file():
        return None
    engine = make_engine(url)
    try:
        revision = stored_revision(engine)
    finally:
        engine.dispose()
    heads = script_heads()
    if revision is None or revision in heads:
        return None
    backup = backups.create_backup(url)
    log.info("database at revision %s backed up to %s before the upgrade to %s",
             revision, backup.path, ", ".join(sorted(heads)))
    return f"数据库已升级到新版本；升级前的数据库已备份：{backup.path}"
