"""A database that cannot be used for a while, and what the user gets told.

The services say which trouble it is (unreachable, read-only, disk full); the
window shows it once in a banner instead of the unexpected-error dialog, keeps
what was typed, pauses its polling and recovers by itself when the database is
back. Error reports and the log carry no personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop import paths
from desktop.config import sqlite_url
from desktop.db import Database
from desktop.logging_setup import setup_logging
from desktop.models import Person, Visit
from desktop.services import failures
from desktop.services.bootstrap import open_database
from desktop.services.errors import ValidationError
from desktop.services.reception import queue
from desktop.views import errors
from desktop.views.db_status import status_for
from desktop.views.main_window import MainWindow
from desktop.views.reception.hall_display import HallDisplay
from tests.conftest import add_test_admin
from tests.db_trouble import (
    disk_full,
    postgres_away,
    postgres_read_only,
    sqlite_read_only,
    tiny_disk,
)
from tests.factories import id_number
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import register

PERSONAL = "11010519491231002X"


def visits(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Visit)) or 0)


def caught(action: Callable[[], Any]) -> BaseException:
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("no exception")


# -- the services: which trouble it is ------------------------------------------------------

def test_sqlite_read_only_is_told(sqlite_database: Database) -> None:
    with sqlite_read_only(sqlite_database):
        exc = caught(lambda: register(sqlite_database, 1))
        trouble = failures.database_trouble(exc)
        assert trouble is not None and trouble.kind == failures.READ_ONLY
        assert failures.user_message(exc) == failures.MESSAGES[failures.READ_ONLY]
        failures.check_database(sqlite_database)  # reading still works
        with pytest.raises(Exception) as checked:
            failures.check_database(sqlite_database, write=True)
        assert failures.database_trouble(checked.value) == trouble
    failures.check_database(sqlite_database, write=True)
    assert visits(sqlite_database) == 0


@pytest.fixture
def database_on_tiny_disk(tmp_path: Path) -> Iterator[Database]:
    with tiny_disk(tmp_path / "disk") as folder:
        database = open_database(sqlite_url(folder / "desk.sqlite3"))
        add_test_admin(database)
        try:
            yield database
        finally:
            database.dispose()


def test_sqlite_disk_full_is_told(database_on_tiny_disk: Database) -> None:
    database = database_on_tiny_disk
    with disk_full(database):
        exc = caught(lambda: register(database, 1))
        trouble = failures.database_trouble(exc)
        assert trouble is not None and trouble.kind == failures.DISK_FULL
        assert "磁盘已满" in (failures.user_message(exc) or "")
        with pytest.raises(Exception) as checked:
            failures.check_database(database, write=True)
        assert failures.database_trouble(checked.value) == trouble
    failures.check_database(database, write=True)
    register(database, 2)
    assert visits(database) == 1


@pytest.mark.postgres
def test_postgres_server_away_and_read_only(postgres_url: str) -> None:
    database = open_database(postgres_url)
    add_test_admin(database)
    try:
        with postgres_away(database):
            exc = caught(lambda: register(database, 1))
            trouble = failures.database_trouble(exc)
            assert trouble is not None and trouble.kind == failures.UNAVAILABLE
        failures.check_database(database, write=True)
        with postgres_read_only(database):
            exc = caught(lambda: register(database, 2))
            trouble = failures.database_trouble(exc)
            assert trouble is not None and trouble.kind == failures.READ_ONLY
        register(database, 3)
        assert visits(database) == 1
    finally:
        database.dispose()


def test_a_defect_is_not_database_trouble() -> None:
    assert failures.database_trouble(KeyError("x")) is None
    assert failures.user_message(KeyError("x")) is None


# -- no personal data in messages, the log or the report ------------------------------------

def test_sql_parameters_and_messages_stay_out_of_reports(database: Database) -> None:
    register(database, 1, id_number=PERSONAL, name="张秀兰")
    exc = caught(lambda: _duplicate(database))
    assert isinstance(exc, IntegrityError)
    assert PERSONAL not in str(exc).split("DETAIL")[0]  # hide_parameters
    report = errors.format_report(type(exc), exc, exc.__traceback__)
    assert "IntegrityError" in report and "test_database_trouble.py" in report
    for secret in (PERSONAL, "张秀兰"):
        assert secret not in report
        assert secret not in failures.safe_traceback(exc)


def _duplicate(database: Database) -> None:
    with database.write() as session:
        session.add(Person(name="张秀兰", id_number=PERSONAL))


def test_log_keeps_the_place_not_the_message(fresh_logging: None) -> None:
    setup_logging()
    log = logging.getLogger("desktop.test")
    try:
        raise ValueError(f"身份证号 {PERSONAL}")
    except ValueError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (paths.log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "builtins.ValueError" in text and "test_database_trouble.py" in text
    assert PERSONAL not in text


# -- the window ------------------------------------------------------------------------------

@pytest.fixture
def no_error_dialog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors.ErrorDialog, "exec",
                        lambda self: pytest.fail("the unexpected-error dialog was shown"))


def banner(window: Any) -> QLabel:
    found = window.findChild(QLabel, "database_banner")
    assert found is not None
    return found


def fill_registration(qtbot: QtBot, window: MainWindow) -> None:
    page = window.registration
    type_text(qtbot, page.name, "王秀英")
    type_text(qtbot, page.id_number, id_number(7))
    type_text(qtbot, page.phone, "13912345678")
    page.category.setCurrentIndex(page.category.findText("邻里"))
    type_text(qtbot, page.summary, "邻居长期占用楼道堆放杂物")


@pytest.fixture(params=["read_only", "disk_full"])
def trouble(request: pytest.FixtureRequest) -> tuple[Database, Any, str]:
    """A database, what makes it unwritable for a while, and the banner's words for it."""
    if request.param == "read_only":
        database = request.getfixturevalue("sqlite_database")
        return database, sqlite_read_only(database), "只读"
    database = request.getfixturevalue("database_on_tiny_disk")
    return database, disk_full(database), "磁盘已满"


def test_saving_while_the_database_cannot_be_written(
    qtbot: QtBot, trouble: tuple[Database, Any, str], no_error_dialog: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database, unwritable, words = trouble
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    status = status_for(database)
    status.timer.setInterval(50)
    assert banner(window).isHidden()
    fill_registration(qtbot, window)
    page = window.registration
    save = page.findChild(QPushButton, "registration.save")
    caplog.set_level(logging.WARNING, logger="desktop.views.db_status")
    with unwritable:
        for _attempt in range(3):
            qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        window.queue.on_poll(force=True)
        qtbot.wait(200)  # the background checks fail meanwhile
        assert banner(window).isVisible()
        assert words in banner(window).text() and "正在自动重试" in banner(window).text()
        assert "未保存" in page.status.text()
        # Everything typed is still there, nothing was written, and it was said once.
        assert page.name.text() == "王秀英" and page.id_number.text() == id_number(7)
        assert page.summary.toPlainText() == "邻居长期占用楼道堆放杂物"
        assert len([r for r in caplog.records if "cannot be used" in r.message]) == 1
    qtbot.waitUntil(lambda: banner(window).isHidden(), timeout=5000)
    assert visits(database) == 0
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert visits(database) == 1
    window.close()


def test_a_database_failure_reaching_the_hook_shows_the_banner_not_the_dialog(
    qtbot: QtBot, sqlite_database: Database, no_error_dialog: None,
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    hook = errors.ExceptionHook(show_dialogs=True)
    status_for(sqlite_database).timer.setInterval(50)
    with sqlite_read_only(sqlite_database):
        exc = caught(lambda: register(sqlite_database, 1))
    hook.handle(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: banner(window).isVisible())
    qtbot.waitUntil(lambda: banner(window).isHidden(), timeout=8000)
    window.close()


@pytest.mark.postgres
def test_queue_and_hall_display_wait_for_a_server_that_went_away(
    qtbot: QtBot, postgres_url: str, no_error_dialog: None, caplog: pytest.LogCaptureFixture,
) -> None:
    database = open_database(postgres_url)
    add_test_admin(database)
    try:
        reg = register(database, 1)
        window = MainWindow(database=database)
        qtbot.addWidget(window)
        show_active(qtbot, window)
        window.show_section("分流队列")
        page = window.queue
        page.room.setCurrentIndex(page.room.findText("矛盾纠纷调解室"))
        hall = HallDisplay(database=database, refresh_ms=60_000)
        qtbot.addWidget(hall)
        hall.show()
        status = status_for(database)
        status.timer.setInterval(100)
        caplog.set_level(logging.WARNING, logger="desktop.views.db_status")
        with postgres_away(database):
            for _poll in range(5):  # two seconds apart in real life
                page.on_poll()
                hall.refresh()
            assert banner(window).isVisible() and banner(hall).isVisible()
            assert "无法连接数据库" in banner(window).text()
            assert len([r for r in caplog.records if "cannot be used" in r.message]) == 1
        queue.call(database, reg.referral_id)  # another desk calls it once the server is back
        qtbot.waitUntil(lambda: banner(window).isHidden(), timeout=10_000)
        assert banner(hall).isHidden()
        qtbot.waitUntil(lambda: reg.ticket_no in [hall.ticket_text(r) for r in hall.cards])
        qtbot.waitUntil(lambda: [page.table.item(i, 4).text()
                                 for i in range(page.table.rowCount())] == ["已叫号"])
        hall.close()
        window.close()
        QApplication.processEvents()
    finally:
        database.dispose()


def test_an_address_of_another_kind_of_database_is_refused_before_anything_opens(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValidationError) as refused:
        open_database("mysql://desk@127.0.0.1/centre")
    assert refused.value.errors == {"database_url": "只支持 SQLite 和 PostgreSQL 数据库"}


def test_the_first_start_logs_the_seeding_and_which_database_it_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    url = sqlite_url(tmp_path / "new.sqlite3")
    with caplog.at_level(logging.INFO, logger="desktop.services.bootstrap"):
        database = open_database(url)
        database.dispose()
        open_database(url).dispose()  # the second start seeds nothing
    messages = [r.getMessage() for r in caplog.records if r.name == "desktop.services.bootstrap"]
    assert messages == ["seeded rooms and categories", f"database {database.url} (option)",
                        f"database {database.url} (option)"]


def test_the_first_start_seeds_the_rooms_and_categories_once(tmp_path: Path) -> None:
    from desktop.models import Category, Room
    from desktop.services.seed import CATEGORIES, ROOMS, seed_reference_data

    database = open_database(sqlite_url(tmp_path / "new.sqlite3"))
    try:
        with database.read() as session:
            rooms = [(r.code, r.name, r.ticket_prefix, r.kind, r.location, r.sort_order, r.active)
                     for r in session.scalars(select(Room).order_by(Room.id))]
            codes = {r.id: r.code for r in session.scalars(select(Room))}
            categories = [(c.name, codes[c.suggested_room_id], c.sort_order, c.active)
                          for c in session.scalars(select(Category).order_by(Category.id))]
        with database.write() as session:
            assert seed_reference_data(session) is False  # seeded already: nothing added
    finally:
        database.dispose()
    assert rooms[0] == ("window", "综合受理窗口", "综", "window", "群众接待大厅", 0, True)
    assert rooms == [(*room, order, True) for order, room in enumerate(ROOMS)]
    assert categories[0] == ("婚姻家庭", "mediation", 0, True)
    assert categories == [(*category, order, True) for order, category in enumerate(CATEGORIES)]


def test_seeding_an_empty_database_says_it_did(tmp_path: Path) -> None:
    from sqlalchemy.orm import Session

    from desktop.db import make_engine, upgrade
    from desktop.services.seed import seed_reference_data

    engine = make_engine(sqlite_url(tmp_path / "empty.sqlite3"))
    upgrade(engine)
    try:
        with Session(engine) as session:
            assert seed_reference_data(session) is True
    finally:
        engine.dispose()
