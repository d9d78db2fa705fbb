"""语音叫号 without Qt: the text read out for a call, which calls are new, the settings."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.db import Database
from desktop.services.admin.settings import (
    SPEECH_KEYS,
    CentreSettings,
    load_settings,
    save_settings,
)
from desktop.services.errors import ValidationError
from desktop.services.reception import queue, speech
from desktop.services.reception.speech import Call, CallTracker, call_text, spoken_ticket
from tests.reception_helpers import register

DIGIT_OF = {ch: str(n) for n, ch in enumerate(speech.DIGITS)}


@pytest.mark.parametrize(("ticket", "spoken"), [
    ("调-007", "调零零七"),
    ("调-120", "调一二零"),
    ("A-012", "A零一二"),
    ("综-1000", "综一零零零"),
    ("ＶＩＰ－０３", "ＶＩＰ零三"),  # full-width letters as written, full-width digits read
    (" 警 - 9 ", "警九"),
])
def test_ticket_numbers_are_read_digit_by_digit(ticket: str, spoken: str) -> None:
    assert spoken_ticket(ticket) == spoken


def test_the_call_names_the_ticket_and_the_room_only() -> None:
    assert call_text("调-007", "矛盾纠纷调解室") == "请 调零零七号 到 矛盾纠纷调解室"
    assert call_text("A-012", " 综合受理窗口\n") == "请 A零一二号 到 综合受理窗口"


prefixes = st.text(alphabet=st.sampled_from("调心警爱社综" + string.ascii_uppercase),
                   min_size=1, max_size=4)


@given(prefix=prefixes, seq=st.integers(min_value=0, max_value=99_999))
def test_any_ticket_reads_back_to_its_digits(prefix: str, seq: int) -> None:
    ticket = f"{prefix}-{seq:03d}"
    spoken = spoken_ticket(ticket)
    assert spoken.startswith(prefix)
    digits = spoken[len(prefix):]
    assert "".join(DIGIT_OF[ch] for ch in digits) == f"{seq:03d}"
    assert not any(ch.isdigit() for ch in spoken)


@given(st.text(max_size=30))
def test_whatever_the_ticket_only_letters_and_chinese_digits_are_said(ticket: str) -> None:
    spoken = spoken_ticket(ticket)
    assert all(ch.isalpha() for ch in spoken)
    assert sum(ch in speech.DIGITS for ch in spoken) >= sum(ch.isdecimal() for ch in ticket)


AT = datetime(2026, 12, 2, 10, 30)


def _call(event_id: int, minutes: float = 0, ticket: str = "调-001") -> Call:
    return Call(event_id, AT + timedelta(minutes=minutes), "call", ticket, "矛盾纠纷调解室",
                "一楼东侧")


def test_the_tracker_announces_each_call_event_once() -> None:
    tracker = CallTracker()
    before = [_call(1, -5), _call(2, -1)]
    assert tracker.fresh(before, now=AT) == []  # made before the display opened
    first = [*before, _call(3), _call(4)]
    assert tracker.fresh(first, now=AT) == [_call(3), _call(4)]
    assert tracker.fresh(first, now=AT) == []  # the board still shows them: not again
    # A recall is a new event of the same ticket: said again.
    recall = replace(_call(5, 1), action="recall")
    assert tracker.fresh([*first, recall], now=AT) == [recall]


def test_a_call_that_commits_late_with_a_lower_id_is_still_announced() -> None:
    tracker = CallTracker()
    tracker.fresh([_call(1)], now=AT)
    assert tracker.fresh([_call(1), _call(3)], now=AT) == [_call(3)]
    # Desk two's transaction took id 2 but committed after desk three's.
    assert tracker.fresh([_call(1), _call(2), _call(3)], now=AT) == [_call(2)]


def test_calls_older_than_the_stale_limit_are_not_announced() -> None:
    tracker = CallTracker()
    tracker.fresh([], now=AT)
    old = _call(1, -speech.STALE.total_seconds() / 60 - 1)
    recent = _call(2, -1)
    assert tracker.fresh([old, recent], now=AT) == [recent]


def test_recent_calls_reads_calls_and_recalls_in_order(database: Database) -> None:
    one, two = register(database, 1), register(database, 2, room="心理咨询室")
    queue.call(database, one.referral_id, now=AT)
    queue.call(database, two.referral_id, now=AT)
    queue.recall(database, one.referral_id, now=AT + timedelta(seconds=30))
    queue.start(database, two.referral_id, now=AT + timedelta(seconds=40))  # not a call
    with database.read() as session:
        calls = speech.recent_calls(session)
    assert [(c.action, c.ticket_no, c.room_name) for c in calls] == [
        ("call", one.ticket_no, "矛盾纠纷调解室"), ("call", two.ticket_no, "心理咨询室"),
        ("recall", one.ticket_no, "矛盾纠纷调解室")]
    assert calls[0].location == "一楼东侧"
    assert calls[0].text == f"请 {spoken_ticket(one.ticket_no)}号 到 矛盾纠纷调解室"
    with database.read() as session:
        assert [c.event_id for c in speech.recent_calls(session, limit=1)] == [calls[-1].event_id]


def test_settings_read_with_defaults_for_what_is_not_valid() -> None:
    settings = speech.speech_settings(CentreSettings())
    assert settings == speech.SpeechSettings(True, 2, 80, 0, "")
    odd = CentreSettings(speech_enabled="0", speech_repetitions="9", speech_volume="-1",
                         speech_rate="-7", speech_voice=" Huihui ")
    assert speech.speech_settings(odd) == speech.SpeechSettings(False, 2, 80, -7, "Huihui")
    assert (settings.volume_level, replace(settings, rate=-5).rate_level) == (0.8, -0.5)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("speech_repetitions", "0", "每个号的播报次数应为 1 到 5 次"),
    ("speech_repetitions", "6", "每个号的播报次数应为 1 到 5 次"),
    ("speech_repetitions", "２", "每个号的播报次数应为 1 到 5 次"),
    ("speech_volume", "101", "音量应在 0 到 100 之间"),
    ("speech_volume", "", "音量应在 0 到 100 之间"),
    ("speech_rate", "-11", "语速应在 -10 到 10 之间"),
    ("speech_rate", "1.5", "语速应在 -10 到 10 之间"),
    ("speech_enabled", "2", "语音叫号只能是开启或关闭"),
])
def test_speech_settings_out_of_range_are_refused(
    database: Database, key: str, value: str, message: str
) -> None:
    with database.read() as session:
        before = load_settings(session)
    with pytest.raises(ValidationError) as refused, database.write() as session:
        save_settings(session, replace(before, **{key: value}), SPEECH_KEYS)
    assert refused.value.errors == {key: message}
    with database.read() as session:
        assert load_settings(session) == before


def test_speech_settings_are_saved_on_their_own(database: Database) -> None:
    with database.read() as session:
        before = load_settings(session)
    changed = replace(before, speech_repetitions="3", speech_volume="100", speech_rate="-10",
                      speech_enabled="0", speech_voice="Huihui", centre_name="别的名字")
    with database.write() as session:
        save_settings(session, changed, SPEECH_KEYS)
    with database.read() as session:
        after = load_settings(session)
    assert after == replace(changed, centre_name=before.centre_name)


@pytest.mark.parametrize(("text", "value"), [
    ("50", 50), (" +7 ", 7), ("-0", 0), ("0", 0), ("100", 100), ("101", None), ("-1", None),
    ("X5", None), ("5X", None), ("", None), ("+", None), ("５", None), ("1e2", None),
])
def test_a_setting_s_number_is_a_whole_number_within_its_bounds(text: str, value: int | None
                                                                 ) -> None:
    """Anything else (a letter, a full-width digit, nothing) is no number: the setting's
    default is used and the settings page says why, never a crash."""
    assert speech.whole_number(text, 0, 100) == value
