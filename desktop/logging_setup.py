"""Logging to a rotating file in the data folder (and to stderr for the command line)."""

from __future__ import annotations

import logging
import logging.handlers

from desktop import paths

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(*, verbose: bool = False, to_stderr: bool = False) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_desk_handler", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir() / "desk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._desk_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if to_stderr:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        console._desk_handler = True  # type: ignore[attr-defined]
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        root.addHandler(console)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
