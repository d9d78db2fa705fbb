"""Paragraphs that break lines by the rules of ``linebreak``.

ReportLab's own CJK breaker hangs a closing mark in the margin (past cell
borders) and knows nothing of opening marks; this Paragraph keeps every line
inside its width and applies the rules in ``linebreak``. A text with several
lines becomes several paragraphs (``paragraphs``): no markup, so every
paragraph is one run of one font, the case this breaker handles.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as _Paragraph

from desktop.printing.linebreak import line_spans


def esc(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def _char_width(ch: str, font: str, size: float) -> float:
    return stringWidth(ch, font, size)


class Para(_Paragraph):
    """A Paragraph of plain text (already escaped) broken by the Chinese rules."""

    def __init__(self, text: str, style: ParagraphStyle, **kwargs: Any) -> None:
        if style.wordWrap != "CJK":
            style = ParagraphStyle(f"{style.name}-cjk", parent=style, wordWrap="CJK")
        super().__init__(text, style, **kwargs)

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        # Where each line starts in the text, for ``split`` (None: ReportLab's lines).
        self._line_starts: list[int] | None = None
        frags = self.frags
        if not _one_run(frags) or self.bulletText:
            return super().breakLinesCJK(maxWidths)
        f = frags[0]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return f.clone(kind=0, lines=self.blPara.lines)
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        # A paragraph continued from the page before holds its text as one of ``words``.
        text = "".join(g.text if hasattr(g, "text") else "".join(g.words) for g in frags)
        font, size = f.fontName, f.fontSize

        def widths(line: str) -> list[float]:
            return [_char_width(ch, font, size) for ch in line]

        spans = line_spans(text, widths, maxWidths)
        lines = [(max_w - used, [text[start:end]]) for (start, end, used), max_w in zip(
            spans, _widths_for(maxWidths), strict=False)]
        self._text, self._line_starts = text, [start for start, _, _ in spans]
        return f.clone(kind=0, lines=lines, ascent=size, descent=-0.2 * size)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """ReportLab's split, but the part for the next page continues the text itself.

        ReportLab rebuilds it from the remaining lines, and the white space dropped at
        each break ("eeee ffff" over two lines) would be lost between them.
        """
        parts = super().split(availWidth, availHeight)
        starts = getattr(self, "_line_starts", None)
        if len(parts) == 2 and starts is not None:
            first, rest = parts
            start = starts[len(first.blPara.lines)]
            rest.frags = [rest.frags[0].clone(words=[self._text[start:]])]
        return parts


def _one_run(frags: list[Any]) -> bool:
    """Plain text in one font (an entity such as &amp;amp; only splits it into pieces).

    ``us_lines`` holds a run's underline and strike-through (ReportLab has no
    ``underline`` attribute on its runs).
    """
    if not frags:
        return False
    first = frags[0]
    return all(
        not hasattr(g, "cbDefn") and not hasattr(g, "lineBreak") and not getattr(g, "link", None)
        and (g.fontName, g.fontSize, g.textColor, getattr(g, "us_lines", None))
        == (first.fontName, first.fontSize, first.textColor, getattr(first, "us_lines", None))
        for g in frags)


def _widths_for(max_widths: Any) -> Any:
    """The width of line 1, 2, …, the last repeated for ever."""
    index = 0
    while True:
        yield max_widths[min(index, len(max_widths) - 1)]
        index += 1


def paragraphs(text: str | None, style: ParagraphStyle, *, keep_blank: bool = False
               ) -> list[Flowable]:
    """One paragraph per line of ``text``, so a typed line break stays a line break.

    A kept blank line is a no-break space: ReportLab drops a paragraph of white space
    (even "　") and gives it no height.
    """
    lines = [line.strip() for line in (text or "").splitlines()]
    if not keep_blank:
        lines = [line for line in lines if line]
    return [Para(esc(line) or "&nbsp;", style) for line in lines]
