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
    """Write ``data`` into a ctypes buffer the driver handed over, as a DLL would."""
    ctypes.memmove(buffer, data, len(data))


class FakeLibrary:
    """A DLL stand-in: attributes are its exported functions (plain Python callables).

    The driver sets ``restype``/``argtypes`` on them as on ctypes functions; they are
    called with the ctypes buffers and pointers the driver made.
    """

    def __init__(self, functions: dict[str, Callable[..., Any]]) -> None:
        self.calls: list[str] = []
        for name, function in functions.items():
            setattr(self, name, self._recorded(name, function))

    def _recorded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            self.calls.append(name)
            return function(*args)

        return call
