"""The Chinese line-breaking rules, in one place, for every document and register.

GB/T 15834 and common typesetting practice: closing punctuation never starts a
line, opening punctuation (and "《") never ends one, and a run of Latin letters
or digits (an amount, a 身份证号, a phone number) is not cut unless it is longer
than the line. A mark that may not start a line is pushed down together with the
character before it, never hung in the margin: nothing is printed past the width.

No ReportLab here: the registers use ``break_lines`` to size their rows too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

CANNOT_START = "，。、；：！？”’》」』〉）】〕…—·％,.;:!?)]}%"
CANNOT_END = "“‘《「『〈（【〔([{￥$"
_FUZZ = 1e-6


def _in_word(ch: str) -> bool:
    """Latin letters, digits and the marks inside numbers: kept together on a line."""
    return ch.isascii() and not ch.isspace() and ch not in "([{)]}"


def can_break(text: str, at: int, *, words: bool = True) -> bool:
    """Whether a line may end before ``text[at]`` (``words``: nor inside a Latin word).

    White space is dropped where a line is broken, so at a space the marks on either
    side of it decide: "甲 ，乙" is not broken before the "，" nor "（ 乙" after the "（".
    """
    before, after = text[at - 1], text[at]
    if after.isspace() or before.isspace():
        return not (text[at:].lstrip().startswith(tuple(CANNOT_START))
                    or text[:at].rstrip().endswith(tuple(CANNOT_END)))
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (words and _in_word(before) and _in_word(after))


def _break_point(text: str, start: int, end: int) -> int:
    """Where to end the line that would be full at ``end``: the last allowed point;
    inside a too-long number rather than before a closing mark; else where it is full."""
    for words in (True, False):
        cut = end
        while cut > start + 1 and not can_break(text, cut, words=words):
            cut -= 1
        if can_break(text, cut, words=words):
            return cut
    return end


def break_lines(text: str, widths: Callable[[str], Sequence[float]],
                max_widths: Sequence[float] | float) -> list[tuple[str, float]]:
    """Split one paragraph (no newlines) into (line, width used) pairs.

    ``widths(text)`` gives each character's advance; ``max_widths`` is the width of the
    first, second, … line (the last one repeats).
    """
    spans = line_spans(text, widths, max_widths)
    return [(text[start:end], used) for start, end, used in spans]


def line_spans(text: str, widths: Callable[[str], Sequence[float]],
               max_widths: Sequence[float] | float) -> list[tuple[int, int, float]]:
    """The lines of ``break_lines`` as (start, end, width used): ``text[start:end]``.

    The white space dropped at a break lies between one line's end and the next one's
    start, so ``text[start:]`` is exactly what is left from a line on.
    """
    limits = [max_widths] if isinstance(max_widths, int | float) else list(max_widths)
    advance = list(widths(text))
    spans: list[tuple[int, int, float]] = []
    n = len(text)
    pos = 0
    while pos < n:
        limit = limits[min(len(spans), len(limits) - 1)]
        end, used = pos, 0.0
        while end < n and used + advance[end] <= limit + _FUZZ:
            used += advance[end]
            end += 1
        end = max(end, pos + 1)  # a glyph wider than the line still goes somewhere
        cut = n if end == n else _break_point(text, pos, end)
        stop = pos + len(text[pos:cut].rstrip())
        spans.append((pos, stop, sum(advance[pos:stop])))
        pos = cut
        while pos < n and text[pos] == " ":
            pos += 1
    return spans or [(0, 0, 0.0)]


def count_lines(text: str, width_of: Callable[[str], float], max_width: float) -> int:
    """How many lines ``text`` (newlines included) takes at ``max_width``."""
    def widths(line: str) -> list[float]:
        return [width_of(ch) for ch in line]

    # An empty line is one line too: break_lines gives it one, empty.
    return sum(len(break_lines(part, widths, max_width)) for part in text.split("\n"))
