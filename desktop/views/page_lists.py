"""A page's lists, read now or in the background, shown on the GUI thread.

At a million visits a room's lists take a tenth of a second or more to read. After a
write of its own the page wants them at once (the row just saved must be there), so it
reads them on the GUI thread; when the page is shown again, for what other desks wrote
meanwhile, it reads them off the GUI thread, the lists of before staying on screen, so
switching pages never freezes the window.

A page adds each list as a *part*: a ``reading`` called on the GUI thread, which takes
what the read needs from the widgets (a filter, the search text, today) and returns a
function of a session only, run on either thread; and a ``show`` that fills the widgets
on the GUI thread. A list read in the background is not shown when the page read it
again meanwhile; a background read asked for while one runs runs once more after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.errors import PermissionDenied
from desktop.views.db_status import status_for
from desktop.views.tasks import Progress, Task, start

Read = Callable[[Session], Any]
Row = TypeVar("Row")


class Listed(NamedTuple, Generic[Row]):
    """A room's records as its list shows them, with the counts of the line beneath."""

    rows: list[Row]
    counts: dict[str, int]


@dataclass(frozen=True)
class _Part:
    reading: Callable[[], Read]
    show: Callable[[Any], None]


class PageLists(QObject):
    """The lists of one page (see the module's docstring)."""

    reading_started = Signal()
    # Whether the lists read in the background were shown (False: the read failed).
    reading_finished = Signal(bool)

    def __init__(self, page: QObject, database: Database, *,
                 on_refused: Callable[[PermissionDenied], None] | None = None) -> None:
        super().__init__(page)
        self.database = database
        # What the page shows when the account may not read its lists (a background read
        # refused this way is no error to report).
        self.on_refused = on_refused
        self._parts: dict[str, _Part] = {}
        self._shown: dict[str, int] = {}  # how often each part was shown: stale reads lose
        self._reading: Task | None = None
        self._started_at: dict[str, int] = {}
        self._again = False

    def add(self, name: str, reading: Callable[[], Read], show: Callable[[Any], None]) -> None:
        self._parts[name] = _Part(reading, show)
        self._shown[name] = 0

    @property
    def busy(self) -> bool:
        """Whether a background read is running (the lists of before are on screen)."""
        return self._reading is not None

    def now(self, *names: str) -> None:
        """Read the parts ``names`` (all, without names) on this thread and show them."""
        parts = {name: self._parts[name] for name in names or self._parts}
        reads = {name: part.reading() for name, part in parts.items()}
        with self.database.read() as session:
            found = {name: read(session) for name, read in reads.items()}
        for name, part in parts.items():
            self._shown[name] += 1
            part.show(found[name])

    def later(self) -> Task:
        """Read every part off the GUI thread and show each that was not read since."""
        if self._reading is not None:
            self._again = True
            return self._reading
        reads = {name: part.reading() for name, part in self._parts.items()}
        database = self.database

        def read_all(_progress: Progress, _cancelled: Callable[[], bool]) -> dict[str, Any]:
            with database.read() as session:
                return {name: read(session) for name, read in reads.items()}

        task = Task(read_all)
        # Bound methods: an answer that comes after the page is gone is dropped with it.
        queued = Qt.ConnectionType.QueuedConnection
        task.succeeded.connect(self._arrived, queued)
        task.failed.connect(self._failed, queued)
        task.finished.connect(self._done, queued)
        self._reading = task
        self._started_at = dict(self._shown)
        self.reading_started.emit()
        return start(task)

    def _arrived(self, found: dict[str, Any]) -> None:
        for name, data in found.items():
            if self._shown[name] == self._started_at[name]:
                self._shown[name] += 1
                self._parts[name].show(data)
        self.reading_finished.emit(True)

    def _failed(self, exc: BaseException) -> None:
        self.reading_finished.emit(False)
        if isinstance(exc, PermissionDenied) and self.on_refused is not None:
            self.on_refused(exc)
        elif not status_for(self.database).report(exc):
            raise exc

    def _done(self) -> None:
        self._reading = None
        if self._again:
            self._again = False
            self.later()
