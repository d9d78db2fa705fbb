"""The case file (卷宗) in one PDF: cover, 卷内目录, every document in order, 备考表.

Every document of the case goes into one ReportLab story on one canvas, so each
font is embedded once (one subset for the whole file, not one per document). The
story is laid out once: the 卷内目录's page numbers are form XObjects that the canvas
fills in at the end, when it knows where each document starts, and the 备考表 (the
last part) is made when the layout reaches it. The canvas draws each
document's own "第 X 页 共 Y 页", its header, and the 卷内页号 at the top right of
every page between the 卷内目录 and the 备考表. Scanned PDFs are laid onto reserved
pages afterwards (pypdf); scanned images are placed directly.

The 备考表 lists what a complete file must hold and marks what is missing; a file of a
case still open is a draft, and says so at the top of every page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import DependencyError, PdfReadError
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, PageBreak, Spacer, Table

from desktop.printing import case_documents, fonts, legal
from desktop.printing.agreement import agreement_story, oral_agreement_story
from desktop.printing.legal import Pair, Row, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.mediation import AttachmentData, CaseDetail
from desktop.services.mediation.documents import FileItem, casefile_checklist

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
DRAFT_MARK = "【草稿】本案尚未结案，卷宗不完整，不得作为正式卷宗归档"


@dataclass
class FilePart:
    """One entry of the 卷内目录: its story, or the pages of a scanned PDF."""

    key: str
    title: str
    when: date | None
    story: list[Flowable] = field(default_factory=list)
    header: str = ""
    note: str = ""
    scan_pages: list[PageObject] = field(default_factory=list)


class Mark(Flowable):
    """Zero-size marker: records the page it lands on, and which part the page belongs to."""

    def __init__(self, key: str, header: str = "", *, numbered: bool = True) -> None:
        super().__init__()
        self.key = key
        self.header = header
        self.numbered = numbered

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas._part = (self.key, self.header, self.numbered)  # type: ignore[attr-defined]
        canvas._starts.setdefault(self.key, canvas.getPageNumber())  # type: ignore[attr-defined]


class Later(Flowable):
    """Flowables made when the layout reaches this point (the pages before it are known)."""

    def __init__(self, make: Callable[[], list[Flowable]]) -> None:
        super().__init__()
        self.make = make

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._doctemplateAttr("frame").add_generated_content(*self.make())
        return 0, 0

    def draw(self) -> None:
        pass


def _form_name(key: str) -> str:
    return f"pages_{key.replace(':', '_')}"


class PageRef(Flowable):
    """A 页号 of the 卷内目录: one line of ``style``, filled in by the canvas at the end."""

    def __init__(self, key: str, style: Any) -> None:
        super().__init__()
        self.key = key
        self.style = style

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # As tall as the number printed in it: one line.
        self.width, self.height = Para("0", self.style).wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        self.canv._refs[self.key] = (self.width, self.height, self.style)  # type: ignore[attr-defined]
        self.canv.doForm(_form_name(self.key))


class FileCanvas(Canvas):
    """Draws, once the layout is known, each part's page numbers, header and 卷内页号."""

    def __init__(self, *args: Any, starts: dict[str, int], body: tuple[str, str],
                 draft: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._starts = starts
        self._body = body  # the keys of the first body part and of the 备考表
        self._draft = draft
        self._part: tuple[str, str, bool] = ("cover", "", False)
        self._pages: list[dict[str, Any]] = []
        self._refs: dict[str, tuple[float, float, Any]] = {}

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        parts = [state["_part"][0] for state in self._pages]
        totals = {key: parts.count(key) for key in parts}
        first_body = self._starts.get(self._body[0], 0)
        back = self._starts.get(self._body[1], len(self._pages) + 1)
        seen: dict[str, int] = {}
        for state in self._pages:
            self.__dict__.update(state)
            key, header, numbered = self._part
            seen[key] = seen.get(key, 0) + 1
            self._decorate(seen[key], totals[key], header if numbered else "", numbered,
                           self._pageNumber - first_body + 1
                           if first_body and first_body <= self._pageNumber < back else 0)
            super().showPage()
        self._fill_page_refs(len(self._pages))
        super().save()

    def _fill_page_refs(self, total: int) -> None:
        """Each 页号 of the 卷内目录: the first page of its part and its last, in 卷内页号."""
        keys = [key for key in self._refs]
        first = self._starts.get(self._body[0], 0)
        back = self._starts.get(self._body[1], total + 1)
        for index, key in enumerate(keys):
            width, height, style = self._refs[key]
            start = self._starts.get(key, 0)
            end = self._starts.get(keys[index + 1], back) if index + 1 < len(keys) else back
            text = _page_range(start - first + 1, end - start) if start else ""
            self.beginForm(_form_name(key), -width, -height, 2 * width, 2 * height)
            number = Para(esc(text), style)
            number.wrapOn(self, width, height * 2)
            number.drawOn(self, 0, 0)
            self.endForm()

    def _decorate(self, page: int, total: int, header: str, numbered: bool, stamp: int) -> None:
        width, height = legal.PAGE
        self.saveState()
        self.setFillColor(colors.black)
        if numbered:
            self.setFont(fonts.serif(), 10.5)
            self.drawCentredString(width / 2, legal.BOTTOM - 12 * mm,
                                   f"第 {page} 页 共 {total} 页")
        if header and page > 1:
            self.setFont(fonts.serif(), 9)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawRightString(width - legal.RIGHT, height - legal.TOP + 10 * mm, header)
        if stamp:
            self.setFillColor(colors.black)
            self.setFont(fonts.serif(), 12)
            self.drawRightString(width - 12 * mm, height - 12 * mm, str(stamp))
        if self._draft:
            self.setFont(fonts.serif(), 10.5)
            self.setFillColor(colors.HexColor("#b00000"))
            self.drawString(legal.LEFT, height - 14 * mm, DRAFT_MARK)
        self.restoreState()


# ---------------------------------------------------------------------------
# Scans


def _fitted_image(content: bytes, width: float, height: float) -> Image:
    reader = ImageReader(io.BytesIO(content))
    iw, ih = reader.getSize()
    scale = min(width / iw, height / ih)
    return Image(io.BytesIO(content), iw * scale, ih * scale)


def _scan_story(caption: str, content: bytes, styles: Styles) -> list[Flowable]:
    caption_para = Para(esc(caption), styles.heading)
    room = legal.FRAME_HEIGHT - legal.text_height([caption_para]) - 2 * mm
    return [caption_para, Spacer(1, 2 * mm), _fitted_image(content, legal.WIDTH, room)]


def _notice(caption: str, text: str, styles: Styles) -> list[Flowable]:
    return [Para(esc(caption), styles.heading), Para(esc(text), styles.indent)]


# A PDF attachment that cannot be read: damaged, locked by a password, or (without
# cryptography, which pypdf needs for AES) encrypted beyond what the program can open.
UNREADABLE_PDF = (PdfReadError, DependencyError, ValueError, OSError)


def _pdf_pages(content: bytes) -> list[PageObject]:
    reader = PdfReader(io.BytesIO(content))
    if reader.is_encrypted:
        reader.decrypt("")
    return list(reader.pages)


def image_page(title: str, image: bytes) -> bytes:
    """A scanned image on an A4 page, fitted inside the margins under its caption."""
    return legal.build(_scan_story(title, image, Styles()), title=title)


def attachment_pdf(item: AttachmentData, content: bytes) -> bytes:
    """The attachment as PDF pages: a PDF as it is, an image placed on an A4 page."""
    caption = f"{item.kind}：{item.title}"
    if item.mime == "application/pdf":
        try:
            if _pdf_pages(content):
                return content
        except UNREADABLE_PDF:
            log.warning("attachment %s is not a readable PDF", item.id)
        return legal.build(_notice(caption, "该 PDF 文件无法读取，请查看原件。", Styles()),
                           title=caption)
    try:
        return image_page(caption, content)
    except Exception:
        log.warning("attachment %s is not a readable image", item.id, exc_info=True)
        return legal.build(_notice(caption, "该图片文件无法读取，请查看原件。", Styles()),
                           title=caption)


def _attachment_part(item: AttachmentData, content: bytes, styles: Styles) -> FilePart:
    caption = f"{item.kind}：{item.title}"
    part = FilePart(f"scan:{item.id}", caption, item.added_at.date(), note="扫描件")
    if item.mime == "application/pdf":
        try:
            part.scan_pages = _pdf_pages(content)
        except UNREADABLE_PDF:
            log.warning("attachment %s is not a readable PDF", item.id)
        if part.scan_pages:
            for index in range(len(part.scan_pages)):
                if index:
                    part.story.append(PageBreak())
                part.story.append(Mark(f"{part.key}:{index}", numbered=False))
            return part
        part.story = _notice(caption, "该 PDF 文件无法读取，请查看原件。", styles)
        return part
    try:
        part.story = _scan_story(caption, content, styles)
    except Exception:
        log.warning("attachment %s is not a readable image", item.id, exc_info=True)
        part.story = _notice(caption, "该图片文件无法读取，请查看原件。", styles)
    return part


# ---------------------------------------------------------------------------
# The parts, in the order of the 卷内目录


def casefile_parts(detail: CaseDetail, contents: dict[int, bytes], styles: Styles, *,
                   progress: Progress | None = None) -> list[FilePart]:
    """Every document of the case, in the order of the 卷内目录."""
    by_kind: dict[str, list[AttachmentData]] = {}
    for item in detail.attachments:
        by_kind.setdefault(item.kind, []).append(item)

    def scans(kind: str) -> list[FilePart]:
        return [_attachment_part(item, contents[item.id], styles)
                for item in by_kind.get(kind, []) if item.id in contents]

    def doc(key: str, title: str, when: date | None, story: list[Flowable]) -> FilePart:
        return FilePart(key, title, when, story, header=f"{title} {detail.case_no}")

    steps: list[Callable[[], list[FilePart]]] = []
    if detail.source == "当事人申请":
        steps.append(lambda: [doc("application", "人民调解申请书", detail.accepted_on,
                                  case_documents.application_story(detail, styles))])
    steps.append(lambda: [doc("acceptance", "人民调解受理登记表", detail.accepted_on,
                              case_documents.acceptance_story(detail, styles))])
    steps.append(lambda: scans("身份证明"))
    steps.append(lambda: [doc("rights", "当事人权利义务告知书", detail.accepted_on,
                              case_documents.rights_notice_story(detail, styles))])
    steps.append(lambda: scans("证据材料"))
    for number, record in enumerate(detail.sessions, 1):
        def session(number: int = number, record: Any = record) -> list[FilePart]:
            title = f"调解记录（第{legal.chinese_number(number)}次）"
            return [FilePart(f"session:{number}", title, record.held_at.date(),
                             case_documents.session_story(detail, record, number, styles),
                             header=f"{detail.case_no} 调解记录")]
        steps.append(session)
    agreement = detail.agreement
    if agreement is not None and agreement.clauses:
        if agreement.kind == "written":
            steps.append(lambda: [doc("agreement", "人民调解协议书", agreement.signed_on,
                                      agreement_story(detail, styles))])
        else:
            steps.append(lambda: [doc("oral", "口头调解协议登记表", agreement.signed_on,
                                      oral_agreement_story(detail, styles))])
    done = [f for f in detail.follow_ups if f.done_on]
    if done:
        def follow_ups() -> list[FilePart]:
            story: list[Flowable] = []
            for item in done:
                if story:
                    story.append(PageBreak())
                story += case_documents.follow_up_story(detail, item, styles)
            return [FilePart("followups", "回访记录", done[0].done_on, story,
                             header=f"{detail.case_no} 回访记录")]
        steps.append(follow_ups)
    steps.append(lambda: scans("履行凭证"))
    if detail.judicial is not None and agreement is not None and agreement.kind == "written" \
            and agreement.clauses:
        judicial = detail.judicial
        steps.append(lambda: [doc("judicial", "司法确认申请书", judicial.applied_on,
                                  case_documents.judicial_application_story(detail, styles))])
    steps.append(lambda: scans("司法确认材料"))
    steps.append(lambda: scans("其他材料"))
    parts: list[FilePart] = []
    for index, step in enumerate(steps, 1):
        parts += step()
        if progress:
            progress(index, len(steps) + 2)
    return parts


# ---------------------------------------------------------------------------
# Cover, 卷内目录, 备考表


def _cover(detail: CaseDetail, draft: bool) -> list[Flowable]:
    when = legal.cn_date(detail.accepted_on)
    if detail.closed_on:
        when += f" 至 {legal.cn_date(detail.closed_on)}"
    big = Styles()
    for style in (big.cell, big.cell_label):
        style.fontSize, style.leading = 14, 22
    rows: list[Row | Pair] = [
        Row("卷　名", detail.title),
        Row("卷　号", detail.archive_no or detail.case_no),
        Row("案　号", detail.case_no),
        Row("调解员", "、".join(detail.mediators)),
        Row("调解日期", when),
        Row("调解结果", detail.outcome or "办理中"),
        Row("立卷人", detail.filed_by or "", min_height=8 * mm),
        Row("立卷日期", [legal.date_line(detail.filed_on, big.cell, align="left")]),
        Row("保管期限", detail.retention),
    ]
    title = Styles().title
    title.fontSize, title.leading = 30, 40
    committee = Styles().center
    committee.fontSize, committee.leading = 16, 24
    return [
        Mark("cover", numbered=False),
        Spacer(1, 10 * mm),
        Para(esc(detail.committee_name), committee),
        Spacer(1, 14 * mm),
        Para("人民调解卷宗（草稿）" if draft else "人民调解卷宗", title),
        Spacer(1, 22 * mm),
        *legal.form(rows, big),
    ]


def _page_range(start: int, count: int) -> str:
    return str(start) if count <= 1 else f"{start}—{start + count - 1}"


def _contents(detail: CaseDetail, parts: Sequence[FilePart], missing: Sequence[FileItem],
              styles: Styles) -> list[Flowable]:
    rows: list[list[object]] = [["序号", "文件题名", "日期", "页号", "备注"]]
    for number, part in enumerate(parts, 1):
        rows.append([str(number), part.title, f"{part.when:%Y.%m.%d}" if part.when else "",
                     PageRef(part.key, styles.cell_label), part.note])
    for item in missing:
        rows.append(["", item.title, "", "", "缺"])
    rows.append(["", "卷内备考表", "", "", "备考"])
    cells = [[c if isinstance(c, Flowable) else
              Para(esc(str(c)), styles.cell_label if i != 1 else styles.cell)
              for i, c in enumerate(row)] for row in rows]
    w = legal.WIDTH
    table = Table(cells, colWidths=[w * 0.09, w * 0.45, w * 0.2, w * 0.13, w * 0.13],
                  repeatRows=1, hAlign="LEFT")
    table.setStyle(legal.table_style([
        ("GRID", (0, 0), (-1, -1), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [Mark("contents", numbered=False), Para("卷 内 目 录", styles.title),
            Para(esc(detail.case_no), styles.number), table]


def _back(detail: CaseDetail, parts: Sequence[FilePart], body_pages: int,
          checklist: Sequence[FileItem], styles: Styles) -> list[Flowable]:
    text = (f"本卷共有文件材料 {len(parts)} 件，共 {body_pages} 页（不含封面、卷内目录和备考表）。"
            f"\n调解结果：{detail.outcome or '办理中'}")
    if detail.outcome_reason:
        text += f"\n说明：{detail.outcome_reason}"
    check = "；".join(
        f"{'■' if item.present else '□'}{item.title}"
        f"{'' if item.present else ('（缺）' if item.required else '（无）')}"
        for item in checklist)
    rows: list[Row | Pair] = [
        Row("本卷情况说明", text),
        Row("应归档材料", check),
        Row("立卷人", detail.filed_by or "", min_height=8 * mm),
        Row("检查人", "", min_height=8 * mm),
        Row("立卷日期", [legal.date_line(detail.filed_on, styles.cell, align="left")]),
    ]
    return [Para("卷 内 备 考 表", styles.title),
            Para(esc(detail.case_no), styles.number), *legal.form(rows, styles)]


# ---------------------------------------------------------------------------
# The whole file


def _layout(detail: CaseDetail, parts: Sequence[FilePart], checklist: Sequence[FileItem],
            draft: bool, styles: Styles) -> tuple[bytes, dict[str, int]]:
    """The PDF, and the page each part starts on."""
    missing = [item for item in checklist if not item.present and item.required]
    starts: dict[str, int] = {}
    first = parts[0].key if parts else "back"

    def back() -> list[Flowable]:  # made once every document before it is laid out
        body_pages = starts["back"] - starts.get(first, starts["back"])
        return _back(detail, parts, body_pages, checklist, styles)

    story: list[Flowable] = [*_cover(detail, draft), PageBreak(),
                             *_contents(detail, parts, missing, styles)]
    for part in parts:
        story += [PageBreak(), Mark(part.key, part.header, numbered=not part.scan_pages),
                  *part.story]
    story += [PageBreak(), Mark("back", numbered=False), Later(back)]
    buffer = io.BytesIO()
    doc = legal.document(buffer, title=f"人民调解卷宗 {detail.case_no}",
                         author=detail.committee_name)

    def canvasmaker(*args: Any, **kwargs: Any) -> FileCanvas:
        kwargs["initialFontName"] = fonts.serif()
        return FileCanvas(*args, starts=starts, body=(first, "back"), draft=draft, **kwargs)

    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue(), starts


def _place_scans(pdf: bytes, parts: Sequence[FilePart], starts: dict[str, int]) -> bytes:
    """Lay each scanned PDF page, scaled into the text block, onto its reserved page."""
    if not any(p.scan_pages for p in parts):
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for part in parts:
        for index, scan in enumerate(part.scan_pages):
            page = writer.pages[starts[part.key] - 1 + index]
            box = scan.mediabox
            sw, sh = float(box.width), float(box.height)
            room_w, room_h = legal.WIDTH, legal.FRAME_HEIGHT
            scale = min(room_w / sw, room_h / sh)
            tx = legal.LEFT + (room_w - sw * scale) / 2 - float(box.left) * scale
            ty = legal.BOTTOM + (room_h - sh * scale) / 2 - float(box.bottom) * scale
            page.merge_transformed_page(scan, Transformation().scale(scale).translate(tx, ty))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_casefile(detail: CaseDetail, contents: dict[int, bytes], *,
                    progress: Progress | None = None, draft: bool = False) -> bytes:
    """The whole 卷宗 of ``detail``; ``contents`` maps attachment ids to their bytes."""
    styles = Styles()
    checklist = casefile_checklist(detail)
    parts = casefile_parts(detail, contents, styles, progress=progress)
    pdf, starts = _layout(detail, parts, checklist, draft, styles)
    if progress:
        progress(1, 1)
    return _place_scans(pdf, parts, starts)
