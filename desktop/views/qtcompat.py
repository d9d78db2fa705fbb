"""Work-arounds for defects of the Qt binding in use.

PySide6 6.12.0: ``SignalInstance.emit()`` called from Python returns ``True``
without owning a reference to it. Each emit so costs ``True`` one reference;
after a few thousand emits (the progress reports of a few long exports) the
interpreter aborts with "Fatal Python error: bool_dealloc". :func:`emit`
emits and gives the reference back, but only when a probe at import shows the
binding has the defect, so a fixed PySide6 is left alone.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()


def _emit_steals_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    ping: Any = probe.ping
    result = ping.emit()
    del result
    stolen = before - sys.getrefcount(True)
    if stolen > 0:
        for _ in range(stolen):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return stolen > 0


EMIT_STEALS_REFERENCE = _emit_steals_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, without the binding's reference leak on its return value."""
    result = signal.emit(*args)
    if EMIT_STEALS_REFERENCE and result is not None:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
