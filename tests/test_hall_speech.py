"""语音叫号 through the real hall display: what is said, how often, in what order, never two
at once; and a display without a voice that keeps working and says why once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin.settings import SPEECH_KEYS, load_settings, save_settings
from desktop.services.reception import queue, speech
from desktop.services.reception.registration import Registration
from desktop.services.reception.speech import SpeechSettings, spoken_ticket
from desktop.views.reception.hall_display import HallDisplay
from desktop.views.reception.hall_speech import HallSpeaker, QtSpeechEngine, SpeechEngine
from tests.conftest import as_test_admin, signed_in_like
from tests.reception_helpers import register, room_ids
from tests.speech_helpers import RecordingEngine

ROOM = "矛盾纠纷调解室"


@pytest.fixture
def hall_pc(database: Database) -> Iterator[Database]:
    """The PC driving the hall's TV: its own connections to the centre's database."""
    url = database.engine.url.render_as_string(hide_password=False)
    other = signed_in_like(Database.open(url, migrate=False, desk="大厅电视"), database)
    yield other
    other.dispose()


def _display(qtbot: QtBot, database: Database, engine: SpeechEngine, **speaker: int
             ) -> HallDisplay:
    hall = HallDisplay(database=database, refresh_ms=100,
                       speaker=HallSpeaker(engine=engine, gap_ms=speaker.pop("gap_ms", 5),
                                           **speaker))
    qtbot.addWidget(hall)
    hall.show()
    return hall


def _set_speech(database: Database, **values: str) -> None:
    with database.read() as session:
        current = load_settings(session)
    with database.write() as session:
        save_settings(session, replace(current, **values), SPEECH_KEYS)


def _said_calls(database: Database) -> list[str]:
    """The texts of the calls the queue recorded, in the order they were made."""
    with database.read() as session:
        return [call.text for call in speech.recent_calls(session)]


def _in_sequence(engine: RecordingEngine) -> bool:
    return all(end <= start for (_, end), (start, _) in zip(engine.spans, engine.spans[1:],
                                                              strict=False))


def test_three_desks_calling_at_once_are_each_said_twice_in_order(
    qtbot: QtBot, database: Database, hall_pc: Database
) -> None:
    visits = [register(database, n) for n in (1, 2, 3)]
    engine = RecordingEngine(duration_ms=40)
    hall = _display(qtbot, hall_pc, engine)
    url = database.engine.url.render_as_string(hide_password=False)
    room = room_ids(database)[ROOM]
    barrier = threading.Barrier(3)
    called: list[str] = []
    errors: list[BaseException] = []

    def desk(name: str) -> None:
        try:
            pc = as_test_admin(Database.open(url, migrate=False, desk=name))
            try:
                barrier.wait(timeout=30)
                referral = queue.call_next(pc, room)
                assert referral is not None
                called.append(referral.ticket_no)
            finally:
                pc.dispose()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(f"{n}号窗口",)) for n in "一二三"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(called) == sorted(v.ticket_no for v in visits)

    order = _said_calls(database)
    assert len(order) == 3
    qtbot.waitUntil(lambda: len(engine.said) == 6 and not hall.speaker.busy, timeout=10_000)
    qtbot.wait(300)  # a few more refreshes: nothing is said again
    assert engine.said == [text for text in order for _ in range(2)]
    assert engine.overlaps == 0 and _in_sequence(engine)
    assert all("测试" not in text for text in engine.said)  # never the resident's name
    hall.close()


def test_a_recall_is_said_again_and_earlier_calls_are_not(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    before = register(sqlite_database, 1)
    queue.call(sqlite_database, before.referral_id)  # made before the display opened
    _set_speech(sqlite_database, speech_repetitions="3")
    engine = RecordingEngine(duration_ms=10)
    hall = _display(qtbot, sqlite_database, engine)
    later: Registration = register(sqlite_database, 2, name="王秀英")
    queue.call(sqlite_database, later.referral_id)
    qtbot.waitUntil(lambda: len(engine.said) == 3, timeout=5000)
    queue.recall(sqlite_database, later.referral_id)
    qtbot.waitUntil(lambda: len(engine.said) == 6 and not hall.speaker.busy, timeout=5000)
    text = f"请 {spoken_ticket(later.ticket_no)}号 到 {ROOM}"
    assert engine.said == [text] * 6
    assert not any("王秀英" in said for said in engine.said)
    assert engine.applied[-1].repetitions == 3
    assert hall.ticket_text(room_ids(sqlite_database)[ROOM]) == later.ticket_no
    hall.close()


def test_switched_off_nothing_is_said_and_switching_on_says_no_backlog(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    _set_speech(sqlite_database, speech_enabled="0")
    engine = RecordingEngine()
    hall = _display(qtbot, sqlite_database, engine)
    first, second = register(sqlite_database, 1), register(sqlite_database, 2)
    queue.call(sqlite_database, first.referral_id)
    room = room_ids(sqlite_database)[ROOM]
    qtbot.waitUntil(lambda: hall.ticket_text(room) == first.ticket_no, timeout=5000)
    qtbot.wait(300)
    assert engine.said == []
    _set_speech(sqlite_database, speech_enabled="1")
    qtbot.wait(300)
    assert engine.said == []  # the call made while it was off is not said now
    queue.call(sqlite_database, second.referral_id)
    qtbot.waitUntil(lambda: len(engine.said) == 2, timeout=5000)
    assert set(engine.said) == {f"请 {spoken_ticket(second.ticket_no)}号 到 {ROOM}"}
    hall.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "desktop.views.reception.hall_speech" and r.levelno == logging.WARNING]


def test_without_an_engine_the_display_works_and_logs_why_once(
    qtbot: QtBot, sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="desktop.views.reception.hall_speech")
    engine = QtSpeechEngine("no-such-engine")
    assert engine.problem  # whether Qt's module loads here or not
    hall = _display(qtbot, sqlite_database, engine)
    room = room_ids(sqlite_database)[ROOM]
    for n in (1, 2, 3):
        reg = register(sqlite_database, n)
        queue.call(sqlite_database, reg.referral_id)
        qtbot.waitUntil(lambda reg=reg: hall.ticket_text(room) == reg.ticket_no, timeout=5000)
        queue.start(sqlite_database, reg.referral_id)
    assert _warnings(caplog) == [f"spoken calls: {engine.problem}"]
    assert "请 调-003 号到 矛盾纠纷调解室" in hall.announcement.text()
    hall.close()


def test_an_engine_that_fails_stops_speaking_and_says_so_once(
    qtbot: QtBot, sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="desktop.views.reception.hall_speech")
    engine = RecordingEngine(duration_ms=10_000)
    hall = _display(qtbot, sqlite_database, engine)
    room = room_ids(sqlite_database)[ROOM]
    first, second = register(sqlite_database, 1), register(sqlite_database, 2)
    queue.call(sqlite_database, first.referral_id)
    qtbot.waitUntil(lambda: len(engine.said) == 1, timeout=5000)
    engine.failed.emit("语音引擎出错：声卡不可用")
    queue.call(sqlite_database, second.referral_id)
    qtbot.waitUntil(lambda: hall.ticket_text(room) == second.ticket_no, timeout=5000)
    qtbot.wait(300)
    assert len(engine.said) == 1 and not hall.speaker.busy
    assert _warnings(caplog) == ["spoken calls: 语音引擎出错：声卡不可用"]
    hall.close()


def test_an_engine_that_never_finishes_does_not_hold_the_queue(
    qtbot: QtBot, sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="desktop.views.reception.hall_speech")
    engine = RecordingEngine(duration_ms=60_000)
    hall = _display(qtbot, sqlite_database, engine, longest_ms=150)
    reg = register(sqlite_database, 1)
    queue.call(sqlite_database, reg.referral_id)
    qtbot.waitUntil(lambda: len(engine.said) == 2, timeout=5000)
    assert _warnings(caplog) == ["spoken calls: 语音引擎没有报告朗读结束，已跳过一次播报"]
    hall.close()


def _qt_mock_engine() -> QtSpeechEngine:
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as exc:
        pytest.skip(f"Qt's text-to-speech module cannot be loaded on this PC: {exc}")
    if "mock" not in QTextToSpeech.availableEngines():
        pytest.skip("Qt's mock text-to-speech engine is not installed")
    engine = QtSpeechEngine("mock")
    assert engine.problem is None
    return engine


def test_qt_mock_engine_says_each_call_in_turn(qtbot: QtBot, sqlite_database: Database) -> None:
    engine = _qt_mock_engine()
    started: list[tuple[str, object]] = []
    speaker = HallSpeaker(engine=engine, gap_ms=0)
    speaker.speaking.connect(lambda text: started.append((text, engine.tts.state())))
    hall = HallDisplay(database=sqlite_database, refresh_ms=100, speaker=speaker)
    qtbot.addWidget(hall)
    hall.show()
    for n, room in enumerate([ROOM, "心理咨询室", "警民联络室"], start=1):
        queue.call(sqlite_database, register(sqlite_database, n, room=room).referral_id)
    qtbot.waitUntil(lambda: len(started) == 6 and not speaker.busy, timeout=15_000)
    ready = type(engine.tts).State.Ready
    # Each utterance started with the engine idle: none cut another short.
    assert [state for _, state in started] == [ready] * 6
    assert [text for text, _ in started] == [t for t in _said_calls(sqlite_database)
                                             for _ in range(2)]
    hall.close()


def test_qt_engine_voices_and_settings(qtbot: QtBot) -> None:
    engine = _qt_mock_engine()
    names = [voice.name for voice in engine.voices()]
    assert {"Bob", "Anne", "Kari"} <= set(names) and len(names) == len(set(names))
    assert engine.apply(SpeechSettings(volume=40, rate=-5, voice="Anne")) is None
    assert engine.tts.voice().name() == "Anne"
    assert (round(engine.tts.volume(), 2), round(engine.tts.rate(), 2)) == (0.4, -0.5)
    note = engine.apply(SpeechSettings(voice="Huihui"))
    assert note is not None and "Huihui" in note and "没有中文语音" in note


def test_calls_that_waited_too_long_to_be_said_are_skipped(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="desktop.views.reception.hall_speech")
    engine = RecordingEngine(duration_ms=400)
    speaker = HallSpeaker(engine=engine, gap_ms=0, longest_wait_s=0.2)
    assert speaker.announce("请 调零零一号 到 矛盾纠纷调解室")
    assert speaker.announce("请 心零零一号 到 心理咨询室")
    qtbot.waitUntil(lambda: not speaker.busy, timeout=5000)
    assert engine.said == ["请 调零零一号 到 矛盾纠纷调解室"]
    assert _warnings(caplog) == ["spoken calls: 叫号比播报快，等待过久的播报已跳过"]


def test_the_base_engine_says_nothing_and_is_ready_again_at_once(qtbot: QtBot) -> None:
    engine = SpeechEngine()
    with qtbot.waitSignal(engine.finished, timeout=1000):
        engine.say("请 调零零一号 到 矛盾纠纷调解室")
    assert engine.problem is None and engine.voices() == []
