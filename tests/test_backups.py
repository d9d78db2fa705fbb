"""Backups: taken through SQLite's backup API, checked, pruned, and given back exactly."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from desktop.config import backup_settings, save_backup_settings, sqlite_url
from desktop.db import Database
from desktop.models import Agreement
from desktop.services import mediation, notifications
from desktop.services.admin import backups
from desktop.services.bootstrap import open_database
from desktop.services.demo.generate import generate_demo_data
from desktop.services.errors import FeatureUnavailableError, ValidationError
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.conftest import set_up_centre
from tests.db_trouble import damage_leaf_pages, tiny_disk
from tests.factories import id_number

Snapshot = dict[str, list[tuple[object, ...]]]


def snapshot(path: Path) -> Snapshot:
    """Every row of every table (the schema too), in a fixed order."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        data: Snapshot = {"~schema": conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()}
        for table in tables:
            data[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
        return data
    finally:
        conn.close()


def db_file(database: Database) -> Path:
    path = backups.sqlite_file(database.engine.url.render_as_string(hide_password=False))
    assert path is not None
    return path


def url_of(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def full_database(sqlite_database: Database) -> Database:
    """A SQLite database with a record in every table (the demo data and a 司法确认)."""
    generate_demo_data(sqlite_database, visits=60, seed=11)
    with sqlite_database.read() as session:
        agreement = session.scalars(select(Agreement).where(
            Agreement.kind == "written", Agreement.effective_on.is_not(None))).first()
        assert agreement is not None
        case_id, effective = agreement.case_id, agreement.effective_on
    mediation.save_judicial_confirmation(
        sqlite_database, case_id,
        mediation.JudicialInput(court="东林区人民法院", applied_on=effective), version=None)
    # The demo leaves the newest notice unread on the leaders' desks; the admin (a leader
    # too) reads it.
    with sqlite_database.read() as session:
        unread = [n.id for n in notifications.unread(session)]
    assert unread
    notifications.mark_read(sqlite_database, unread)
    return sqlite_database


def change_everything(database: Database) -> None:
    """Writes after the backup: a new visit, and changed and deleted rows."""
    with database.read() as session:
        from desktop.services import reference

        room_id = reference.rooms(session)[1].id
        category_id = reference.categories(session)[0].id
    register_visit(database, RegistrationInput(
        name="恢复测试", id_number=id_number(4242), phone="13500135042", summary="备份之后的来访",
        room_id=room_id, category_id=category_id))
    conn = sqlite3.connect(db_file(database))
    with conn:
        conn.execute("UPDATE person SET name = name || '改' WHERE id % 3 = 0")
        conn.execute("DELETE FROM follow_up")
    conn.close()


def corrupt(path: Path) -> None:
    """Overwrite a few pages in the second half of the file with garbage."""
    page = 4096
    pages = path.stat().st_size // page
    garbage = bytes((i * 37 + 11) % 256 for i in range(page))
    with path.open("r+b") as handle:
        for number in range(pages // 2, pages, max(pages // 10, 1)):
            handle.seek(number * page)
            handle.write(garbage)


def test_every_table_has_records(full_database: Database) -> None:
    empty = [t for t, rows in snapshot(db_file(full_database)).items() if not rows]
    assert empty == []


def test_backup_then_restore_gives_back_exactly_what_was_backed_up(
    full_database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backup-disk"
    before = snapshot(db_file(full_database))
    backup = backups.create_backup(url_of(full_database), folder=folder)
    assert backup.path.parent == folder and backup.path.name.startswith("desk-")
    assert backup.path.suffix == ".sqlite3"
    assert snapshot(backup.path) == before
    # One self-contained file, no journal beside it.
    assert sorted(p.name for p in folder.iterdir()) == [backup.path.name]

    change_everything(full_database)
    changed = snapshot(db_file(full_database))
    assert changed != before

    # The window's database stays open (connections in its pool) during the restore.
    restored = backups.restore_backup(url_of(full_database), backup.path, folder=folder)
    assert snapshot(db_file(full_database)) == before
    # The database it replaced is kept, whole.
    assert restored.kept is not None and restored.kept.name.startswith("before-restore-")
    assert snapshot(restored.kept) == changed
    full_database.dispose()
    with full_database.read() as session:
        from desktop.models import Visit

        names = session.scalars(select(Visit.id)).all()
    assert len(names) == len(before["visit"])


def test_restore_replaces_a_damaged_database(full_database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    before = snapshot(db_file(full_database))
    backup = backups.create_backup(url_of(full_database), folder=folder)
    full_database.dispose()
    path = db_file(full_database)
    corrupt(path)
    assert backups.quick_check(url_of(full_database)) is not None
    restored = backups.restore_backup(url_of(full_database), backup.path, folder=folder)
    assert backups.quick_check(url_of(full_database)) is None
    assert snapshot(path) == before
    assert restored.kept is not None and restored.kept.exists()
    with closing(sqlite3.connect(backup.path)) as conn:
        (revision,), = conn.execute("SELECT version_num FROM alembic_version")
    assert (restored.source, restored.revision) == (backup.path, revision)


def test_a_file_of_garbage_is_replaced_too(sqlite_database: Database, tmp_path: Path) -> None:
    backup = backups.create_backup(url_of(sqlite_database), folder=tmp_path / "b")
    before = snapshot(backup.path)
    sqlite_database.dispose()
    path = db_file(sqlite_database)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"this is no database" * 100)
    assert backups.quick_check(url_of(sqlite_database)) == "数据库文件已损坏，无法读取"
    backups.restore_backup(url_of(sqlite_database), backup.path, folder=tmp_path / "b")
    assert snapshot(path) == before


def test_damaged_or_foreign_backups_are_refused(sqlite_database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    backup = backups.create_backup(url, folder=folder)
    generate_demo_data(sqlite_database, visits=5, seed=3)
    current = snapshot(db_file(sqlite_database))

    damaged = tmp_path / "damaged.sqlite3"
    shutil.copyfile(backup.path, damaged)
    corrupt(damaged)
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(backup.path.read_bytes()[: backup.size // 2])
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database", encoding="utf-8")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(backup.path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")

    kind = "SQLite 数据库备份文件（.sqlite3）"
    cases = {damaged: "损坏", truncated: "损坏", text: f"无法读取：不是有效的 {kind}",
             foreign: "不是本程序", newer: "更新版本",
             tmp_path / "missing.sqlite3": "找不到文件",
             tmp_path: f"{tmp_path} 是一个文件夹，请选择 {kind}"}
    for path, words in cases.items():
        with pytest.raises(ValidationError) as refused:
            backups.restore_backup(url, path, folder=folder)
        assert words in refused.value.errors["file"], path
    # Nothing was touched: the database is as it was and no copy of it was made.
    assert snapshot(db_file(sqlite_database)) == current
    assert [b.kind for b in backups.list_backups(folder)] == [backups.BACKUP]


def test_a_damaged_database_gives_no_backup(sqlite_database: Database, tmp_path: Path) -> None:
    generate_demo_data(sqlite_database, visits=200, seed=5)
    sqlite_database.dispose()
    corrupt(db_file(sqlite_database))
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url_of(sqlite_database), folder=tmp_path / "b")
    assert "数据库本身已损坏" in refused.value.errors["database"]
    assert backups.list_backups(tmp_path / "b") == []
    assert list((tmp_path / "b").iterdir()) == []  # the temporary file is gone too


def test_retention_deletes_only_old_backups(sqlite_database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    now = datetime(2026, 11, 26, 9, 0, 0)
    for days_ago in (45, 31, 29, 2):
        backups.create_backup(url, folder=folder, days=3650, now=now - timedelta(days=days_ago))
    kept_by_hand = [folder / "notes.txt", folder / "desk-old.sqlite3", folder / "other.dump"]
    for path in kept_by_hand:
        path.write_text("x", encoding="utf-8")
    newest = backups.create_backup(url, folder=folder, days=30, now=now)
    names = sorted(b.taken.date() for b in backups.list_backups(folder))
    assert names == [date(2026, 10, 28), date(2026, 11, 24), date(2026, 11, 26)]
    assert all(p.exists() for p in kept_by_hand)
    assert newest.path.exists()


def test_the_newest_backup_is_kept_however_old(sqlite_database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    old = backups.create_backup(url_of(sqlite_database), folder=folder,
                                now=datetime(2020, 1, 1, 8, 0, 0))
    assert backups.prune(folder, 30, now=datetime(2026, 1, 1)) == []
    assert old.path.exists()


def _touch(path: Path, *, modified: datetime | None = None) -> Path:
    path.write_bytes(b"")
    if modified is not None:
        os.utime(path, (modified.timestamp(), modified.timestamp()))
    return path


def test_prune_deletes_what_is_older_than_the_days_kept_and_says_which(tmp_path: Path) -> None:
    """Older than the cut-off by a second: deleted; on it: kept. The copies a restore
    kept age alike. Parts of backups cut short go a day after they were last written."""
    now = datetime(2026, 11, 26, 9, 0, 0)  # 30 days: the cut-off is 27 October, 09:00:00
    newest = _touch(tmp_path / "desk-20261126-090000.sqlite3")
    on_cutoff = _touch(tmp_path / "desk-20261027-090000.sqlite3")
    older = _touch(tmp_path / "desk-20261027-085959.sqlite3")
    kept_copy = _touch(tmp_path / "before-restore-20261001-120000.sqlite3")
    stale_part = _touch(tmp_path / ".~desk-20261020-090000.sqlite3.part",
                        modified=now - timedelta(days=1, seconds=1))
    fresh_part = _touch(tmp_path / ".~desk-20261126-085900.sqlite3.part",
                        modified=now - timedelta(hours=23))
    not_ours = _touch(tmp_path / ".~notes.part", modified=now - timedelta(days=9))
    folder_part = tmp_path / ".~desk-folder.part"
    folder_part.mkdir()
    os.utime(folder_part, ((now - timedelta(days=9)).timestamp(),) * 2)
    assert backups.prune(tmp_path, 30, now=now) == [older, kept_copy]
    assert newest.exists() and on_cutoff.exists()
    assert not older.exists() and not kept_copy.exists()
    assert not stale_part.exists()
    assert fresh_part.exists() and not_ours.exists() and folder_part.is_dir()


def test_a_folder_holding_only_copies_kept_by_restores_is_pruned_too(tmp_path: Path) -> None:
    """The newest ordinary backup is never deleted; copies a restore kept are no such
    backup, so none of them is spared for being the newest."""
    copies = [_touch(tmp_path / f"before-restore-2026100{n}-120000.sqlite3") for n in (2, 1)]
    assert backups.prune(tmp_path, 30, now=datetime(2026, 11, 26)) == copies
    assert list(tmp_path.iterdir()) == []


def test_a_backup_that_cannot_be_deleted_does_not_stop_pruning_the_older_ones(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """One old backup nobody may delete (``chattr +i``, which holds for root too): the
    others older than the cut-off still go, and the log says one could not."""
    now = datetime(2026, 11, 26, 9, 0, 0)
    _touch(tmp_path / "desk-20261126-090000.sqlite3")
    stuck = _touch(tmp_path / "desk-20261001-090000.sqlite3")
    older = _touch(tmp_path / "desk-20260901-090000.sqlite3")
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(stuck)], capture_output=True,
                                        check=False).returncode != 0:
        pytest.skip("this file system cannot make a file immutable (chattr +i)")
    try:
        with caplog.at_level(logging.WARNING, logger="desktop.services.admin.backups"):
            assert backups.prune(tmp_path, 30, now=now) == [older]
    finally:
        subprocess.run([chattr, "-i", str(stuck)], check=True)
    assert stuck.exists() and not older.exists()
    assert "could not delete an old backup (errno 1)" in caplog.messages


def test_a_backup_reports_its_progress_page_by_page(full_database: Database,
                                                   tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    backups.create_backup(url_of(full_database), folder=tmp_path,
                          progress=lambda done, total: seen.append((done, total)))
    pages = db_file(full_database).stat().st_size // 4096
    assert seen and seen[-1] == (seen[-1][1], seen[-1][1])  # it ends with all of it done
    assert {total for _done, total in seen} == {seen[-1][1]}
    assert seen[-1][1] >= pages * 0.9
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_a_backup_is_restored_on_a_pc_whose_data_folder_is_not_made_yet(
        sqlite_database: Database, tmp_path: Path) -> None:
    """Moving to a new PC: the backup given back before the program ever started there."""
    backup = backups.create_backup(url_of(sqlite_database), folder=tmp_path / "b")
    target = tmp_path / "new-pc" / "data" / "desk.sqlite3"
    restored = backups.restore_backup(sqlite_url(target), backup.path, folder=tmp_path / "b")
    assert restored.kept is None  # nothing was there to keep
    assert snapshot(target) == snapshot(backup.path)
    if os.name == "posix":
        assert target.parent.stat().st_mode & 0o077 == 0  # private, like every data folder


def test_backups_in_one_second_are_numbered_from_two(sqlite_database: Database,
                                                    tmp_path: Path) -> None:
    now = datetime(2026, 11, 26, 9, 0, 0)
    names = [backups.create_backup(url_of(sqlite_database), folder=tmp_path, now=now).path.name
             for _ in range(4)]
    assert names == ["desk-20261126-090000.sqlite3", "desk-20261126-090000-2.sqlite3",
                     "desk-20261126-090000-3.sqlite3", "desk-20261126-090000-4.sqlite3"]


def test_two_backups_in_one_second_both_kept(sqlite_database: Database, tmp_path: Path) -> None:
    now = datetime(2026, 11, 26, 9, 0, 0)
    first = backups.create_backup(url_of(sqlite_database), folder=tmp_path, now=now)
    second = backups.create_backup(url_of(sqlite_database), folder=tmp_path, now=now)
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_daily_backup_is_due_once_a_day(sqlite_database: Database) -> None:
    url = url_of(sqlite_database)
    assert backups.backup_due()
    assert backups.changed_since_last_backup(url)
    backup = backups.create_backup(url)
    assert backup.path.parent == backup_settings().folder
    assert not backups.backup_due()
    assert backups.backup_due(today=date.today() + timedelta(days=1))
    assert not backups.changed_since_last_backup(url)
    generate_demo_data(sqlite_database, visits=3, seed=1)
    os.utime(db_file(sqlite_database), (backup.path.stat().st_mtime + 5,) * 2)
    assert backups.changed_since_last_backup(url)


def test_backup_settings_are_checked(tmp_path: Path) -> None:
    assert backup_settings().days == 30
    assert backup_settings().folder.name == "backups"
    save_backup_settings(tmp_path / "share", 90)
    assert backup_settings().folder == tmp_path / "share" and backup_settings().days == 90
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        backups.prepare_folder(a_file)
    assert "不是文件夹" in refused.value.errors["backup_folder"]
    with pytest.raises(ValidationError):
        backups.prepare_folder("  ")
    for days in (0, -1, 3651, True, "30"):
        with pytest.raises(ValidationError):
            backups.check_days(days)


def test_last_good_backup_skips_a_damaged_one(sqlite_database: Database) -> None:
    url = url_of(sqlite_database)
    good = backups.create_backup(url, now=datetime(2026, 11, 1, 8, 0, 0))
    bad = backups.create_backup(url, now=datetime(2026, 11, 2, 8, 0, 0))
    bad.path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    found = backups.last_good_backup()
    assert found is not None and found.path == good.path
    message = backups.damaged_message("数据库文件已损坏", found)
    assert "2026-11-01 08:00:00" in message and "backup restore" in message
    assert str(good.path) in message


def test_postgres_backup_runs_pg_dump(postgres_url: str, tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    database = set_up_centre(open_database(postgres_url))
    now = datetime(2026, 12, 2, 10, 30, 15, 123456)
    try:
        with caplog.at_level(logging.INFO, logger="desktop.services.admin.backups"):
            backup = backups.create_backup(postgres_url, folder=tmp_path / "b", now=now)
    finally:
        database.dispose()
    assert backup.path.suffix == ".dump" and backup.path.read_bytes().startswith(b"PGDMP")
    assert (backup.taken, backup.kind, backup.size) == (
        datetime(2026, 12, 2, 10, 30, 15), backups.BACKUP, backup.path.stat().st_size)
    assert f"pg_dump written: {backup.path.name}" in caplog.messages
    assert [b.path for b in backups.list_backups(tmp_path / "b")] == [backup.path]
    with pytest.raises(FeatureUnavailableError, match="pg_restore"):
        backups.restore_backup(postgres_url, backup.path)


def test_postgres_without_pg_dump_says_how(postgres_url: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FeatureUnavailableError) as refused:
        backups.create_backup(postgres_url, folder=tmp_path / "b")
    assert "pg_dump" in str(refused.value) and "服务器" in str(refused.value)


def test_a_restore_on_postgresql_says_in_full_how_to_do_it_on_the_server(tmp_path: Path) -> None:
    """Refused before anything is read: the address is never connected to."""
    with pytest.raises(FeatureUnavailableError) as refused:
        backups.restore_backup("postgresql+psycopg://desk@127.0.0.1:1/zongzhi",
                               tmp_path / "不存在.dump")
    assert str(refused.value) == (
        "PostgreSQL 数据库请在服务器上用 pg_restore 恢复，例如："
        "pg_restore --clean --if-exists --dbname=zongzhi 备份文件.dump")


@pytest.mark.parametrize(("url", "file"), [
    ("sqlite:///C:/综治中心/zongzhi.sqlite3", Path("C:/综治中心/zongzhi.sqlite3")),
    ("sqlite:////var/lib/zongzhi/desk.sqlite3", Path("/var/lib/zongzhi/desk.sqlite3")),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("sqlite:///file:desk?mode=memory&uri=true", None),
    ("postgresql+psycopg://desk@127.0.0.1:5432/zongzhi", None),
    ("不是地址", None),
])
def test_only_a_sqlite_address_naming_a_file_has_a_file_to_back_up(
        url: str, file: Path | None) -> None:
    """Memory, a URI the driver opens itself, PostgreSQL and nonsense have none."""
    assert backups.sqlite_file(url) == file


# -- every refusal, with its field and its words ----------------------------------------------

@pytest.mark.parametrize("days", [0, -1, 3651, True, "30", 30.0, None])
def test_days_kept_outside_one_to_3650_are_refused(days: object) -> None:
    with pytest.raises(ValidationError) as refused:
        backups.check_days(days)
    assert refused.value.errors == {"backup_days": "保留天数应在 1 到 3650 之间"}


def test_days_kept_from_one_to_3650_are_taken() -> None:
    assert [backups.check_days(days) for days in (1, 30, 3650)] == [1, 30, 3650]


def test_days_kept_beyond_3650_refuse_the_backup_before_it_is_written(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """A setting out of range (config.json edited by hand) is said, and no backup is left
    behind that the message says was not made."""
    folder = tmp_path / "b"
    save_backup_settings(folder, 3651)
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url_of(sqlite_database))
    assert refused.value.errors == {"backup_days": "保留天数应在 1 到 3650 之间"}
    assert not folder.exists()
    save_backup_settings(folder, 3650)
    assert backups.create_backup(url_of(sqlite_database)).path.parent == folder


@pytest.mark.parametrize("folder", ["", "   ", "\t"])
def test_an_empty_backup_folder_is_refused(folder: str) -> None:
    with pytest.raises(ValidationError) as refused:
        backups.prepare_folder(folder)
    assert refused.value.errors == {"backup_folder": "请选择备份文件夹"}


def test_a_backup_folder_inside_a_file_cannot_be_used(sqlite_database: Database,
                                                      tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    inside = a_file / "backups"
    before = snapshot(db_file(sqlite_database))
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url_of(sqlite_database), folder=inside)
    assert refused.value.errors == {
        "backup_folder": f"无法使用备份文件夹：路径中有一部分不是文件夹：{inside}"}
    assert a_file.read_text(encoding="utf-8") == "x"
    assert snapshot(db_file(sqlite_database)) == before
    # A folder that is missing is made (private), not refused.
    made = backups.prepare_folder(tmp_path / "new" / "backups")
    assert made.is_dir() and (made.stat().st_mode & 0o777) == 0o700


@pytest.fixture
def immutable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write into, root included (``chattr +i``): the tests run as
    root, for whom a folder's mode bits refuse nothing."""
    folder = tmp_path / "locked"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True,
                                        check=False).returncode != 0:
        pytest.skip("this file system cannot make a folder immutable (chattr +i)")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_backup_folder_that_cannot_be_written_is_refused(
    sqlite_database: Database, immutable_folder: Path
) -> None:
    assert not os.access(immutable_folder, os.W_OK)
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url_of(sqlite_database), folder=immutable_folder)
    assert refused.value.errors == {"backup_folder": f"备份文件夹不能写入：{immutable_folder}"}
    assert list(immutable_folder.iterdir()) == []


def test_a_backup_folder_that_cannot_be_read_is_said(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        backups.list_backups(a_file)
    assert refused.value.errors == {
        "backup_folder": f"无法读取备份文件夹：路径中有一部分不是文件夹：{a_file}"}
    assert backups.list_backups(tmp_path / "not-yet") == []  # missing: none yet, no refusal


def _restore_refused(database: Database, folder: Path, path: Path) -> dict[str, str]:
    """The errors of restoring ``path``; the database and the backup folder stay as they were."""
    before = snapshot(db_file(database))
    kept = [b.path for b in backups.list_backups(folder)]
    with pytest.raises(ValidationError) as refused:
        backups.restore_backup(url_of(database), path, folder=folder)
    assert snapshot(db_file(database)) == before
    assert [b.path for b in backups.list_backups(folder)] == kept
    return refused.value.errors


def test_a_backup_that_fails_its_integrity_check_is_refused(sqlite_database: Database,
                                                           tmp_path: Path) -> None:
    """Readable page by page, but an index no longer matches its table."""
    folder = tmp_path / "b"
    backup = backups.create_backup(url_of(sqlite_database), folder=folder)
    broken = tmp_path / "broken.sqlite3"
    shutil.copyfile(backup.path, broken)
    conn = sqlite3.connect(broken)
    try:
        conn.execute("CREATE TABLE t (a, b)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, -i) for i in range(50)])
        conn.execute("CREATE INDEX t_a ON t (a)")
        conn.commit()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX t_a ON t (b)' "
                     "WHERE name = 't_a'")
        conn.commit()
    finally:
        conn.close()
    assert _restore_refused(sqlite_database, folder, broken) == {
        "file": f"备份文件已损坏（完整性检查未通过）：{broken}"}


def test_a_backup_sqlite_cannot_read_is_refused(sqlite_database: Database,
                                                tmp_path: Path) -> None:
    folder = tmp_path / "b"
    backups.create_backup(url_of(sqlite_database), folder=folder)
    unreadable = tmp_path / "unreadable.sqlite3"
    unreadable.write_bytes(b"SQLite format 3\x00" + b"\x01" * 8000)
    assert _restore_refused(sqlite_database, folder, unreadable) == {
        "file": f"备份文件已损坏，无法读取：{unreadable}"}


@pytest.mark.parametrize("versions", [[], ["0001_a", "0002_b"]])
def test_a_backup_without_exactly_one_revision_is_not_ours(
    sqlite_database: Database, tmp_path: Path, versions: list[str]
) -> None:
    folder = tmp_path / "b"
    backup = backups.create_backup(url_of(sqlite_database), folder=folder)
    assert backups.check_backup_file(backup.path)  # one revision: ours
    odd = tmp_path / "odd.sqlite3"
    shutil.copyfile(backup.path, odd)
    with sqlite3.connect(odd) as conn:
        conn.execute("DELETE FROM alembic_version")
        conn.executemany("INSERT INTO alembic_version VALUES (?)", [(v,) for v in versions])
    conn.close()
    assert _restore_refused(sqlite_database, folder, odd) == {
        "file": f"不是本程序的数据库备份：{odd}"}


def test_a_backup_of_a_newer_version_is_refused(sqlite_database: Database,
                                                tmp_path: Path) -> None:
    folder = tmp_path / "b"
    backup = backups.create_backup(url_of(sqlite_database), folder=folder)
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(backup.path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.close()
    assert _restore_refused(sqlite_database, folder, newer) == {
        "file": "该备份由更新版本的程序创建（数据库版本 9999_future），请先升级本程序再恢复"}


def test_a_missing_database_file_gives_no_backup(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite3"
    folder = tmp_path / "b"
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(sqlite_url(missing), folder=folder)
    assert refused.value.errors == {"database": f"数据库文件不存在：{missing}"}
    assert list(folder.iterdir()) == [] and not missing.exists()


def test_a_database_sqlite_cannot_copy_gives_no_backup(sqlite_database: Database,
                                                       tmp_path: Path) -> None:
    """Not even its first page reads as SQLite: the copy stops at once."""
    sqlite_database.dispose()
    path = db_file(sqlite_database)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"this is no database" * 100)
    folder = tmp_path / "b"
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url_of(sqlite_database), folder=folder)
    assert refused.value.errors == {
        "database": "数据库本身已损坏，备份未保存。数据库文件已损坏，无法读取"}
    assert list(folder.iterdir()) == []  # no backup, and its temporary file is gone
    assert path.read_bytes() == b"this is no database" * 100


def test_a_database_file_that_cannot_be_replaced_is_said(sqlite_database: Database,
                                                         tmp_path: Path) -> None:
    """A damaged database is replaced whole; when its file cannot be (here: a folder holds the
    name of the copy that would replace it), the damaged file stays as it was."""
    folder = tmp_path / "b"
    backup = backups.create_backup(url_of(sqlite_database), folder=folder)
    sqlite_database.dispose()
    path = db_file(sqlite_database)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    damaged = b"this is no database" * 100
    path.write_bytes(damaged)
    (path.parent / f".~{path.name}.restore.part").mkdir()
    with pytest.raises(ValidationError) as refused:
        backups.restore_backup(url_of(sqlite_database), backup.path, folder=folder)
    assert refused.value.errors == {
        "database": "无法替换数据库文件（可能有其他程序窗口正在使用，请先关闭所有窗口）："
                    f"这是一个文件夹，不是文件：{path}"}
    assert path.read_bytes() == damaged
    kept = [b for b in backups.list_backups(folder) if b.kind == backups.BEFORE_RESTORE]
    assert len(kept) == 1 and kept[0].path.read_bytes() == damaged


def test_a_failed_pg_dump_gives_no_backup(postgres_url: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    parsed = make_url(postgres_url)
    gone = parsed.set(database=f"{parsed.database}_gone").render_as_string(hide_password=False)
    folder = tmp_path / "b"
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(gone, folder=folder)
    message = refused.value.errors["database"]
    assert list(refused.value.errors) == ["database"]
    assert message.startswith("pg_dump 备份失败：")
    assert f'database "{parsed.database}_gone" does not exist' in message
    assert list(folder.iterdir()) == []


def test_a_dump_pg_restore_cannot_read_is_not_kept(postgres_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The pg_dump found first on PATH writes something that is no dump (a broken
    install, a full disk): pg_restore cannot list it, so it is not kept."""
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        pytest.skip("pg_restore is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pg_dump"
    script.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --file=*) '
                      'printf "PGDMP no dump" > "${a#--file=}";; esac; done\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{Path(pg_restore).parent}")
    folder = tmp_path / "b"
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(postgres_url, folder=folder)
    message = refused.value.errors["database"]
    assert list(refused.value.errors) == ["database"]
    assert message.startswith("pg_dump 生成的备份无法读取：pg_restore: ")
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="the stand-in pg_dump is a shell script")
@pytest.mark.parametrize(("url", "address", "password", "passfile"), [
    ("postgresql+psycopg://desk:s3cret-pw@127.0.0.1:5432/centre?passfile=/srv/pgpass"
     "&sslmode=disable", "postgresql://desk@127.0.0.1:5432/centre?sslmode=disable",
     "s3cret-pw", "/srv/pgpass"),
    ("postgresql+psycopg://desk@127.0.0.1/centre", "postgresql://desk@127.0.0.1/centre", "", ""),
], ids=["password-and-passfile", "neither"])
def test_pg_dump_gets_the_password_by_its_environment_never_on_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, address: str, password: str,
    passfile: str,
) -> None:
    """The command line of a process is visible to every user of the PC; libpq reads
    PGPASSWORD and PGPASSFILE from pg_dump's own environment."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "seen.txt"
    script = bin_dir / "pg_dump"
    script.write_text(
        f'#!/bin/sh\n{{ printf "%s\\n" "$@"; echo "PGPASSWORD=$PGPASSWORD"; '
        f'echo "PGPASSFILE=$PGPASSFILE"; }} > "{seen}"\n'
        'echo "pg_dump: error: stand-in" >&2\nexit 1\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGPASSFILE", raising=False)
    folder = tmp_path / "b"
    with pytest.raises(ValidationError) as refused:
        backups.create_backup(url, folder=folder)
    assert refused.value.errors == {"database": "pg_dump 备份失败：pg_dump: error: stand-in"}
    *arguments, given_password, given_passfile = seen.read_text(encoding="utf-8").splitlines()
    assert arguments[0] == "--format=custom" and "--no-password" in arguments
    assert arguments[-1] == f"--dbname={address}"
    assert not any("s3cret" in argument for argument in arguments)
    assert (given_password, given_passfile) == (f"PGPASSWORD={password}",
                                                f"PGPASSFILE={passfile}")
    assert list(folder.iterdir()) == []



def _stand_in_pg_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pg_dump"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.mark.skipif(os.name == "nt", reason="the stand-in pg_dump is a shell script")
@pytest.mark.parametrize(("body", "reason"), [
    ("exit 1", "未知原因"),
    ("printf '\\n  \\n' >&2; exit 1", "未知原因"),
    (f"echo 'pg_dump: error: {'长' * 400}' >&2; echo '  ' >&2; exit 1",
     f"pg_dump: error: {'长' * 284}"),  # 300 characters
], ids=["silent", "blank-lines", "long-line"])
def test_a_failed_pg_dump_says_its_last_words_or_that_it_gave_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, reason: str,
) -> None:
    _stand_in_pg_dump(tmp_path, monkeypatch, body)
    with pytest.raises(ValidationError) as refused:
        backups.create_backup("postgresql+psycopg://desk@127.0.0.1/centre", folder=tmp_path / "b")
    assert refused.value.errors == {"database": "pg_dump 备份失败：" + reason}
    assert list((tmp_path / "b").iterdir()) == []


@pytest.mark.skipif(os.name == "nt", reason="the stand-in pg_dump is a shell script")
def test_a_pg_dump_that_never_ends_is_stopped_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stand_in_pg_dump(tmp_path, monkeypatch,
                      'for a in "$@"; do case "$a" in --file=*) : > "${a#--file=}";; esac; done\n'
                      "exec /bin/sleep 30")
    monkeypatch.setattr(backups, "PG_DUMP_TIMEOUT_S", 0.5)
    with pytest.raises(ValidationError) as refused:
        backups.create_backup("postgresql+psycopg://desk@127.0.0.1/centre", folder=tmp_path / "b")
    assert refused.value.errors == {"database": "pg_dump 备份超时（超过 1 小时）"}
    assert list((tmp_path / "b").iterdir()) == []


# -- the start's check, and what the damaged database's message says --------------------------

def _table_of_rows(path: Path, rows: int = 20_000) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        conn.executemany("INSERT INTO t (b) VALUES (?)", ((f"第{i}条记录",) for i in range(rows)))
    conn.close()
    return path


def test_a_database_not_yet_made_is_not_checked_and_not_made(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    assert backups.quick_check(sqlite_url(folder / "new.sqlite3")) is None
    assert list(folder.iterdir()) == []


def test_a_database_that_cannot_be_opened_is_not_called_damaged(tmp_path: Path) -> None:
    """Out of reach (here a folder holds its name): the start says why it cannot be opened,
    not that the file is damaged."""
    path = tmp_path / "desk.sqlite3"
    path.mkdir()
    assert backups.quick_check(sqlite_url(path)) is None
    assert backups.quick_check(sqlite_url(path), lambda: False) is None


def test_a_database_another_desk_keeps_locked_is_in_use_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x)")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        assert backups.quick_check(sqlite_url(path), busy_timeout=0.2) is None
        assert backups.quick_check(sqlite_url(path), lambda: False, busy_timeout=0.2) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert backups.quick_check(sqlite_url(path), busy_timeout=0.2) is None


def test_damage_the_check_finds_is_said_and_its_count_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _table_of_rows(tmp_path / "desk.sqlite3")
    url = sqlite_url(path)
    assert backups.quick_check(url) is None
    damage_leaf_pages(path, "t", 2)
    with caplog.at_level(logging.INFO, logger="desktop.services.admin.backups"):
        assert backups.quick_check(url) == "数据库文件已损坏（完整性检查未通过）"
        # The start's check in the background, not stopped.
        assert backups.quick_check(url, lambda: False) == "数据库文件已损坏（完整性检查未通过）"
    # The log (for whoever looks into it) says how much is wrong.
    assert [m for m in caplog.messages if "quick_check" in m] == [
        "quick_check found 1 problems"] * 2


def test_a_check_that_is_stopped_ends_at_once(tmp_path: Path) -> None:
    """The window closes while the start's check runs: the check is cut short, not finished."""
    path = _table_of_rows(tmp_path / "slow.sqlite3", 3000)
    # A check constraint that takes a while per row (the check runs it): the whole check
    # lasts seconds, as on a large database.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE t (a INTEGER PRIMARY KEY, "
                     "b TEXT CHECK (length(printf(''%.*c'', 300000, b)) > 0))' WHERE name = 't'")
    conn.close()
    url = sqlite_url(path)
    started = time.monotonic()
    assert backups.quick_check(url, lambda: time.monotonic() - started > 0.2) is None
    stopped_after = time.monotonic() - started
    started = time.monotonic()
    assert backups.quick_check(url, lambda: False) is None
    whole = time.monotonic() - started
    assert whole > 1.5, whole  # the test's file is slow enough to tell the two apart
    assert stopped_after < whole / 2, (stopped_after, whole)


def test_a_damaged_database_s_message_names_the_last_good_backup_and_the_way_back(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """As the start and the command line say it (neither has a 恢复 button)."""
    folder = tmp_path / "b"
    backup = backups.create_backup(url_of(sqlite_database), folder=folder,
                                   now=datetime(2026, 11, 30, 17, 45, 9))
    found = backups.last_good_backup(folder)
    assert found is not None and found.path == backup.path
    hint = (f"最近一次完好的备份是 2026-11-30 17:45:09 的 {backup.path.name}。"
            f"在命令行运行：python -m desktop backup restore \"{backup.path}\" "
            "（也可在“系统设置 → 备份”中选择该备份后点击“恢复…”）。"
            "恢复前会把当前数据库另存一份；备份之后录入的内容需要重新录入。")
    assert backups.restore_hint(found, button=False) == hint
    # The problem's own full stop is not doubled.
    for problem in ("数据库文件已损坏（完整性检查未通过）", "数据库文件已损坏，无法读取。"):
        assert backups.damaged_message(problem, found, button=False) == (
            f"{problem.rstrip('。')}。{hint}")
    assert backups.damaged_message("数据库文件已损坏", None, button=False) == (
        "数据库文件已损坏。备份文件夹中没有可用的备份。"
        "请不要继续使用该数据库，联系管理员用其他备份恢复。")


def test_the_copy_a_restore_kept_is_not_offered_as_the_last_good_backup(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """The copy kept is the database the restore replaced, not a backup to go back to."""
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    backup = backups.create_backup(url, folder=folder, now=datetime(2026, 11, 30, 17, 0, 0))
    restored = backups.restore_backup(url, backup.path, folder=folder,
                                      now=datetime(2026, 12, 1, 9, 0, 0))
    assert restored.kept is not None and backups.check_backup_file(restored.kept)
    found = backups.last_good_backup(folder)
    assert found is not None and found.path == backup.path
    assert backups.last_good_backup(tmp_path / "none-yet") is None


def test_the_daily_backup_is_due_by_the_backups_of_its_own_folder(
    sqlite_database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    assert backups.backup_due(folder)
    backups.create_backup(url_of(sqlite_database), folder=folder)
    assert not backups.backup_due(folder)
    assert backups.backup_due()  # the default folder has none yet
    # A folder that cannot be read: the backup is tried (and says what is wrong).
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    assert backups.backup_due(a_file / "backups")


def _mtime(path: Path, seconds: float) -> None:
    os.utime(path, (seconds, seconds))


def test_what_was_written_since_the_last_backup_is_told_by_the_file_and_its_wal(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """The exit backup is taken only when the file (or its -wal, where writes go first) was
    written after the newest backup."""
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    path = db_file(sqlite_database)
    wal = path.with_name(path.name + "-wal")
    assert backups.changed_since_last_backup(url, folder)  # no backup yet
    backup = backups.create_backup(url, folder=folder)
    taken = int(backup.path.stat().st_mtime)  # whole seconds, exact in both files
    _mtime(backup.path, taken)
    for written in (path, wal):
        _mtime(written, taken - 1)
    assert not backups.changed_since_last_backup(url, folder)
    assert backups.changed_since_last_backup(url)  # the default folder has none

    # Written into the -wal only (not yet checkpointed into the file).
    generate_demo_data(sqlite_database, visits=2, seed=4)
    assert wal.exists()
    _mtime(path, taken - 60)
    _mtime(wal, taken + 5)
    assert backups.changed_since_last_backup(url, folder)
    # Written in the same instant as the backup (a file system counting whole seconds):
    # the backup came after the write.
    _mtime(wal, taken)
    assert not backups.changed_since_last_backup(url, folder)

    # The database closed: no -wal beside it any more.
    sqlite_database.dispose()
    assert not wal.exists()
    _mtime(path, taken - 60)
    assert not backups.changed_since_last_backup(url, folder)
    _mtime(path, taken + 5)
    assert backups.changed_since_last_backup(url, folder)

    # A backup folder that cannot be read: the backup is tried (and says what is wrong).
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    assert backups.changed_since_last_backup(url, a_file / "backups")
    # A PostgreSQL server is backed up on the server, never at a desk's exit.
    assert not backups.changed_since_last_backup("postgresql+psycopg://desk@127.0.0.1/centre",
                                                 folder)


def test_a_restore_reaches_the_connections_already_open(sqlite_database: Database,
                                                        tmp_path: Path) -> None:
    """Another window of the program keeps its connection through the restore: it reads the
    restored data at once, and what it writes next goes into the restored database (not
    into a file the restore put aside)."""
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    path = db_file(sqlite_database)
    backup = backups.create_backup(url, folder=folder)
    generate_demo_data(sqlite_database, visits=3, seed=8)
    window = sqlite3.connect(path)
    try:
        assert window.execute("SELECT count(*) FROM visit").fetchone() == (3,)
        backups.restore_backup(url, backup.path, folder=folder)
        assert window.execute("SELECT count(*) FROM visit").fetchone() == (0,)
        assert snapshot(path) == snapshot(backup.path)
        with window:
            window.execute("UPDATE staff SET phone = '13800138042'")
    finally:
        window.close()
    sqlite_database.dispose()
    with closing(sqlite3.connect(path)) as reader:
        assert {row[0] for row in reader.execute("SELECT phone FROM staff")} == {"13800138042"}


def test_a_damaged_database_s_leftover_wal_is_not_applied_to_the_restored_file(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """The program stopped mid-work (its writes still in the -wal), and then the file was
    found damaged: the file given back is the backup's, none of the old -wal's pages in it."""
    folder = tmp_path / "b"
    url = url_of(sqlite_database)
    backup = backups.create_backup(url, folder=folder)
    sqlite_database.dispose()
    path = db_file(sqlite_database)
    wal = path.with_name(path.name + "-wal")
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        with conn:
            conn.execute("UPDATE staff SET name = name || '（旧）'")
            conn.execute("CREATE TABLE scratch (x)")
        leftover = wal.read_bytes()
    finally:
        conn.close()
    assert leftover
    path.write_bytes(b"this is no database" * 100)
    wal.write_bytes(leftover)
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    restored = backups.restore_backup(url, backup.path, folder=folder)
    assert snapshot(path) == snapshot(backup.path)
    assert backups.quick_check(url) is None
    # The damaged file is kept byte for byte, its -wal beside it, for whoever looks later.
    assert restored.kept is not None
    assert restored.kept.read_bytes() == b"this is no database" * 100
    assert restored.kept.with_name(restored.kept.name + "-wal").read_bytes() == leftover


def test_a_backup_disk_that_fills_up_is_not_taken_for_a_damaged_database(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """The copy stops on the full disk: that is said (磁盘已满), not that the database is damaged,
    and nothing of the copy is left on the disk."""
    from desktop.services.failures import user_message

    with tiny_disk(tmp_path / "usb", "64k") as folder:
        assert db_file(sqlite_database).stat().st_size > 64 * 1024
        with pytest.raises(sqlite3.OperationalError) as refused:
            backups.create_backup(url_of(sqlite_database), folder=folder)
        assert refused.value.sqlite_errorname == "SQLITE_FULL"
        assert "磁盘已满" in (user_message(refused.value) or "")
        assert list(folder.iterdir()) == []
    assert backups.quick_check(url_of(sqlite_database)) is None


def test_a_new_backup_is_described_as_the_listing_describes_it(sqlite_database: Database,
                                                               tmp_path: Path) -> None:
    """The window shows the backup just made from what ``create_backup`` returns: its time
    to the second, its kind and its size, as the folder's listing gives them later."""
    now = datetime(2026, 11, 26, 9, 0, 5, 678901)
    made = backups.create_backup(url_of(sqlite_database), folder=tmp_path, now=now)
    assert (made.taken, made.kind, made.kind_text) == (now.replace(microsecond=0),
                                                      backups.BACKUP, "备份")
    assert made.size == made.path.stat().st_size
    assert backups.list_backups(tmp_path) == [made]


def test_the_days_given_to_one_backup_prune_by_them_not_by_the_setting(
        sqlite_database: Database, tmp_path: Path) -> None:
    """``backup create --days 2`` keeps two days, whatever this PC's setting says."""
    save_backup_settings(None, 30)
    now = datetime(2026, 11, 26, 9, 0, 0)
    url = url_of(sqlite_database)
    old = backups.create_backup(url, folder=tmp_path, days=3650, now=now - timedelta(days=5))
    new = backups.create_backup(url, folder=tmp_path, days=2, now=now)
    assert not old.path.exists()
    assert backups.list_backups(tmp_path) == [new]


def test_backups_are_listed_by_the_time_in_their_names_not_by_when_they_were_written(
        tmp_path: Path) -> None:
    """A backup copied back into the folder has a new file time but keeps its place; two in
    the same second (a backup, then the copy a restore keeps) list the later written
    first, and two written in the same instant by their names."""
    start = datetime(2026, 11, 26, 9, 0, 0)
    copied_back = _touch(tmp_path / "desk-20261101-090000.sqlite3", modified=start)
    older_file = _touch(tmp_path / "desk-20261125-090000.sqlite3",
                        modified=start - timedelta(days=1))
    backup = _touch(tmp_path / "desk-20261126-090000.sqlite3",
                    modified=start - timedelta(seconds=1))
    kept = _touch(tmp_path / "before-restore-20261126-090000.sqlite3", modified=start)
    first = _touch(tmp_path / "desk-20261126-093000.sqlite3", modified=start)
    second = _touch(tmp_path / "desk-20261126-093000-2.sqlite3", modified=start)
    listed = [b.path for b in backups.list_backups(tmp_path)]
    assert listed == [second, first, kept, backup, older_file, copied_back]


def test_names_with_impossible_dates_are_passed_over_and_the_rest_listed(
        tmp_path: Path) -> None:
    """A name that looks like a backup's but holds no real date (copied in by hand) is not
    a backup; it never hides the backups listed after it, whatever order the folder gives."""
    impossible = [f"desk-2026{month:02d}{day:02d}-090000.sqlite3"
                  for month, day in ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31),
                                     (13, 1), (0, 10), (12, 0), (12, 32))]
    for name in impossible:
        _touch(tmp_path / name)
    good = [_touch(tmp_path / f"desk-202611{day:02d}-090000.sqlite3") for day in range(20, 30)]
    assert [b.path for b in backups.list_backups(tmp_path)] == good[::-1]
    assert len(list(tmp_path.iterdir())) == 20


def test_a_backup_sqlite_cannot_write_into_the_live_file_replaces_it_whole(
        sqlite_database: Database, tmp_path: Path) -> None:
    """SQLite's backup API cannot write into a database in WAL mode with another page size
    (a backup from a PC whose SQLite uses larger pages): the file is replaced instead, and
    the backup's data is back all the same."""
    made = backups.create_backup(url_of(sqlite_database), folder=tmp_path / "b")
    other = tmp_path / "desk-from-another-pc.sqlite3"
    shutil.copyfile(made.path, other)
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA page_size=8192")
        conn.execute("VACUUM")
        (page_size,), = conn.execute("PRAGMA page_size")
    assert page_size == 8192
    change_everything(sqlite_database)
    expected = snapshot(other)
    assert snapshot(db_file(sqlite_database)) != expected
    assert backups.quick_check(url_of(sqlite_database)) is None  # healthy: written into
    with closing(sqlite3.connect(db_file(sqlite_database))) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        with pytest.raises(sqlite3.OperationalError), \
                closing(sqlite3.connect(other)) as source:
            source.backup(conn)
    restored = backups.restore_backup(url_of(sqlite_database), other, folder=tmp_path / "b")
    assert restored.source == other
    sqlite_database.dispose()
    assert snapshot(db_file(sqlite_database)) == expected
