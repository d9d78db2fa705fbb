"""The window comes back as each account left it, and 关于 says what runs where."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop import __version__, paths
from desktop.config import config_file, window_state
from desktop.db import Database
from desktop.logging_setup import log_file
from desktop.views.about_dialog import AboutDialog
from desktop.views.main_window import MainWindow
from tests.qt_helpers import show_active


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def test_the_window_comes_back_as_the_account_left_it(
        qtbot: QtBot, sqlite_database: Database) -> None:
    window = _window(qtbot, sqlite_database)
    assert window.current_page() is window.registration  # the first start: 接待登记
    window.resize(700, 500)  # inside the offscreen screen (800x600)
    window.move(20, 10)
    window.show_section("分流队列")
    window.close()
    assert window_state("testadmin").page == "queue"
    assert config_file().exists()

    again = _window(qtbot, sqlite_database)
    assert again.current_page() is again.queue
    assert (again.width(), again.height()) == (700, 500)
    again.close()


def test_each_account_has_its_own_window(qtbot: QtBot, sqlite_database: Database) -> None:
    admin = sqlite_database.actor
    window = _window(qtbot, sqlite_database)
    window.show_section("分流队列")
    window.close()
    # Another account on the same PC starts where nobody left it for them.
    sqlite_database.actor = dataclasses.replace(admin, login="clerk_two")
    other = _window(qtbot, sqlite_database)
    assert other.current_page() is other.registration
    other.close()
    assert window_state("clerk_two").page == "registration"
    assert window_state("testadmin").page == "queue"
    sqlite_database.actor = admin


def test_a_page_the_account_may_not_open_is_not_restored(
        qtbot: QtBot, sqlite_database: Database) -> None:
    """A state saved when the account had more roles opens nothing it may no longer see."""
    window = _window(qtbot, sqlite_database)
    window.show_section("系统设置")
    window.close()
    assert window_state("testadmin").page == "settings"
    admin = sqlite_database.actor
    sqlite_database.actor = dataclasses.replace(admin, roles=frozenset({"receptionist"}))
    try:
        again = _window(qtbot, sqlite_database)
        assert again.current_page() is again.registration
        assert not again.is_built("settings")
        again.close()
    finally:
        sqlite_database.actor = admin


def test_about_shows_version_database_and_folders(
        qtbot: QtBot, sqlite_database: Database) -> None:
    window = _window(qtbot, sqlite_database)
    qtbot.mouseClick(window.about_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(AboutDialog, "about_dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.version.text() == __version__
    assert str(make_url(sqlite_database.url).database) in dialog.database_url.text()
    assert dialog.data_folder.text() == str(paths.data_dir())
    assert dialog.log.text() == log_file()
    dialog.close()
    window.close()


def test_about_hides_the_password_of_a_server(qtbot: QtBot, sqlite_database: Database) -> None:
    server = Database.open("postgresql+psycopg://desk:Secret-2026@db.example:5432/zongzhi",
                           migrate=False)
    try:
        dialog = AboutDialog(database=server)
        qtbot.addWidget(dialog)
        text = dialog.database_url.text()
        assert "Secret-2026" not in text
        assert "desk:***@db.example:5432/zongzhi" in text
    finally:
        server.dispose()
