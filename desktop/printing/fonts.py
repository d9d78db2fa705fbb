"""The bundled Chinese fonts, registered with ReportLab once.

ReportLab embeds only TrueType (glyf) outlines, so the Noto/Source Han fonts
(CFF) cannot be used. WenQuanYi Micro Hei (a clean 黑体) serves receipts and
registers; AR PL UMing (a 明体/宋体 style) serves formal documents such as the
人民调解协议书, where a Song face is the convention.
"""

from __future__ import annotations

from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop import paths

SANS = "WQYMicroHei"
SERIF = "ARPLUMing"

FONT_FILES = {SANS: "wqy-microhei.ttc", SERIF: "ar-pl-uming.ttc"}


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
