"""The Chinese line-breaking rules of ``printing/linebreak.py``, one by one, on exact lines.

Every character is one unit wide unless a test says otherwise, so each expected line
can be checked by counting. The marks are listed here by hand, not taken from the
module: a mark dropped from (or added to) its lists changes a line below.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.printing.linebreak import break_lines, can_break, count_lines, line_spans

NEVER_AT_START = "，。、；：！？”’》」』〉）】〕…—·％,.;:!?)]}%"
NEVER_AT_END = "“‘《「『〈（【〔([{￥$"


def units(text: str) -> list[float]:
    return [1.0] * len(text)


@pytest.mark.parametrize("mark", NEVER_AT_START)
def test_a_closing_mark_is_pushed_down_with_the_character_before_it(mark: str) -> None:
    assert not can_break("乙" + mark, 1)
    assert break_lines("甲乙" + mark, units, 2) == [("甲", 1.0), ("乙" + mark, 2.0)]


@pytest.mark.parametrize("mark", NEVER_AT_END)
def test_an_opening_mark_goes_down_with_the_character_after_it(mark: str) -> None:
    assert not can_break(mark + "乙", 1)
    assert break_lines("甲" + mark + "乙丙", units, 2) == [
        ("甲", 1.0), (mark + "乙", 2.0), ("丙", 1.0)]


@pytest.mark.parametrize("ch", ["汉", "X", "Ｘ", "1", "#", "～", "　"])
def test_other_characters_may_start_and_end_a_line(ch: str) -> None:
    assert can_break("甲" + ch, 1)
    assert can_break(ch + "甲", 1)


def test_latin_words_and_numbers_are_kept_together() -> None:
    assert not can_break("ab", 1)
    assert not can_break("AXB", 1) and not can_break("AXB", 2)
    assert not can_break("010-62345678", 3) and not can_break("010-62345678", 4)
    assert can_break("ab", 1, words=False)
    assert can_break("汉a", 1) and can_break("a汉", 1)
    assert can_break("ab cd", 2) and can_break("ab cd", 3)
    assert break_lines("号码13800138000", units, 5) == [
        ("号码", 2.0), ("13800", 5.0), ("13800", 5.0), ("0", 1.0)]
    assert break_lines("汉ABC", units, 3) == [("汉", 1.0), ("ABC", 3.0)]


@pytest.mark.parametrize("bracket", "([{")
def test_a_line_may_end_before_a_bracket_after_a_word(bracket: str) -> None:
    assert can_break("ab" + bracket + "c", 2)


@pytest.mark.parametrize("bracket", ")]}")
def test_a_line_may_end_after_a_closing_bracket_before_a_word(bracket: str) -> None:
    assert can_break("a" + bracket + "c", 2)


def test_a_space_breaks_a_line_but_not_before_a_closing_or_after_an_opening_mark() -> None:
    assert break_lines("甲乙 ，丙丁", units, 3) == [("甲", 1.0), ("乙 ，", 3.0), ("丙丁", 2.0)]
    assert break_lines("甲乙 ）丙", units, 3) == [("甲", 1.0), ("乙 ）", 3.0), ("丙", 1.0)]
    assert break_lines("甲（ 乙丙丁", units, 3) == [("甲", 1.0), ("（ 乙", 3.0), ("丙丁", 2.0)]
    assert break_lines("甲（　乙丙丁", units, 3) == [("甲", 1.0), ("（　乙", 3.0), ("丙丁", 2.0)]
    assert not can_break("甲 ，", 2) and not can_break("甲 ，", 1)
    assert not can_break("（ 乙", 1) and not can_break("（ 乙", 2)
    assert can_break("甲 乙", 1) and can_break("甲 乙", 2)
    assert can_break("。 （", 1) and can_break("。 （", 2)


def test_the_spaces_at_a_break_are_dropped() -> None:
    assert break_lines("一二 三四", units, 2) == [("一二", 2.0), ("三四", 2.0)]
    assert break_lines("一 二三", units, 2) == [("一", 1.0), ("二三", 2.0)]
    assert break_lines("一二   三四", units, 3) == [("一二", 2.0), ("三四", 2.0)]
    assert break_lines("一二 ", units, 2) == [("一二", 2.0)]
    assert break_lines("一二 ", units, 5) == [("一二", 2.0)]


def test_each_line_s_place_in_the_text_keeps_the_spaces_dropped_between_lines() -> None:
    text = "ab cd 甲乙  ef"
    spans = line_spans(text, units, 3)
    assert spans == [(0, 2, 2.0), (3, 5, 2.0), (6, 8, 2.0), (10, 12, 2.0)]
    assert [(text[start:end], used) for start, end, used in spans] == break_lines(
        text, units, 3)
    assert [text[start:] for start, _, _ in spans] == [
        "ab cd 甲乙  ef", "cd 甲乙  ef", "甲乙  ef", "ef"]
    assert line_spans("", units, 3) == [(0, 0, 0.0)]


def test_a_too_long_number_is_cut_rather_than_a_closing_mark_starting_a_line() -> None:
    assert break_lines("ABCD，EFGH", units, 4) == [("ABC", 3.0), ("D，", 2.0), ("EFGH", 4.0)]
    assert break_lines("汉ABCDEFGH", units, 4) == [("汉", 1.0), ("ABCD", 4.0), ("EFGH", 4.0)]


def test_a_run_of_marks_longer_than_the_line_is_cut_where_the_line_is_full() -> None:
    assert break_lines("——————", units, 4) == [("————", 4.0), ("——", 2.0)]


def test_a_glyph_wider_than_the_line_goes_on_a_line_of_its_own() -> None:
    assert break_lines("汉字", lambda t: [5.0] * len(t), 3) == [("汉", 5.0), ("字", 5.0)]


def test_a_line_is_full_at_exactly_its_width_despite_rounding() -> None:
    assert break_lines("一二三四", units, 2) == [("一二", 2.0), ("三四", 2.0)]
    tenths = break_lines("一二三四", lambda t: [0.1] * len(t), 0.3)
    assert [line for line, _ in tenths] == ["一二三", "四"]
    assert tenths[0][1] == pytest.approx(0.3)
    # A hundred-thousandth over is over.
    assert break_lines("一二三", lambda t: [1.0, 1.0, 1e-5][:len(t)], 2) == [
        ("一二", 2.0), ("三", 1e-5)]


def test_each_line_has_its_own_width_and_the_last_one_repeats() -> None:
    text = "一二三四五六七八九十"
    assert break_lines(text, units, [2, 3, 4]) == [
        ("一二", 2.0), ("三四五", 3.0), ("六七八九", 4.0), ("十", 1.0)]
    assert break_lines(text, units, (4, 3)) == [
        ("一二三四", 4.0), ("五六七", 3.0), ("八九十", 3.0)]
    assert break_lines(text, units, 2.5) == [
        ("一二", 2.0), ("三四", 2.0), ("五六", 2.0), ("七八", 2.0), ("九十", 2.0)]


def test_the_width_used_is_that_of_the_printed_characters() -> None:
    def widths(text: str) -> list[float]:
        return [0.5 if ch.isascii() else 1.0 for ch in text]

    assert break_lines("甲乙 ab 丙丁", widths, 3.5) == [("甲乙 ab", 3.5), ("丙丁", 2.0)]
    assert break_lines("甲乙丙 ab", widths, 3.5) == [("甲乙丙", 3.0), ("ab", 1.0)]


def test_an_empty_paragraph_is_one_empty_line() -> None:
    assert break_lines("", units, 5) == [("", 0.0)]


def test_lines_are_counted_paragraph_by_paragraph() -> None:
    def one(_: str) -> float:
        return 1.0

    assert count_lines("一二三\n\n四", one, 2) == 4
    assert count_lines("一二三四五", one, 2) == 3
    assert count_lines("一二", one, 2) == 1
    assert count_lines("", one, 2) == 1
    assert count_lines("一二三四", lambda _: 2.0, 4) == 2
    # Each character is measured by itself: four narrow ones fill a line, a wide one wraps.
    assert count_lines("aaaa一", lambda ch: 1.0 if ch.isascii() else 2.0, 4) == 2


def test_a_line_may_overshoot_its_width_by_rounding_only() -> None:
    assert line_spans("ab", lambda _: [1.0, 1e-6], 1.0) == [(0, 2, 1.0 + 1e-6)]
    assert line_spans("ab", lambda _: [1.0, 1e-5], 1.0) == [(0, 1, 1.0), (1, 2, 1e-5)]


# Paragraphs made of words, marks stuck to them and single spaces: every line offers a
# place to break, so no rule ever has to give way.
_WORD = st.sampled_from(["甲", "乙丙", "丁戊己"])
_TOKEN = st.one_of(
    _WORD,
    st.tuples(st.sampled_from(NEVER_AT_END), _WORD).map("".join),
    st.tuples(_WORD, st.sampled_from(NEVER_AT_START)).map("".join),
    st.tuples(_WORD, st.just(" ")).map("".join),
)


@given(st.lists(_TOKEN, max_size=40).map("".join), st.integers(8, 20))
def test_no_line_breaks_a_rule_and_no_text_is_lost(text: str, width: int) -> None:
    lines = break_lines(text, units, width)
    assert "".join(line for line, _ in lines).replace(" ", "") == text.replace(" ", "")
    for line, used in lines:
        assert used == len(line) <= width
        assert not line.startswith(tuple(NEVER_AT_START + " "))
        assert not line.endswith(tuple(NEVER_AT_END + " "))
    # Between two lines lies only the white space dropped at the break.
    spans = line_spans(text, units, width)
    assert [text[start:end] for start, end, _ in spans] == [line for line, _ in lines]
    assert all(not text[end:start].strip()
               for (_, end, _), (start, _, _) in pairwise(spans))
