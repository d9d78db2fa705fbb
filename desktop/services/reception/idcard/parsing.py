"""The two ways readers hand over the card's text.

- The generic ``sdtapi.dll`` (``SDT_ReadBaseMsg``) and the ``wz.txt`` file that
  神思's ``Read_Content`` writes give the chip's own 256-byte block: UCS-2
  (UTF-16LE) text in fixed-width fields, padded with spaces. Widths in bytes,
  as published with the readers' SDKs: 姓名 30, 性别 2 (a code), 民族 4 (a
  code), 出生 16, 住址 70, 公民身份号码 36, 签发机关 30, 有效期起 16, 有效期止
  16 (``长期`` for a card without end), then reserved bytes.
- 华视's ``GetPeople…`` functions and 神思's ``Get…`` functions give one field
  at a time, as GB2312 text (decoded as GBK, its superset), NUL-terminated.
"""

from __future__ import annotations

from desktop.services.reception.idcard.card import CardData, card_from_texts

# (field, width in bytes) in the order of the block.
UCS2_FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 30), ("gender", 2), ("nation", 4), ("birth", 16), ("address", 70),
    ("id_number", 36), ("authority", 30), ("start", 16), ("end", 16),
)
UCS2_TEXT_BYTES = sum(width for _field, width in UCS2_FIELDS)  # 220 of the 256
UCS2_BLOCK_BYTES = 256


class CardFormatError(ValueError):
    """The reader's text block is not a 居民身份证's (too short, or not UCS-2)."""


def split_ucs2_block(block: bytes) -> dict[str, str]:
    """The text fields of the block, still padded."""
    if len(block) < UCS2_TEXT_BYTES:
        raise CardFormatError(f"text block of {len(block)} bytes, {UCS2_TEXT_BYTES} expected")
    values: dict[str, str] = {}
    at = 0
    for field, width in UCS2_FIELDS:
        try:
            values[field] = block[at:at + width].decode("utf-16-le")
        except UnicodeDecodeError as exc:
            raise CardFormatError(f"field {field} is not UCS-2") from exc
        at += width
    return values


def parse_ucs2_block(block: bytes, *, photo: bytes | None = None) -> CardData:
    """A card from the 256-byte UCS-2 block (``SDT_ReadBaseMsg``, ``wz.txt``)."""
    return card_from_texts(**split_ucs2_block(block), photo=photo)


def make_ucs2_block(values: dict[str, str]) -> bytes:
    """The block a reader would return for ``values`` (each field padded with spaces).

    The inverse of :func:`split_ucs2_block`: the simulated reader and the tests build
    the bytes a real chip gives.
    """
    parts = []
    for field, width in UCS2_FIELDS:
        raw = values.get(field, "").encode("utf-16-le")
        if len(raw) > width:
            raise CardFormatError(f"{field} does not fit its {width} bytes")
        parts.append(raw + " ".encode("utf-16-le") * ((width - len(raw)) // 2))
    block = b"".join(parts)
    return block + b" \x00" * ((UCS2_BLOCK_BYTES - len(block)) // 2)


def decode_gbk(raw: bytes) -> str:
    """One field as the GB2312 functions give it: up to the first NUL, padding removed.

    A byte that is not GBK (a damaged read) becomes U+FFFD rather than an exception;
    the form shows it and the receptionist corrects it.
    """
    end = raw.find(b"\x00")
    if end >= 0:
        raw = raw[:end]
    return raw.decode("gbk", errors="replace").strip(" \u3000")
