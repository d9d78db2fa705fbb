"""Scanned papers, printed alone or in the case file (卷宗): an image fitted inside the
margins under its caption, a PDF's own pages in place, and a file that cannot be read
replaced by a notice that says so (and logged), never a print that fails or a blank page.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import date, datetime

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.db import Database
from desktop.printing import casefile, legal
from desktop.printing.legal import Para, Styles
from desktop.services import mediation
from desktop.services.mediation.forms import AttachmentData, CaseDetail
from tests import mediation_helpers as h
from tests.poppler import text_of
from tests.test_paper_letters_rules import pdf_info

CAPTION = "身份证明：身份证复印件"
ITEM = AttachmentData(id=41, kind="身份证明", title="身份证复印件", filename="身份证复印件.png",
                      mime="image/png", size=0, added_at=datetime(2026, 11, 18, 9, 0))
PDF_ITEM = AttachmentData(id=42, kind="证据材料", title="转账凭证", filename="转账凭证.pdf",
                          mime="application/pdf", size=0, added_at=datetime(2026, 11, 19, 9, 0))
NOT_AN_IMAGE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOT_A_PDF = b"%PDF-1.7\n" + b"\x00" * 64


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "lightgray").save(out, "PNG")
    return out.getvalue()


def _blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _placed_images(pdf: bytes) -> list[list[tuple[float, float, float, float]]]:
    """Each page's images as drawn: (x, y, width, height) in points."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[float, float, float, float]] = []

        def visit(operator: bytes, _args: object, cm: list[float], _tm: object,
                  found: list[tuple[float, float, float, float]] = found) -> None:
            if operator == b"Do":
                found.append((cm[4], cm[5], cm[0], cm[3]))

        page.extract_text(visitor_operand_before=visit)
        pages.append(found)
    return pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _ours(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the case file logged (pypdf logs its own findings too)."""
    return [r.getMessage() for r in caplog.records if r.name == casefile.__name__]


# Where the image of a scan may go: under its caption and a 2 mm gap, inside the margins.
CAPTION_TOP = legal.PAGE[1] - legal.TOP
CAPTION_HEIGHT = Para(CAPTION, Styles().heading).wrap(legal.WIDTH, legal.FRAME_HEIGHT)[1]
ROOM = legal.FRAME_HEIGHT - legal.text_height([Para(CAPTION, Styles().heading)]) - 2 * mm


def test_a_wide_scan_fills_the_width_under_its_caption() -> None:
    pdf = casefile.attachment_pdf(ITEM, _png(900, 600))
    ((x, y, width, height),), = _placed_images(pdf)
    assert (x, width) == pytest.approx((legal.LEFT, legal.WIDTH), abs=0.01)
    assert height == pytest.approx(legal.WIDTH * 600 / 900, abs=0.01)
    assert y + height == pytest.approx(CAPTION_TOP - CAPTION_HEIGHT - 2 * mm, abs=0.01)
    text = text_of(pdf)
    assert CAPTION in text and "无法读取" not in text
    assert pdf_info(pdf)["Title"] == CAPTION
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height == pytest.approx(legal.PAGE[1])


def test_a_tall_scan_fills_the_room_left_under_its_caption_centred() -> None:
    pdf = casefile.attachment_pdf(ITEM, _png(600, 3000))
    ((x, y, width, height),), = _placed_images(pdf)
    assert height == pytest.approx(ROOM, abs=0.01)
    assert width == pytest.approx(ROOM * 600 / 3000, abs=0.01)
    assert x == pytest.approx(legal.LEFT + (legal.WIDTH - width) / 2, abs=0.01)
    assert y + height == pytest.approx(CAPTION_TOP - CAPTION_HEIGHT - 2 * mm, abs=0.01)
    assert y >= legal.BOTTOM


def test_an_image_that_cannot_be_read_prints_a_notice_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=casefile.__name__):
        pdf = casefile.attachment_pdf(ITEM, NOT_AN_IMAGE)
    assert _placed_images(pdf) == [[]]
    assert pdf_info(pdf)["Title"] == CAPTION
    assert _flat(text_of(pdf)) == _flat(CAPTION + "该图片文件无法读取，请查看原件。第1页共1页")
    (record,) = [r for r in caplog.records if r.name == casefile.__name__]
    assert (record.levelno, record.getMessage()) == (
        logging.WARNING, "attachment 41 is not a readable image")
    assert record.exc_info and record.exc_info[0] is not None


def test_a_pdf_that_cannot_be_read_prints_a_notice_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger=casefile.__name__):
        pdf = casefile.attachment_pdf(PDF_ITEM, NOT_A_PDF)
    assert pdf_info(pdf)["Title"] == "证据材料：转账凭证"
    assert _flat(text_of(pdf)) == _flat(
        "证据材料：转账凭证该 PDF 文件无法读取，请查看原件。第1页共1页")
    assert _ours(caplog) == ["attachment 42 is not a readable PDF"]


def _case_with_scans(database: Database) -> tuple[CaseDetail, dict[int, bytes]]:
    """A case whose attachments are a 3-page PDF, an image and a PDF and an image whose
    stored bytes are damaged."""
    ref = h.make_case(database)
    ids = {}
    for kind, name, content in (("证据材料", "银行流水.pdf", _blank_pdf(3)),
                                ("身份证明", "身份证复印件.png", _png(900, 600)),
                                ("证据材料", "损坏的凭证.pdf", _blank_pdf(1)),
                                ("证据材料", "损坏的照片.png", _png(60, 40))):
        ids[name] = mediation.add_attachment(database, ref.case_id, kind=kind, filename=name,
                                             content=content)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    contents[ids["损坏的凭证.pdf"]] = NOT_A_PDF
    contents[ids["损坏的照片.png"]] = NOT_AN_IMAGE
    return detail, contents


def test_the_case_file_holds_each_scan_in_place_and_a_notice_for_each_damaged_one(
    database: Database, caplog: pytest.LogCaptureFixture,
) -> None:
    detail, contents = _case_with_scans(database)
    with caplog.at_level(logging.WARNING, logger=casefile.__name__):
        pdf = casefile.render_casefile(detail, contents, draft=True)
    pages = text_of(pdf, "-layout").split("\f")[:-1]
    toc = {line.split()[1]: line.split()[2:] for line in pages[1].splitlines()
           if re.match(r"\s*\d+\s+证据材料|\s*\d+\s+身份证明", line)}
    added = f"{date.today():%Y.%m.%d}"
    assert toc["证据材料：银行流水"][0] == added and toc["证据材料：银行流水"][-1] == "扫描件"
    start, end = map(int, toc["证据材料：银行流水"][1].split("—"))
    assert end - start == 2  # the PDF's three pages, numbered in the file
    body = pages[2:]
    # The scanned pages are blank: nothing of their own but the 卷内页号 (and the draft mark).
    for number in range(start, end + 1):
        words = body[number - 1].split()
        assert str(number) in words and "页" not in words, body[number - 1]
    image_page = int(toc["身份证明：身份证复印件"][1])
    assert CAPTION in body[image_page - 1] and "无法读取" not in body[image_page - 1]
    assert [len(found) for found in _placed_images(pdf)].count(1) == 1
    damaged_pdf = int(toc["证据材料：损坏的凭证"][1])
    assert _flat("证据材料：损坏的凭证该 PDF 文件无法读取，请查看原件。") in _flat(
        body[damaged_pdf - 1])
    damaged_image = int(toc["证据材料：损坏的照片"][1])
    assert _flat("证据材料：损坏的照片该图片文件无法读取，请查看原件。") in _flat(
        body[damaged_image - 1])
    assert [bool(r.exc_info) for r in caplog.records
            if r.getMessage().endswith("readable image")] == [True]  # the reason, in the log
    messages = sorted(_ours(caplog))
    ids = sorted(a.id for a in detail.attachments if a.title.startswith("损坏"))
    assert messages == sorted([f"attachment {ids[0]} is not a readable PDF",
                               f"attachment {ids[1]} is not a readable image"])


def _lettered_pdf(pages: int, size: tuple[float, float] = (612, 792),
                  origin: tuple[float, float] = (0, 0)) -> bytes:
    """A scan whose every page says which it is at its centre; its page box may start
    elsewhere than (0, 0), as a cropped scan's does."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    width, height = size
    canvas = Canvas(out, pagesize=(origin[0] + width, origin[1] + height))
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica", 40)
        canvas.drawCentredString(origin[0] + width / 2, origin[1] + height / 2, f"SCAN-{n}")
        canvas.showPage()
    canvas.save()
    if origin == (0, 0):
        return out.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    for page in writer.pages:
        page.mediabox.lower_left = origin
    cropped = io.BytesIO()
    writer.write(cropped)
    return cropped.getvalue()


def _centre_of(pdf: bytes, text: str) -> tuple[float, float, float, int]:
    """(x centre, y centre from the top, width, page number) of a word."""
    page = 0
    for line in text_of(pdf, "-bbox").splitlines():
        page += "<page " in line
        if f">{text}<" in line:
            x0, y0, x1, y1 = (float(v) for v in re.findall(r'[xy]M(?:in|ax)="([\d.]+)"', line))
            return (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, page
    raise AssertionError(text)


def test_each_page_of_a_scanned_pdf_lands_on_its_own_page_scaled_into_the_text_block(
    database: Database,
) -> None:
    ref = h.make_case(database)
    scan = mediation.add_attachment(database, ref.case_id, kind="证据材料",
                                    filename="银行流水.pdf", content=_lettered_pdf(3))
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    assert scan in contents
    pdf = casefile.render_casefile(detail, contents, draft=True)
    toc = text_of(pdf, "-layout").split("\f")[1]
    (row,) = [line.split() for line in toc.splitlines() if "证据材料：银行流水" in line]
    first = int(row[3].split("—")[0]) + 2  # the body starts after the cover and contents
    middle_x = legal.LEFT + legal.WIDTH / 2
    middle_y = legal.PAGE[1] - legal.BOTTOM - legal.FRAME_HEIGHT / 2
    scale = min(legal.WIDTH / 612, legal.FRAME_HEIGHT / 792)
    # The word's box in the scan, from the scan's centre (its glyphs stand above the line).
    _x, above, _w, _p = _centre_of(_lettered_pdf(1), "SCAN-1")
    above -= 792 / 2
    for k in (1, 2, 3):  # each on its reserved page, scaled to the width and centred
        x, y, width, page = _centre_of(pdf, f"SCAN-{k}")
        assert page == first + k - 1
        assert (x, y) == pytest.approx((middle_x, middle_y + above * scale), abs=1)
        assert width == pytest.approx(stringWidth(f"SCAN-{k}", "Helvetica", 40) * scale, abs=1)


def test_a_tall_cropped_scan_is_scaled_to_the_height_and_centred(database: Database) -> None:
    ref = h.make_case(database)
    mediation.add_attachment(database, ref.case_id, kind="履行凭证", filename="收据.pdf",
                             content=_lettered_pdf(1, size=(300, 1000), origin=(50, 30)))
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    pdf = casefile.render_casefile(detail, contents, draft=True)
    x, y, width, _page = _centre_of(pdf, "SCAN-1")
    scale = legal.FRAME_HEIGHT / 1000
    _x, above, _w, _p = _centre_of(_lettered_pdf(1, size=(300, 1000)), "SCAN-1")
    above -= 1000 / 2
    assert (x, y) == pytest.approx((legal.LEFT + legal.WIDTH / 2, legal.PAGE[1] - legal.BOTTOM
                                    - legal.FRAME_HEIGHT / 2 + above * scale), abs=1)
    assert width == pytest.approx(stringWidth("SCAN-1", "Helvetica", 40) * scale, abs=1)


def test_the_case_file_reports_its_progress_step_by_step_to_the_end(database: Database) -> None:
    """The window's progress bar: each document made counts one step of the same total,
    and the end is reported once the file is laid out."""
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    steps: list[tuple[int, int]] = []
    casefile.render_casefile(detail, {}, progress=lambda done, total: steps.append((done, total)))
    *made, end = steps
    total = made[0][1]
    assert made == [(n, total) for n in range(1, total - 1)]
    assert end == (1, 1)


def test_the_case_file_printed_for_a_case_holds_the_scans_on_record(database: Database) -> None:
    """Through the service the window and the command line use: the scan's own bytes are
    read from the database into the 卷宗."""
    from desktop.services.mediation import documents

    ref = h.make_case(database)
    mediation.add_attachment(database, ref.case_id, kind="身份证明", filename="身份证.png",
                             content=_png(800, 500), title="身份证复印件")
    pdf = documents.render_casefile(database, ref.case_id, draft=True)
    assert [len(found) for found in _placed_images(pdf)].count(1) == 1
