"""This PC's printers (config.json), chosen in 系统设置, and the receipt printed without a dialog.

No test relies on the machine's printers: the installed list is given, and the
"printer" is Qt's PDF backend, so what came out (paper and drawn size) can be read back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop import config
from desktop.config import PrinterSettings, printer_settings, save_printer_settings
from desktop.db import Database
from desktop.views.admin import printers
from desktop.views.admin.printers import PrinterSettingsBox
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.reception.registration import RegistrationPage
from tests.factories import id_number
from tests.qt_helpers import type_text

INSTALLED = ["HP LaserJet M1136", "POS-80"]
MM = 72 / 25.4


def test_printer_settings_round_trip_in_config_json() -> None:
    assert printer_settings() == PrinterSettings()
    chosen = PrinterSettings(receipt_printer="POS-80", receipt_paper="80mm",
                             document_printer="HP LaserJet M1136", direct=True)
    save_printer_settings(chosen)
    assert printer_settings() == chosen
    data = json.loads(config.config_file().read_text(encoding="utf-8"))
    assert data["receipt_printer"] == "POS-80" and data["print_without_dialog"] is True
    save_printer_settings(PrinterSettings())
    data = json.loads(config.config_file().read_text(encoding="utf-8"))
    assert "receipt_printer" not in data and "receipt_paper" not in data
    with pytest.raises(ValueError):
        save_printer_settings(PrinterSettings(receipt_paper="a4"))


def test_a_hand_edited_config_does_not_break_printing() -> None:
    config.config_file().parent.mkdir(parents=True, exist_ok=True)
    config.config_file().write_text(json.dumps(
        {"receipt_printer": 3, "receipt_paper": "a3", "print_without_dialog": "yes"}),
        encoding="utf-8")
    assert printer_settings() == PrinterSettings()


def test_the_settings_box_lists_the_installed_printers(qtbot: QtBot) -> None:
    box = PrinterSettingsBox(printers=lambda: list(INSTALLED))
    qtbot.addWidget(box)
    listed = [box.receipt_printer.itemText(i) for i in range(box.receipt_printer.count())]
    assert listed == ["系统默认打印机", *INSTALLED]
    box.receipt_printer.setCurrentIndex(box.receipt_printer.findData("POS-80"))
    box.receipt_paper.setCurrentIndex(box.receipt_paper.findData("80mm"))
    box.document_printer.setCurrentIndex(box.document_printer.findData("HP LaserJet M1136"))
    box.direct.setChecked(True)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert printer_settings() == PrinterSettings("POS-80", "80mm", "HP LaserJet M1136", True)
    assert "已保存" in box.status.text()

    # The thermal printer was unplugged: the choice stays, marked, and is not lost on save.
    again = PrinterSettingsBox(printers=lambda: ["HP LaserJet M1136"])
    qtbot.addWidget(again)
    assert again.receipt_printer.currentText() == "POS-80（未找到）"
    assert again.receipt_paper.currentData() == "80mm" and again.direct.isChecked()
    assert again.values() == printer_settings()


def test_no_printer_installed_is_said(qtbot: QtBot) -> None:
    box = PrinterSettingsBox(printers=list)
    qtbot.addWidget(box)
    assert box.receipt_printer.count() == 1
    assert "未安装打印机" in box.status.text()


def test_the_settings_page_has_the_printer_box(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printers, "installed_printers", lambda: list(INSTALLED))
    page = SettingsPage(database=sqlite_database)
    qtbot.addWidget(page)
    assert page.findChild(PrinterSettingsBox, "settings.printer_box") is page.printer_box
    assert page.printer_box.document_printer.count() == 3


class PdfPrinters:
    """Stands in for the printers: each printer asked for writes a PDF, on A4 to start with."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str | None] = []

    def __call__(self, name: str | None) -> QPrinter:
        self.asked.append(name)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.folder / f"printed-{len(self.asked)}.pdf"))
        printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                          QPageLayout.Orientation.Portrait,
                                          QPageLayout().margins()))
        return printer

    def pages_mm(self, n: int = 1) -> list[tuple[float, float]]:
        with pdfplumber.open(self.folder / f"printed-{n}.pdf") as pdf:
            return [(float(p.width) / MM, float(p.height) / MM) for p in pdf.pages]


@pytest.fixture
def pdf_printers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PdfPrinters:
    fake = PdfPrinters(tmp_path)
    monkeypatch.setattr(printers, "installed_printers", lambda: list(INSTALLED))
    monkeypatch.setattr(printers, "new_printer", fake)
    return fake


def _register(qtbot: QtBot, database: Database, seed: int = 11) -> RegistrationPage:
    page = RegistrationPage(database=database)
    qtbot.addWidget(page)
    page.show()
    type_text(qtbot, page.name, "钱晓燕")
    type_text(qtbot, page.id_number, id_number(seed))
    type_text(qtbot, page.phone, "13912340000")
    page.category.setCurrentIndex(page.category.findText("邻里"))
    type_text(qtbot, page.summary, "楼上漏水多次协商未果")
    qtbot.mouseClick(page.findChild(QPushButton, "registration.save"),
                     Qt.MouseButton.LeftButton)
    return page


def _close(got: tuple[float, float], want: tuple[float, float]) -> bool:
    return abs(got[0] - want[0]) < 1 and abs(got[1] - want[1]) < 1


def test_saving_prints_the_receipt_at_once_on_the_receipt_printer(
    qtbot: QtBot, sqlite_database: Database, pdf_printers: PdfPrinters
) -> None:
    # The centre prints A5; this desk has a thermal roll.
    save_printer_settings(PrinterSettings(receipt_printer="POS-80", receipt_paper="80mm",
                                          document_printer="HP LaserJet M1136", direct=True))
    page = _register(qtbot, sqlite_database)
    assert page.last_registration is not None
    assert page.last_preview is None  # no preview, no dialog
    assert pdf_printers.asked == ["POS-80"]
    ((width, height),) = pdf_printers.pages_mm()
    assert abs(width - 80) < 1 and height < 297  # on the roll's width, not an A4 sheet
    assert "回执已在 POS-80 打印" in page.status.text()


def test_the_centres_a5_when_this_pc_sets_no_paper(
    qtbot: QtBot, sqlite_database: Database, pdf_printers: PdfPrinters
) -> None:
    save_printer_settings(PrinterSettings(direct=True))  # the default printer, the centre's A5
    _register(qtbot, sqlite_database)
    assert pdf_printers.asked == [None]
    assert _close(pdf_printers.pages_mm()[0], (148, 210))


def test_a_missing_receipt_printer_falls_back_to_the_preview(
    qtbot: QtBot, sqlite_database: Database, pdf_printers: PdfPrinters,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printers, "installed_printers", lambda: ["HP LaserJet M1136"])
    save_printer_settings(PrinterSettings(receipt_printer="POS-80", direct=True))
    page = _register(qtbot, sqlite_database)
    assert pdf_printers.asked == []  # never on the laser instead
    assert isinstance(page.last_preview, PdfPreviewDialog)
    assert page.last_preview.printer_name == "POS-80"
    assert "POS-80 不可用" in page.status.text()


def test_without_direct_printing_the_preview_opens_on_this_pcs_paper(
    qtbot: QtBot, sqlite_database: Database, pdf_printers: PdfPrinters
) -> None:
    save_printer_settings(PrinterSettings(receipt_printer="POS-80", receipt_paper="80mm",
                                          document_printer="HP LaserJet M1136"))
    page = _register(qtbot, sqlite_database)
    preview = page.last_preview
    assert isinstance(preview, PdfPreviewDialog)
    assert pdf_printers.asked == []
    assert preview.printer_name == "POS-80"  # the print dialog starts on the receipt printer
    qtbot.waitUntil(lambda: preview.preview.page_count() == 1)
    size = preview.preview.document.pagePointSize(0)
    assert abs(size.width() / MM - 80) < 1
    # Any other document's preview starts on the document printer.
    other = PdfPreviewDialog(pdf=preview.preview.pdf_bytes, title="t", suggested_name="t.pdf")
    qtbot.addWidget(other)
    assert other.printer_name == "HP LaserJet M1136"
