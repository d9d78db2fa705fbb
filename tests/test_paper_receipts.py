"""Receipts of every shape stay inside the printable width and say only what is set."""

from __future__ import annotations

import random
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.printing.receipt import ROLL_MARGIN, render_receipt
from desktop.services.reception.receipts import ReceiptData, centre_phone, next_steps_for
from tests.case_shapes import a_length, name_of, text_of
from tests.pdf_checks import MM, Frame, all_problems, body_stream, flat, read


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
