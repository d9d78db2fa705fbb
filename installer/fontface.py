"""One face of a TrueType collection, for the bundle.

resources/fonts/ar-pl-uming.ttc holds four faces of AR PL UMing (CN, TW, HK and TW MBE)
that share one set of outlines; the program uses the first, AR PL UMing CN
(``TTFont(..., subfontIndex=0)`` in desktop/printing/fonts.py), and only for ReportLab,
which embeds outlines (glyf) and never reads a font's embedded bitmaps (EBDT, EBLC).
:func:`one_face` writes a collection holding that face alone, every other table of it
copied byte for byte: the same glyphs, the same character map, the same metrics and
names, so the documents are printed with the same glyphs. No glyph is subset away.
"""

from __future__ import annotations

import struct
from pathlib import Path

# Embedded bitmap strikes: only a screen rasteriser reads them, at small sizes.
BITMAP_TABLES = (b"EBDT", b"EBLC", b"EBSC")


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def one_face(source: Path, target: Path, *, face: int = 0,
             leave_out: tuple[bytes, ...] = BITMAP_TABLES) -> Path:
    """Write to ``target`` a one-face TrueType collection of ``source``'s face ``face``
    without the tables ``leave_out``; returns ``target``."""
    data = source.read_bytes()
    if data[:4] != b"ttcf":
        raise ValueError(f"{source} is not a TrueType collection")
    (count,) = struct.unpack_from(">I", data, 8)
    if not 0 <= face < count:
        raise ValueError(f"{source} has {count} faces, not {face + 1}")
    (start,) = struct.unpack_from(">I", data, 12 + 4 * face)
    version, tables = struct.unpack_from(">IH", data, start)
    records = [struct.unpack_from(">4sIII", data, start + 12 + 16 * i) for i in range(tables)]
    kept = [record for record in records if record[0] not in leave_out]

    font_at = 16  # after the collection header: tag, version 1.0, one face, its offset
    power = 1 << (len(kept).bit_length() - 1)
    directory = struct.pack(">IHHHH", version, len(kept), 16 * power,
                            power.bit_length() - 1, 16 * len(kept) - 16 * power)
    at = font_at + len(directory) + 16 * len(kept)
    entries, bodies = [], []
    for tag, checksum, offset, length in kept:
        body = bytearray(data[offset:offset + length])
        if tag == b"head":
            body[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        entries.append(struct.pack(">4sIII", tag, checksum, at, length))
        bodies.append(body)
        at += length + (-length % 4)
    font = directory + b"".join(entries) + b"".join(
        bytes(body) + b"\0" * (-len(body) % 4) for body in bodies)
    head = next((i for i, record in enumerate(kept) if record[0] == b"head"), None)
    if head is not None:
        # As for a lone font file: the whole font sums to 0xB1B0AFBA.
        adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
        (offset,) = struct.unpack_from(">I", entries[head], 8)
        at = offset - font_at + 8
        font = font[:at] + struct.pack(">I", adjustment) + font[at + 4:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"ttcf" + struct.pack(">III", 0x00010000, 1, font_at) + font)
    return target
