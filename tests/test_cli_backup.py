"""``python -m desktop backup create|list|restore``: Chinese messages, exit 2, no traceback."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import sqlite_url
from desktop.services.admin import backups
from tests.conftest import add_test_admin_to
from tests.test_backups import corrupt


@pytest.fixture(autouse=True)
def keep_umask() -> Iterator[None]:
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def visits(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM visit").fetchone()[0])


def test_create_list_restore(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             isolated_data_dir: Path) -> None:
    database = isolated_data_dir / "desk.sqlite3"
    assert run(capsys, "demo-data", "--visits", "20")[0] == 0
    # The demo made accounts: from now on the command line signs in (as the test account).
    add_test_admin_to(sqlite_url(database))
    code, out, _err = run(capsys, "backup", "create")
    assert code == 0 and "已备份" in out and "完整性检查" in out
    backup = backups.list_backups()[0]
    assert run(capsys, "demo-data", "--visits", "7", "--seed", "2")[0] == 0
    assert visits(database) == 27

    code, out, _err = run(capsys, "backup", "list")
    assert code == 0 and str(backup.path) in out and "共 1 个" in out

    code, out, _err = run(capsys, "backup", "restore", str(backup.path))
    assert code == 0 and "已恢复备份" in out and "恢复前的数据库已另存为" in out
    assert visits(database) == 20
    kept = [b for b in backups.list_backups() if b.kind == backups.BEFORE_RESTORE]
    assert len(kept) == 1 and visits(kept[0].path) == 27
    code, out, _err = run(capsys, "backup", "list")
    assert "恢复前的数据库" in out


def test_an_empty_folder_is_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _err = run(capsys, "backup", "list", "--folder", str(tmp_path / "none"))
    assert code == 0 and "还没有备份" in out


def test_what_the_user_can_fix_is_exit_2(capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path, isolated_data_dir: Path) -> None:
    assert run(capsys, "db", "upgrade")[0] == 0
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x01" * 8000)
    for args, words in [
        (["backup", "restore", str(damaged)], "损坏"),
        (["backup", "restore", str(tmp_path / "missing.sqlite3")], "找不到文件"),
        (["backup", "create", "--folder", str(isolated_data_dir / "desk.sqlite3")], "不是文件夹"),
        (["--db", sqlite_url(tmp_path / "none.sqlite3"), "backup", "create"], "数据库文件不存在"),
    ]:
        code, _out, err = run(capsys, *args)
        assert code == 2, args
        assert err.startswith("错误：") and words in err, (args, err)


def test_a_damaged_database_names_the_last_good_backup(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    assert run(capsys, "demo-data", "--visits", "200")[0] == 0
    assert run(capsys, "backup", "create")[0] == 0
    backup = backups.list_backups()[0]
    database = isolated_data_dir / "desk.sqlite3"
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    database.write_bytes(b"garbage" * 1000)
    code, _out, err = run(capsys, "db", "upgrade")
    assert code == 2
    assert "损坏" in err and f'backup restore "{backup.path}"' in err
    assert run(capsys, "backup", "restore", str(backup.path))[0] == 0
    assert visits(database) == 200


def test_postgres_without_pg_dump(capsys: pytest.CaptureFixture[str], postgres_url: str,
                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _out, err = run(capsys, "--db", postgres_url, "backup", "create")
    assert code == 2 and "pg_dump" in err and "服务器" in err
    code, _out, err = run(capsys, "--db", postgres_url, "backup", "restore", str(tmp_path))
    assert code == 2 and "pg_restore" in err


def test_damage_found_in_a_page_is_refused_by_create(
    capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    assert run(capsys, "demo-data", "--visits", "200")[0] == 0
    database = isolated_data_dir / "desk.sqlite3"
    with sqlite3.connect(database) as conn:  # everything into the file, none left in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    corrupt(database)
    code, _out, err = run(capsys, "backup", "create")
    assert code == 2 and "数据库本身已损坏" in err
