"""What every mediation document shares: A4 page, Song face, "第 X 页 共 Y 页", signature rows.

The page count is known only once the whole story is laid out, so the canvas
keeps every page's state and draws the footers when the document is saved
(the usual ReportLab "numbered canvas"). Every font is the bundled AR PL UMing
(embedded and subset), so the document prints the same on any printer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop.printing import fonts

PAGE = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 28 * mm, 26 * mm
WIDTH = PAGE[0] - LEFT - RIGHT
BODY_SIZE = 12.5
LEADING = 22

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """一, 二, …, 十, 十一, …, 九十九 (clause numbers); Arabic digits beyond that."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cn_date(value: date | datetime | None, *, blank: str = "　　　　年　　月　　日") -> str:
    if value is None:
        return blank
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日{value.hour}时{value.minute:02d}分"


def yuan(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{text}元"


class Styles:
    """The paragraph styles of the legal documents (one Song face, sizes by role)."""

    def __init__(self) -> None:
        font = fonts.serif()
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=22, leading=30,
                                    alignment=TA_CENTER, spaceAfter=6)
        self.number = ParagraphStyle("number", fontName=font, fontSize=12, leading=18,
                                     alignment=TA_RIGHT, spaceAfter=10)
        self.body = ParagraphStyle("body", fontName=font, fontSize=BODY_SIZE, leading=LEADING,
                                   wordWrap="CJK", alignment=TA_JUSTIFY)
        self.indent = ParagraphStyle("indent", parent=self.body, firstLineIndent=2 * BODY_SIZE)
        self.heading = ParagraphStyle("heading", parent=self.body, spaceBefore=6)
        self.clause = ParagraphStyle("clause", parent=self.body, leftIndent=0,
                                     firstLineIndent=2 * BODY_SIZE)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=10.5, leading=16)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=11.5, leading=18,
                                   alignment=0)
        self.cell_label = ParagraphStyle("cell_label", parent=self.cell, alignment=TA_CENTER)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)


def table_style(commands: Sequence[tuple]) -> TableStyle:
    """A table style whose cells use the embedded Song face.

    ReportLab sets each cell's font (Helvetica unless told) even for cells holding
    flowables, which would declare an unembedded font in the PDF.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.serif()), *commands])


def paragraphs(text: str | None, style: ParagraphStyle) -> list[Flowable]:
    """One Paragraph per line of ``text`` (blank lines dropped), so long texts break cleanly."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Paragraph(esc(line), style) for line in lines]


def labelled(label: str, text: str | None, styles: Styles, *, empty: str = "") -> list[Flowable]:
    """``label：`` on its own line, then the text indented (纠纷主要事实、争议事项 …)."""
    body = paragraphs(text, styles.indent) or [Paragraph(esc(empty) or "　", styles.indent)]
    return [Paragraph(f"{esc(label)}：", styles.heading), *body]


def form_table(rows: Sequence[Sequence[Any]], col_widths: Sequence[float], styles: Styles,
               *, spans: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
               min_heights: dict[int, float] | None = None) -> Table:
    """A ruled form (登记表, 回访记录): text cells become wrapping Paragraphs.

    Rows may split across pages (``splitInRow``), so a long record never runs off the page.
    """
    data = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            if isinstance(cell, str):
                style = styles.cell_label if index % 2 == 0 and len(cell) <= 8 else styles.cell
                cells.append(Paragraph(esc(cell).replace("\n", "<br/>"), style))
            else:
                cells.append(cell)
        data.append(cells)
    heights = None
    if min_heights:
        heights = [min_heights.get(i) for i in range(len(data))]
    table = Table(data, colWidths=list(col_widths), rowHeights=heights, splitInRow=1,
                  repeatRows=0)
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    for start, end in spans:
        commands.append(("SPAN", start, end))
    table.setStyle(table_style(commands))
    return table


def signature_rows(entries: Sequence[tuple[str, str]], styles: Styles, *,
                   height: float = 17 * mm, columns: int = 2) -> Table:
    """Signature boxes: each a label (who signs, and how) over room to sign.

    ``entries`` are (label, hint) pairs such as ("申请人：张三", "签名、盖章或按指印").
    Rows never split, and the table breaks between rows on a page break.
    """
    cell_width = WIDTH / columns
    if not entries:  # no party yet (a draft): still leave a line to sign on
        entries = [("当事人：", "签名、盖章或按指印")]
    cells: list[list[Any]] = []
    row: list[Any] = []
    for label, hint in entries:
        row.append([Paragraph(esc(label), styles.cell),
                    Paragraph(f"（{esc(hint)}）：", styles.small)])
        if len(row) == columns:
            cells.append(row)
            row = []
    if row:
        row += [Spacer(1, 1) for _ in range(columns - len(row))]
        cells.append(row)
    table = Table(cells, colWidths=[cell_width] * columns, rowHeights=[height] * len(cells))
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def closing_block(signers: Sequence[tuple[str, str]], committee_name: str, when: date | None,
                  styles: Styles, *, note: str = "（人民调解委员会印）") -> Flowable:
    """Mediators and recorder sign on the left; the committee's name, seal and date on the right.

    Kept on one page, with room above the committee's name for its round seal (42 mm).
    """
    left = [[Paragraph(esc(label), styles.cell), Paragraph(f"（{esc(hint)}）：", styles.small)]
            for label, hint in signers]
    left_table = Table([[cell] for cell in left], colWidths=[WIDTH * 0.5],
                       rowHeights=[13 * mm] * len(left))
    left_table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    seal_text = ParagraphStyle("seal", parent=styles.cell, alignment=TA_CENTER)
    text_height = 3 * (seal_text.leading + 7)
    right = Table(
        [[Spacer(1, 1)], [Paragraph(esc(committee_name), seal_text)],
         [Paragraph(esc(note), seal_text)], [Paragraph(cn_date(when), seal_text)]],
        colWidths=[WIDTH * 0.46],
        rowHeights=[max(10 * mm, 13 * mm * len(left) - text_height), None, None, None],
    )
    right.setStyle(table_style([]))
    outer = Table([[left_table, right]], colWidths=[WIDTH * 0.52, WIDTH * 0.48])
    outer.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 2 * mm), outer])


def seal_block(committee_name: str, when: date | None, styles: Styles, *,
               note: str = "（人民调解委员会印）") -> Flowable:
    """The committee's name and the date on the right, with room above for the round seal."""
    block = Table(
        [[Spacer(1, 1)], [Paragraph(esc(committee_name), styles.center)],
         [Paragraph(esc(note), styles.center)], [Paragraph(cn_date(when), styles.center)]],
        colWidths=[80 * mm], rowHeights=[12 * mm, None, None, None], hAlign="RIGHT",
    )
    block.setStyle(table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 2 * mm), block])


class NumberedCanvas(Canvas):
    """Draws "第 X 页 共 Y 页" (and the document number from page 2) once the total is known."""

    def __init__(self, *args: Any, header: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header = header
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        page = self._pageNumber
        self.saveState()
        self.setFont(fonts.serif(), 10.5)
        self.setFillColor(colors.black)
        self.drawCentredString(PAGE[0] / 2, BOTTOM - 12 * mm, f"第 {page} 页 共 {total} 页")
        if self._header and page > 1:
            self.setFont(fonts.serif(), 9)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawRightString(PAGE[0] - RIGHT, PAGE[1] - TOP + 10 * mm, self._header)
        self.restoreState()


def build(story: list[Flowable], *, title: str, header: str = "", author: str = "") -> bytes:
    """Lay out ``story`` on A4 and return the PDF bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
        bottomMargin=BOTTOM, title=title, author=author, subject=title, creator=author,
        # The document template passes its own initialFontName to the canvas, so it is set
        # here: no unembedded Helvetica gets declared.
        initialFontName=fonts.serif(),
    )
    doc.build(story, canvasmaker=partial(NumberedCanvas, header=header,
                                         initialFontName=fonts.serif()))
    return buffer.getvalue()
