"""The status bar says in words which centre and where the data is (issue 9)."""

from __future__ import annotations

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
