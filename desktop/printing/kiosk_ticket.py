"""The 排队号 the self-service kiosk prints on the 80 mm roll (自助取号凭条).

The roll, margins and font are the 受理回执's (:mod:`desktop.printing.receipt`):
72 mm printable, WenQuanYi Micro Hei embedded. The number is as large as the
width allows; nothing personal is printed, since the kiosk knows nothing personal.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from desktop.printing import fonts
from desktop.printing.receipt import ROLL_MARGIN, ROLL_WIDTH
from desktop.printing.receipt import _document as roll_document
from desktop.printing.textflow import Para, esc
from desktop.services.reception.kiosk import KioskTicketData

TITLE = "自助取号凭条"


def _story(data: KioskTicketData, width: float) -> list[Flowable]:
    font = fonts.sans()
    centre = ParagraphStyle("centre", fontName=font, fontSize=11, leading=15, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=9, leading=13, alignment=1,
                           textColor=colors.HexColor("#444444"))
    number = ParagraphStyle("number", fontName=font, fontSize=40, leading=48, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14)
    strong = ParagraphStyle("strong", parent=body, fontSize=11, leading=16)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=12,
                           textColor=colors.HexColor("#555555"))
    where = f"{data.room_name}（{data.room_location}）" if data.room_location else data.room_name
    ticket = Table([[Para(esc(data.ticket_no), number)]], colWidths=[width])
    ticket.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))
    contact = f"中心电话：{data.centre_phone}" if data.centre_phone \
        else "中心电话未设置，请到接待窗口咨询"
    story: list[Flowable] = [
        Para(esc(data.centre_name or "综治中心"), centre),
        Para(TITLE, title),
        Spacer(1, 2 * mm),
        ticket,
        Spacer(1, 2 * mm),
        Para(esc(f"办理事项：{data.category}"), body),
        Para(esc(f"前往：{where}"), strong),
        Para(esc(f"您前面还有 {data.waiting_before} 人等候"), strong),
        Spacer(1, 2 * mm),
        Para("请先到接待窗口出示本凭条，登记后按叫号前往办理；过号请到接待窗口重新排队。",
             body),
        Spacer(1, 2 * mm),
        Para(esc(contact), small),
    ]
    if data.service_hours:
        story.append(Para(esc(f"服务时间：{data.service_hours}"), small))
    story.append(Para(f"取号时间：{data.taken_at:%Y-%m-%d %H:%M}", small))
    return story


def render_kiosk_ticket(data: KioskTicketData) -> bytes:
    """The ticket as a PDF page of the 80 mm roll, as long as its text."""
    buffer = io.BytesIO()
    width = ROLL_WIDTH - 2 * ROLL_MARGIN
    height = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                 for f in _story(data, width))
    meta = {"title": f"{TITLE} {data.ticket_no}", "author": data.centre_name,
            "subject": TITLE, "creator": data.centre_name, "initialFontName": fonts.sans()}
    doc = roll_document(buffer, (ROLL_WIDTH, height + 2 * ROLL_MARGIN + 12 * mm), ROLL_MARGIN,
                        meta)
    doc.build(_story(data, width))
    return buffer.getvalue()
