"""系统设置 → 备份, the automatic backups of the window, and the check at start."""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop import config
from desktop.config import backup_settings, sqlite_url
from desktop.db import Database
from desktop.services.admin import auth, backups
from desktop.services.bootstrap import open_database
from desktop.services.demo.generate import generate_demo_data
from desktop.services.errors import ValidationError
from desktop.views import app as app_module
from desktop.views import dialogs
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.app import BackupScheduler, check_at_start, run_gui
from desktop.views.main_window import MainWindow
from tests.conftest import TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD, set_up_centre
from tests.db_trouble import damage_leaf_pages
from tests.qt_helpers import loop_ends_within, type_text


def _settings_page(qtbot: QtBot, database: Database) -> SettingsPage:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    return page


def visits(database: Database) -> int:
    path = backups.sqlite_file(database.engine.url.render_as_string(hide_password=False))
    assert path is not None
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM visit").fetchone()[0])


class Answers:
    """What the admin answers to the questions and sees in the messages."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: bool = True) -> None:
        self.asked: list[str] = []
        self.told: list[str] = []
        self.answer = answer
        monkeypatch.setattr(dialogs, "confirm", self.confirm)
        monkeypatch.setattr(dialogs, "inform", self.tell)
        monkeypatch.setattr(dialogs, "warn", self.tell)

    def confirm(self, _parent: object, _title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answer

    def tell(self, _parent: object, _title: str, text: str) -> None:
        self.told.append(text)


def test_backup_now_list_and_restore(qtbot: QtBot, sqlite_database: Database,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch)
    generate_demo_data(sqlite_database, visits=12, seed=4)
    page = _settings_page(qtbot, sqlite_database)
    assert page.backup_folder.text() == str(backup_settings().folder)
    assert page.backup_days.value() == 30
    assert page.backups_table.rowCount() == 0

    qtbot.mouseClick(page.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.backups_table.rowCount() == 1, timeout=10_000)
    assert "已备份" in page.backup_status.text()
    assert page.backups_table.item(0, 1).text() == "备份"

    generate_demo_data(sqlite_database, visits=5, seed=9)
    assert visits(sqlite_database) == 17
    # Nothing chosen: nothing restored.
    page.backups_table.clearSelection()
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert "请先" in page.backup_status.text() and not answers.asked

    page.backups_table.selectRow(0)
    answers.answer = False
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    assert len(answers.asked) == 1 and visits(sqlite_database) == 17

    answers.answer = True
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已恢复备份" in page.backup_status.text(), timeout=10_000)
    assert "重新启动" in page.backup_status.text() and "重新启动" in answers.told[-1]
    assert visits(sqlite_database) == 12
    qtbot.waitUntil(lambda: page.backups_table.rowCount() == 2, timeout=10_000)
    assert page.backups_table.item(0, 1).text() == "恢复前的数据库"


def test_folder_and_days_are_checked_and_saved(qtbot: QtBot, sqlite_database: Database,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    Answers(monkeypatch)
    page = _settings_page(qtbot, sqlite_database)
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    page.backup_folder.clear()
    type_text(qtbot, page.backup_folder, str(not_a_folder))
    qtbot.mouseClick(page.save_backup_button, Qt.MouseButton.LeftButton)
    assert "不是文件夹" in page.errors["backup_folder"].text()
    assert "未保存" in page.backup_status.text()
    assert not backup_settings().chosen

    share = tmp_path / "second-disk" / "desk"
    page.backup_folder.clear()
    type_text(qtbot, page.backup_folder, str(share))
    page.backup_days.setValue(90)
    qtbot.mouseClick(page.save_backup_button, Qt.MouseButton.LeftButton)
    assert page.errors["backup_folder"].isHidden()
    assert backup_settings() == config.BackupSettings(share, 90, True)
    assert share.is_dir()
    monkeypatch.setattr(dialogs, "ask_folder", lambda *_a: tmp_path)
    qtbot.mouseClick(page.choose_backup_folder_button, Qt.MouseButton.LeftButton)
    assert page.backup_folder.text() == str(tmp_path)

    qtbot.mouseClick(page.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.backups_table.rowCount() == 1, timeout=10_000)
    assert [b.path.parent for b in backups.list_backups()] == [share]


def test_a_failed_backup_is_said(qtbot: QtBot, sqlite_database: Database, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch)
    page = _settings_page(qtbot, sqlite_database)
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    config.save_backup_settings(blocker, 30)
    qtbot.mouseClick(page.refresh_backups_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "无法读取备份文件夹" in page.backup_status.text(), timeout=10_000)
    assert not answers.told  # a folder that cannot be read is said on the page, no dialog
    qtbot.mouseClick(page.backup_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answers.told), timeout=10_000)
    assert "不是文件夹" in answers.told[0] and "不是文件夹" in page.backup_status.text()
    assert page.backup_now_button.isEnabled()


def test_postgres_page_says_how_the_server_is_backed_up(qtbot: QtBot, postgres_url: str) -> None:
    database = set_up_centre(open_database(postgres_url))
    try:
        page = _settings_page(qtbot, database)
        assert "pg_dump" in page.backup_note.text()
        assert not page.restore_button.isEnabled()
    finally:
        database.dispose()


def test_the_scheduler_backs_up_once_a_day_and_at_exit(qtbot: QtBot,
                                                       sqlite_database: Database) -> None:
    scheduler = BackupScheduler(sqlite_database)
    messages: list[str] = []
    scheduler.message.connect(messages.append)
    task = scheduler.run_if_due()
    assert task is not None
    qtbot.waitUntil(lambda: scheduler.task is None, timeout=10_000)
    assert len(backups.list_backups()) == 1 and "已自动备份" in messages[0]
    # The same day: nothing more.
    scheduler.run_if_due()
    qtbot.waitUntil(lambda: scheduler.task is None, timeout=10_000)
    assert len(backups.list_backups()) == 1
    # At exit: nothing written since, no backup; written since, one more.
    assert scheduler.backup_on_exit() is None
    generate_demo_data(sqlite_database, visits=3, seed=2)
    path = backups.sqlite_file(scheduler.url)
    assert path is not None
    newest = backups.list_backups()[0].path.stat().st_mtime
    os.utime(path, (newest + 5, newest + 5))
    assert scheduler.backup_on_exit() is not None
    assert len(backups.list_backups()) == 2


def test_a_failed_automatic_backup_is_in_the_status_bar(qtbot: QtBot, sqlite_database: Database,
                                                        tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    config.save_backup_settings(blocker, 30)
    scheduler = BackupScheduler(sqlite_database)
    with qtbot.waitSignal(scheduler.message, timeout=10_000) as signal:
        scheduler.run_if_due()
    assert "自动备份失败" in signal.args[0] and "不是文件夹" in signal.args[0]


# -- the check at start -----------------------------------------------------------------------


def _damaged_default_database() -> tuple[str, backups.Backup]:
    url = sqlite_url(config.paths.default_database_path())
    database = set_up_centre(open_database(url))
    generate_demo_data(database, visits=8, seed=3)
    backup = backups.create_backup(url)
    database.dispose()
    path = config.paths.default_database_path()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database any more" * 200)
    return url, backup


def test_a_damaged_database_is_restored_at_start_when_the_user_agrees(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = Answers(monkeypatch, answer=True)
    url, backup = _damaged_default_database()
    check_at_start(None, show_dialogs=True)
    assert backup.path.name in answers.asked[0] and "backup restore" in answers.asked[0]
    assert "已从" in answers.told[0]
    assert backups.quick_check(url) is None
    database = open_database(url)
    try:
        assert visits(database) == 8
    finally:
        database.dispose()


def test_a_damaged_database_is_left_alone_when_the_user_declines(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    Answers(monkeypatch, answer=False)
    url, backup = _damaged_default_database()
    with pytest.raises(ValidationError) as refused:
        check_at_start(None, show_dialogs=True)
    assert str(backup.path) in refused.value.errors["database"]
    assert backups.quick_check(url) is not None


def test_a_damaged_database_without_backups(qtbot: QtBot,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    answers = Answers(monkeypatch)
    _url, backup = _damaged_default_database()
    backup.path.unlink()
    with pytest.raises(ValidationError) as refused:
        check_at_start(None, show_dialogs=True)
    assert "没有可用的备份" in refused.value.errors["database"]
    assert "没有可用的备份" in answers.told[0] and not answers.asked


def test_a_sound_database_passes_the_start_check(sqlite_database: Database) -> None:
    check_at_start(sqlite_database.engine.url.render_as_string(hide_password=False),
                   show_dialogs=True)


def test_the_window_takes_the_days_backup_without_waiting_for_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_gui: the check at start, the day's backup off the GUI thread, then exit."""
    url = sqlite_url(config.paths.default_database_path())
    set_up_centre(open_database(url)).dispose()
    monkeypatch.setattr(app_module, "BACKUP_FIRST_MS", 0)
    # The sign-in dialog has its own tests: here the test account signs in without it.
    monkeypatch.setattr(app_module, "sign_in_or_set_up", lambda database: bool(
        auth.sign_in(database, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)))

    deadline = time.monotonic() + 60

    def close_when_backed_up() -> None:
        # The window of this start: earlier tests' closed ones may not be deleted yet.
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and (backups.list_backups() or time.monotonic() > deadline):
            windows[0].close()
        else:
            QTimer.singleShot(50, close_when_backed_up)

    QTimer.singleShot(0, close_when_backed_up)
    with loop_ends_within(90):
        code = run_gui(no_err_windows=True)
    assert code == 0, "the start never ended by itself"
    # Nothing was written after it: the exit adds no second backup.
    assert len(backups.list_backups()) == 1


def _default_database_damaged_inside() -> tuple[str, backups.Backup]:
    """A file that still opens, but whose visit pages are garbage: only the check sees it."""
    url = sqlite_url(config.paths.default_database_path())
    database = set_up_centre(open_database(url))
    generate_demo_data(database, visits=60, seed=5)
    backup = backups.create_backup(url)
    database.dispose()
    damage_leaf_pages(config.paths.default_database_path(), "visit", 2)
    open_database(url).dispose()  # it opens: nothing at open time says it is damaged
    return url, backup


def test_the_start_check_can_be_stopped(tmp_path: Path) -> None:
    """A check still running when the window closes is stopped, not waited for."""
    path = tmp_path / "big.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
        conn.execute("CREATE INDEX ix_t_b ON t (b)")
        conn.executemany("INSERT INTO t (b) VALUES (?)",
                         ((f"第{i}条记录" * 4,) for i in range(400_000)))
    conn.close()
    damage_leaf_pages(path, "t", 3)
    url = sqlite_url(path)
    assert backups.quick_check(url, lambda: False) is not None
    # Stopped: the damage it may have found is not claimed.
    assert backups.quick_check(url, lambda: True) is None


def test_damage_found_beside_the_sign_in_closes_it_and_offers_the_backup(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-in does not wait for the check; the check, finding damage, ends the start."""
    from PySide6.QtWidgets import QDialog

    answers = Answers(monkeypatch, answer=True)
    url, backup = _default_database_damaged_inside()
    shown: list[QDialog] = []

    def sign_in_waiting(_database: Database) -> bool:
        dialog = QDialog()
        dialog.setObjectName("sign_in_stand_in")
        shown.append(dialog)
        return dialog.exec() == QDialog.DialogCode.Accepted  # closed by the check

    monkeypatch.setattr(app_module, "sign_in_or_set_up", sign_in_waiting)
    with loop_ends_within(90):
        code = run_gui(no_err_windows=False)
    assert code == 0, "the start never ended by itself"
    assert len(shown) == 1 and not shown[0].isVisible()
    assert backup.path.name in answers.asked[0]
    assert "请重新启动程序" in answers.told[0]
    assert backups.quick_check(url) is None
    database = open_database(url)
    try:
        assert visits(database) == 60
    finally:
        database.dispose()


def test_a_sound_file_s_check_lets_the_window_run(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(config.paths.default_database_path())
    set_up_centre(open_database(url)).dispose()
    checked: list[str | None] = []
    real_check = app_module.StartCheck._checked

    def spy(self: app_module.StartCheck, problem: object) -> None:
        checked.append(problem if isinstance(problem, str) else None)
        real_check(self, problem)

    monkeypatch.setattr(app_module.StartCheck, "_checked", spy)
    monkeypatch.setattr(app_module, "sign_in_or_set_up", lambda database: bool(
        auth.sign_in(database, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)))

    deadline = time.monotonic() + 60
    frozen: list[int] = []

    def close_when_checked() -> None:
        # The window of this start: earlier tests' closed ones may not be deleted yet.
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if windows and (checked or time.monotonic() > deadline):  # never wait forever
            frozen.append(gc.get_freeze_count())
            windows[0].close()
        else:
            QTimer.singleShot(50, close_when_checked)

    QTimer.singleShot(0, close_when_checked)
    with loop_ends_within(90):
        code = run_gui(no_err_windows=True)
    assert code == 0, "the start never ended by itself"
    assert checked == [None], "the start check never reported"
    # What the start built is kept out of the collector's full passes while it runs.
    assert frozen and frozen[0] > 0


def test_a_stopped_scheduler_takes_no_backup_later(qtbot: QtBot,
                                                   sqlite_database: Database) -> None:
    """Stopped right after its start (the window closed at once), the first look is
    cancelled too: it would otherwise back up whatever database was open seconds later."""
    scheduler = BackupScheduler(sqlite_database)
    scheduler.first.setInterval(50)
    scheduler.start()
    assert scheduler.first.isActive()
    scheduler.stop()
    qtbot.wait(300)
    assert scheduler.task is None and backups.list_backups() == []
