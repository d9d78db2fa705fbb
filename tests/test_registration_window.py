"""The receptionist registers a visitor through the real window and gets the receipt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Visit
from desktop.views import dialogs
from desktop.views.main_window import MainWindow
from desktop.views.pdf_preview import PdfPreviewDialog
from tests import poppler
from tests.factories import id_number
from tests.qt_helpers import show_active, type_text


def _choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick an entry the way a keyboard user does: focus the box and type its first letters."""
    index = combo.findText(text)
    assert index >= 0, text
    combo.setFocus()
    combo.setCurrentIndex(index)


def test_register_visitor_and_see_receipt(
    qtbot: QtBot, sqlite_database: Database, tmp_path: Path, monkeypatch
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    number = id_number(7)
    type_text(qtbot, page.name, "王秀英")
    type_text(qtbot, page.id_number, number)
    type_text(qtbot, page.phone, "13912345678")
    _choose(qtbot, page.category, "邻里")
    # The category suggests the mediation room.
    assert page.room.currentText() == "矛盾纠纷调解室"
    type_text(qtbot, page.summary, "邻居长期占用楼道堆放杂物")
    qtbot.mouseClick(page.findChild(QPushButton, "registration.save"), Qt.MouseButton.LeftButton)

    with sqlite_database.read() as session:
        visit = session.scalar(select(Visit))
        assert visit is not None
        assert visit.person.name == "王秀英"
        assert visit.person.id_number == number
        assert visit.person.phone == "13912345678"
        assert visit.category is not None and visit.category.name == "邻里"
        assert visit.referrals[0].room.name == "矛盾纠纷调解室"
        visit_no, ticket = visit.visit_no, visit.referrals[0].ticket_no

    preview = page.last_preview
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.waitUntil(lambda: preview.preview.page_count() == 1)
    status = page.findChild(QLabel, "registration.status")
    assert visit_no in status.text() and ticket in status.text()
    # The form is empty again, ready for the next visitor.
    assert page.name.text() == ""

    out = tmp_path / "receipt.pdf"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    monkeypatch.setattr(dialogs, "inform", lambda *a: None)
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    text = poppler.text_of(out)
    for expected in ("受理回执", visit_no, ticket, "王秀英", "矛盾纠纷调解室",
                     number[:6] + "********" + number[-4:]):
        assert expected in text
    assert number not in text  # the full ID number is never printed
    preview.close()


def test_invalid_input_shows_messages_and_saves_nothing(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    type_text(qtbot, page.name, "赵六")
    type_text(qtbot, page.id_number, "110105198503140010")
    type_text(qtbot, page.phone, "8888")
    qtbot.keyClick(page.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    errors = {key: page.findChild(QLabel, f"registration.{key}_error")
              for key in ("id_number", "phone", "summary", "room")}
    assert "校验位" in errors["id_number"].text()
    assert "电话号码格式不正确" in errors["phone"].text()
    assert "摘要" in errors["summary"].text()
    assert "分流去向" in errors["room"].text()
    assert all(label.isVisible() for label in errors.values())
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 0
    assert page.last_preview is None
    # The typed values stay so the receptionist can correct them.
    assert page.name.text() == "赵六"


def test_the_five_sections_are_in_the_navigation(qtbot: QtBot, sqlite_database: Database) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles == ["接待登记", "分流队列", "调解案件", "心理咨询", "警民联络", "关爱帮扶",
                      "社会组织", "议事协商", "回复评价", "台账统计", "系统设置"]
    assert window.windowTitle() == "综治中心接待调解工作台"
