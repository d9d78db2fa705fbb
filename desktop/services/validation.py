"""Checks of the numbers residents give: 身份证号, phone numbers, 统一社会信用代码.

python-stdnum implements the GB 11643 check digit and GB 32100; trusting it
beats a hand-written checksum.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

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


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = value
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits


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
