"""Every document of every shape of case, checked the way a clerk would read the paper.

Cases of every shape (1-8 parties a side, persons, minors with their 法定代理人,
companies with their 法定代表人, with or without agents; texts from a few characters
to 3,000) are printed and each PDF is read back glyph by glyph (``pdf_checks``):
every entered text is there, no glyph is printed over another or outside the text
block, no line starts with closing punctuation or ends with an opening one, every
party and agent has a labelled place to sign, the committee's seal stands with
agreement text, and the documents that do not fit the case are refused.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.printing import legal
from desktop.printing.casefile import render_casefile
from desktop.printing.linebreak import break_lines, can_break
from desktop.services.errors import ValidationError
from desktop.services.mediation import CaseDetail
from desktop.services.mediation import documents as mediation_documents
from tests.case_shapes import REAL_SIZED, case_detail, shapes
from tests.paper_rules import (
    DOCUMENTS,
    LEGAL_FRAME,
    document_problems,
    entered_texts,
    should_refuse,
)
from tests.pdf_checks import all_problems, read


def problems_of(detail: CaseDetail, contents: dict[int, bytes]) -> list[str]:
    """Every problem of every document of ``detail`` (empty when all is well)."""
    found: list[str] = []
    for document in DOCUMENTS:
        try:
            pdf = mediation_documents.render_detail(detail, document)
        except ValidationError as exc:
            if not should_refuse(detail, document):
                found.append(f"{document}: 不该拒绝：{exc}")
            continue
        if should_refuse(detail, document):
            found.append(f"{document}: 不适合本案却照样生成了")
            continue
        pages = read(pdf)
        found += [f"{document}: {p}" for p in all_problems(
            pdf, LEGAL_FRAME, texts=entered_texts(detail, document), pages=pages)]
        found += [f"{document}: {p}" for p in document_problems(detail, document, pages)]
    casefile = render_casefile(detail, contents, draft=detail.outcome is None)
    found += [f"casefile: {p}" for p in all_problems(casefile, LEGAL_FRAME)]
    return found


def test_the_real_sized_case_of_the_issue_prints_cleanly() -> None:
    detail, contents = case_detail(20261126, REAL_SIZED)
    assert problems_of(detail, contents) == []


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 2**31), shape=shapes())
def test_every_shape_of_case_prints_every_document_cleanly(seed: int, shape) -> None:  # type: ignore[no-untyped-def]
    detail, contents = case_detail(seed, shape)
    assert problems_of(detail, contents) == []


def widths(text: str) -> list[float]:
    return [1.0] * len(text)


@given(st.text(alphabet="一二三四五六七八九十，。、；：？！“”《》（）0123456789ab", max_size=200),
       st.integers(2, 30))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(text: str,
                                                                       width: int) -> None:
    lines = break_lines(text, widths, width)
    assert "".join(line for line, _ in lines) == text
    start = 0
    for line, used in lines[:-1]:
        assert used <= width
        end = start + len(line)
        if not can_break(text, end, words=False):
            # Allowed only when the whole line offered no allowed point.
            assert not any(can_break(text, k, words=False) for k in range(start + 1, end)), (
                line, text[end:end + 3])
        start = end


def test_book_titles_are_not_broken_after_the_opening_mark() -> None:
    text = "依照《中华人民共和国民事诉讼法》的规定"
    for width in range(3, len(text)):
        for line, _ in break_lines(text, widths, width):
            assert not line.endswith("《") and not line.startswith(("》", "的规定》"))


def test_amounts_are_written_in_capitals() -> None:
    assert legal.rmb_upper(Decimal("12500.50")) == "壹万贰仟伍佰元伍角整"
    assert legal.rmb_upper(Decimal("1234567.89")) == "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"
    assert legal.rmb_upper(Decimal("100200")) == "壹拾万零贰佰元整"
    assert legal.rmb_upper(Decimal("1005")) == "壹仟零伍元整"
    assert legal.rmb_upper(Decimal("0.05")) == "伍分"
