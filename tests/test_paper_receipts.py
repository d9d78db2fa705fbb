"""Receipts of every shape stay inside the printable width and say only what is set; each
part of the receipt stands where the clerk expects it, on the roll and on A5."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import datetime

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.printing.receipt import ROLL_MARGIN, render_receipt
from desktop.services.reception.receipts import ReceiptData, centre_phone, next_steps_for
from tests.case_shapes import a_length, name_of, text_of
from tests.pdf_checks import MM, Frame, all_problems, body_stream, flat, read
from tests.pdf_checks import lines_of as glyph_lines
from tests.test_paper_letters_rules import RECEIPT, lines_of, pdf_info, printed_qr


def receipt(seed: int, *, phone: str = "", collective: bool = False,
            paper: str = "80mm") -> ReceiptData:
    rng = random.Random(seed)
    phone = centre_phone(phone)
    room = text_of(rng, min(a_length(rng), 30))
    return ReceiptData(
        centre_name=text_of(rng, min(a_length(rng), 40)), centre_phone=phone,
        centre_address=text_of(rng, min(a_length(rng), 80)), visit_no="J202611260001",
        ticket_no="T023", room_name=room, room_location=text_of(rng, min(a_length(rng), 20)),
        visited_at=datetime(2026, 11, 26, 9, 5), person_name=name_of(rng),
        masked_id="110105********002X", id_type="居民身份证",
        category=text_of(rng, min(a_length(rng), 20)), summary="",
        next_steps=next_steps_for(room, "", "T023", phone), paper=paper,
        visit_type="集体" if collective else "个人", headcount=23 if collective else 1,
        representative=name_of(rng) if collective else "",
        missing=() if phone else ("中心电话",),
    )


ROLL = Frame(ROLL_MARGIN, ROLL_MARGIN, ROLL_MARGIN, ROLL_MARGIN)
A5_FRAME = Frame(14 * MM, 14 * MM, 14 * MM, 14 * MM)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), collective=st.booleans(), with_phone=st.booleans(),
       paper=st.sampled_from(["80mm", "a5"]))
def test_receipts_print_inside_the_printable_area(seed: int, collective: bool,
                                                  with_phone: bool, paper: str) -> None:
    data = receipt(seed, phone="027-88886666" if with_phone else "0000-0000000",
                   collective=collective, paper=paper)
    pdf = render_receipt(data)
    frame = ROLL if paper == "80mm" else A5_FRAME
    texts = [data.centre_name, data.person_name, data.room_name, data.visit_no]
    assert all_problems(pdf, frame, texts=texts) == []
    text = "".join(body_stream(read(pdf), None))
    assert "0000-0000000" not in text
    assert ("027-88886666" in text) == with_phone
    if collective:
        assert "23人（集体访）" in text and flat(data.representative) in text


def test_roll_receipt_ink_stays_within_70_mm() -> None:
    pages = read(render_receipt(receipt(1, collective=True)))
    ink = [g.x0 for g in pages[0].glyphs] + [g.x1 for g in pages[0].glyphs]
    ink += [x for edge in pages[0].edges for x in (edge[0], edge[2])]
    assert (max(ink) - min(ink)) / MM <= 70.1


# Every field as long as a centre is likely to fill it: two lines of title, a room name, its
# location and a category that wrap, a 112-character address. On A5 its last line ends less
# than a point above the bottom margin.
LONG_ROOM = "物业纠纷人民调解工作室（东林街道物业管理纠纷调处中心）"
LONG_LOCATION = "综合服务楼二楼东侧走廊尽头第三间"
FULL = replace(
    RECEIPT, centre_name="东林街道社会治理综合服务中心（矛盾纠纷多元化解中心）",
    centre_address="东林区东林街道东林路18号综合服务楼一层（东林小学对面，乘公交12路、35路至东林"
                   "路站下车，向北步行约200米即到；驾车请停放在东林路与西山路交叉口的公共停车场，"
                   "中心不设停车位；周六上午另在东林社区党群服务中心设流动接待点）",
    room_name=LONG_ROOM, room_location=LONG_LOCATION,
    category="物业服务、业主委员会选举、专项维修资金使用及小区公共收益分配纠纷",
    next_steps=next_steps_for(LONG_ROOM, LONG_LOCATION, "T023", "010-62345678"))
LABELS = {"受理编号", "来访人", "来访人数", "代表", "证件号码", "分流去向", "事项类别", "登记时间"}


def form_rows(pdf: bytes, margin_mm: float, label_mm: float) -> dict[str, list[tuple[float, str]]]:
    """The form's rows by label: the lines of each value, read where values belong
    (``label_mm`` right of the labels at the margin), as (points below the label's
    baseline, text)."""
    (page,) = read(pdf)
    lines = [(line[0].x0, line[0].bottom, "".join(g.text for g in line))
             for line in glyph_lines(page)]
    labels = sorted((bottom, text) for x0, bottom, text in lines
                    if text in LABELS and abs(x0 - margin_mm * MM) < 0.05)
    values = sorted((bottom, text) for x0, bottom, text in lines
                    if abs(x0 - (margin_mm + label_mm) * MM) < 0.05)
    ends = [bottom for bottom, _label in labels[1:]] + [page.height]
    return {label: [(round(at - bottom, 2), text) for at, text in values
                    if bottom - 0.01 < at < end - 0.01]
            for (bottom, label), end in zip(labels, ends, strict=True)}


def test_the_receipt_says_what_it_is_and_which_centre_made_it() -> None:
    for paper in ("80mm", "a5"):
        info = pdf_info(render_receipt(RECEIPT, paper))
        assert (info["Title"], info["Subject"], info["Author"], info["Creator"]) == (
            "受理回执 J202612020007", "受理回执", "东林街道综治中心", "东林街道综治中心")


def test_an_unknown_paper_size_is_refused_by_its_name() -> None:
    with pytest.raises(ValueError) as refused:
        render_receipt(RECEIPT, "a4")
    assert str(refused.value) == "unknown paper size: a4"
    with pytest.raises(ValueError) as refused:
        render_receipt(replace(RECEIPT, paper="58mm"))
    assert str(refused.value) == "unknown paper size: 58mm"


def test_the_roll_is_cut_where_the_receipt_ends() -> None:
    # 5 mm margins around the text in the roll's compact type, and 12 mm more to tear it
    # off cleanly; two more rows for a group make the receipt 33.5 pt longer.
    group = replace(RECEIPT, visit_type="集体", headcount=23, representative="李四")
    for data, height, last_text in ((RECEIPT, 432.81, 381.82), (group, 466.31, 415.32)):
        (page,) = read(render_receipt(data))
        assert page.width == pytest.approx(80 * MM)
        assert page.height == pytest.approx(height, abs=0.01)
        assert max(g.bottom for g in page.glyphs) == pytest.approx(last_text, abs=0.01)


def test_a_receipt_filling_a5_to_its_bottom_margin_stays_on_one_page(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    (page,) = read(render_receipt(FULL, "a5"))
    last = glyph_lines(page)[-1]
    assert "".join(g.text for g in last) == "打印时间：2026-12-0210:30"
    # The foot of its glyphs 4 pt above the 14 mm margin: the line's box ends 0.44 pt above it.
    assert page.height - 14 * MM - last[0].bottom == pytest.approx(4.04, abs=0.01)
    # Two more rows (a group) and the receipt runs onto a second page.
    group = replace(FULL, visit_type="集体", headcount=3, representative="李四")
    assert len(read(render_receipt(group, "a5"))) == 2


def test_ampersands_and_angle_brackets_print_as_typed(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    typed = replace(RECEIPT, centre_name="东林街道综治中心<试点>", person_name="王小明<代>",
                    category="噪音>60分贝&扰民", centre_address="东林路18号<B座>A&B门",
                    ticket_no="T<23>", next_steps=["凭“A&B”号<条>取件"])
    assert lines_of(render_receipt(typed, "a5")) == [
        "东林街道综治中心<试点>",
        "受理回执",
        "排队号",
        "T<23>",
        "受理编号 J202612020007",
        "来访人 王小明<代>",
        "证件号码 110105********002X",
        "分流去向 矛盾纠纷调解室",
        "事项类别 噪音>60分贝&扰民",
        "登记时间 2026年12月02日 09:05",
        "后续办理",
        "1. 凭“A&B”号<条>取件",
        "中心电话：010-62345678 地址：东林路18号<B座>A&B门",
        "打印时间：2026-12-02 10:30",
    ]


def test_a_visit_registered_as_collective_shows_its_group_whatever_its_headcount(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    group = replace(RECEIPT, visit_type="集体", headcount=1, representative="李四")
    for paper in ("80mm", "a5"):
        assert lines_of(render_receipt(group, paper))[5:8] == [
            "来访人 王小明", "来访人数 1人（集体访）", "代表 李四"]


@pytest.mark.parametrize(("paper", "margin_mm", "label_mm"), [("80mm", 5, 16), ("a5", 14, 22)])
def test_the_values_stand_in_one_column_after_the_labels(
        paper: str, margin_mm: int, label_mm: int) -> None:
    # The roll's labels take 16 mm of its 70, A5's 22 mm; each value starts right after.
    rows = form_rows(render_receipt(RECEIPT, paper), margin_mm, label_mm)
    assert rows == {"受理编号": [(0, "J202612020007")], "来访人": [(0, "王小明")],
                    "证件号码": [(0, "110105********002X")], "分流去向": [(0, "矛盾纠纷调解室")],
                    "事项类别": [(0, "邻里纠纷")], "登记时间": [(0, "2026年12月02日09:05")]}


@pytest.mark.parametrize(("paper", "margin_mm", "label_mm"), [("80mm", 5, 16), ("a5", 14, 22)])
def test_a_label_stands_level_with_the_first_line_of_a_long_value(
        paper: str, margin_mm: int, label_mm: int) -> None:
    # A visit number as long as the register allows (32 characters) wraps on the roll.
    long = replace(FULL, visit_no="J" + "2" * 31)
    rows = form_rows(render_receipt(long, paper), margin_mm, label_mm)
    for label, value in (("受理编号", long.visit_no), ("分流去向", LONG_ROOM),
                         ("事项类别", long.category)):
        lines = rows[label]
        assert "".join(text for _below, text in lines) == value, label
        assert len(lines) == (1 if (paper, label) == ("a5", "受理编号") else 2), label
        assert lines[0][0] == 0, label  # the label on the baseline of the value's first line


def strokes(pdf: bytes) -> list[tuple[float, float, float, float, float, tuple[float, ...]]]:
    """The ruled lines of the first page: x0, top, x1, bottom, width and colour."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return sorted((line["x0"], line["top"], line["x1"], line["bottom"], line["linewidth"],
                       tuple(line["stroking_color"])) for line in document.pages[0].lines)


@pytest.mark.parametrize(("paper", "margin_mm"), [("80mm", 5), ("a5", 14)])
def test_a_thin_grey_rule_parts_each_row_of_the_form_from_the_next(
        paper: str, margin_mm: int) -> None:
    group = replace(RECEIPT, visit_type="集体", headcount=23, representative="李四")
    for data, count in ((RECEIPT, 6), (FULL, 6), (group, 8)):
        pdf = render_receipt(data, paper)
        (page,) = read(pdf)
        labels = sorted((line[0].top, line[0].bottom) for line in glyph_lines(page)
                        if "".join(g.text for g in line) in LABELS)
        rules = [(x0, top, x1) for x0, top, x1, _bottom, width, colour in strokes(pdf)
                 if width == 0.25 and colour == (0.733333, 0.733333, 0.733333)]
        assert len(labels) == count and len(rules) == count - 1
        # Across the whole width, one under each row but the last: below its label, above
        # the next row's.
        for (x0, top, x1), above, below in zip(rules, labels[:-1], labels[1:], strict=True):
            assert x0 == pytest.approx(margin_mm * MM)
            assert x1 == pytest.approx(page.width - margin_mm * MM)
            assert above[1] < top < below[0]


@pytest.mark.parametrize(("paper", "margin_mm", "qr_mm"), [("80mm", 5, 22), ("a5", 14, 26)])
def test_the_ticket_number_is_boxed_and_its_qr_code_left_outside(
        paper: str, margin_mm: int, qr_mm: int) -> None:
    pdf = render_receipt(RECEIPT, paper)
    (page,) = read(pdf)
    left, right = margin_mm * MM, page.width - (margin_mm + qr_mm + 4) * MM
    box = [line for line in strokes(pdf) if line[4] == 0.8]
    top, bottom = min(line[1] for line in box), max(line[3] for line in box)
    # 0.8 pt black, from the left margin to 4 mm short of the QR code.
    assert [line[:4] for line in box] == [
        pytest.approx(side) for side in ((left, top, left, bottom), (left, top, right, top),
                                         (left, bottom, right, bottom),
                                         (right, top, right, bottom))]
    assert {line[5] for line in box} == {(0.0, 0.0, 0.0)}
    lines = {"".join(g.text for g in line): line for line in glyph_lines(page)}
    for text in ("排队号", "T023"):
        assert all(left < g.x0 and g.x1 < right and top < g.top and g.bottom < bottom
                   for g in lines[text]), text
    assert right < printed_qr(pdf, margin_mm * MM).left
