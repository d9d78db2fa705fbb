"""Save and open dialogs start in the user's Documents, then where that kind of file went last.

The installed program's shortcuts start it in its own folder (C:\\Program Files\\ZongzhiDesk,
which the user cannot write): a dialog given a bare name must not open there. Here the
working folder stands in for it, and a fake runs the dialog: it notes the folder the
dialog shows and answers as the user would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop import config
from desktop.views import dialogs
from desktop.views.pdf_preview import PdfPreviewDialog

PDF = "PDF 文件 (*.pdf)"
XLSX = "Excel 文件 (*.xlsx)"


class FakeDialog:
    """Runs a file dialog: notes where it opened and what it proposed, answers ``answer``."""

    def __init__(self) -> None:
        self.opened: list[Path] = []
        self.proposed: list[str] = []
        self.answer: Path | None = None

    def __call__(self, dialog: QFileDialog) -> Path | None:
        self.opened.append(Path(dialog.directory().absolutePath()))
        self.proposed.append(dialog.selectedFiles()[0] if dialog.selectedFiles() else "")
        return self.answer


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "Documents"
    folder.mkdir()
    monkeypatch.setattr(dialogs, "documents_folder", lambda: folder)
    program = tmp_path / "Program Files" / "ZongzhiDesk"
    program.mkdir(parents=True)
    monkeypatch.chdir(program)  # where the shortcut starts the program
    return folder


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeDialog:
    runner = FakeDialog()
    monkeypatch.setattr(dialogs, "_chosen_path", runner)
    return runner


def test_a_bare_name_opens_in_documents_not_the_program_folder(
    qtbot: QtBot, documents: Path, fake: FakeDialog
) -> None:
    assert dialogs.ask_save_path(None, "保存 PDF", "受理回执_J202612020001.pdf", PDF) is None
    assert fake.opened == [documents]
    assert fake.proposed == [str(documents / "受理回执_J202612020001.pdf")]
    assert dialogs.ask_open_path(None, "导入", XLSX) is None
    assert dialogs.ask_folder(None, "选择备份文件夹", "") is None
    assert fake.opened[1:] == [documents, documents]
    assert "last_folders" not in (json.loads(config.config_file().read_text("utf-8"))
                                  if config.config_file().exists() else {})  # cancelled


def test_the_last_folder_is_remembered_per_kind_of_file(
    qtbot: QtBot, tmp_path: Path, documents: Path, fake: FakeDialog
) -> None:
    receipts = tmp_path / "回执"
    receipts.mkdir()
    fake.answer = receipts / "a.pdf"
    assert dialogs.ask_save_path(None, "保存 PDF", "a.pdf", PDF) == receipts / "a.pdf"
    fake.answer = None
    dialogs.ask_save_path(None, "保存 PDF", "b.pdf", PDF)
    dialogs.ask_open_path(None, "添加扫描件", "PDF 文件 (*.pdf)")
    dialogs.ask_save_path(None, "导出台账", "台账.xlsx", XLSX)
    assert fake.opened[1:] == [receipts, receipts, documents]  # PDFs here, workbooks not
    assert fake.proposed[1] == str(receipts / "b.pdf")
    # Kept in the user's config.json, so the next start opens there too.
    assert config.last_folder("pdf") == receipts

    # A folder removed since (a USB stick taken out): Documents again.
    receipts.rmdir()
    dialogs.ask_save_path(None, "保存 PDF", "c.pdf", PDF)
    assert fake.opened[-1] == documents


def test_a_full_path_or_a_chosen_folder_is_kept(
    qtbot: QtBot, tmp_path: Path, documents: Path, fake: FakeDialog
) -> None:
    backups = tmp_path / "备份"
    backups.mkdir()
    dialogs.ask_folder(None, "选择备份文件夹", str(backups))
    assert fake.opened == [backups]
    fake.answer = backups
    assert dialogs.ask_folder(None, "选择备份文件夹", "") == backups
    fake.answer = None
    dialogs.ask_folder(None, "选择备份文件夹", "")
    assert fake.opened[-1] == backups


def test_the_preview_saves_into_documents(
    qtbot: QtBot, documents: Path, fake: FakeDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_print_sizes import _pdf

    monkeypatch.setattr(dialogs, "inform", lambda *a: None)
    preview = PdfPreviewDialog(pdf=_pdf((200.0, 300.0)), title="受理回执",
                               suggested_name="受理回执_J1.pdf")
    qtbot.addWidget(preview)
    fake.answer = documents / "受理回执_J1.pdf"
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert fake.opened == [documents]
    assert (documents / "受理回执_J1.pdf").read_bytes().startswith(b"%PDF")
    assert not list(Path.cwd().iterdir())  # nothing in the program's folder


def test_documents_is_the_systems_documents_folder() -> None:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = Path(found) if found and Path(found).is_dir() else Path.home()
    assert dialogs.documents_folder() == expected


def test_the_kind_comes_from_the_filter() -> None:
    assert dialogs.kind_of(PDF) == "pdf"
    assert dialogs.kind_of("扫描件 (*.pdf *.JPG *.png)") == "jpg,pdf,png"
    assert dialogs.kind_of("") == "files"
