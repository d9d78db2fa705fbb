"""Preview of a PDF inside the app (QtPdf), with print (system dialog) and save."""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop.config import printer_settings
from desktop.services import files
from desktop.services.errors import ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs
from desktop.views.widgets import named

log = logging.getLogger(__name__)


class Default:
    """The preview's printer when the caller names none: this PC's document printer."""


DEFAULT_PRINTER = Default()


def pages_to_print(printer: QPrinter, count: int) -> range:
    """The pages (0-based) the user picked in the print dialog: a range, or all."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or count, count)
        return range(first - 1, last)
    return range(count)


def _match_paper(printer: QPrinter, size_pt: QSizeF) -> None:
    """Ask for paper of the page's own size and orientation (the driver may not have it)."""
    portrait = QSizeF(min(size_pt.width(), size_pt.height()),
                      max(size_pt.width(), size_pt.height()))
    printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Point, "",
                                  QPageSize.SizeMatchPolicy.FuzzyMatch))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape
                               if size_pt.width() > size_pt.height()
                               else QPageLayout.Orientation.Portrait)


def print_pdf(document: QPdfDocument, printer: QPrinter, max_dpi: int = 300, *,
              match_paper: bool = True) -> int:
    """Print the pages of ``document`` the user picked, each at its own physical size.

    With ``match_paper`` each page asks for paper of its own size and orientation
    (an A5 回执 on A5, an 80 mm receipt on the roll), so a page is never blown up to
    fill a larger sheet; on paper that is smaller than the page (the driver had no
    match, or the paper is fixed) the page is shrunk to fit, never enlarged. Pages are
    rendered at the printer's resolution up to ``max_dpi`` (300 dpi is sharper than
    any desk laser needs; a 1200 dpi A4 bitmap would cost hundreds of megabytes).
    The number of pages printed.
    """
    wanted = pages_to_print(printer, document.pageCount())
    if not wanted:
        return 0
    printer.setFullPage(True)  # the PDF page carries its own margins
    if match_paper:
        _match_paper(printer, document.pagePointSize(wanted[0]))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("printer could not be opened")
    try:
        resolution = printer.resolution()
        dpi = min(resolution, max_dpi)
        for n, page in enumerate(wanted):
            size_pt = document.pagePointSize(page)
            if n:
                if match_paper:
                    _match_paper(printer, size_pt)
                printer.newPage()
            image = document.render(
                page, QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
            )
            paper = printer.pageLayout().fullRectPixels(resolution)
            actual = QSizeF(size_pt.width() / 72 * resolution, size_pt.height() / 72 * resolution)
            if actual.width() > paper.width() or actual.height() > paper.height():
                actual = actual.scaled(QSizeF(paper.size()), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(QPointF(0, 0), actual), image)
        return len(wanted)
    finally:
        painter.end()


class PdfPreview(QWidget):
    """A PDF shown from bytes; reusable inside pages (for live previews) and in the dialog."""

    def __init__(self, *, object_name: str = "pdf_preview", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, object_name, self.tr("PDF 预览"))
        self.document = QPdfDocument(self)
        self._buffer = QBuffer(self)
        self._bytes = b""
        self.view = named(QPdfView(self), f"{object_name}.view", self.tr("文书预览"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    @property
    def pdf_bytes(self) -> bytes:
        return self._bytes

    def set_pdf(self, data: bytes) -> None:
        self._bytes = data
        self.document.close()
        self._buffer.close()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    def page_count(self) -> int:
        return self.document.pageCount()


class PdfPreviewDialog(QDialog):
    """Shows a generated document before it is printed or saved."""

    def __init__(self, *, pdf: bytes, title: str, suggested_name: str,
                 printer_name: str | Default | None = DEFAULT_PRINTER,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The printer the print dialog starts on: this PC's document printer unless
        # the caller names one (the receipt printer); None is the system's default.
        self.printer_name = (printer_settings().document_printer
                             if isinstance(printer_name, Default) else printer_name)
        named(self, "pdf_preview_dialog", title)
        self.setWindowTitle(title)
        self.resize(720, 680)
        self.suggested_name = suggested_name
        self.preview = PdfPreview(parent=self)
        self.preview.set_pdf(pdf)
        self.print_button = named(QPushButton(self.tr("打印(&P)…")), "preview.print",
                                  self.tr("打印"))
        self.save_button = named(QPushButton(self.tr("另存为(&S)…")), "preview.save",
                                 self.tr("另存为 PDF"))
        self.close_button = named(QPushButton(self.tr("关闭")), "preview.close", self.tr("关闭"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.on_print)
        self.save_button.clicked.connect(self.on_save)
        self.close_button.clicked.connect(self.accept)
        self.print_button.setDefault(True)

    def make_print_dialog(self, printer: QPrinter) -> QPrintDialog:
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setMinMax(1, max(self.preview.document.pageCount(), 1))
        return dialog

    def on_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.printer_name:
            printer.setPrinterName(self.printer_name)
        printer.setDocName(self.suggested_name)
        dialog = self.make_print_dialog(printer)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            pages = print_pdf(self.preview.document, printer)
        except RuntimeError:
            log.exception("printing failed")
            dialogs.warn(self, self.tr("打印失败"),
                         self.tr("无法连接打印机，请检查打印机设置后重试。"))
            return
        log.info("printed %s (%d pages)", self.suggested_name, pages)

    def on_save(self) -> None:
        path = dialogs.ask_save_path(self, self.tr("保存 PDF"), self.suggested_name,
                                     self.tr("PDF 文件 (*.pdf)"))
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        while True:
            try:
                files.write_bytes(path, self.preview.pdf_bytes)
                break
            except files.FileInUseError as exc:
                if not dialogs.save_elsewhere(self, exc):
                    return
                path = exc.suggested
            except (OSError, ValidationError) as exc:
                dialogs.warn(self, self.tr("保存失败"), user_message(exc) or str(exc))
                return
        dialogs.inform(self, self.tr("已保存"), self.tr("已保存到 {0}").format(path))
