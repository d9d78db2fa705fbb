"""What the program writes is readable by the user alone; the database password is not in
config.json."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text
from sqlalchemy.engine import make_url

from desktop import APP_NAME, config, paths
from desktop.cli import main
from desktop.db import Database
from desktop.services.bootstrap import open_database
from tests.conftest import add_test_admin_to

posix_only = pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX only")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_in(folder: Path) -> list[Path]:
    return [folder, *folder.rglob("*")]


@pytest.fixture
def restore_umask() -> Iterator[None]:
    """A test that calls main() in-process gets the umask it had back (main restores it too)."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    assert os.umask(before) == before


@posix_only
def test_the_command_line_writes_private_files(
    isolated_data_dir: Path, tmp_path: Path, restore_umask: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    os.umask(0o022)
    assert main(["demo-data", "--visits", "5"]) == 0
    # The demo made accounts: the export signs in (as the test account).
    add_test_admin_to(config.sqlite_url(isolated_data_dir / "desk.sqlite3"))
    assert main(["backup", "create"]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", "visits", "--from", "2020-01-01", "--to", "2030-12-31",
                 "--out", str(out / "visits.xlsx")]) == 0
    assert os.umask(0o022) == 0o022  # main() put the umask back
    names = {p.relative_to(isolated_data_dir).as_posix() for p in everything_in(isolated_data_dir)}
    assert {"desk.sqlite3", "logs/cli.log", "backups"} <= names
    for path in everything_in(isolated_data_dir):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert mode(out / "visits.xlsx") == 0o600


@posix_only
def test_an_open_data_folder_is_closed_at_start(
    isolated_data_dir: Path, restore_umask: None, capsys: pytest.CaptureFixture[str],
) -> None:
    os.umask(0o022)
    (isolated_data_dir / "logs").mkdir(parents=True)
    (isolated_data_dir / "backups").mkdir()
    old_files = [isolated_data_dir / "config.json", isolated_data_dir / "registration_draft.json",
                 isolated_data_dir / "logs" / "desk.log.1",
                 isolated_data_dir / "backups" / "desk-20261101-080000.sqlite3"]
    for path in old_files:
        path.write_text("{}", encoding="utf-8")
    for path in everything_in(isolated_data_dir):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    assert main(["db", "upgrade"]) == 0
    for path in everything_in(isolated_data_dir):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


@posix_only
def test_a_new_data_folder_and_backup_folder_are_private(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(tmp_path / "new" / "data"))
    assert mode(paths.data_dir()) == 0o700
    assert mode(paths.log_dir()) == 0o700
    from desktop.services.admin.backups import prepare_folder

    assert mode(prepare_folder(tmp_path / "share" / "desk")) == 0o700


@posix_only
def test_backups_in_a_folder_the_admin_set_up_are_private(sqlite_database: Database,
                                                          tmp_path: Path) -> None:
    from desktop.services.admin.backups import create_backup

    share = tmp_path / "share"
    share.mkdir()
    os.chmod(share, 0o755)
    backup = create_backup(sqlite_database.engine.url.render_as_string(hide_password=False),
                           folder=share)
    assert mode(share) == 0o755  # the admin's folder keeps its permissions
    assert mode(backup.path) == 0o600


# -- the PostgreSQL password ------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """A credential store in memory, standing in for Windows Credential Manager."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


SECRET = "Zx9-secret:pw"
PG_URL = f"postgresql+psycopg://desk:{SECRET}@db.centre.example:5432/zongzhi"


def config_text() -> str:
    return config.config_file().read_text(encoding="utf-8")


def test_password_goes_to_the_credential_store(memory_keyring: MemoryKeyring) -> None:
    config.save_database_url(PG_URL)
    assert SECRET not in config_text()
    saved = json.loads(config_text())
    assert saved["database_url"] == "postgresql+psycopg://desk@db.centre.example:5432/zongzhi"
    assert saved["password_in"] == "keyring"
    assert memory_keyring.store == {(APP_NAME, "desk@db.centre.example:5432/zongzhi"): SECRET}
    assert not config.pgpass_file().exists()
    choice = config.resolve_database_url()
    assert choice.origin == "config" and make_url(choice.url).password == SECRET
    assert config.configured_database_url() == saved["database_url"]
    # Saved again without the password (the settings page shows none): the password stays.
    config.save_database_url(saved["database_url"])
    assert make_url(config.resolve_database_url().url).password == SECRET


@pytest.mark.skipif(os.name != "posix", reason="the pgpass fallback is for Linux")
def test_without_a_credential_store_the_password_goes_to_a_private_pgpass_file() -> None:
    config.save_database_url(PG_URL)
    assert SECRET not in config_text()
    assert json.loads(config_text())["password_in"] == "pgpass"
    pgpass = config.pgpass_file()
    assert mode(pgpass) == 0o600
    assert pgpass.read_text(encoding="utf-8") == \
        "db.centre.example:5432:zongzhi:desk:Zx9-secret\\:pw\n"
    url = make_url(config.resolve_database_url().url)
    assert url.password is None and url.query["passfile"] == str(pgpass)
    # A second save of the same login replaces its line, another login adds one.
    config.save_database_url(PG_URL.replace(SECRET, "new"))
    config.save_database_url("postgresql+psycopg://other:pw2@127.0.0.1/zongzhi")
    assert pgpass.read_text(encoding="utf-8").splitlines() == [
        "db.centre.example:5432:zongzhi:desk:new", "127.0.0.1:*:zongzhi:other:pw2"]


def test_a_config_with_the_password_in_clear_is_moved_at_start(
    memory_keyring: MemoryKeyring,
) -> None:
    config.config_file().write_text(json.dumps({"database_url": PG_URL}), encoding="utf-8")
    choice = config.resolve_database_url()
    assert make_url(choice.url).password == SECRET
    assert SECRET not in config_text()
    assert list(memory_keyring.store.values()) == [SECRET]


def test_the_pgpass_file_logs_in_to_postgres(postgres_url: str) -> None:
    """psycopg takes the ``passfile`` parameter the resolved address carries."""
    config.save_database_url(postgres_url.replace("postgres@", "postgres:unused@"))
    assert "unused" not in config_text()
    resolved = config.resolve_database_url().url
    assert "passfile=" in resolved
    database: Database = open_database(resolved)
    try:
        with database.read() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
    finally:
        database.dispose()
