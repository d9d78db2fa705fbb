"""Which database this PC opens, and checking an address before using it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import config
from desktop.services.connection import database_url_error


def test_default_is_sqlite_in_the_data_folder(isolated_data_dir: Path) -> None:
    choice = config.resolve_database_url()
    assert choice.origin == "default"
    assert choice.url == config.sqlite_url(isolated_data_dir / "desk.sqlite3")


def test_precedence_option_environment_config(monkeypatch: pytest.MonkeyPatch) -> None:
    config.save_database_url("sqlite:///from-config.sqlite3")
    assert config.resolve_database_url().origin == "config"
    monkeypatch.setenv(config.ENV_DB_URL, "sqlite:///from-env.sqlite3")
    assert config.resolve_database_url() == config.DatabaseChoice(
        "sqlite:///from-env.sqlite3", "environment")
    assert config.resolve_database_url("sqlite:///opt.sqlite3").origin == "option"
    monkeypatch.delenv(config.ENV_DB_URL)
    config.save_database_url(None)
    assert config.resolve_database_url().origin == "default"


def test_postgres_url_check(postgres_url: str) -> None:
    assert database_url_error(postgres_url) is None


def test_database_url_check(sqlite_db_url: str) -> None:
    assert database_url_error(sqlite_db_url) is None
    assert database_url_error("") == "请填写数据库地址"
    assert "格式不正确" in (database_url_error("not a url") or "")
    assert "只支持" in (database_url_error("mysql://u@h/db") or "")
    # Nothing listens on port 1: a clear message, no exception.
    assert "无法连接" in (database_url_error("postgresql+psycopg://u:p@127.0.0.1:1/db") or "")
