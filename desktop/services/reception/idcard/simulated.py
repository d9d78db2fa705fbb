"""A reader without hardware: invented cards laid on it on demand.

For the tests, for demonstrations and for desks without a reader (``--id-reader
demo``, or ``"id_reader": "demo"`` in config.json). A card laid on it is handed
over as the chip's UCS-2 block and read back through the same parser the
``sdtapi.dll`` reader uses, so the demonstration runs the real parsing.
"""

from __future__ import annotations

import struct
import threading
from datetime import date, timedelta

from desktop.services.reception.idcard.card import LONG_TERM, NATIONS, CardData
from desktop.services.reception.idcard.parsing import make_ucs2_block, parse_ucs2_block
from desktop.services.reception.idcard.reader import ReaderUnavailable

SIMULATED_LABEL = "模拟阅读器（演示）"

# Invented people: names, districts (code and printed name) and streets are made up.
_NAMES = [("张建华", "男"), ("李秀梅", "女"), ("王志刚", "男"), ("刘桂英", "女"), ("陈晓东", "男"),
          ("杨丽娟", "女"), ("赵国庆", "男"), ("黄淑芬", "女"), ("周海涛", "男"), ("吴玉兰", "女")]
_PLACES = [("110105", "北京市朝阳区", "北京市公安局朝阳分局"),
           ("110108", "北京市海淀区", "北京市公安局海淀分局"),
           ("320106", "南京市鼓楼区", "南京市公安局鼓楼分局"),
           ("440305", "深圳市南山区", "深圳市公安局南山分局")]
_STREETS = ["东林路", "青檀街", "望湖路", "柳荫巷", "南苑大街"]
_NATION_CODES = {name: code for code, name in NATIONS.items()}
_NATIONS_USED = ["汉", "汉", "汉", "回", "汉", "满", "汉", "蒙古", "汉", "壮"]


def invented_card(n: int, *, today: date | None = None, expired: bool = False,
                  photo: bool = True) -> CardData:
    """The ``n``-th invented card (the same ``n`` gives the same person).

    Valid today unless ``expired`` (then its validity ended a month ago). The 身份证号
    has a valid GB 11643 check digit (from the project's own test-data helper).
    """
    from desktop.services.validation import make_id_number  # not needed by the 32-bit helper

    today = today or date.today()
    name, gender = _NAMES[n % len(_NAMES)]
    region, place, authority = _PLACES[n % len(_PLACES)]
    age = 22 + (n * 7) % 50
    birth = date(today.year - age, 1 + n % 12, 1 + (n * 3) % 28)
    sequence = (n * 2 + (1 if gender == "男" else 0)) % 1000  # odd for men, as GB 11643 says
    number = make_id_number(region, birth, sequence)
    end: date | None
    if expired:
        end = today - timedelta(days=30)
        start = _years_later(end, -10)
    else:
        start = today - timedelta(days=200 + (n * 113) % 3000)
        years = 10 if age < 26 else 20 if age < 46 else 0
        end = _years_later(start, years) if years else None
    values = {
        "name": name, "gender": "1" if gender == "男" else "2",
        "nation": _NATION_CODES[_NATIONS_USED[n % len(_NATIONS_USED)]],
        "birth": f"{birth:%Y%m%d}",
        "address": f"{place}{_STREETS[n % len(_STREETS)]}{10 + n % 90}号院{1 + n % 9}号楼"
                   f"{1 + n % 3}单元{101 + (n % 6) * 100}",
        "id_number": number, "authority": authority, "start": f"{start:%Y%m%d}",
        "end": f"{end:%Y%m%d}" if end else LONG_TERM,
    }
    return parse_ucs2_block(make_ucs2_block(values),
                            photo=placeholder_photo(n) if photo else None)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def placeholder_photo(n: int) -> bytes:
    """A 102×126 24-bit BMP (the card photo's size): a grey silhouette, no one's face."""
    width, height = 102, 126
    shade = 90 + (n * 37) % 80
    row_bytes = (width * 3 + 3) & ~3
    rows = []
    for y in range(height - 1, -1, -1):  # BMP rows run bottom-up
        row = bytearray()
        for x in range(width):
            head = (x - 51) ** 2 + (y - 50) ** 2 <= 24 ** 2
            shoulders = y > 84 and ((x - 51) / 48) ** 2 + ((y - 132) / 46) ** 2 <= 1
            grey = shade if head or shoulders else 250
            row += bytes((grey, grey, min(grey + 5, 255)))  # blue, green, red
        rows.append(bytes(row) + b"\x00" * (row_bytes - len(row)))
    pixels = b"".join(rows)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835,
                       0, 0)
    header = struct.pack("<2sIHHI", b"BM", 14 + len(info) + len(pixels), 0, 0, 14 + len(info))
    return header + info + pixels


class SimulatedReader:
    """A reader that holds whatever card is laid on it; it can be unplugged too."""

    label = SIMULATED_LABEL

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._card: CardData | None = None
        self._plugged = True
        self._laid = 0
        self.reads = 0

    def present(self, card: CardData | None = None) -> CardData:
        """Lay ``card`` on the reader (the next invented one when none is given)."""
        with self._lock:
            self._laid += 1
            self._card = card or invented_card(self._laid)
            return self._card

    def remove(self) -> None:
        """Take the card off the reader."""
        with self._lock:
            self._card = None

    def unplug(self) -> None:
        with self._lock:
            self._plugged = False

    def plug_in(self) -> None:
        with self._lock:
            self._plugged = True

    def read(self) -> CardData | None:
        with self._lock:
            self.reads += 1
            if not self._plugged:
                raise ReaderUnavailable("身份证阅读器未连接（模拟阅读器已拔下）")
            return self._card

    def close(self) -> None:
        pass
