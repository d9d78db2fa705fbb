"""The ID card reader's own code, without hardware: parsing, detection, drivers, helper.

Every card is invented; every 身份证号 is made with the project's own helper and
checked with its own validation. The vendors' DLLs are stood in for by Python
callables that fill the driver's buffers as the SDKs document.
"""

from __future__ import annotations

import ctypes
import io
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import build_parser
from desktop.config import IdReaderSettings, id_reader_settings, save_id_reader_settings
from desktop.services.reception.idcard import CardData, ReaderUnavailable, UnavailableReader
from desktop.services.reception.idcard.card import card_date, gender_name, nation_name
from desktop.services.reception.idcard.drivers import (
    HUASHI,
    SDTAPI,
    SHENSI,
    HuashiReader,
    SdtapiReader,
    ShensiReader,
    identify,
)
from desktop.services.reception.idcard.helper import HelperReader, helper_environment, serve
from desktop.services.reception.idcard.locate import PYTHON_BITS, find_driver, open_reader
from desktop.services.reception.idcard.parsing import (
    UCS2_BLOCK_BYTES,
    CardFormatError,
    decode_gbk,
    parse_ucs2_block,
)
from desktop.services.reception.idcard.pe import NotADll, read_dll
from desktop.services.reception.idcard.simulated import SimulatedReader, invented_card
from desktop.services.validation import id_number_error, make_id_number
from tests.idcard_helpers import (
    HUASHI_EXPORTS,
    SDTAPI_EXPORTS,
    SHENSI_EXPORTS,
    FakeLibrary,
    fill,
    make_dll,
    write_dll,
)

NUMBER = make_id_number("110105", date(1985, 3, 14), 27)  # invented, valid check digit
NUMBER_X = next(n for n in (make_id_number("320106", date(1962, 8, 1), s) for s in range(200))
                if n.endswith("X"))


def _ucs2(text: str, width: int) -> bytes:
    """A field of the chip's block: UTF-16LE, padded with spaces to ``width`` bytes."""
    raw = text.encode("utf-16-le")
    assert len(raw) <= width
    return raw + b" \x00" * ((width - len(raw)) // 2)


def _chip_block(*, name: str = "韩雪梅", sex: str = "2", nation: str = "15",
                birth: str = "19850314", address: str = "北京市朝阳区东林路18号院3号楼2单元501",
                number: str = NUMBER, authority: str = "北京市公安局朝阳分局",
                start: str = "20160501", end: str = "20360501") -> bytes:
    """The 256-byte block as the chip gives it, laid out here by the published widths."""
    block = (_ucs2(name, 30) + _ucs2(sex, 2) + _ucs2(nation, 4) + _ucs2(birth, 16)
             + _ucs2(address, 70) + _ucs2(number, 36) + _ucs2(authority, 30)
             + _ucs2(start, 16) + _ucs2(end, 16))
    assert len(block) == 220
    return block + b" \x00" * 18  # the reserved bytes, to 256


# -- parsing ---------------------------------------------------------------------------------

def test_the_chips_ucs2_block_is_read_field_by_field() -> None:
    assert id_number_error(NUMBER) is None
    card = parse_ucs2_block(_chip_block())
    assert card == CardData(
        name="韩雪梅", gender="女", nation="土家", birth_date=date(1985, 3, 14),
        address="北京市朝阳区东林路18号院3号楼2单元501", id_number=NUMBER,
        authority="北京市公安局朝阳分局", valid_from=date(2016, 5, 1),
        valid_to=date(2036, 5, 1), long_term=False, photo=None)
    assert card.validity_text() == "2016.05.01-2036.05.01"


def test_a_long_name_address_and_a_long_term_card_fill_their_fields_to_the_byte() -> None:
    long_name = "阿依古丽·买买提明吐尔逊"  # 12 characters, the field holds 15
    address = "新疆维吾尔自治区乌鲁木齐市天山区青檀街道望湖路社区八号院三号楼二单元五"
    assert len(address) == 35  # exactly the 70 bytes of the field
    card = parse_ucs2_block(_chip_block(name=long_name, sex="1", nation="05", address=address,
                                        number=NUMBER_X, end="长期"))
    assert (card.name, card.gender, card.nation) == (long_name, "男", "维吾尔")
    assert card.address == address
    assert card.id_number == NUMBER_X and id_number_error(NUMBER_X) is None
    assert card.long_term and card.valid_to is None
    assert card.validity_text() == "2016.05.01-长期"
    assert not card.expired(date(2099, 1, 1))


def test_a_truncated_or_broken_block_is_refused() -> None:
    with pytest.raises(CardFormatError):
        parse_ucs2_block(_chip_block()[:200])
    broken = bytearray(_chip_block())
    broken[0:2] = b"\x00\xd8"  # a lone surrogate in the name
    with pytest.raises(CardFormatError):
        parse_ucs2_block(bytes(broken))


def test_gb2312_fields_are_cut_at_the_nul_and_decoded() -> None:
    assert decode_gbk("王秀英".encode("gb2312") + b"\x00\xff\xfegarbage") == "王秀英"
    assert decode_gbk("张喆 ".encode("gbk")) == "张喆"  # 喆: GBK, not GB2312
    assert decode_gbk(b"\xb9\xfe\xff") == "哈\ufffd"  # a damaged byte shows, never raises
    assert decode_gbk(b"") == ""


def test_codes_and_dates_as_the_sdks_give_them() -> None:
    assert [nation_name(v) for v in ("01", "1", "汉族", "汉", "56", "98", "99")] == [
        "汉", "汉", "汉", "汉", "基诺", "外国血统中国籍人士", "99"]
    assert [gender_name(v) for v in ("1", "2", "0", "9", "男", " 女 ")] == [
        "男", "女", "", "", "男", "女"]
    assert card_date("20260315") == date(2026, 3, 15)
    assert card_date("2026.03.15") == card_date("2026-03-15") == date(2026, 3, 15)
    assert card_date("20260230") is None and card_date("长期") is None


def test_a_card_is_expired_the_day_after_its_last_valid_day() -> None:
    today = date.today()
    card = invented_card(3)
    assert not card.expired(today)
    last_day = CardData("甲", "男", "汉", None, "", NUMBER, valid_to=today)
    assert not last_day.expired(today)
    assert last_day.expired(today + timedelta(days=1))
    assert invented_card(3, expired=True).expired(today)


def test_invented_cards_carry_valid_numbers_and_the_genders_they_say() -> None:
    for n in range(1, 30):
        card = invented_card(n)
        assert id_number_error(card.id_number) is None, card.id_number
        assert card.gender == ("男" if int(card.id_number[16]) % 2 else "女")
        assert card.birth_date is not None
        assert card.id_number[6:14] == f"{card.birth_date:%Y%m%d}"
        assert card.photo is not None and card.photo[:2] == b"BM"


def test_the_wire_format_keeps_every_field_and_the_photo() -> None:
    card = invented_card(7)
    assert CardData.from_json(json.loads(json.dumps(card.to_json()))) == card
    bare = card.without_photo()
    assert CardData.from_json(bare.to_json()) == bare


# -- which DLL is installed ------------------------------------------------------------------

def test_a_dll_is_told_by_its_exports_and_its_bitness_read_from_the_headers(tmp_path: Path
                                                                             ) -> None:
    for exports, kind in ((HUASHI_EXPORTS, HUASHI), (SHENSI_EXPORTS, SHENSI),
                          (SDTAPI_EXPORTS, SDTAPI), (["DllMain", "Foo"], None)):
        for bits in (32, 64):
            path = write_dll(tmp_path / f"{kind}{bits}", "termb.dll", exports, bits=bits)
            info = read_dll(path)
            assert info.bits == bits
            assert info.exports == frozenset(exports)
            assert identify(info.exports) == kind
    (tmp_path / "text.dll").write_text("not a DLL", encoding="utf-8")
    with pytest.raises(NotADll):
        read_dll(tmp_path / "text.dll")
    with pytest.raises(NotADll):
        read_dll(tmp_path / "missing.dll")
    (tmp_path / "cut.dll").write_bytes(make_dll(HUASHI_EXPORTS)[:300])
    with pytest.raises(NotADll):
        read_dll(tmp_path / "cut.dll")


def test_find_driver_prefers_termb_and_tells_huashi_from_shensi(tmp_path: Path) -> None:
    folder = tmp_path / "CVR"
    write_dll(folder, "sdtapi.dll", SDTAPI_EXPORTS)
    write_dll(folder, "Termb.dll", HUASHI_EXPORTS, bits=32)
    found = find_driver([folder])
    assert found is not None and (found.kind, found.bits) == (HUASHI, 32)
    assert found.path.name == "Termb.dll"
    shensi = tmp_path / "SS"
    write_dll(shensi, "TERMB.DLL", SHENSI_EXPORTS)
    found = find_driver([tmp_path / "nowhere", shensi])
    assert found is not None and found.kind == SHENSI
    only_sdtapi = tmp_path / "generic"
    write_dll(only_sdtapi, "sdtapi.dll", SDTAPI_EXPORTS)
    (only_sdtapi / "termb.dll").write_text("damaged", encoding="utf-8")
    found = find_driver([only_sdtapi])
    assert found is not None and found.kind == SDTAPI
    assert find_driver([tmp_path / "empty"]) is None


def test_open_reader_by_mode(tmp_path: Path) -> None:
    assert isinstance(open_reader("demo"), SimulatedReader)
    assert open_reader("off", dll=tmp_path) is None
    if sys.platform != "win32":
        assert open_reader("auto") is None  # no reader on a PC that cannot have one
    # A DLL named in the settings that is no reader's is said, not ignored.
    reader = open_reader("auto", dll=tmp_path / "empty", folders=[tmp_path / "empty"])
    assert isinstance(reader, UnavailableReader)
    with pytest.raises(ReaderUnavailable, match="未找到可用的身份证阅读器驱动"):
        reader.read()


def test_a_dll_of_the_other_bitness_needs_the_helper_python(tmp_path: Path) -> None:
    other = 32 if PYTHON_BITS == 64 else 64
    folder = tmp_path / "CVR"
    write_dll(folder, "termb.dll", HUASHI_EXPORTS, bits=other)
    reader = open_reader("auto", dll=folder, folders=[folder])
    assert isinstance(reader, UnavailableReader)
    assert f"{other} 位驱动" in reader.message and "id_reader_python" in reader.message
    helper = open_reader("auto", dll=folder, folders=[folder],
                         helper_python=Path(sys.executable))
    assert isinstance(helper, HelperReader)
    helper_module = "desktop.services.reception.idcard.helper"
    assert helper.command[1:5] == ["-m", helper_module, "--driver", HUASHI]


# -- the drivers, against stand-ins of the vendors' DLLs ----------------------------------------

def _gbk_getter(text: str) -> Any:
    def get(buffer: Any, length: Any) -> int:
        raw = text.encode("gbk") + b"\x00"
        fill(buffer, raw)
        length.contents.value = len(raw) - 1
        return 1
    return get


def _huashi(state: dict[str, Any]) -> FakeLibrary:
    card = invented_card(4)
    assert card.birth_date is not None and card.valid_from is not None
    photo = card.photo or b""

    def bmp(buffer: Any, length: Any) -> int:
        fill(buffer, photo)
        length.contents.value = len(photo)
        return 1

    return FakeLibrary({
        "CVR_InitComm": lambda port: 1 if state["plugged"] and port == 1003 else 0,
        "CVR_Authenticate": lambda: 1 if state["plugged"] and state["card"] else 0,
        "CVR_Read_Content": lambda active: 1 if active == 4 else 0,
        "CVR_CloseComm": lambda: 1,
        "CVR_GetSAMID": lambda buffer: 1 if state["plugged"] else 0,
        "GetPeopleName": _gbk_getter(card.name),
        "GetPeopleSex": _gbk_getter(card.gender),
        "GetPeopleNation": _gbk_getter(card.nation),
        "GetPeopleBirthday": _gbk_getter(f"{card.birth_date:%Y%m%d}"),
        "GetPeopleAddress": _gbk_getter(card.address),
        "GetPeopleIDCode": _gbk_getter(card.id_number),
        "GetDepartment": _gbk_getter(card.authority),
        "GetStartDate": _gbk_getter(f"{card.valid_from:%Y%m%d}"),
        "GetEndDate": _gbk_getter("长期" if card.long_term else f"{card.valid_to:%Y%m%d}"),
        "GetBMPData": bmp,
    })


def test_huashi_scans_the_usb_ports_reads_gb2312_and_the_photo() -> None:
    state = {"plugged": True, "card": False}
    lib = _huashi(state)
    reader = HuashiReader(lib)
    assert reader.read() is None  # no card yet
    assert reader.port == 1003
    assert lib.calls.count("CVR_InitComm") == 3  # 1001, 1002, 1003
    state["card"] = True
    assert reader.read() == invented_card(4)
    assert lib.calls.count("CVR_InitComm") == 3  # the port stays open


def test_huashi_unplugged_is_unavailable_then_found_again() -> None:
    state = {"plugged": True, "card": False}
    lib = _huashi(state)
    reader = HuashiReader(lib)
    assert reader.read() is None
    state["plugged"] = False
    with pytest.raises(ReaderUnavailable, match="已断开"):
        reader.read()
    assert reader.port is None and "CVR_CloseComm" in lib.calls
    with pytest.raises(ReaderUnavailable, match="1001–1016"):
        reader.read()
    state.update(plugged=True, card=True)
    assert reader.read() == invented_card(4)


def test_sdtapi_reads_the_ucs2_block_through_select_and_read_base_msg() -> None:
    state = {"card": False, "sam": True}
    block = _chip_block()

    def read_base_msg(port: int, text: Any, text_len: Any, wlt: Any, wlt_len: Any,
                      if_open: int) -> int:
        fill(text, block)
        text_len.contents.value = len(block)
        wlt_len.contents.value = 0
        return 0x90

    lib = FakeLibrary({
        "SDT_OpenPort": lambda port: 0x90 if port == 1001 else 0x01,
        "SDT_ClosePort": lambda port: 0x90,
        "SDT_StartFindIDCard": lambda port, buf, if_open: 0x9F if state["card"] else 0x80,
        "SDT_SelectIDCard": lambda port, buf, if_open: 0x90,
        "SDT_ReadBaseMsg": read_base_msg,
        "SDT_GetSAMStatus": lambda port, if_open: 0x90 if state["sam"] else 0x01,
    })
    reader = SdtapiReader(lib)
    assert reader.read() is None
    state["card"] = True
    assert reader.read() == parse_ucs2_block(block)
    assert len(block) == UCS2_BLOCK_BYTES
    state.update(card=False, sam=False)
    with pytest.raises(ReaderUnavailable):
        reader.read()
    assert lib.calls[-1] == "SDT_ClosePort"


def test_shensi_reads_wz_txt_from_a_private_folder_and_deletes_it(tmp_path: Path) -> None:
    block = _chip_block(name="马晓燕", nation="03")
    photo = invented_card(2).photo or b""
    written: list[Path] = []

    def read_content_path(folder: bytes, active: int) -> int:
        where = Path(folder.decode("utf-8"))
        (where / "wz.txt").write_bytes(block)
        (where / "zp.bmp").write_bytes(photo)
        written.append(where)
        return 1

    functions: dict[str, Any] = {"InitComm": lambda port: 1, "Authenticate": lambda: 1,
                                 "Read_Content_Path": read_content_path,
                                 "CloseComm": lambda: 1}
    reader = ShensiReader(FakeLibrary(functions))
    card = reader.read()
    assert card is not None and (card.name, card.nation) == ("马晓燕", "回")
    assert card.photo == photo
    folder = written[0]
    assert folder.is_dir() and not list(folder.iterdir())  # nothing personal left behind
    reader.close()
    assert not folder.exists()


def test_shensi_prefers_its_gb2312_getters_when_exported(tmp_path: Path) -> None:
    card = invented_card(6)
    texts = {"GetName": card.name, "GetSex": card.gender, "GetNation": card.nation + "族",
             "GetBornDate": f"{card.birth_date:%Y%m%d}", "GetAddress": card.address,
             "GetIDNo": card.id_number, "GetSignGov": card.authority,
             "GetStartDate": f"{card.valid_from:%Y%m%d}",
             "GetEndDate": "长期" if card.long_term else f"{card.valid_to:%Y%m%d}"}
    functions: dict[str, Any] = {"InitComm": lambda port: 1, "Authenticate": lambda: 1,
                                 "Read_Content_Path": lambda folder, active: 1}
    for name, text in texts.items():
        functions[name] = (lambda value: lambda: value.encode("gbk"))(text)
    read = ShensiReader(FakeLibrary(functions)).read()
    assert read == card.without_photo()


def test_a_driver_without_its_functions_is_unavailable() -> None:
    with pytest.raises(ReaderUnavailable, match="CVR_Authenticate"):
        HuashiReader(FakeLibrary({"CVR_InitComm": lambda port: 0}))


# -- the helper process --------------------------------------------------------------------

def _talk(reader: Any, *requests: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert serve(reader, io.StringIO("".join(r + "\n" for r in requests)), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_helper_protocol_answers_one_json_line_per_request() -> None:
    reader = SimulatedReader()
    hello, empty, bad, unknown = _talk(reader, '{"op": "read"}', "not json", '{"op": "x"}')
    assert hello == {"ok": True, "protocol": 1, "label": "模拟阅读器（演示）"}
    assert empty == {"ok": True, "card": None}
    assert bad["ok"] is False and unknown["ok"] is False
    card = reader.present()
    answers = _talk(reader, '{"op": "read"}', '{"op": "close"}', '{"op": "read"}')
    assert CardData.from_json(answers[1]["card"]) == card
    assert answers[2] == {"ok": True, "closed": True}
    assert len(answers) == 3  # nothing is answered after close
    reader.unplug()
    assert _talk(reader, '{"op": "read"}')[1] == {
        "ok": False, "unavailable": "身份证阅读器未连接（模拟阅读器已拔下）"}


def test_the_helper_runs_as_its_own_process(tmp_path: Path) -> None:
    """The real process boundary: the program's client talks to ``python -m desktop``."""
    client = HelperReader([sys.executable, "-m", "desktop", "idcard-helper", "--driver", "demo"],
                          label="测试", env=helper_environment(), timeout=30)
    try:
        card = client.read()
        expected = invented_card(1)  # the helper runs on the wall clock: validity aside
        assert card is not None
        assert (card.name, card.id_number, card.address, card.photo) == (
            expected.name, expected.id_number, expected.address, expected.photo)
        process = client.process
        assert process is not None
    finally:
        client.close()
    assert process.returncode == 0 and client.process is None


def test_a_helper_that_cannot_load_its_dll_says_so_through_the_protocol(tmp_path: Path) -> None:
    dll = write_dll(tmp_path, "termb.dll", HUASHI_EXPORTS, bits=32)
    client = HelperReader([sys.executable, "-m", "desktop.services.reception.idcard.helper",
                           "--driver",
                           HUASHI, "--dll", str(dll)], label="华视", env=helper_environment(),
                          timeout=30)
    try:
        with pytest.raises(ReaderUnavailable) as raised:
            client.read()
        if sys.platform != "win32":
            assert "只能在 Windows 上使用" in str(raised.value)
    finally:
        client.close()


def test_a_helper_that_dies_is_an_unplugged_reader_and_is_started_again(tmp_path: Path) -> None:
    client = HelperReader([sys.executable, "-c", "print('{\"ok\": true, \"protocol\": 1}')"],
                          label="测试", timeout=30)
    with pytest.raises(ReaderUnavailable, match="已退出"):
        client.read()
    assert client.process is None
    hung = HelperReader([sys.executable, "-c", "import time; time.sleep(60)"], label="测试",
                        timeout=0.3)
    with pytest.raises(ReaderUnavailable, match="无响应"):
        hung.read()
    assert hung.process is None  # ended, not left running
    missing = HelperReader([str(tmp_path / "no-python.exe")], label="测试")
    with pytest.raises(ReaderUnavailable, match="无法启动读卡助手"):
        missing.read()


# -- settings --------------------------------------------------------------------------------

def test_reader_settings_are_kept_in_config_and_the_option_wins(tmp_path: Path) -> None:
    assert id_reader_settings() == IdReaderSettings("auto", None, None)
    save_id_reader_settings(IdReaderSettings("off", tmp_path / "termb.dll",
                                             Path("C:/Python32/python.exe")))
    saved = id_reader_settings()
    assert saved.mode == "off" and saved.dll == tmp_path / "termb.dll"
    assert saved.helper_python == Path("C:/Python32/python.exe")
    assert id_reader_settings("demo").mode == "demo"
    args = build_parser().parse_args(["--id-reader", "demo"])
    assert args.id_reader == "demo"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--id-reader", "nonsense"])


def test_ctypes_buffers_reach_the_stand_ins_as_they_reach_a_dll() -> None:
    """The stand-ins fill the driver's own buffers: the drivers' buffer handling is tested."""
    buffer = ctypes.create_string_buffer(8)
    length = ctypes.c_int(8)
    assert _gbk_getter("汉")(buffer, ctypes.pointer(length)) == 1
    assert (buffer.raw[:length.value], length.value) == ("汉".encode("gbk"), 2)
