"""Checks of what users type: text, ids, dates, 身份证号, phone numbers, 统一社会信用代码.

Every writing service cleans and checks its whole input here before it touches
the database (:func:`clean_input`, :func:`existing`, :func:`date_error`):
control characters are removed, text with lone surrogates or longer than its
column is refused, text of only invisible characters counts as empty, ids must
name an existing row, dates must lie between 1900 and 2100. So bad input ends
as a :class:`ValidationError` in Chinese, never as a database error.

python-stdnum implements the GB 11643 check digit and GB 32100; trusting it
beats a hand-written checksum.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeGuard, TypeVar

from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from desktop.services.errors import NotFoundError, ValidationError

T = TypeVar("T")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# 区号 (3-4 digits, starting with 0) + 7-8 digit number, optional extension; or a
# local 7-8 digit number.
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?$")


def normalize_id_number(value: str) -> str:
    """The number as stored: no white space anywhere, half-width digits, capital X.

    Pasted numbers arrive with spaces (also the full-width 　), full-width digits
    (１１０１…) or a lowercase x; all of them are the same number.
    """
    text = unicodedata.normalize("NFKC", value)
    return re.sub(r"[\s\u200b-\u200d\ufeff]", "", text).upper()


# GB/T 2260 province-level codes (the first two digits); 81/82/83 are the
# residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})


def id_number_error(value: str) -> str | None:
    """Why a 居民身份证号码 is wrong, in Chinese; ``None`` when it is valid.

    Checks the format, the GB 11643 check digit, the birth date and the
    province code. The county code is not checked against the historical
    code table: a code is assigned when the card is issued, so residents born
    before their county code existed hold perfectly valid cards (python-stdnum's
    full ``validate`` would refuse them).
    """
    number = normalize_id_number(value)
    if not number:
        return "请填写身份证号，或选择“无证件”并说明原因"
    if len(number) != 18:
        return f"身份证号应为18位，当前为{len(number)}位"
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "身份证号前17位应为数字，最后一位为数字或X"
    # The birth date first: a mistyped date is the likelier error and the clearer message.
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        return "身份证号中的出生日期不正确"
    if ric.calc_check_digit(number) != number[-1]:
        return "身份证号校验位不正确，请核对"
    if number[:2] not in PROVINCE_CODES:
        return "身份证号前两位（省级行政区划代码）不正确"
    if birth > date.today():
        return "身份证号中的出生日期晚于今天"
    if birth.year < 1880:
        return "身份证号中的出生日期不正确"
    return None


def unprintable_error(text: str) -> str | None:
    """Refuse names the documents would print with gaps (emoji, 汉字 the fonts lack)."""
    from desktop.printing.fonts import undrawable  # ReportLab loads only when a name is checked

    missing = undrawable(text)
    if not missing:
        return None
    shown = "、".join(f"“{ch}”" for ch in missing[:5])
    return f"{shown} 无法在打印的文书中显示，请删去或换用常用字"


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()（）]", "", value.strip()).replace("－", "-").replace("—", "-")


def phone_error(value: str) -> str | None:
    """Why a phone number is wrong, in Chinese; ``None`` when it is valid."""
    number = normalize_phone(value)
    if not number:
        return "请填写联系电话"
    if number.startswith("+86"):
        number = number[3:]
    if number.isdigit() and number.startswith("1") and len(number) == 11:
        return None if MOBILE_RE.match(number) else "手机号码不正确，请核对"
    if LANDLINE_RE.match(number):
        return None
    if number.isdigit() and number.startswith("1"):
        return "手机号码应为11位"
    return "电话号码格式不正确（手机11位，座机如 010-62345678）"


def mask_id_number(value: str | None) -> str:
    """First 6 and last 4 characters, the rest hidden: what may be printed or shown."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """A name as a public screen may show it: the first and last character only.

    ``张建华`` → ``张*华``, ``李娜`` → ``李*``, ``欧阳建华`` → ``欧**华``.
    """
    name = (value or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits


def person_label(name: str, id_number: str | None, phone: str | None) -> str:
    """A resident as a room's search offers them: enough to tell two of one name apart,
    with the 身份证号 and the phone masked."""
    return f"{name}  {mask_id_number(id_number) or '无证件号'}  {mask_phone(phone)}"


def credit_code_error(value: str) -> str | None:
    """Why a 统一社会信用代码 is wrong, in Chinese; ``None`` when it is valid."""
    code = value.strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return "统一社会信用代码校验位不正确"
    except (InvalidFormat, InvalidLength, InvalidComponent):
        return "统一社会信用代码格式不正确"
    return None


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """A valid-checksum 身份证号 for invented (demo and test) people."""
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


# ---------------------------------------------------------------------------
# Text, ids and dates: what every service checks before it writes.

# The largest id an integer column holds on PostgreSQL (``integer`` is 32-bit).
MAX_ID = 2**31 - 1
# Unbounded text columns (``Text``) still take no more than this.
TEXT_LIMIT = 20_000
MIN_YEAR, MAX_YEAR = 1900, 2100

# Line breaks of other systems, kept as line breaks in multi-line text.
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
                "\u2028": "\n", "\u2029": "\n"}
_LINE_BREAK_RE = re.compile("|".join(map(re.escape, _LINE_BREAKS)))
# C0 and C1 control characters and DEL; tab and line feed are kept in multi-line text.
_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SINGLE_LINE_SPACE_RE = re.compile(r"[\t\n]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# Characters that print as nothing although Unicode files them as letters or symbols.
_BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def is_blank(text: str) -> bool:
    """True when nothing of ``text`` would show: spaces, controls, zero-width marks only."""
    return not any(
        ch not in _BLANK_LOOKALIKES and unicodedata.category(ch)[0] in "LNPS" for ch in text
    )


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` as it should be stored: controls removed, no surrounding white space.

    In multi-line text every kind of line break becomes ``\\n`` and tabs stay;
    in one-line text they become spaces. Text that shows nothing becomes ``""``.
    Lone surrogates are left for :func:`text_error` to refuse.
    """
    text = _LINE_BREAK_RE.sub(lambda m: _LINE_BREAKS[m.group()], value)
    text = _CONTROLS_RE.sub("", text)
    if not multiline:
        text = _SINGLE_LINE_SPACE_RE.sub(" ", text)
    text = text.strip()
    return "" if is_blank(text) else text


def column_limit(column: Any) -> int | None:
    """The length of a ``String(n)`` column (a mapped attribute or a table column)."""
    prop = getattr(column, "property", None)
    col = prop.columns[0] if prop is not None else column
    return getattr(col.type, "length", None)


def is_multiline(column: Any) -> bool:
    """Unbounded (``Text``) columns hold several lines; ``String(n)`` columns one."""
    return column_limit(column) is None


@dataclass(frozen=True)
class TextField:
    """How one text field is checked: the column it is stored in, or its own limit."""

    column: Any = None
    label: str = "内容"
    limit: int | None = None
    multiline: bool | None = None

    @property
    def max_length(self) -> int:
        if self.limit is not None:
            return self.limit
        return (column_limit(self.column) if self.column is not None else None) or TEXT_LIMIT

    @property
    def lines(self) -> bool:
        if self.multiline is not None:
            return self.multiline
        return self.column is not None and is_multiline(self.column)


def text_error(text: str, label: str, limit: int) -> str | None:
    """Why cleaned ``text`` cannot be stored, in Chinese; ``None`` when it can."""
    if _SURROGATE_RE.search(text):
        return f"{label}含有无法识别的字符，请删除后重新输入"
    if len(text) > limit:
        return f"{label}过长（不超过{limit}字，当前{len(text)}字）"
    return None


def clean_field(value: str, spec: TextField) -> tuple[str, str | None]:
    """The cleaned text and why it cannot be stored (``None`` when it can)."""
    text = clean_text(value, multiline=spec.lines)
    return text, text_error(text, spec.label, spec.max_length)


def clean_argument(errors: dict[str, str], field: str, value: str, spec: TextField) -> str:
    """One text argument of a service cleaned; its problem, if any, goes into ``errors``."""
    text, problem = clean_field(value if isinstance(value, str) else "", spec)
    if problem:
        errors[field] = problem
    return text


def clean_input(data: T, fields: Mapping[str, TextField]) -> tuple[T, dict[str, str]]:
    """A copy of the input dataclass with its text fields cleaned, and the problems found.

    Every ``str`` field is cleaned (one line, :data:`TEXT_LIMIT` characters at
    most, unless ``fields`` says otherwise); lists of text (agreement clauses)
    item by item. Non-text values are left as they are.
    """
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in dataclasses.fields(data):  # type: ignore[arg-type]
        value = getattr(data, item.name)
        spec = fields.get(item.name, TextField())
        if isinstance(value, str):
            changes[item.name], problem = clean_field(value, spec)
            if problem:
                errors[item.name] = problem
        elif isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
            cleaned = []
            for text in value:
                text, problem = clean_field(text, spec)
                cleaned.append(text)
                if problem:
                    errors.setdefault(item.name, problem)
            changes[item.name] = cleaned
    return dataclasses.replace(data, **changes), errors  # type: ignore[type-var]


def checked(data: T, fields: Mapping[str, TextField],
            check: Callable[[T], dict[str, str]]) -> tuple[T, dict[str, str]]:
    """:func:`clean_input`, then the service's own ``check`` of the cleaned input.

    A text problem (too long, unreadable) wins over the check's message for the same field.
    """
    data, text_errors = clean_input(data, fields)
    errors = check(data)
    errors.update(text_errors)
    return data, errors


def whole_number_in(value: object, low: int, high: int) -> TypeGuard[int]:
    """Is ``value`` a whole number from ``low`` to ``high``? (Not text, not ``True``: a
    form or the command line may hand over either, and comparing them would fail.)"""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def valid_id(value: object) -> bool:
    """Could ``value`` be the id of a row (a positive integer within the column's range)?"""
    return whole_number_in(value, 1, MAX_ID)


def id_error(value: object, message: str) -> str | None:
    """``message`` when ``value`` is given but cannot be an id; ``None`` for ``None`` or an id."""
    return None if value is None or valid_id(value) else message


def existing(session: Session, model: type[T], ident: object, message: str, *,
             field: str | None = None) -> T:
    """The row of ``model`` with this id.

    When there is none: ``ValidationError({field: message})`` if the id came from
    a form field, else ``NotFoundError(message)`` (the thing acted upon is gone).
    """
    row = session.get(model, ident) if valid_id(ident) else None
    if row is None:
        if field is None:
            raise NotFoundError(message)
        raise ValidationError({field: message})
    return row


def date_error(value: date | datetime | None, label: str) -> str | None:
    """Why a date is out of range, in Chinese; ``None`` when it is fine (or not given)."""
    if value is None:
        return None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return f"{label}应在{MIN_YEAR}年至{MAX_YEAR}年之间"
    return None


def date_errors(values: Mapping[str, date | datetime | None],
                labels: Mapping[str, str]) -> dict[str, str]:
    """:func:`date_error` for several fields at once."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        message = date_error(value, labels.get(name, "日期"))
        if message:
            errors[name] = message
    return errors
