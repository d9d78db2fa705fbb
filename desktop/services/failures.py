"""What went wrong, in words a user can act on, and reports that carry no personal data.

:func:`database_trouble` sorts a database failure into what the user sees:
the database cannot be reached (the server went away, the file cannot be
opened, it is locked), it is read-only, or the disk is full. The window shows
it once as a banner and retries; the command line prints it and exits with 2.

:func:`user_message` is the Chinese message for any failure the user can fix
(bad input, a missing number, a file that cannot be written, a database that
cannot be reached, a mistyped database address); ``None`` means a defect.

:func:`safe_traceback` formats an exception for the log and the error report:
where it happened (files, lines, functions) and the exception types, without
their messages, which may quote names, 身份证号 or what was typed.
"""

from __future__ import annotations

import errno
import sqlite3
import traceback
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from desktop.db import Database
from desktop.services.errors import (
    FeatureUnavailableError,
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)

UNAVAILABLE = "unavailable"
READ_ONLY = "read_only"
DISK_FULL = "disk_full"
NOT_A_DATABASE = "not_a_database"

# PostgreSQL error classes (SQLSTATE) of a database that cannot be reached or written.
_SQLSTATE_KINDS = {
    "53100": DISK_FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction (standby, default_transaction_read_only)
    "57P01": UNAVAILABLE,  # admin_shutdown
    "57P02": UNAVAILABLE,  # crash_shutdown
    "57P03": UNAVAILABLE,  # cannot_connect_now
    "3D000": UNAVAILABLE,  # invalid_catalog_name: the database does not exist
    "28P01": UNAVAILABLE,  # invalid_password
    "28000": UNAVAILABLE,  # invalid_authorization_specification
    "53300": UNAVAILABLE,  # too_many_connections
}
# SQLite's result codes for the same (a full disk shows as SQLITE_FULL, or as a failed
# write or shared-memory resize when the WAL or its index cannot grow).
_SQLITE_CODES = (
    ("SQLITE_READONLY", READ_ONLY),
    ("SQLITE_FULL", DISK_FULL),
    ("SQLITE_IOERR_SHMSIZE", DISK_FULL),
    ("SQLITE_IOERR_WRITE", DISK_FULL),
    ("SQLITE_IOERR", UNAVAILABLE),
    ("SQLITE_CANTOPEN", UNAVAILABLE),
    ("SQLITE_BUSY", UNAVAILABLE),
    ("SQLITE_LOCKED", UNAVAILABLE),
    ("SQLITE_NOTADB", NOT_A_DATABASE),
    ("SQLITE_CORRUPT", NOT_A_DATABASE),
)


@dataclass(frozen=True)
class DatabaseTrouble:
    """A database that cannot be used right now, and what to tell the user."""

    kind: str  # UNAVAILABLE, READ_ONLY, DISK_FULL or NOT_A_DATABASE
    message: str  # what happened and what to do, in Chinese

    @property
    def banner(self) -> str:
        """The one line the window shows while it waits for the database."""
        return f"{self.message}已保存的内容不受影响，正在自动重试…"


MESSAGES = {
    UNAVAILABLE: "无法连接数据库（服务器未启动、网络中断或数据库文件无法打开）。",
    READ_ONLY: "数据库暂时无法写入（只读）。",
    DISK_FULL: "磁盘已满，数据库暂时无法写入，请清理磁盘空间。",
    NOT_A_DATABASE: "数据库文件已损坏或不是本程序的数据库文件。",
}


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (``orig``) and what caused it, each once."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return seen


def database_trouble(exc: BaseException) -> DatabaseTrouble | None:
    """The database failure behind ``exc``, or ``None`` when it is something else."""
    for item in _chain(exc):
        code = getattr(item, "sqlstate", None)
        if code and code in _SQLSTATE_KINDS:
            return _trouble(_SQLSTATE_KINDS[code])
        if code and code.startswith("08"):  # connection_exception
            return _trouble(UNAVAILABLE)
        if isinstance(item, sqlite3.Error):
            name = getattr(item, "sqlite_errorname", "") or ""
            for prefix, kind in _SQLITE_CODES:
                if name.startswith(prefix):
                    return _trouble(kind)
        if isinstance(item, sa_exc.DBAPIError) and item.connection_invalidated:
            return _trouble(UNAVAILABLE)
        if isinstance(item, sa_exc.DisconnectionError | sa_exc.InterfaceError):
            return _trouble(UNAVAILABLE)
        if type(item).__module__.startswith("psycopg") and \
                type(item).__name__ in ("OperationalError", "InterfaceError"):
            return _trouble(UNAVAILABLE)
        if isinstance(item, OSError) and item.errno in (errno.ENOSPC, errno.EDQUOT):
            return _trouble(DISK_FULL)
    return None


def _trouble(kind: str) -> DatabaseTrouble:
    return DatabaseTrouble(kind, MESSAGES[kind])


class _Undo(Exception):
    """Raised to roll the write check back."""


# The write check adds a row and rolls it back: taking the write lock and writing the row
# are refused by a read-only file, a full disk or a read-only server. Its size decides
# nothing (measured on a full disk: 1 byte and 80 KB fail at the same free space).
_WRITE_CHECK = text("INSERT INTO centre_setting (key, value) VALUES ('~write-check~', :value)")


def check_database(database: Database, *, write: bool = False) -> None:
    """Raise what the database raises if it cannot be read (or written) now; change nothing."""
    if not write:
        with database.read() as session:
            session.execute(text("SELECT 1"))
        return
    try:
        with database.write() as session:
            session.execute(_WRITE_CHECK, {"value": "x"})
            raise _Undo
    except _Undo:
        pass


def user_message(exc: BaseException) -> str | None:
    """The Chinese message for a failure the user can fix; ``None`` for a defect."""
    from desktop.services.files import os_error_message

    if isinstance(exc, ValidationError):
        return "；".join(dict.fromkeys(exc.errors.values())) or str(exc)
    if isinstance(exc, NotFoundError | FeatureUnavailableError | StaleEditError
                  | PermissionDenied):
        return str(exc)
    trouble = database_trouble(exc)
    if trouble is not None:
        return trouble.message
    if isinstance(exc, sa_exc.ArgumentError):  # NoSuchModuleError (a driver) among them
        return "数据库地址不正确，例如 postgresql+psycopg://用户:密码@服务器:5432/zongzhi"
    if isinstance(exc, OSError):
        return os_error_message(exc)
    if isinstance(exc, MemoryError):
        return "内存不足，无法完成该操作"
    return None


def describe(exc: BaseException) -> str:
    """The type of an exception (and its SQLSTATE), never its message."""
    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    code = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)
    if isinstance(exc, OSError) and exc.errno:
        return f"{name} (errno {errno.errorcode.get(exc.errno, exc.errno)})"
    return f"{name} (SQLSTATE {code})" if code else name


def safe_traceback(exc: BaseException) -> str:
    """Where ``exc`` (and the exceptions it came from) happened, without their messages."""
    chain: list[BaseException] = []
    item: BaseException | None = exc
    while item is not None and not any(item is c for c in chain):
        chain.append(item)
        item = item.__cause__ or (None if item.__suppress_context__ else item.__context__)
    parts: list[str] = []
    for position, item in enumerate(reversed(chain)):
        if position:
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n"
                         if item.__cause__ is None else
                         "\nThe above exception was the direct cause of the following exception:"
                         "\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(item.__traceback__)))
        parts.append(describe(item) + "\n")
    return "".join(parts)
