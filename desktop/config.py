"""Settings of this PC, in one place.

Centre-wide settings (name, phone, paper size, ...) live in the database so
that every desk shares them; see :mod:`desktop.services.settings`. What is kept
here is only what a single PC must know before it can reach that database:
which database to open.

Order of precedence for the database URL: the ``--db`` option, then the
``DESKTOP_DB_URL`` environment variable, then ``database_url`` in
``config.json`` in the data folder, then the default SQLite file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from desktop import paths

ENV_DB_URL = "DESKTOP_DB_URL"


def config_file() -> Path:
    return paths.data_dir() / "config.json"


def _read_config() -> dict[str, object]:
    path = config_file()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_database_url(url: str | None) -> None:
    """Remember the database of this PC (``None`` goes back to the SQLite default)."""
    data = _read_config()
    if url:
        data["database_url"] = url
    else:
        data.pop("database_url", None)
    config_file().write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve().as_posix()}"


@dataclass(frozen=True)
class DatabaseChoice:
    url: str
    origin: str  # "option", "environment", "config" or "default"


def resolve_database_url(option: str | None = None) -> DatabaseChoice:
    if option:
        return DatabaseChoice(option, "option")
    env = os.environ.get(ENV_DB_URL)
    if env:
        return DatabaseChoice(env, "environment")
    configured = _read_config().get("database_url")
    if isinstance(configured, str) and configured:
        return DatabaseChoice(configured, "config")
    return DatabaseChoice(sqlite_url(paths.default_database_path()), "default")
