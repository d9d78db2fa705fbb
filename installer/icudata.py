"""A smaller ICU data library for the Linux bundle, made from the one PySide6 ships.

Qt Core on Linux links ICU, and ICU's data library (``libicudata.so.73``, 32 MB) holds the
data of every locale ICU knows. Qt reaches that data through a few calls only (see
``nm -D --undefined-only libQt6Core.so.6``): converters (``ucnv_*``, for QStringConverter's
legacy encodings), collation (``ucol_*``, QCollator), calendars and time-zone names
(``ucal_*``, QTimeZone) and locale case mapping (``u_strToUpper``/``u_strToLower``).
None of them opens a break iterator, a transliterator, spelled-out numbers or a display
name of a language, region, currency or unit, and the program runs in Chinese (its
messages, ``QLocale.setDefault(zh_CN)``) with English as Qt's own language.

So :func:`smaller_library` keeps of ICU's data package: the locale data of root, Chinese
and English (in every tree it keeps), the converter tables of the encodings in
:data:`ENCODINGS` (every Chinese one and those a browser decodes), and everything else
that is not locale data (collation root ucadata.icu, the time-zone database, likely
subtags, supplemental data, normalisation, character names, converter aliases). It
leaves out the other languages, the other converter tables (EBCDIC, DOS and most Mac
code pages) and the trees no call above reads (:data:`DROPPED_TREES`). The items are
copied byte for byte into a new package in ICU's common-data format (a header, a table
of contents sorted by name, 16-byte aligned items), which the C compiler then wraps as a
library exporting the same symbol (``icudt73_dat``) under the same soname. :func:`check`
runs the ICU-backed Qt calls (pinyin collation, upper-casing, opening every encoding of
:data:`ENCODINGS`, time-zone names, a long date) once with PySide6's library and once
with the new one (``LD_PRELOAD``) and compares what they return.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

# Locales kept in every tree: root (the fallback of all), Chinese and English.
KEPT_LOCALE = re.compile(r"(root|zh|en)(_\w+)?\.res")
LOCALE = re.compile(r"[a-z]{2,3}(_\w+)?\.res")
# Trees none of Qt's ICU calls reads: break iterators and their dictionaries,
# transliterators, spelled-out numbers, and the display names of currencies, languages,
# regions and units.
DROPPED_TREES = ("brkitr", "translit", "rbnf", "curr", "lang", "region", "unit")
# The encodings a converter is kept for: those of the WHATWG Encoding Standard (what a
# browser decodes, so what an HTML or XML file Qt reads may declare) and the other Chinese
# ones (GB2312, Big5-HKSCS, EUC-TW, ISO-2022-CN); UTF-8/16/32, Latin-1 and US-ASCII need
# no table. IBM's EBCDIC and PC code pages and the other Mac and DOS tables go.
ENCODINGS = ("GBK", "gb18030", "GB2312", "Big5", "Big5-HKSCS", "EUC-TW", "ISO-2022-CN",
             "ISO-2022-CN-EXT", "EUC-JP", "Shift_JIS", "ISO-2022-JP", "EUC-KR", "IBM866",
             "KOI8-R", "KOI8-U", "macintosh", "x-mac-cyrillic", "windows-874",
             *(f"windows-{n}" for n in range(1250, 1259)),
             *(f"ISO-8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
             "ISO-8859-8-I")
# The converter tables ICU 73 opens for ENCODINGS (found by leaving each table out in turn
# and opening them all through Qt; check() opens them again at every build).
CONVERTERS = frozenset((
    "cns-11643-1992", "euc-jp-2007", "euc-tw-2014", "gb18030", "ibm-1089_P100-1995",
    "ibm-1168_P100-2002", "ibm-1373_P100-2002", "ibm-1375_P100-2008", "ibm-1383_P110-1999",
    "ibm-1386_P100-2001", "ibm-5012_P100-1999", "ibm-5346_P100-1998", "ibm-5347_P100-1998",
    "ibm-5348_P100-1997", "ibm-5349_P100-1998", "ibm-5350_P100-1998", "ibm-5354_P100-1998",
    "ibm-5478_P100-1995", "ibm-866_P100-1995", "ibm-878_P100-1996", "ibm-9005_X110-2007",
    "ibm-912_P100-1995", "ibm-913_P100-2000", "ibm-914_P100-1995", "ibm-915_P100-1995",
    "ibm-921_P100-1995", "ibm-923_P100-1998", "ibm-943_P15A-2003", "ibm-9447_P100-2002",
    "ibm-9448_X100-2005", "ibm-9449_P100-2002", "ibm-970_P110_P110-2006_U2",
    "iso-8859_10-1998", "iso-8859_14-1998", "iso-ir-165", "macos-0_2-10.2", "macos-7_3-10.2",
    "windows-874-2000", "windows-936-2000", "windows-950-2000",
))
ALIGN = 16
SHT_DYNSYM, SHT_NOBITS = 11, 8


def symbol_data(library: Path) -> tuple[str, bytes]:
    """The exported data symbol of ICU's data library (``icudt73_dat``) and its bytes,
    found through the library's section headers (64-bit little-endian ELF)."""
    data = library.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{library} is not a 64-bit little-endian ELF library")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    # (type, address, offset, size, link, entry size) of every section
    sections = [struct.unpack_from("<4xI8xQQQI4x8xQ", data, shoff + i * shentsize)
                for i in range(shnum)]
    for kind, _, offset, size, link, entsize in sections:
        if kind != SHT_DYNSYM:
            continue
        strings = sections[link][2]
        for at in range(offset, offset + size, entsize):
            name_at, value, length = struct.unpack_from("<I4xQQ", data, at)
            name = data[strings + name_at:data.index(b"\0", strings + name_at)].decode()
            if re.fullmatch(r"icudt\d+_dat", name):
                home = next(s for s in sections if s[0] != SHT_NOBITS and s[1] <= value
                            and value + length <= s[1] + s[3])
                start = home[2] + value - home[1]
                return name, data[start:start + length]
    raise ValueError(f"{library} exports no icudtNN_dat")


def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, bytes) items of an ICU common-data package."""
    (header_size,) = struct.unpack_from("<H", package, 0)
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD" or package[8] != 0:
        raise ValueError("not a little-endian ICU common-data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", package, toc)
    entries = [struct.unpack_from("<II", package, toc + 4 + 8 * i) for i in range(count)]
    ends = [data_at for _, data_at in entries[1:]] + [len(package) - toc]
    found = []
    for (name_at, data_at), end in zip(entries, ends, strict=True):
        name = package[toc + name_at:package.index(b"\0", toc + name_at)].decode()
        found.append((name, package[toc + data_at:toc + end]))
    return package[:header_size], found


def package(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """A common-data package of ``kept`` (names in ICU's sorted order) under ``header``."""
    names = b"".join(name.encode() + b"\0" for name, _ in kept)
    toc_size = 4 + 8 * len(kept)
    first = toc_size + len(names)
    first += -first % ALIGN
    offsets, at = [], first
    for _, body in kept:
        offsets.append(at)
        at += len(body) + (-len(body) % ALIGN)
    out = bytearray(header)
    out += struct.pack("<I", len(kept))
    name_at = toc_size
    for (name, _), data_at in zip(kept, offsets, strict=True):
        out += struct.pack("<II", name_at, data_at)
        name_at += len(name.encode()) + 1
    out += names
    out += b"\xaa" * (len(header) + first - len(out))  # ICU's own padding byte
    for _, body in kept:
        out += body + b"\0" * (-len(body) % ALIGN)
    return bytes(out)


def wanted(name: str) -> bool:
    """Whether the item ``name`` (``icudt73l/zone/zh.res``) stays."""
    parts = name.split("/")[1:]
    tree, leaf = ("/".join(parts[:-1]), parts[-1])
    if tree in DROPPED_TREES:
        return False
    if leaf.endswith(".cnv"):
        return leaf.removesuffix(".cnv") in CONVERTERS
    if leaf in ("pool.res", "res_index.res") or not LOCALE.fullmatch(leaf):
        return True
    return bool(KEPT_LOCALE.fullmatch(leaf))


def smaller_library(original: Path, folder: Path) -> Path:
    """``folder``/libicudata.so.NN holding only the items :func:`wanted` keeps."""
    symbol, data = symbol_data(original)
    header, found = items(data)
    kept = [(name, body) for name, body in found if wanted(name)]
    folder.mkdir(parents=True, exist_ok=True)
    blob = folder / f"{symbol}.dat"
    blob.write_bytes(package(header, kept))
    source = folder / f"{symbol}.S"
    source.write_text(
        '.section .rodata\n'
        f'.globl {symbol}\n.type {symbol}, @object\n.balign {ALIGN}\n{symbol}:\n'
        f'.incbin "{blob}"\n.size {symbol}, . - {symbol}\n'
        '.section .note.GNU-stack,"",@progbits\n', encoding="utf-8")
    library = folder / original.name
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise FileNotFoundError("no C compiler (cc) to make the smaller ICU data library")
    subprocess.run([compiler, "-shared", "-nostdlib", f"-Wl,-soname,{original.name}",
                    "-Wl,-z,noexecstack", "-o", str(library), str(source)], check=True)
    return library


# Each ICU-backed call Qt makes, on the program's locales: collation, legacy encodings,
# time-zone names and ids, calendar-backed dates, locale case mapping.
PROBE = r"""
from PySide6.QtCore import (QCollator, QDate, QLocale, QStringDecoder, QStringEncoder,
                            QTimeZone)
ENCODINGS = %r
out = []
names = ["张三", "李四", "王五", "赵六", "欧阳娜娜", "钱七", "孙八", "周九", "吴十", "郑十一"]
for locale in (QLocale("zh_CN"), QLocale("en_US"), QLocale.c()):
    collator = QCollator(locale)
    out.append(sorted(names, key=collator.sortKey))
    out.append([collator.compare(a, b) for a, b in zip(names, names[1:])])
    out.append(locale.toUpper("straße ǆ i"))
for codec in ENCODINGS:
    encoder = QStringEncoder(codec)
    html = f'<meta charset="{codec}">'.encode()
    out.append((codec, encoder.isValid(), encoder.name(),
                QStringDecoder.decoderForHtml(html).name()))
for zone in (b"Asia/Shanghai", b"Asia/Urumqi", b"Europe/London", b"America/New_York", b"UTC"):
    tz = QTimeZone(zone)
    for locale in (QLocale("zh_CN"), QLocale("en_US")):
        for kind in (QTimeZone.NameType.LongName, QTimeZone.NameType.ShortName,
                     QTimeZone.NameType.OffsetName):
            out.append(tz.displayName(QTimeZone.TimeType.StandardTime, kind, locale))
    out.append((tz.isValid(), tz.offsetFromUtc(QDate(2026, 7, 1).startOfDay())))
out.append(QLocale("zh_CN").toString(QDate(2026, 12, 2), QLocale.FormatType.LongFormat))
print(repr(out))
"""


def check(library: Path) -> None:
    """The ICU-backed Qt calls give the same answers with ``library`` as with PySide6's own
    ICU data; raises RuntimeError naming the first difference otherwise."""
    import os

    def run(preload: str | None) -> str:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        if preload:
            env["LD_PRELOAD"] = preload
        return subprocess.run([sys.executable, "-c", PROBE % (ENCODINGS,)], env=env, check=True,
                              capture_output=True, text=True, encoding="utf-8").stdout

    full, small = run(None), run(str(library))
    if full != small:
        raise RuntimeError(f"ICU-backed Qt calls differ with {library}:\n{full}\n{small}")
