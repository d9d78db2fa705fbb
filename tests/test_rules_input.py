"""The input checks every service runs before it writes: text cleaned, ids and dates in range.

The services' own tests prove these through the forms; here each rule is held to its
edge, so that a changed bound or a lost line break shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from desktop.models import Person, Visit
from desktop.services import validation
from desktop.services.validation import TextField


def test_one_line_text_loses_tabs_line_breaks_and_controls() -> None:
    assert validation.clean_text(" 张\t三\r\n李\u2028四\x00\x7f\x9f ") == "张 三 李 四"


def test_several_lines_keep_their_breaks_and_tabs_in_one_form() -> None:
    text = "第一行\r\n第二行\r第三行\x0b第四行\x0c第五行\x85第六行\u2029\t第七行\x1b"
    assert validation.clean_text(text, multiline=True) == (
        "第一行\n第二行\n第三行\n第四行\n第五行\n第六行\n\t第七行")


@pytest.mark.parametrize("text", [" ", "\u200b\u200d", "\u3164", "\t\x00\u2800", ""])
def test_text_that_shows_nothing_is_blank(text: str) -> None:
    assert validation.is_blank(text)
    assert validation.clean_text(text) == ""


@pytest.mark.parametrize("text", ["一", "a", "1", "。", "￥", "\u3164张"])
def test_text_that_shows_something_is_not_blank(text: str) -> None:
    assert not validation.is_blank(text)
    assert validation.clean_text(text) == text


def test_a_field_is_cleaned_as_its_column_or_its_spec_says() -> None:
    assert validation.column_limit(Person.name) == validation.column_limit(
        Person.__table__.c.name) == 64
    assert validation.column_limit(Visit.id) is None  # not text at all
    assert validation.clean_field(" 甲\n乙 ", TextField(multiline=True)) == ("甲\n乙", None)
    assert validation.clean_field(" 甲\n乙 ", TextField()) == ("甲 乙", None)
    assert validation.clean_field("甲" * 5, TextField(label="原因", limit=4)) == (
        "甲" * 5, "原因过长（不超过4字，当前5字）")


@pytest.mark.parametrize("value", [None, 5, ["甲"]])
def test_a_text_argument_that_is_no_text_is_empty(value: object) -> None:
    errors: dict[str, str] = {}
    spec = TextField(label="原因")
    assert validation.clean_argument(errors, "reason", value, spec) == ""  # type: ignore[arg-type]
    assert errors == {}
    assert validation.clean_argument(errors, "reason", " 补材料 ", spec) == "补材料"
    validation.clean_argument(errors, "reason", "长" * 20_001, spec)
    assert errors == {"reason": "原因过长（不超过20000字，当前20001字）"}


@dataclass(frozen=True)
class _Form:
    clauses: list[str]
    title: str = ""
    copies: int = 1


def test_a_list_of_texts_is_cleaned_item_by_item_under_its_own_name() -> None:
    form = _Form(clauses=[" 第一条 ", "长" * 5, "短" * 6], title=" 协议 ")
    cleaned, errors = validation.clean_input(form, {"clauses": TextField(label="条款",
                                                                         limit=4)})
    assert cleaned == _Form(clauses=["第一条", "长" * 5, "短" * 6], title="协议")
    assert errors == {"clauses": "条款过长（不超过4字，当前5字）"}


@pytest.mark.parametrize(
    ("value", "valid"),
    [(1, True), (validation.MAX_ID, True), (0, False), (-1, False),
     (validation.MAX_ID + 1, False), (True, False), (1.0, False), ("1", False), (None, False)],
)
def test_an_id_is_a_positive_32_bit_integer(value: object, valid: bool) -> None:
    assert validation.valid_id(value) is valid


@pytest.mark.parametrize(
    ("value", "refused"),
    [(date(1900, 1, 1), False), (datetime(2100, 12, 31, 23, 59), False), (None, False),
     (date(1899, 12, 31), True), (date(2101, 1, 1), True)],
)
def test_dates_lie_between_1900_and_2100(value: date | None, refused: bool) -> None:
    message = "受理日期应在1900年至2100年之间"
    assert validation.date_error(value, "受理日期") == (message if refused else None)


def test_date_errors_name_each_field_by_its_label() -> None:
    values = {"accepted_on": date(1899, 1, 1), "closed_on": date(3000, 1, 1),
              "due_on": date(2026, 12, 2)}
    assert validation.date_errors(values, {"accepted_on": "受理日期"}) == {
        "accepted_on": "受理日期应在1900年至2100年之间",
        "closed_on": "日期应在1900年至2100年之间"}
