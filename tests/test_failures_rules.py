"""The crash report's traceback: Python's own, frame for frame and link for link, with each
exception named by its type only (its message may hold a name or a 身份证号)."""

from __future__ import annotations

import errno
import sqlite3
import traceback
from pathlib import Path

import pytest

from desktop.services import failures
from desktop.services.files import free_name
from tests.factories import id_number

NAME, ID_NUMBER = "secret-1 张秀兰", f"secret-2 {id_number(7)}"  # an invented person


class Trouble(Exception):
    """An exception of this program's own, named with its module in the report."""


def _fail_inside() -> None:
    raise KeyError(NAME)


def _caught(link: str) -> BaseException:
    try:
        try:
            _fail_inside()
        except KeyError as first:
            if link == "cause":
                raise Trouble(ID_NUMBER) from first
            if link == "context":
                raise Trouble(ID_NUMBER)  # noqa: B904
            raise Trouble(ID_NUMBER) from None
    except Trouble as exc:
        return exc
    raise AssertionError("nothing raised")


def _without_messages(report: str) -> str:
    return (report.replace(f"KeyError: {NAME!r}", "builtins.KeyError")
            .replace(f"{__name__}.Trouble: {ID_NUMBER}", f"{__name__}.Trouble"))


@pytest.mark.parametrize("link", ["cause", "context", "suppressed"])
def test_the_traceback_is_pythons_own_without_the_messages(link: str) -> None:
    exc = _caught(link)
    python = "".join(traceback.format_exception(exc))
    assert "secret" in python  # the comparison below is not between two empty texts
    safe = failures.safe_traceback(exc)
    assert safe == _without_messages(python)
    assert "secret" not in safe and "张秀兰" not in safe
    assert safe.count("Traceback (most recent call last):\n") == (1 if link == "suppressed" else 2)


def test_a_chain_that_loops_back_is_reported_once_round() -> None:
    first, second = _caught("suppressed"), _caught("suppressed")
    first.__context__, first.__suppress_context__ = second, False
    second.__context__, second.__suppress_context__ = first, False
    safe = failures.safe_traceback(first)
    assert safe.count("Traceback (most recent call last):\n") == 2
    assert safe.count("During handling of the above exception") == 1


def test_a_free_name_beside_a_held_file_counts_from_two(tmp_path: Path) -> None:
    held = tmp_path / "来访登记台账.xlsx"
    assert free_name(held) == held.with_name("来访登记台账 (2).xlsx")
    held.with_name("来访登记台账 (2).xlsx").write_bytes(b"")
    held.with_name("来访登记台账 (4).xlsx").write_bytes(b"")
    assert free_name(held) == held.with_name("来访登记台账 (3).xlsx")
    plain = tmp_path / "README"
    assert free_name(plain) == plain.with_name("README (2)")


class Wrapped(Exception):
    """A driver error wrapped the way SQLAlchemy wraps one (``orig``)."""

    def __init__(self, orig: BaseException) -> None:
        super().__init__("wrapped")
        self.orig = orig


def _disk_full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


def test_the_trouble_is_found_wherever_it_sits_in_the_chain() -> None:
    assert failures.database_trouble(Wrapped(_disk_full())) == failures.DatabaseTrouble(
        failures.DISK_FULL, failures.MESSAGES[failures.DISK_FULL])
    # Not under the cause, which leads nowhere, but under the context beside it.
    beside = RuntimeError("outer")
    beside.__cause__, beside.__context__ = ValueError("cause"), Wrapped(_disk_full())
    assert failures.database_trouble(beside) is not None
    assert failures.database_trouble(beside).kind == failures.DISK_FULL  # type: ignore[union-attr]
    deep = RuntimeError("outer")
    deep.__context__ = KeyError("middle")
    deep.__context__.__cause__ = Wrapped(Wrapped(_disk_full()))
    assert failures.database_trouble(deep).kind == failures.DISK_FULL  # type: ignore[union-attr]


def test_a_chain_that_loops_back_without_trouble_is_no_trouble() -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__context__, second.__context__ = second, first
    assert failures.database_trouble(first) is None
    assert failures.database_trouble(OSError(errno.ENOENT, "gone")) is None


class ServerError(Exception):
    """What psycopg raises: the server's SQLSTATE on the exception."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__("server said no")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("sqlstate", "kind"), [
    ("53100", failures.DISK_FULL), ("25006", failures.READ_ONLY),
    ("57P01", failures.UNAVAILABLE), ("57P02", failures.UNAVAILABLE),
    ("57P03", failures.UNAVAILABLE), ("3D000", failures.UNAVAILABLE),
    ("28P01", failures.UNAVAILABLE), ("28000", failures.UNAVAILABLE),
    ("53300", failures.UNAVAILABLE),
    ("08006", failures.UNAVAILABLE), ("08001", failures.UNAVAILABLE),  # connection_exception
    ("23505", None), ("40001", None), ("0A000", None), ("80000", None), ("", None),  # defects
])
def test_each_server_error_class_is_its_trouble(sqlstate: str, kind: str | None) -> None:
    found = failures.database_trouble(Wrapped(ServerError(sqlstate)))
    assert found == (failures.DatabaseTrouble(kind, failures.MESSAGES[kind]) if kind else None)


def _sqlite_error(name: str | None) -> sqlite3.Error:
    error = sqlite3.OperationalError("database trouble")
    if name is not None:
        error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(("name", "kind"), [
    ("SQLITE_READONLY", failures.READ_ONLY), ("SQLITE_READONLY_DBMOVED", failures.READ_ONLY),
    ("SQLITE_FULL", failures.DISK_FULL), ("SQLITE_IOERR_SHMSIZE", failures.DISK_FULL),
    ("SQLITE_IOERR_WRITE", failures.DISK_FULL), ("SQLITE_IOERR_READ", failures.UNAVAILABLE),
    ("SQLITE_IOERR", failures.UNAVAILABLE), ("SQLITE_CANTOPEN", failures.UNAVAILABLE),
    ("SQLITE_BUSY", failures.UNAVAILABLE), ("SQLITE_LOCKED", failures.UNAVAILABLE),
    ("SQLITE_NOTADB", failures.NOT_A_DATABASE), ("SQLITE_CORRUPT", failures.NOT_A_DATABASE),
    ("SQLITE_CONSTRAINT_UNIQUE", None), ("SQLITE_ERROR", None), ("", None), (None, None),
])
def test_each_sqlite_result_code_is_its_trouble(name: str | None, kind: str | None) -> None:
    found = failures.database_trouble(Wrapped(_sqlite_error(name)))
    assert found == (failures.DatabaseTrouble(kind, failures.MESSAGES[kind]) if kind else None)
