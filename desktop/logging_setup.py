"""Logging to a rotating file in the data folder (and to stderr for the command line).

Each kind of process has its own file (the window ``desk.log``, the hall display
``hall-display.log``, the kiosk ``kiosk.log``, the rating pad ``rating-pad.log``, the
command line ``cli.log``): on Windows a file another process holds open cannot be
renamed, so two processes sharing one log broke its rotation. Two processes of one
kind may still meet (two commands at once): a rotation that fails is put off and the
log goes on in the same file (:class:`SharedRotatingFileHandler`), instead of losing every record.

Tracebacks in the log show where an error happened and its type, never the
exception's message (:func:`desktop.services.failures.safe_traceback`): a
message may quote a name or a 身份证号. The console shows one line per record
and no traceback at all; records marked ``extra={"file_only": True}`` go to the
file only.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from types import TracebackType

from desktop import paths

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class SafeFormatter(logging.Formatter):
    """Formats exceptions without their messages."""

    def format(self, record: logging.LogRecord) -> str:
        # logging caches the first handler's traceback text on the record; never reuse it.
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: ExcInfo) -> str:
        from desktop.services.failures import safe_traceback

        exc = ei[1]
        return safe_traceback(exc).rstrip("\n") if exc is not None else ""


class OneLineFormatter(logging.Formatter):
    """The message only: no traceback on the console."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        return self.formatMessage(record)


def _not_file_only(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


LOG_FILES = {"window": "desk.log", "hall-display": "hall-display.log", "kiosk": "kiosk.log",
             "rating-pad": "rating-pad.log", "cli": "cli.log"}
MAX_BYTES = 2_000_000
_kind = "window"  # this process's kind, as set_up by setup_logging


def log_file(kind: str | None = None) -> str:
    """The log of ``kind`` (default: this process's)."""
    return str(paths.log_dir() / LOG_FILES[kind or _kind])


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose rotation may fail without losing a record.

    On Windows the rename fails (WinError 32) while another process has the file open;
    the standard handler then reports a logging error and drops the record, for every
    record after. Here the log goes on in the same file, and the rotation is tried
    again once the file has grown by another tenth of its limit.
    """

    def __init__(self, filename: str, *, max_bytes: int, backup_count: int) -> None:
        super().__init__(filename, maxBytes=max_bytes, backupCount=backup_count,
                         encoding="utf-8")
        self.retry_at = 0  # the size before which a failed rotation is not tried again

    def shouldRollover(self, record: logging.LogRecord) -> int:
        if self.retry_at and self.stream is not None and self.stream.tell() < self.retry_at:
            return False
        return bool(super().shouldRollover(record))

    def doRollover(self) -> None:
        try:
            super().doRollover()
            self.retry_at = 0
        except OSError as exc:
            if self.stream is None:
                self.stream = self._open()
            self.stream.seek(0, os.SEEK_END)
            self.retry_at = self.stream.tell() + max(self.maxBytes // 10, 1)
            self.stream.write(f"(log rotation put off: {type(exc).__name__} "
                              f"{getattr(exc, 'winerror', None) or exc.errno})\n")


def setup_logging(*, verbose: bool = False, to_stderr: bool = False,
                  kind: str = "window") -> None:
    """Log this process (``kind``: a key of LOG_FILES) to its own file."""
    global _kind
    root = logging.getLogger()
    if any(getattr(h, "_desk_handler", False) for h in root.handlers):
        return
    _kind = kind
    handler = SharedRotatingFileHandler(log_file(kind), max_bytes=MAX_BYTES, backup_count=5)
    handler.setFormatter(SafeFormatter(LOG_FORMAT))
    handler._desk_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if to_stderr:
        console = logging.StreamHandler()
        console.setFormatter(OneLineFormatter("%(levelname)s: %(message)s"))
        console.addFilter(_not_file_only)
        console._desk_handler = True  # type: ignore[attr-defined]
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        root.addHandler(console)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
