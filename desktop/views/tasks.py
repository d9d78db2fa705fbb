"""The one way to run long work off the GUI thread.

A task is a plain function that takes a ``progress(done, total)`` callback and
a ``cancelled()`` check and does its work with its own database session. It
runs in a QThreadPool; its result (or its exception) comes back on the GUI
thread as a signal. A progress dialog with a cancel button appears only when
the work takes longer than half a second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.services.errors import Cancelled

Progress = Callable[[int, int], None]
TaskFunction = Callable[[Progress, Callable[[], bool]], Any]


class TaskCancelled(Cancelled):
    """Raised inside a task that noticed its cancel request; nothing is kept.

    Qt-free code raises :class:`desktop.services.errors.Cancelled` (this class's
    base); both count as a cancel.
    """


class Task(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, function: TaskFunction) -> None:
        super().__init__()
        self._function = function
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def report_progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def run(self) -> None:
        """Runs on the worker thread (or in the caller's, for a synchronous run)."""
        try:
            self.result = self._function(self.report_progress, self.is_cancelled)
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:
            self.error = exc
            self.failed.emit(exc)
        else:
            if self.is_cancelled():
                self.cancelled.emit()
            else:
                self.succeeded.emit(self.result)
        finally:
            self.finished.emit()

    def _release(self) -> None:
        """After ``finished``: drop the task and its connections (and what they hold)."""
        _running.discard(self)
        self.deleteLater()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task: Task | None = task
        self.setAutoDelete(True)

    def run(self) -> None:
        # The binding may keep this wrapper after Qt deleted the runnable: let the task go.
        task, self.task = self.task, None
        if task is not None:
            task.run()


_running: set[Task] = set()


def start(task: Task, pool: QThreadPool | None = None) -> Task:
    """Run ``task`` on the thread pool; keep it alive until it finishes, then let it go."""
    _running.add(task)
    # A bound method, not a lambda over ``task``: the binding holds a connected callable
    # strongly, out of the garbage collector's sight, so a lambda that named the task kept
    # it (and its error, with every frame of the traceback) for the life of the process.
    task.finished.connect(task._release, Qt.ConnectionType.QueuedConnection)
    (pool or QThreadPool.globalInstance()).start(_Runnable(task))
    return task


def run_with_progress(
    parent: QWidget | None, title: str, label: str, function: TaskFunction, *,
    on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None],
    on_cancel: Callable[[], None] | None = None, show_after_ms: int = 500,
) -> Task:
    """Run ``function`` in the background behind a progress dialog with a cancel button."""
    task = Task(function)
    dialog = QProgressDialog(label, parent.tr("取消") if parent else "取消", 0, 0, parent)
    dialog.setObjectName("progress_dialog")
    dialog.setAccessibleName(title)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(task.cancel)

    def on_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    def close_dialog() -> None:
        dialog.canceled.disconnect()  # not naming ``task``: see start()
        dialog.close()
        dialog.deleteLater()

    task.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)
    task.succeeded.connect(on_success, Qt.ConnectionType.QueuedConnection)
    task.failed.connect(on_failure, Qt.ConnectionType.QueuedConnection)
    if on_cancel is not None:
        task.cancelled.connect(on_cancel, Qt.ConnectionType.QueuedConnection)
    task.finished.connect(close_dialog, Qt.ConnectionType.QueuedConnection)
    QTimer.singleShot(0, lambda: start(task))
    return task
