"""The parts of the window every section relies on: fonts, errors, printing, logging."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.db import Database
from desktop.logging_setup import setup_logging
from desktop.printing.receipt import render_receipt
from desktop.services import reference
from desktop.services.reception.receipts import receipt_data
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.views import errors
from desktop.views.app import register_ui_font
from desktop.views.pdf_preview import PdfPreviewDialog, print_pdf
from tests import poppler
from tests.factories import id_number


def _receipt_pdf(database: Database) -> tuple[str, bytes]:
    with database.read() as session:
        room_id = reference.rooms(session)[1].id
        category_id = reference.categories(session)[0].id
    result = register_visit(database, RegistrationInput(
        name="孙八", id_number=id_number(4), phone="13600136000", summary="咨询",
        room_id=room_id, category_id=category_id))
    with database.read() as session:
        return result.visit_no, render_receipt(receipt_data(session, result.visit_no))


def test_bundled_font_becomes_the_application_font(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = register_ui_font(app)
    assert family == "WenQuanYi Micro Hei"
    assert app.font().family() == family


def test_unexpected_exception_is_logged_and_shown_with_a_copyable_report(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_logging()
    shown: list[str] = []
    monkeypatch.setattr(errors.ErrorDialog, "exec",
                        lambda self: shown.append(self.report.toPlainText()) or 0)
    hook = errors.ExceptionHook(show_dialogs=True)
    typed = "".join(["测试用的", "意外错误"])  # data, not code: only the source line is shown
    try:
        raise ValueError(typed)
    except ValueError as exc:
        hook.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(shown))
    # Type, place and versions; the message (it may quote personal data) stays out.
    assert "builtins.ValueError" in shown[0]
    assert "test_app_shell.py" in shown[0] and "PySide6" in shown[0]
    assert "测试用的意外错误" not in shown[0]
    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = (paths.log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "builtins.ValueError" in log_text and "test_app_shell.py" in log_text
    assert "测试用的意外错误" not in log_text


def test_error_dialog_copies_its_report(qtbot: QtBot) -> None:
    dialog = errors.ErrorDialog(report="报告内容 Traceback")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "error_dialog.copy"),
                     Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "报告内容 Traceback"


def test_hook_without_dialogs_only_logs(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors.ErrorDialog, "exec", lambda self: pytest.fail("dialog shown"))
    hook = errors.ExceptionHook(show_dialogs=False)
    try:
        raise RuntimeError("只记日志")
    except RuntimeError as exc:
        hook.handle(type(exc), exc, exc.__traceback__)
    qtbot.wait(50)


def test_preview_prints_every_page_through_a_printer(
    qtbot: QtBot, sqlite_database: Database, tmp_path: Path
) -> None:
    _visit_no, pdf = _receipt_pdf(sqlite_database)
    dialog = PdfPreviewDialog(pdf=pdf, title="受理回执", suggested_name="r.pdf")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page_count() == 1)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(dialog.preview.document, printer) == 1
    assert out.stat().st_size > 1000
    # What reaches the printer is the page as an image: check it is not blank.
    assert "image" in poppler.run("pdfimages", "-list", out)


def test_print_button_goes_through_the_system_dialog(
    qtbot: QtBot, sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _visit_no, pdf = _receipt_pdf(sqlite_database)
    dialog = PdfPreviewDialog(pdf=pdf, title="受理回执", suggested_name="r.pdf")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page_count() == 1)
    out = tmp_path / "via-dialog.pdf"

    class FakePrintDialog:
        def __init__(self, printer: QPrinter) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))

        def exec(self) -> int:
            return 1  # the user pressed 打印

    monkeypatch.setattr(dialog, "make_print_dialog", FakePrintDialog)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert out.exists() and out.stat().st_size > 1000


def test_gui_entry_starts_and_logs(tmp_path: Path) -> None:
    """The real entry point opens the default database and quits cleanly.

    A new database has no account yet: the set-up wizard opens first (for the centre
    administrator), before any window shows records.
    """
    code = (
        "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import QApplication;"
        "from desktop.views.app import create_application; app = create_application();"
        "QTimer.singleShot(1500, app.quit); from desktop.cli import main; sys.exit(main([]))"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "DESKTOP_DATA_DIR": str(tmp_path / "d"),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "d" / "desk.sqlite3").exists()
    log_text = (tmp_path / "d" / "logs" / "desk.log").read_text(encoding="utf-8")
    assert "set-up wizard opened" in log_text and "window opened" not in log_text
