"""The 受理回执 handed to the visitor: A5 sheet or 80 mm thermal roll."""

from __future__ import annotations

import io
import itertools
from datetime import datetime
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop.printing import fonts
from desktop.printing.textflow import Para as Paragraph
from desktop.services.reception.receipts import ReceiptData

ROLL_WIDTH = 80 * mm
ROLL_MARGIN = 5 * mm


class QrCode(Flowable):
    """The QR code of ``value``, ``size`` square, drawn as one filled path.

    ReportLab's widget builds a validated shape for every run of dark modules and
    renders them one by one: 40% of the time a receipt took. Encoded once, here, and
    drawn with the widget's own geometry (its border of 4 modules, runs of a row as one
    rectangle).
    """

    def __init__(self, value: str, size: float) -> None:
        super().__init__()
        widget = QrCodeWidget(value, barLevel="M", barWidth=size, barHeight=size)
        widget.qr.make()
        self.modules: list[list[Any]] = widget.qr.modules
        self.border = float(widget.barBorder)
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        box = self.size / (len(self.modules) + self.border * 2)
        path = self.canv.beginPath()
        for r, row in enumerate(self.modules):
            c = 0
            for dark, run in itertools.groupby(map(bool, row)):
                count = len(list(run))
                if dark:
                    path.rect((c + self.border) * box, self.size - (r + self.border + 1) * box,
                              count * box, box)
                c += count
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


def _story(data: ReceiptData, width: float, *, compact: bool) -> list[Flowable]:
    font = fonts.sans()
    base = 8.5 if compact else 10.5
    title = ParagraphStyle("title", fontName=font, fontSize=base + 5, leading=(base + 5) * 1.35,
                           alignment=1)
    subtitle = ParagraphStyle("subtitle", fontName=font, fontSize=base + 3,
                              leading=(base + 3) * 1.4, alignment=1, spaceBefore=2, spaceAfter=4)
    body = ParagraphStyle("body", fontName=font, fontSize=base, leading=base * 1.5,
                          wordWrap="CJK")
    label = ParagraphStyle("label", parent=body, textColor=colors.HexColor("#444444"))
    ticket = ParagraphStyle("ticket", fontName=font, fontSize=base + 12,
                            leading=(base + 12) * 1.25, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=base - 1.5, leading=(base - 1.5) * 1.5,
                           textColor=colors.HexColor("#555555"))

    rows = [
        ("受理编号", data.visit_no),
        ("来访人", data.person_name),
        *([("来访人数", f"{data.headcount}人（集体访）"),
           ("代表", data.representative or data.person_name)]
          if data.visit_type == "集体" or data.headcount > 1 else []),
        ("证件号码", data.masked_id or "（未提供）"),
        ("分流去向", data.room_name),
        ("登记时间", f"{data.visited_at:%Y年%m月%d日 %H:%M}"),
    ]
    if data.category:
        rows.insert(4, ("事项类别", data.category))
    label_width = 16 * mm if compact else 22 * mm
    table = Table(
        [[Paragraph(k, label), Paragraph(_escape(v), body)] for k, v in rows],
        colWidths=[label_width, width - label_width],
    )
    table.setStyle(TableStyle([
        # Tables select their own cell font (Helvetica unless told), even around Paragraphs.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#bbbbbb")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    qr_size = 22 * mm if compact else 26 * mm
    ticket_block = Table(
        [[
            [Paragraph("排队号", ParagraphStyle("tl", parent=body, alignment=1)),
             Paragraph(_escape(data.ticket_no), ticket)],
            QrCode(data.visit_no, qr_size),
        ]],
        colWidths=[width - qr_size - 4 * mm, qr_size + 4 * mm],
    )
    ticket_block.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("BOX", (0, 0), (0, 0), 0.8, colors.black),
        ("LEFTPADDING", (1, 0), (1, 0), 0),
        ("RIGHTPADDING", (1, 0), (1, 0), 0),
    ]))
    story: list[Flowable] = [
        Paragraph(_escape(data.centre_name), title),
        Paragraph("受 理 回 执", subtitle),
        ticket_block,
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph("后续办理", label),
    ]
    story += [
        Paragraph(f"{n}. {_escape(step)}", body) for n, step in enumerate(data.next_steps, 1)
    ]
    # Never a placeholder number: an unset phone is said to be unset.
    contact = f"中心电话：{data.centre_phone or '未设置，请到接待窗口咨询'}"
    if data.centre_address:
        contact += f"　地址：{data.centre_address}"
    story += [
        Spacer(1, 3 * mm),
        Paragraph(_escape(contact), small),
        Paragraph(f"打印时间：{datetime.now():%Y-%m-%d %H:%M}", small),
    ]
    return story


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _document(buffer: io.BytesIO, size: tuple[float, float], margin: float,
              meta: dict[str, Any]) -> BaseDocTemplate:
    """A page whose frame is exactly the printable block: no inner padding pushes the
    story's full-width tables past the margins."""
    doc = BaseDocTemplate(buffer, pagesize=size, leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin, **meta)
    doc.addPageTemplates([PageTemplate(id="receipt", frames=[Frame(
        margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, leftPadding=0,
        rightPadding=0, topPadding=0, bottomPadding=0)])])
    return doc


def render_receipt(data: ReceiptData, paper: str | None = None) -> bytes:
    """The receipt as PDF bytes; ``paper`` is ``"a5"`` or ``"80mm"`` (default: the setting)."""
    paper = paper or data.paper
    buffer = io.BytesIO()
    meta = {"title": f"受理回执 {data.visit_no}", "author": data.centre_name,
            "subject": "受理回执", "creator": data.centre_name,
            # The template hands its own initialFontName to the canvas (Helvetica when unset),
            # overriding the canvasmaker's; set it here so no unembedded font is declared.
            "initialFontName": fonts.sans()}
    if paper == "80mm":
        # 72 mm printable on an 80 mm roll: 5 mm each side keeps the ink within 70 mm.
        margin = ROLL_MARGIN
        width = ROLL_WIDTH - 2 * margin
        story = _story(data, width, compact=True)
        height = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                     for f in story)
        story = _story(data, width, compact=True)
        doc = _document(buffer, (ROLL_WIDTH, height + 2 * margin + 12 * mm), margin, meta)
    elif paper == "a5":
        margin = 14 * mm
        doc = _document(buffer, A5, margin, meta)
        story = _story(data, A5[0] - 2 * margin, compact=False)
    else:
        raise ValueError(f"unknown paper size: {paper}")
    doc.build(story)  # meta's initialFontName: no unembedded Helvetica is declared
    return buffer.getvalue()
