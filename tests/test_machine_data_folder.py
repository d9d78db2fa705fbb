"""A desk PC several Windows accounts sign in to shares one data folder.

The installer writes ``data-location.ini`` beside the installed program when the
accounts are to share a folder under ProgramData; the frozen program stands in for
the installed one here (``sys.frozen`` and ``sys.executable``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop import paths


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed program's folder; the test's own data folder setting is taken away."""
    program = tmp_path / "Program Files" / "ZongzhiDesk"
    program.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program / "zongzhi-desk.exe"))
    monkeypatch.delenv("DESKTOP_DATA_DIR", raising=False)
    return program


def test_the_shared_folder_the_installer_named_is_the_data_folder(
    installed: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "ProgramData" / "zongzhi-desk"
    (installed / paths.DATA_LOCATION_FILE).write_text(
        f"[data]\nfolder={shared}\n", encoding="utf-8")
    assert paths.machine_data_dir() == shared
    assert paths.data_dir() == shared and shared.is_dir()


def test_without_the_installers_word_each_account_keeps_its_own(
    installed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    own = tmp_path / "AppData" / "Local" / "zongzhi-desk"
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda *_a, **_k: str(own))
    assert paths.machine_data_dir() is None
    assert paths.data_dir() == own


@pytest.mark.parametrize("content", ["[data]\nfolder=\n", "[other]\nfolder=C:\\x\n",
                                     "not an ini file at all", "\udcff"])
def test_a_location_file_that_says_nothing_usable_is_ignored(
    installed: Path, content: str
) -> None:
    (installed / paths.DATA_LOCATION_FILE).write_bytes(
        content.encode("utf-8", errors="surrogateescape"))
    assert paths.machine_data_dir() is None


def test_the_data_folder_setting_still_comes_first(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (installed / paths.DATA_LOCATION_FILE).write_text(
        f"[data]\nfolder={tmp_path / 'shared'}\n", encoding="utf-8")
    monkeypatch.setenv("DESKTOP_DATA_DIR", str(tmp_path / "chosen"))
    assert paths.data_dir() == tmp_path / "chosen"


def test_run_from_the_source_there_is_no_installed_program(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert paths.program_dir() is None and paths.machine_data_dir() is None
