"""The admin edits the centre's settings and this PC's database in 系统设置."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop import config
from desktop.db import Database
from desktop.services import reference
from desktop.services.admin.settings import load_settings
from desktop.services.reception.receipts import receipt_data
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.main_window import MainWindow
from tests.conftest import TEST_CENTRE
from tests.factories import id_number
from tests.qt_helpers import type_text


def _settings_page(qtbot: QtBot, database: Database) -> tuple[MainWindow, SettingsPage]:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    return window, page


def test_centre_settings_are_saved_and_used_on_the_receipt(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    _window, page = _settings_page(qtbot, sqlite_database)
    page.centre_name.clear()
    type_text(qtbot, page.centre_name, "东湖街道综治中心")
    page.centre_phone.clear()
    type_text(qtbot, page.centre_phone, "027-88886666")
    page.receipt_paper.setCurrentIndex(page.receipt_paper.findData("80mm"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "设置已保存。"
    with sqlite_database.read() as session:
        settings = load_settings(session)
    assert (settings.centre_name, settings.centre_phone, settings.receipt_paper) == (
        "东湖街道综治中心", "027-88886666", "80mm")
    with sqlite_database.read() as session:
        room_id = reference.rooms(session)[0].id
        category_id = reference.categories(session)[0].id
    result = register_visit(sqlite_database, RegistrationInput(
        name="钱七", id_number=id_number(3), phone="13700137000", summary="咨询", room_id=room_id,
        category_id=category_id))
    with sqlite_database.read() as session:
        data = receipt_data(session, result.visit_no)
    assert data.centre_name == "东湖街道综治中心" and data.paper == "80mm"


def test_empty_centre_name_is_refused(qtbot: QtBot, sqlite_database: Database) -> None:
    _window, page = _settings_page(qtbot, sqlite_database)
    page.centre_name.clear()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["centre_name"].text() == "请填写中心名称"
    with sqlite_database.read() as session:
        assert load_settings(session).centre_name == TEST_CENTRE.centre_name


def test_database_address_is_checked_before_it_is_saved(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str
) -> None:
    _window, page = _settings_page(qtbot, sqlite_database)
    type_text(qtbot, page.new_database_url, "postgresql+psycopg://u:p@127.0.0.1:1/db")
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    assert "无法连接" in page.errors["database_url"].text()
    assert config.resolve_database_url().origin == "default"

    page.new_database_url.clear()
    type_text(qtbot, page.new_database_url, sqlite_db_url)
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    assert config.resolve_database_url() == config.DatabaseChoice(sqlite_db_url, "config")
    qtbot.mouseClick(page.default_database_button, Qt.MouseButton.LeftButton)
    assert config.resolve_database_url().origin == "default"


def test_a_wrong_centre_phone_is_refused(qtbot: QtBot, sqlite_database: Database) -> None:
    _window, page = _settings_page(qtbot, sqlite_database)
    page.centre_phone.clear()
    type_text(qtbot, page.centre_phone, "abc")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["centre_phone"].text()
    assert page.status.text() == "设置未保存。"
    with sqlite_database.read() as session:
        assert load_settings(session).centre_phone != "abc"


def test_a_failed_connection_test_replaces_the_saved_message(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    _window, page = _settings_page(qtbot, sqlite_database)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "设置已保存。"
    type_text(qtbot, page.new_database_url, "postgresql+psycopg://u:p@127.0.0.1:1/db")
    qtbot.mouseClick(page.check_database_button, Qt.MouseButton.LeftButton)
    assert "无法连接" in page.errors["database_url"].text()
    assert "失败" in page.status.text()


def test_the_database_password_is_not_shown(
    qtbot: QtBot, sqlite_database: Database, postgres_url: str
) -> None:
    with_password = postgres_url.replace("postgres@", "postgres:Secret-42@", 1)
    assert "Secret-42" in with_password
    config.save_database_url(with_password)
    _window, page = _settings_page(qtbot, sqlite_database)
    # The address is shown without its password, which stays in the credential store
    # (or the private pgpass file); saving the address as shown keeps it.
    assert "Secret-42" not in page.new_database_url.text()
    assert page.new_database_url.text() == postgres_url
    qtbot.mouseClick(page.save_database_button, Qt.MouseButton.LeftButton)
    assert config.configured_database_url() == postgres_url
    stored = config.with_stored_password(postgres_url)
    assert "Secret-42" in stored or "passfile" in stored


def test_the_idle_lock_minutes_are_set_in_the_window(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window, page = _settings_page(qtbot, sqlite_database)
    field = page.centre_form.line("idle_lock_minutes")
    assert field.text() == "10" and window.idle.timer.interval() == 10 * 60_000
    field.clear()
    type_text(qtbot, field, "0")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["idle_lock_minutes"].text() == "无操作锁定时间应为 1 到 240 分钟"
    assert window.idle.timer.interval() == 10 * 60_000
    field.clear()
    type_text(qtbot, field, "3")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "设置已保存。"
    # This window locks after the new time at once; others when next started.
    assert window.idle.timer.interval() == 3 * 60_000
    with sqlite_database.read() as session:
        assert load_settings(session).idle_lock_minutes == "3"
