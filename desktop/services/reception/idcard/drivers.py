"""The vendors' SDKs, through ctypes: 华视 termb.dll, 神思 TERMB.DLL and the generic sdtapi.dll.

Each driver takes the loaded library (``ctypes.WinDLL``; the tests hand in a
stand-in with the same functions) and implements :class:`CardReader`. Which
SDK a DLL is, is told by its exports (:func:`identify`): 华视's and 神思's DLLs
have the same file name. Nothing here is loaded except on Windows.

Return codes, as the SDKs document them: 华视 and 神思 answer 1 for success;
sdtapi answers 0x90 (0x9F for a card found). A failed card search is "no card"
unless the reader itself no longer answers (its SAM module is asked), which is
"unplugged": the port is closed and the next read scans the ports again.
"""

from __future__ import annotations

import ctypes
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.services.reception.idcard.card import CardData, card_from_texts
from desktop.services.reception.idcard.parsing import UCS2_BLOCK_BYTES, decode_gbk, parse_ucs2_block
from desktop.services.reception.idcard.reader import USB_PORTS, ReaderUnavailable

HUASHI = "huashi"
SHENSI = "shensi"
SDTAPI = "sdtapi"
LABELS = {HUASHI: "华视 termb.dll", SHENSI: "神思 TERMB.DLL", SDTAPI: "sdtapi.dll"}
FIELD_BYTES = 128
PHOTO_BYTES = 40_960  # a 102×126 24-bit BMP is 38,862 bytes
SDT_OK = 0x90
SDT_CARD_FOUND = 0x9F


def identify(exports: frozenset[str] | set[str]) -> str | None:
    """Which SDK a DLL with these exports is (``None``: none of the three)."""
    if {"CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content"} <= exports:
        return HUASHI
    if {"SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg"} <= exports:
        return SDTAPI
    if {"InitComm", "Authenticate"} <= exports and exports & {"Read_Content",
                                                               "Read_Content_Path"}:
        return SHENSI
    return None


def load_library(path: Path) -> Any:
    """The DLL loaded with the stdcall convention the SDKs use (Windows only)."""
    if sys.platform != "win32":
        raise ReaderUnavailable("身份证阅读器驱动只能在 Windows 上使用")
    try:
        return ctypes.WinDLL(str(path))  # type: ignore[attr-defined,unused-ignore]
    except OSError as exc:
        raise ReaderUnavailable(f"无法加载身份证阅读器驱动 {path.name}：{exc}") from exc


def _declare(lib: Any, name: str, restype: Any, *argtypes: Any) -> Callable[..., Any] | None:
    """The function ``name`` of ``lib`` with its C signature; ``None`` when not exported."""
    function = getattr(lib, name, None)
    if function is None:
        return None
    function.restype = restype
    function.argtypes = list(argtypes)
    return function  # type: ignore[no-any-return]


def _required(lib: Any, label: str, name: str, restype: Any,
              *argtypes: Any) -> Callable[..., Any]:
    function = _declare(lib, name, restype, *argtypes)
    if function is None:
        raise ReaderUnavailable(f"{label} 缺少函数 {name}，请安装阅读器厂家的完整驱动")
    return function


INT_P = ctypes.POINTER(ctypes.c_int)
UINT_P = ctypes.POINTER(ctypes.c_uint)


class HuashiReader:
    """华视 (CVR) readers: CVR_InitComm, CVR_Authenticate, CVR_Read_Content, GetPeople…."""

    label = LABELS[HUASHI]

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        c_int, buf = ctypes.c_int, ctypes.c_char_p
        self._init = _required(lib, self.label, "CVR_InitComm", c_int, c_int)
        self._auth = _required(lib, self.label, "CVR_Authenticate", c_int)
        self._read = _required(lib, self.label, "CVR_Read_Content", c_int, c_int)
        self._close = _declare(lib, "CVR_CloseComm", c_int)
        self._sam = _declare(lib, "CVR_GetSAMID", c_int, buf)
        self._fields = {
            key: _declare(lib, name, c_int, buf, INT_P) for key, name in (
                ("name", "GetPeopleName"), ("gender", "GetPeopleSex"),
                ("nation", "GetPeopleNation"), ("birth", "GetPeopleBirthday"),
                ("address", "GetPeopleAddress"), ("id_number", "GetPeopleIDCode"),
                ("authority", "GetDepartment"), ("start", "GetStartDate"),
                ("end", "GetEndDate"))
        }
        self._photo = _declare(lib, "GetBMPData", c_int, buf, INT_P)
        self.port: int | None = None

    def _open(self) -> None:
        for port in USB_PORTS:
            if self._init(port) == 1:
                self.port = port
                return
        raise ReaderUnavailable("未找到华视身份证阅读器（USB 端口 1001–1016 均无应答），请检查连接")

    def _answers(self) -> bool:
        if self._sam is None:
            return True  # an older DLL: an unplugged reader then just finds no card
        return bool(self._sam(ctypes.create_string_buffer(FIELD_BYTES)) == 1)

    def read(self) -> CardData | None:
        if self.port is None:
            self._open()
        if self._auth() != 1:
            if not self._answers():
                self.close()
                raise ReaderUnavailable("华视身份证阅读器已断开，请检查 USB 连接")
            return None
        # 4: the text and the photo, kept in the DLL for the Get… functions.
        if self._read(4) != 1:
            return None  # the card was lifted mid-read: the next poll reads it again
        texts = {key: self._text(function) for key, function in self._fields.items()}
        return card_from_texts(**texts, photo=self._bmp())

    @staticmethod
    def _text(function: Callable[..., Any] | None) -> str:
        if function is None:
            return ""
        buffer = ctypes.create_string_buffer(FIELD_BYTES)
        length = ctypes.c_int(FIELD_BYTES)
        if function(buffer, ctypes.pointer(length)) != 1:
            return ""
        size = length.value if 0 < length.value <= FIELD_BYTES else FIELD_BYTES
        return decode_gbk(buffer.raw[:size])

    def _bmp(self) -> bytes | None:
        if self._photo is None:
            return None
        buffer = ctypes.create_string_buffer(PHOTO_BYTES)
        length = ctypes.c_int(PHOTO_BYTES)
        if self._photo(buffer, ctypes.pointer(length)) != 1 or not 0 < length.value <= PHOTO_BYTES:
            return None
        return buffer.raw[:length.value]

    def close(self) -> None:
        if self.port is not None and self._close is not None:
            self._close()
        self.port = None


class ShensiReader:
    """神思 readers: InitComm, Authenticate, Read_Content(_Path), then Get… (GB2312) or wz.txt.

    Read_Content writes ``wz.txt`` (the UCS-2 block) and ``zp.bmp`` (the photo) into
    a folder; Read_Content_Path is told a private temporary one, and both files are
    deleted as soon as they are read. Newer DLLs also return each field as GB2312
    text (GetName, GetSex, ...): those are used when exported.
    """

    label = LABELS[SHENSI]

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        c_int, text = ctypes.c_int, ctypes.c_char_p
        self._init = _required(lib, self.label, "InitComm", c_int, c_int)
        self._auth = _required(lib, self.label, "Authenticate", c_int)
        self._read_path = _declare(lib, "Read_Content_Path", c_int, text, c_int)
        self._read = _declare(lib, "Read_Content", c_int, c_int)
        if self._read_path is None and self._read is None:
            raise ReaderUnavailable(
                f"{self.label} 缺少函数 Read_Content，请安装阅读器厂家的完整驱动")
        self._close = _declare(lib, "CloseComm", c_int)
        self._sam = _declare(lib, "GetSAMID", c_int, text)
        self._fields = {
            key: _declare(lib, name, text) for key, name in (
                ("name", "GetName"), ("gender", "GetSex"), ("nation", "GetNation"),
                ("birth", "GetBornDate"), ("address", "GetAddress"), ("id_number", "GetIDNo"),
                ("authority", "GetSignGov"), ("start", "GetStartDate"), ("end", "GetEndDate"))
        }
        self.port: int | None = None
        self.folder: Path | None = None

    def _open(self) -> None:
        for port in USB_PORTS:
            if self._init(port) == 1:
                self.port = port
                self.folder = Path(tempfile.mkdtemp(prefix="idcard-"))
                return
        raise ReaderUnavailable("未找到神思身份证阅读器（USB 端口 1001–1016 均无应答），请检查连接")

    def _answers(self) -> bool:
        if self._sam is None:
            return True
        return bool(self._sam(ctypes.create_string_buffer(FIELD_BYTES)) == 1)

    def read(self) -> CardData | None:
        if self.port is None:
            self._open()
        if self._auth() != 1:
            if not self._answers():
                self.close()
                raise ReaderUnavailable("神思身份证阅读器已断开，请检查 USB 连接")
            return None
        assert self.folder is not None
        if self._read_path is not None:
            done = self._read_path(str(self.folder).encode("mbcs" if sys.platform == "win32"
                                                           else "utf-8"), 1)
        else:
            assert self._read is not None
            done = self._read(1)
        if done != 1:
            return None
        try:
            return self._card()
        finally:
            for name in ("wz.txt", "zp.bmp", "xp.wlt", "fp.dat"):
                (self.folder / name).unlink(missing_ok=True)

    def _card(self) -> CardData | None:
        assert self.folder is not None
        photo_file = self.folder / "zp.bmp"
        photo = photo_file.read_bytes() if photo_file.exists() else None
        getters = self._fields
        if all(getters[key] is not None for key in ("name", "id_number")):
            texts = {key: decode_gbk(getter() or b"") if getter is not None else ""
                     for key, getter in getters.items()}
            return card_from_texts(**texts, photo=photo)
        text_file = self.folder / "wz.txt"
        if not text_file.exists():
            return None
        return parse_ucs2_block(text_file.read_bytes()[:UCS2_BLOCK_BYTES], photo=photo)

    def close(self) -> None:
        if self.port is not None and self._close is not None:
            self._close()
        self.port = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class SdtapiReader:
    """The generic sdtapi.dll: SDT_OpenPort, SDT_StartFindIDCard, SDT_SelectIDCard,
    SDT_ReadBaseMsg (the UCS-2 block and the photo as WLT, which WltRS.dll decodes)."""

    label = LABELS[SDTAPI]

    def __init__(self, lib: Any, *, photo_lib: Any | None = None) -> None:
        self.lib = lib
        c_int, buf = ctypes.c_int, ctypes.c_char_p
        self._open_port = _required(lib, self.label, "SDT_OpenPort", c_int, c_int)
        self._close_port = _declare(lib, "SDT_ClosePort", c_int, c_int)
        self._find = _required(lib, self.label, "SDT_StartFindIDCard", c_int, c_int, buf, c_int)
        self._select = _required(lib, self.label, "SDT_SelectIDCard", c_int, c_int, buf, c_int)
        self._read = _required(lib, self.label, "SDT_ReadBaseMsg", c_int, c_int, buf, UINT_P,
                               buf, UINT_P, c_int)
        self._sam = _declare(lib, "SDT_GetSAMStatus", c_int, c_int, c_int)
        self._decode = (_declare(photo_lib, "GetBmp", c_int, buf, c_int)
                        if photo_lib is not None else None)
        self.port: int | None = None

    def _open(self) -> None:
        for port in USB_PORTS:
            if self._open_port(port) == SDT_OK:
                self.port = port
                return
        raise ReaderUnavailable("未找到身份证阅读器（sdtapi.dll：USB 端口 1001–1016 均无应答），"
                                "请检查连接")

    def read(self) -> CardData | None:
        if self.port is None:
            self._open()
        port = self.port
        scratch = ctypes.create_string_buffer(8)
        if self._find(port, scratch, 1) != SDT_CARD_FOUND:
            if self._sam is not None and self._sam(port, 1) != SDT_OK:
                self.close()
                raise ReaderUnavailable("身份证阅读器已断开，请检查 USB 连接")
            return None
        if self._select(port, scratch, 1) != SDT_OK:
            return None
        text = ctypes.create_string_buffer(UCS2_BLOCK_BYTES)
        text_len = ctypes.c_uint(0)
        wlt = ctypes.create_string_buffer(1024)
        wlt_len = ctypes.c_uint(0)
        if self._read(port, text, ctypes.pointer(text_len), wlt, ctypes.pointer(wlt_len),
                      1) != SDT_OK:
            return None
        size = text_len.value if 0 < text_len.value <= UCS2_BLOCK_BYTES else UCS2_BLOCK_BYTES
        photo = self._photo(wlt.raw[:wlt_len.value]) if 0 < wlt_len.value <= 1024 else None
        return parse_ucs2_block(text.raw[:size], photo=photo)

    def _photo(self, wlt: bytes) -> bytes | None:
        """The photo decoded by WltRS.dll's GetBmp (it writes a .bmp beside the .wlt)."""
        if self._decode is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="idcard-"))
        try:
            source = folder / "zp.wlt"
            source.write_bytes(wlt)
            encoding = "mbcs" if sys.platform == "win32" else "utf-8"
            # 2: a USB reader (1 is a serial one), as WltRS.dll's documentation has it.
            usb = 2 if self.port is not None and self.port >= USB_PORTS[0] else 1
            if self._decode(str(source).encode(encoding), usb) != 1:
                return None
            bmp = folder / "zp.bmp"
            return bmp.read_bytes() if bmp.exists() else None
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        if self.port is not None and self._close_port is not None:
            self._close_port(self.port)
        self.port = None


def make_reader(kind: str, lib: Any, *, photo_lib: Any | None = None
                ) -> HuashiReader | ShensiReader | SdtapiReader:
    if kind == HUASHI:
        return HuashiReader(lib)
    if kind == SHENSI:
        return ShensiReader(lib)
    if kind == SDTAPI:
        return SdtapiReader(lib, photo_lib=photo_lib)
    raise ValueError(kind)
