"""Leaving out of the Linux bundle the shared libraries nothing in it loads.

PyInstaller collects every library a collected binary links (and what those link) into
the top of ``_internal``. When desktop.spec then drops a Qt plugin (the GTK 3 platform
theme, say), the libraries only that plugin linked stay behind. :func:`unreachable`
finds them: it follows the ``DT_NEEDED`` entries of the ELF files from every binary
the bundle keeps on purpose (Python's extension modules, Qt's libraries and plugins,
the libraries wheels carry in their own folders) and names the top-level libraries
that no kept binary links, directly or through others. Nothing is guessed: a library
stays whenever a kept file names it.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterable
from pathlib import Path

PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


def needed(path: str | Path) -> list[str]:
    """The ``DT_NEEDED`` names of the ELF file ``path`` ([] for anything else)."""
    with open(path, "rb") as file:
        try:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file
            return []
        with data:
            if data[:4] != b"\x7fELF":
                return []
            wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
            if wide:
                (phoff,) = struct.unpack_from(order + "Q", data, 0x20)
                phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
                header, word = order + "IIQQQQQQ", order + "qQ"
            else:
                (phoff,) = struct.unpack_from(order + "I", data, 0x1C)
                phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
                header, word = order + "IIIIIIII", order + "iI"
            loads: list[tuple[int, int, int]] = []
            dynamic: tuple[int, int] | None = None
            for index in range(phnum):
                fields = struct.unpack_from(header, data, phoff + index * phentsize)
                if wide:
                    kind, offset, vaddr, size = fields[0], fields[2], fields[3], fields[5]
                else:
                    kind, offset, vaddr, size = fields[0], fields[1], fields[2], fields[4]
                if kind == PT_LOAD:
                    loads.append((vaddr, offset, size))
                elif kind == PT_DYNAMIC:
                    dynamic = (offset, size)
            if dynamic is None:
                return []
            step = struct.calcsize(word)
            names: list[int] = []
            strtab = None
            for at in range(dynamic[0], dynamic[0] + dynamic[1], step):
                tag, value = struct.unpack_from(word, data, at)
                if tag == DT_NULL:
                    break
                if tag == DT_NEEDED:
                    names.append(value)
                elif tag == DT_STRTAB:
                    strtab = value
            if strtab is None:
                return []
            base = next((offset + strtab - vaddr for vaddr, offset, size in loads
                         if vaddr <= strtab < vaddr + size), None)
            if base is None:
                return []
            return [data[base + n:data.find(b"\0", base + n)].decode() for n in names]


def is_elf(path: str | Path) -> bool:
    with open(path, "rb") as file:
        return file.read(4) == b"\x7fELF"


def unreachable(binaries: Iterable[tuple[str, str, str]]) -> set[str]:
    """Destinations of the top-level ``lib*`` ELF libraries in ``binaries`` (PyInstaller's
    (destination, source, typecode) entries) that no other kept binary links."""
    entries = [entry for entry in binaries if entry[2] != "SYMLINK"]
    candidates = {dest: src for dest, src, _ in entries
                  if "/" not in dest.replace("\\", "/") and dest.startswith("lib")
                  and not dest.startswith("libpython") and is_elf(src)}
    by_name: dict[str, list[str]] = {}
    for dest, src, _ in entries:
        by_name.setdefault(Path(dest).name, []).append(src)
    reached: set[str] = set()
    todo = [src for dest, src, _ in entries if dest not in candidates]
    while todo:
        src = todo.pop()
        if src in reached:
            continue
        reached.add(src)
        for name in needed(src):
            todo.extend(by_name.get(name, ()))
    return {dest for dest, src in candidates.items() if src not in reached}
