"""Mechanical checks of a printed page, from pdfplumber's character boxes.

What a clerk would see on paper, checked by machine: text that was entered but is
missing, glyphs printed over each other, ink outside the margins, a line that starts
with closing punctuation or ends with an opening one, a signature or seal on a page of
its own. Every check returns a list of human-readable problems (empty when fine).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pdfplumber

from desktop.printing.linebreak import CANNOT_END, CANNOT_START

MM = 72 / 25.4


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float  # of the em box, from the baseline (not the font's tall bbox)
    bottom: float
    size: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    edges: list[tuple[float, float, float, float]]  # x0, top, x1, bottom of rules and boxes
    images: int = 0

    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass(frozen=True)
class Frame:
    """Where ink may go: the text block, and bands for page furniture (header, footer)."""

    left: float
    right: float
    top: float
    bottom: float
    bands: tuple[tuple[float, float], ...] = field(default=())  # (top, bottom) of free bands

    def body(self, page: Page, g: Glyph) -> bool:
        return (g.top >= self.top - 0.5 and g.bottom <= page.height - self.bottom + 0.5)

    def allowed(self, page: Page, g: Glyph) -> bool:
        inside = (g.x0 >= self.left - 0.5 and g.x1 <= page.width - self.right + 0.5
                  and self.body(page, g))
        return inside or any(top <= g.top and g.bottom <= bottom for top, bottom in self.bands)


def read(pdf: bytes) -> list[Page]:
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, p in enumerate(doc.pages, 1):
            height = float(p.height)
            glyphs = []
            for ch in p.chars:
                text = ch["text"]
                if not text.strip():
                    continue
                size = float(ch["size"])
                baseline = height - float(ch["matrix"][5])
                glyphs.append(Glyph(text, float(ch["x0"]), float(ch["x1"]),
                                    baseline - 0.8 * size, baseline + 0.1 * size, size))
            edges = [(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"]))
                     for e in (*p.lines, *p.rects)]
            pages.append(Page(number, float(p.width), height, glyphs, edges, len(p.images)))
    return pages


def glyph_run(page: Page, text: str) -> list[Glyph]:
    """The glyphs of the first run of ``text`` on ``page``, in reading order."""
    chars = page.glyphs
    for start in range(len(chars) - len(text) + 1):
        run = chars[start:start + len(text)]
        if "".join(g.text for g in run) == text:
            return run
    raise AssertionError(f"{text!r} not on page {page.number}: {page.text()[:200]}")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_stream(pages: Sequence[Page], frame: Frame | None) -> list[str]:
    """Each page's text inside the text block, in drawing order (a paragraph stays whole)."""
    return ["".join(g.text for g in p.glyphs if frame is None or frame.body(p, g))
            for p in pages]


def missing_texts(texts: Iterable[str], streams: Sequence[str], *,
                  min_chunk: int = 6) -> list[str]:
    """Entered texts not found in the drawn text.

    A text may be cut by a page break (header rows and other cells come in between), so
    it is matched as chunks of at least ``min_chunk`` characters, in order.
    """
    whole = flat("".join(streams))
    missing = []
    for text in texts:
        want = flat(text)
        if not want or want in whole:
            continue
        if not _in_chunks(want, whole, min_chunk):
            missing.append(text if len(text) < 60 else f"{text[:25]}…{text[-25:]}（{len(text)}字）")
    return missing


def _in_chunks(want: str, whole: str, min_chunk: int) -> bool:
    pos = 0
    rest = want
    while rest:
        # the longest prefix of ``rest`` found after ``pos``
        lo, hi, found = 0, len(rest), -1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            at = whole.find(rest[:mid], pos)
            if at >= 0:
                lo, found = mid, at
            else:
                hi = mid - 1
        if lo == 0 or (lo < min_chunk and lo < len(rest)):
            return False
        if found < 0:
            found = whole.find(rest[:lo], pos)
        pos = found + lo
        rest = rest[lo:]
    return True


def overlaps(page: Page, *, limit: int = 5) -> list[str]:
    """Glyphs printed over each other (more than a fifth of each box shared)."""
    found: list[str] = []
    boxes = sorted(page.glyphs, key=lambda g: g.x0)
    active: list[Glyph] = []
    for g in boxes:
        active = [a for a in active if a.x1 > g.x0 + 0.2 * (g.x1 - g.x0)]
        for a in active:
            w = min(a.x1, g.x1) - max(a.x0, g.x0)
            h = min(a.bottom, g.bottom) - max(a.top, g.top)
            if (w > 0.2 * min(a.x1 - a.x0, g.x1 - g.x0)
                    and h > 0.2 * min(a.bottom - a.top, g.bottom - g.top)):
                found.append(f"第{page.number}页 “{a.text}”与“{g.text}”重叠"
                             f"（x={g.x0 / MM:.1f}mm, y={g.top / MM:.1f}mm）")
                if len(found) >= limit:
                    return found
        active.append(g)
    return found


def outside(page: Page, frame: Frame, *, limit: int = 5) -> list[str]:
    """Glyphs and rules outside the text block (page furniture bands excepted)."""
    found = []
    for g in page.glyphs:
        if not frame.allowed(page, g):
            found.append(f"第{page.number}页 “{g.text}”在版心外（x={g.x0 / MM:.1f}–"
                         f"{g.x1 / MM:.1f}mm, y={g.top / MM:.1f}mm）")
            if len(found) >= limit:
                return found
    for x0, top, x1, bottom in page.edges:
        if (x0 < frame.left - 0.8 or x1 > page.width - frame.right + 0.8
                or top < frame.top - 0.8 or bottom > page.height - frame.bottom + 0.8):
            found.append(f"第{page.number}页 线条在版心外（x={x0 / MM:.1f}–{x1 / MM:.1f}mm, "
                         f"y={top / MM:.1f}–{bottom / MM:.1f}mm）")
            if len(found) >= limit:
                return found
    return found


def lines_of(page: Page) -> list[list[Glyph]]:
    """Glyphs grouped into printed lines: same baseline, no gap wider than half a glyph."""
    rows: dict[int, list[Glyph]] = {}
    for g in page.glyphs:
        rows.setdefault(round(g.bottom * 2), []).append(g)
    lines: list[list[Glyph]] = []
    for row in rows.values():
        row.sort(key=lambda g: g.x0)
        current = [row[0]]
        for g in row[1:]:
            if g.x0 - current[-1].x1 > 0.6 * g.size:
                lines.append(current)
                current = [g]
            else:
                current.append(g)
        lines.append(current)
    return lines


def bad_breaks(page: Page, *, limit: int = 5) -> list[str]:
    """Lines that start with closing punctuation or end with opening punctuation."""
    found = []
    for line in lines_of(page):
        text = "".join(g.text for g in line)
        if text[0] in CANNOT_START and len(text) > 1:
            found.append(f"第{page.number}页 行首标点：“{text[:12]}”")
        elif text[-1] in CANNOT_END:
            found.append(f"第{page.number}页 行末标点：“{text[-12:]}”")
        if len(found) >= limit:
            break
    return found


def signature_problems(streams: Sequence[str], signers: Iterable[str],
                       not_signers: Iterable[str] = ()) -> list[str]:
    """Every ``signers`` label (如 "法定代理人：张三") followed by a place to sign; none for
    ``not_signers`` (a minor signs through his 法定代理人)."""
    whole = "".join(streams)
    problems = []
    for label in signers:
        if not re.search(re.escape(flat(label)) + r"（[^）]{0,12}(签名|盖章|按指印)", whole):
            problems.append(f"没有签名处：{label}")
    for label in not_signers:
        if re.search(re.escape(flat(label)) + r"（(签名|盖章|按指印)", whole):
            problems.append(f"未成年人本人被要求签名：{label}")
    return problems


def alone_on_page(pages: Sequence[Page], marker: str, company: Sequence[str]) -> list[str]:
    """The page holding ``marker`` (the seal line) must also hold one of ``company``."""
    problems = []
    for page in pages:
        text = page.text()
        if flat(marker) in text and not any(flat(c) in text for c in company if flat(c)):
            problems.append(f"第{page.number}页 “{marker}”所在页没有协议正文")
    return problems


def all_problems(pdf: bytes, frame: Frame | None, *, texts: Iterable[str] = (),
                 pages: list[Page] | None = None) -> list[str]:
    """Layout problems of every page plus the entered texts that cannot be found."""
    pages = pages if pages is not None else read(pdf)
    problems: list[str] = []
    for page in pages:
        problems += overlaps(page)
        if frame is not None:
            problems += outside(page, frame)
        problems += bad_breaks(page)
    missing = missing_texts(texts, body_stream(pages, frame))
    problems += [f"缺少文字：{m}" for m in missing]
    return problems
