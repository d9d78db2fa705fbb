"""Printing prints each page at its own physical size (Qt's PDF printer stands in for a printer).

An A5 受理回执 is not blown up to fill A4, an 80 mm receipt is not a giant strip on the
laser, nor fed 297 mm of roll: each page asks for paper of its size, and on paper
that is smaller it is shrunk to fit, never enlarged; the pages picked are printed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from desktop.views.pdf_preview import print_pdf

ROLL = (80 * mm, 150 * mm)
MM = 72 / 25.4


def _pdf(*sizes: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for width, height in sizes:
        page.setPageSize((width, height))
        page.rect(2, 2, width - 4, height - 4)  # ink up to the edges: the whole page shows
        page.showPage()
    page.save()
    return buffer.getvalue()


class Loaded:
    def __init__(self, data: bytes) -> None:
        self.document = QPdfDocument()
        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self.buffer)
        assert self.document.status() == QPdfDocument.Status.Ready


def _printer(out: Path, paper: QSizeF | QPageSize.PageSizeId = QPageSize.PageSizeId.A4
             ) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    size = (QPageSize(paper) if isinstance(paper, QPageSize.PageSizeId)
            else QPageSize(paper, QPageSize.Unit.Millimeter))
    printer.setPageLayout(QPageLayout(size, QPageLayout.Orientation.Portrait,
                                      QMarginsF(10, 10, 10, 10)))
    return printer


def _printed(path: Path) -> list[tuple[float, float, float, float]]:
    """Per page: paper width and height, drawn width and height (mm)."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            (image,) = page.images
            found.append((float(page.width) / MM, float(page.height) / MM,
                          (image["x1"] - image["x0"]) / MM, (image["bottom"] - image["top"]) / MM))
    return found


def _close(got: tuple[float, ...], want: tuple[float, ...]) -> bool:
    return all(abs(a - b) < 1.0 for a, b in zip(got, want, strict=True))


@pytest.mark.parametrize(("size", "paper_mm"), [
    (A4, (210, 297)), (A5, (148, 210)), (ROLL, (80, 150)), (landscape(A4), (297, 210)),
])
def test_each_page_on_paper_of_its_own_size(
    qtbot: QtBot, tmp_path: Path, size: tuple[float, float], paper_mm: tuple[int, int]
) -> None:
    loaded = Loaded(_pdf(size))
    out = tmp_path / "printed.pdf"
    assert print_pdf(loaded.document, _printer(out)) == 1  # the printer starts on A4
    (page,) = _printed(out)
    assert _close(page, (*paper_mm, *paper_mm)), page


@pytest.mark.parametrize(("size", "drawn_mm"), [
    (ROLL, (80, 150)),  # the receipt at its size, not stretched down the roll
    (A5, (80, 80 * 210 / 148)),  # shrunk to the roll's width, proportions kept
])
def test_on_a_roll_that_cannot_change(
    qtbot: QtBot, tmp_path: Path, size: tuple[float, float], drawn_mm: tuple[float, float]
) -> None:
    loaded = Loaded(_pdf(size))
    out = tmp_path / "roll.pdf"
    assert print_pdf(loaded.document, _printer(out, QSizeF(80, 297)), match_paper=False) == 1
    (page,) = _printed(out)
    assert _close(page, (80, 297, *drawn_mm)), page


def test_a_small_page_on_fixed_a4_is_not_enlarged(qtbot: QtBot, tmp_path: Path) -> None:
    loaded = Loaded(_pdf(A5))
    out = tmp_path / "a4.pdf"
    assert print_pdf(loaded.document, _printer(out), match_paper=False) == 1
    (page,) = _printed(out)
    assert _close(page, (210, 297, 148, 210)), page


def test_the_pages_the_user_picked(qtbot: QtBot, tmp_path: Path) -> None:
    loaded = Loaded(_pdf(A4, A5, ROLL))
    out = tmp_path / "range.pdf"
    printer = _printer(out)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert print_pdf(loaded.document, printer) == 2
    pages = _printed(out)
    assert [_close(p, want) for p, want in zip(
        pages, [(148, 210, 148, 210), (80, 150, 80, 150)], strict=True)] == [True, True]
