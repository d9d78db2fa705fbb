"""Checking a database address before this PC is pointed at it."""

from __future__ import annotations

import logging
import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from desktop import paths

log = logging.getLogger(__name__)

SUPPORTED = ("sqlite", "postgresql")


# The password of an address as SQLAlchemy reads it: after "user:", up to the first "@".
_PASSWORD = re.compile(r"^([\w+]+://[^:/]*:)[^@]*@")


def shown_url(url: str) -> str:
    """``url`` as the screen may show it: as typed (a drive letter or a Chinese folder name
    is not percent-encoded), the password replaced by ***. An address that cannot be read
    is shown as it is, its password hidden all the same."""
    return _PASSWORD.sub(r"\1***@", url, count=1)


def describe_database(url: str) -> str:
    """Where the data is, in words for the status bar (the address itself goes in a tooltip)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "数据位置未知"
    if parsed.get_backend_name() == "sqlite":
        return "数据保存在本机"
    where = parsed.host or "本机"
    if where in ("127.0.0.1", "localhost", "::1"):
        where = "本机"
    return f"数据保存在 {where} 的共享数据库（{parsed.database or ''}）"


NETWORK_SHARE = "SQLite 数据库不能放在网络共享文件夹上；多台电脑共用请使用 PostgreSQL"
FORMAT_HINT = "数据库地址格式不正确，例如 postgresql+psycopg://用户:密码@服务器:5432/zongzhi"
DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}
NOT_A_DATABASE_FILE = "该文件不是数据库文件（已损坏或是其他程序的文件），请选择本程序的数据库文件"
NOT_SQLITE = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a database address this program can use (without connecting)."""
    url = url.strip()
    if not url:
        return "请填写数据库地址"
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        driver = parsed.get_driver_name()
    except (ArgumentError, NoSuchModuleError, ValueError):
        return FORMAT_HINT
    if backend not in SUPPORTED:
        return "只支持 SQLite 和 PostgreSQL 数据库"
    if driver not in DRIVERS[backend]:
        return "不支持的数据库驱动，PostgreSQL 请使用 postgresql+psycopg://"
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and paths.on_network_share(parsed.database):
        return NETWORK_SHARE
    return None


def database_url_error(url: str) -> str | None:
    """Why this PC cannot use ``url``, in Chinese; ``None`` when a connection works."""
    problem = url_problem(url)
    if problem:
        return problem
    parsed = make_url(url.strip())
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 5
    try:
        engine = create_engine(parsed, connect_args=connect_args, hide_parameters=True)
    except (ArgumentError, NoSuchModuleError):
        return "不支持的数据库驱动，PostgreSQL 请使用 postgresql+psycopg://"
    sqlite = parsed.get_backend_name() == "sqlite"
    try:
        with engine.connect() as conn:
            # SQLite opens any file: only reading its header finds one that is no database.
            conn.execute(text("PRAGMA schema_version" if sqlite else "SELECT 1"))
    except SQLAlchemyError as exc:
        log.info("database check failed for %s: %s", parsed.render_as_string(), exc)
        if getattr(getattr(exc, "orig", None), "sqlite_errorname", "") in NOT_SQLITE:
            return NOT_A_DATABASE_FILE
        return "无法连接数据库，请检查服务器地址、端口、用户名和密码"
    finally:
        engine.dispose()
    return None
