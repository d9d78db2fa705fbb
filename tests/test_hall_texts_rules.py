"""The hall display's notices and voice (``reception/notices``, ``reception/speech``): what
a notice entry carries, the two lists' orders with their tie-breaks, the speech settings
taken as set, and a call announced up to the last second before it goes stale."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop.db import Database
from desktop.services.admin.settings import CentreSettings
from desktop.services.reception import notices, queue, speech
from desktop.services.reception.notices import NoticeInput
from tests.reception_helpers import register

DAY = date(2026, 12, 2)


def _save(database: Database, title: str, shown_from: date,
          shown_until: date | None = None) -> int:
    with database.write() as session:
        return notices.save_notice(session, None, NoticeInput(
            title, f"{title}的内容", shown_from, shown_until))


def test_a_notice_entry_carries_what_was_saved(database: Database) -> None:
    notice_id = _save(database, "调解不收费", DAY, date(2026, 12, 31))
    with database.read() as session:
        (entry,) = notices.all_notices(session)
        assert notices.current_notices(session, DAY) == [entry]
    assert (entry.id, entry.title, entry.body, entry.shown_from, entry.shown_until) == (
        notice_id, "调解不收费", "调解不收费的内容", DAY, date(2026, 12, 31))
    assert entry.period_text == "2026-12-02 至 2026-12-31"


def test_the_editor_lists_the_latest_start_first_and_the_newest_of_a_day_first(
        database: Database) -> None:
    older = _save(database, "一", DAY)
    newer = _save(database, "二", DAY)
    earlier = _save(database, "三", DAY - timedelta(days=1))
    later = _save(database, "四", DAY + timedelta(days=1))
    with database.read() as session:
        assert [n.id for n in notices.all_notices(session)] == [later, newer, older, earlier]


def test_the_display_rotates_the_earliest_start_first_then_by_when_saved(
        database: Database) -> None:
    first = _save(database, "一", DAY)
    second = _save(database, "二", DAY)
    earlier = _save(database, "三", DAY - timedelta(days=3), DAY)
    _save(database, "四", DAY + timedelta(days=1))
    _save(database, "五", DAY - timedelta(days=5), DAY - timedelta(days=1))
    with database.read() as session:
        assert [n.id for n in notices.current_notices(session, DAY)] == [earlier, first, second]


def test_the_speech_settings_are_taken_as_set() -> None:
    settings = CentreSettings(speech_enabled="1", speech_repetitions="3", speech_volume="55",
                              speech_rate="4", speech_voice=" Huihui ")
    assert speech.speech_settings(settings) == speech.SpeechSettings(True, 3, 55, 4, "Huihui")
    edges = CentreSettings(speech_repetitions="5", speech_volume="0", speech_rate="-10")
    assert speech.speech_settings(edges) == speech.SpeechSettings(True, 5, 0, -10, "")


def test_a_call_is_announced_up_to_ten_minutes_after_it_was_made() -> None:
    now = datetime(2026, 12, 2, 10, 0)
    tracker = speech.CallTracker()
    assert tracker.fresh([], now=now) == []
    calls = [speech.Call(i, now - age, "call", f"调-00{i}", "矛盾纠纷调解室", "")
             for i, age in ((1, timedelta(minutes=10, seconds=1)), (2, timedelta(minutes=10)),
                            (3, timedelta(0)))]
    assert tracker.fresh(calls, now=now) == calls[1:]
    assert tracker.fresh(calls, now=now) == []  # each call once


def test_a_notice_is_shown_from_its_first_to_its_last_day() -> None:
    entry = notices.NoticeEntry(1, "调解不收费", "人民调解不收费。", DAY, DAY + timedelta(days=2))
    assert [entry.shown_on(DAY + timedelta(days=d)) for d in (-1, 0, 2, 3)] == [
        False, True, True, False]
    open_ended = notices.NoticeEntry(2, "依法反映诉求", "请先登记取号。", DAY, None)
    assert open_ended.shown_on(date(2099, 1, 1)) and not open_ended.shown_on(DAY - timedelta(1))
    assert open_ended.period_text == "2026-12-02 至 长期"


def test_recent_calls_are_in_the_order_they_were_made_with_their_times(
        database: Database) -> None:
    at = datetime(2026, 12, 2, 10, 40)
    one, two = register(database, 1), register(database, 2, room="心理咨询室")
    queue.call(database, one.referral_id, now=at)
    # Desk two's call was made a minute earlier and saved later.
    queue.call(database, two.referral_id, now=at - timedelta(minutes=1))
    with database.read() as session:
        calls = speech.recent_calls(session)
    assert [(c.ticket_no, c.at) for c in calls] == [
        (two.ticket_no, at - timedelta(minutes=1)), (one.ticket_no, at)]
    assert [(c.room_name, c.location) for c in calls] == [
        ("心理咨询室", "二楼"), ("矛盾纠纷调解室", "一楼东侧")]
