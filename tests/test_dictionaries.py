"""The admin keeps the categories, communities and grids the registration form offers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services import reference
from desktop.services.admin import dictionaries
from desktop.services.errors import ValidationError
from desktop.views.main_window import MainWindow
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import room_ids


def test_categories_are_edited_and_deactivated_not_deleted(database: Database) -> None:
    rooms = room_ids(database)
    with database.write() as session:
        new = dictionaries.save_category(session, None, "拖欠物业费", rooms["矛盾纠纷调解室"])
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_category(session, None, "邻里", None)
    assert caught.value.errors == {"name": "已有名为“邻里”的事项类别"}
    with database.write() as session:
        dictionaries.save_category(session, new, "物业费纠纷", rooms["综合受理窗口"], active=False)
    with database.read() as session:
        offered = [c.name for c in reference.categories(session)]
        kept = {e.name: e for e in dictionaries.categories(session)}
    assert "物业费纠纷" not in offered and "拖欠物业费" not in offered
    assert kept["物业费纠纷"].suggested_room == "综合受理窗口"
    assert not kept["物业费纠纷"].active


def test_grids_belong_to_a_community(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "幸福社区")
        dictionaries.save_grid(session, None, community, "第一网格", "张网格员")
    with pytest.raises(ValidationError) as caught, database.write() as session:
        dictionaries.save_grid(session, None, None, "第二网格")
    assert "社区" in caught.value.errors["community"]
    with database.read() as session:
        assert [g.name for g in reference.grids(session, community)] == ["第一网格"]


def test_admin_adds_entries_and_the_form_offers_them(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    type_text(qtbot, page.name, "草稿中的来访人")
    page.room.setCurrentIndex(page.room.findText("心理咨询室"))
    settings = window.show_section("系统设置")
    qtbot.mouseClick(settings.findChild(QPushButton, "settings.dictionaries"),
                     Qt.MouseButton.LeftButton)
    dialog = window.settings.dictionary_dialog
    qtbot.waitUntil(dialog.isVisible)
    name = dialog.findChild(QLineEdit, "dictionaries.category.name")
    room = dialog.findChild(QComboBox, "dictionaries.category.suggested_room_id")
    assert name is not None and room is not None
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.category.new"),
                     Qt.MouseButton.LeftButton)
    type_text(qtbot, name, "电信诈骗")
    room.setCurrentIndex(room.findText("警民联络室"))
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.category.save"),
                     Qt.MouseButton.LeftButton)
    # Communities and grids.
    dialog.tabs.setCurrentIndex(1)
    community = dialog.findChild(QLineEdit, "dictionaries.community.name")
    assert community is not None
    type_text(qtbot, community, "幸福社区")
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.community.save"),
                     Qt.MouseButton.LeftButton)
    grid = dialog.findChild(QLineEdit, "dictionaries.grid.name")
    assert grid is not None
    type_text(qtbot, grid, "第一网格")
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.grid.save"),
                     Qt.MouseButton.LeftButton)
    assert dialog.grids.table.rowCount() == 1
    # A duplicate is refused with its message.
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.grid.new"),
                     Qt.MouseButton.LeftButton)
    type_text(qtbot, grid, "第一网格")
    qtbot.mouseClick(dialog.findChild(QPushButton, "dictionaries.grid.save"),
                     Qt.MouseButton.LeftButton)
    assert "已有名为“第一网格”" in dialog.grids.error.text()
    dialog.close()

    # The registration form offers them at once, and keeps what was already chosen.
    assert page.category.findText("电信诈骗") > 0
    assert page.room.currentText() == "心理咨询室"
    assert page.name.text() == "草稿中的来访人"
    page.category.setCurrentIndex(page.category.findText("电信诈骗"))
    assert page.room.currentText() == "警民联络室"
    page.community.setCurrentIndex(page.community.findText("幸福社区"))
    assert page.grid.findText("第一网格") > 0
