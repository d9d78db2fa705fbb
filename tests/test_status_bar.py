"""The status bar says in words which centre and where the data is (issue 9)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.connection import describe_database
from desktop.views.main_window import MainWindow


def test_the_status_bar_names_the_centre_not_the_address(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    label = window.database_label
    assert "sqlite" not in label.text() and "/" not in label.text()
    assert "综治中心" in label.text() and "本机" in label.text()
    assert "sqlite" in label.toolTip()


def test_a_shared_database_is_described_without_its_password() -> None:
    text = describe_database("postgresql+psycopg://desk:Secret-42@192.168.1.10:5432/zongzhi")
    assert "192.168.1.10" in text and "zongzhi" in text and "Secret-42" not in text


@pytest.mark.parametrize(("url", "words"), [
    ("sqlite:///C:/Users/desk/AppData/zongzhi.sqlite3", "数据保存在本机"),
    ("sqlite://", "数据保存在本机"),
    ("postgresql+psycopg://desk@127.0.0.1:5432/zongzhi", "数据保存在 本机 的共享数据库（zongzhi）"),
    ("postgresql+psycopg://desk@localhost/zongzhi", "数据保存在 本机 的共享数据库（zongzhi）"),
    ("postgresql+psycopg://desk@[::1]:5432/zongzhi", "数据保存在 本机 的共享数据库（zongzhi）"),
    ("postgresql+psycopg:///zongzhi", "数据保存在 本机 的共享数据库（zongzhi）"),
    ("postgresql+psycopg://desk@db-server/", "数据保存在 db-server 的共享数据库（）"),
    ("not a database address", "数据位置未知"),
], ids=["sqlite-file", "sqlite-memory", "loopback", "localhost", "ipv6-loopback", "no-host",
        "server", "unreadable"])
def test_the_status_bar_words_for_each_kind_of_address(url: str, words: str) -> None:
    """This PC's own server reads 本机 whichever way it is written; a SQLite file never shows
    its path, and an address that cannot be read says so instead of failing."""
    assert describe_database(url) == words
