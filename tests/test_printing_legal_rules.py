"""What every legal paper shares (printing/legal), measured on small documents built with it.

The papers' own tests read whole documents; these pin the shared parts at the size and
place a printed form needs: amounts in capitals, the signature rows and the room for the
committee's seal, the blanks to fill by hand, the page numbers and the running header.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from desktop.printing import legal
from desktop.printing.legal import Blank, FillLine, Pair, Row, Signer, SignGroup
from desktop.printing.textflow import Para
from tests import poppler
from tests.pdf_checks import Page, glyph_run, read
from tests.test_paper_letters_rules import lines_of, pdf_info

HALF = legal.WIDTH / 2
RIGHT_EDGE = legal.PAGE[0] - legal.RIGHT
PADDING = 3  # ReportLab's default top and bottom padding of a table cell
COMMITTEE = "东林街道人民调解委员会"


@pytest.fixture
def styles() -> legal.Styles:
    """Made in each test, so that a test of the styles sees the code it tests."""
    return legal.Styles()


@pytest.mark.parametrize(("amount", "capitals"), [
    ("0", "零元整"),
    ("0.004", "零元整"),
    ("0.07", "柒分"),
    ("0.5", "伍角整"),
    ("0.75", "柒角伍分"),
    ("1", "壹元整"),
    ("1.07", "壹元零柒分"),
    ("1.70", "壹元柒角整"),
    ("10.5", "壹拾元伍角整"),
    ("20.30", "贰拾元叁角整"),
    ("100.05", "壹佰元零伍分"),
    ("101", "壹佰零壹元整"),
    ("1011", "壹仟零壹拾壹元整"),
    ("10001", "壹万零壹元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("10100000", "壹仟零壹拾万元整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("100010000", "壹亿零壹万元整"),
    ("1000000000000", "壹万亿元整"),
    ("-12.5", "负壹拾贰元伍角整"),
])
def test_amounts_in_capitals_follow_the_cheque_rules(amount: str, capitals: str) -> None:
    """One 零 for any run of zeros inside the amount (across 万 and 亿 too), none at the
    end of a group; 整 when there are no 分; 零 between 元 and 分 when there are no 角."""
    assert legal.rmb_upper(Decimal(amount)) == capitals


def test_an_empty_field_prints_nothing_and_a_chosen_placeholder_when_given(
    styles: legal.Styles,
) -> None:
    story = [legal.para(None, styles.body), legal.para("", styles.body),
             *legal.labelled("纠纷主要事实", None, styles), *legal.labelled("争议事项", "", styles),
             *legal.labelled("其他", None, styles, empty="（无）")]
    page, = read(_build(story))
    assert page.text() == "纠纷主要事实：争议事项：其他：（无）第1页共1页"
    placeholder = glyph_run(page, "（无）")[0]
    label = glyph_run(page, "其他：")[0]
    assert placeholder.x0 - label.x0 == pytest.approx(2 * legal.BODY_SIZE, abs=0.5)


def _build(story: list[Flowable], *, header: str = "") -> bytes:
    return legal.build(story, title="测试文书", header=header, author="东林街道人民调解委员会")


def _rules(page: Page) -> list[tuple[float, float, float, float]]:
    """The horizontal rules drawn on the page (underlined blanks), left to right."""
    return sorted((e for e in page.edges if abs(e[1] - e[3]) < 0.5 and e[2] - e[0] > 5),
                  key=lambda e: (round(e[1]), e[0]))


def test_the_committee_block_leaves_45_mm_for_the_seal_over_its_last_line(
    styles: legal.Styles,
) -> None:
    block = legal.staff_and_seal([Signer("人民调解员："), Signer("记录人：")], COMMITTEE,
                                 date(2026, 3, 4), styles)
    _, height = block.wrap(legal.WIDTH, legal.FRAME_HEIGHT)
    assert height == pytest.approx(legal.SEAL + 2 * PADDING)
    # Without the seal, the block is as tall as its text (the signers' side here).
    unsealed = legal.staff_and_seal([Signer("记录人：")], "东林街道人民调解委员会",
                                    date(2026, 3, 4), styles, seal=False)
    signer = styles.cell.leading + styles.small.leading + styles.sign_line.leading
    assert unsealed.wrap(legal.WIDTH, legal.FRAME_HEIGHT)[1] == pytest.approx(
        signer + 2 * PADDING)


def test_a_committee_name_broken_in_its_half_still_gets_exactly_the_seal_s_room(
    styles: legal.Styles,
) -> None:
    """The name's lines are measured in the half they are printed in."""
    name = "某某省某某市某某区某某街道某某社区居民委员会人民调解委员会"
    block = legal.staff_and_seal([], name, None, styles)
    assert block.wrap(legal.WIDTH, legal.FRAME_HEIGHT)[1] == pytest.approx(
        legal.SEAL + 2 * PADDING)
    page, = read(_build([block]))
    note = glyph_run(page, "（人民调解委员会印）")[0]
    tops = {round(g.top) for g in page.glyphs if g.top < note.top}
    assert len(tops) == 2  # broken in two lines inside the right half


def test_a_committee_block_taller_than_the_seal_adds_no_room(styles: legal.Styles) -> None:
    note = "（" + "本协议经双方当事人签名并经人民调解委员会盖章后生效" * 4 + "）"
    sealed = legal.staff_and_seal([], "东林街道人民调解委员会", None, styles, note=note)
    unsealed = legal.staff_and_seal([], "东林街道人民调解委员会", None, styles, note=note,
                                    seal=False)
    height = unsealed.wrap(legal.WIDTH, legal.FRAME_HEIGHT)[1]
    assert height > legal.SEAL
    assert sealed.wrap(legal.WIDTH, legal.FRAME_HEIGHT)[1] == pytest.approx(height)


def test_the_committee_block_signers_left_and_the_committee_centred_right(
    styles: legal.Styles,
) -> None:
    block = legal.staff_and_seal([Signer("人民调解员："), Signer("记录人：")], COMMITTEE,
                                 None, styles)
    page, = read(_build([block]))
    lines = _rules(page)
    signer_lines = [e for e in lines if e[2] < legal.LEFT + HALF]
    assert len(signer_lines) == 2
    for x0, _, x1, _ in signer_lines:  # a blank of half the text block less 20 mm
        assert x1 - x0 == pytest.approx(HALF - 20 * mm - 2, abs=0.1)
        assert x0 == pytest.approx(legal.LEFT + 1, abs=0.1)
    middle = legal.LEFT + HALF * 1.5
    name = glyph_run(page, "东林街道人民调解委员会")
    assert (name[0].x0 + name[-1].x1) / 2 == pytest.approx(middle, abs=1)
    seal_note = glyph_run(page, "（人民调解委员会印）")
    assert (seal_note[0].x0 + seal_note[-1].x1) / 2 == pytest.approx(middle, abs=1)
    # The blank date (年 月 日) is centred under them too.
    date_blanks = [e for e in lines if e[0] > legal.LEFT + HALF]
    year, day = glyph_run(page, "年")[0], glyph_run(page, "日")[0]
    assert (date_blanks[0][0] - 1 + day.x1) / 2 == pytest.approx(middle, abs=1)
    assert year.top > name[0].top


def _parties(count: int) -> list[SignGroup]:
    return [SignGroup(Signer(f"申请人：当事人{n}", "签名、盖章或按指印"))
            for n in range(1, count + 1)]


def test_signatures_stay_on_the_page_of_the_text_s_last_lines(styles: legal.Styles) -> None:
    lead = [Para("本协议一式三份，当事人各执一份，人民调解委员会留存一份。", styles.indent)]
    story: list[Flowable] = [Spacer(1, legal.FRAME_HEIGHT - 60),
                             *legal.signing(lead, _parties(2), None, styles)]
    first, second = read(_build(story))
    assert "本协议一式三份" not in first.text()
    assert second.text().startswith("本协议一式三份")
    assert "当事人：" in second.text() and "当事人签名：" not in second.text()


def test_too_many_parties_for_a_page_break_between_parties_under_a_repeated_heading(
    styles: legal.Styles,
) -> None:
    """The closing block stays with the text; the parties' table follows and repeats its
    heading ("当事人签名：") on every page, a party never split."""
    lead = [Para("本协议自各方当事人签名之日起生效。", styles.indent)]
    closing = legal.staff_and_seal([Signer("人民调解员：")], "东林街道人民调解委员会", None, styles)
    story = legal.signing(lead, _parties(24), closing, styles)
    pages = read(_build(story))
    assert len(pages) >= 3
    first = pages[0].text()
    assert first.startswith("本协议自各方当事人签名之日起生效。") and COMMITTEE in first
    for page in pages[1:]:
        assert page.text().startswith("当事人签名：申请人：当事人")
    named = [n for page in pages for n in range(1, 25)
             if f"当事人{n}（" in page.text()]
    assert named == list(range(1, 25))  # each party once, in order


def test_signing_without_a_closing_block_or_a_heading(styles: legal.Styles) -> None:
    lead = [Para("以上内容经当事人确认无误。", styles.indent)]
    page, = read(_build(legal.signing(lead, _parties(1), None, styles, heading="")))
    assert page.text().startswith("以上内容经当事人确认无误。申请人：当事人1")


def test_text_height_counts_the_space_around_each_paragraph(styles: legal.Styles) -> None:
    style = ParagraphStyle("spaced", parent=styles.body, spaceBefore=6, spaceAfter=10)
    one = Para("一行字", style)
    assert legal.text_height([one]) == pytest.approx(legal.LEADING + 16, abs=0.5)
    assert legal.text_height([one, Spacer(1, 30)]) == pytest.approx(legal.LEADING + 46, abs=0.5)


def test_a_signature_table_with_nobody_still_leaves_a_line_to_sign(styles: legal.Styles) -> None:
    page, = read(_build([legal.signature_table([], styles)]))
    assert page.text() == "当事人：（签名、盖章或按指印）：第1页共1页"
    line, = _rules(page)
    assert line[2] - line[0] == pytest.approx(HALF - 14 * mm - 2, abs=0.1)


def test_signers_sign_on_a_line_stamp_in_45_mm_or_are_only_named(styles: legal.Styles) -> None:
    groups = [
        SignGroup(Signer("申请人：张三", "签名、盖章或按指印"),
                  (Signer("委托代理人：李四", "签名"),)),
        SignGroup(Signer("被申请人：某某物业服务有限公司", "盖章", seal=True),
                  (Signer("负责人：周建国", "签名"),)),
        SignGroup(Signer("申请人：王小明", "由法定代理人签名", signs=False),
                  (Signer("法定代理人：王大明", "签名"),)),
    ]
    page, = read(_build([legal.signature_table(groups, styles, heading="当事人签名：")]))
    assert lines_of(_build([legal.signature_table(groups, styles)])) == [
        "申请人：张三 委托代理人：李四",
        "（签名、盖章或按指印）： （签名）：",
        "被申请人：某某物业服务有限公司 负责人：周建国",
        "（盖章）： （签名）：",
        "申请人：王小明 法定代理人：王大明",
        "（由法定代理人签名） （签名）：",
        "第 1 页 共 1 页",
    ]
    rules = _rules(page)
    left = [e for e in rules if e[0] < legal.LEFT + HALF]
    right = [e for e in rules if e[0] >= legal.LEFT + HALF]
    assert len(left) == 1 and len(right) == 3  # the company and the minor sign no line
    assert right[0][0] == pytest.approx(legal.LEFT + HALF + 1, abs=0.1)
    company = glyph_run(page, "被申请人：某某物业服务有限公司")[0]
    minor = glyph_run(page, "申请人：王小明")[0]
    seal_room = legal.SEAL + 2 * 2  # the row's own padding above and below
    assert minor.top - company.top == pytest.approx(seal_room, abs=1)
    sign_line = [e for e in left if e[1] > company.top][:1]
    assert not sign_line  # nothing to sign on under the company or the minor
    heading = glyph_run(page, "当事人签名：")[0]
    assert heading.x0 == pytest.approx(legal.LEFT, abs=0.5)


def _fill_page(line: FillLine, width: float) -> Page:
    """``line`` drawn in a box ``width`` wide at the left of the text block."""
    table = Table([[line]], colWidths=[width], hAlign="LEFT")
    table.setStyle(legal.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    page, = read(_build([table]))
    return page


def test_a_fill_line_is_text_and_underlined_blanks_aligned_as_asked(styles: legal.Styles) -> None:
    parts: list[str | Blank] = ["签收人：", Blank(40 * mm), "日期"]
    width = 150 * mm
    left = _fill_page(FillLine(parts, styles.cell), width)
    label = glyph_run(left, "签收人：")
    assert label[0].x0 == pytest.approx(legal.LEFT, abs=0.5)
    (x0, y, x1, _), = _rules(left)
    assert x0 == pytest.approx(label[-1].x1 + 1, abs=0.5)
    assert x1 - x0 == pytest.approx(40 * mm - 2, abs=0.1)
    assert y == pytest.approx(label[0].top + 0.8 * styles.cell.fontSize + 2, abs=0.5)
    after = glyph_run(left, "日期")
    assert after[0].x0 == pytest.approx(x1 + 1, abs=0.5)
    right = _fill_page(FillLine(parts, styles.cell, align="right"), width)
    assert glyph_run(right, "日期")[-1].x1 == pytest.approx(legal.LEFT + width, abs=0.5)
    centre = _fill_page(FillLine(parts, styles.cell, align="center"), width)
    first, last = glyph_run(centre, "签收人：")[0], glyph_run(centre, "日期")[-1]
    assert (first.x0 + last.x1) / 2 == pytest.approx(legal.LEFT + width / 2, abs=0.5)
    # The line is as tall as the style's leading; its text sits in the middle of it.
    line = FillLine(parts, styles.sign_line)
    assert line.wrap(width, 100) == (width, 9 * mm)


def test_a_fill_line_too_wide_squeezes_its_blanks_never_below_a_third(styles: legal.Styles) -> None:
    parts: list[str | Blank] = ["甲", Blank(60 * mm), "乙", Blank(60 * mm)]
    text = 2 * styles.cell.fontSize
    # 30 mm too wide: each blank gives 15 mm.
    page = _fill_page(FillLine(parts, styles.cell), text + 90 * mm)
    assert [round((e[2] - e[0] + 2) / mm, 1) for e in _rules(page)] == [45.0, 45.0]
    # Far too wide: the blanks keep a third of their width and the line runs over.
    page = _fill_page(FillLine(parts, styles.cell), text + 10 * mm)
    assert [round((e[2] - e[0] + 2) / mm, 1) for e in _rules(page)] == [20.0, 20.0]
    # A right-aligned line too wide starts at the left edge rather than before it.
    page = _fill_page(FillLine(parts, styles.cell, align="right"), text + 10 * mm)
    assert glyph_run(page, "甲")[0].x0 == pytest.approx(legal.LEFT, abs=0.5)


def test_a_blank_date_is_year_month_and_day_to_fill(styles: legal.Styles) -> None:
    assert legal.date_parts(None) == [Blank(18 * mm), "年", Blank(10 * mm), "月",
                                      Blank(10 * mm), "日"]
    assert legal.date_parts(date(2026, 3, 4)) == ["2026年3月4日"]
    assert legal.date_line(None, styles.cell).align == "right"
    assert legal.write_here("签收人：", styles.cell).parts == ["签收人：", Blank(45 * mm)]
    assert legal.write_here("签收人：", styles.cell, width=30 * mm, when=True).parts == [
        "签收人：", Blank(30 * mm), "　", *legal.date_parts(None)]


def test_a_form_rules_each_long_row_and_pairs_two_short_ones(styles: legal.Styles) -> None:
    rows: list[Row | Pair] = [
        Pair("编号", "TJ20260304-001", "受理日期", "2026年3月4日"),
        Row("纠纷简要情况", "邻里之间因漏水发生纠纷。"),
        Row("履行情况", None, min_height=25 * mm),
        Row("备注", None),
    ]
    page, = read(_build(legal.form(rows, styles)))
    assert lines_of(_build(legal.form(rows, styles))) == [
        "编号 TJ20260304-001 受理日期 2026年3月4日",
        "纠纷简要情况 邻里之间因漏水发生纠纷。",
        "履行情况",
        "备注",
        "第 1 页 共 1 页",
    ]
    verticals = sorted({round(e[0], 1) for e in page.edges if abs(e[0] - e[2]) < 0.5})
    label, second_label = legal.FORM_LABEL, legal.FORM_LABEL2
    value = legal.WIDTH - label - second_label - 46 * mm
    expected = {round(x, 1) for x in (legal.LEFT, legal.LEFT + label, legal.LEFT + label + value,
                                      legal.LEFT + label + value + second_label, RIGHT_EDGE)}
    assert set(verticals) == expected
    performed = glyph_run(page, "履行情况")[0]
    note = glyph_run(page, "备注")[0]
    assert note.top - performed.top == pytest.approx(25 * mm + 9, abs=0.3)
    # The value of a pair is at the left of its cell, its label centred.
    number = glyph_run(page, "TJ20260304-001")[0]
    assert number.x0 == pytest.approx(legal.LEFT + label + 5, abs=0.5)
    title = glyph_run(page, "编号")
    assert (title[0].x0 + title[-1].x1) / 2 == pytest.approx(legal.LEFT + label / 2, abs=0.5)


def test_pages_are_numbered_of_their_total_and_headed_from_the_second(styles: legal.Styles) -> None:
    story: list[Flowable] = [Para("第一页", styles.body), PageBreak(),
                             Para("第二页", styles.body), PageBreak(), Para("第三页", styles.body)]
    pdf = _build(story, header="东调字〔2026〕第12号")
    pages = read(pdf)
    assert len(pages) == 3
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        colours = [{tuple(round(v, 3) for v in c["non_stroking_color"] or ()) for c in p.chars
                    if c["text"] in "东共"} for p in doc.pages]
    for number, page in enumerate(pages, 1):
        footer = glyph_run(page, f"第{number}页共3页")
        assert [g.size for g in footer] == pytest.approx([10.5] * len(footer))
        centre = (footer[0].x0 + footer[-1].x1) / 2
        assert centre == pytest.approx(legal.PAGE[0] / 2, abs=1)
        baseline = footer[0].top + 0.8 * 10.5
        assert baseline == pytest.approx(page.height - legal.BOTTOM + 12 * mm, abs=0.5)
        headed = "东调字〔2026〕第12号" in page.text()
        assert headed == (number > 1)
        if headed:
            header = glyph_run(page, "东调字〔2026〕第12号")
            assert [g.size for g in header] == pytest.approx([9] * len(header))
            assert header[-1].x1 == pytest.approx(RIGHT_EDGE, abs=0.5)
            assert header[0].top + 0.8 * 9 == pytest.approx(legal.TOP - 10 * mm, abs=0.5)
            assert colours[number - 1] == {(0.267,) * 3, (0.0,) * 3}  # grey header, black footer
        else:
            assert colours[number - 1] == {(0.0,) * 3}
    info = pdf_info(pdf)
    assert info["Title"] == "测试文书" and info["Subject"] == "测试文书"
    assert info["Author"] == "东林街道人民调解委员会"
    assert info["Creator"] == "东林街道人民调解委员会"
    assert info["Pages"] == "3" and info["Page size"].startswith("595.276 x 841.89")


def test_the_text_block_is_the_frame_a_full_width_table_fills(styles: legal.Styles) -> None:
    page, = read(_build(legal.form([Row("事项", "一行")], styles)))
    xs = [x for e in page.edges for x in (e[0], e[2])]
    assert min(xs) == pytest.approx(legal.LEFT, abs=0.5)
    assert max(xs) == pytest.approx(RIGHT_EDGE, abs=0.5)
    tops = [e[1] for e in page.edges]
    assert min(tops) == pytest.approx(legal.TOP, abs=0.5)


def test_the_papers_type_sizes(styles: legal.Styles) -> None:
    """Title 22 pt on 30, body 12.5 on 22, cells 11.5 on 18, small print 10.5 on 16."""
    sizes = {name: (getattr(styles, name).fontSize, getattr(styles, name).leading)
             for name in ("title", "number", "body", "indent", "heading", "clause", "small",
                          "cell", "cell_label", "right", "center", "heading_keep",
                          "cell_center", "sign_line")}
    assert sizes == {
        "title": (22, 30), "number": (12, 18), "body": (12.5, 22), "indent": (12.5, 22),
        "heading": (12.5, 22), "clause": (12.5, 22), "small": (10.5, 16), "cell": (11.5, 18),
        "cell_label": (11.5, 18), "right": (12.5, 22), "center": (12.5, 22),
        "heading_keep": (12.5, 22), "cell_center": (11.5, 18), "sign_line": (11.5, 9 * mm)}
    assert (styles.title.spaceAfter, styles.number.spaceAfter, styles.heading.spaceBefore) == (
        6, 10, 6)
    assert styles.indent.firstLineIndent == styles.clause.firstLineIndent == 25
    assert styles.heading_keep.keepWithNext == 1
    assert styles.clause.leftIndent == 0
    alignments = {name: getattr(styles, name).alignment
                  for name in ("title", "number", "body", "cell", "cell_label", "right", "center",
                               "cell_center")}
    assert alignments == {"title": TA_CENTER, "number": TA_RIGHT, "body": TA_JUSTIFY,
                          "cell": TA_LEFT, "cell_label": TA_CENTER, "right": TA_RIGHT,
                          "center": TA_CENTER, "cell_center": TA_CENTER}
    assert {getattr(styles, name).fontName for name in sizes} == {styles.font}
    page, = read(_build([Para("人民调解协议书", styles.title), Para("正文", styles.body)]))
    assert [g.size for g in glyph_run(page, "人民调解协议书")] == pytest.approx([22] * 7)
    assert [g.size for g in glyph_run(page, "正文")] == pytest.approx([12.5] * 2)


def _form_page(rows: list[Row | Pair], styles: legal.Styles) -> tuple[Page, list[dict]]:
    """The form's one page, and its rules as pdfplumber gives them (with their widths)."""
    pdf = _build(legal.form(rows, styles))
    page, = read(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        rules = [dict(e) for e in (*doc.pages[0].lines, *doc.pages[0].rects)]
    return page, rules


def test_a_pair_s_short_cells_stand_in_the_middle_of_a_taller_neighbour(
    styles: legal.Styles,
) -> None:
    """Every row of pairs is ruled in 0.6 pt lines, and a value that takes two lines keeps
    the other cells of its row in the middle, each 5 pt from its left rule."""
    long_name = "某某省某某市某某区某某街道某某社区居民委员会"
    rows: list[Row | Pair] = [
        Pair("编号", "TJ20260304-001", "受理日期", "2026年3月4日"),
        Pair("调解员", "王志刚", "记录人", "李慧敏"),
        Pair("调解地点", long_name, "时间", "9时"),
    ]
    page, rules = _form_page(rows, styles)
    assert {round(float(r["linewidth"]), 2) for r in rules} == {0.6}
    horizontals = sorted({round(float(r["top"]), 1) for r in rules
                          if abs(float(r["top"]) - float(r["bottom"])) < 0.5})
    assert len(horizontals) == 4  # every row ruled above and below
    name = [g for g in page.glyphs if g.text == "某"]
    assert len({round(g.top) for g in name}) == 2  # the value takes two lines
    middle = (min(g.top for g in name) + max(g.bottom for g in name)) / 2
    label2 = legal.LEFT + legal.FORM_LABEL + (legal.WIDTH - legal.FORM_LABEL
                                               - legal.FORM_LABEL2 - 46 * mm)
    for text in ("调解地点", "时间", "9时"):
        glyph = glyph_run(page, text)[0]
        assert (glyph.top + glyph.bottom) / 2 == pytest.approx(middle, abs=1), text
    hour = glyph_run(page, "9时")[0]
    assert hour.x0 == pytest.approx(label2 + legal.FORM_LABEL2 + 5, abs=0.3)


def test_a_long_row_runs_on_across_the_page_with_its_label_at_the_top(
    styles: legal.Styles,
) -> None:
    facts = "双方因楼上装修噪音、漏水及公共通道堆放建材问题多次发生争执。" * 60
    rows: list[Row | Pair] = [Pair("编号", "TJ20260304-001", "受理日期", "2026年3月4日"),
                              Row("纠纷简要情况", facts)]
    pages = read(_build(legal.form(rows, styles)))
    first = pages[0]
    label = glyph_run(first, "纠纷简要情况")[0]
    number = glyph_run(first, "TJ20260304-001")[0]
    assert label.top - number.top < 30  # the label at the top of its row, under the pair
    lowest = max(g.bottom for g in first.glyphs if g.text != "页" and g.size > 11)
    assert lowest > first.height - legal.BOTTOM - 30  # the first page is filled
    assert len(pages) == 2
    assert sum(page.text().count("争执") for page in pages) == 60  # all of it, once


def test_a_row_holds_what_it_is_given_and_an_empty_one_its_room_to_write(
    styles: legal.Styles,
) -> None:
    rows: list[Row | Pair] = [
        Row("附件", [Para("一、身份证复印件", styles.cell), Para("二、协议书", styles.cell)]),
        Row("履行情况", "", min_height=25 * mm),
        Row("备注", None),
    ]
    page, _ = _form_page(rows, styles)
    assert lines_of(_build(legal.form(rows, styles)))[:4] == [
        "附件 一、身份证复印件", "二、协议书", "履行情况", "备注"]
    performed, note = glyph_run(page, "履行情况")[0], glyph_run(page, "备注")[0]
    assert note.top - performed.top == pytest.approx(25 * mm + 9, abs=0.3)


def test_a_signature_table_without_a_heading_repeats_no_party_on_the_next_page(
    styles: legal.Styles,
) -> None:
    pages = read(_build([legal.signature_table(_parties(24), styles)]))
    assert len(pages) >= 2
    named = [n for page in pages for n in range(1, 25) if f"当事人{n}（" in page.text()]
    assert named == list(range(1, 25))
    assert not pages[1].text().startswith("申请人：当事人1（")


def test_everyone_beside_a_party_signs_under_each_other(styles: legal.Styles) -> None:
    group = SignGroup(Signer("被申请人：某某物业服务有限公司", "盖章", seal=True),
                      (Signer("法定代表人：周建国", "签名"), Signer("委托代理人：赵律师", "签名")))
    lines = lines_of(_build([legal.signature_table([group], styles)]))
    assert lines == ["被申请人：某某物业服务有限公司 法定代表人：周建国",
                     "（盖章）： （签名）：", "委托代理人：赵律师", "（签名）：",
                     "第 1 页 共 1 页"]


def test_every_character_and_cell_is_set_in_the_one_embedded_song_face(
    styles: legal.Styles,
) -> None:
    """Tables and the canvas would declare Helvetica (not embedded: printed in whatever the
    printer has) for any cell or page not told otherwise."""
    story = [Para("人民调解协议书", styles.title),
             *legal.form([Pair("编号", "TJ-001", "日期", None), Row("事项", "一行")], styles),
             legal.signature_table(_parties(2), styles, heading="当事人签名："),
             legal.staff_and_seal([Signer("记录人：")], COMMITTEE, None, styles), PageBreak(),
             Para("第二页", styles.body)]
    fonts = poppler.run("pdffonts", "-", data=_build(story, header="东调字第1号")).splitlines()[2:]
    assert len(fonts) == 1, fonts
    assert fonts[0].split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, unicode


def test_a_paper_without_a_header_or_an_author_has_none(styles: legal.Styles) -> None:
    pdf = legal.build([Para("第一页", styles.body), PageBreak(), Para("第二页", styles.body)],
                      title="测试文书")
    assert [page.text() for page in read(pdf)] == ["第一页第1页共2页", "第二页第2页共2页"]
    assert "Author" not in pdf_info(pdf) or pdf_info(pdf)["Author"] == ""


def test_blanks_are_underlined_in_half_point_lines(styles: legal.Styles) -> None:
    pdf = _build([FillLine(["签收人：", Blank(40 * mm)], styles.cell)])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        widths = {round(float(line["linewidth"]), 2) for line in doc.pages[0].lines}
    assert widths == {0.5}
