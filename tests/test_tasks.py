"""Background tasks let go of themselves, their results and their errors when done.

A task the binding kept alive after it finished took its error with it, and the error
its traceback: every frame, session and connection of the failed work. The database
check behind the "数据库无法使用" banner fails every few seconds while a server is
away, so a desk left on over a weekend of outage grew without end, and the check of a
database that was closed kept that database alive and polling.
"""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QEvent, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.views import tasks


class _Failure(Exception):
    """The error of a failed test task, to be looked for among live objects."""


def _fail(_progress: tasks.Progress, _cancelled: object) -> None:
    raise _Failure


def _settle() -> None:
    QThreadPool.globalInstance().waitForDone()
    for _ in range(3):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _live_failures() -> int:
    return sum(isinstance(obj, _Failure) for obj in gc.get_objects())


def test_a_finished_task_is_let_go_with_its_error(qtbot: QtBot) -> None:
    failures: list[BaseException] = []
    finished = []
    for _ in range(20):
        task = tasks.Task(_fail)
        task.failed.connect(failures.append)
        finished.append(weakref.ref(task))
        tasks.start(task)
    del task
    qtbot.waitUntil(lambda: len(failures) == 20)
    failures.clear()
    _settle()
    assert [ref for ref in finished if ref() is not None] == []
    assert tasks._running == set()
    assert _live_failures() == 0


def test_a_task_behind_a_progress_dialog_is_let_go(qtbot: QtBot) -> None:
    seen: list[str] = []
    finished = []
    for _ in range(5):
        task = tasks.run_with_progress(None, "导出", "正在导出……", _fail,
                                       on_success=lambda _result: None,
                                       on_failure=lambda exc: seen.append(type(exc).__name__))
        finished.append(weakref.ref(task))
    del task
    qtbot.waitUntil(lambda: len(seen) == 5)
    _settle()
    assert [ref for ref in finished if ref() is not None] == []
    assert _live_failures() == 0
