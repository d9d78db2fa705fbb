"""A database that cannot be used right now: one plain banner, retries, recovery.

When a read or a save fails because the database cannot be reached, is
read-only or the disk is full (:func:`desktop.services.failures.database_trouble`
decides), the page that failed hands the exception to the database's
:class:`DatabaseStatus` instead of letting it become the unexpected-error
dialog. The status shows the trouble once in every window's banner, logs it
once, and checks the database in the background every few seconds; polling
pages pause meanwhile. When a check passes the banner goes away and
``recovered`` tells the pages to refresh. Nothing the user typed is touched.
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from desktop.db import Database
from desktop.services.failures import (
    DISK_FULL,
    READ_ONLY,
    DatabaseTrouble,
    check_database,
    database_trouble,
    describe,
)
from desktop.views import tasks
from desktop.views.widgets import named

log = logging.getLogger(__name__)

RETRY_MS = 3000
BANNER_STYLE = ("QLabel { background: #fff3cd; color: #664d03; border-bottom: 1px solid #e0c36c;"
                " padding: 8px 12px; font-size: 15px; }")


class DatabaseStatus(QObject):
    """Whether one database can be used; shared by every window that uses it."""

    changed = Signal(object)  # the DatabaseTrouble, or None when the database is back
    recovered = Signal()

    def __init__(self, database: Database, *, retry_ms: int = RETRY_MS) -> None:
        super().__init__()
        # Weak: the status must not keep a closed database alive (it is kept per database).
        self._database = weakref.ref(database)
        self.trouble: DatabaseTrouble | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(retry_ms)
        self.timer.timeout.connect(self.check)
        self._checking: tasks.Task | None = None
        self._check_failure_logged = False

    @property
    def ok(self) -> bool:
        return self.trouble is None

    def report(self, exc: BaseException) -> bool:
        """Take ``exc`` if it is a database failure (``True``); leave anything else."""
        trouble = database_trouble(exc)
        if trouble is None:
            return False
        if self.trouble != trouble:
            log.warning("database cannot be used (%s): %s", trouble.kind, describe(exc))
            self.trouble = trouble
            self.changed.emit(trouble)
        if not self.timer.isActive():
            self.timer.start()
        return True

    @property
    def database(self) -> Database | None:
        return self._database()

    def check(self) -> None:
        """Try the database in the background (a write, when writing is what failed)."""
        database = self.database
        if database is None:
            self.stop()
            return
        if self.trouble is None or self._checking is not None:
            return
        write = self.trouble.kind in (READ_ONLY, DISK_FULL)
        # Fresh connections: pooled ones may be dead, or keep a read-only setting.
        database.engine.dispose()
        task = tasks.Task(lambda _progress, _cancelled: check_database(database, write=write))
        queued = Qt.ConnectionType.QueuedConnection
        task.succeeded.connect(self._on_checked, queued)
        task.failed.connect(self._on_still_failing, queued)
        task.finished.connect(self._on_check_done, queued)
        self._checking = task
        tasks.start(task)

    def _on_checked(self, _result: Any) -> None:
        if self.trouble is None:
            return
        log.info("database usable again")
        self.timer.stop()
        self.trouble = None
        self._check_failure_logged = False
        self.changed.emit(None)
        self.recovered.emit()

    def _on_still_failing(self, exc: BaseException) -> None:
        if not self.report(exc) and not self._check_failure_logged:
            self._check_failure_logged = True
            log.warning("database check failed: %s", describe(exc))

    def _on_check_done(self) -> None:
        self._checking = None

    def stop(self) -> None:
        self.timer.stop()


_statuses: dict[int, DatabaseStatus] = {}


def status_for(database: Database) -> DatabaseStatus:
    """The one status of ``database`` (made on first use, gone with the database)."""
    status = _statuses.get(id(database))
    if status is None or status.database is not database:
        status = DatabaseStatus(database)
        _statuses[id(database)] = status
        weakref.finalize(database, _drop, id(database), status).atexit = False
    return status


def _drop(key: int, status: DatabaseStatus) -> None:
    if _statuses.get(key) is status:
        del _statuses[key]
    with contextlib.suppress(RuntimeError):  # Qt may already have deleted the timer
        status.stop()


def report_anywhere(exc: BaseException) -> bool:
    """Hand a database failure to every open database's status (the exception hook's way)."""
    if database_trouble(exc) is None or not _statuses:
        return False
    for status in list(_statuses.values()):
        status.report(exc)
    return True


def forget(database: Database) -> None:
    """Stop watching ``database`` (when it is closed)."""
    status = _statuses.pop(id(database), None)
    if status is not None:
        status.stop()


class DatabaseBanner(QLabel):
    """The line at the top of a window that says the database cannot be used right now."""

    def __init__(self, status: DatabaseStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "database_banner", self.tr("数据库状态"))
        self.setStyleSheet(BANNER_STYLE)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        status.changed.connect(self.show_trouble)
        self.show_trouble(status.trouble)

    def show_trouble(self, trouble: DatabaseTrouble | None) -> None:
        self.setText(trouble.banner if trouble else "")
        self.setVisible(trouble is not None)
