"""接待登记's draft: what is typed, kept in the data folder until it is saved or cleared.

A window closed by accident (or a PC switched off) loses nothing: the next start puts
the draft back in the form. The file holds personal data, so it lives in the user's
data folder only and goes as soon as the registration is saved or the form cleared.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from desktop import paths

log = logging.getLogger(__name__)

DRAFT_FILE = "registration_draft.json"


def draft_path() -> Path:
    return paths.data_dir() / DRAFT_FILE


def write_draft(values: dict[str, Any], today: date) -> None:
    """Keep ``values``; a disk that refuses is logged, never in the receptionist's way."""
    try:
        draft_path().write_text(
            json.dumps({**values, "saved_on": today.isoformat()}, ensure_ascii=False),
            encoding="utf-8")
    except OSError:
        log.exception("could not write the registration draft")


def read_draft() -> dict[str, Any] | None:
    """The draft kept, or None when there is none or it cannot be read."""
    path = draft_path()
    if not path.exists():
        return None
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("unreadable registration draft ignored")
        return None
    return values if isinstance(values, dict) else None


def discard_draft() -> None:
    draft_path().unlink(missing_ok=True)
