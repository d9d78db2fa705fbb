"""Each refusal and parsing rule of the ID card reader, at its edges.

Every test here fails when the rule it names is removed or loosened: the bytes
are built in the test (the chip's UCS-2 block, PE images with struct), no code
under test is replaced. Every card and every 身份证号 is invented; the numbers
carry a GB 11643 check digit computed here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.services.reception.idcard.card import (
    NATIONS,
    CardData,
    card_date,
    card_from_texts,
    clean,
    gender_name,
    nation_name,
)
from desktop.services.reception.idcard.parsing import (
    UCS2_BLOCK_BYTES,
    UCS2_FIELDS,
    UCS2_TEXT_BYTES,
    CardFormatError,
    decode_gbk,
    make_ucs2_block,
    parse_ucs2_block,
    split_ucs2_block,
)
from desktop.services.validation import id_number_error

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(body: str) -> str:
    """An invented 身份证号: the 17 digits and their GB 11643 check character."""
    assert len(body) == 17 and body.isdigit()
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


NUMBER = _id_number("32010619780923041")  # invented
NUMBER_X = _id_number("44030519900101027")  # invented, ends in X


def test_the_invented_numbers_are_valid_and_one_ends_in_x() -> None:
    assert id_number_error(NUMBER) is None and id_number_error(NUMBER_X) is None
    assert NUMBER_X.endswith("X")


def _values(**changes: str) -> dict[str, str]:
    values = {"name": "沈若溪", "gender": "2", "nation": "01", "birth": "19780923",
              "address": "南京市鼓楼区青檀街12号", "id_number": NUMBER,
              "authority": "南京市公安局鼓楼分局", "start": "20180105", "end": "20380105"}
    values.update(changes)
    return values


def _field(text: str, width: int, pad: str = " ") -> bytes:
    raw = text.encode("utf-16-le")
    assert len(raw) <= width
    return raw + pad.encode("utf-16-le") * ((width - len(raw)) // 2)


def _block(pad: str = " ", **changes: str) -> bytes:
    """The 220 text bytes, laid out here by the published widths, padded with ``pad``."""
    values = _values(**changes)
    widths = (("name", 30), ("gender", 2), ("nation", 4), ("birth", 16), ("address", 70),
              ("id_number", 36), ("authority", 30), ("start", 16), ("end", 16))
    return b"".join(_field(values[key], width, pad) for key, width in widths)


# -- the chip's UCS-2 block ------------------------------------------------------------------

def test_the_published_widths_make_220_text_bytes_of_a_256_byte_block() -> None:
    assert UCS2_FIELDS == (("name", 30), ("gender", 2), ("nation", 4), ("birth", 16),
                           ("address", 70), ("id_number", 36), ("authority", 30),
                           ("start", 16), ("end", 16))
    assert (UCS2_TEXT_BYTES, UCS2_BLOCK_BYTES) == (220, 256)


def test_a_block_of_the_220_text_bytes_is_read_and_one_byte_less_is_refused() -> None:
    text = _block()
    assert len(text) == 220
    card = parse_ucs2_block(text)
    assert (card.name, card.valid_to) == ("沈若溪", date(2038, 1, 5))
    # The reserved bytes after the text, and whatever a longer file holds, are not read.
    assert parse_ucs2_block(text + b"\xff" * 36) == card
    assert parse_ucs2_block(text + b"\x00\xd8" * 100) == card
    with pytest.raises(CardFormatError, match=r"^text block of 219 bytes, 220 expected$"):
        split_ucs2_block(text[:219])
    with pytest.raises(CardFormatError, match=r"^text block of 0 bytes, 220 expected$"):
        split_ucs2_block(b"")


@pytest.mark.parametrize("field", [field for field, _width in UCS2_FIELDS])
def test_a_field_that_is_not_ucs2_is_refused_by_its_name(field: str) -> None:
    at = 0
    for name, width in UCS2_FIELDS:
        if name == field:
            break
        at += width
    broken = bytearray(_block())
    broken[at:at + 2] = b"\x00\xdc"  # a lone low surrogate: no UCS-2 character
    with pytest.raises(CardFormatError, match=rf"^field {field} is not UCS-2$"):
        split_ucs2_block(bytes(broken))


def test_each_field_is_cut_at_its_own_width() -> None:
    fields = split_ucs2_block(_block())
    assert fields == {
        "name": "沈若溪" + " " * 12, "gender": "2", "nation": "01", "birth": "19780923",
        "address": "南京市鼓楼区青檀街12号" + " " * 23, "id_number": NUMBER,
        "authority": "南京市公安局鼓楼分局" + " " * 5, "start": "20180105", "end": "20380105"}


def test_padding_of_spaces_nuls_and_full_width_spaces_is_trimmed_from_both_ends() -> None:
    for pad in (" ", "\x00", "\u3000"):
        card = parse_ucs2_block(_block(pad, name=f"{pad}沈若溪", address=f"{pad}南京市 鼓楼区",
                                       authority=f"{pad}南京市公安局鼓楼分局{pad}",
                                       nation="1", gender=pad))
        assert card.name == "沈若溪", repr(pad)
        assert card.address == "南京市 鼓楼区", repr(pad)  # a space inside stays
        assert card.authority == "南京市公安局鼓楼分局", repr(pad)
        assert card.nation == "汉", repr(pad)  # "1" and its padding: the code 01
        assert card.gender == "", repr(pad)
    assert clean("\x00\u3000 甲 乙 \u3000\x00") == "甲 乙"
    assert clean("\t甲\n") == "\t甲\n"  # only the card's own padding is removed


def test_make_ucs2_block_fills_each_field_to_the_byte_and_refuses_one_that_does_not_fit(
) -> None:
    for field, width in UCS2_FIELDS:
        fits = "一" * (width // 2)
        block = make_ucs2_block(_values(**{field: fits}))
        assert len(block) == UCS2_BLOCK_BYTES
        assert split_ucs2_block(block)[field] == fits
        with pytest.raises(CardFormatError, match=rf"^{field} does not fit its {width} bytes$"):
            make_ucs2_block(_values(**{field: fits + "一"}))
    block = make_ucs2_block(_values())
    assert block[:220] == _block()  # spaces to each field's width
    assert block[220:] == b" \x00" * 18  # and the reserved bytes
    assert make_ucs2_block({})[:30] == b" \x00" * 15  # a field not given is all padding


# -- the GB2312 fields -----------------------------------------------------------------------

def test_a_gb2312_field_ends_at_its_first_nul_and_loses_its_padding() -> None:
    assert decode_gbk(b"\x00" + "沈若溪".encode("gbk")) == ""  # a NUL first: nothing
    assert decode_gbk("沈若溪".encode("gbk") + b"\x00") == "沈若溪"
    assert decode_gbk("\u3000 沈若溪\u3000 ".encode("gbk")) == "沈若溪"
    assert decode_gbk("南京市 鼓楼区".encode("gbk")) == "南京市 鼓楼区"


# -- the fields' meaning ---------------------------------------------------------------------

def test_every_gb3304_nation_code_prints_its_name() -> None:
    printed = {
        "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗",
        "07": "彝", "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗",
        "13": "瑶", "14": "白", "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣",
        "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
        "25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土",
        "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南",
        "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米", "41": "塔吉克", "42": "怒",
        "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂", "47": "保安",
        "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
        "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士"}
    assert printed == NATIONS
    for code, name in printed.items():
        assert nation_name(code) == name
        assert nation_name(f" {code}\u3000") == name
        assert nation_name(name + "族") == name
    assert nation_name("9") == "布依"  # one digit: the code 09
    # A code that is none of them is shown as it is, for the receptionist to correct.
    assert [nation_name(v) for v in ("00", "57", "99", "123")] == ["00", "57", "99", "123"]
    assert nation_name("族") == "族"  # no name left to show without it
    assert nation_name("") == ""


def test_sex_codes_and_texts() -> None:
    assert [gender_name(v) for v in ("1", "2", "01", "3", "男性", "", " 1\u3000")] == [
        "男", "女", "", "", "", "", "男"]


def test_dates_need_exactly_eight_digits_of_a_real_day() -> None:
    assert card_date("20380105") == date(2038, 1, 5)
    assert card_date(" 2038年01月05日 ") == date(2038, 1, 5)
    assert card_date("2038015") is None  # seven digits
    assert card_date("203801051") is None  # nine digits
    assert card_date("203801015") is None  # nine digits that would make 2038-01-15
    assert card_date("20381305") is None and card_date("20380229") is None
    assert card_date("20400229") == date(2040, 2, 29)
    assert card_date("") is None and card_date("长期") is None


def test_a_validity_ending_long_term_has_no_end_date_and_never_expires() -> None:
    card = parse_ucs2_block(_block(end="长期"))
    assert (card.long_term, card.valid_to) == (True, None)
    assert card.validity_text() == "2018.01.05-长期"
    assert not card.expired(date(2200, 1, 1))
    padded = card_from_texts(**_values(end="\u3000长期\x00"))
    assert (padded.long_term, padded.valid_to) == (True, None)
    dated = parse_ucs2_block(_block())
    assert (dated.long_term, dated.valid_to) == (False, date(2038, 1, 5))


def test_expiry_and_the_printed_validity() -> None:
    last = date(2038, 1, 5)
    card = CardData("沈若溪", "女", "汉", None, "", NUMBER, valid_from=date(2018, 1, 5),
                    valid_to=last)
    assert not card.expired(last) and card.expired(last + timedelta(days=1))
    # A long-term card with an end date given anyway, and a card whose end is unreadable.
    long_term = CardData("沈若溪", "女", "汉", None, "", NUMBER, valid_to=date(2000, 1, 1),
                         long_term=True)
    assert not long_term.expired(date(2038, 1, 6))
    unreadable = CardData("沈若溪", "女", "汉", None, "", NUMBER)
    assert not unreadable.expired(date(2038, 1, 6))
    assert unreadable.validity_text() == "—-—"
    assert card.validity_text() == "2018.01.05-2038.01.05"


def test_the_check_character_x_is_read_in_capitals() -> None:
    card = parse_ucs2_block(_block(id_number=NUMBER_X.lower()))
    assert card.id_number == NUMBER_X
    assert id_number_error(card.id_number) is None


def test_the_wire_format_ignores_fields_it_does_not_know_and_keeps_empty_dates() -> None:
    card = CardData("沈若溪", "女", "汉", None, "南京市", NUMBER)
    data = card.to_json()
    assert data["birth_date"] is None and data["photo"] is None
    assert CardData.from_json({**data, "fingerprint": "…"}) == card
    assert CardData.from_json({"name": "沈若溪", "gender": "女", "nation": "汉",
                               "address": "南京市", "id_number": NUMBER}) == card
