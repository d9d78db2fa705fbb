"""Paragraphs (``printing/textflow.py``) and the bundled fonts (``printing/fonts.py``).

A 汉字 of WenQuanYi Micro Hei at 10 pt is exactly 10 pt wide, so the expected lines
can be counted by hand.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib import textsplit
from reportlab.lib.colors import black, red
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, paragraph

from desktop.printing import fonts
from desktop.printing.textflow import Para, esc, paragraphs
from tests import poppler

NEVER_AT_START = "，。、；：！？”’》」』〉）】〕…—·％,.;:!?)]}%"


def style(**kwargs: Any) -> ParagraphStyle:
    return ParagraphStyle("body", **{"fontName": fonts.sans(), "fontSize": 10, "leading": 12,
                                     **kwargs})


def lines_of(para: Para, width: float) -> list[str]:
    para.wrap(width, 10_000)
    bl = para.blPara
    if bl.kind == 0:
        return ["".join(words) for _, words in bl.lines]
    return ["".join(w.text for w in line.words) for line in bl.lines]


def runs_of(para: Para, width: float) -> list[tuple[str, Any]]:
    """Each printed run of text with the ReportLab fragment that draws it."""
    para.wrap(width, 10_000)
    bl = para.blPara
    if bl.kind == 0:
        return [("".join(words), bl) for _, words in bl.lines]
    return [(w.text, w) for line in bl.lines for w in line.words]


def test_a_paragraph_breaks_by_the_chinese_rules_whatever_its_style_says() -> None:
    plain = style()
    para = Para("一二三四五六七八九十，十一", plain)
    assert lines_of(para, 100) == ["一二三四五六七八九", "十，十一"]
    assert [free for free, _ in para.blPara.lines] == [10.0, 60.0]
    assert para.style.wordWrap == "CJK" and para.style.fontName == fonts.SANS
    assert plain.wordWrap is None
    cjk = style(wordWrap="CJK")
    assert Para("甲", cjk).style is cjk


def test_each_line_is_measured_against_its_own_width() -> None:
    para = Para("一二三四五六七八九十甲乙丙丁", style())
    broken = para.breakLinesCJK([30, 40, 50])
    assert [(free, words) for free, words in broken.lines] == [
        (0.0, ["一二三"]), (0.0, ["四五六七"]), (0.0, ["八九十甲乙"]), (30.0, ["丙丁"])]
    single = para.breakLinesCJK(40)
    assert [(free, words) for free, words in single.lines] == [
        (0.0, ["一二三四"]), (0.0, ["五六七八"]), (0.0, ["九十甲乙"]), (20.0, ["丙丁"])]


def test_characters_are_measured_at_the_paragraph_s_size_and_font() -> None:
    large = Para("一二三四五六七", style(fontSize=14, leading=17))
    assert lines_of(large, 50) == ["一二三", "四五六", "七"]
    assert [free for free, _ in large.blPara.lines] == pytest.approx([8.0, 8.0, 36.0])
    latin = Para("WWW", style(fontName=fonts.serif()))
    lines_of(latin, 100)
    assert latin.blPara.lines[0][0] == pytest.approx(
        100 - pdfmetrics.stringWidth("WWW", fonts.SERIF, 10))


def test_a_first_line_indent_shortens_only_the_first_line() -> None:
    para = Para("一二三四五六七八九十甲乙丙丁", style(firstLineIndent=20))
    assert lines_of(para, 100) == ["一二三四五六七八", "九十甲乙丙丁"]
    assert [free for free, _ in para.blPara.lines] == [0.0, 40.0]


def test_a_line_is_as_tall_as_its_glyphs_when_the_leading_follows_them() -> None:
    para = Para("一二三四五六七八九十甲乙丙丁", style(autoLeading="min", leading=30))
    _, height = para.wrap(100, 1000)
    assert (para.blPara.ascent, para.blPara.descent) == (10, -2.0)
    assert height == pytest.approx(2 * 12.0)


def test_a_column_narrower_than_one_character_still_prints_every_character() -> None:
    assert lines_of(Para("甲乙", style()), 8) == ["甲", "乙"]


def test_a_paragraph_wrapped_again_at_another_width_is_broken_again() -> None:
    para = Para("一二三四五六七八九十甲乙丙丁", style())
    assert lines_of(para, 200) == ["一二三四五六七八九十甲乙丙丁"]
    assert lines_of(para, 50) == ["一二三四五", "六七八九十", "甲乙丙丁"]


def test_the_part_left_on_the_first_page_keeps_the_lines_it_was_measured_with() -> None:
    text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii"
    width = pdfmetrics.stringWidth("aaaa bbbb", fonts.SANS, 10) + 0.01
    para = Para(text, style())
    assert lines_of(para, width) == [
        "aaaa bbbb", "cccc dddd", "eeee ffff", "gggg hhhh", "iiii"]
    first, _ = para.split(width, 25)
    assert lines_of(first, width) == ["aaaa bbbb", "cccc dddd"]


def test_a_paragraph_split_over_pages_keeps_every_character() -> None:
    text = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸，子丑寅卯。"
    para = Para(text, style())
    whole = lines_of(para, 50)
    first, rest = para.split(50, 25)
    assert lines_of(first, 50) == whole[:2]
    assert lines_of(rest, 50) == whole[2:]
    assert "".join(whole) == text
    # The next page's frame may be wider: the rest is broken again, nothing added.
    assert lines_of(rest, 70) == ["甲乙丙丁戊己庚", "辛壬癸，子丑寅", "卯。"]


def test_a_paragraph_of_several_runs_splits_over_pages_by_reportlab_s_own_lines() -> None:
    text = "<font color='red'>红</font>" + "黑" * 20
    para = Para(text, style())
    whole = lines_of(para, 50)
    assert len(whole) > 2
    first, rest = para.split(50, 25)
    # ReportLab's lines of runs end in the space it would justify with.
    assert [line.strip() for line in lines_of(first, 50) + lines_of(rest, 50)] == [
        line.strip() for line in whole]


def text_of(para: Para) -> str:
    """The whole text of a paragraph, as it prints on one line wide enough for it."""
    (line,) = lines_of(para, 100_000)
    return line


def test_the_part_continued_on_the_next_page_keeps_the_spaces_between_words() -> None:
    text = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii"
    width = pdfmetrics.stringWidth("aaaa bbbb", fonts.SANS, 10) + 0.01
    first, rest = Para(text, style()).split(width, 25)
    assert lines_of(first, width) == ["aaaa bbbb", "cccc dddd"]
    assert text_of(rest) == "eeee ffff gggg hhhh iiii"
    assert lines_of(rest, width) == ["eeee ffff", "gggg hhhh", "iiii"]
    # Split again on the next page, and broken again in a wider frame.
    again, last = rest.split(width, 25)
    assert lines_of(again, width) == ["eeee ffff", "gggg hhhh"]
    assert text_of(last) == "iiii"
    wider = pdfmetrics.stringWidth("eeee ffff gggg", fonts.SANS, 10) + 0.01
    assert lines_of(rest, wider) == ["eeee ffff gggg", "hhhh iiii"]


def test_chinese_and_latin_continued_on_the_next_page_keep_the_spaces_they_had() -> None:
    text = "乙方北京 Acme Trading Co Ltd，住所 Room 1203 Jianguo Road 朝阳区，联系人 Li Ming"
    para = Para(text, style())
    assert lines_of(para, 60) == [
        "乙方北京", "Acme", "Trading Co", "Ltd，住所", "Room 1203", "Jianguo Road",
        "朝阳区，联系", "人 Li Ming"]
    first, rest = para.split(60, 36)
    assert lines_of(first, 60) == ["乙方北京", "Acme", "Trading Co"]
    assert text_of(rest) == "Ltd，住所 Room 1203 Jianguo Road 朝阳区，联系人 Li Ming"
    assert text == " ".join(lines_of(first, 60)) + " " + text_of(rest)


def test_chinese_continued_on_the_next_page_gets_no_space() -> None:
    text = "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸，子丑寅卯。"
    first, rest = Para(text, style()).split(50, 25)
    assert lines_of(first, 50) == ["一二三四五", "六七八九十"]
    assert text_of(rest) == "甲乙丙丁戊己庚辛壬癸，子丑寅卯。"
    assert "".join(lines_of(first, 50)) + text_of(rest) == text


def test_a_document_prints_the_rest_of_a_paragraph_on_the_next_pages_with_its_spaces(
        ) -> None:
    text = "乙方北京 Acme Trading Co Ltd，住所 Room 1203 Jianguo Road 朝阳区，联系人 Li Ming"
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=(60, 36), leftMargin=0, rightMargin=0, topMargin=0,
                          bottomMargin=0)
    doc.addPageTemplates([PageTemplate(frames=[Frame(
        0, 0, 60, 36, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)])])
    doc.build([Para(text, style())])
    pages = [page.strip("\n").split("\n")
             for page in poppler.text_of(out.getvalue()).split("\f")[:-1]]
    assert pages == [["乙方北京", "Acme", "Trading Co"],
                     ["Ltd，住所", "Room 1203", "Jianguo Road"],
                     ["朝阳区，联系", "人 Li Ming"]]


# Chinese characters and marks, Latin words (a name, a number) and single spaces, as
# ReportLab keeps them: no space at either end nor two together.
_PIECE = st.sampled_from(["甲", "乙丙", "，", "。", "（丁）", "Li", "Ming", "1203", "Co.",
                          "Acme", "Road"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_PIECE, st.sampled_from(["", " "])), min_size=1, max_size=30),
       st.integers(20, 90), st.integers(2, 6))
def test_a_split_loses_no_character_and_no_space_inside_the_rest(
        pieces: list[tuple[str, str]], width: int, kept: int) -> None:
    text = "".join(piece + gap for piece, gap in pieces).strip()
    parts = Para(text, style(allowOrphans=1)).split(width, 12 * kept + 1)
    if len(parts) < 2:
        return
    first, rest = parts
    left, continued = "".join(lines_of(first, width)), text_of(rest)
    # The rest is the original text from where a line starts: every space in it kept.
    assert text.endswith(continued) and not continued.startswith(" ")
    before = text[:len(text) - len(continued)]
    assert before.replace(" ", "") == left.replace(" ", "")
    assert (left + continued).replace(" ", "") == text.replace(" ", "")


def test_a_bullet_gets_its_room_on_the_first_line() -> None:
    para = Para("一二三四五六七八九十甲乙丙丁", style(wordWrap="CJK"), bulletText="（一）")
    assert lines_of(para, 100)[0] == "一二三四五六七"


def test_an_escaped_mark_does_not_make_a_paragraph_mixed() -> None:
    para = Para(esc("一二三四五六七八九&，十"), style())
    assert lines_of(para, 100) == ["一二三四五六七八九", "&，十"]


def test_runs_in_another_colour_font_size_or_underline_keep_it() -> None:
    assert [(t, r.textColor) for t, r in runs_of(
        Para("<font color='red'>红</font>黑", style()), 100)] == [("红", red), ("黑", black)]
    assert [(t, r.fontName) for t, r in runs_of(
        Para(f"<font name='{fonts.serif()}'>宋</font>黑", style()), 100)] == [
        ("宋", fonts.SERIF), ("黑", fonts.SANS)]
    assert [(t, r.fontSize) for t, r in runs_of(
        Para("<font size='14'>大</font>小", style()), 100)] == [("大", 14), ("小", 10)]
    assert [(t, bool(r.us_lines)) for t, r in runs_of(
        Para("<u>下</u>划", style()), 100)] == [("下", True), ("划", False)]
    assert [(t, bool(r.us_lines)) for t, r in runs_of(
        Para("<strike>删</strike>除", style()), 100)] == [("删", True), ("除", False)]


def test_a_link_a_forced_break_and_an_anchor_are_kept() -> None:
    assert [(t, r.link) for t, r in runs_of(
        Para("<a href='https://example.org'>链</a>接", style()), 100)] == [
        ("链", [(0, "https://example.org")]), ("接", [])]
    assert lines_of(Para("甲<br/>乙", style()), 100) == ["甲", "乙"]
    marks: list[str] = []

    class Recording(Canvas):
        def bookmarkHorizontal(self, key: str, relativeX: float, relativeY: float) -> None:
            marks.append(key)
            super().bookmarkHorizontal(key, relativeX, relativeY)

    canvas = Recording(io.BytesIO())
    anchored = Para("<a name='here'/>甲乙", style())
    anchored.wrapOn(canvas, 100, 100)
    anchored.drawOn(canvas, 0, 0)
    assert marks == ["here"]


def test_an_empty_paragraph_takes_no_room() -> None:
    assert Para("", style()).wrap(100, 100) == (100, 0)


def test_each_typed_line_is_a_paragraph_and_blank_lines_are_dropped_unless_kept() -> None:
    typed = " 甲 \n\n　\n乙&丙\n"
    assert [p.text for p in paragraphs(typed, style())] == ["甲", "乙&amp;丙"]
    kept = paragraphs(typed, style(), keep_blank=True)
    assert [p.text for p in kept] == ["甲", "&nbsp;", "&nbsp;", "乙&amp;丙"]
    assert [p.wrap(100, 100)[1] for p in kept] == [12, 12, 12, 12]
    assert paragraphs(None, style()) == []
    assert all(isinstance(p, Para) for p in paragraphs(typed, style()))


def test_markup_characters_are_escaped() -> None:
    assert esc("<&>") == "&lt;&amp;&gt;"
    assert esc("&lt;") == "&amp;lt;"
    assert esc(None) == "" and esc("") == ""


def test_the_two_bundled_faces_are_registered_under_their_names() -> None:
    assert fonts.sans() == "WQYMicroHei" and fonts.serif() == "ARPLUMing"
    assert pdfmetrics.getFont(fonts.sans()).face.familyName == b"WenQuanYi Micro Hei"
    assert pdfmetrics.getFont(fonts.serif()).face.familyName == b"AR PL UMing CN"
    assert fonts.register(fonts.SANS) == fonts.SANS


@pytest.mark.parametrize("module", [paragraph, textsplit], ids=["paragraph", "textsplit"])
def test_reportlab_s_own_breakers_know_the_chinese_closing_marks(module: Any) -> None:
    assert all(mark in module.ALL_CANNOT_START for mark in NEVER_AT_START)
    # ReportLab's own marks (the Japanese long vowel, ℃) stay.
    assert "ー" in module.ALL_CANNOT_START and "℃" in module.ALL_CANNOT_START


def test_a_mixed_font_paragraph_never_starts_a_line_with_a_closing_mark() -> None:
    para = Para("<font color='red'>一</font>二三四五六七八九十，十一", style())
    assert all(not line.startswith("，") for line in lines_of(para, 100))
    bulleted = Para("一二三四五六七，八九十", style(wordWrap="CJK"), bulletText="（一）")
    assert all(not line.startswith("，") for line in lines_of(bulleted, 100))


def test_characters_either_document_font_lacks_are_undrawable() -> None:
    assert fonts.undrawable("王秀英，（一）ABC 123") == ""
    assert fonts.undrawable("刏") == "刏"  # only in WenQuanYi Micro Hei
    assert fonts.undrawable("Ɨ") == "Ɨ"  # only in AR PL UMing
    assert fonts.undrawable("😀王😀🙂") == "😀🙂"
    assert fonts.undrawable("甲 \t\n　乙") == ""
