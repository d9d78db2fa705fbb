"""What a 第二代居民身份证 says, as every reader hands it over.

Only the standard library is imported here (and in the rest of this package), so
the 32-bit reader helper (see :mod:`desktop.services.reception.idcard.helper`) runs on a
bare 32-bit Python beside a vendor's 32-bit DLL.
"""

from __future__ import annotations

import base64
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

# GB/T 3304 民族 codes as the card's chip stores them (two digits), with the names
# the card prints (without 族).
_NATION_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
)
NATIONS: dict[str, str] = {
    f"{n:02d}": name for n, name in enumerate(_NATION_NAMES.split(" "), 1)
}
NATIONS.update({"97": "其他", "98": "外国血统中国籍人士"})
# GB/T 2261.1 sex codes: 1 男, 2 女 (0 未知 and 9 未说明 leave the form's choice empty).
GENDERS = {"1": "男", "2": "女"}
LONG_TERM = "长期"
_PADDING = " \x00\u3000"


def clean(text: str) -> str:
    """A field of the card without its padding (spaces, NULs, full-width spaces)."""
    return text.strip(_PADDING)


def card_date(text: str) -> date | None:
    """``20260315``, ``2026.03.15`` or ``2026-03-15`` as a date; ``None`` when it is none."""
    digits = re.sub(r"\D", "", text)
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def nation_name(value: str) -> str:
    """The 民族 as the card prints it, from its code (``01``) or a name (``汉族``)."""
    value = clean(value)
    if value.isdigit():
        return NATIONS.get(value.zfill(2), value)
    return value[:-1] if len(value) > 1 and value.endswith("族") else value


def gender_name(value: str) -> str:
    """``男`` / ``女`` from the sex code (``1`` / ``2``) or the text; ``""`` otherwise."""
    value = clean(value)
    if value in GENDERS:
        return GENDERS[value]
    return value if value in ("男", "女") else ""


@dataclass(frozen=True)
class CardData:
    """One card as read: the text fields, the validity and (if the reader gives it) the photo."""

    name: str
    gender: str  # 男 / 女, or "" when the card says neither
    nation: str  # 民族 as printed: 汉, 蒙古, ...
    birth_date: date | None
    address: str
    id_number: str
    authority: str = ""  # 签发机关
    valid_from: date | None = None
    valid_to: date | None = None  # None for a card valid 长期 (long_term) or unreadable
    long_term: bool = False
    photo: bytes | None = None  # a BMP (or JPEG) the reader decoded, when it did

    def expired(self, today: date) -> bool:
        """The card's validity ended before ``today`` (a 长期 card never expires)."""
        return not self.long_term and self.valid_to is not None and self.valid_to < today

    def validity_text(self) -> str:
        """有效期限 as the card prints it: ``2016.05.01-2036.05.01`` or ``…-长期``."""
        start = f"{self.valid_from:%Y.%m.%d}" if self.valid_from else "—"
        end = LONG_TERM if self.long_term else (
            f"{self.valid_to:%Y.%m.%d}" if self.valid_to else "—")
        return f"{start}-{end}"

    def without_photo(self) -> CardData:
        return replace(self, photo=None)

    # -- the helper process's wire format (JSON) ---------------------------------------------

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("birth_date", "valid_from", "valid_to"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        data["photo"] = base64.b64encode(self.photo).decode("ascii") if self.photo else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardData:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("birth_date", "valid_from", "valid_to"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        photo = values.get("photo")
        values["photo"] = base64.b64decode(photo) if photo else None
        return cls(**values)


def card_from_texts(*, name: str, gender: str, nation: str, birth: str, address: str,
                    id_number: str, authority: str, start: str, end: str,
                    photo: bytes | None = None) -> CardData:
    """A card from the text fields as a reader returns them (codes or names, padded)."""
    end = clean(end)
    return CardData(
        name=clean(name), gender=gender_name(gender), nation=nation_name(nation),
        birth_date=card_date(birth), address=clean(address),
        id_number=clean(id_number).upper(), authority=clean(authority),
        valid_from=card_date(start), valid_to=card_date(end),
        long_term=LONG_TERM in end, photo=photo,
    )
