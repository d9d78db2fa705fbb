"""社会组织 through the real window: an organisation added, a routed visit referred, served."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.organisations import referrals
from desktop.views.form_widgets import OptionalDateEdit
from desktop.views.main_window import MainWindow
from desktop.views.organisations.organisations_page import OVERDUE_FG, OrganisationsPage
from tests.police_helpers import social_visit
from tests.qt_helpers import click_named, lists_read, show_active, type_text
from tests.reception_helpers import room_ids


def _window(qtbot: QtBot, database: Database) -> MainWindow:
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def test_add_an_organisation_refer_a_routed_visit_and_record_the_service(
        qtbot: QtBot, sqlite_database: Database) -> None:
    database = sqlite_database
    social_visit(database)
    window = _window(qtbot, database)
    page = window.show_section("社会组织")
    lists_read(qtbot, page)
    assert isinstance(page, OrganisationsPage)

    click_named(qtbot, page, "social.new_organisation")
    dialog = page.last_dialog
    assert dialog is not None
    type_text(qtbot, dialog.findChild(QLineEdit, "organisation.name"), "东林社区志愿服务队")
    dialog.findChild(QComboBox, "organisation.kind").setCurrentText("志愿服务队")
    type_text(qtbot, dialog.findChild(QPlainTextEdit, "organisation.services"), "助老陪伴")
    type_text(qtbot, dialog.findChild(QLineEdit, "organisation.contact_person"), "周丽")
    type_text(qtbot, dialog.findChild(QLineEdit, "organisation.phone"), "13900001111")
    type_text(qtbot, dialog.findChild(QLineEdit, "organisation.capacity"), "2x")
    click_named(qtbot, dialog, "organisation.save")
    assert dialog.findChild(QLabel, "organisation.capacity.error").text() == "服务容量应为整数"
    dialog.findChild(QLineEdit, "organisation.capacity").setText("20")
    click_named(qtbot, dialog, "organisation.save")
    assert not dialog.isVisible()
    assert page.findChild(QTableWidget, "social.organisations").rowCount() == 1

    routed = page.findChild(QListWidget, "social.routed")
    assert routed.count() == 1
    routed.setCurrentRow(0)
    click_named(qtbot, page, "social.take_up")
    dialog = page.last_dialog
    assert dialog is not None
    assert dialog.findChild(QLineEdit, "referral.person_name").text() == "测试4号"
    click_named(qtbot, dialog, "referral.save")  # no organisation chosen
    assert dialog.findChild(QLabel, "referral.organisation.error").text() == "请选择社会组织"
    dialog.findChild(QComboBox, "referral.organisation").setCurrentIndex(1)
    # Served before the referral: refused beside the date.
    dialog.findChild(OptionalDateEdit, "referral.delivered_on").set_value(date(2026, 11, 1))
    type_text(qtbot, dialog.findChild(QPlainTextEdit, "referral.delivered"), "上门陪伴")
    click_named(qtbot, dialog, "referral.save")
    assert "不能早于转介日期" in dialog.findChild(QLabel, "referral.delivered_on.error").text()
    dialog.findChild(OptionalDateEdit, "referral.delivered_on").set_value(None)
    dialog.findChild(QPlainTextEdit, "referral.delivered").setPlainText("")
    click_named(qtbot, dialog, "referral.save")
    assert not dialog.isVisible()
    assert routed.count() == 0
    table = page.findChild(QTableWidget, "social.referrals")
    assert table.rowCount() == 1

    table.setCurrentCell(0, 0)
    click_named(qtbot, page, "social.open_referral")
    dialog = page.last_dialog
    assert dialog is not None
    dialog.findChild(OptionalDateEdit, "referral.delivered_on").set_value(date(2026, 12, 2))
    type_text(qtbot, dialog.findChild(QPlainTextEdit, "referral.delivered"), "志愿者上门陪伴")
    type_text(qtbot, dialog.findChild(QPlainTextEdit, "referral.feedback"), "满意")
    click_named(qtbot, dialog, "referral.save")
    assert not dialog.isVisible()
    with database.read() as session:
        assert referrals.referral_counts(session)["delivered"] == 1

    page.tabs.setCurrentIndex(2)
    click_named(qtbot, page, "social.new_activity")
    dialog = page.last_dialog
    assert dialog is not None
    dialog.findChild(QComboBox, "activity.organisation").setCurrentIndex(1)
    type_text(qtbot, dialog.findChild(QLineEdit, "activity.title"), "重阳节敬老活动")
    type_text(qtbot, dialog.findChild(QLineEdit, "activity.participants"), "35")
    click_named(qtbot, dialog, "activity.save")
    assert not dialog.isVisible()
    assert page.findChild(QTableWidget, "social.activities").rowCount() == 1


def test_overdue_referral_in_red(qtbot: QtBot, sqlite_database: Database) -> None:
    from desktop.services.organisations import directory
    from tests.police_helpers import organisation

    org = directory.save_organisation(sqlite_database, None, organisation())
    referrals.record_referral(sqlite_database, referrals.ReferralInput(
        org, "王秀英", date(2026, 11, 1), "陪伴", due_on=date(2026, 11, 20)))
    window = _window(qtbot, sqlite_database)
    page = window.show_section("社会组织")
    lists_read(qtbot, page)
    assert isinstance(page, OrganisationsPage)
    table = page.findChild(QTableWidget, "social.referrals")
    assert table.item(0, 0).foreground().color() == OVERDUE_FG


def test_other_rooms_staff_do_not_get_the_section(qtbot: QtBot,
                                                  sqlite_database: Database) -> None:
    rooms = room_ids(sqlite_database)
    for room, allowed in (("关爱工作室", False), ("社会组织工作室", True)):
        sqlite_database.actor = auth.Actor(None, "工作室", frozenset({"room_staff"}),
                                           room_id=rooms[room])
        window = _window(qtbot, sqlite_database)
        titles = [window.navigation.item(r).text() for r in range(window.navigation.count())]
        item = window.navigation.item(titles.index("社会组织"))
        assert bool(item.flags() & Qt.ItemFlag.ItemIsEnabled) is allowed
        window.close()
