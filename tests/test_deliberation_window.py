"""议事协商 through the real page: record a meeting, overdue actions in red, print the minutes."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.deliberation import meetings, minutes
from desktop.services.deliberation.meetings import ActionInput, MatterInput, MeetingInput
from desktop.views.deliberation.meeting_dialog import MeetingDialog
from desktop.views.deliberation.page import OVERDUE_FG, DeliberationPage
from tests import poppler
from tests.deliberation_helpers import meeting_visit
from tests.qt_helpers import lists_read, type_text
from tests.test_care_window import assert_all_named


def _set(dialog: MeetingDialog, table: str, row: int, column: int, text: str) -> None:
    widget = getattr(dialog, table)
    item = widget.item(row, column)
    item.setText(text)


def test_record_a_meeting_through_the_page(qtbot: QtBot, sqlite_database: Database) -> None:
    page = DeliberationPage(database=sqlite_database)
    qtbot.addWidget(page)
    lists_read(qtbot, page)
    dialog = page.on_new()
    assert_all_named(page)
    assert_all_named(dialog)
    dialog.on_save()
    assert dialog.errors["place"].text() == "请填写会议地点"
    assert "参会人员" in dialog.errors["participants"].text()
    type_text(qtbot, dialog.place, "东林社区议事厅")
    type_text(qtbot, dialog.host, "赵书记")
    type_text(qtbot, dialog.topic, "停车难问题")
    type_text(qtbot, dialog.participants, "赵书记（社区党委书记）\n钱卫东（居民代表）")
    dialog.held_on.set_value(date(2026, 11, 20))
    _set(dialog, "matter_table", 0, 1, "小区停车位不足")
    _set(dialog, "matter_table", 0, 2, "施划临时停车位")
    _set(dialog, "action_table", 0, 0, "施划车位")
    _set(dialog, "action_table", 0, 1, "物业")
    _set(dialog, "action_table", 0, 2, "2026-11-19")
    dialog.on_save()
    assert "完成期限不能早于会议日期" in dialog.errors["actions"].text()
    _set(dialog, "action_table", 0, 2, "11月30日")
    dialog.on_save()
    assert "2026-12-10 的形式" in dialog.errors["actions"].text()
    _set(dialog, "action_table", 0, 2, "2026-11-30")
    dialog.on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.table.rowCount() == 1
    assert page.table.item(0, 7).text() == "1"
    assert page.table.item(0, 0).foreground().color() == OVERDUE_FG
    assert "逾期 2 天" in page.action_list.item(0).text()
    page.action_list.setCurrentRow(0)
    page.on_action_done()
    assert page.action_list.count() == 0
    assert page.table.item(0, 7).text() == "0"
    page.table.selectRow(0)
    preview = page.on_minutes()
    assert preview is not None
    preview.close()


def test_the_minutes_print_in_chinese_with_confidential_matters_masked(
        database: Database) -> None:
    counselling = meeting_visit(database, "心理咨询室", 61, "因家庭变故情绪低落")
    neighbours = meeting_visit(database, "矛盾纠纷调解室", 62, "楼上漏水")
    meeting_id = meetings.save_meeting(database, MeetingInput(
        held_on=date(2026, 11, 25), place="东林社区议事厅", host="赵书记", topic="居民诉求协商",
        participants="赵书记（社区党委书记）\n钱卫东（居民代表）",
        matters=[MatterInput("漏水维修", "物业三日内上门维修", neighbours),
                 MatterInput("情绪疏导需求", "转介心理咨询", counselling)],
        actions=[ActionInput("上门维修", "孙丽", date(2026, 11, 28))]))
    admin = database.actor
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    pdf, name = minutes.render_minutes(database, meeting_id)
    database.actor = admin
    assert name == "议事会议纪要_20261125.pdf"
    text = "".join(poppler.text_of(pdf).split())
    for expected in ("议事会议纪要", "东林社区议事厅", "钱卫东（居民代表）", "物业三日内上门维修",
                     neighbours, "逾期未完成", privacy.CONFIDENTIAL_TEXT):
        assert expected in text, expected
    for secret in ("情绪疏导需求", "转介心理咨询", "情绪低落"):
        assert secret not in text
    fonts = poppler.run("pdffonts", "-", data=pdf)
    assert "Helvetica" not in fonts and fonts.count(" yes yes ") >= 1
