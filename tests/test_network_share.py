"""A SQLite file on a network share is refused: its locks do not hold there."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import paths
from desktop.cli import main
from desktop.config import sqlite_url
from desktop.services.bootstrap import open_database
from desktop.services.connection import NETWORK_SHARE, database_url_error, url_problem
from desktop.services.errors import ValidationError

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
//nas/share /mnt/centre cifs rw,vers=3.0 0 0
nas:/export /srv/nfs nfs4 rw 0 0
/dev/sdb1 /mnt/centre/local ext4 rw 0 0
/dev/sdc1 /media/my\\040disk ext4 rw 0 0
"""


@pytest.mark.parametrize(("path", "remote"), [
    ("/mnt/centre/desk.sqlite3", True),
    ("/srv/nfs/a/b/desk.sqlite3", True),
    ("/mnt/centre/local/desk.sqlite3", False),  # a local disk mounted inside the share
    ("/mnt/centrex/desk.sqlite3", False),  # a neighbour of the share, not inside it
    ("/media/my disk/desk.sqlite3", False),
    ("/home/desk/desk.sqlite3", False),
])
def test_network_mounts_are_recognised(path: str, remote: bool) -> None:
    assert paths.on_network_share(path, windows=False, mounts=MOUNTS) is remote


@pytest.mark.parametrize(("path", "remote"), [
    (r"\\nas\zongzhi\desk.sqlite3", True),
    ("//nas/zongzhi/desk.sqlite3", True),
    (r"Z:\zongzhi\desk.sqlite3", True),  # mapped network drive
    (r"C:\Users\desk\AppData\Local\zongzhi-desk\desk.sqlite3", False),
    ("relative.sqlite3", False),
])
def test_windows_unc_paths_and_mapped_drives(path: str, remote: bool) -> None:
    def drive_type(root: str) -> int:
        return paths.DRIVE_REMOTE if root == "Z:\\" else 3  # 3: a fixed disk

    assert paths.on_network_share(path, windows=True, drive_type=drive_type) is remote


def _on_share(monkeypatch: pytest.MonkeyPatch, share: Path) -> None:
    real = paths.on_network_share

    def fake(path: Path | str, **_kw: object) -> bool:
        return Path(path).resolve().is_relative_to(share.resolve()) or real(path)

    monkeypatch.setattr(paths, "on_network_share", fake)


def test_a_database_on_a_share_is_refused_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    _on_share(monkeypatch, share)
    url = sqlite_url(share / "desk.sqlite3")
    # In 系统设置 (the address checked before it is saved) ...
    assert url_problem(url) == NETWORK_SHARE
    assert database_url_error(url) == NETWORK_SHARE
    # ... with --db ...
    with pytest.raises(ValidationError) as refused:
        open_database(url)
    assert refused.value.errors == {"database_url": NETWORK_SHARE}
    assert main(["--db", url, "demo-data", "--visits", "1"]) == 2
    assert NETWORK_SHARE in capsys.readouterr().err
    # ... and with the data folder moved there.
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(share / "data"))
    with pytest.raises(ValidationError):
        open_database()
    assert not (share / "desk.sqlite3").exists()
    assert url_problem(sqlite_url(tmp_path / "local.sqlite3")) is None
