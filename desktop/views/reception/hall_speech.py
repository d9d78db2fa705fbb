"""语音叫号 on the PC driving the hall display: calls read out one after another.

:class:`HallSpeaker` keeps a queue of texts and hands them to a text-to-speech engine
one at a time: the next starts only when the engine reports it is ready again (plus
a short pause), so two calls never talk over each other. Each call is queued as many
times as 系统设置 asks (default twice).

The engine is Qt's own (QtTextToSpeech: on Windows the voices Windows ships, e.g.
Huihui; on Linux speech-dispatcher), behind the small :class:`SpeechEngine` interface
so that tests (or another engine) can stand in. Without a usable engine or voice the
hall display works as before and the speaker says why in the log, once.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale, QObject, QTimer, Signal

from desktop.services.reception.speech import SpeechSettings

log = logging.getLogger(__name__)

# Silence between two utterances (between the repetitions of a call, and between calls).
GAP_MS = 700
# An engine that never reports the end of an utterance does not hold the queue forever.
LONGEST_MS = 20_000
# Calls coming faster than they can be said: one that waited this long is skipped (the
# screen shows it; said minutes late it would only mislead).
LONGEST_WAIT_S = 120.0


@dataclass(frozen=True)
class Voice:
    name: str
    label: str  # "Huihui（中文）"
    chinese: bool


class SpeechEngine(QObject):
    """What the speaker needs of a text-to-speech engine: Qt's, or a stand-in.

    :meth:`say` starts one utterance; ``finished`` is emitted when the engine is ready
    for the next one, ``failed`` when it cannot go on. ``problem`` says why an engine
    cannot speak at all (``None`` when it can).
    """

    finished = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problem: str | None = None

    def say(self, text: str) -> None:
        """This base engine has no voice: each text is done at once, unheard (subclasses speak)."""
        QTimer.singleShot(0, self.finished.emit)

    def stop(self) -> None:
        """Stop what is being said (the hall display is closing)."""

    def voices(self) -> list[Voice]:
        return []

    def apply(self, settings: SpeechSettings) -> str | None:
        """Use the volume, rate and voice of ``settings``; a note when the voice is missing."""
        return None


class QtSpeechEngine(SpeechEngine):
    """Qt's text-to-speech: ``name`` picks one of ``QTextToSpeech.availableEngines()``,
    empty for the platform's default."""

    def __init__(self, name: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._speaking = False
        self._voices: list[Any] | None = None
        self.tts: Any = None
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # a build without the module, or its libraries missing
            self.problem = f"本机无法加载 Qt 的语音模块 QtTextToSpeech（{exc}）"
            return
        self._states = QTextToSpeech.State
        self.tts = QTextToSpeech(name, self) if name else QTextToSpeech(self)
        if self.tts.state() == QTextToSpeech.State.Error:
            engines = "、".join(QTextToSpeech.availableEngines()) or "无"
            self.problem = (f"语音引擎{name or self.tts.engine() or '（默认）'}无法启动："
                            f"{self.tts.errorString()}（本机的语音引擎：{engines}）")
            return
        self.tts.stateChanged.connect(self._on_state)

    @property
    def name(self) -> str:
        return str(self.tts.engine()) if self.tts is not None else ""

    def _on_state(self, state: object) -> None:
        if state == self._states.Error:
            self._speaking = False
            self.failed.emit(f"语音引擎出错：{self.tts.errorString()}")
        elif state == self._states.Ready and self._speaking:
            self._speaking = False
            self.finished.emit()

    def say(self, text: str) -> None:
        self._speaking = True
        self.tts.say(text)

    def stop(self) -> None:
        if self.tts is not None and self.problem is None:
            self._speaking = False
            self.tts.stop()

    def _all_voices(self) -> list[Any]:
        """Every voice of every language (Qt lists the voices of one locale at a time)."""
        if self._voices is None:
            current = self.tts.locale()
            found: list[Any] = []
            for locale in self.tts.availableLocales():
                self.tts.setLocale(locale)
                found += [v for v in self.tts.availableVoices()
                          if v.name() not in {f.name() for f in found}]
            self.tts.setLocale(current)
            self._voices = found
        return self._voices

    def voices(self) -> list[Voice]:
        if self.problem is not None:
            return []
        return [Voice(v.name(), f"{v.name()}（{v.locale().nativeLanguageName()}）",
                      v.locale().language() == QLocale.Language.Chinese)
                for v in self._all_voices()]

    def _chinese(self) -> Any:
        chinese = [v for v in self._all_voices()
                   if v.locale().language() == QLocale.Language.Chinese]
        mainland = [v for v in chinese if v.locale().territory() == QLocale.Country.China]
        return (mainland or chinese or [None])[0]

    def apply(self, settings: SpeechSettings) -> str | None:
        if self.problem is not None:
            return None
        self.tts.setVolume(settings.volume_level)
        self.tts.setRate(settings.rate_level)
        notes = []
        chosen = None
        if settings.voice:
            chosen = next((v for v in self._all_voices() if v.name() == settings.voice), None)
            if chosen is None:
                notes.append(f"本机没有系统设置中选的声音“{settings.voice}”，改用中文语音")
        if chosen is None:
            chosen = self._chinese()
            if chosen is None:
                notes.append(f"语音引擎{self.name}没有中文语音，用它的默认声音朗读"
                             "（可能读不出中文；Windows 可在“设置 → 时间和语言 → 语音”"
                             "中添加中文语音）")
        if chosen is not None:
            self.tts.setLocale(chosen.locale())
            self.tts.setVoice(chosen)
        return "；".join(notes) or None


def make_engine() -> SpeechEngine:
    """The engine of this PC (the platform's default); the tests put a stand-in here."""
    return QtSpeechEngine()


class HallSpeaker(QObject):
    """Says the texts it is given one after another, never two at once.

    The engine is made when it is first needed (:func:`make_engine`, unless one is
    given). Problems are logged once each: a hall display without a voice keeps working.
    """

    # An utterance was handed to the engine (its text).
    speaking = Signal(str)

    def __init__(self, *, engine: SpeechEngine | None = None, gap_ms: int = GAP_MS,
                 longest_ms: int = LONGEST_MS, longest_wait_s: float = LONGEST_WAIT_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self.longest_wait_s = longest_wait_s
        self._queue: deque[tuple[str, float]] = deque()  # (text, when it was queued)
        self._busy = False
        self._broken: str | None = None
        self._told: set[str] = set()
        self.settings = SpeechSettings()
        self._applied: SpeechSettings | None = None
        self.gap = QTimer(self)
        self.gap.setSingleShot(True)
        self.gap.setInterval(gap_ms)
        self.watchdog = QTimer(self)
        self.watchdog.setSingleShot(True)
        self.watchdog.setInterval(longest_ms)
        self.gap.timeout.connect(self._next)
        self.watchdog.timeout.connect(self.on_stuck)
        if engine is not None:
            self._connect(engine)

    def _connect(self, engine: SpeechEngine) -> None:
        engine.finished.connect(self.on_finished)
        engine.failed.connect(self.on_failed)

    @property
    def engine(self) -> SpeechEngine:
        if self._engine is None:
            self._engine = make_engine()
            self._engine.setParent(self)
            self._connect(self._engine)
        return self._engine

    @property
    def problem(self) -> str | None:
        """Why nothing can be said on this PC; ``None`` when the engine works."""
        return self._broken or self.engine.problem

    @property
    def busy(self) -> bool:
        return self._busy or bool(self._queue)

    def tell(self, message: str) -> None:
        """Log ``message`` the first time only."""
        if message not in self._told:
            self._told.add(message)
            log.warning("spoken calls: %s", message)

    def configure(self, settings: SpeechSettings) -> None:
        """The settings of 系统设置, used from the next utterance on."""
        self.settings = settings

    def announce(self, text: str, repetitions: int | None = None) -> bool:
        """Queue ``text`` to be said ``repetitions`` times (the setting when not given).

        False when it cannot be said (speech switched off, or no engine: logged once).
        """
        if not self.settings.enabled:
            return False
        problem = self.problem
        if problem is not None:
            self.tell(problem)
            return False
        count = self.settings.repetitions if repetitions is None else repetitions
        self._queue.extend([(text, time.monotonic())] * max(count, 0))
        if not self._busy and not self.gap.isActive():
            self._next()
        return True

    def _next(self) -> None:
        too_old = time.monotonic() - self.longest_wait_s
        while self._queue and self._queue[0][1] < too_old:
            self._queue.popleft()
            self.tell("叫号比播报快，等待过久的播报已跳过")
        if self._busy or not self._queue or self._broken:
            return
        engine = self.engine
        if self._applied != self.settings:
            note = engine.apply(self.settings)
            self._applied = self.settings
            if note:
                self.tell(note)
        text, _queued = self._queue.popleft()
        self._busy = True
        self.watchdog.start()
        self.speaking.emit(text)
        engine.say(text)

    def on_finished(self) -> None:
        if not self._busy:
            return
        self._busy = False
        self.watchdog.stop()
        if self._queue:
            self.gap.start()

    def on_failed(self, reason: str) -> None:
        self._broken = reason
        self._busy = False
        self._queue.clear()
        self.watchdog.stop()
        self.gap.stop()
        self.tell(reason)

    def on_stuck(self) -> None:
        """The engine never said it finished: go on with the next text."""
        self.tell("语音引擎没有报告朗读结束，已跳过一次播报")
        self._busy = False
        if self._engine is not None:
            self._engine.stop()
        if self._queue:
            self.gap.start()

    def stop(self) -> None:
        """Say nothing more (the hall display closes)."""
        self._queue.clear()
        self.gap.stop()
        self.watchdog.stop()
        if self._busy and self._engine is not None:
            self._engine.stop()
        self._busy = False
