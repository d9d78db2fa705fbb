"""The crash report's traceback: Python's own, frame for frame and link for link, with each
exception named by its type only (its message may hold a name or a 身份证号)."""

from __future__ import annotations

import errno
import sqlite3
import traceback
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from desktop.services import failures
from desktop.services.errors import (
    FeatureUnavailableError,
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from desktop.services.files import free_name, os_error_message
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


@pytest.mark.parametrize(("number", "words"), [
    (errno.ENOENT, "找不到文件或文件夹"), (errno.EACCES, "没有权限读写"),
    (errno.EPERM, "没有权限读写"), (errno.EISDIR, "这是一个文件夹，不是文件"),
    (errno.ENOTDIR, "路径中有一部分不是文件夹"), (errno.ENOSPC, "磁盘已满"),
    (errno.EDQUOT, "磁盘配额已满"), (errno.EROFS, "磁盘是只读的"),
    (errno.ENAMETOOLONG, "文件名过长"), (errno.EEXIST, "文件已存在"),
    (errno.EBUSY, "文件正被其他程序使用"),
])
def test_each_file_error_the_user_can_fix_is_said_in_chinese_with_its_path(
    number: int, words: str
) -> None:
    error = OSError(number, "in English", "D:/台账/来访登记台账.xlsx")
    assert os_error_message(error) == f"{words}：D:/台账/来访登记台账.xlsx"
    assert os_error_message(error, Path("E:/备份")) == f"{words}：{Path('E:/备份')}"
    assert os_error_message(OSError(number, "in English")) == words
    told = failures.user_message(error)
    if number in (errno.ENOSPC, errno.EDQUOT):  # a full disk is told as database trouble
        assert told == failures.MESSAGES[failures.DISK_FULL]
    else:
        assert told == f"{words}：D:/台账/来访登记台账.xlsx"


def test_another_file_error_says_what_the_system_said() -> None:
    assert os_error_message(OSError(errno.EIO, "Input/output error", "F:/x.pdf")) == (
        "无法读写文件（Input/output error）：F:/x.pdf")
    assert os_error_message(OSError()) == "无法读写文件（OSError）"
    assert os_error_message(FileExistsError()) == "无法读写文件（FileExistsError）"


def test_what_the_user_is_told_for_each_kind_of_failure() -> None:
    refused = ValidationError({"name": "请填写姓名", "alias": "请填写姓名",
                               "phone": "电话号码不正确"})
    assert failures.user_message(refused) == "请填写姓名；电话号码不正确"  # each once, in order
    assert failures.user_message(ValidationError({})) == ""
    for told in (NotFoundError("没有找到该案件"), FeatureUnavailableError("需要安装 pg_dump"),
                 StaleEditError("已被他人修改"), PermissionDenied("visit.create", "登记来访")):
        assert failures.user_message(told) == str(told)
    assert failures.user_message(Wrapped(_disk_full())) == failures.MESSAGES[failures.DISK_FULL]
    assert failures.user_message(sa_exc.ArgumentError("bad url")) == (
        "数据库地址不正确，例如 postgresql+psycopg://用户:密码@服务器:5432/zongzhi")
    assert failures.user_message(sa_exc.NoSuchModuleError("mysql")) == (
        failures.user_message(sa_exc.ArgumentError("bad url")))
    assert failures.user_message(MemoryError()) == "内存不足，无法完成该操作"
    assert failures.user_message(KeyError("x")) is None
    assert failures.user_message(RuntimeError("a defect")) is None


def _unavailable() -> failures.DatabaseTrouble:
    return failures.DatabaseTrouble(failures.UNAVAILABLE, failures.MESSAGES[failures.UNAVAILABLE])


def test_a_connection_lost_or_refused_is_the_database_away() -> None:
    for driver_error in (psycopg.OperationalError("connection refused"),
                         psycopg.InterfaceError("the connection is closed")):
        assert failures.database_trouble(driver_error) == _unavailable()
        assert failures.database_trouble(Wrapped(driver_error)) == _unavailable()
    assert failures.database_trouble(psycopg.DataError("bad value")) is None
    assert failures.database_trouble(psycopg.ProgrammingError("bad query")) is None
    lost = sa_exc.DBAPIError("SELECT 1", None, RuntimeError("gone"), connection_invalidated=True)
    assert failures.database_trouble(lost) == _unavailable()
    kept = sa_exc.DBAPIError("SELECT 1", None, RuntimeError("x"), connection_invalidated=False)
    assert failures.database_trouble(kept) is None
    assert failures.database_trouble(sa_exc.DisconnectionError("pool")) == _unavailable()
    assert failures.database_trouble(
        sa_exc.InterfaceError("SELECT 1", None, RuntimeError("closed"))) == _unavailable()


def test_a_full_disk_or_quota_is_disk_full_another_os_error_is_not_trouble() -> None:
    for number in (errno.ENOSPC, errno.EDQUOT):
        assert failures.database_trouble(OSError(number, "full")) == failures.DatabaseTrouble(
            failures.DISK_FULL, failures.MESSAGES[failures.DISK_FULL])
    assert failures.database_trouble(OSError(errno.EACCES, "denied")) is None


@pytest.mark.parametrize(("exc", "described"), [
    (ServerError("57P01"), "tests.test_failures_rules.ServerError (SQLSTATE 57P01)"),
    (Wrapped(ServerError("23505")), "tests.test_failures_rules.Wrapped (SQLSTATE 23505)"),
    (OSError(errno.ENOSPC, "No space left on device"), "builtins.OSError (errno ENOSPC)"),
    (OSError(99999, "?"), "builtins.OSError (errno 99999)"),
    (OSError("no number"), "builtins.OSError"),
    (ValueError("张三 110105…"), "builtins.ValueError"),
], ids=["sqlstate", "sqlstate-under-orig", "errno", "errno-unknown", "no-errno", "plain"])
def test_the_report_names_the_error_its_sqlstate_or_errno_and_never_its_message(
        exc: BaseException, described: str) -> None:
    """What the admin is sent from the error dialog: enough to find the cause, nothing
    personal the message may hold."""
    assert failures.describe(exc) == described

