"""A resident still queuing today is not given a second ticket without the desk saying so.

First-day issue: the receptionist registered a resident again while her ticket of
the morning still waited; she stood twice in the queues. The desk now asks first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Referral, Visit
from desktop.services.reception import queue
from desktop.services.reception.registration import RegistrationInput, tickets_held_today
from desktop.views.main_window import MainWindow
from desktop.views.reception.registration import RegistrationPage
from tests.factories import id_number
from tests.qt_helpers import answering, click_named, show_active, type_text
from tests.reception_helpers import category_ids, register, room_ids


def _form(database: Database, n: int, **changes: object) -> RegistrationInput:
    values: dict[str, object] = dict(
        name=f"测试{n}号", id_number=id_number(n), phone=f"139{n:08d}", summary="又来反映噪音",
        room_id=room_ids(database)["心理咨询室"], category_id=category_ids(database)["邻里"])
    values.update(changes)
    return RegistrationInput(**values)  # type: ignore[arg-type]


def _held(database: Database, data: RegistrationInput, **kw: object) -> list[str]:
    with database.read() as session:
        return [f"{t.ticket_no}（{t.room_name}，{t.status_name}）"
                for t in tickets_held_today(session, data, **kw)]  # type: ignore[arg-type]


def test_a_waiting_or_called_ticket_of_today_is_found_by_the_number(database: Database) -> None:
    first = register(database, 3)
    register(database, 4)
    second = register(database, 3, room="心理咨询室")
    assert _held(database, _form(database, 3)) == [
        f"{first.ticket_no}（矛盾纠纷调解室，等候中）", f"{second.ticket_no}（心理咨询室，等候中）"]
    queue.call(database, first.referral_id)
    # Typed as pasted: spaces and a lowercase x are the same number.
    number = id_number(3)
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} ".lower()
    assert _held(database, _form(database, 3, id_number=spaced))[0] == (
        f"{first.ticket_no}（矛盾纠纷调解室，已叫号）")
    assert _held(database, _form(database, 5)) == []  # someone new


def test_tickets_in_service_finished_or_of_another_day_do_not_count(database: Database) -> None:
    yesterday = datetime.now().replace(microsecond=0) - timedelta(days=1)
    register(database, 3, now=yesterday)  # still waiting from yesterday: not today's
    served = register(database, 3)
    queue.start(database, served.referral_id)
    gone = register(database, 3)
    queue.call(database, gone.referral_id)
    queue.no_show(database, gone.referral_id)
    assert _held(database, _form(database, 3)) == []
    assert _held(database, _form(database, 3), today=yesterday.date()) == [
        "调-001（矛盾纠纷调解室，等候中）"]


def test_a_resident_without_a_document_is_found_when_chosen(database: Database) -> None:
    reg = register(database, 6, id_type="无证件", id_number="", no_id_reason="未随身携带")
    with database.read() as session:
        person_id = session.scalar(select(Visit.person_id).where(Visit.id == reg.visit_id))
    no_id = _form(database, 6, id_type="无证件", id_number="", no_id_reason="未随身携带")
    assert _held(database, no_id) == []  # a name is no proof of the same person
    no_id.person_id = person_id
    assert _held(database, no_id) == [f"{reg.ticket_no}（矛盾纠纷调解室，等候中）"]


def test_the_check_reads_hostile_input_without_failing(database: Database) -> None:
    register(database, 3)
    for bad in ("1101\x0005", "\ud800" + id_number(3)[1:], "x" * 10**5):
        assert _held(database, _form(database, 3, id_number=bad)) == [], bad
    no_id = dict(id_type="无证件", id_number="", no_id_reason="未随身携带")
    for person_id in (-1, 0, 2**80, True, 999_999):
        assert _held(database, _form(database, 3, person_id=person_id, **no_id)) == []


def _visits(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Visit)) or 0)


def _fill(qtbot: QtBot, page: RegistrationPage, n: int) -> None:
    type_text(qtbot, page.name, f"测试{n}号")
    type_text(qtbot, page.id_number, id_number(n))
    type_text(qtbot, page.phone, f"139{n:08d}")
    page.category.setCurrentIndex(page.category.findText("邻里"))
    type_text(qtbot, page.summary, "又来反映噪音")


def test_the_desk_asks_before_a_second_ticket_and_may_cancel_or_go_on(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RegistrationPage, "show_receipt", lambda self, _no: None)
    first = register(sqlite_database, 3)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    _fill(qtbot, page, 3)
    question = f"此人今天已有排队号 {first.ticket_no}（矛盾纠纷调解室，等候中），仍要再取号吗？"

    with answering(qtbot, "second_ticket", "cancel") as asked:
        click_named(qtbot, page, "registration.save")
    assert asked == [question]
    assert _visits(sqlite_database) == 1  # nothing saved, everything typed is still there
    assert page.id_number.text() == id_number(3) and page.summary.toPlainText() == "又来反映噪音"
    assert first.ticket_no in page.status.text() and "未保存" in page.status.text()

    with answering(qtbot, "second_ticket", "go_on") as asked:
        click_named(qtbot, page, "registration.save")
    assert asked == [question]
    assert page.last_registration is not None
    assert page.last_registration.ticket_no == "调-002"
    assert _visits(sqlite_database) == 2


def test_a_resident_with_no_ticket_today_is_not_asked(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RegistrationPage, "show_receipt", lambda self, _no: None)
    earlier = register(sqlite_database, 3, now=datetime.combine(
        date.today() - timedelta(days=3), datetime.min.time()).replace(hour=9))
    with sqlite_database.write() as session:  # served and finished days ago
        referral = session.get(Referral, earlier.referral_id)
        assert referral is not None
        referral.status, referral.result = "done", "resolved"
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    _fill(qtbot, page, 3)
    click_named(qtbot, page, "registration.save")  # a question would hold the test here
    assert page.last_registration is not None and _visits(sqlite_database) == 2
