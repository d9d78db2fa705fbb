"""The Qt binding keeps the reference counts of ``None`` and ``True`` balanced.

PySide6 6.12.0 on CPython 3.11 lost one reference to ``True`` on every Python-side
``emit()`` and one to ``None`` on every call of a Qt method that returns nothing; the
interpreter aborted ("bool_dealloc" / "none_dealloc") once a count reached zero. These
quick checks fail on such a binding; tests/test_soak.py drives the real windows.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 20000  # more than the usual reference count of True


class _Sender(QObject):
    changed = Signal(int, int)


def test_many_emits_keep_true_alive(qapp) -> None:  # type: ignore[no-untyped-def]
    sender = _Sender()
    received: list[int] = []
    sender.changed.connect(lambda done, _total: received.append(done))
    before = sys.getrefcount(True)
    for i in range(CALLS):
        sender.changed.emit(i, CALLS)
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == CALLS


def test_void_qt_calls_keep_none_alive(qapp) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    before = sys.getrefcount(None)
    for i in range(CALLS):
        label.setText(str(i % 10))
    qapp.processEvents()
    assert abs(sys.getrefcount(None) - before) < 50
    assert label.text() == str((CALLS - 1) % 10)
