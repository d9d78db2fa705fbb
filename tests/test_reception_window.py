"""The whole desk through the real widgets: keyboard-only registration, repeat visitors,
refused input, the draft that survives closing the window."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import pytest
from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event, func, select

from desktop.db import Database
from desktop.models import Person, Referral, Visit
from desktop.views import dialogs
from desktop.views.main_window import MainWindow
from desktop.views.reception.registration import RegistrationPage
from desktop.views.reception.registration_draft import draft_path
from tests.factories import id_number
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import register


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _type(qtbot: QtBot, text: str) -> None:
    type_text(qtbot, _focus(), text)


def _key(qtbot: QtBot, key: Qt.Key, times: int = 1,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    for _ in range(times):
        qtbot.keyClick(_focus(), key, modifier)


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_keyboard_only_registration(qtbot: QtBot, sqlite_database: Database) -> None:
    window = _window(qtbot, sqlite_database)
    page = window.registration
    number = id_number(21, region="310104")
    assert _focus() is page.name  # the focus lands where typing starts
    _type(qtbot, "李桂英")
    _key(qtbot, Qt.Key.Key_Return)  # Enter moves on, like Tab
    assert _focus() is page.anonymous
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.gender
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.id_type
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.id_number
    _type(qtbot, number)
    assert page.gender.currentText() in ("男", "女")  # read from the 身份证号
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.phone  # 无证件原因 is skipped while a document is given
    _type(qtbot, "021-64001234")
    _key(qtbot, Qt.Key.Key_Return)
    _type(qtbot, "徐汇区和平里12号")
    _key(qtbot, Qt.Key.Key_Return)  # -> community
    _key(qtbot, Qt.Key.Key_Return)  # -> grid
    _key(qtbot, Qt.Key.Key_Return)  # -> source
    assert _focus() is page.source
    _key(qtbot, Qt.Key.Key_Down, 2)  # 12345热线
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.visit_type
    _key(qtbot, Qt.Key.Key_Down)  # 集体访
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.headcount
    _key(qtbot, Qt.Key.Key_A, modifier=Qt.KeyboardModifier.ControlModifier)
    _type(qtbot, "6")
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.representative_name
    assert page.representative_name.text() == "李桂英"
    _key(qtbot, Qt.Key.Key_Return)
    _type(qtbot, "13811112222")
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.category
    _key(qtbot, Qt.Key.Key_Down, 6)  # 劳动争议/欠薪
    assert page.category.currentText() == "劳动争议/欠薪"
    assert page.room.currentText() == "矛盾纠纷调解室"  # suggested by the category
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.summary
    _type(qtbot, "工地拖欠六名工人三个月工资")
    _key(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "要求尽快结清工资")
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.risk_level
    _key(qtbot, Qt.Key.Key_Down)  # 橙
    _key(qtbot, Qt.Key.Key_Return)
    assert _focus() is page.room  # 重复访 is skipped for a new visitor
    _key(qtbot, Qt.Key.Key_Return)  # Enter on the last field saves

    with sqlite_database.read() as session:
        visit = session.scalar(select(Visit))
        assert visit is not None
        person = visit.person
        assert (person.name, person.id_number, person.phone, person.address) == (
            "李桂英", number, "021-64001234", "徐汇区和平里12号")
        assert (visit.source, visit.visit_type, visit.headcount) == ("12345热线", "集体", 6)
        assert (visit.representative_name, visit.representative_phone) == (
            "李桂英", "13811112222")
        assert visit.category is not None and visit.category.name == "劳动争议/欠薪"
        assert (visit.summary, visit.request, visit.risk_level) == (
            "工地拖欠六名工人三个月工资", "要求尽快结清工资", "橙")
        assert visit.referrals[0].room.name == "矛盾纠纷调解室"
        ticket = visit.referrals[0].ticket_no
    assert ticket in page.status.text()
    preview = page.last_preview
    assert preview is not None
    qtbot.waitUntil(preview.isVisible)
    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name)
    assert page.name.text() == ""


def test_ctrl_s_saves_and_ctrl_n_starts_a_new_registration(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, sqlite_database)
    window.show_section("分流队列")
    page = window.registration
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    qtbot.keyClick(window.queue.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is page
    assert _focus() is page.name
    assert asked == []  # nothing typed, nothing to ask
    _type(qtbot, "周末")
    qtbot.keyClick(page.name, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1 and page.name.text() == ""


def test_repeat_visitor_is_found_and_marked(qtbot: QtBot, sqlite_database: Database) -> None:
    number = id_number(31)
    first = register(sqlite_database, 31, name="王秀英", category="物业",
                     summary="物业费争议", now=datetime(2026, 11, 2, 9, 0))
    register(sqlite_database, 32, name="王建国", id_number=id_number(32, region="440106"))
    window = _window(qtbot, sqlite_database)
    page = window.registration
    page.id_type.setFocus()
    qtbot.keyClick(page.id_type, Qt.Key.Key_Tab)
    _type(qtbot, number[:8])
    qtbot.waitUntil(lambda: page.matches.topLevelItemCount() == 1)
    person_item = page.matches.topLevelItem(0)
    assert person_item is not None
    assert "王秀英" in person_item.text(0) and "来访1次" in person_item.text(0)
    assert number not in person_item.text(0)  # the list shows masked numbers
    assert person_item.child(0).text(0).startswith(first.visit_no)
    _key(qtbot, Qt.Key.Key_Down)  # into the list
    assert _focus() is page.matches
    _key(qtbot, Qt.Key.Key_Down)  # the earlier visit
    _key(qtbot, Qt.Key.Key_Return)  # same matter: a repeat visit
    assert page.name.text() == "王秀英"
    assert page.id_number.text() == number
    assert page.category.currentText() == "物业"
    assert page.repeat_of.currentData() == first.visit_id
    assert "第 2 次" in page.repeat_info.text()
    assert _focus() is page.summary
    _type(qtbot, "物业费争议仍未解决")
    qtbot.keyClick(page.summary, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with sqlite_database.read() as session:
        visit = session.scalars(select(Visit).order_by(Visit.id.desc())).first()
        assert visit is not None and visit.is_repeat and visit.repeat_of_id == first.visit_id
        assert session.scalar(select(func.count()).select_from(Person)) == 2
    assert "第 2 次来访" in page.status.text()
    assert page.last_preview is not None
    page.last_preview.close()


def test_typing_a_name_finds_people_and_choosing_fills_the_form(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    register(sqlite_database, 41, name="赵丽华", phone="13900001111", category="邻里")
    window = _window(qtbot, sqlite_database)
    page = window.registration
    _type(qtbot, "赵丽")
    qtbot.waitUntil(lambda: page.matches.topLevelItemCount() == 1)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Return)
    assert page.phone.text() == "13900001111"
    assert page.repeat_of.isEnabled()
    # Choosing the category of an earlier visit suggests it is the same matter.
    page.category.setCurrentIndex(page.category.findText("邻里"))
    assert page.repeat_of.currentData() is not None


VALID = dict(name="钱多多", id_number=id_number(51), phone="13600001111", summary="邻里纠纷")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "请填写姓名"),
        ({"id_number": "110105198503140010"}, "id_number", "校验位"),
        ({"id_number": "11010519850314"}, "id_number", "应为18位"),
        ({"id_number": "110105199902301234"}, "id_number", "出生日期"),
        ({"id_type": "无证件"}, "no_id_reason", "说明原因"),
        ({"id_type": "护照", "id_number": ""}, "id_number", "请填写证件号码"),
        ({"phone": "8888"}, "phone", "电话号码格式不正确"),
        ({"phone": "1381234567"}, "phone", "11位"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"summary": ""}, "summary", "请填写来访事项摘要"),
        ({"category": None}, "category", "请选择事项类别"),
        ({"room": None}, "room", "请选择分流去向"),
        ({"visit_type": "集体", "representative_name": ""}, "representative_name", "代表人"),
        ({"visit_type": "集体", "representative_name": "甲",
          "representative_phone": "999"}, "representative_phone", "代表人电话号码"),
    ],
)
def test_each_invalid_input_is_refused_with_its_message(
    qtbot: QtBot, sqlite_database: Database, changes: dict[str, object], field: str,
    message: str,
) -> None:
    window = _window(qtbot, sqlite_database)
    page = window.registration
    values = {**VALID, "category": "邻里", "room": "矛盾纠纷调解室", **changes}
    page.id_type.setCurrentIndex(page.id_type.findData(values.get("id_type", "居民身份证")))
    page.visit_type.setCurrentIndex(page.visit_type.findData(values.get("visit_type", "个人")))
    for key in ("name", "id_number", "phone", "representative_name", "representative_phone"):
        if key in values and getattr(page, key).isEnabled():
            getattr(page, key).clear()
            type_text(qtbot, getattr(page, key), str(values[key]))
    type_text(qtbot, page.summary, str(values["summary"]))
    for key in ("category", "room"):
        combo = getattr(page, key)
        combo.setCurrentIndex(combo.findText(values[key]) if values[key] else 0)
    page.lookup_timer.stop()
    qtbot.mouseClick(page.findChild(QPushButton, "registration.save"),
                     Qt.MouseButton.LeftButton)
    label = page.findChild(QLabel, f"registration.{field}_error")
    assert label is not None and label.isVisible()
    assert message in label.text()
    assert "未保存" in page.status.text()
    for model in (Person, Visit, Referral):
        assert _count(sqlite_database, model) == 0
    assert page.last_preview is None


def test_draft_survives_closing_the_window(qtbot: QtBot, sqlite_database: Database) -> None:
    window = _window(qtbot, sqlite_database)
    page = window.registration
    _type(qtbot, "孙淑珍")
    type_text(qtbot, page.phone, "13700007777")
    page.risk_level.setCurrentIndex(page.risk_level.findData("红"))
    type_text(qtbot, page.summary, "儿子长期不付赡养费")
    window.close()  # by accident, before saving
    draft = json.loads(draft_path().read_text(encoding="utf-8"))
    assert draft["name"] == "孙淑珍" and draft["risk_level"] == "红"

    again = _window(qtbot, sqlite_database)
    page = again.registration
    assert page.name.text() == "孙淑珍"
    assert page.phone.text() == "13700007777"
    assert page.summary.toPlainText() == "儿子长期不付赡养费"
    assert page.risk_level.currentData() == "红"
    assert "草稿" in page.status.text()
    # Saved: the draft is gone.
    page.category.setCurrentIndex(page.category.findText("婚姻家庭"))
    type_text(qtbot, page.id_number, id_number(61))
    page.on_save()
    assert _count(sqlite_database, Visit) == 1
    assert not draft_path().exists()
    assert page.last_preview is not None
    page.last_preview.close()


def test_draft_is_autosaved_while_typing(qtbot: QtBot, sqlite_database: Database) -> None:
    page = RegistrationPage(database=sqlite_database)
    qtbot.addWidget(page)
    type_text(qtbot, page.address, "东风路8号")
    qtbot.waitUntil(draft_path().exists, timeout=3000)
    assert json.loads(draft_path().read_text(encoding="utf-8"))["address"] == "东风路8号"


def test_the_lookup_runs_off_the_gui_thread_and_shows_only_the_latest_answer(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    register(sqlite_database, 51, name="赵丽华", phone="13900002222")
    register(sqlite_database, 52, name="钱学文", phone="13900003333")
    window = _window(qtbot, sqlite_database)
    page = window.registration
    threads: set[str] = set()

    def seen(*_args: object) -> None:
        threads.add(threading.current_thread().name)

    event.listen(sqlite_database.engine, "before_cursor_execute", seen)
    try:
        page._lookup_text = "赵丽"
        first = page.on_lookup()
        page._lookup_text = "钱学"
        second = page.on_lookup()
        assert first is not None and second is not None
        qtbot.waitUntil(lambda: page.matches.topLevelItemCount() == 1)
        QThreadPool.globalInstance().waitForDone()
        QApplication.processEvents()
    finally:
        event.remove(sqlite_database.engine, "before_cursor_execute", seen)
    assert threading.main_thread().name not in threads and threads
    item = page.matches.topLevelItem(0)
    assert item is not None and "钱学文" in item.text(0)  # the first answer was dropped


def test_an_answer_that_comes_back_after_the_page_closed_is_dropped(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    register(sqlite_database, 53, name="孙丽", phone="13900004444")
    page = RegistrationPage(database=sqlite_database)
    page._lookup_text = "孙丽"
    assert page.on_lookup() is not None
    page.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QThreadPool.globalInstance().waitForDone()
    QApplication.processEvents()  # the answer arrives: nothing to show it on, no error
