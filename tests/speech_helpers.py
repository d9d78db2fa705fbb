"""A text-to-speech engine for the tests: says nothing aloud, records what it was asked to say."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from desktop.services.reception.speech import SpeechSettings
from desktop.views.reception.hall_speech import SpeechEngine, Voice


class RecordingEngine(SpeechEngine):
    """Each utterance "lasts" ``duration_ms``; a ``say`` while one lasts counts as an overlap."""

    def __init__(self, *, duration_ms: int = 0, voices: tuple[Voice, ...] = (),
                 problem: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_ms = duration_ms
        self.problem = problem
        self._voices = list(voices)
        self.said: list[str] = []
        self.spans: list[tuple[float, float]] = []  # (start, end) of each utterance
        self.applied: list[SpeechSettings] = []
        self.overlaps = 0
        self.speaking = False

    def say(self, text: str) -> None:
        if self.speaking:
            self.overlaps += 1
        self.speaking = True
        self.said.append(text)
        self.spans.append((time.monotonic(), float("inf")))
        QTimer.singleShot(self.duration_ms, self, self._done)

    def _done(self) -> None:
        self.speaking = False
        start, _ = self.spans[-1]
        self.spans[-1] = (start, time.monotonic())
        self.finished.emit()

    def stop(self) -> None:
        self.speaking = False

    def voices(self) -> list[Voice]:
        return list(self._voices)

    def apply(self, settings: SpeechSettings) -> str | None:
        self.applied.append(settings)
        return None
