"""政策宣传 on the hall display and the settings of the hall in 系统设置, through the widgets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
import time_machine
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Notice
from desktop.services.admin.settings import SPEECH_KEYS, load_settings, save_settings
from desktop.services.reception import notices
from desktop.services.reception.notices import NoticeInput
from desktop.views import dialogs
from desktop.views.admin.notices_editor import NoticesDialog
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.admin.speech_settings import HallSettingsBox
from desktop.views.main_window import MainWindow
from desktop.views.reception import hall_speech
from desktop.views.reception.hall_display import HallDisplay
from desktop.views.reception.hall_speech import Voice
from tests.qt_helpers import click_named, type_text
from tests.speech_helpers import RecordingEngine

TODAY = date(2026, 12, 2)
DAY = timedelta(days=1)


def _add(database: Database, title: str, first: date, last: date | None = None,
         body: str = "请留意。") -> int:
    with database.write() as session:
        return notices.save_notice(session, None, NoticeInput(title, body, first, last))


def _hall(qtbot: QtBot, database: Database, rotate_ms: int = 60_000) -> HallDisplay:
    hall = HallDisplay(database=database, refresh_ms=100, rotate_ms=rotate_ms)
    qtbot.addWidget(hall)
    hall.show()
    return hall


def _at(clock: time_machine.Coordinates, day: date) -> None:
    clock.move_to(datetime.combine(day, datetime.min.time().replace(hour=9)).astimezone())


def test_the_display_shows_the_notices_of_the_day_only(
    qtbot: QtBot, sqlite_database: Database, clock: time_machine.Coordinates
) -> None:
    _at(clock, TODAY)
    _add(sqlite_database, "调解不收费", TODAY - DAY, TODAY + DAY, "人民调解不收取任何费用。")
    _add(sqlite_database, "元旦安排", TODAY + DAY)
    _add(sqlite_database, "国庆安排", TODAY - 9 * DAY, TODAY - DAY)
    hall = _hall(qtbot, sqlite_database)
    panel = hall.notices
    assert [n.title for n in panel.notices] == ["调解不收费"]
    assert panel.title.text() == "调解不收费" and panel.body.text() == "人民调解不收取任何费用。"
    assert panel.page.text() == ""  # one notice: no page count, no rotation
    assert not panel.timer.isActive()
    assert panel.today.text() == "今天 12月2日 星期三"
    assert panel.hours.text() == "服务时间　周一至周五 8:30-17:30"
    assert panel.phone.text() == "服务电话　010-62345678"

    _at(clock, TODAY + DAY)
    qtbot.waitUntil(lambda: len(panel.notices) == 2, timeout=5000)
    assert [n.title for n in panel.notices] == ["调解不收费", "元旦安排"]
    assert panel.page.text() == "1 / 2" and panel.timer.isActive()
    _at(clock, TODAY + 2 * DAY)
    qtbot.waitUntil(lambda: [n.title for n in panel.notices] == ["元旦安排"], timeout=5000)
    assert panel.title.text() == "元旦安排"
    assert panel.today.text() == "今天 12月4日 星期五"
    hall.close()


def test_notices_rotate_and_follow_the_admins_changes(
    qtbot: QtBot, sqlite_database: Database, clock: time_machine.Coordinates
) -> None:
    _at(clock, TODAY)
    first = _add(sqlite_database, "调解不收费", TODAY)
    _add(sqlite_database, "依法反映诉求", TODAY - DAY)
    hall = _hall(qtbot, sqlite_database, rotate_ms=200)
    panel = hall.notices
    assert panel.title.text() == "依法反映诉求" and panel.page.text() == "1 / 2"
    qtbot.waitUntil(lambda: panel.title.text() == "调解不收费", timeout=3000)
    assert panel.page.text() == "2 / 2"
    qtbot.waitUntil(lambda: panel.title.text() == "依法反映诉求", timeout=3000)
    with sqlite_database.write() as session:
        notices.delete_notice(session, first)
    qtbot.waitUntil(lambda: len(panel.notices) == 1, timeout=3000)
    assert panel.title.text() == "依法反映诉求" and not panel.timer.isActive()
    with sqlite_database.write() as session:
        for notice_id in [n.id for n in notices.all_notices(session)]:
            notices.delete_notice(session, notice_id)
    qtbot.waitUntil(lambda: panel.notices == [], timeout=3000)
    assert panel.title.isHidden() and panel.body.isHidden()
    assert panel.hours.isVisible()  # the hours and the phone stay
    hall.close()


def test_a_long_notice_is_set_smaller(
    qtbot: QtBot, sqlite_database: Database, clock: time_machine.Coordinates
) -> None:
    _at(clock, TODAY)
    _add(sqlite_database, "短", TODAY, body="字" * 20)
    hall = _hall(qtbot, sqlite_database)
    assert hall.notices.body.property("length") == "short"
    with sqlite_database.write() as session:
        notice_id = notices.all_notices(session)[0].id
        notices.save_notice(session, notice_id, NoticeInput("长", "字" * 300, TODAY))
    qtbot.waitUntil(lambda: hall.notices.body.property("length") == "long", timeout=3000)
    hall.close()


def _settings(qtbot: QtBot, database: Database) -> SettingsPage:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    return page


def _count(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Notice)) or 0)


def test_the_admin_writes_a_notice_and_bad_input_is_refused_beside_the_field(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch,
    clock: time_machine.Coordinates,
) -> None:
    _at(clock, TODAY)
    page = _settings(qtbot, sqlite_database)
    click_named(qtbot, page, "settings.notices")
    dialog = page.hall_box.notices_dialog
    assert isinstance(dialog, NoticesDialog) and dialog.isVisible()
    click_named(qtbot, dialog, "notices.save")
    assert dialog.errors["title"].text() == "请填写标题"
    assert dialog.errors["body"].text() == "请填写内容"
    assert dialog.status.text() == "公告未保存：请按提示修改。"
    type_text(qtbot, dialog.title, "防范电信网络诈骗")
    type_text(qtbot, dialog.body, "不听、不信、不转账。")
    assert dialog.count.text() == "10 / 300 字"
    dialog.shown_until.set_value(TODAY - DAY)
    click_named(qtbot, dialog, "notices.save")
    assert dialog.errors["title"].isHidden()
    assert dialog.errors["shown_until"].text() == "展示结束日期不能早于开始日期"
    assert _count(sqlite_database) == 0
    dialog.shown_until.set_value(TODAY + 30 * DAY)
    click_named(qtbot, dialog, "notices.save")
    assert dialog.status.text() == "公告已保存。"
    assert dialog.errors["shown_until"].isHidden()
    assert dialog.table.rowCount() == 1
    assert [dialog.table.item(0, c).text() for c in range(3)] == [
        "防范电信网络诈骗", "2026-12-02 至 2027-01-01", "展示中"]
    hall = _hall(qtbot, sqlite_database)
    assert hall.notices.title.text() == "防范电信网络诈骗"

    # Changed through the form: the display follows.
    dialog.table.selectRow(0)
    dialog.title.clear()
    type_text(qtbot, dialog.title, "谨防电信诈骗")
    click_named(qtbot, dialog, "notices.save")
    qtbot.waitUntil(lambda: hall.notices.title.text() == "谨防电信诈骗", timeout=3000)

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    dialog.table.selectRow(0)
    click_named(qtbot, dialog, "notices.delete")
    assert asked == ["删除公告“谨防电信诈骗”吗？叫号屏将不再展示。"]
    assert dialog.table.rowCount() == 0 and _count(sqlite_database) == 0
    assert not dialog.delete_button.isEnabled()
    qtbot.waitUntil(lambda: hall.notices.notices == [], timeout=3000)
    hall.close()
    click_named(qtbot, dialog, "notices.close")


def test_speech_settings_are_saved_and_tried_out(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = (Voice("Huihui", "Huihui（中文）", True), Voice("Zira", "Zira（English）", False))
    monkeypatch.setattr(hall_speech, "make_engine", lambda: RecordingEngine(voices=voices))
    box = _settings(qtbot, sqlite_database).hall_box
    assert isinstance(box, HallSettingsBox)
    assert box.enabled.isChecked() and box.repetitions.value() == 2
    assert [box.voice.itemData(i) for i in range(box.voice.count())] == ["", "Huihui", "Zira"]
    assert box.engine_note.text() == "可用，2 个声音。"
    box.repetitions.setValue(3)
    box.volume.setValue(60)
    box.rate.setValue(-2)
    box.voice.setCurrentIndex(box.voice.findData("Huihui"))
    click_named(qtbot, box, "settings.speech_preview")
    engine = box.speaker.engine
    assert isinstance(engine, RecordingEngine)
    qtbot.waitUntil(lambda: not box.speaker.busy, timeout=3000)
    # Said once, as the form stands, with the centre's first room.
    assert engine.said == ["请 调零零七号 到 矛盾纠纷调解室"]
    assert (engine.applied[-1].volume, engine.applied[-1].rate,
            engine.applied[-1].voice) == (60, -2, "Huihui")
    assert box.status.text() == "正在试听：请 调零零七号 到 矛盾纠纷调解室"
    with sqlite_database.read() as session:
        assert load_settings(session).speech_repetitions == "2"  # trying out saves nothing
    box.enabled.setChecked(False)
    assert not box.voice.isEnabled()
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert box.status.text() == "语音设置已保存，叫号屏几秒内生效。"
    with sqlite_database.read() as session:
        saved = load_settings(session)
    assert (saved.speech_enabled, saved.speech_repetitions, saved.speech_volume,
            saved.speech_rate, saved.speech_voice) == ("0", "3", "60", "-2", "Huihui")


def test_a_pc_without_speech_says_so_in_the_settings(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_database.read() as session:
        settings = load_settings(session)
    with sqlite_database.write() as session:
        save_settings(session, replace(settings, speech_voice="Kangkang"), SPEECH_KEYS)
    monkeypatch.setattr(hall_speech, "make_engine",
                        lambda: RecordingEngine(problem="找不到语音引擎"))
    box = _settings(qtbot, sqlite_database).hall_box
    assert box.engine_note.text() == "本机不能朗读：找不到语音引擎。叫号屏照常显示。"
    assert box.voice.currentText() == "Kangkang（本机没有）"
    click_named(qtbot, box, "settings.speech_preview")
    assert box.status.text() == "本机不能朗读：找不到语音引擎"
