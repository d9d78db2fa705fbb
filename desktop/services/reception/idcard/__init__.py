"""The 第二代居民身份证 reader: card data, the vendors' drivers, the simulated reader.

- :mod:`.card`: :class:`CardData`, what a card says.
- :mod:`.parsing`: the chip's UCS-2 block and the GB2312 fields.
- :mod:`.drivers`: 华视 termb.dll, 神思 TERMB.DLL, sdtapi.dll (ctypes, Windows only).
- :mod:`.pe` and :mod:`.locate`: which DLL is installed, told by its exports.
- :mod:`.helper`: the reader in a 32-bit helper process, over JSON lines.
- :mod:`.simulated`: invented cards, for tests, demonstrations and PCs without a reader.

No Qt here: the window polls a :class:`CardReader` off its GUI thread.
"""

from desktop.services.reception.idcard.card import CardData
from desktop.services.reception.idcard.reader import (
    CardReader,
    ReaderUnavailable,
    UnavailableReader,
)

__all__ = ["CardData", "CardReader", "ReaderUnavailable", "UnavailableReader"]
