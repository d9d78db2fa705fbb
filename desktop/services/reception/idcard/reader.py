"""The reader as the program sees it, whatever the vendor: ``read()`` a card or nothing."""

from __future__ import annotations

from typing import Protocol

from desktop.services.reception.idcard.card import CardData

# Where a USB reader answers: the SDKs number USB ports 1001-1016 (serial ports are 1-16).
USB_PORTS = range(1001, 1017)


class ReaderUnavailable(Exception):
    """No reader answers (unplugged, no driver, or the driver cannot be loaded).

    The message is Chinese, for the desk; the next ``read()`` tries again, so a
    reader plugged back in is found without restarting the program.
    """


class CardReader(Protocol):
    """A 居民身份证 reader."""

    label: str  # what the desk is told: 华视 termb.dll, 模拟阅读器, ...

    def read(self) -> CardData | None:
        """The card lying on the reader, or ``None`` when there is none.

        Opens the reader when it is not open yet; raises :class:`ReaderUnavailable`
        when it cannot. Blocks for as long as the vendor's SDK takes (up to about a
        second for a read with the photo): call it off the GUI thread.
        """
        ...

    def close(self) -> None:
        """Release the port (the next ``read()`` opens it again)."""
        ...


class UnavailableReader:
    """A reader that could not be set up (no driver, a DLL of the wrong kind): every read
    says why, so the desk is told once instead of seeing no reader at all."""

    label = "身份证阅读器"

    def __init__(self, message: str) -> None:
        self.message = message

    def read(self) -> CardData | None:
        raise ReaderUnavailable(self.message)

    def close(self) -> None:
        pass
