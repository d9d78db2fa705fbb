"""Settings of this PC, in one place.

Centre-wide settings (name, phone, paper size, ...) live in the database so
that every desk shares them; see :mod:`desktop.services.admin.settings`. What is kept
here is only what a single PC must know for itself: which database to open,
where this PC keeps its backups, its ID card reader, and its printers (the
receipt printer and paper, the document printer, printing without a dialog).

Order of precedence for the database URL: the ``--db`` option, then the
``DESKTOP_DB_URL`` environment variable, then ``database_url`` in
``config.json`` in the data folder, then the default SQLite file.

The PostgreSQL password is never written to ``config.json``: it goes to the
operating system's credential store through ``keyring`` (Windows Credential
Manager, macOS Keychain, the Secret Service of a Linux desktop) when one is
usable, else to a libpq password file (``pgpass``, 0600) in the data folder,
which psycopg reads through its ``passfile`` connection parameter.
``config.json`` keeps the address without the password and says where the
password is (``password_in``). A config written by an older version with the
password in the address is moved over the first time it is read.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from desktop import APP_NAME, paths

log = logging.getLogger(__name__)

ENV_DB_URL = "DESKTOP_DB_URL"
KEYRING = "keyring"
PGPASS = "pgpass"
PGPASS_FILE = "pgpass"
DEFAULT_BACKUP_DAYS = 30


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


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` whole with ``text``, readable by this user alone."""
    tmp = path.with_name(f".~{path.name}.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
    paths.make_private(path)


def _write_config(data: dict[str, object]) -> None:
    _write_private(config_file(), json.dumps(data, ensure_ascii=False, indent=2))


def save_database_url(url: str | None) -> None:
    """Remember the database of this PC (``None`` goes back to the SQLite default).

    A password in ``url`` goes to the credential store (or the pgpass file); the
    address is kept without it.
    """
    data = _read_config()
    if url:
        data["database_url"], where = _store_password(url)
        if where:
            data["password_in"] = where
        else:
            data.pop("password_in", None)
    else:
        data.pop("database_url", None)
        data.pop("password_in", None)
    _write_config(data)


def configured_database_url() -> str | None:
    """The address in ``config.json`` as the admin sees it: never with the password."""
    _migrate_password()
    url = _read_config().get("database_url")
    return url if isinstance(url, str) and url else None


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
    configured = configured_database_url()
    if configured:
        return DatabaseChoice(with_stored_password(configured), "config")
    return DatabaseChoice(sqlite_url(paths.default_database_path()), "default")


# -- the PostgreSQL password ------------------------------------------------------------------


def _parse(url: str) -> URL | None:
    try:
        parsed = make_url(url)
    except Exception:  # a malformed address is reported when it is used, not here
        return None
    return parsed if parsed.get_backend_name() == "postgresql" else None


def _account(url: URL) -> str:
    """The credential store's name for the login ``url`` uses."""
    return f"{url.username or ''}@{url.host or ''}:{url.port or 5432}/{url.database or ''}"


def usable_keyring() -> Any | None:
    """The operating system's credential store, or ``None`` when there is none.

    keyring's "fail" and "null" backends, and the plain-text files of
    ``keyrings.alt`` (priority below 1), are no better than config.json.
    """
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or float(backend.priority) < 1:
            return None
        return backend
    except Exception as exc:  # a broken desktop keyring: fall back to the pgpass file
        log.warning("no usable credential store: %s", type(exc).__name__)
        return None


def pgpass_file() -> Path:
    return paths.data_dir() / PGPASS_FILE


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _pgpass_key(url: URL) -> str:
    fields = [url.host or "*", str(url.port) if url.port else "*", url.database or "*",
              url.username or "*"]
    return ":".join(_pgpass_escape(f) for f in fields)


def _pgpass_lines() -> list[str]:
    try:
        return pgpass_file().read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _write_pgpass(url: URL, password: str) -> None:
    key = _pgpass_key(url)
    lines = [line for line in _pgpass_lines() if not line.startswith(key + ":")]
    lines.append(f"{key}:{_pgpass_escape(password)}")
    _write_private(pgpass_file(), "\n".join(lines) + "\n")


def _store_password(url: str) -> tuple[str, str | None]:
    """Take the password out of ``url``: (the address without it, where it now is)."""
    parsed = _parse(url)
    if parsed is None:
        return url, None
    bare = parsed._replace(password=None).render_as_string(hide_password=False)
    if parsed.password is None:
        return bare, _password_place(parsed)
    password = str(parsed.password)
    backend = usable_keyring()
    if backend is not None:
        try:
            backend.set_password(APP_NAME, _account(parsed), password)
            return bare, KEYRING
        except Exception as exc:
            log.warning("credential store refused the password: %s", type(exc).__name__)
    _write_pgpass(parsed, password)
    return bare, PGPASS


def _password_place(url: URL) -> str | None:
    """Where a password for ``url``'s login is already kept (saving the address again)."""
    where = _read_config().get("password_in")
    if where == KEYRING and _keyring_password(url) is not None:
        return KEYRING
    key = _pgpass_key(url) + ":"
    if any(line.startswith(key) for line in _pgpass_lines()):
        return PGPASS
    return None


def _keyring_password(url: URL) -> str | None:
    backend = usable_keyring()
    if backend is None:
        return None
    try:
        password = backend.get_password(APP_NAME, _account(url))
    except Exception as exc:
        log.warning("credential store could not be read: %s", type(exc).__name__)
        return None
    return password if isinstance(password, str) else None


def with_stored_password(url: str) -> str:
    """``url`` with what it needs to log in: the stored password, or the pgpass file."""
    parsed = _parse(url)
    if parsed is None or parsed.password is not None:
        return url
    where = _password_place(parsed)
    if where == KEYRING:
        password = _keyring_password(parsed)
        if password is not None:
            return parsed.set(password=password).render_as_string(hide_password=False)
    if where == PGPASS:
        query = dict(parsed.query)
        query["passfile"] = str(pgpass_file())
        return parsed.set(query=query).render_as_string(hide_password=False)
    return url


def _migrate_password() -> None:
    """A config.json written with the password in the address: move the password out."""
    url = _read_config().get("database_url")
    if not isinstance(url, str):
        return
    parsed = _parse(url)
    if parsed is None or parsed.password is None:
        return
    save_database_url(url)
    log.info("moved the database password out of config.json (%s)",
             _read_config().get("password_in"))


# -- backups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    days: int
    chosen: bool  # the admin chose the folder (else the data folder's ``backups``)


def backup_settings() -> BackupSettings:
    data = _read_config()
    folder = data.get("backup_folder")
    days = data.get("backup_days")
    return BackupSettings(
        folder=Path(folder) if isinstance(folder, str) and folder else paths.default_backup_dir(),
        days=days if isinstance(days, int) and not isinstance(days, bool) and days > 0
        else DEFAULT_BACKUP_DAYS,
        chosen=isinstance(folder, str) and bool(folder),
    )


def save_backup_settings(folder: Path | None, days: int) -> None:
    """Remember where this PC's backups go (``None``: the default) and for how long."""
    data = _read_config()
    if folder is None:
        data.pop("backup_folder", None)
    else:
        data["backup_folder"] = str(folder)
    data["backup_days"] = days
    _write_config(data)


# -- the ID card reader ----------------------------------------------------------------------

ID_READER_MODES = ("auto", "demo", "off")


@dataclass(frozen=True)
class IdReaderSettings:
    """This PC's 身份证阅读器 (kept in config.json: a reader is plugged into one PC).

    ``mode``: ``auto`` (the vendor DLL installed on this Windows PC, none elsewhere),
    ``demo`` (the simulated reader) or ``off``. ``dll``: a DLL or folder to use
    instead of searching. ``helper_python``: a 32-bit ``python.exe`` for a vendor's
    32-bit DLL (see desktop.services.reception.idcard.helper).
    """

    mode: str = "auto"
    dll: Path | None = None
    helper_python: Path | None = None


def id_reader_settings(option: str | None = None) -> IdReaderSettings:
    """The reader settings; ``option`` (``--id-reader``) overrides the mode in config.json."""
    data = _read_config()
    mode = option or data.get("id_reader")
    dll, python = data.get("id_reader_dll"), data.get("id_reader_python")
    return IdReaderSettings(
        mode=mode if isinstance(mode, str) and mode in ID_READER_MODES else "auto",
        dll=Path(dll) if isinstance(dll, str) and dll else None,
        helper_python=Path(python) if isinstance(python, str) and python else None,
    )


def save_id_reader_settings(settings: IdReaderSettings) -> None:
    data = _read_config()
    data["id_reader"] = settings.mode
    for key, value in (("id_reader_dll", settings.dll),
                       ("id_reader_python", settings.helper_python)):
        if value is None:
            data.pop(key, None)
        else:
            data[key] = str(value)
    _write_config(data)


# -- this PC's printers ------------------------------------------------------------------------

RECEIPT_PAPERS = ("a5", "80mm")  # the keys of desktop.services.admin.settings.PAPER_SIZES


@dataclass(frozen=True)
class PrinterSettings:
    """The printers of this PC (kept in config.json: one desk has a thermal printer,
    another only an A4 laser).

    ``receipt_printer`` / ``document_printer``: a printer's name as the system lists
    it, ``None`` for the system's default printer. ``receipt_paper``: ``a5`` or
    ``80mm`` for this PC, ``None`` to follow the centre's 回执纸张. ``direct``: saving a
    registration prints its 受理回执 at once on the receipt printer, without a dialog.
    """

    receipt_printer: str | None = None
    receipt_paper: str | None = None
    document_printer: str | None = None
    direct: bool = False


def _name(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def printer_settings() -> PrinterSettings:
    data = _read_config()
    paper = data.get("receipt_paper")
    return PrinterSettings(
        receipt_printer=_name(data.get("receipt_printer")),
        receipt_paper=paper if isinstance(paper, str) and paper in RECEIPT_PAPERS else None,
        document_printer=_name(data.get("document_printer")),
        direct=data.get("print_without_dialog") is True,
    )


def save_printer_settings(settings: PrinterSettings) -> None:
    if settings.receipt_paper is not None and settings.receipt_paper not in RECEIPT_PAPERS:
        raise ValueError(f"unknown receipt paper: {settings.receipt_paper}")
    data = _read_config()
    for key, value in (("receipt_printer", settings.receipt_printer),
                       ("receipt_paper", settings.receipt_paper),
                       ("document_printer", settings.document_printer)):
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    data["print_without_dialog"] = settings.direct
    _write_config(data)


# -- the folders last used in file dialogs ------------------------------------------------------


def last_folder(kind: str) -> Path | None:
    """The folder this user last saved or opened a file of ``kind`` in (if it still exists)."""
    folders = _read_config().get("last_folders")
    folder = folders.get(kind) if isinstance(folders, dict) else None
    if not isinstance(folder, str) or not folder:
        return None
    path = Path(folder)
    return path if path.is_dir() else None


def remember_folder(kind: str, folder: Path) -> None:
    data = _read_config()
    folders = data.get("last_folders")
    folders = dict(folders) if isinstance(folders, dict) else {}
    if folders.get(kind) == str(folder):
        return
    folders[kind] = str(folder)
    data["last_folders"] = folders
    _write_config(data)


# -- the hall display's screen -------------------------------------------------------------------


def hall_screen() -> int | None:
    """The screen (1 = the first) this PC's 叫号屏 fills; ``None``: the primary screen."""
    value = _read_config().get("hall_screen")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def save_hall_screen(number: int | None) -> None:
    data = _read_config()
    if number is None:
        data.pop("hall_screen", None)
    else:
        data["hall_screen"] = number
    _write_config(data)


# -- the window, per account ------------------------------------------------------------------


@dataclass(frozen=True)
class WindowState:
    """Where an account left the main window on this PC: its geometry (Qt's saveGeometry,
    base64) and the key of the page it showed ("registration", "queue", ...)."""

    geometry: str | None = None
    page: str | None = None


def window_state(login: str) -> WindowState:
    """The window as ``login`` left it on this PC (nothing known: the defaults)."""
    entry = _read_config().get("window", {})
    state = entry.get(login) if isinstance(entry, dict) else None
    if not isinstance(state, dict):
        return WindowState()
    geometry, page = state.get("geometry"), state.get("page")
    return WindowState(geometry if isinstance(geometry, str) else None,
                       page if isinstance(page, str) else None)


def save_window_state(login: str, state: WindowState) -> None:
    data = _read_config()
    windows = data.get("window")
    if not isinstance(windows, dict):
        windows = {}
    windows[login] = {"geometry": state.geometry, "page": state.page}
    data["window"] = windows
    _write_config(data)
