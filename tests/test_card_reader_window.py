"""The 身份证阅读器 at the desk, through the real registration form and the simulated reader.

The reader is polled off the GUI thread as in the program (every 50 ms here, to
keep the tests short); every card is invented.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.config import IdReaderSettings, save_id_reader_settings
from desktop.db import Database
from desktop.models import Person, Visit
from desktop.services.reception.idcard import CardData
from desktop.services.reception.idcard.simulated import SimulatedReader, invented_card
from desktop.views.app import open_id_reader
from desktop.views.main_window import MainWindow
from desktop.views.reception import card_reader
from desktop.views.reception.registration import RegistrationPage
from tests.qt_helpers import click_named, show_active, type_text
from tests.reception_helpers import register

FAST_POLL_MS = 50


@pytest.fixture
def reader() -> SimulatedReader:
    return SimulatedReader()


@pytest.fixture
def window(qtbot: QtBot, sqlite_database: Database, reader: SimulatedReader
           ) -> Iterator[MainWindow]:
    window = MainWindow(database=sqlite_database, reader=reader)
    qtbot.addWidget(window)
    poller = window.registration.poller
    assert poller is not None
    poller.timer.setInterval(FAST_POLL_MS)
    show_active(qtbot, window)
    yield window
    window.close()  # stops the poller and releases the reader


def _wait_polls(qtbot: QtBot, reader: SimulatedReader, polls: int = 4) -> None:
    """Let the poller read the reader ``polls`` more times."""
    start = reader.reads
    qtbot.waitUntil(lambda: reader.reads >= start + polls, timeout=5000)


def _lay(qtbot: QtBot, page: RegistrationPage, reader: SimulatedReader,
         card: CardData | None = None) -> CardData:
    laid = reader.present(card)
    qtbot.waitUntil(lambda: page.id_number.text() == laid.id_number, timeout=5000)
    return laid


def _finish_and_save(qtbot: QtBot, page: RegistrationPage, *, phone: str | None) -> None:
    if phone is not None:
        page.phone.clear()
        type_text(qtbot, page.phone, phone)
    page.category.setCurrentIndex(page.category.findText("邻里"))
    type_text(qtbot, page.summary, "楼上漏水")
    qtbot.keyClick(page.summary, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def _last_visit(database: Database) -> Visit:
    with database.read() as session:
        visit = session.scalars(select(Visit).order_by(Visit.id.desc())).first()
        assert visit is not None
        session.expunge(visit)
        return visit


def test_a_card_fills_the_form_once_and_the_visit_is_marked_read(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader, sqlite_database: Database
) -> None:
    page = window.registration
    panel = page.card_panel
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: "请将身份证放在阅读器上" in panel.state.text())
    card = _lay(qtbot, page, reader, invented_card(1))
    assert page.name.text() == card.name
    assert page.gender.currentText() == card.gender
    assert page.id_type.currentText() == "居民身份证"
    assert page.address.text() == card.address
    assert panel.photo.pixmap() is not None and not panel.photo.pixmap().isNull()
    assert f"民族 {card.nation}" in panel.details.text()
    assert card.authority in panel.details.text()
    assert page.card_note.isVisible() and "读卡核验" in page.card_note.text()
    qtbot.waitUntil(lambda: "首次来访" in page.status.text())
    assert page.matches.topLevelItemCount() == 0

    _finish_and_save(qtbot, page, phone="13912345678")
    visit = _last_visit(sqlite_database)
    assert visit.id_card_read
    assert page.last_preview is not None
    page.last_preview.close()
    # Nothing of the card stays on screen, and the card still lying on the reader is
    # not read into the next registration.
    assert card.name not in panel.details.text() and panel.photo.pixmap().isNull()
    assert not page.card_note.isVisible()
    _wait_polls(qtbot, reader)
    assert page.name.text() == "" and page.id_number.text() == ""
    # Lifted and laid again: read again.
    reader.remove()
    _wait_polls(qtbot, reader, 2)
    _lay(qtbot, page, reader, card)


def test_a_known_person_is_recognised_from_the_card(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader, sqlite_database: Database
) -> None:
    card = invented_card(2)
    # Registered last week (a ticket of today would make the desk ask about a second one).
    earlier = register(sqlite_database, 1, name=card.name, id_number=card.id_number,
                       phone="13987654321", address="旧住址：东林路1号",
                       now=datetime.now().replace(microsecond=0) - timedelta(days=7))
    page = window.registration
    _lay(qtbot, page, reader, card)
    qtbot.waitUntil(lambda: page.chosen is not None, timeout=5000)
    assert page.chosen is not None
    with sqlite_database.read() as session:
        person_id = session.scalar(select(Visit.person_id).where(Visit.id == earlier.visit_id))
    assert page.chosen.person_id == person_id
    assert page.matches.topLevelItemCount() == 1
    assert page.phone.text() == "13987654321"  # from the earlier visit: the card has no phone
    assert page.address.text() == card.address  # the card's address is the newer one
    assert page.repeat_of.isEnabled()
    assert "既往来访人" in page.status.text()

    _finish_and_save(qtbot, page, phone=None)
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        person = session.get(Person, person_id)
        assert person is not None and person.address == card.address
    assert _last_visit(sqlite_database).id_card_read
    assert page.last_preview is not None
    page.last_preview.close()


def test_editing_the_number_after_the_card_makes_the_visit_typed(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader, sqlite_database: Database
) -> None:
    page = window.registration
    card = _lay(qtbot, page, reader, invented_card(3))
    qtbot.waitUntil(lambda: "首次来访" in page.status.text())
    # The receptionist retypes the last digit: the same number, but no longer the card's.
    page.id_number.setFocus()
    page.id_number.end(False)
    qtbot.keyClick(page.id_number, Qt.Key.Key_Backspace)
    type_text(qtbot, page.id_number, card.id_number[-1])
    assert page.id_number.text() == card.id_number
    assert "读卡后修改" in page.card_note.text()
    _finish_and_save(qtbot, page, phone="13912340000")
    assert not _last_visit(sqlite_database).id_card_read
    assert page.last_preview is not None
    page.last_preview.close()


def test_an_expired_card_is_flagged_beside_the_number(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader
) -> None:
    page = window.registration
    card = _lay(qtbot, page, reader, invented_card(4, expired=True))
    assert card.valid_to is not None
    assert page.card_note.isVisible()
    assert page.card_note.text() == (
        f"身份证已过期（有效期至 {card.valid_to:%Y-%m-%d}），请提醒来访人换领")
    assert page.card_panel is not None and "此证已过期" in page.card_panel.details.text()
    # A card valid today is not flagged.
    reader.remove()
    _wait_polls(qtbot, reader, 2)
    _lay(qtbot, page, reader, invented_card(5))
    assert "过期" not in page.card_note.text()
    assert "过期" not in page.card_panel.details.text()


def test_an_unplugged_reader_is_reported_once_and_found_again(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader,
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = window.registration
    panel = page.card_panel
    poller = page.poller
    assert panel is not None and poller is not None
    qtbot.waitUntil(lambda: poller.state == card_reader.READY)
    states: list[str] = []
    poller.state_changed.connect(lambda state, _message: states.append(state))
    with caplog.at_level(logging.INFO, logger="desktop.views.reception.card_reader"):
        reader.unplug()
        _wait_polls(qtbot, reader, 8)
        assert panel.state.text() == "身份证阅读器未连接（模拟阅读器已拔下）"
        assert states == [card_reader.UNAVAILABLE]  # once, not every half second
        unavailable = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(unavailable) == 1
        reader.plug_in()
        qtbot.waitUntil(lambda: poller.state == card_reader.READY, timeout=5000)
    assert states == [card_reader.UNAVAILABLE, card_reader.READY]
    assert "请将身份证放在阅读器上" in panel.state.text()
    _lay(qtbot, page, reader)


class SlowReader(SimulatedReader):
    """A reader whose SDK takes most of a second per read (as a read with the photo can)."""

    def read(self) -> CardData | None:
        time.sleep(0.6)
        return super().read()


def test_a_slow_reader_never_holds_up_the_window(qtbot: QtBot, sqlite_database: Database
                                                 ) -> None:
    reader = SlowReader()
    window = MainWindow(database=sqlite_database, reader=reader)
    qtbot.addWidget(window)
    page = window.registration
    poller = page.poller
    assert poller is not None
    try:
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start()
        reader.present(invented_card(6))
        started = time.monotonic()
        poller.poll()
        assert time.monotonic() - started < 0.2  # the read runs elsewhere
        qtbot.waitUntil(lambda: page.name.text() == invented_card(6).name, timeout=5000)
        timer.stop()
        gaps = [b - a for a, b in itertools.pairwise(ticks)]
        assert len(ticks) > 10 and max(gaps) < 0.3  # the event loop kept turning
    finally:
        window.close()


def test_the_demo_button_lays_an_invented_card(
    qtbot: QtBot, window: MainWindow, reader: SimulatedReader
) -> None:
    page = window.registration
    click_named(qtbot, page, "registration.simulate_card")
    qtbot.waitUntil(lambda: page.name.text() == invented_card(1).name, timeout=5000)


def test_no_reader_no_panel_and_the_setting_or_option_switches_the_simulated_one_on(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    assert window.registration.card_panel is None and window.registration.poller is None
    assert not window.registration.card_note.isVisible()
    assert isinstance(open_id_reader("demo"), SimulatedReader)
    assert open_id_reader("off") is None
    save_id_reader_settings(IdReaderSettings(mode="demo"))
    assert isinstance(open_id_reader(None), SimulatedReader)
    assert open_id_reader("off") is None  # the option wins over config.json


def test_closing_the_window_stops_polling(qtbot: QtBot, sqlite_database: Database) -> None:
    reader = SimulatedReader()
    window = MainWindow(database=sqlite_database, reader=reader)
    qtbot.addWidget(window)
    window.show()
    poller = window.registration.poller
    assert poller is not None
    poller.timer.setInterval(FAST_POLL_MS)
    _wait_polls(qtbot, reader, 2)
    window.close()
    assert not poller.timer.isActive()
    reads = reader.reads
    qtbot.wait(300)
    assert reader.reads == reads
