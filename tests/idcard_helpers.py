"""Test helpers for the ID card reader: DLL images and stand-ins for the vendors' DLLs.

The stand-ins behave as the SDKs document their functions (return codes, buffers
filled through pointers); every card on them is invented.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.services.reception.idcard.pe import PE32, PE32_PLUS


def make_dll(exports: list[str], *, bits: int = 32) -> bytes:
    """A minimal DLL image exporting ``exports`` (headers only, no code).

    What :func:`read_dll` reads, built the way a linker lays it out: for tests of the
    detection, which run on machines without the vendors' DLLs.
    """
    magic = PE32 if bits == 32 else PE32_PLUS
    optional_size = (96 if bits == 32 else 112) + 16 * 8
    pe_at = 0x40
    section_table = pe_at + 24 + optional_size
    raw_at = 0x200
    rva = 0x1000
    # The export section: directory (40 bytes), name pointer table, then the names.
    names_table = rva + 40
    strings = rva + 40 + 4 * len(exports)
    blob = bytearray(40)
    struct.pack_into("<I", blob, 24, len(exports))
    struct.pack_into("<I", blob, 32, names_table)
    pointers = bytearray()
    text = bytearray()
    for name in exports:
        pointers += struct.pack("<I", strings + len(text))
        text += name.encode("ascii") + b"\x00"
    section = bytes(blob + pointers + text)
    image = bytearray(raw_at + len(section))
    image[:2] = b"MZ"
    struct.pack_into("<I", image, 0x3C, pe_at)
    image[pe_at:pe_at + 4] = b"PE\x00\x00"
    machine = 0x14C if bits == 32 else 0x8664
    struct.pack_into("<HHIIIHH", image, pe_at + 4, machine, 1, 0, 0, 0, optional_size, 0x2102)
    optional = pe_at + 24
    struct.pack_into("<H", image, optional, magic)
    directories = optional + (96 if bits == 32 else 112)
    struct.pack_into("<II", image, directories, rva, len(section))
    struct.pack_into("<8sIIII", image, section_table, b".edata", len(section), rva,
                     len(section), raw_at)
    image[raw_at:] = section
    return bytes(image)


def write_dll(folder: Path, name: str, exports: list[str], *, bits: int = 64) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(make_dll(exports, bits=bits))
    return path


HUASHI_EXPORTS = ["CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content", "CVR_CloseComm",
                  "CVR_GetSAMID", "GetPeopleName", "GetPeopleSex", "GetPeopleNation",
                  "GetPeopleBirthday", "GetPeopleAddress", "GetPeopleIDCode", "GetDepartment",
                  "GetStartDate", "GetEndDate", "GetBMPData"]
SHENSI_EXPORTS = ["InitComm", "CloseComm", "Authenticate", "Read_Content", "Read_Content_Path",
                  "GetSAMID", "GetName", "GetSex", "GetNation", "GetBornDate", "GetAddress",
                  "GetIDNo", "GetSignGov", "GetStartDate", "GetEndDate"]
SDTAPI_EXPORTS = ["SDT_OpenPort", "SDT_ClosePort", "SDT_StartFindIDCard", "SDT_SelectIDCard",
                  "SDT_ReadBaseMsg", "SDT_GetSAMStatus"]


def fill(buffer: Any, data: bytes) -> None:
    """Write ``data`` into a ctypes buffer the driver handed over, as a DLL would.

    A DLL writes through whatever pointer it is given: a null pointer or a buffer too
    small would crash the program, so here they fail the test instead.
    """
    if not isinstance(buffer, ctypes.Array):
        raise AssertionError(f"the DLL would write {len(data)} bytes through {buffer!r}")
    if ctypes.sizeof(buffer) < len(data):
        raise AssertionError(f"the DLL would write {len(data)} bytes into a buffer of "
                             f"{ctypes.sizeof(buffer)}")
    ctypes.memmove(buffer, data, len(data))


class FakeFunction:
    """One exported function, called the way ctypes calls a DLL's.

    As on a ctypes function: ``argtypes`` refuses an entry that is no C type, a call's
    arguments must each be accepted by their declared type (``from_param``), and a
    ``restype`` of ``None`` makes the call return ``None``. The vendors' DLLs are 32-bit
    stdcall, where a call with more or fewer arguments than declared breaks the stack:
    here it is refused.
    """

    def __init__(self, library: FakeLibrary, name: str, function: Callable[..., Any]) -> None:
        self.library = library
        self.name = name
        self.function = function
        self.restype: Any = ctypes.c_int  # ctypes' default
        self._argtypes: list[Any] | None = None

    @property
    def argtypes(self) -> list[Any] | None:
        return self._argtypes

    @argtypes.setter
    def argtypes(self, types: list[Any]) -> None:
        for n, declared in enumerate(types, start=1):
            if not hasattr(declared, "from_param"):
                raise TypeError(f"item {n} in _argtypes_ has no from_param method")
        self._argtypes = list(types)

    def __call__(self, *args: Any) -> Any:
        self.library.calls.append(self.name)
        self.library.args.append((self.name, *args))
        if self._argtypes is not None:
            if len(args) != len(self._argtypes):
                raise TypeError(f"{self.name} declared with {len(self._argtypes)} arguments, "
                                f"called with {len(args)}")
            for declared, arg in zip(self._argtypes, args, strict=True):
                declared.from_param(arg)  # TypeError: the argument is not of that C type
        result = self.function(*args)
        return None if self.restype is None else result


class FakeLibrary:
    """A DLL stand-in: attributes are its exported functions (:class:`FakeFunction`).

    The driver sets ``restype``/``argtypes`` on them as on ctypes functions; they are
    called with the ctypes buffers and pointers the driver made. ``calls`` names the
    functions called, in order; ``args`` has each call with its arguments.
    """

    def __init__(self, functions: dict[str, Callable[..., Any]]) -> None:
        self.calls: list[str] = []
        self.args: list[tuple[Any, ...]] = []
        for name, function in functions.items():
            setattr(self, name, FakeFunction(self, name, function))


# sdtapi.dll's answers, as its documentation numbers them.
SDT_OK, SDT_FOUND, SDT_NO_CARD, SDT_PORT_FAILED = 0x90, 0x9F, 0x80, 0x01
SDT_SELECT_FAILED, SDT_READ_FAILED = 0x81, 0x41


class FakeSdtapi:
    """sdtapi.dll with a reader on USB port ``port`` and the chip's ``block`` on it.

    ``block`` ``None``: no card. ``failing``: the functions answering with their error
    code. ``text_len``/``wlt_len``: the lengths SDT_ReadBaseMsg reports (``None``: it
    leaves them as it found them); by default those of what it wrote.
    """

    def __init__(self, block: bytes | None, *, wlt: bytes = b"", port: int = 1001) -> None:
        self.block = block
        self.wlt = wlt
        self.port = port
        self.plugged = True
        self.opened: int | None = None
        self.failing: set[str] = set()
        self.text_len: int | None = -1
        self.wlt_len: int | None = -1
        self.library = FakeLibrary({
            "SDT_OpenPort": self._open_port, "SDT_ClosePort": self._close_port,
            "SDT_StartFindIDCard": self._find, "SDT_SelectIDCard": self._select,
            "SDT_ReadBaseMsg": self._read, "SDT_GetSAMStatus": self._sam})

    def _answers(self, name: str, port: int) -> bool:
        return self.plugged and port == self.opened and name not in self.failing

    def _open_port(self, port: int) -> int:
        if self.plugged and port == self.port and "SDT_OpenPort" not in self.failing:
            self.opened = port
            return SDT_OK
        return SDT_PORT_FAILED

    def _close_port(self, port: int) -> int:
        if port != self.opened:
            return SDT_PORT_FAILED
        self.opened = None
        return SDT_OK

    def _find(self, port: int, manager: Any, if_open: int) -> int:
        if not self._answers("SDT_StartFindIDCard", port) or self.block is None:
            return SDT_NO_CARD
        fill(manager, b"\x00" * 4)
        return SDT_FOUND

    def _select(self, port: int, serial: Any, if_open: int) -> int:
        if not self._answers("SDT_SelectIDCard", port) or self.block is None:
            return SDT_SELECT_FAILED
        fill(serial, b"\x00" * 8)
        return SDT_OK

    def _read(self, port: int, text: Any, text_len: Any, wlt: Any, wlt_len: Any,
              if_open: int) -> int:
        if not self._answers("SDT_ReadBaseMsg", port) or self.block is None:
            return SDT_READ_FAILED
        fill(text, self.block)
        fill(wlt, self.wlt)
        for pointer, reported, written in ((text_len, self.text_len, len(self.block)),
                                           (wlt_len, self.wlt_len, len(self.wlt))):
            if reported is not None:
                pointer.contents.value = written if reported == -1 else reported
        return SDT_OK

    def _sam(self, port: int, if_open: int) -> int:
        return SDT_OK if self._answers("SDT_GetSAMStatus", port) else SDT_PORT_FAILED


def decoded_photo(wlt: bytes) -> bytes:
    """The BMP the stand-in of WltRS.dll makes of ``wlt`` (each WLT its own picture)."""
    return b"BM" + wlt[::-1]


class FakeWltRS:
    """WltRS.dll: GetBmp(path of a .wlt, 1 serial / 2 USB) writes the .bmp beside it.

    The path arrives in ``encoding`` (Windows' ANSI code page for the real DLL). It
    answers 1 when decoded, -2 for a file not named .wlt, -3 for one it cannot open.
    ``answer``: what it answers instead (the photo then not written).
    """

    def __init__(self, *, encoding: str = "utf-8") -> None:
        self.encoding = encoding
        self.answer: int | None = None
        self.seen: list[tuple[Path, int, bytes]] = []  # (the .wlt, the interface, its bytes)
        self.library = FakeLibrary({"GetBmp": self._get_bmp})

    def _get_bmp(self, path: bytes, interface: int) -> int:
        wlt = Path(path.decode(self.encoding))
        if wlt.suffix.lower() != ".wlt":
            return -2
        if not wlt.is_file():
            return -3
        data = wlt.read_bytes()
        self.seen.append((wlt, interface, data))
        if self.answer is not None:
            return self.answer
        wlt.with_suffix(".bmp").write_bytes(decoded_photo(data))
        return 1
