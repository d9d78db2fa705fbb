"""The kiosk's optional card swipe, through the real windows and the simulated reader:
a card laid at the kiosk shows its masked name, goes with the ticket to the desk, which
fills the form from it; left without a tap it is dropped. Every card is invented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.cli import main
from desktop.db import Database
from desktop.models import KioskTicket, Person, Visit
from desktop.services.admin import auth
from desktop.services.reception.idcard import CardReader
from desktop.services.reception.idcard.simulated import SimulatedReader, invented_card
from desktop.services.validation import mask_name
from desktop.views.errors import ExceptionHook
from desktop.views.main_window import MainWindow
from desktop.views.reception.kiosk import KioskWindow
from tests.poppler import text_of
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import register
from tests.test_kiosk_window import Printer, _screen_texts, _touch

FAST_POLL_MS = 50


@pytest.fixture
def kiosk_db(sqlite_database: Database) -> Iterator[Database]:
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    other = Database.open(url, migrate=False, desk="自助取号机")
    other.actor = auth.KIOSK_ACTOR
    yield other
    other.dispose()


def _open(qtbot: QtBot, database: Database, printer: Printer, reader: CardReader | None,
          **kw: int) -> KioskWindow:
    window = KioskWindow(database=database, printer=printer, reader=reader,
                         poll_ms=FAST_POLL_MS, **kw)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    return window


def _wait_polls(qtbot: QtBot, reader: SimulatedReader, polls: int = 4) -> None:
    start = reader.reads
    qtbot.waitUntil(lambda: reader.reads >= start + polls, timeout=5000)


def test_a_card_laid_at_the_kiosk_is_registered_at_the_desk_as_read(
    qtbot: QtBot, sqlite_database: Database, kiosk_db: Database
) -> None:
    card = invented_card(1)
    # The resident came before (last week): the desk will recognise them.
    register(sqlite_database, 1, name=card.name, id_number=card.id_number,
             phone="13987654321", address="旧住址：东林路1号",
             now=datetime.now().replace(microsecond=0) - timedelta(days=7))
    reader, printer = SimulatedReader(), Printer()
    window = _open(qtbot, kiosk_db, printer, reader)
    bar = window.card_bar
    assert bar.isVisible() and bar.hint.isVisible() and not bar.info.isVisible()
    assert bar.simulate.isVisible()  # the simulated reader lays a card by touch too

    reader.present(card)
    qtbot.waitUntil(lambda: window.card is not None, timeout=5000)
    masked = mask_name(card.name)
    assert bar.info.isVisible()
    assert bar.info.text() == f"{masked}　已读取身份证，请选择办理事项"
    screen = _screen_texts(window)
    for secret in (card.name, card.id_number, card.address, card.id_number[-4:]):
        assert secret not in screen, secret
    assert window.at_home and not bar.hint.isVisible()

    _touch(qtbot, window.button_for("邻里"))
    qtbot.waitUntil(lambda: not window.at_home)
    number = window.done_number.text()
    assert number == "调-001"
    assert "已读取您的身份证" in window.done_hint.text()
    assert window.card is None and not bar.info.text()
    screen = _screen_texts(window)
    assert card.name not in screen and masked not in screen and card.id_number not in screen
    ((printed_no, pdf),) = printer.printed
    text = text_of(pdf)
    assert printed_no in text
    for secret in (card.name, card.id_number, card.id_number[-4:], masked):
        assert secret not in text, secret
    with sqlite_database.read() as session:
        ticket = session.scalars(select(KioskTicket)).one()
        assert (ticket.card_name, ticket.card_id_number, ticket.card_gender,
                ticket.card_birth_date, ticket.card_address, ticket.card_nation) == (
            card.name, card.id_number, card.gender, card.birth_date, card.address,
            card.nation)
    # The card still lying on the reader does not go with the next resident's ticket.
    window.go_home()
    _wait_polls(qtbot, reader)
    assert window.card is None

    desk = MainWindow(database=sqlite_database)  # a desk without a reader of its own
    qtbot.addWidget(desk)
    show_active(qtbot, desk)
    page = desk.registration
    box = page.kiosk_tickets
    box.refresh()
    assert box.list.count() == 1 and f"已读卡 {card.name}" in box.list.item(0).text()
    box.list.setCurrentRow(0)
    qtbot.mouseClick(box.use_button, Qt.MouseButton.LeftButton)
    # The form is filled from the card, as by a card read at the desk, and the person found.
    assert page.name.text() == card.name
    assert page.id_number.text() == card.id_number
    assert page.gender.currentText() == card.gender
    assert page.id_type.currentText() == "居民身份证"
    assert page.address.text() == card.address
    assert page.card_note.isVisible() and "读卡核验" in page.card_note.text()
    assert page.kiosk_info.text() == f"自助取号 {number}：保存后沿用此号"
    assert page.category.currentText() == "邻里"
    qtbot.waitUntil(lambda: page.chosen is not None, timeout=5000)
    assert "既往来访人" in page.status.text()
    assert page.phone.text() == "13987654321"  # from the earlier visit: the card has none
    assert page.address.text() == card.address  # the card's is the newer address
    type_text(qtbot, page.summary, "楼上漏水")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert number in page.status.text()
    with sqlite_database.read() as session:
        visit = session.scalars(select(Visit).order_by(Visit.id.desc())).first()
        assert visit is not None and visit.id_card_read
        person = session.get_one(Person, visit.person_id)
        assert (person.id_number, person.address) == (card.id_number, card.address)
        assert session.scalar(select(func.count(Person.id))) == 1
        ticket = session.scalars(select(KioskTicket)).one()
        assert ticket.status == "registered" and ticket.card_id_number is None
    assert page.last_preview is not None
    page.last_preview.close()
    desk.close()


def test_a_card_left_without_a_tap_is_dropped_when_the_kiosk_idles(
    qtbot: QtBot, sqlite_database: Database, kiosk_db: Database
) -> None:
    reader = SimulatedReader()
    window = _open(qtbot, kiosk_db, Printer(), reader, idle_ms=400)
    card = reader.present(invented_card(3))
    qtbot.waitUntil(lambda: window.card is not None, timeout=5000)
    masked = mask_name(card.name)
    assert masked in _screen_texts(window)
    qtbot.waitUntil(lambda: window.card is None, timeout=3000)
    # Nothing of the card is kept or shown; the screen is the first one again.
    assert window.at_home and masked not in _screen_texts(window)
    assert window.card_bar.info.text() == "" and not window.card_bar.info.isVisible()
    assert window.card_bar.hint.isVisible()
    # The card still lying there is not read again; the next tap takes a plain ticket.
    _wait_polls(qtbot, reader)
    assert window.card is None
    qtbot.mouseClick(window.button_for("邻里"), Qt.MouseButton.LeftButton)
    with sqlite_database.read() as session:
        ticket = session.scalars(select(KioskTicket)).one()
        assert ticket.card_name is None and ticket.card_id_number is None
    # Lifted and laid again, it is read again.
    reader.remove()
    _wait_polls(qtbot, reader, 2)
    reader.present(card)
    qtbot.waitUntil(lambda: window.card is not None, timeout=5000)
    assert window.at_home  # the last number made way for the resident with the card
    # 不使用此身份证 drops it at once.
    qtbot.mouseClick(window.card_bar.clear_button, Qt.MouseButton.LeftButton)
    assert window.card is None and masked not in _screen_texts(window)


def test_the_kiosk_without_a_reader_works_as_before(
    qtbot: QtBot, sqlite_database: Database, kiosk_db: Database
) -> None:
    window = _open(qtbot, kiosk_db, Printer(), None)
    assert not window.card_bar.isVisible() and window.card_bar.poller is None
    assert "身份证" not in _screen_texts(window)
    qtbot.mouseClick(window.button_for("邻里"), Qt.MouseButton.LeftButton)
    assert window.done_number.text() == "调-001"
    assert window.done_hint.text() == "请先到接待窗口出示凭条，登记后按叫号前往办理"


def test_an_unplugged_reader_stops_the_invitation_not_the_kiosk(
    qtbot: QtBot, sqlite_database: Database, kiosk_db: Database
) -> None:
    reader = SimulatedReader()
    reader.unplug()
    window = _open(qtbot, kiosk_db, Printer(), reader)
    qtbot.waitUntil(lambda: reader.reads >= 2, timeout=5000)
    assert not window.card_bar.hint.isVisible()
    qtbot.mouseClick(window.button_for("邻里"), Qt.MouseButton.LeftButton)
    assert window.done_number.text() == "调-001"


def test_the_kiosk_command_with_the_simulated_reader(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[KioskWindow] = []

    def full_screen(self: KioskWindow) -> None:
        shown.append(self)
        self.show()
        QTimer.singleShot(300, QApplication.quit)

    monkeypatch.setattr(KioskWindow, "showFullScreen", full_screen)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    monkeypatch.delenv("DESKTOP_USER")
    monkeypatch.delenv("DESKTOP_PASSWORD")
    assert main(["--db", sqlite_db_url, "kiosk", "--id-reader", "demo"]) == 0
    (window,) = shown
    assert isinstance(window.reader, SimulatedReader)
    assert window.card_bar.poller is None  # stopped when the kiosk closed
    window.close()
    window.deleteLater()
    qtbot.wait(50)
