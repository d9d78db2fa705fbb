"""Checking a database address, rule by rule: what the screen shows of it, each refusal
in its own words, and the connection tried (and closed) before the address is kept.

Every address here is invented; the only server reached is the test PostgreSQL on
127.0.0.1, and the silent "server" is a socket this test opens on 127.0.0.1.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import engine as sa_engine

from desktop import paths
from desktop.config import sqlite_url
from desktop.services import connection
from desktop.services.connection import (
    FORMAT_HINT,
    NETWORK_SHARE,
    database_url_error,
    shown_url,
    url_problem,
)

EMPTY = "请填写数据库地址"
ONLY_TWO = "只支持 SQLite 和 PostgreSQL 数据库"
WRONG_DRIVER = "不支持的数据库驱动，PostgreSQL 请使用 postgresql+psycopg://"
UNREACHABLE = "无法连接数据库，请检查服务器地址、端口、用户名和密码"


# -- shown_url --------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg://zongzhi:Mi%40ma2026@10.8.0.5:5432/zongzhi",
     "postgresql+psycopg://zongzhi:***@10.8.0.5:5432/zongzhi"),
    ("postgresql+psycopg://zongzhi:Mi:ma/2026@10.8.0.5/zongzhi",  # ":" and "/" in it
     "postgresql+psycopg://zongzhi:***@10.8.0.5/zongzhi"),
    ("postgresql+psycopg://综治:密码2026@综治服务器:5432/综治",
     "postgresql+psycopg://综治:***@综治服务器:5432/综治"),
    ("postgresql+psycopg://zongzhi:@10.8.0.5/zongzhi",  # an empty password
     "postgresql+psycopg://zongzhi:***@10.8.0.5/zongzhi"),
])
def test_the_password_is_hidden_and_the_rest_shown_as_typed(url: str, shown: str) -> None:
    assert shown_url(url) == shown


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://zongzhi@10.8.0.5/zongzhi",
    "postgresql+psycopg://zongzhi%40east@10.8.0.5/zongzhi",
    # The default address on a Windows PC whose account has a Chinese name: the drive
    # letter and the folder are read on the phone to the IT helper, not %3A and %E5...
    "sqlite:///C:/Users/张三/AppData/Local/zongzhi-desk/desk.sqlite3",
    "sqlite:///:memory:",
    "sqlite:///D:/备份@2026/desk.sqlite3",  # a colon, then an "@": still no password
])
def test_an_address_without_a_password_is_shown_as_typed(url: str) -> None:
    assert shown_url(url) == url


@pytest.mark.parametrize("url", [
    "这不是数据库地址",
    "postgresql+psycopg://zongzhi@10.8.0.5:端口/zongzhi",  # a port that is no number
    "10.8.0.5:5432/zongzhi",
    "",
])
def test_an_unreadable_address_is_shown_as_it_is(url: str) -> None:
    assert shown_url(url) == url


def test_an_unreadable_address_still_hides_its_password() -> None:
    assert shown_url("postgresql+psycopg://zongzhi:Mi2026@10.8.0.5:端口/zongzhi") == \
        "postgresql+psycopg://zongzhi:***@10.8.0.5:端口/zongzhi"


# -- url_problem ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["", "   ", "\t\n"])
def test_an_empty_address_is_asked_for(url: str) -> None:
    assert url_problem(url) == EMPTY


def test_the_format_hint_reads_as_the_settings_page_shows_it() -> None:
    assert FORMAT_HINT == ("数据库地址格式不正确，例如 "
                           "postgresql+psycopg://用户:密码@服务器:5432/zongzhi")


@pytest.mark.parametrize("url", [
    "not a url",
    "10.8.0.5:5432/zongzhi",
    "postgresql+psycopg://zongzhi@10.8.0.5:端口/zongzhi",  # the port: ValueError
    "nosuchdb://zongzhi@10.8.0.5/zongzhi",  # no such dialect: NoSuchModuleError
])
def test_an_address_that_cannot_be_read_gets_the_format_hint(url: str) -> None:
    assert url_problem(url) == FORMAT_HINT


@pytest.mark.parametrize("url", [
    "mysql://zongzhi@10.8.0.5/zongzhi",
    "mysql+pymysql://zongzhi@10.8.0.5/zongzhi",
    "oracle://zongzhi@10.8.0.5/zongzhi",
    "mssql+pyodbc://zongzhi@10.8.0.5/zongzhi",
])
def test_only_sqlite_and_postgresql_are_supported(url: str) -> None:
    assert url_problem(url) == ONLY_TWO


@pytest.mark.parametrize("url", [
    "postgresql+psycopg2://zongzhi@10.8.0.5/zongzhi",
    "postgresql+asyncpg://zongzhi@10.8.0.5/zongzhi",
    "postgresql+pg8000://zongzhi@10.8.0.5/zongzhi",
    "sqlite+aiosqlite:///desk.sqlite3",
    "sqlite+pysqlcipher://:secret@/desk.sqlite3",
])
def test_a_driver_other_than_psycopg_or_pysqlite_is_refused(url: str) -> None:
    assert url_problem(url) == WRONG_DRIVER


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://zongzhi:Mi2026@10.8.0.5:5432/zongzhi",
    "postgresql://zongzhi@10.8.0.5/zongzhi",  # psycopg is PostgreSQL's default driver
    "sqlite:///desk.sqlite3",
    "sqlite+pysqlite:///D:/zongzhi/desk.sqlite3",
    "  sqlite:///desk.sqlite3\n",  # spaces around, as pasted
    "sqlite://",
    "sqlite:///:memory:",
])
def test_the_accepted_forms(url: str) -> None:
    assert url_problem(url) is None


@pytest.fixture
def everything_on_a_share(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path counts as on a network share; the paths asked about, in order."""
    asked: list[str] = []

    def on_share(path: Path | str, **_kw: object) -> bool:
        asked.append(str(path))
        return True

    monkeypatch.setattr(paths, "on_network_share", on_share)
    return asked


def test_a_sqlite_file_on_a_share_is_refused(everything_on_a_share: list[str]) -> None:
    assert NETWORK_SHARE == "SQLite 数据库不能放在网络共享文件夹上；多台电脑共用请使用 PostgreSQL"
    assert url_problem("sqlite:///Z:/zongzhi/desk.sqlite3") == NETWORK_SHARE
    assert everything_on_a_share == ["Z:/zongzhi/desk.sqlite3"]


def test_memory_and_no_file_and_a_server_are_never_on_a_share(
    everything_on_a_share: list[str]
) -> None:
    assert url_problem("sqlite:///:memory:") is None
    assert url_problem("sqlite://") is None
    assert url_problem("postgresql+psycopg://zongzhi@10.8.0.5/zongzhi") is None
    assert everything_on_a_share == []


# -- database_url_error -----------------------------------------------------------------------

@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[sa_engine.Engine]:
    """The engines the check makes (the real ones), to see them closed afterwards."""
    made: list[sa_engine.Engine] = []
    real = connection.create_engine

    def create_engine(*args: Any, **kwargs: Any) -> sa_engine.Engine:
        engine = real(*args, **kwargs)
        made.append(engine)
        return engine

    monkeypatch.setattr(connection, "create_engine", create_engine)
    return made


def test_a_sqlite_file_is_accepted_and_its_connection_closed(
    tmp_path: Path, engines: list[sa_engine.Engine]
) -> None:
    url = sqlite_url(tmp_path / "desk.sqlite3")
    assert database_url_error(f"  {url} ") is None
    (engine,) = engines
    assert engine.pool.checkedin() == 0  # disposed: no connection left open


def test_the_test_postgresql_is_accepted_and_its_connection_closed(
    postgres_url: str, engines: list[sa_engine.Engine]
) -> None:
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert database_url_error(postgres_url) is None
    (engine,) = engines
    assert engine.pool.checkedin() == 0


def test_nothing_listening_is_refused_in_words_and_logged_without_the_password(
    engines: list[sa_engine.Engine], caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://zongzhi:Mi2026@127.0.0.1:{port}/zongzhi"
    with caplog.at_level(logging.INFO, logger="desktop.services.connection"):
        assert database_url_error(url) == UNREACHABLE
    (engine,) = engines
    assert engine.pool.checkedin() == 0
    (record,) = [r for r in caplog.records if r.name == "desktop.services.connection"]
    assert record.getMessage().startswith(
        f"database check failed for postgresql+psycopg://zongzhi:***@127.0.0.1:{port}/zongzhi: ")
    assert "Mi2026" not in caplog.text


def test_a_refused_address_is_never_tried(engines: list[sa_engine.Engine]) -> None:
    assert database_url_error("") == EMPTY
    assert database_url_error("mysql://zongzhi@127.0.0.1/zongzhi") == ONLY_TWO
    assert database_url_error("postgresql+psycopg2://zongzhi@127.0.0.1/zongzhi") == WRONG_DRIVER
    assert engines == []


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port on 127.0.0.1 that takes the connection and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        yield server.getsockname()[1]


def test_a_server_that_never_answers_is_given_up_after_five_seconds(silent_server: int) -> None:
    url = f"postgresql+psycopg://zongzhi@127.0.0.1:{silent_server}/zongzhi"
    result: list[str | None] = []
    started = time.monotonic()
    check = threading.Thread(target=lambda: result.append(database_url_error(url)), daemon=True)
    check.start()
    check.join(timeout=15)
    elapsed = time.monotonic() - started
    assert not check.is_alive(), "the check waited on a silent server with no time limit"
    assert result == [UNREACHABLE]
    assert 4.9 <= elapsed < 8, elapsed


def test_a_file_that_opens_but_is_no_database_is_refused(tmp_path: Path) -> None:
    """SQLite opens any file; only a first query finds it is not a database."""
    notes = tmp_path / "会议记录.sqlite3"
    notes.write_text("这不是数据库，是一份会议记录。\n" * 200, encoding="utf-8")
    assert database_url_error(sqlite_url(notes)) == (
        "该文件不是数据库文件（已损坏或是其他程序的文件），请选择本程序的数据库文件")
    assert notes.read_text(encoding="utf-8").startswith("这不是数据库")  # left as it was
    empty = tmp_path / "新数据库.sqlite3"
    empty.write_bytes(b"")  # an empty file is a new, empty database
    assert database_url_error(sqlite_url(empty)) is None
