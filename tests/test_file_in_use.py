"""Saving over a file another program holds open (Excel, WPS, a PDF reader on Windows).

Windows refuses to replace such a file (PermissionError, WinError 5 or 32); here a
replace that raises it stands in for Windows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.cli import main
from desktop.db import Database
from desktop.exports.registers import export_register
from desktop.services import files
from desktop.services.registers.rows import Period
from desktop.views import dialogs
from desktop.views.main_window import MainWindow
from desktop.views.registers.reports_page import ReportsPage
from tests.qt_helpers import show_active
from tests.reception_helpers import register

PERIOD = Period(date(2026, 11, 1), date(2026, 12, 31))


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[Path]]:
    """Files "open in another program": replacing them raises PermissionError."""
    held_files: set[Path] = set()
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst).resolve() in held_files:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    yield held_files


def _open_elsewhere(held: set[Path], path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 the workbook the clerk has open")
    held.add(path.resolve())
    return path


def test_the_service_says_the_file_is_open_and_leaves_it_alone(
    database: Database, tmp_path: Path, held: set[Path]
) -> None:
    register(database, 1)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = _open_elsewhere(held, folder / "来访登记台账.xlsx")
    before = out.read_bytes()
    (folder / "来访登记台账 (2).xlsx").write_bytes(b"an earlier copy")
    with pytest.raises(files.FileInUseError) as refused:
        export_register(database, "visits", PERIOD, out)
    assert refused.value.target == out
    assert refused.value.suggested == folder / "来访登记台账 (3).xlsx"
    message = refused.value.errors["out"]
    assert "正被其他程序打开" in message and "WinError" not in message
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [
        "来访登记台账 (2).xlsx", "来访登记台账.xlsx"]  # no temporary file left behind


def test_a_new_file_refused_by_the_system_is_not_said_to_be_open_elsewhere(
    tmp_path: Path, held: set[Path]
) -> None:
    """No file is there to be held: the refusal is the system's own, passed on, and no
    temporary file is left behind."""
    out = tmp_path / "新台账.xlsx"
    held.add(out.resolve())
    with pytest.raises(PermissionError):
        files.write_bytes(out, b"PK\x03\x04")
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_says_so_without_a_traceback(
    database: Database, tmp_path: Path, held: set[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    register(database, 1)
    out = _open_elsewhere(held, tmp_path / "v.xlsx")
    code = main(["--db", database.url, "export", "visits", "--from", "2026-11-01",
                 "--to", "2026-12-31", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "正被其他程序打开" in err and "Traceback" not in err


@pytest.fixture
def page(qtbot: QtBot, sqlite_database: Database) -> Iterator[ReportsPage]:
    register(sqlite_database, 1)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    shown = window.show_section("台账统计")
    assert isinstance(shown, ReportsPage)
    yield shown
    window.close()


def test_the_page_offers_another_name_and_saves_there(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path, held: set[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _open_elsewhere(held, tmp_path / "台账.xlsx")
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    monkeypatch.setattr(dialogs, "warn", lambda *a: pytest.fail(f"warning shown: {a}"))
    qtbot.mouseClick(page.exports.export_visits_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.exports.export_status.text().startswith("已导出"), timeout=60_000)
    saved = tmp_path / "台账 (2).xlsx"
    assert "台账 (2).xlsx" in asked[0] and "正被其他程序打开" in asked[0]
    assert str(saved) in page.exports.export_status.text()
    assert openpyxl.load_workbook(saved).active.max_row > 3


def test_a_declined_offer_says_why_in_words(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path, held: set[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _open_elsewhere(held, tmp_path / "台账.xlsx")
    warned: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warned.append(text))
    qtbot.mouseClick(page.exports.export_visits_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未导出" in page.exports.export_status.text(), timeout=60_000)
    assert "正被其他程序打开" in warned[0] and "Errno" not in warned[0]
    assert not (tmp_path / "台账 (2).xlsx").exists()


def test_the_import_template_too(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path, held: set[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = _open_elsewhere(held, tmp_path / "模板.xlsx")
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    qtbot.mouseClick(page.imports.template_button, Qt.MouseButton.LeftButton)
    assert page.imports.import_status.text() == f"已导出模板：{tmp_path / '模板 (2).xlsx'}"
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    held.add((tmp_path / "模板 (2).xlsx").resolve())
    qtbot.mouseClick(page.imports.template_button, Qt.MouseButton.LeftButton)
    assert page.imports.import_status.text() == "模板未导出：文件正被其他程序打开。"
