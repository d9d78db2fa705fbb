"""The bundled Chinese fonts, registered with ReportLab once.

ReportLab embeds only TrueType (glyf) outlines, so the Noto/Source Han fonts
(CFF) cannot be used. WenQuanYi Micro Hei (a clean 黑体) serves receipts and
registers; AR PL UMing (a 明体/宋体 style) serves formal documents such as the
人民调解协议书, where a Song face is the convention.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import textsplit as _rl_textsplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import paragraph as _rl_paragraph

from desktop import paths
from desktop.printing.linebreak import CANNOT_START

SANS = "WQYMicroHei"
SERIF = "ARPLUMing"

FONT_FILES = {SANS: "wqy-microhei.ttc", SERIF: "ar-pl-uming.ttc"}

# Our paragraphs (textflow.Para) break lines by printing/linebreak.py. A paragraph with
# mixed fonts still goes through ReportLab's own breaker, whose list of marks that may
# not start a line lacks most Chinese ones: give it ours (both the simple and the
# mixed-font breakers keep their own copy).
for _module in (_rl_paragraph, _rl_textsplit):
    if not all(ch in _module.ALL_CANNOT_START for ch in CANNOT_START):
        _module.ALL_CANNOT_START += "".join(  # type: ignore[attr-defined]
            ch for ch in CANNOT_START if ch not in _module.ALL_CANNOT_START)


@cache
def register(name: str) -> str:
    """Register one bundled font with ReportLab and return its name."""
    path = paths.resource("fonts", FONT_FILES[name])
    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def sans() -> str:
    return register(SANS)


def serif() -> str:
    return register(SERIF)


@cache
def _drawable() -> frozenset[int]:
    """The code points both document fonts have a glyph for."""
    faces = [pdfmetrics.getFont(register(name)).face for name in FONT_FILES]
    common = set(faces[0].charToGlyph)  # type: ignore[attr-defined]
    for face in faces[1:]:
        common &= set(face.charToGlyph)  # type: ignore[attr-defined]
    return frozenset(common)


def undrawable(text: str) -> str:
    """The characters of ``text`` a printed document would show as a gap (emoji, rare 汉字).

    White space is never printed as a glyph, so it does not count.
    """
    drawable = _drawable()
    missing = dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in drawable)
    return "".join(missing)
