"""语音叫号: what the hall says for a call, which calls it has said, and how it says them.

Nothing here speaks (no Qt): the hall display's speaker
(:mod:`desktop.views.reception.hall_speech`) reads :func:`recent_calls` on every refresh, keeps
a :class:`CallTracker` of the calls it has announced, and says :func:`call_text` for
each new one.

Calls are read from the queue's own record of them (``referral_event`` rows of the
actions ``call`` and ``recall``), so a call made on any desk is spoken once by the PC
driving the display, and a recall is spoken again, even when several desks call in
the same second. The tracker remembers calls by event id, not by what the board shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Referral, ReferralEvent, Room
from desktop.services.validation import clean_text

if TYPE_CHECKING:
    from desktop.services.admin.settings import CentreSettings

DIGITS = "零一二三四五六七八九"
CALL_ACTIONS = ("call", "recall")
# The newest calls read at each refresh: far more than desks can make between two.
RECENT_CALLS = 200
# A call seen this much later than it was made (the display was cut off from the
# database for a while) is not announced any more: the resident has been called.
STALE = timedelta(minutes=10)

# The settings of 系统设置 → 语音叫号 (stored as text in ``centre_setting``).
REPETITIONS = (1, 5)
VOLUME = (0, 100)
RATE = (-10, 10)
DEFAULTS = {"speech_enabled": "1", "speech_repetitions": "2", "speech_volume": "80",
            "speech_rate": "0", "speech_voice": ""}


def spoken_ticket(ticket_no: str) -> str:
    """A ticket number as it is read out: digits one by one in Chinese, letters as written.

    ``调-007`` → ``调零零七``, ``A-012`` → ``A零一二``; dashes, spaces and other marks
    are not read.
    """
    out = []
    for ch in ticket_no:
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            out.append(DIGITS[digit])
        elif ch.isalpha():
            out.append(ch)
    return "".join(out)


def call_text(ticket_no: str, room_name: str) -> str:
    """What the hall hears for a call: ``请 调零零七号 到 矛盾纠纷调解室``. Never a name."""
    return f"请 {spoken_ticket(ticket_no)}号 到 {clean_text(room_name)}"


@dataclass(frozen=True)
class Call:
    """A call or recall of a ticket, as the queue recorded it."""

    event_id: int
    at: datetime
    action: str
    ticket_no: str
    room_name: str
    location: str

    @property
    def text(self) -> str:
        return call_text(self.ticket_no, self.room_name)


def recent_calls(session: Session, *, limit: int = RECENT_CALLS) -> list[Call]:
    """The newest ``limit`` calls and recalls of every room, oldest first (by time, then id)."""
    rows = session.execute(
        select(ReferralEvent.id, ReferralEvent.at, ReferralEvent.action, Referral.ticket_no,
               Room.name, Room.location)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Room, Room.id == Referral.room_id)
        .where(ReferralEvent.action.in_(CALL_ACTIONS))
        .order_by(ReferralEvent.id.desc())
        .limit(limit)
    ).all()
    calls = [Call(i, at, action, ticket, room, location or "")
             for i, at, action, ticket, room, location in rows]
    return sorted(calls, key=lambda c: (c.at, c.event_id))


class CallTracker:
    """Which calls were announced: each call event once, whatever the board shows now.

    The first look only takes note of the calls made before the display started. After
    that, every call event not seen before is new, however many desks made calls since
    the last look and in whatever order their transactions committed (a lower id that
    commits late is still among the newest :data:`RECENT_CALLS`). Remembering only the
    ids of the last look is enough: the newest calls only ever move forward.
    """

    def __init__(self) -> None:
        self._seen: set[int] | None = None

    @property
    def started(self) -> bool:
        return self._seen is not None

    def fresh(self, calls: Iterable[Call], *, now: datetime) -> list[Call]:
        """The calls of ``calls`` not seen before and not stale, in the order given."""
        calls = list(calls)
        seen, self._seen = self._seen, {c.event_id for c in calls}
        if seen is None:
            return []
        return [c for c in calls if c.event_id not in seen and c.at >= now - STALE]


@dataclass(frozen=True)
class SpeechSettings:
    """How the hall speaks: on or off, how often each call, how loud, how fast, which voice."""

    enabled: bool = True
    repetitions: int = 2
    volume: int = 80  # 0 … 100
    rate: int = 0  # -10 (slow) … 10 (fast)
    voice: str = ""  # "" : a Chinese voice of the PC, else its default

    @property
    def volume_level(self) -> float:
        """The volume as Qt's engines take it (0.0 … 1.0)."""
        return self.volume / 100

    @property
    def rate_level(self) -> float:
        """The rate as Qt's engines take it (-1.0 … 1.0)."""
        return self.rate / 10


def whole_number(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number within ``low`` … ``high``; None when it is not one."""
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def speech_settings(settings: CentreSettings) -> SpeechSettings:
    """The speech settings of the centre; a value that is not valid counts as its default."""
    def number(key: str, bounds: tuple[int, int]) -> int:
        value = whole_number(str(getattr(settings, key)), *bounds)
        return value if value is not None else int(DEFAULTS[key])

    return SpeechSettings(
        enabled=settings.speech_enabled.strip() != "0",
        repetitions=number("speech_repetitions", REPETITIONS),
        volume=number("speech_volume", VOLUME),
        rate=number("speech_rate", RATE),
        voice=settings.speech_voice.strip(),
    )


def settings_errors(settings: CentreSettings) -> dict[str, str]:
    """Why the speech settings cannot be saved, in Chinese, per field."""
    errors: dict[str, str] = {}
    if settings.speech_enabled not in ("0", "1"):
        errors["speech_enabled"] = "语音叫号只能是开启或关闭"
    for key, bounds, message in (
        ("speech_repetitions", REPETITIONS, "每个号的播报次数应为 {0} 到 {1} 次"),
        ("speech_volume", VOLUME, "音量应在 {0} 到 {1} 之间"),
        ("speech_rate", RATE, "语速应在 {0} 到 {1} 之间"),
    ):
        if whole_number(str(getattr(settings, key)), *bounds) is None:
            errors[key] = message.format(*bounds)
    return errors
