"""The first start of a new version backs the database up before migrating it, and says so.

A SQLite database full of records at an earlier revision (reached by migrating a
full demo database down, as tests/test_upgrade_with_data.py does) is opened the way
every start opens it: the backup folder then holds a checked copy at the old
revision, the database is at the head, and the window and the command line say where
the backup is.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from desktop import cli
from desktop.db import Database, script_heads, stored_revision
from desktop.services.admin import backups
from desktop.services.bootstrap import open_database
from desktop.services.demo.generate import generate_demo_data
from desktop.services.errors import ValidationError
from desktop.views.app import show_start_notices
from desktop.views.main_window import MainWindow

EARLIER = "0010_privacy"  # the schema an earlier release shipped


def _downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    from desktop.db import alembic_config

    command.downgrade(alembic_config(engine), revision)


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def earlier_database(sqlite_database: Database) -> tuple[str, Path, int]:
    """The URL and file of a database with records, at revision EARLIER; and its visits."""
    generate_demo_data(sqlite_database, visits=30, seed=5)
    engine = sqlite_database.engine
    url = engine.url.render_as_string(hide_password=False)
    sqlite_database.dispose()
    _downgrade(engine, EARLIER)
    assert stored_revision(engine) == EARLIER
    engine.dispose()
    path = backups.sqlite_file(url)
    assert path is not None
    visits = _rows(path, "SELECT count(*) FROM visit")[0][0]
    assert isinstance(visits, int) and visits >= 30
    return url, path, visits


def test_an_upgrade_keeps_a_backup_of_the_earlier_database(
        earlier_database: tuple[str, Path, int], caplog: pytest.LogCaptureFixture) -> None:
    url, path, visits = earlier_database
    assert backups.list_backups() == []
    with caplog.at_level(logging.INFO, logger="desktop.services.bootstrap"):
        database = open_database(url)
    try:
        assert {stored_revision(database.engine)} == script_heads()
        [backup] = backups.list_backups()
        assert backup.kind == backups.BACKUP
        # The copy was taken before the migration: it holds the old revision and every visit.
        assert _rows(backup.path, "SELECT version_num FROM alembic_version") == [(EARLIER,)]
        assert _rows(backup.path, "SELECT count(*) FROM visit") == [(visits,)]
        assert backups.check_backup_file(backup.path) == EARLIER
        assert database.notices == [f"数据库已升级到新版本；升级前的数据库已备份：{backup.path}"]
        heads = ", ".join(sorted(script_heads()))
        assert (f"database at revision {EARLIER} backed up to {backup.path} before the upgrade"
                f" to {heads}") in caplog.messages
    finally:
        database.dispose()
    assert _rows(path, "SELECT count(*) FROM visit") == [(visits,)]
    # The next start finds the database up to date: no second backup, nothing to say.
    again = open_database(url)
    assert again.notices == [] and len(backups.list_backups()) == 1
    again.dispose()


def test_no_backup_no_upgrade(earlier_database: tuple[str, Path, int],
                              isolated_data_dir: Path) -> None:
    """A backup that cannot be written stops the start: the database stays as it was."""
    url, path, _visits = earlier_database
    isolated_data_dir.mkdir(parents=True, exist_ok=True)
    (isolated_data_dir / "backups").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是文件夹"):
        open_database(url)
    assert _rows(path, "SELECT version_num FROM alembic_version") == [(EARLIER,)]


def test_the_command_line_says_where_the_backup_is(
        earlier_database: tuple[str, Path, int], capsys: pytest.CaptureFixture[str]) -> None:
    url, _path, _visits = earlier_database
    assert cli.main(["--db", url, "db", "upgrade"]) == 0
    [backup] = backups.list_backups()
    err = capsys.readouterr().err
    assert f"升级前的数据库已备份：{backup.path}" in err


def test_a_new_database_and_one_at_the_head_are_not_backed_up(sqlite_db_url: str) -> None:
    first = open_database(sqlite_db_url)  # created
    first.dispose()
    second = open_database(sqlite_db_url)  # already at the head
    second.dispose()
    assert first.notices == second.notices == []
    assert backups.list_backups() == []


def test_the_window_says_where_the_backup_is(
        earlier_database: tuple[str, Path, int], qtbot: QtBot) -> None:
    url, _path, _visits = earlier_database
    database = open_database(url)
    try:
        window = MainWindow(database=database)
        qtbot.addWidget(window)
        show_start_notices(window, database)
        [backup] = backups.list_backups()
        assert window.statusBar().currentMessage() == (
            f"数据库已升级到新版本；升级前的数据库已备份：{backup.path}")
    finally:
        database.dispose()
