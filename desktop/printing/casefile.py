"""The case file (卷宗) in one PDF: cover, 卷内目录, every document in order, back cover.

Each document is rendered on its own first, so its page count is known; then
the table of contents is drawn with the right page numbers; then everything is
merged (pypdf), scans included, and the 卷内页号 is stamped at the top right of
every page between the table of contents and the back cover.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from desktop.printing import case_documents, fonts, legal
from desktop.printing.agreement import render_agreement, render_oral_agreement
from desktop.printing.legal import Styles, esc
from desktop.services.mediation import AttachmentData, CaseDetail

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FilePart:
    """One entry of the 卷内目录 and its pages."""

    title: str
    when: date | None
    pdf: bytes
    pages: int
    note: str = ""


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _part(title: str, when: date | None, pdf: bytes, note: str = "") -> FilePart:
    return FilePart(title, when, pdf, _page_count(pdf), note)


def image_pages(title: str, images: list[bytes]) -> bytes:
    """Scanned images on A4 pages, each fitted inside the margins under a caption."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=legal.PAGE, initialFontName=fonts.serif())
    width, height = legal.PAGE
    margin = 18 * mm
    for image in images:
        reader = ImageReader(io.BytesIO(image))
        iw, ih = reader.getSize()
        box_w, box_h = width - 2 * margin, height - 2 * margin - 12 * mm
        scale = min(box_w / iw, box_h / ih)
        w, h = iw * scale, ih * scale
        canvas.setFont(fonts.serif(), 11)
        canvas.drawString(margin, height - margin, title)
        canvas.drawImage(reader, (width - w) / 2, margin + (box_h - h) / 2, w, h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def attachment_pdf(item: AttachmentData, content: bytes) -> bytes:
    """The attachment as PDF pages: a PDF as it is, an image placed on an A4 page."""
    caption = f"{item.kind}：{item.title}"
    if item.mime == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                reader.decrypt("")
            if len(reader.pages):
                return content
        except (PdfReadError, ValueError, OSError):
            log.warning("attachment %s is not a readable PDF", item.id)
        return _notice_page(caption, "该 PDF 文件无法读取，请查看原件。")
    try:
        return image_pages(caption, [content])
    except Exception:
        log.warning("attachment %s is not a readable image", item.id, exc_info=True)
        return _notice_page(caption, "该图片文件无法读取，请查看原件。")


def _notice_page(title: str, text: str) -> bytes:
    styles = Styles()
    return legal.build([Paragraph(esc(title), styles.heading), Paragraph(esc(text), styles.indent)],
                       title=title)


def casefile_parts(detail: CaseDetail, contents: dict[int, bytes], *,
                   progress: Progress | None = None) -> list[FilePart]:
    """Every document of the case, in the order of the 卷内目录."""
    steps: list[Callable[[], list[FilePart]]] = []
    by_kind: dict[str, list[AttachmentData]] = {}
    for item in detail.attachments:
        by_kind.setdefault(item.kind, []).append(item)

    def attachments(kind: str) -> Callable[[], list[FilePart]]:
        def build() -> list[FilePart]:
            return [_part(f"{item.kind}：{item.title}", item.added_at.date(),
                          attachment_pdf(item, contents.get(item.id, b"")), note="扫描件")
                    for item in by_kind.get(kind, []) if item.id in contents]
        return build

    if detail.source == "当事人申请":
        steps.append(lambda: [_part("人民调解申请书", detail.accepted_on,
                                    case_documents.render_application(detail))])
    steps.append(lambda: [_part("人民调解受理登记表", detail.accepted_on,
                                case_documents.render_acceptance(detail))])
    steps.append(attachments("身份证明"))
    steps.append(lambda: [_part("当事人权利义务告知书", detail.accepted_on,
                                case_documents.render_rights_notice(detail))])
    steps.append(attachments("证据材料"))
    for number, record in enumerate(detail.sessions, 1):
        steps.append(partial(_session_part, detail, record.id, number, record.held_at.date()))
    agreement = detail.agreement
    if agreement is not None and agreement.clauses:
        if agreement.kind == "written":
            steps.append(lambda: [_part("人民调解协议书", agreement.signed_on,
                                        render_agreement(detail))])
        else:
            steps.append(lambda: [_part("口头调解协议登记表", agreement.signed_on,
                                        render_oral_agreement(detail))])
    done = [f for f in detail.follow_ups if f.done_on]
    if done:
        steps.append(lambda: [_part("回访记录", done[0].done_on,
                                    case_documents.render_follow_ups(detail, done_only=True))])
    steps.append(attachments("履行凭证"))
    if detail.judicial is not None:
        steps.append(lambda: [_part("司法确认申请书", detail.judicial.applied_on
                                    if detail.judicial else None,
                                    case_documents.render_judicial_application(detail))])
    steps.append(attachments("司法确认材料"))
    steps.append(attachments("其他材料"))
    parts: list[FilePart] = []
    for index, step in enumerate(steps, 1):
        parts += step()
        if progress:
            progress(index, len(steps) + 1)
    return parts


def _session_part(detail: CaseDetail, session_id: int, number: int, when: date) -> list[FilePart]:
    return [_part(f"调解记录（第{legal.chinese_number(number)}次）", when,
                  case_documents.render_session_record(detail, session_id))]


def _page_range(start: int, count: int) -> str:
    return str(start) if count <= 1 else f"{start}—{start + count - 1}"


def _plain_build(story: list, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=legal.PAGE, leftMargin=legal.LEFT,
                            rightMargin=legal.RIGHT, topMargin=legal.TOP,
                            bottomMargin=legal.BOTTOM, title=title,
                            initialFontName=fonts.serif())
    doc.build(story, canvasmaker=partial(Canvas, initialFontName=fonts.serif()))
    return buffer.getvalue()


def _cover(detail: CaseDetail, styles: Styles) -> bytes:
    w = legal.WIDTH
    when = legal.cn_date(detail.accepted_on)
    if detail.closed_on:
        when += f" 至 {legal.cn_date(detail.closed_on)}"
    rows = [
        ["卷　名", detail.title],
        ["卷　号", detail.archive_no or detail.case_no],
        ["案　号", detail.case_no],
        ["调解员", "、".join(detail.mediators)],
        ["调解日期", when],
        ["调解结果", detail.outcome or "办理中"],
        ["立卷人", detail.filed_by or ""],
        ["立卷日期", legal.cn_date(detail.filed_on, blank="")],
        ["保管期限", detail.retention],
    ]
    big = Styles()
    big.cell.fontSize, big.cell.leading = 14, 22
    big.cell_label.fontSize, big.cell_label.leading = 14, 22
    table = legal.form_table(rows, [w * 0.24, w * 0.76], big,
                             min_heights={i: 15 * mm for i in range(len(rows))})
    title = Styles().title
    title.fontSize, title.leading = 30, 40
    committee = Styles().center
    committee.fontSize, committee.leading = 16, 24
    return _plain_build([
        Spacer(1, 10 * mm),
        Paragraph(esc(detail.committee_name), committee),
        Spacer(1, 14 * mm),
        Paragraph("人民调解卷宗", title),
        Spacer(1, 22 * mm),
        table,
    ], f"人民调解卷宗 {detail.case_no}")


def _contents(detail: CaseDetail, parts: list[FilePart], styles: Styles) -> bytes:
    w = legal.WIDTH
    rows: list[list[object]] = [["序号", "文件题名", "日期", "页号", "备注"]]
    page = 1
    for number, part in enumerate(parts, 1):
        rows.append([str(number), part.title, f"{part.when:%Y.%m.%d}" if part.when else "",
                     _page_range(page, part.pages), part.note])
        page += part.pages
    cells = [[Paragraph(esc(str(c)), styles.cell_label if i != 1 else styles.cell)
              for i, c in enumerate(row)] for row in rows]
    table = Table(cells, colWidths=[w * 0.09, w * 0.45, w * 0.2, w * 0.13, w * 0.13],
                  repeatRows=1)
    table.setStyle(legal.table_style([
        ("GRID", (0, 0), (-1, -1), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return _plain_build([Paragraph("卷 内 目 录", styles.title),
                         Paragraph(esc(detail.case_no), styles.number), table],
                        f"卷内目录 {detail.case_no}")


def _back_cover(detail: CaseDetail, parts: list[FilePart], styles: Styles) -> bytes:
    pages = sum(p.pages for p in parts)
    w = legal.WIDTH
    text = (f"本卷共有文件材料 {len(parts)} 件，共 {pages} 页（不含封面、卷内目录和备考表）。"
            f"\n\n调解结果：{detail.outcome or '办理中'}")
    if detail.outcome_reason:
        text += f"\n说明：{detail.outcome_reason}"
    rows = [
        ["本卷情况说明", text],
        ["立卷人", detail.filed_by or ""],
        ["检查人", ""],
        ["立卷日期", legal.cn_date(detail.filed_on, blank="　　　　年　　月　　日")],
    ]
    table = legal.form_table(rows, [w * 0.24, w * 0.76], styles,
                             min_heights={0: 90 * mm, 1: 14 * mm, 2: 14 * mm, 3: 14 * mm})
    return _plain_build([Paragraph("卷 内 备 考 表", styles.title),
                         Paragraph(esc(detail.case_no), styles.number), table],
                        f"卷内备考表 {detail.case_no}")


def _stamp(writer: PdfWriter, first: int, count: int) -> None:
    """The 卷内页号 (1, 2, …) at the top right of ``count`` pages from index ``first``."""
    for offset in range(count):
        page = writer.pages[first + offset]
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(width, height), initialFontName=fonts.serif())
        canvas.setFont(fonts.serif(), 12)
        canvas.drawRightString(float(box.left) + width - 12 * mm,
                               float(box.bottom) + height - 12 * mm, str(offset + 1))
        canvas.showPage()
        canvas.save()
        page.merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])


def render_casefile(detail: CaseDetail, contents: dict[int, bytes], *,
                    progress: Progress | None = None) -> bytes:
    """The whole 卷宗 of ``detail``; ``contents`` maps attachment ids to their bytes."""
    styles = Styles()
    parts = casefile_parts(detail, contents, progress=progress)
    writer = PdfWriter()
    for pdf in (_cover(detail, styles), _contents(detail, parts, styles)):
        writer.append(PdfReader(io.BytesIO(pdf)))
    first = len(writer.pages)
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part.pdf)))
    _stamp(writer, first, len(writer.pages) - first)
    writer.append(PdfReader(io.BytesIO(_back_cover(detail, parts, styles))))
    writer.add_metadata({"/Title": f"人民调解卷宗 {detail.case_no}",
                         "/Author": detail.committee_name})
    out = io.BytesIO()
    writer.write(out)
    if progress:
        progress(1, 1)
    return out.getvalue()
