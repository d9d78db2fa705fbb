"""The rating pad through its real window: a ticket finished at the desk is offered,
rated by a tap against that ticket and member of staff, or left 未评价 after the minute."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.cli import main
from desktop.db import Database
from desktop.models import Rectification, VisitRating
from desktop.services.admin import auth
from desktop.services.closure import pad
from desktop.views import app as app_module
from desktop.views.closure.rating_pad import RatingPadWindow
from desktop.views.errors import ExceptionHook
from tests.rating_pad_helpers import add_staff, pad_connection, served


@pytest.fixture
def pad_db(database: Database) -> Iterator[Database]:
    with pad_connection(database) as connection:
        yield connection


def _open(qtbot: QtBot, database: Database, room: str = "mediation",
          **kw: int) -> RatingPadWindow:
    with database.read() as session:
        where = pad.pad_room(session, room)
    window = RatingPadWindow(database=database, room=where, poll_ms=50, **kw)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    return window


def _touch(qtbot: QtBot, widget: QAbstractButton) -> None:
    """A finger on the button and off again (Qt makes the click of it)."""
    device = QTest.createTouchDevice()
    centre = widget.mapTo(widget.window(), widget.rect().center())
    QTest.touchEvent(widget.window(), device).press(0, centre).commit()
    QTest.touchEvent(widget.window(), device).release(0, centre).commit()
    qtbot.wait(20)


def _screen_texts(window: QWidget) -> str:
    return " ".join(w.text() for w in window.findChildren(QLabel) + window.findChildren(
        QPushButton) if w.isVisible())


def _ratings(database: Database) -> list[tuple[int | None, int | None, str, str]]:
    with database.read() as session:
        return [(r.referral_id, r.staff_id, r.level, r.channel)
                for r in session.scalars(select(VisitRating).order_by(VisitRating.id))]


def test_a_finished_ticket_is_rated_by_a_tap(
    qtbot: QtBot, database: Database, pad_db: Database
) -> None:
    chen = add_staff(database)
    window = _open(qtbot, pad_db)
    assert window.at_idle
    assert window.welcome.text() == "欢迎评价"
    assert window.idle_room.text() == "矛盾纠纷调解室（一楼东侧）"
    assert window.centre.text() == "东林街道综治中心"
    # Another room's ticket is not this pad's.
    wang = add_staff(database, "王志刚", "room_staff", "关爱工作室")
    served(database, 2, wang, room="关爱工作室", category="困难帮扶")
    qtbot.wait(300)
    assert window.at_idle
    reg = served(database, 1, chen)  # finished at the desk through the queue
    qtbot.waitUntil(lambda: window.asking, timeout=3000)
    assert window.prompt.text() == "请您为本次服务评价"
    assert window.staff.text() == "工作人员：陈秀兰"
    assert window.photo.text() == "陈"
    assert window.ticket_label.text() == "矛盾纠纷调解室　排队号 调-001"
    assert [b.text() for b in window.level_buttons.values()] \
        == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert all(b.objectName() and b.accessibleName() for b in window.level_buttons.values())
    # Nothing of the resident on the screen.
    assert "测试1号" not in _screen_texts(window) and reg.visit_no not in _screen_texts(window)
    _touch(qtbot, window.level_buttons["满意"])
    qtbot.waitUntil(lambda: window.result_head.text() == "感谢您的评价", timeout=2000)
    assert window.result_detail.text() == "您的评价：满意"
    assert _ratings(database) == [(reg.referral_id, chen, "满意", "窗口评价器")]
    # Back to 欢迎评价, and the rated ticket is not offered again.
    window.go_idle()
    qtbot.wait(200)
    assert window.at_idle and "陈秀兰" not in _screen_texts(window)


def test_an_unsatisfied_tap_opens_a_rectification(
    qtbot: QtBot, database: Database, pad_db: Database
) -> None:
    chen = add_staff(database)
    window = _open(qtbot, pad_db)
    reg = served(database, 1, chen)
    qtbot.waitUntil(lambda: window.asking, timeout=3000)
    qtbot.mouseClick(window.level_buttons["不满意"], Qt.MouseButton.LeftButton)
    assert window.result_head.text() == "感谢您的评价"
    # A second tap on the way out records nothing more.
    qtbot.mouseClick(window.level_buttons["满意"], Qt.MouseButton.LeftButton)
    assert _ratings(database) == [(reg.referral_id, chen, "不满意", "窗口评价器")]
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None and (fix.visit_id, fix.status) == (reg.visit_id, "open")


def test_no_tap_within_the_time_shows_unrated_and_stores_nothing(
    qtbot: QtBot, database: Database, pad_db: Database
) -> None:
    chen = add_staff(database)
    window = _open(qtbot, pad_db, timeout_ms=300, result_ms=300)
    outcomes: list[int] = []
    window.rated.connect(outcomes.append)
    served(database, 1, chen)
    qtbot.waitUntil(lambda: window.asking, timeout=3000)
    qtbot.waitUntil(lambda: window.result_head.text() == "未评价", timeout=2000)
    assert window.result_detail.text() == "本次服务未评价"
    assert "陈秀兰" not in _screen_texts(window)
    qtbot.waitUntil(lambda: window.at_idle, timeout=2000)
    # The same ticket is not asked about again while it is still within its minute.
    qtbot.wait(300)
    assert window.at_idle and outcomes == [0]
    with database.read() as session:
        assert session.scalar(select(func.count(VisitRating.id))) == 0


def test_the_rating_pad_command(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[RatingPadWindow] = []

    def full_screen(self: RatingPadWindow) -> None:
        shown.append(self)
        self.show()
        QTimer.singleShot(300, QApplication.quit)

    monkeypatch.setattr(RatingPadWindow, "showFullScreen", full_screen)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    monkeypatch.delenv("DESKTOP_USER")  # nobody signs in at the pad
    monkeypatch.delenv("DESKTOP_PASSWORD")
    assert app_module.run_rating_pad
    assert main(["--db", sqlite_db_url, "rating-pad", "--room", "window", "--screen", "1"]) == 0
    (window,) = shown
    assert window.database.actor == auth.RATING_PAD_ACTOR
    assert window.idle_room.text() == "综合受理窗口（群众接待大厅）"
    window.close()
    window.deleteLater()
    qtbot.wait(50)


def test_the_rating_pad_command_refuses_an_unknown_room(
    sqlite_database: Database, sqlite_db_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    monkeypatch.delenv("DESKTOP_USER")
    monkeypatch.delenv("DESKTOP_PASSWORD")
    assert main(["--db", sqlite_db_url, "rating-pad", "--room", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err
