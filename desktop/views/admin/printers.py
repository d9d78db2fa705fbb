"""This PC's printers: the 系统设置 box that picks them, and printing a PDF on one.

The choice lives in ``config.json`` (:class:`desktop.config.PrinterSettings`): a desk
with an 80 mm thermal printer prints its 受理回执 there on the roll, a desk with only an
A4 laser prints them on A5; with 直接打印 on, saving a registration prints the receipt
at once, without the system's print dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from desktop.config import PrinterSettings, printer_settings, save_printer_settings
from desktop.services.admin.settings import PAPER_SIZES
from desktop.views.pdf_preview import print_pdf
from desktop.views.widgets import named

# The names of the printers installed on this PC (tests give their own list).
PrinterList = Callable[[], list[str]]


def installed_printers() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


def new_printer(name: str | None) -> QPrinter:
    """A printer for ``name`` (``None``: the system's default printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if name:
        printer.setPrinterName(name)
    return printer


def print_bytes(pdf: bytes, printer: QPrinter, *, doc_name: str = "") -> int:
    """Print every page of ``pdf`` at its own size on ``printer``; the pages printed.

    Raises RuntimeError when the printer cannot be opened.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    try:
        if document.status() != QPdfDocument.Status.Ready:
            raise RuntimeError("the document could not be read")
        if doc_name:
            printer.setDocName(doc_name)
        return print_pdf(document, printer)
    finally:
        document.close()
        buffer.close()


def check_installed(name: str | None, printers: PrinterList | None = None) -> None:
    """RuntimeError when the chosen printer is gone (or no printer is installed at all).

    Qt would fall back to the default printer: a receipt meant for the roll must not
    come out on the A4 laser.
    """
    names = (printers or installed_printers)()
    if name and name not in names:
        raise RuntimeError(f"printer {name!r} not installed")
    if not name and not names:
        raise RuntimeError("no printer installed")


DEFAULT = ""  # the combo boxes' entry for the system's default printer


class PrinterSettingsBox(QGroupBox):
    """系统设置 → 本机打印机: receipt printer and paper, document printer, 直接打印."""

    def __init__(self, *, printers: PrinterList | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printers = printers or installed_printers
        self.setTitle(self.tr("本机打印机（仅本台电脑）"))
        self.setObjectName("settings.printer_box")
        self._add_widgets()
        self._connect_signals()
        self.load()

    def _add_widgets(self) -> None:
        self.receipt_printer = named(QComboBox(), "settings.receipt_printer",
                                     self.tr("回执打印机"))
        self.receipt_paper = named(QComboBox(), "settings.local_receipt_paper",
                                   self.tr("本机回执纸张"))
        self.receipt_paper.addItem(self.tr("按中心设置"), None)
        for code, text in PAPER_SIZES.items():
            self.receipt_paper.addItem(text, code)
        self.document_printer = named(QComboBox(), "settings.document_printer",
                                      self.tr("文书打印机"))
        self.direct = named(QCheckBox(self.tr("保存登记后直接在回执打印机上打印受理回执"
                                              "（不弹出打印对话框）")),
                            "settings.print_without_dialog", self.tr("直接打印回执"))
        self.refresh_button = named(QPushButton(self.tr("刷新打印机列表")),
                                    "settings.refresh_printers", self.tr("刷新打印机列表"))
        self.save_button = named(QPushButton(self.tr("保存打印设置")),
                                 "settings.save_printers", self.tr("保存打印设置"))
        self.status = named(QLabel(), "settings.printer_status", self.tr("打印设置结果"))
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("回执打印机"), self.receipt_printer)
        form.addRow(self.tr("回执纸张"), self.receipt_paper)
        form.addRow(self.tr("文书打印机"), self.document_printer)
        form.addRow("", self.direct)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.status)

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.load)
        self.save_button.clicked.connect(self.on_save)

    def _fill(self, combo: QComboBox, names: list[str], chosen: str | None) -> None:
        combo.clear()
        combo.addItem(self.tr("系统默认打印机"), DEFAULT)
        for name in names:
            combo.addItem(name, name)
        if chosen and chosen not in names:  # unplugged or renamed: kept, and said so
            combo.addItem(self.tr("{0}（未找到）").format(chosen), chosen)
        combo.setCurrentIndex(max(combo.findData(chosen or DEFAULT), 0))

    def load(self) -> None:
        current = printer_settings()
        names = self.printers()
        self._fill(self.receipt_printer, names, current.receipt_printer)
        self._fill(self.document_printer, names, current.document_printer)
        self.receipt_paper.setCurrentIndex(max(self.receipt_paper.findData(current.receipt_paper),
                                               0))
        self.direct.setChecked(current.direct)
        self.status.setText(self.tr("本机未安装打印机。") if not names else "")

    def values(self) -> PrinterSettings:
        return PrinterSettings(
            receipt_printer=self.receipt_printer.currentData() or None,
            receipt_paper=self.receipt_paper.currentData() or None,
            document_printer=self.document_printer.currentData() or None,
            direct=self.direct.isChecked(),
        )

    def on_save(self) -> None:
        save_printer_settings(self.values())
        self.status.setText(self.tr("打印设置已保存（仅本机）。"))
