"""A day and more at the desk in one process: the binding must not drain the interpreter.

PySide6 6.12.0 on CPython 3.11 lost one reference to ``None`` on every call of a Qt
method that returns nothing (and one to ``True`` on every ``emit()``); the interpreter
aborted with "Fatal Python error: none_dealloc" after about 700 registrations typed
through the window. Short tests never got there. This one types and saves thousands of
registrations key by key at the desk, works each ticket through the queue on the room's
PC and refreshes the hall display, and checks on the way that ``None`` and ``True`` keep
their references and that the memory of the process stays level.

``None`` is checked for lost references only: PySide6 6.10 and 6.11 add one reference
to ``None`` for each wrapper that Qt deletes after a void method was called on it (the
closed dialogs, the table items the queue replaces), about 360 per registration here.
That costs no memory (the RSS check) and can never free ``None``; a loss aborts.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Referral, Visit
from desktop.views.main_window import MainWindow
from desktop.views.reception.queue_page import QueuePage
from desktop.views.reception.registration import RegistrationPage
from tests.factories import id_number
from tests.qt_helpers import click_named, show_active, type_text
from tests.reception_helpers import queue_dialog

REGISTRATIONS = 3000
WARM_UP = 50  # caches (SQLAlchemy's statements, Qt's fonts and styles) fill first
# Every few registrations the desk looks at another page and comes back: the rooms' pages,
# 回复评价 and 台账统计 refresh over a database that grows all day.
VISIT_PAGES_EVERY = 10
OTHER_PAGES = ["调解案件", "心理咨询", "警民联络", "关爱帮扶", "社会组织", "议事协商", "回复评价",
               "台账统计"]
CHECK_EVERY = 50
REFCOUNT_DRIFT = 300  # references; 6.12.0 lost about 230 per registration here
RSS_GROWTH = 256 * 2**20  # bytes, generous: 6.11.3 grew 5 MiB over 3,000 registrations
ROOM = "矛盾纠纷调解室"
# All routed to ROOM by their suggested room, so one queue page serves every visitor.
CATEGORIES = ["邻里", "婚姻家庭", "物业", "消费", "合同债务", "损害赔偿"]
REGIONS = ["110101", "110102", "110105", "110106"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "建国", "志强", "海燕", "文", "静", "国华", "玉梅", "伟"]
SUMMARIES = [
    "楼上装修噪音扰民",
    "邻居长期占用楼道堆放杂物",
    "物业费争议，要求减免",
    "网购商品质量问题协商未果",
    "借款到期未还，要求调解",
    "离婚后子女探望安排",
]


def _rss() -> int:
    """The resident memory of this process in bytes: the peak without /proc, 0 on Windows."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    try:
        import resource
    except ImportError:  # Windows: the reference counts are still checked
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _settle() -> None:
    """What the event loop does while the receptionist pauses: timers, paints, deletes."""
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _visitor(n: int) -> tuple[str, str, str]:
    """Name, 身份证号 and phone of an invented visitor; every seventh one comes back."""
    person = n - 5 if n % 7 == 0 else n
    name = SURNAMES[person % len(SURNAMES)] + GIVEN[person // len(SURNAMES) % len(GIVEN)]
    region = REGIONS[person // 1000]  # another district every thousand sequence numbers
    return name, id_number(person % 1000, region=region), f"139{person:08d}"


def _register(qtbot: QtBot, page: RegistrationPage, n: int) -> None:
    """Type one registration key by key, save it with Enter and close its receipt."""
    name, number, phone = _visitor(n)
    type_text(qtbot, page.name, name)
    _settle()  # the lookup of earlier visitors runs
    type_text(qtbot, page.id_number, number)
    _settle()
    type_text(qtbot, page.phone, phone)
    _settle()
    category = CATEGORIES[n % len(CATEGORIES)]
    qtbot.keyClick(page.category, Qt.Key.Key_Home)  # a closed list: arrow down to it
    for _ in range(page.category.findText(category)):
        qtbot.keyClick(page.category, Qt.Key.Key_Down)
    assert page.category.currentText() == category, n
    type_text(qtbot, page.summary, SUMMARIES[n % len(SUMMARIES)])
    assert page.room.currentText() == ROOM  # suggested by the category
    page.room.setFocus()
    qtbot.keyClick(page.room, Qt.Key.Key_Return)  # Enter in 分流去向 saves
    preview = page.last_preview
    assert preview is not None, (n, page.status.text(),
                                 {k: e.text() for k, e in page.errors.items() if e.text()})
    assert preview.preview.page_count() == 1  # the receipt
    qtbot.mouseClick(preview.close_button, Qt.MouseButton.LeftButton)
    page.last_preview = None
    _settle()


def _serve(qtbot: QtBot, page: QueuePage, n: int) -> int:
    """Call the next visitor and see them through; returns the queue actions taken."""
    click_named(qtbot, page, "queue.call_next")
    actions = 1
    if n % 11 == 10:  # called and not there
        click_named(qtbot, page, "queue.no_show")
        return actions + 1
    if n % 3 == 0:
        click_named(qtbot, page, "queue.recall")
        actions += 1
    if n % 13 == 5:  # 暂缓, back in the queue, called again
        click_named(qtbot, page, "queue.hold")
        dialog = queue_dialog(page)
        type_text(qtbot, dialog.widgets["reason"], "等候家属到场")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        click_named(qtbot, page, "queue.resume")
        click_named(qtbot, page, "queue.call_next")
        actions += 3
    click_named(qtbot, page, "queue.start")
    click_named(qtbot, page, "queue.finish")
    dialog = queue_dialog(page)
    result = dialog.widgets["result"]
    assert isinstance(result, QComboBox)
    result.setCurrentIndex(result.findData("left" if n % 5 == 0 else "resolved"))
    type_text(qtbot, dialog.widgets["note"], "已当场答复")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return actions + 2


@pytest.mark.slow
@pytest.mark.real_clock
@pytest.mark.first
def test_thousands_of_registrations_keep_the_interpreter_alive(
    qtbot: QtBot, sqlite_database: Database, request: pytest.FixtureRequest
) -> None:
    # Other tests' engines leave entries in SQLAlchemy's shared statement caches, and their
    # pruning frees thousands of references to True in one go (see tests/conftest.py).
    assert request.session.items[0] is request.node, "the soak runs first in its process"
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    page = window.registration
    # Between two fields the receptionist pauses longer than these delays: let them
    # fire at each pause instead of waiting for them in real time.
    page.lookup_timer.setInterval(0)
    page.draft_timer.setInterval(0)
    # The room's own PC works the queue and puts the hall display on the television.
    queue_page = QueuePage(database=sqlite_database)
    qtbot.addWidget(queue_page)
    show_active(qtbot, queue_page)
    queue_page.room.setCurrentIndex(queue_page.room.findText(ROOM))
    click_named(qtbot, queue_page, "queue.hall_display")
    hall = queue_page.hall
    assert hall is not None
    qtbot.waitExposed(hall)
    show_active(qtbot, window)

    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    pages = [t for t in OTHER_PAGES if window.navigation.item(titles.index(t)).flags()
             & Qt.ItemFlag.ItemIsEnabled]
    assert len(pages) >= 6, pages  # the test's account reads the rooms' pages
    for title in pages:  # each page is built once, before the references are counted
        window.show_section(title)
    window.show_section("接待登记")

    none_before = true_before = rss_before = 0
    samples: list[str] = []
    queue_actions = page_visits = 0
    for n in range(1, REGISTRATIONS + 1):
        _register(qtbot, page, n)
        queue_actions += _serve(qtbot, queue_page, n)
        hall.refresh()
        if n % VISIT_PAGES_EVERY == 0:
            window.show_section(pages[page_visits % len(pages)])
            page_visits += 1
            _settle()
            window.show_section("接待登记")
        if n % CHECK_EVERY and n != REGISTRATIONS:
            continue
        _settle()
        gc.collect()
        if n == WARM_UP:
            none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
            rss_before = _rss()
        elif n > WARM_UP:
            none_drift = sys.getrefcount(None) - none_before
            true_drift = sys.getrefcount(True) - true_before
            rss_growth = _rss() - rss_before
            samples.append(f"{n:>5} registrations: None {none_drift:+d}, True {true_drift:+d}, "
                           f"RSS {rss_growth / 2**20:+.0f} MiB")
            assert none_drift > -REFCOUNT_DRIFT and abs(true_drift) < REFCOUNT_DRIFT, samples
            assert rss_growth < RSS_GROWTH, samples

    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == REGISTRATIONS
        still_open = session.scalar(select(func.count()).select_from(Referral).where(
            Referral.status.in_(("waiting", "called", "serving", "on_hold"))))
    assert still_open == 0
    assert queue_actions > 3 * REGISTRATIONS
    assert hall.ticket_text(queue_page.room_id or 0)
    assert page_visits == REGISTRATIONS // VISIT_PAGES_EVERY
    print(f"\nsoak: {REGISTRATIONS} registrations, {queue_actions} queue actions, "
          f"{REGISTRATIONS} hall refreshes, {page_visits} other pages shown",
          *samples[-4:], sep="\n")
