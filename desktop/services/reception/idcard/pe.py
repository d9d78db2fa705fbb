"""Which functions a Windows DLL exports, and whether it is 32- or 64-bit, without loading it.

Loading a vendor's DLL runs its start-up code, and a 32-bit DLL cannot be loaded
into a 64-bit Python at all; reading the PE headers tells both on any system.
Only what is needed is read: the machine type, the section table and the export
directory's name table.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

PE32 = 0x10B
PE32_PLUS = 0x20B
_MAX_NAMES = 10_000


class NotADll(ValueError):
    """The file is not a Windows DLL this module can read."""


@dataclass(frozen=True)
class DllInfo:
    bits: int  # 32 or 64
    exports: frozenset[str]


def _unpack(fmt: str, data: bytes, at: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(fmt, data, at)
    except struct.error as exc:
        raise NotADll("truncated PE file") from exc


def read_dll(path: Path) -> DllInfo:
    """The bitness and exported names of the DLL at ``path``."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise NotADll(str(exc)) from exc
    if data[:2] != b"MZ":
        raise NotADll("no MZ header")
    (pe_at,) = _unpack("<I", data, 0x3C)
    if data[pe_at:pe_at + 4] != b"PE\x00\x00":
        raise NotADll("no PE signature")
    coff = pe_at + 4
    _machine, sections, _t, _p, _n, optional_size, _c = _unpack("<HHIIIHH", data, coff)
    optional = coff + 20
    (magic,) = _unpack("<H", data, optional)
    if magic not in (PE32, PE32_PLUS):
        raise NotADll(f"unknown optional header {magic:#x}")
    directories = optional + (96 if magic == PE32 else 112)
    export_rva, _export_size = _unpack("<II", data, directories)
    table = optional + optional_size
    spans = []
    for n in range(sections):
        _vsize, vaddr, raw_size, raw_at = _unpack("<IIII", data, table + 40 * n + 8)
        spans.append((vaddr, max(raw_size, _vsize), raw_at))

    def offset(rva: int) -> int:
        for vaddr, size, raw_at in spans:
            if vaddr <= rva < vaddr + size:
                return raw_at + rva - vaddr
        raise NotADll(f"address {rva:#x} outside every section")

    exports: set[str] = set()
    if export_rva:
        directory = offset(export_rva)
        (count,) = _unpack("<I", data, directory + 24)
        (names_rva,) = _unpack("<I", data, directory + 32)
        if count > _MAX_NAMES:
            raise NotADll("implausible export table")
        names = offset(names_rva) if count else 0
        for n in range(count):
            (name_rva,) = _unpack("<I", data, names + 4 * n)
            start = offset(name_rva)
            end = data.find(b"\x00", start)
            if end < 0:
                raise NotADll("unterminated export name")
            exports.add(data[start:end].decode("ascii", errors="replace"))
    return DllInfo(bits=32 if magic == PE32 else 64, exports=frozenset(exports))

