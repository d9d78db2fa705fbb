"""What every mediation document shares: A4 page, Song face, "第 X 页 共 Y 页", signature rows.

The page count is known only once the whole story is laid out, so the canvas
keeps every page's state and draws the footers when the document is saved
(the usual ReportLab "numbered canvas"). Every font is the bundled AR PL UMing
(embedded and subset), so the document prints the same on any printer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop.printing import fonts
from desktop.printing.textflow import Para, esc, paragraphs

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


_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = ["", "拾", "佰", "仟"]
_UPPER_GROUPS = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal) -> str:
    """An amount in 大写, as on a cheque: 12500.50 -> 壹万贰仟伍佰元伍角."""
    fen = int((abs(amount) * 100).quantize(Decimal(1)))
    yuan_part, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    out = ""
    if yuan_part:
        groups = []
        value = yuan_part
        while value:
            value, group = divmod(value, 10000)
            groups.append(group)
        zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                zero = bool(out)
                continue
            digits = f"{group:04d}" if out else str(group)
            text = ""
            for pos, ch in enumerate(digits):
                unit = _UPPER_UNITS[len(digits) - 1 - pos]
                if ch == "0":
                    zero = bool(out or text)
                    continue
                if zero:
                    text += "零"
                    zero = False
                text += _UPPER_DIGITS[int(ch)] + unit
            out += text + _UPPER_GROUPS[index]
        out += "元"
    if jiao:
        out += _UPPER_DIGITS[jiao] + "角"
    elif yuan_part and cents:
        out += "零"
    if cents:
        out += _UPPER_DIGITS[cents] + "分"
    if not out:
        out = "零元"
    if not cents:
        out += "整"
    return ("负" if amount < 0 else "") + out


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
        self.heading_keep = ParagraphStyle("heading_keep", parent=self.heading, keepWithNext=1)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        # The line a signature goes on: tall enough to sign above it.
        self.sign_line = ParagraphStyle("sign_line", parent=self.cell, leading=9 * mm)


def table_style(commands: Sequence[tuple]) -> TableStyle:
    """A table style whose cells use the embedded Song face.

    ReportLab sets each cell's font (Helvetica unless told) even for cells holding
    flowables, which would declare an unembedded font in the PDF.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.serif()), *commands])


def para(text: str | None, style: ParagraphStyle) -> Para:
    """One paragraph of plain text (escaped here), broken by the Chinese rules."""
    return Para(esc(text) or "　", style)


def labelled(label: str, text: str | None, styles: Styles, *, empty: str = "") -> list[Flowable]:
    """``label：`` on its own line, then the text indented (纠纷主要事实、争议事项 …).

    The label is kept with the first line of its text.
    """
    body = paragraphs(text, styles.indent) or [para(empty, styles.indent)]
    return [Para(f"{esc(label)}：", styles.heading_keep), *body]


# ---------------------------------------------------------------------------
# Blanks to fill in by hand


@dataclass(frozen=True)
class Blank:
    """Underlined empty space of ``width`` points where a hand writes."""

    width: float


class FillLine(Flowable):
    """One line of text pieces and underlined blanks ("　　年　月　日" would collapse)."""

    def __init__(self, parts: Sequence[str | Blank], style: ParagraphStyle, *,
                 align: str = "left") -> None:
        super().__init__()
        self.parts = list(parts)
        self.style = style
        self.align = align

    def _natural(self) -> float:
        return sum(p.width if isinstance(p, Blank)
                   else stringWidth(p, self.style.fontName, self.style.fontSize)
                   for p in self.parts)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.style.leading
        return avail_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        natural = self._natural()
        blanks = sum(p.width for p in self.parts if isinstance(p, Blank))
        # Blanks give way first when the line is too narrow (never below a third).
        squeeze = 1.0
        if natural > self.width and blanks:
            squeeze = max(1 / 3, 1 - (natural - self.width) / blanks)
        total = natural - blanks * (1 - squeeze)
        x = {"left": 0.0, "right": self.width - total,
             "center": (self.width - total) / 2}[self.align]
        x = max(x, 0.0)
        size = self.style.fontSize
        y = (self.height - size) / 2 + 0.2 * size
        canvas.saveState()
        canvas.setFont(self.style.fontName, size)
        canvas.setLineWidth(0.5)
        for part in self.parts:
            if isinstance(part, Blank):
                width = part.width * squeeze
                canvas.line(x + 1, y - 2, x + width - 1, y - 2)
                x += width
            else:
                canvas.drawString(x, y, part)
                x += stringWidth(part, self.style.fontName, size)
        canvas.restoreState()


def date_parts(value: date | datetime | None) -> list[str | Blank]:
    """A date, or underlined blanks for year, month and day."""
    if value is not None:
        return [cn_date(value)]
    return [Blank(18 * mm), "年", Blank(10 * mm), "月", Blank(10 * mm), "日"]


def date_line(value: date | datetime | None, style: ParagraphStyle, *,
              align: str = "right") -> FillLine:
    return FillLine(date_parts(value), style, align=align)


def write_here(label: str, style: ParagraphStyle, *, width: float = 45 * mm,
               when: bool = False) -> FillLine:
    """``label`` followed by an underlined blank (and a blank date when ``when``)."""
    parts: list[str | Blank] = [label, Blank(width)]
    if when:
        parts += ["　", *date_parts(None)]
    return FillLine(parts, style)


# ---------------------------------------------------------------------------
# Ruled forms


@dataclass(frozen=True)
class Row:
    """One row of a ruled form: a label and its text across the whole width."""

    label: str
    value: str | Sequence[Flowable] | None
    min_height: float = 0.0  # room to write by hand when nothing was typed


@dataclass(frozen=True)
class Pair:
    """One row with two short label/value pairs (编号 … 受理日期 …)."""

    label: str
    value: str | Flowable | None
    label2: str
    value2: str | Flowable | None


FORM_LABEL = 30 * mm
FORM_LABEL2 = 24 * mm
_FORM_PAD = 5


def _cell(value: str | Flowable | Sequence[Flowable] | None, style: ParagraphStyle
          ) -> list[Flowable]:
    if value is None or isinstance(value, str):
        return paragraphs(value, style) or [Para("", style)]
    if isinstance(value, Flowable):
        return [value]
    return list(value)


def form(rows: Sequence[Row | Pair], styles: Styles, *, width: float | None = None
         ) -> list[Flowable]:
    """A ruled form (登记表, 回访记录) laid out as flowing tables.

    Each long row is its own two-column table whose row may split across pages, with
    its label at the top; short rows of two pairs go together. No spanned cells, so
    nothing is drawn twice when a row crosses a page, and no row has a fixed height.
    """
    width = width or WIDTH
    label_w = FORM_LABEL
    out: list[Flowable] = []
    pending: list[list[object]] = []
    value_w = width - label_w - FORM_LABEL2 - 46 * mm  # the second value: a date, a name

    def grid(data: list[list[object]], widths: list[float], *, split: bool) -> Table:
        table = Table(data, colWidths=widths, splitInRow=1 if split else 0, hAlign="LEFT")
        table.setStyle(table_style([
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP" if split else "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LEFTPADDING", (0, 0), (-1, -1), _FORM_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _FORM_PAD),
        ]))
        return table

    def flush() -> None:
        if pending:
            widths = [label_w, value_w, FORM_LABEL2, width - label_w - value_w - FORM_LABEL2]
            out.append(grid(list(pending), widths, split=False))
            pending.clear()

    for row in rows:
        if isinstance(row, Pair):
            pending.append([_cell(row.label, styles.cell_label), _cell(row.value, styles.cell),
                            _cell(row.label2, styles.cell_label),
                            _cell(row.value2, styles.cell)])
            continue
        flush()
        content = _cell(row.value, styles.cell)
        if row.min_height and (row.value is None or row.value == ""):
            content = [Spacer(1, row.min_height)]
        out.append(grid([[_cell(row.label, styles.cell_label), content]],
                        [label_w, width - label_w], split=True))
    flush()
    return out


# ---------------------------------------------------------------------------
# Signatures and seals

SEAL = 45 * mm  # room for a round seal of 40-42 mm


@dataclass(frozen=True)
class Signer:
    """Who signs and how: "申请人：张三" + "签名、盖章或按指印"; ``seal`` leaves 45 mm."""

    label: str
    hint: str = "签名"
    seal: bool = False
    signs: bool = True  # False: a minor, for whom the 法定代理人 signs


@dataclass(frozen=True)
class SignGroup:
    """A party with the people who sign beside it (agent, legal representative)."""

    main: Signer
    beside: tuple[Signer, ...] = ()


def _signer_cell(signer: Signer, styles: Styles, width: float) -> list[Flowable]:
    if not signer.signs:
        return [Para(esc(signer.label), styles.cell),
                Para(f"（{esc(signer.hint)}）", styles.small)]
    label = [Para(esc(signer.label), styles.cell), Para(f"（{esc(signer.hint)}）：", styles.small)]
    if signer.seal:
        # The seal is stamped over the name: 45 mm from the top of the label.
        return [*label, Spacer(1, SEAL - styles.cell.leading - styles.small.leading)]
    return [*label, FillLine([Blank(width)], styles.sign_line)]


def signature_table(groups: Sequence[SignGroup], styles: Styles, *,
                    heading: str | None = None) -> Table:
    """Every party in its own row, its agent or representative beside it.

    A row never splits; the table breaks between rows and repeats ``heading``.
    """
    if not groups:  # no party yet (a draft): still leave a line to sign on
        groups = [SignGroup(Signer("当事人：", "签名、盖章或按指印"))]
    half = WIDTH / 2
    line = half - 14 * mm
    data: list[list[Any]] = []
    if heading:
        data.append([Para(esc(heading), styles.cell), ""])
    for group in groups:
        right: list[Flowable] = []
        for signer in group.beside:
            right += _signer_cell(signer, styles, line)
        data.append([_signer_cell(group.main, styles, line), right or [Spacer(1, 1)]])
    table = Table(data, colWidths=[half, half], hAlign="LEFT", repeatRows=1 if heading else 0)
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def staff_and_seal(signers: Sequence[Signer], committee_name: str, when: date | None,
                   styles: Styles, *, note: str = "（人民调解委员会印）",
                   seal: bool = True) -> Table:
    """Mediators and recorder sign on the left; on the right the committee's name and the
    date, with 45 mm above their last line for the round seal stamped over them."""
    left: list[Flowable] = []
    for signer in signers:
        left += _signer_cell(signer, styles, WIDTH * 0.5 - 20 * mm)
    right: list[Flowable] = []
    lines = [Para(esc(committee_name), styles.cell_center)]
    if note:
        lines.append(Para(esc(note), styles.cell_center))
    lines.append(date_line(when, styles.cell, align="center"))
    if seal:
        text = sum(f.wrap(WIDTH * 0.5, PAGE[1])[1] for f in lines)
        right.append(Spacer(1, max(SEAL - text, 0)))
    right += lines
    table = Table([[left or [Spacer(1, 1)], right]], colWidths=[WIDTH * 0.5, WIDTH * 0.5],
                  hAlign="LEFT")
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


FRAME_HEIGHT = PAGE[1] - TOP - BOTTOM


def text_height(flowables: Sequence[Flowable]) -> float:
    return sum(f.wrap(WIDTH, FRAME_HEIGHT * 10)[1] + f.getSpaceBefore() + f.getSpaceAfter()
               for f in flowables)


def signing(lead: Sequence[Flowable], groups: Sequence[SignGroup], closing: Flowable | None,
            styles: Styles, *, heading: str = "当事人：") -> list[Flowable]:
    """The parties' signatures and the closing block, on one page with the text before them.

    ``lead`` (the last sentences of the text) moves with the signatures when they do not
    fit under it. When the parties are too many for one page, the closing block (the
    committee's seal and date) stays with the text and the parties' table follows,
    breaking between parties and repeating its heading on every page.
    """
    table = signature_table(groups, styles)
    head = Para(esc(heading), styles.heading) if heading else Spacer(1, 1)
    tail = [closing] if closing is not None else []
    together = [*lead, head, table, *tail]
    if text_height(together) <= FRAME_HEIGHT - 2:
        return [KeepTogether(together)]
    continued = signature_table(groups, styles, heading=f"{heading.rstrip('：')}签名：")
    return [KeepTogether([*lead, *tail]), continued]


def keep_with_text(lead: Sequence[Flowable], block: Sequence[Flowable]) -> list[Flowable]:
    """``block`` (a date, a short signature table) kept on one page with ``lead``."""
    return [KeepTogether([*lead, *block])]


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


def document(buffer: io.BytesIO, *, title: str, author: str = "") -> BaseDocTemplate:
    """An A4 template whose frame is exactly the text block (no inner padding), so a table
    as wide as the text block stays inside it."""
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
        bottomMargin=BOTTOM, title=title, author=author, subject=title, creator=author,
        # The document template passes its own initialFontName to the canvas, so it is set
        # here: no unembedded Helvetica gets declared.
        initialFontName=fonts.serif(),
    )
    frame = Frame(LEFT, BOTTOM, WIDTH, PAGE[1] - TOP - BOTTOM, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc


def build(story: list[Flowable], *, title: str, header: str = "", author: str = "") -> bytes:
    """Lay out ``story`` on A4 and return the PDF bytes."""
    buffer = io.BytesIO()
    doc = document(buffer, title=title, author=author)
    doc.build(story, canvasmaker=partial(NumberedCanvas, header=header,
                                         initialFontName=fonts.serif()))
    return buffer.getvalue()
