"""Where the app keeps its data and finds its bundled resources.

The data folder comes from platformdirs (``%LOCALAPPDATA%`` on Windows,
``~/.local/share`` on Linux) and can be moved with ``DESKTOP_DATA_DIR``, which
the tests use to keep every run in a temporary folder.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

import platformdirs

from desktop import APP_NAME


def data_dir() -> Path:
    """The user's data folder; created on first use."""
    override = os.environ.get("DESKTOP_DATA_DIR")
    if override:
        path = Path(override)
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "desk.sqlite3"


def resource_dir() -> Path:
    """The bundled ``resources`` folder, for source, installed and frozen runs alike."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "desktop" / "resources"
    try:
        path = Path(str(resources.files("desktop.resources")))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
