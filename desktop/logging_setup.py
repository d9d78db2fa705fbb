"""Logging to a rotating file in the data folder (and to stderr for the command line).

Tracebacks in the log show where an error happened and its type, never the
exception's message (:func:`desktop.services.failures.safe_traceback`): a
message may quote a name or a 身份证号. The console shows one line per record
and no traceback at all; records marked ``extra={"file_only": True}`` go to the
file only.
"""

from __future__ import annotations

import logging
import logging.handlers
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


def log_file() -> str:
    return str(paths.log_dir() / "desk.log")


def setup_logging(*, verbose: bool = False, to_stderr: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_desk_handler", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        log_file(), maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
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
