"""Emitting signals from Python does not drain the reference count of ``True``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from desktop.views.qtcompat import emit


class _Sender(QObject):
    changed = Signal(int, int)


def test_many_emits_keep_true_alive(qapp) -> None:  # type: ignore[no-untyped-def]
    sender = _Sender()
    received: list[int] = []
    sender.changed.connect(lambda done, _total: received.append(done))
    before = sys.getrefcount(True)
    for i in range(20000):  # more than True's usual reference count
        emit(sender.changed, i, 20000)
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 20000
