"""A resident's matter from the desk to the rating, through the real window, room by room.

走访、议事、办理、回复、评价: the visit registered at the desk is routed to a room, the
room serves the ticket in its queue and takes the matter up in its own page, records
its work, and the matter is replied to and rated on the 回复评价 page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    CareEntry,
    CounsellingCase,
    OrganisationReferral,
    PoliceHandover,
    Referral,
    VisitRating,
    VisitReply,
)
from desktop.services.organisations import directory as organisations
from desktop.services.reception.registration import Registration
from desktop.views.care.entry_dialog import EntryDialog
from desktop.views.closure.dialogs import RatingDialog, ReplyDialog
from desktop.views.main_window import MainWindow
from desktop.views.reception.queue_page import QueuePage
from tests.counselling_helpers import routed_visit
from tests.police_helpers import organisation, police_visit, social_visit
from tests.qt_helpers import click_named, lists_read, show_active, type_text
from tests.reception_helpers import queue_dialog, register


def _click(qtbot: QtBot, widget: QWidget | None) -> None:
    assert widget is not None
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _serve_in_the_queue(qtbot: QtBot, window: MainWindow, room: str,
                        visit: Registration) -> None:
    """The room calls the ticket, serves it and finishes it as 已化解/已答复."""
    page = window.show_section("分流队列")
    assert isinstance(page, QueuePage)
    page.room.setCurrentIndex(page.room.findText(room))
    page.select_referral(visit.referral_id)
    for step in ("queue.call", "queue.start", "queue.finish"):
        click_named(qtbot, page, step)
    dialog = queue_dialog(page)
    result = dialog.findChild(QComboBox, "finish.result")
    assert result is not None
    result.setCurrentIndex(result.findData("resolved"))
    _click(qtbot, dialog.ok_button)


def _take_up_at_the_police_room(qtbot: QtBot, window: MainWindow, database: Database,
                                visit: Registration) -> None:
    page = window.show_section("警民联络")
    lists_read(qtbot, page)
    routed = page.findChild(QListWidget, "police.routed")
    assert routed is not None and routed.count() == 1
    routed.setCurrentRow(0)
    click_named(qtbot, page, "police.take_up")
    dialog = page.last_dialog
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.station"), "东林派出所")
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.officer_name"), "赵建国")
    type_text(qtbot, dialog.findChild(QLineEdit, "handover.officer_phone"), "13811112222")
    click_named(qtbot, dialog, "handover.save")
    assert not dialog.isVisible()
    with database.read() as session:
        handover = session.scalar(select(PoliceHandover))
        assert handover is not None and handover.visit_id == visit.visit_id


def _take_up_at_the_counselling_room(qtbot: QtBot, window: MainWindow, database: Database,
                                     visit: Registration) -> None:
    page = window.show_section("心理咨询")
    lists_read(qtbot, page)
    routed = page.findChild(QListWidget, "counselling.routed")
    assert routed is not None and routed.count() == 1
    routed.setCurrentRow(0)
    _click(qtbot, page.findChild(QPushButton, "counselling.take_up"))
    editor = page.editor
    _click(qtbot, editor.findChild(QPushButton, "counselling.save_intake"))
    tab = editor.sessions
    type_text(qtbot, tab.minutes, "50")
    type_text(qtbot, tab.problem, "独居后情绪低落")
    type_text(qtbot, tab.intervention, "共情倾听")
    type_text(qtbot, tab.plan, "一周后复谈")
    _click(qtbot, tab.findChild(QPushButton, "counselling.session.save"))
    with database.read() as session:
        case = session.scalar(select(CounsellingCase))
        assert case is not None and case.visit_id == visit.visit_id
        assert len(case.sessions) == 1


def _take_up_at_the_care_room(qtbot: QtBot, window: MainWindow, database: Database,
                              visit: Registration) -> None:
    page = window.show_section("关爱帮扶")
    lists_read(qtbot, page)
    routed = page.findChild(QListWidget, "care.routed")
    assert routed is not None and routed.count() == 1
    routed.setCurrentRow(0)
    click_named(qtbot, page, "care.take_up")
    dialog = page.last_dialog
    assert isinstance(dialog, EntryDialog)
    dialog.group_boxes["独居/空巢老人"].setChecked(True)
    dialog.frequency.setCurrentIndex(dialog.frequency.findData(14))
    dialog.on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with database.read() as session:
        entry = session.scalar(select(CareEntry))
        assert entry is not None and entry.visit_id == visit.visit_id


def _take_up_at_the_social_room(qtbot: QtBot, window: MainWindow, database: Database,
                                visit: Registration) -> None:
    organisations.save_organisation(database, None, organisation())
    page = window.show_section("社会组织")
    lists_read(qtbot, page)
    page.refresh()
    routed = page.findChild(QListWidget, "social.routed")
    assert routed is not None and routed.count() == 1
    routed.setCurrentRow(0)
    click_named(qtbot, page, "social.take_up")
    dialog = page.last_dialog
    dialog.findChild(QComboBox, "referral.organisation").setCurrentIndex(1)
    click_named(qtbot, dialog, "referral.save")
    assert not dialog.isVisible()
    with database.read() as session:
        referral = session.scalar(select(OrganisationReferral))
        assert referral is not None and referral.visit_id == visit.visit_id


def _care_visit(database: Database) -> Registration:
    return register(database, 5, room="关爱工作室", category="困难帮扶",
                    summary="独居老人生活困难，申请关爱帮扶")


ROOMS: dict[str, tuple[Callable[[Database], Registration], str, Callable[..., None]]] = {
    "police": (police_visit, "警民联络室", _take_up_at_the_police_room),
    "counselling": (routed_visit, "心理咨询室", _take_up_at_the_counselling_room),
    "care": (_care_visit, "关爱工作室", _take_up_at_the_care_room),
    "social": (social_visit, "社会组织工作室", _take_up_at_the_social_room),
}


@pytest.mark.parametrize("room", sorted(ROOMS))
def test_a_matter_goes_from_the_desk_to_the_residents_rating(
    qtbot: QtBot, sqlite_database: Database, room: str
) -> None:
    database = sqlite_database
    visit_in, room_name, take_up = ROOMS[room]
    visit = visit_in(database)
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)

    _serve_in_the_queue(qtbot, window, room_name, visit)
    with database.read() as session:
        assert session.get_one(Referral, visit.referral_id).status == "done"
    take_up(qtbot, window, database, visit)

    page = window.show_section("回复评价")

    lists_read(qtbot, page)
    page.refresh()
    rows = [page.reply_table.item(r, 0).text() for r in range(page.reply_table.rowCount())]
    page.reply_table.selectRow(rows.index(visit.visit_no))
    _click(qtbot, page.reply_button)
    reply = page.active_dialog
    assert isinstance(reply, ReplyDialog)
    reply.method.setCurrentIndex(reply.method.findText("当面"))
    type_text(qtbot, reply.content, "已当面告知办理结果")
    reply.replied_at.set_value(datetime.now().replace(second=0, microsecond=0))
    _click(qtbot, reply.save_button)
    qtbot.waitUntil(lambda: not reply.isVisible())

    page.tabs.setCurrentIndex(1)
    rows = [page.rating_table.item(r, 0).text() for r in range(page.rating_table.rowCount())]
    page.rating_table.selectRow(rows.index(visit.visit_no))
    _click(qtbot, page.rate_button)
    rating = page.active_dialog
    assert isinstance(rating, RatingDialog)
    rating.level.setCurrentIndex(rating.level.findText("满意"))
    rating.channel.setCurrentIndex(rating.channel.findText("当面"))
    _click(qtbot, rating.save_button)
    qtbot.waitUntil(lambda: not rating.isVisible())

    with database.read() as session:
        saved_reply = session.scalar(select(VisitReply).where(
            VisitReply.visit_id == visit.visit_id))
        saved_rating = session.scalar(select(VisitRating).where(
            VisitRating.visit_id == visit.visit_id))
        assert saved_reply is not None and saved_reply.method == "当面"
        assert saved_rating is not None and saved_rating.level == "满意"
