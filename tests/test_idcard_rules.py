"""Each refusal and parsing rule of the ID card reader, at its edges.

Every test here fails when the rule it names is removed or loosened: the bytes
are built in the test (the chip's UCS-2 block, PE images with struct), no code
under test is replaced. Every card and every 身份证号 is invented; the numbers
carry a GB 11643 check digit computed here.
"""

from __future__ import annotations

import codecs
import ctypes
import errno
import io
import json
import locale
import logging
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from desktop.services.reception.idcard import helper, locate
from desktop.services.reception.idcard.card import (
    NATIONS,
    CardData,
    card_date,
    card_from_texts,
    clean,
    gender_name,
    nation_name,
)
from desktop.services.reception.idcard.drivers import (
    HUASHI,
    SDTAPI,
    SHENSI,
    HuashiReader,
    SdtapiReader,
    ShensiReader,
    identify,
    load_library,
    make_reader,
)
from desktop.services.reception.idcard.helper import HelperReader, helper_environment, serve
from desktop.services.reception.idcard.helper import main as helper_main
from desktop.services.reception.idcard.locate import (
    PYTHON_BITS,
    FoundDriver,
    find_driver,
    helper_command,
    open_reader,
    photo_library,
    search_folders,
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
from desktop.services.reception.idcard.pe import NotADll, read_dll
from desktop.services.reception.idcard.reader import ReaderUnavailable, UnavailableReader
from desktop.services.reception.idcard.simulated import (
    SimulatedReader,
    invented_card,
    placeholder_photo,
)
from desktop.services.validation import id_number_error
from tests.idcard_helpers import (
    HUASHI_EXPORTS,
    SDTAPI_EXPORTS,
    SHENSI_EXPORTS,
    FakeLibrary,
    FakeSdtapi,
    FakeWltRS,
    decoded_photo,
    fill,
    make_dll,
    write_dll,
)

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
    assert decode_gbk("沈若溪".encode("gbk") + bytes(122)) == "沈若溪"  # a zeroed buffer
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


# -- the PE headers of a DLL -----------------------------------------------------------------

class _Layout:
    """Where :func:`make_dll` put each header of ``image``, read back from the image."""

    def __init__(self, image: bytes | bytearray) -> None:
        (self.pe_at,) = struct.unpack_from("<I", image, 0x3C)
        self.coff = self.pe_at + 4
        (self.optional_size,) = struct.unpack_from("<H", image, self.coff + 16)
        self.optional = self.coff + 20
        (magic,) = struct.unpack_from("<H", image, self.optional)
        self.directories = self.optional + (96 if magic == 0x10B else 112)
        self.sections = self.optional + self.optional_size
        (_vsize, self.vaddr, self.raw_size, self.raw_at) = struct.unpack_from(
            "<IIII", image, self.sections + 8)


def _bits_and_exports(tmp_path: Path, image: bytes | bytearray) -> tuple[int, frozenset[str]]:
    path = tmp_path / "reader.dll"
    path.write_bytes(bytes(image))
    info = read_dll(path)
    return info.bits, info.exports


def _read(tmp_path: Path, image: bytes | bytearray) -> frozenset[str]:
    return _bits_and_exports(tmp_path, image)[1]


def test_a_file_without_the_mz_header_is_refused(tmp_path: Path) -> None:
    image = bytearray(make_dll(["SDT_OpenPort"]))
    assert _read(tmp_path, image) == {"SDT_OpenPort"}
    image[:2] = b"ZM"
    with pytest.raises(NotADll, match=r"^no MZ header$"):
        _read(tmp_path, image)
    with pytest.raises(NotADll, match=r"^no MZ header$"):
        _read(tmp_path, b"")


def test_a_file_cut_inside_its_headers_is_truncated(tmp_path: Path) -> None:
    # The MZ header's pointer to the PE header is its last four bytes, 0x3C to 0x40.
    with pytest.raises(NotADll, match=r"^truncated PE file$"):
        _read(tmp_path, b"MZ" + bytes(0x3F - 2))
    header = bytearray(b"MZ" + bytes(0x40 - 2))
    struct.pack_into("<I", header, 0x3C, 0x40)
    with pytest.raises(NotADll, match=r"^no PE signature$"):  # read, and it points past the end
        _read(tmp_path, header)
    image = make_dll(["SDT_OpenPort"])
    at = _Layout(image)
    for cut in (at.coff + 19, at.optional + 1, at.sections + 39, at.raw_at + 35):
        with pytest.raises(NotADll, match=r"^truncated PE file$"):
            _read(tmp_path, image[:cut])


def test_a_file_without_the_pe_signature_is_refused(tmp_path: Path) -> None:
    image = bytearray(make_dll(["SDT_OpenPort"]))
    at = _Layout(image)
    image[at.pe_at + 3] = 1
    with pytest.raises(NotADll, match=r"^no PE signature$"):
        _read(tmp_path, image)


@pytest.mark.parametrize("magic", [0x107, 0x10A, 0x10C, 0x20A, 0x20C, 0, 0x810B, 0xFFFF])
def test_an_optional_header_neither_pe32_nor_pe32_plus_is_refused(tmp_path: Path,
                                                                   magic: int) -> None:
    image = bytearray(make_dll(["SDT_OpenPort"]))
    struct.pack_into("<H", image, _Layout(image).optional, magic)
    with pytest.raises(NotADll, match=rf"^unknown optional header {magic:#x}$"):
        _read(tmp_path, image)


@pytest.mark.parametrize("bits", [32, 64])
def test_a_dll_without_exports_or_with_no_names_reads_as_exporting_nothing(
        tmp_path: Path, bits: int) -> None:
    image = bytearray(make_dll(["SDT_OpenPort"], bits=bits))
    at = _Layout(image)
    assert _bits_and_exports(tmp_path, image) == (bits, frozenset({"SDT_OpenPort"}))
    no_directory = bytearray(image)
    struct.pack_into("<II", no_directory, at.directories, 0, 0)
    assert _bits_and_exports(tmp_path, no_directory) == (bits, frozenset())
    # Exported by ordinal only: no names, and no name table at all.
    ordinals_only = bytearray(image)
    struct.pack_into("<I", ordinals_only, at.raw_at + 24, 0)
    struct.pack_into("<I", ordinals_only, at.raw_at + 32, 0)
    assert _bits_and_exports(tmp_path, ordinals_only) == (bits, frozenset())


def test_an_address_is_read_up_to_the_last_byte_of_its_section_and_no_further(
        tmp_path: Path) -> None:
    image = bytearray(make_dll(["A"]))
    at = _Layout(image)
    # The section: directory (40), one name pointer (4), "A\0" (2) — 46 bytes.
    assert at.raw_size == 46
    pointer = at.raw_at + 40
    (name_rva,) = struct.unpack_from("<I", image, pointer)
    assert name_rva == at.vaddr + 44
    struct.pack_into("<I", image, pointer, at.vaddr + 45)  # the last byte: the NUL
    assert _read(tmp_path, image) == {""}
    struct.pack_into("<I", image, pointer, at.vaddr + 46)
    with pytest.raises(NotADll, match=rf"^address {at.vaddr + 46:#x} outside every section$"):
        _read(tmp_path, image)
    struct.pack_into("<I", image, pointer, at.vaddr - 1)
    with pytest.raises(NotADll, match=rf"^address {at.vaddr - 1:#x} outside every section$"):
        _read(tmp_path, image)
    moved = bytearray(make_dll(["A"]))
    struct.pack_into("<I", moved, at.directories, at.vaddr + 46)
    with pytest.raises(NotADll, match=r"outside every section"):
        _read(tmp_path, moved)


def test_a_section_without_a_virtual_size_is_as_long_as_its_raw_data(tmp_path: Path) -> None:
    image = bytearray(make_dll(["SDT_OpenPort", "SDT_ReadBaseMsg"]))
    struct.pack_into("<I", image, _Layout(image).sections + 8, 0)  # VirtualSize
    assert _read(tmp_path, image) == {"SDT_OpenPort", "SDT_ReadBaseMsg"}


def test_the_exports_are_found_in_whichever_section_holds_them(tmp_path: Path) -> None:
    image = bytearray(make_dll(["SDT_OpenPort", "SDT_ReadBaseMsg"]))
    at = _Layout(image)
    edata = bytes(image[at.sections:at.sections + 40])
    assert at.sections + 80 <= 0x1F0  # room for a second entry before any section's data
    struct.pack_into("<8sIIII", image, at.sections, b".text", 0x10, 0x800, 0x10, 0x1F0)
    image[at.sections + 40:at.sections + 80] = edata
    struct.pack_into("<H", image, at.coff + 2, 2)  # NumberOfSections
    assert _read(tmp_path, image) == {"SDT_OpenPort", "SDT_ReadBaseMsg"}
    struct.pack_into("<H", image, at.coff + 2, 1)  # the export section not counted
    with pytest.raises(NotADll, match=rf"^address {at.vaddr:#x} outside every section$"):
        _read(tmp_path, image)


def test_the_headers_numbers_are_read_unsigned(tmp_path: Path) -> None:
    """As the PE format defines them: read signed, those of 2**31 and more would point back
    from the end of the file, or count less than nothing."""
    image = make_dll(["SDT_OpenPort", "SDT_ReadBaseMsg"])
    at = _Layout(image)
    # A pointer to the PE header beyond the end of the file, whatever the file ends with.
    far = bytearray(image)
    struct.pack_into("<I", far, 0x3C, 2**32 - (len(image) - at.pe_at))
    with pytest.raises(NotADll, match=r"^no PE signature$"):
        _read(tmp_path, far)
    # The export section 2 GiB up, and every address in it.
    high = bytearray(image)
    up = 0x8000_0000
    (names_rva,) = struct.unpack_from("<I", image, at.raw_at + 32)
    struct.pack_into("<I", high, at.sections + 12, at.vaddr + up)
    struct.pack_into("<I", high, at.directories, at.vaddr + up)
    struct.pack_into("<I", high, at.raw_at + 32, names_rva + up)
    for n in range(2):
        (name_rva,) = struct.unpack_from("<I", image, at.raw_at + 40 + 4 * n)
        struct.pack_into("<I", high, at.raw_at + 40 + 4 * n, name_rva + up)
    assert _read(tmp_path, high) == {"SDT_OpenPort", "SDT_ReadBaseMsg"}
    # 65,535 sections in a file of one; 4,294,967,295 export names.
    many = bytearray(image)
    struct.pack_into("<H", many, at.coff + 2, 0xFFFF)
    with pytest.raises(NotADll, match=r"^truncated PE file$"):
        _read(tmp_path, many)
    names = bytearray(image)
    struct.pack_into("<I", names, at.raw_at + 24, 0xFFFF_FFFF)
    with pytest.raises(NotADll, match=r"^implausible export table$"):
        _read(tmp_path, names)


def test_ten_thousand_export_names_are_read_and_one_more_is_refused(tmp_path: Path) -> None:
    names = [f"F{n:05d}" for n in range(10_000)]
    assert _read(tmp_path, make_dll(names)) == frozenset(names)
    with pytest.raises(NotADll, match=r"^implausible export table$"):
        _read(tmp_path, make_dll([*names, "F10000"]))


def test_an_export_name_without_its_nul_is_refused(tmp_path: Path) -> None:
    image = make_dll(["SDT_OpenPort", "SDT_ReadBaseMsg"])
    assert image.endswith(b"SDT_ReadBaseMsg\x00")
    with pytest.raises(NotADll, match=r"^unterminated export name$"):
        _read(tmp_path, image[:-1])


def test_an_export_name_that_is_not_ascii_is_read_with_a_replacement_character(
        tmp_path: Path) -> None:
    image = bytearray(make_dll(["SDT_OpenPort", "GetName"]))
    image[-2] = 0xE9  # GetNam\xe9
    assert _read(tmp_path, image) == {"SDT_OpenPort", "GetNam\ufffd"}


def test_a_file_that_cannot_be_read_is_no_dll(tmp_path: Path) -> None:
    with pytest.raises(NotADll, match=r"missing\.dll"):
        read_dll(tmp_path / "missing.dll")
    with pytest.raises(NotADll):
        read_dll(tmp_path)  # a folder


# -- the helper process: the server side -----------------------------------------------------

class _Reader:
    """A reader whose reads give ``outcomes`` in turn (a card, ``None`` or an exception)."""

    label = "测试阅读器"

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.closed = 0

    def read(self) -> CardData | None:
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome  # type: ignore[no-any-return]

    def close(self) -> None:
        self.closed += 1


def _served(reader: Any, text: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert serve(reader, io.StringIO(text), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_helper_answers_each_request_and_refuses_what_is_no_request() -> None:
    card = invented_card(5, today=date(2030, 6, 1))
    reader = _Reader(None, card, ReaderUnavailable("身份证阅读器已断开"),
                     OSError("端口被占用"), None)
    answers = _served(reader, "\n".join([
        "", "   ", '{"op": "read"}', '{"op": "read"}', "not json", "[1, 2]", '"read"',
        '{"op": "write"}', "{}", '{"op": "read"}', '{"op": "read"}', '{"op": "read"}',
        '{"op": "close"}', '{"op": "read"}']) + "\n")
    assert answers == [
        {"ok": True, "protocol": 1, "label": "测试阅读器"},
        {"ok": True, "card": None},
        {"ok": True, "card": card.to_json()},
        {"ok": False, "error": "请求不是 JSON 对象"},
        {"ok": False, "error": "请求不是 JSON 对象"},
        {"ok": False, "error": "请求不是 JSON 对象"},
        {"ok": False, "error": "未知的请求：write"},
        {"ok": False, "error": "未知的请求：None"},
        {"ok": False, "unavailable": "身份证阅读器已断开"},
        {"ok": False, "error": "OSError: 端口被占用"},  # said, and the helper serves on
        {"ok": True, "card": None},
        {"ok": True, "closed": True},
    ]
    assert reader.closed == 1 and reader.outcomes == []  # nothing read after close


def test_the_helper_closes_the_reader_at_the_end_of_its_input() -> None:
    reader = _Reader(None)
    assert _served(reader, '{"op": "read"}\n')[1:] == [{"ok": True, "card": None}]
    assert reader.closed == 1


def test_a_helper_told_no_dll_says_so_through_the_protocol() -> None:
    client = HelperReader([sys.executable, "-m", "desktop.services.reception.idcard.helper",
                           "--driver", "sdtapi"], label="测试", env=helper_environment(),
                          timeout=30)
    try:
        with pytest.raises(ReaderUnavailable, match=r"^读卡助手需要 --dll$"):
            client.read()
    finally:
        client.close()


# -- the helper process: the program's side --------------------------------------------------

_PRELUDE = """
import json, os, sys
def say(message):
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\\n")
    sys.stdout.flush()
"""


def _helper(tmp_path: Path, body: str, *, timeout: float = 30,
            env: dict[str, str] | None = None) -> HelperReader:
    """A client of a helper that runs ``body`` (a stand-in for the helper, not the client)."""
    script = tmp_path / "helper_script.py"
    script.write_text(_PRELUDE + textwrap.dedent(body), encoding="utf-8")
    return HelperReader([sys.executable, str(script)], label="测试", env=env, timeout=timeout)


def test_a_helper_of_another_protocol_version_is_refused_and_stopped(tmp_path: Path) -> None:
    for hello in ('{"ok": true, "protocol": 2}', '{"ok": true}', "[1]"):
        client = _helper(tmp_path, f"""
            sys.stdout.write({hello!r} + "\\n"); sys.stdout.flush()
            sys.stdin.read()
            """)
        with pytest.raises(ReaderUnavailable, match=r"^读卡助手版本不符，请重新安装程序$"):
            client.read()
        assert client.process is None


def test_an_answer_that_is_not_json_ends_the_helper(tmp_path: Path) -> None:
    client = _helper(tmp_path, """
        say({"ok": True, "protocol": 1})
        sys.stdin.readline()
        sys.stdout.write("Segmentation fault in termb.dll\\n"); sys.stdout.flush()
        sys.stdin.read()
        """)
    with pytest.raises(ReaderUnavailable, match=r"^读卡助手的应答无法识别$"):
        client.read()
    assert client.process is None


def test_the_helpers_answers_become_cards_nothing_or_the_right_exception(tmp_path: Path) -> None:
    card = invented_card(8, today=date(2030, 6, 1))
    answers = [{"ok": True, "card": card.to_json()}, {"ok": True, "card": None},
               {"ok": True}, {"ok": False, "unavailable": "身份证阅读器已断开，请检查 USB 连接"},
               {"ok": False, "error": "OSError: 端口被占用"}, [1], {"ok": True, "card": "?"}]
    client = _helper(tmp_path, f"""
        say({{"ok": True, "protocol": 1}})
        for answer in {answers!r}:
            assert json.loads(sys.stdin.readline()) == {{"op": "read"}}
            say(answer)
        assert json.loads(sys.stdin.readline()) == {{"op": "close"}}
        say({{"ok": True, "closed": True}})
        """)
    try:
        assert client.read() == card
        assert client.read() is None
        assert client.read() is None
        with pytest.raises(ReaderUnavailable, match=r"^身份证阅读器已断开，请检查 USB 连接$"):
            client.read()
        with pytest.raises(RuntimeError, match=r"^读卡助手出错：OSError: 端口被占用$"):
            client.read()
        with pytest.raises(RuntimeError, match=r"^读卡助手出错：None$"):  # not an object
            client.read()
        assert client.read() is None
        assert client.process is not None  # one process answered them all
    finally:
        client.close()


def test_a_helper_that_stopped_reading_its_input_has_exited(tmp_path: Path) -> None:
    client = _helper(tmp_path, """
        os.close(0)  # no request can reach it any more
        say({"ok": True, "protocol": 1})
        import time; time.sleep(1)
        """)
    with pytest.raises(ReaderUnavailable, match=r"^读卡助手已退出，请检查身份证阅读器驱动$"):
        client.read()
    assert client.process is None


def test_a_helper_that_ends_without_answering_has_exited(tmp_path: Path) -> None:
    client = _helper(tmp_path, """
        say({"ok": True, "protocol": 1})
        sys.stdin.readline()  # the request read, and no answer
        """)
    with pytest.raises(ReaderUnavailable, match=r"^读卡助手已退出，请检查身份证阅读器驱动$"):
        client.read()
    assert client.process is None


def test_a_helper_that_does_not_answer_in_time_is_said_to_be_silent(tmp_path: Path) -> None:
    client = _helper(tmp_path, """
        say({"ok": True, "protocol": 1})
        sys.stdin.read()  # reads on, never answers
        """, timeout=5)
    with pytest.raises(ReaderUnavailable, match=r"^读卡助手无响应，请检查身份证阅读器$"):
        client.read()
    assert client.process is None


def test_a_helper_that_died_is_started_again_at_the_next_read(tmp_path: Path) -> None:
    starts = tmp_path / "starts.txt"
    client = _helper(tmp_path, f"""
        with open({str(starts)!r}, "a") as log:
            log.write("started\\n")
        say({{"ok": True, "protocol": 1}})
        sys.stdin.readline()
        say({{"ok": True, "card": None}})  # one read, then it dies
        """)
    try:
        assert client.read() is None
        first = client.process
        assert first is not None
        first.wait(timeout=30)
        assert client.read() is None
        assert client.process is not None and client.process is not first
        assert starts.read_text(encoding="utf-8").splitlines() == ["started", "started"]
    finally:
        client.close()


def test_closing_asks_the_helper_to_close_and_ends_it(tmp_path: Path) -> None:
    requests = tmp_path / "requests.txt"
    client = _helper(tmp_path, f"""
        say({{"ok": True, "protocol": 1}})
        for line in sys.stdin:
            with open({str(requests)!r}, "a") as log:
                log.write(line)
            op = json.loads(line)["op"]
            say({{"ok": True, "closed": True}} if op == "close" else {{"ok": True, "card": None}})
        """)
    assert client.read() is None
    process = client.process
    assert process is not None
    client.close()
    assert client.process is None and process.poll() == 0  # it ended by itself, not killed
    assert requests.read_text(encoding="utf-8").splitlines() == [
        '{"op": "read"}', '{"op": "close"}']
    client.close()  # closing again does nothing
    assert client.process is None


def test_the_helper_runs_in_the_environment_it_is_given(tmp_path: Path) -> None:
    client = _helper(tmp_path, """
        say({"ok": True, "protocol": 1})
        sys.stdin.readline()
        say({"ok": False, "unavailable": os.environ.get("IDCARD_DESK", "no IDCARD_DESK")})
        sys.stdin.readline()
        say({"ok": True, "closed": True})
        """, env={**os.environ, "IDCARD_DESK": "接待台 2"})
    try:
        with pytest.raises(ReaderUnavailable, match=r"^接待台 2$"):
            client.read()
    finally:
        client.close()


def test_the_helpers_environment_puts_this_package_first_and_keeps_the_pythonpath_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(Path(helper.__file__).resolve().parents[3])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["/opt/读卡/lib", "/srv/lib"]))
    assert helper_environment()["PYTHONPATH"] == os.pathsep.join(
        [root, "/opt/读卡/lib", "/srv/lib"])
    monkeypatch.setenv("PYTHONPATH", "")
    assert helper_environment()["PYTHONPATH"] == root
    monkeypatch.delenv("PYTHONPATH")
    assert helper_environment()["PYTHONPATH"] == root


def test_what_the_helper_writes_to_its_standard_error_stays_out_of_the_programs(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    client = _helper(tmp_path, """
        sys.stderr.write("ERROR reading the card failed: 沈若溪 in termb.dll\\n")
        sys.stderr.flush()
        say({"ok": True, "protocol": 1})
        sys.stdin.readline()
        say({"ok": True, "card": None})
        sys.stdin.readline()
        say({"ok": True, "closed": True})
        """)
    try:
        assert client.read() is None
    finally:
        client.close()
    assert "termb.dll" not in capfd.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="Windows' locale encoding is its code page")
def test_the_helpers_answers_are_read_as_utf8_whatever_the_programs_locale(tmp_path: Path
                                                                             ) -> None:
    """Under the C locale the program's own encoding is ASCII (on a Chinese Windows, GBK)."""
    card = invented_card(8, today=date(2030, 6, 1))
    client = _helper(tmp_path, f"""
        for answer in ({{"ok": True, "protocol": 1}}, {{"ok": True, "card": {card.to_json()!r}}}):
            sys.stdout.buffer.write((json.dumps(answer, ensure_ascii=False) + "\\n").encode())
            sys.stdout.flush()
            sys.stdin.readline()
        """, timeout=10)
    was = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
        read = client.read()
    finally:
        locale.setlocale(locale.LC_CTYPE, was)
        client.close()
    assert read == card


# -- the simulated reader --------------------------------------------------------------------

def test_the_simulated_reader_unplugged_refuses_every_read_until_plugged_in() -> None:
    reader = SimulatedReader()
    card = reader.present(invented_card(2, today=date(2030, 6, 1)))
    assert reader.read() == card
    reader.unplug()
    for _ in range(2):
        with pytest.raises(ReaderUnavailable, match=r"^身份证阅读器未连接（模拟阅读器已拔下）$"):
            reader.read()
    reader.plug_in()
    assert reader.read() == card  # the card stayed on it
    reader.remove()
    assert reader.read() is None
    assert reader.reads == 5  # the refused reads count too
    laid = reader.present()
    assert laid == reader.read() and laid.name


def _age(card: CardData, today: date) -> int:
    assert card.birth_date is not None
    return today.year - card.birth_date.year


def test_invented_cards_are_valid_for_10_20_years_or_long_term_by_age() -> None:
    today = date(2030, 6, 1)
    seen = set()
    for n in range(50):
        card = invented_card(n, today=today)
        age = _age(card, today)
        assert card.valid_from is not None and card.valid_from < today
        if age >= 46:
            assert (card.long_term, card.valid_to) == (True, None), age
        else:
            years = 10 if age <= 25 else 20
            assert not card.long_term and card.valid_to is not None
            assert card.valid_to.year - card.valid_from.year == years, age
            assert not card.expired(today)
        seen.add(age)
    assert {25, 26, 45, 46} <= seen  # each edge of the bands was tried
    expired = invented_card(3, today=today, expired=True)
    assert expired.valid_to == today - timedelta(days=30) and expired.expired(today)
    assert expired.valid_from == expired.valid_to.replace(year=expired.valid_to.year - 10)
    assert invented_card(3, today=today, photo=False).photo is None


def test_every_invented_card_is_one_a_chip_could_hold() -> None:
    """The demonstration reader lays the next invented card at each present(): the first
    thousand all carry every field, a valid number of their birth day and their sex."""
    today = date(2030, 6, 1)
    for n in range(1001):
        card = invented_card(n, today=today, photo=False)
        assert all((card.name, card.gender, card.nation, card.address, card.authority)), n
        assert id_number_error(card.id_number) is None, n
        assert card.birth_date is not None and card.valid_from is not None, n
        assert card.id_number[6:14] == f"{card.birth_date:%Y%m%d}", n
        assert card.gender == ("男" if int(card.id_number[16]) % 2 else "女"), n
        assert card.valid_from <= today and not card.expired(today), n


def test_a_validity_from_or_to_29_february_runs_to_or_from_the_28th() -> None:
    expired = invented_card(3, today=date(2024, 3, 30), expired=True)
    assert (expired.valid_from, expired.valid_to) == (date(2014, 2, 28), date(2024, 2, 29))
    # Whichever day the card issued on 29 February is read: it ends on a 28 February.
    issued = next(card for card in (invented_card(0, today=date(2024, 3, 1) + timedelta(days),
                                                  photo=False) for days in range(4000))
                  if card.valid_from == date(2024, 2, 29))
    assert issued.valid_to is not None and issued.valid_to.year - 2024 in (10, 20)
    assert (issued.valid_to.month, issued.valid_to.day) == (2, 28)


def test_the_placeholder_photo_is_a_102_by_126_24_bit_bmp() -> None:
    photo = placeholder_photo(1)
    assert len(photo) == 38_862  # the size the readers' photos have
    assert struct.unpack_from("<2sI", photo, 0) == (b"BM", len(photo))
    (offset,) = struct.unpack_from("<I", photo, 10)
    assert offset == 54
    assert struct.unpack_from("<IiiHH", photo, 14) == (40, 102, 126, 1, 24)
    assert placeholder_photo(2) != photo
    image = QImage.fromData(photo, "BMP")  # a picture any viewer shows
    assert not image.isNull() and (image.width(), image.height()) == (102, 126)


# -- where the driver DLL is looked for ------------------------------------------------------

def test_the_folders_are_searched_configured_first_then_the_program_then_windows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = Path(sys.executable).resolve().parent
    monkeypatch.setenv("SYSTEMROOT", str(tmp_path / "Windows"))
    windows = [tmp_path / "Windows" / "System32", tmp_path / "Windows" / "SysWOW64"]
    assert search_folders() == [program, *windows]
    assert search_folders(tmp_path) == [tmp_path, program, *windows]  # a folder
    dll = write_dll(tmp_path / "CVR", "termb.dll", HUASHI_EXPORTS)
    assert search_folders(dll) == [tmp_path / "CVR", program, *windows]  # a file: its folder
    monkeypatch.delenv("SYSTEMROOT")
    assert search_folders() == [program]


def test_the_first_folder_with_a_reader_wins_and_the_configured_file_before_all(
        tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_dll(first, "SDTAPI.DLL", SDTAPI_EXPORTS)
    write_dll(second, "termb.dll", HUASHI_EXPORTS)
    found = find_driver([tmp_path / "missing", first, second])
    assert found is not None and (found.kind, found.path) == (SDTAPI, first / "SDTAPI.DLL")
    found = find_driver([second, first])
    assert found is not None and found.kind == HUASHI
    configured = write_dll(tmp_path / "elsewhere", "cardreader.dll", SHENSI_EXPORTS, bits=32)
    found = find_driver([second, first], configured=configured)
    assert found == FoundDriver(SHENSI, configured, 32)


def test_only_the_two_names_are_tried_and_a_dll_of_no_reader_is_passed_over(
        tmp_path: Path) -> None:
    folder = tmp_path / "CVR"
    write_dll(folder, "termb.dll", ["DllMain", "CVR_InitComm"])  # not all of a reader's
    write_dll(folder, "wltrs.dll", SDTAPI_EXPORTS)
    write_dll(folder, "sdtapi.dll.bak", SDTAPI_EXPORTS)
    assert find_driver([folder]) is None
    write_dll(folder, "SdtApi.Dll", SDTAPI_EXPORTS)
    found = find_driver([folder])
    assert found is not None and found.path.name == "SdtApi.Dll"


def test_the_helper_is_told_the_driver_and_the_dll(tmp_path: Path) -> None:
    found = FoundDriver(SHENSI, tmp_path / "TERMB.DLL", 32)
    python = tmp_path / "py32" / "python.exe"
    assert helper_command(found, python) == [
        str(python), "-m", "desktop.services.reception.idcard.helper", "--driver", "shensi",
        "--dll", str(tmp_path / "TERMB.DLL")]


@pytest.mark.skipif(sys.platform == "win32", reason="a DLL loads on Windows")
def test_off_windows_no_driver_is_looked_for_and_none_loads(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "CVR"
    write_dll(folder, "termb.dll", HUASHI_EXPORTS, bits=PYTHON_BITS)
    assert open_reader("auto", folders=[folder]) is None  # no setting: no search
    reader = open_reader("auto", dll=folder)  # the configured folder is searched
    assert isinstance(reader, UnavailableReader)
    assert reader.message == "华视 termb.dll 无法使用：身份证阅读器驱动只能在 Windows 上使用"
    with pytest.raises(ReaderUnavailable, match=r"^身份证阅读器驱动只能在 Windows 上使用$"):
        load_library(folder / "termb.dll")
    caplog.clear()
    assert photo_library(folder / "termb.dll") is None  # no WltRS.dll beside it
    assert not caplog.records  # nothing to say: the photo is optional
    (folder / "WltRS.dll").write_bytes(make_dll(["GetBmp"], bits=PYTHON_BITS))
    assert photo_library(folder / "termb.dll") is None  # there, but it cannot be loaded
    assert [r.getMessage() for r in caplog.records] == [
        f"{folder / 'WltRS.dll'} could not be loaded; cards are read without the photo"]


def test_a_helper_python_that_is_not_there_is_said(tmp_path: Path) -> None:
    other = 32 if PYTHON_BITS == 64 else 64
    folder = tmp_path / "CVR"
    write_dll(folder, "termb.dll", HUASHI_EXPORTS, bits=other)
    reader = open_reader("auto", dll=folder, folders=[folder],
                         helper_python=tmp_path / "Python32" / "python.exe")
    assert isinstance(reader, UnavailableReader)
    assert reader.message == (
        f"华视 termb.dll 为 {other} 位驱动，需要 {other} 位 Python 运行读卡助手；"
        "请在 config.json 中用 id_reader_python 指定其 python.exe")


@pytest.mark.skipif(sys.platform == "win32", reason="ENAMETOOLONG is the POSIX systems'")
def test_a_reader_that_cannot_be_set_up_says_why_in_words(tmp_path: Path) -> None:
    """An OSError's first argument is its number: the message is its text, not the number."""
    other = 32 if PYTHON_BITS == 64 else 64
    folder = tmp_path / "CVR"
    write_dll(folder, "termb.dll", HUASHI_EXPORTS, bits=other)
    too_long = tmp_path / ("p" * 300) / "python.exe"  # a name no file system takes
    reader = open_reader("auto", dll=folder, folders=[folder], helper_python=too_long)
    assert isinstance(reader, UnavailableReader)
    assert reader.message.startswith("华视 termb.dll 无法使用：")
    assert reader.message != "华视 termb.dll 无法使用：36"
    assert os.strerror(errno.ENAMETOOLONG) in reader.message


# -- the drivers, as far as they run off Windows ---------------------------------------------

@pytest.mark.parametrize(("exports", "kind"), [
    ({"CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content"}, HUASHI),
    ({"CVR_InitComm", "CVR_Authenticate"}, None),
    ({"CVR_InitComm", "CVR_Read_Content"}, None),
    ({"CVR_Authenticate", "CVR_Read_Content"}, None),
    ({"SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg"}, SDTAPI),
    ({"SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg"}, None),
    ({"SDT_OpenPort", "SDT_SelectIDCard", "SDT_ReadBaseMsg"}, None),
    ({"SDT_OpenPort", "SDT_StartFindIDCard", "SDT_ReadBaseMsg"}, None),
    ({"SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard"}, None),
    ({"InitComm", "Authenticate", "Read_Content"}, SHENSI),
    ({"InitComm", "Authenticate", "Read_Content_Path"}, SHENSI),
    ({"InitComm", "Authenticate"}, None),
    ({"InitComm", "Read_Content", "Read_Content_Path"}, None),
    ({"Authenticate", "Read_Content", "Read_Content_Path"}, None),
    (set(), None),
])
def test_a_dll_is_a_readers_only_with_all_of_its_functions(exports: set[str],
                                                           kind: str | None) -> None:
    assert identify(exports) == kind
    assert identify(frozenset(exports)) == kind


def test_the_usb_ports_1001_to_1016_are_tried_and_no_others() -> None:
    tried: list[int] = []

    def init(port: int) -> int:
        tried.append(port)
        return 1 if port == 1016 else 0

    reader = HuashiReader(FakeLibrary({"CVR_InitComm": init, "CVR_Authenticate": lambda: 0,
                                       "CVR_Read_Content": lambda active: 0}))
    assert reader.read() is None  # an older DLL without CVR_GetSAMID: no card
    assert tried == list(range(1001, 1017)) and reader.port == 1016
    tried.clear()
    sdtapi = SdtapiReader(FakeLibrary({
        "SDT_OpenPort": lambda port: tried.append(port) or 0x01,
        "SDT_StartFindIDCard": lambda port, buf, if_open: 0x80,
        "SDT_SelectIDCard": lambda port, buf, if_open: 0x90,
        "SDT_ReadBaseMsg": lambda *args: 0x90}))
    with pytest.raises(ReaderUnavailable, match="USB 端口 1001–1016 均无应答"):
        sdtapi.read()
    assert tried == list(range(1001, 1017)) and sdtapi.port is None


def test_closing_a_reader_never_opened_calls_nothing_in_the_dll() -> None:
    huashi = FakeLibrary({"CVR_InitComm": lambda port: 1, "CVR_Authenticate": lambda: 0,
                          "CVR_Read_Content": lambda active: 0, "CVR_CloseComm": lambda: 1})
    shensi = FakeLibrary({"InitComm": lambda port: 1, "Authenticate": lambda: 0,
                          "Read_Content": lambda active: 0, "CloseComm": lambda: 1})
    sdtapi = FakeSdtapi(None)
    for reader, lib in ((HuashiReader(huashi), huashi), (ShensiReader(shensi), shensi),
                        (SdtapiReader(sdtapi.library), sdtapi.library)):
        reader.close()
        assert lib.calls == [], reader.label


# -- sdtapi.dll: what the desk gets from a card ----------------------------------------------

WLT = bytes(range(256)) * 4  # the chip's compressed photo is 1024 bytes; invented


def _sdtapi(*, port: int = 1001, photo: bool = True) -> tuple[FakeSdtapi, FakeWltRS,
                                                               SdtapiReader]:
    dll = FakeSdtapi(make_ucs2_block(_values()), wlt=WLT, port=port)
    wltrs = FakeWltRS()
    return dll, wltrs, SdtapiReader(dll.library, photo_lib=wltrs.library if photo else None)


def _is_the_card(card: CardData | None) -> bool:
    assert card is not None
    assert (card.name, card.gender, card.nation, card.birth_date) == (
        "沈若溪", "女", "汉", date(1978, 9, 23))
    assert (card.address, card.id_number, card.authority) == (
        "南京市鼓楼区青檀街12号", NUMBER, "南京市公安局鼓楼分局")
    assert (card.valid_from, card.valid_to, card.long_term) == (
        date(2018, 1, 5), date(2038, 1, 5), False)
    return True


def test_sdtapi_reads_the_cards_fields_and_its_photo_decoded_by_wltrs() -> None:
    _dll, wltrs, reader = _sdtapi()
    card = reader.read()
    assert _is_the_card(card) and card is not None
    assert card.photo == decoded_photo(WLT)
    # WltRS.dll was handed the chip's 1024 bytes as zp.wlt and told the reader is on USB
    # (2); the private folder is gone afterwards.
    [(wlt, interface, data)] = wltrs.seen
    assert (wlt.name, interface, data) == ("zp.wlt", 2, WLT)
    assert not wlt.parent.exists()
    _dll, _wltrs, without = _sdtapi(photo=False)  # no WltRS.dll beside sdtapi.dll
    card = without.read()
    assert _is_the_card(card) and card is not None and card.photo is None


def test_sdtapi_tells_the_dll_the_open_port_at_every_step() -> None:
    dll, _wltrs, reader = _sdtapi(port=1004)
    block, dll.block = dll.block, None
    assert reader.read() is None  # no card, and the reader answers
    dll.block = block
    assert _is_the_card(reader.read())
    assert dll.library.calls == [
        *["SDT_OpenPort"] * 4, "SDT_StartFindIDCard", "SDT_GetSAMStatus",
        "SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg"]
    assert [args for _name, *args in dll.library.args[:4]] == [[1001], [1002], [1003], [1004]]
    for name, port, *_buffers, if_open in dll.library.args[4:]:
        assert (port, if_open) == (1004, 1), name  # 1: as the SDK's own samples call them


def test_sdtapi_unplugged_says_so_closes_its_port_and_scans_the_ports_again() -> None:
    dll, _wltrs, reader = _sdtapi(port=1002)
    block, dll.block = dll.block, None
    assert reader.read() is None
    dll.plugged = False
    with pytest.raises(ReaderUnavailable, match=r"^身份证阅读器已断开，请检查 USB 连接$"):
        reader.read()
    assert dll.library.args[-1] == ("SDT_ClosePort", 1002) and dll.opened is None
    assert reader.port is None
    with pytest.raises(ReaderUnavailable, match=(
            r"^未找到身份证阅读器（sdtapi\.dll：USB 端口 1001–1016 均无应答），请检查连接$")):
        reader.read()
    dll.plugged, dll.block = True, block
    assert _is_the_card(reader.read())  # plugged back: found again without a restart
    assert dll.opened == 1002
    reader.close()
    assert dll.library.args[-1] == ("SDT_ClosePort", 1002) and dll.opened is None
    calls = len(dll.library.calls)
    reader.close()  # closed already: nothing more to close
    assert len(dll.library.calls) == calls


@pytest.mark.parametrize("failing", ["SDT_SelectIDCard", "SDT_ReadBaseMsg"])
def test_a_card_lifted_during_the_read_is_no_card_and_the_port_stays_open(failing: str
                                                                          ) -> None:
    dll, wltrs, reader = _sdtapi()
    dll.failing.add(failing)
    assert reader.read() is None
    assert wltrs.seen == [] and dll.opened == 1001
    dll.failing.clear()
    assert _is_the_card(reader.read())


@pytest.mark.parametrize("reported", [None, 0, 220, 256, 257, 10_000])
def test_sdtapi_reads_the_block_by_the_length_it_reports_or_else_the_whole_buffer(
        reported: int | None) -> None:
    """``None``: the DLL leaves the length as it found it; 257 on: more than the buffer."""
    dll, _wltrs, reader = _sdtapi()
    dll.text_len = reported
    assert _is_the_card(reader.read())


@pytest.mark.parametrize("reported", [1, 219])
def test_sdtapi_refuses_a_block_it_reports_shorter_than_the_cards_text(reported: int) -> None:
    dll, _wltrs, reader = _sdtapi()
    dll.text_len = reported
    with pytest.raises(CardFormatError, match=rf"^text block of {reported} bytes, 220 expected$"):
        reader.read()


@pytest.mark.parametrize(("reported", "handed"), [
    (None, None), (0, None), (1, WLT[:1]), (1024, WLT), (1025, None)])
def test_wltrs_is_handed_the_wlt_bytes_the_dll_counted_and_never_more_than_its_buffer(
        reported: int | None, handed: bytes | None) -> None:
    dll, wltrs, reader = _sdtapi()
    dll.wlt_len = reported
    card = reader.read()
    assert _is_the_card(card) and card is not None
    if handed is None:
        assert wltrs.seen == [] and card.photo is None
    else:
        assert [data for _wlt, _interface, data in wltrs.seen] == [handed]
        assert card.photo == decoded_photo(handed)


@pytest.mark.parametrize("answer", [1, 0, -1, -6])
def test_a_photo_wltrs_did_not_write_leaves_the_card_without_one(answer: int) -> None:
    """1 and no BMP written, or a failure (0, -1 decoding, -6 the reader not found)."""
    _dll, wltrs, reader = _sdtapi()
    wltrs.answer = answer
    card = reader.read()
    assert _is_the_card(card) and card is not None and card.photo is None
    [(wlt, _interface, _data)] = wltrs.seen
    assert not wlt.parent.exists()


@pytest.mark.parametrize("missing", ["SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard",
                                     "SDT_ReadBaseMsg"])
def test_an_sdtapi_dll_without_one_of_its_four_functions_is_refused_by_name(missing: str
                                                                            ) -> None:
    dll = FakeSdtapi(None)
    delattr(dll.library, missing)
    with pytest.raises(ReaderUnavailable, match=(
            rf"^sdtapi\.dll 缺少函数 {missing}，请安装阅读器厂家的完整驱动$")):
        SdtapiReader(dll.library)


def test_each_kind_of_driver_is_set_up_on_the_library_it_is_given() -> None:
    dll = FakeSdtapi(make_ucs2_block(_values()), wlt=WLT)
    wltrs = FakeWltRS()
    sdtapi = make_reader(SDTAPI, dll.library, photo_lib=wltrs.library)
    assert isinstance(sdtapi, SdtapiReader)
    card = sdtapi.read()
    assert _is_the_card(card) and card is not None and card.photo == decoded_photo(WLT)
    huashi_lib = FakeLibrary({"CVR_InitComm": lambda port: 1, "CVR_Authenticate": lambda: 0,
                              "CVR_Read_Content": lambda active: 0})
    huashi = make_reader(HUASHI, huashi_lib)
    assert isinstance(huashi, HuashiReader) and huashi.read() is None
    assert huashi_lib.calls == ["CVR_InitComm", "CVR_Authenticate"]
    shensi_lib = FakeLibrary({"InitComm": lambda port: 1, "Authenticate": lambda: 0,
                              "Read_Content": lambda active: 0})
    shensi = make_reader(SHENSI, shensi_lib)
    assert isinstance(shensi, ShensiReader) and shensi.read() is None
    shensi.close()
    assert shensi_lib.calls == ["InitComm", "Authenticate"]
    with pytest.raises(ValueError, match=r"^demo$"):
        make_reader("demo", dll.library)


# -- 神思 TERMB.DLL: no card, unplugged, closed ----------------------------------------------

SHENSI_PHOTO = placeholder_photo(3)  # invented
FINGERPRINTS = bytes(range(256)) * 4  # invented


def _shensi(state: dict[str, bool], *, sam: bool = True, encoding: str = "utf-8",
            getters: dict[str, Any] | None = None) -> FakeLibrary:
    """TERMB.DLL of 神思 with a reader on USB port 1001. Read_Content_Path(folder, active)
    is handed the folder in ``encoding`` (Windows' ANSI code page for the real DLL) and
    answers 0 when that is no folder; active 1 writes the text (wz.txt), the photo (zp.bmp,
    and the chip's xp.wlt) and the fingerprints (fp.dat), 2 the text alone. ``getters``:
    the Get… functions of a newer DLL."""
    block = make_ucs2_block(_values(name="马晓燕", nation="03"))

    def read_content_path(folder: bytes, active: int) -> int:
        try:
            where = Path(folder.decode(encoding))
        except UnicodeDecodeError:
            return 0
        if not where.is_dir():
            return 0
        (where / "wz.txt").write_bytes(block)
        if active == 1:
            (where / "zp.bmp").write_bytes(SHENSI_PHOTO)
            (where / "xp.wlt").write_bytes(WLT)
            (where / "fp.dat").write_bytes(FINGERPRINTS)
        return 1

    def sam_id(buffer: Any) -> int:
        if not state["plugged"]:
            return 0
        fill(buffer, b"05.01-20200101-0012345678-1234567890\x00")  # invented
        return 1

    functions: dict[str, Any] = {
        "InitComm": lambda port: 1 if state["plugged"] and port == 1001 else 0,
        "CloseComm": lambda: 1,
        "Authenticate": lambda: 1 if state["plugged"] and state["card"] else 0,
        "Read_Content_Path": read_content_path}
    if sam:
        functions["GetSAMID"] = sam_id
    return FakeLibrary({**functions, **(getters or {})})


def test_shensi_without_a_card_reads_nothing_and_unplugged_says_so_and_closes() -> None:
    state = {"plugged": True, "card": False}
    lib = _shensi(state)
    reader = ShensiReader(lib)
    assert reader.read() is None  # no card: the reader answers, its port stays open
    folder = reader.folder
    assert folder is not None and folder.is_dir() and reader.port == 1001
    state["plugged"] = False
    with pytest.raises(ReaderUnavailable, match=r"^神思身份证阅读器已断开，请检查 USB 连接$"):
        reader.read()
    assert lib.calls[-2:] == ["GetSAMID", "CloseComm"]
    assert reader.port is None and not folder.exists()
    with pytest.raises(ReaderUnavailable, match=(
            r"^未找到神思身份证阅读器（USB 端口 1001–1016 均无应答），请检查连接$")):
        reader.read()
    state.update(plugged=True, card=True)
    card = reader.read()  # plugged back: found again without a restart
    assert card is not None and (card.name, card.nation, card.id_number) == (
        "马晓燕", "回", NUMBER)
    folder = reader.folder
    assert folder is not None
    reader.close()
    assert lib.calls[-1] == "CloseComm" and reader.port is None and not folder.exists()


def test_an_older_shensi_dll_without_getsamid_finds_no_card_rather_than_no_reader() -> None:
    state = {"plugged": True, "card": False}
    reader = ShensiReader(_shensi(state, sam=False))
    assert reader.read() is None
    state["plugged"] = False  # it cannot tell an unplugged reader from an empty one
    assert reader.read() is None
    assert reader.port == 1001


def test_closing_shensi_goes_on_when_its_folder_was_removed_by_someone_else() -> None:
    state = {"plugged": True, "card": True}
    lib = _shensi(state)
    reader = ShensiReader(lib)
    assert reader.read() is not None
    assert reader.folder is not None
    shutil.rmtree(reader.folder)  # a clean-up of the temporary folders, say
    reader.close()
    assert lib.calls[-1] == "CloseComm" and reader.port is None


@pytest.mark.parametrize("missing", ["InitComm", "Authenticate"])
def test_a_shensi_dll_without_initcomm_or_authenticate_is_refused_by_name(missing: str) -> None:
    lib = _shensi({"plugged": True, "card": True})
    delattr(lib, missing)
    with pytest.raises(ReaderUnavailable, match=(
            rf"^神思 TERMB\.DLL 缺少函数 {missing}，请安装阅读器厂家的完整驱动$")):
        ShensiReader(lib)


def test_shensi_reads_the_photo_and_deletes_every_file_its_dll_wrote() -> None:
    state = {"plugged": True, "card": True}
    lib = _shensi(state)
    reader = ShensiReader(lib)
    card = reader.read()
    assert card is not None and (card.name, card.nation, card.id_number) == (
        "马晓燕", "回", NUMBER)
    assert card.photo == SHENSI_PHOTO
    folder = reader.folder
    assert folder is not None and folder.is_dir() and list(folder.iterdir()) == []
    [(_name, told, active)] = [call for call in lib.args if call[0] == "Read_Content_Path"]
    assert (told, active) == (str(folder).encode("utf-8"), 1)
    reader.close()


def _gb2312_getters(**changes: Any) -> dict[str, Any]:
    """神思's Get… functions (char *, GB2312) for the card of _values(); a change of ``None``
    removes the function, ``lambda: None`` is one that returns a null pointer."""
    texts = {"GetName": "沈若溪", "GetSex": "女", "GetNation": "汉族", "GetBornDate": "19780923",
             "GetAddress": "南京市鼓楼区青檀街12号", "GetIDNo": NUMBER,
             "GetSignGov": "南京市公安局鼓楼分局", "GetStartDate": "20180105",
             "GetEndDate": "20380105"}
    getters: dict[str, Any] = {
        name: (lambda raw: lambda: raw)(text.encode("gbk")) for name, text in texts.items()}
    getters.update(changes)
    return {name: getter for name, getter in getters.items() if getter is not None}


def test_shensi_with_its_gb2312_getters_reads_them_and_the_photo_the_dll_wrote() -> None:
    state = {"plugged": True, "card": True}
    card = ShensiReader(_shensi(state, getters=_gb2312_getters())).read()
    assert _is_the_card(card) and card is not None and card.photo == SHENSI_PHOTO
    # A field whose function is not exported, returns a null pointer or an empty text.
    for missing in (None, lambda: None, lambda: b""):
        card = ShensiReader(_shensi(state, getters=_gb2312_getters(GetSignGov=missing))).read()
        assert card is not None and (card.name, card.authority) == ("沈若溪", "")
        assert card.photo == SHENSI_PHOTO


def test_an_older_shensi_dll_with_read_content_alone_reads_through_its_getters() -> None:
    lib = FakeLibrary({"InitComm": lambda port: 1, "Authenticate": lambda: 1,
                       "Read_Content": lambda active: 1, **_gb2312_getters()})
    reader = ShensiReader(lib)
    assert _is_the_card(reader.read())
    assert ("Read_Content", 1) in lib.args  # 1: the text and the photo, as for the path
    reader.close()
    lib = FakeLibrary({"InitComm": lambda port: 1, "Authenticate": lambda: 1,
                       "Read_Content": lambda active: 0, **_gb2312_getters()})
    assert ShensiReader(lib).read() is None  # the card lifted during the read
    del lib.Read_Content
    missing = r"^神思 TERMB\.DLL 缺少函数 Read_Content，请安装阅读器厂家的完整驱动$"
    with pytest.raises(ReaderUnavailable, match=missing):
        ShensiReader(lib)


# -- 华视 termb.dll: each field and the photo as its Get… functions count them ------------------

# What the GetPeople… functions give for the card of _values(), in GB2312; the sex as the
# chip's code, one byte.
_TERMB_TEXTS = {"GetPeopleName": "沈若溪", "GetPeopleSex": "2", "GetPeopleNation": "汉",
                "GetPeopleBirthday": "19780923", "GetPeopleAddress": "南京市鼓楼区青檀街12号",
                "GetPeopleIDCode": NUMBER, "GetDepartment": "南京市公安局鼓楼分局",
                "GetStartDate": "20180105", "GetEndDate": "20380105"}
TERMB_PHOTO = bytes(range(256)) * 160  # GetBMPData's whole buffer, 40,960 bytes; invented
UNINITIALISED = b"\xcc"  # what a Visual C++ debug build leaves in memory: 烫 in GBK


def _counted(data: bytes, *, reported: int | None, answer: int = 1) -> Any:
    """A function (char *buffer, int *length) writing ``data`` and reporting ``reported``
    as its length (``None``: the length left as the driver set it); ``answer`` 1 is success."""
    def get(buffer: Any, length: Any) -> int:
        fill(buffer, data)
        if reported is not None:
            length.contents.value = reported
        return answer
    return get


def _termb(state: dict[str, bool], functions: dict[str, Any] | None = None) -> FakeLibrary:
    """termb.dll with a reader on USB port 1001, the card of _values() on it when
    ``state["card"]``. Each GetPeople… writes its text, then the rest of its own 30-byte
    field uninitialised, and counts the text; ``functions`` replaces (or with ``None``
    removes) any of them."""
    def text(value: str) -> Any:
        raw = value.encode("gbk")
        return _counted(raw + UNINITIALISED * (30 - len(raw)), reported=len(raw))

    def sam_id(buffer: Any) -> int:
        if not state["plugged"]:
            return 0
        fill(buffer, b"05.01-20200101-0012345678-1234567890\x00")  # invented
        return 1

    table: dict[str, Any] = {
        "CVR_InitComm": lambda port: 1 if state["plugged"] and port == 1001 else 0,
        "CVR_CloseComm": lambda: 1,
        "CVR_Authenticate": lambda: 1 if state["plugged"] and state["card"] else 0,
        # 4: the text and the photo, as the driver asks; kept for the Get… functions.
        "CVR_Read_Content": lambda active: 1 if active == 4 else 0,
        "CVR_GetSAMID": sam_id,
        **{name: text(value) for name, value in _TERMB_TEXTS.items()},
        "GetBMPData": _counted(TERMB_PHOTO[:38_862], reported=38_862),
    }
    table.update(functions or {})
    return FakeLibrary({name: f for name, f in table.items() if f is not None})


def _termb_card(functions: dict[str, Any] | None = None) -> CardData | None:
    return HuashiReader(_termb({"plugged": True, "card": True}, functions)).read()


def test_huashi_reads_each_field_by_the_length_its_function_counts() -> None:
    """The text is what the function counted: 烫 after it, in its own buffer, is not read;
    a one-byte field (the sex code) is read too."""
    card = _termb_card()
    assert _is_the_card(card) and card is not None
    assert card.photo == TERMB_PHOTO[:38_862]


@pytest.mark.parametrize("reported", [0, -1, 129, 10_000, None])
def test_a_huashi_length_outside_the_buffer_reads_the_field_to_its_nul(reported: int | None
                                                                        ) -> None:
    """``None``: the DLL leaves the length as the driver set it (the buffer's 128)."""
    functions = {name: _counted(value.encode("gbk") + b"\x00" + UNINITIALISED * 8,
                                reported=reported) for name, value in _TERMB_TEXTS.items()}
    assert _is_the_card(_termb_card(functions))


def test_a_huashi_field_whose_function_fails_or_is_missing_is_left_empty() -> None:
    card = _termb_card({"GetDepartment": _counted(UNINITIALISED * 20, reported=20, answer=0),
                        "GetPeopleAddress": None})  # an older DLL
    assert card is not None and (card.authority, card.address) == ("", "")
    assert (card.name, card.id_number, card.valid_to) == ("沈若溪", NUMBER, date(2038, 1, 5))


@pytest.mark.parametrize(("answer", "reported", "photo"), [
    (1, 40_960, TERMB_PHOTO), (1, 1, TERMB_PHOTO[:1]), (1, 0, None), (1, -1, None),
    (1, 40_961, None), (0, None, None), (0, 38_862, None), (-1, 38_862, None)])
def test_the_huashi_photo_is_the_bytes_getbmpdata_counted_when_it_succeeds(
        answer: int, reported: int | None, photo: bytes | None) -> None:
    """``(0, None)``: a failure that left the length as the driver set it (the whole buffer)."""
    card = _termb_card({"GetBMPData": _counted(TERMB_PHOTO, reported=reported, answer=answer)})
    assert _is_the_card(card) and card is not None and card.photo == photo


def test_huashi_without_a_card_reads_nothing_and_unplugged_says_so_and_closes() -> None:
    state = {"plugged": True, "card": False}
    lib = _termb(state)
    reader = HuashiReader(lib)
    assert reader.read() is None and reader.port == 1001  # the reader answers GetSAMID
    state["plugged"] = False
    with pytest.raises(ReaderUnavailable, match=r"^华视身份证阅读器已断开，请检查 USB 连接$"):
        reader.read()
    assert lib.calls[-2:] == ["CVR_GetSAMID", "CVR_CloseComm"] and reader.port is None
    with pytest.raises(ReaderUnavailable, match=(
            r"^未找到华视身份证阅读器（USB 端口 1001–1016 均无应答），请检查连接$")):
        reader.read()
    state.update(plugged=True, card=True)
    assert _is_the_card(reader.read())  # plugged back: found again without a restart


@pytest.mark.parametrize("missing", ["CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content"])
def test_a_huashi_dll_without_one_of_its_three_functions_is_refused_by_name(missing: str
                                                                            ) -> None:
    with pytest.raises(ReaderUnavailable, match=(
            rf"^华视 termb\.dll 缺少函数 {missing}，请安装阅读器厂家的完整驱动$")):
        HuashiReader(_termb({"plugged": True, "card": True}, {missing: None}))


# -- as on a Chinese Windows: the DLLs loaded, the photo's path in the ANSI code page ----------

def _mbcs_is_gbk(name: str) -> codecs.CodecInfo | None:
    """Windows' ANSI code page, Python's "mbcs", as on a Chinese Windows: GBK."""
    return codecs.lookup("gbk") if name == "mbcs" else None


@pytest.fixture
def chinese_windows(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """This test as on a Chinese Windows, with the stand-ins of the DLLs installed.

    ``sys.platform`` is win32; ``ctypes.WinDLL(path)`` loads the stand-in put in the
    returned dict under that path (raises it when it is an exception; any other path
    raises OSError, as Windows' loader does); "mbcs" is GBK; the temporary folder is
    under a user named 张伟. Only the loader and the platform are stood in for.
    """
    if sys.platform == "win32":
        pytest.skip("on Windows itself the real loader would load these paths")
    installed: dict[str, Any] = {}

    def win_dll(name: str) -> Any:
        found = installed.get(name)
        if found is None:
            raise OSError(f"[WinError 126] 找不到指定的模块。: '{name}'")
        if isinstance(found, BaseException):
            raise found
        return found

    temp = tmp_path / "Users" / "张伟" / "AppData" / "Local" / "Temp"
    temp.mkdir(parents=True)
    codecs.register(_mbcs_is_gbk)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ctypes, "WinDLL", win_dll, raising=False)
            patch.setattr(tempfile, "tempdir", str(temp))
            patch.setattr(sys, "platform", "win32")
            yield installed
    finally:
        codecs.unregister(_mbcs_is_gbk)


def _install_sdtapi(folder: Path, installed: dict[str, Any], *,
                    bits: int = PYTHON_BITS) -> tuple[Path, FakeSdtapi, FakeWltRS]:
    """sdtapi.dll and WltRS.dll in ``folder``, their stand-ins loadable."""
    dll = write_dll(folder, "sdtapi.dll", SDTAPI_EXPORTS, bits=bits)
    (folder / "WltRS.dll").write_bytes(make_dll(["GetBmp"], bits=bits))
    sdtapi = FakeSdtapi(make_ucs2_block(_values()), wlt=WLT)
    wltrs = FakeWltRS(encoding="gbk")
    installed[str(dll)] = sdtapi.library
    installed[str(folder / "WltRS.dll")] = wltrs.library
    return dll, sdtapi, wltrs


def test_on_windows_the_installed_sdtapi_dll_is_found_and_reads_cards_with_photos(
        tmp_path: Path, chinese_windows: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "身份证阅读器"
    dll, sdtapi, wltrs = _install_sdtapi(folder, chinese_windows)
    caplog.set_level(logging.INFO, logger=locate.__name__)
    reader = open_reader("auto", folders=[folder])  # nothing configured: looked for
    assert isinstance(reader, SdtapiReader)
    card = reader.read()
    assert _is_the_card(card) and card is not None and card.photo == decoded_photo(WLT)
    # The photo's path, under 张伟's temporary folder, reached WltRS.dll in GBK.
    [(wlt, interface, _data)] = wltrs.seen
    assert "张伟" in wlt.parts and interface == 2
    reader.close()
    assert sdtapi.opened is None
    assert [r.getMessage() for r in caplog.records if r.name == locate.__name__] == [
        f"ID card reader: sdtapi.dll at {dll} ({PYTHON_BITS}-bit)"]


def test_on_windows_a_dll_that_does_not_load_is_said_with_windows_reason(
        tmp_path: Path, chinese_windows: dict[str, Any]) -> None:
    folder = tmp_path / "CVR"
    dll = write_dll(folder, "termb.dll", HUASHI_EXPORTS, bits=PYTHON_BITS)
    chinese_windows[str(dll)] = OSError("[WinError 193] %1 不是有效的 Win32 应用程序。")
    reader = open_reader("auto", folders=[folder])
    assert isinstance(reader, UnavailableReader)
    assert reader.message == ("华视 termb.dll 无法使用：无法加载身份证阅读器驱动 termb.dll："
                              "[WinError 193] %1 不是有效的 Win32 应用程序。")
    chinese_windows[str(dll)] = RuntimeError()  # a failure without a word: named by its type
    reader = open_reader("auto", folders=[folder])
    assert isinstance(reader, UnavailableReader)
    assert reader.message == "华视 termb.dll 无法使用：RuntimeError"


def test_on_windows_shensi_is_told_its_folder_in_the_ansi_code_page(
        chinese_windows: dict[str, Any]) -> None:
    reader = ShensiReader(_shensi({"plugged": True, "card": True}, encoding="gbk"))
    card = reader.read()
    assert card is not None and card.name == "马晓燕" and card.photo == SHENSI_PHOTO
    assert reader.folder is not None and "张伟" in reader.folder.parts
    reader.close()


# -- the helper's main: its arguments, its standard streams ------------------------------------

def _helper_main(tmp_path: Path, argv: list[str], requests: list[str]
                 ) -> tuple[int, list[dict[str, Any]]]:
    """helper.main run here with ``requests`` on its standard input: its exit code, answers."""
    sent, said = tmp_path / "requests.jsonl", tmp_path / "answers.jsonl"
    sent.write_text("".join(r + "\n" for r in requests), encoding="utf-8")
    with (open(sent, encoding="utf-8") as stdin, open(said, "w", encoding="utf-8") as stdout,
          pytest.MonkeyPatch.context() as patch):
        patch.setattr(sys, "stdin", stdin)
        patch.setattr(sys, "stdout", stdout)
        code = helper_main(argv)
        # The streams it was given are left open for whoever runs it.
        os.fstat(stdin.fileno())
        os.fstat(stdout.fileno())
    return code, [json.loads(line) for line in said.read_text(encoding="utf-8").splitlines()]


def test_the_helper_run_with_the_demo_driver_serves_its_invented_card(tmp_path: Path) -> None:
    code, answers = _helper_main(tmp_path, ["--driver", "demo"],
                                 ['{"op": "read"}', '{"op": "close"}', '{"op": "read"}'])
    assert code == 0 and len(answers) == 3  # nothing answered after close
    assert answers[0] == {"ok": True, "protocol": 1, "label": "模拟阅读器（演示）"}
    card, expected = CardData.from_json(answers[1]["card"]), invented_card(1)
    assert (card.name, card.id_number, card.photo) == (
        expected.name, expected.id_number, expected.photo)
    assert answers[2] == {"ok": True, "closed": True}


@pytest.mark.skipif(sys.platform == "win32", reason="a DLL loads on Windows")
@pytest.mark.parametrize("driver", [HUASHI, SHENSI, SDTAPI])
def test_the_helper_takes_each_driver_and_says_why_it_cannot_read(tmp_path: Path,
                                                                  driver: str) -> None:
    dll = write_dll(tmp_path / "CVR", "termb.dll", HUASHI_EXPORTS)
    code, answers = _helper_main(tmp_path, ["--driver", driver, "--dll", str(dll)],
                                 ['{"op": "read"}'])
    assert code == 0
    assert answers == [{"ok": True, "protocol": 1, "label": "身份证阅读器"},
                       {"ok": False, "unavailable": "身份证阅读器驱动只能在 Windows 上使用"}]
    code, answers = _helper_main(tmp_path, ["--driver", driver], ['{"op": "read"}'])
    assert code == 0
    assert answers[1:] == [{"ok": False, "unavailable": "读卡助手需要 --dll"}]


def test_the_helper_refuses_a_missing_or_unknown_driver_and_describes_itself(
        capsys: pytest.CaptureFixture[str]) -> None:
    usage = "usage: idcard-helper [-h] --driver {huashi,shensi,sdtapi,demo} [--dll DLL]\n"
    for argv, error in (([], "the following arguments are required: --driver"),
                        (["--driver", "nfc"], "argument --driver: invalid choice: 'nfc'")):
        with pytest.raises(SystemExit) as exited:
            helper_main(argv)
        assert exited.value.code == 2
        said = capsys.readouterr().err
        assert said.startswith(usage) and f"idcard-helper: error: {error}" in said
    with pytest.raises(SystemExit) as exited:
        helper_main(["--help"])
    assert exited.value.code == 0
    said = capsys.readouterr().out
    assert said.startswith(usage) and "\n身份证阅读器读卡助手\n" in said


def test_the_helper_on_windows_serves_sdtapi_cards_with_photos_and_closes_the_port(
        tmp_path: Path, chinese_windows: dict[str, Any]) -> None:
    dll, sdtapi, _wltrs = _install_sdtapi(tmp_path / "SDT", chinese_windows, bits=32)
    code, answers = _helper_main(tmp_path, ["--driver", "sdtapi", "--dll", str(dll)],
                                 ['{"op": "read"}', '{"op": "close"}'])
    assert code == 0
    assert answers[0] == {"ok": True, "protocol": 1, "label": "sdtapi.dll"}
    card = CardData.from_json(answers[1]["card"])
    assert _is_the_card(card) and card.photo == decoded_photo(WLT)
    assert answers[2:] == [{"ok": True, "closed": True}]
    assert sdtapi.opened is None and sdtapi.library.calls[-1] == "SDT_ClosePort"


@pytest.mark.skipif(sys.platform == "win32", reason="the C locale is the POSIX systems'")
def test_the_helper_answers_in_utf8_whatever_the_locale() -> None:
    env = {k: v for k, v in helper_environment().items()
           if k not in ("PYTHONIOENCODING", "PYTHONUTF8") and not k.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0")
    result = subprocess.run(
        [sys.executable, "-m", "desktop.services.reception.idcard.helper", "--driver", "demo"],
        input=b'{"op": "read"}\n{"op": "close"}\n', capture_output=True, env=env, timeout=120,
        check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    hello, card, closed = (json.loads(line) for line in result.stdout.decode("utf-8").splitlines())
    assert hello["label"] == "模拟阅读器（演示）" and closed == {"ok": True, "closed": True}
    assert CardData.from_json(card["card"]).name == invented_card(1).name


def test_a_driver_defect_is_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    defect = OSError("端口被占用")
    with caplog.at_level(logging.ERROR, logger=helper.__name__):
        assert _served(_Reader(defect), '{"op": "read"}\n')[1] == {
            "ok": False, "error": "OSError: 端口被占用"}
    [record] = [r for r in caplog.records if r.name == helper.__name__]
    assert record.getMessage() == "reading the card failed"
    assert record.exc_info is not None and record.exc_info[1] is defect


# -- which reader this PC gets ---------------------------------------------------------------

def test_a_dll_passed_over_is_logged_with_the_reason(tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "CVR"
    folder.mkdir()
    (folder / "termb.dll").write_text("damaged", encoding="utf-8")
    write_dll(folder, "sdtapi.dll", ["DllMain"])
    caplog.set_level(logging.INFO, logger=locate.__name__)
    assert find_driver([folder]) is None
    assert [r.getMessage() for r in caplog.records if r.name == locate.__name__] == [
        f"not a reader DLL: {folder / 'termb.dll'} (no MZ header)",
        f"{folder / 'sdtapi.dll'} exports none of the readers' interfaces"]


def test_a_dll_of_the_other_bitness_is_read_by_the_helper_under_the_python_named(
        tmp_path: Path) -> None:
    other = 32 if PYTHON_BITS == 64 else 64
    folder = tmp_path / "SS"
    dll = write_dll(folder, "TERMB.DLL", SHENSI_EXPORTS, bits=other)
    python = Path(sys.executable)
    reader = open_reader("auto", dll=folder, folders=[folder], helper_python=python)
    assert isinstance(reader, HelperReader)
    assert reader.label == "神思 TERMB.DLL"
    assert reader.command == [str(python), "-m", "desktop.services.reception.idcard.helper",
                              "--driver", "shensi", "--dll", str(dll)]
    # It imports this very package, whichever Python runs it.
    assert reader.env == helper_environment()
    assert reader.env["PYTHONPATH"].split(os.pathsep)[0] == str(
        Path(helper.__file__).resolve().parents[3])


def test_the_configured_dll_counts_whatever_its_name_and_the_folders_given_are_searched(
        tmp_path: Path) -> None:
    other = 32 if PYTHON_BITS == 64 else 64
    python = Path(sys.executable)
    configured = write_dll(tmp_path / "vendor", "cardreader.dll", SDTAPI_EXPORTS, bits=other)
    reader = open_reader("auto", dll=configured, folders=[configured.parent],
                         helper_python=python)
    assert isinstance(reader, HelperReader)
    assert reader.command[-3:] == [SDTAPI, "--dll", str(configured)]
    termb = write_dll(tmp_path / "CVR", "termb.dll", HUASHI_EXPORTS, bits=other)
    reader = open_reader("auto", dll=tmp_path / "elsewhere", folders=[termb.parent],
                         helper_python=python)
    assert isinstance(reader, HelperReader)
    assert reader.command[-3:] == [HUASHI, "--dll", str(termb)]
