"""A known 身份证号 typed with another name never renames the person silently.

Issue 9: the desk renamed a resident everywhere (earlier visits, the queue, her
signed agreement) because a receptionist typed another name with her number.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Person, PersonFormerName, Visit
from desktop.printing.agreement import render_agreement
from desktop.services import mediation
from desktop.services.errors import NameConflictError
from desktop.services.reception.registration import KEEP_KNOWN_NAME, RENAMED
from desktop.views import dialogs
from desktop.views.main_window import MainWindow
from desktop.views.reception.registration import RegistrationPage
from tests import mediation_helpers as h
from tests.factories import id_number
from tests.pdf_checks import body_stream, read
from tests.qt_helpers import click_named, show_active, type_text
from tests.reception_helpers import register


def _names(database: Database) -> tuple[list[str], list[str]]:
    with database.read() as session:
        people = [p.name for p in session.scalars(select(Person).order_by(Person.id))]
        former = [f.name for f in session.scalars(select(PersonFormerName))]
    return people, former


def test_another_name_with_a_known_number_is_refused(database: Database) -> None:
    register(database, 3, name="王秀英")
    with pytest.raises(NameConflictError) as caught:
        register(database, 3, name="王秀兰")
    assert caught.value.known_name == "王秀英" and caught.value.typed_name == "王秀兰"
    assert "王秀英" in caught.value.errors["name"]
    assert _names(database) == (["王秀英"], [])
    with database.read() as session:
        assert session.scalar(select(Visit.id).where(Visit.id > 1)) is None


def test_a_typing_error_keeps_the_known_name(database: Database) -> None:
    register(database, 3, name="王秀英")
    result = register(database, 3, name="王秀兰", name_change=KEEP_KNOWN_NAME)
    assert result.person_name == "王秀英"
    assert _names(database) == (["王秀英"], [])


def test_a_change_of_name_keeps_the_former_name(database: Database) -> None:
    register(database, 3, name="王秀英")
    result = register(database, 3, name="王晓英", name_change=RENAMED)
    assert result.person_name == "王晓英"
    assert _names(database) == (["王晓英"], ["王秀英"])


def test_the_same_name_needs_no_answer(database: Database) -> None:
    register(database, 3, name="王秀英")
    assert register(database, 3, name=" 王秀英 ").person_name == "王秀英"
    assert _names(database) == (["王秀英"], [])


def test_a_signed_agreement_keeps_the_name_at_signing(database: Database) -> None:
    first = register(database, 7, name="王秀英")
    with database.read() as session:
        data, applicant = mediation.draft_from_visit(session, first.visit_id)
    data.mediator_ids = [h.staff(database)[0]]
    ref = mediation.accept_case(database, data, [applicant, h.person(2, "被申请人")])
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    register(database, 7, name="王晓英", name_change=RENAMED)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert [p.name for p in detail.applicants] == ["王秀英"]
    text = "".join(body_stream(read(render_agreement(detail)), None))
    assert "王秀英" in text and "王晓英" not in text


def _window_with_known_person(qtbot: QtBot, database: Database) -> RegistrationPage:
    register(database, 3, name="王秀英", address="建设路12号")
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.registration
    type_text(qtbot, page.name, "王秀兰")
    type_text(qtbot, page.id_number, id_number(3))
    type_text(qtbot, page.phone, "13900000003")
    page.category.setCurrentIndex(page.category.findText("邻里"))
    type_text(qtbot, page.summary, "再次反映楼上噪音")
    return page


def test_the_window_notes_a_known_number_and_asks_about_the_name(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _window_with_known_person(qtbot, sqlite_database)
    assert page.name.text() == "王秀兰" and "王秀英" in page.status.text()
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, options: list[tuple[str, str]],
               *, key: str = "choose") -> str:
        if key == "second_ticket":  # her ticket of this morning still waits: go on
            return "go_on"
        asked.append(text)
        assert [value for _label, value in options] == [RENAMED, KEEP_KNOWN_NAME]
        return KEEP_KNOWN_NAME

    monkeypatch.setattr(dialogs, "choose", answer)
    monkeypatch.setattr(RegistrationPage, "show_receipt", lambda self, _no: None)
    click_named(qtbot, page, "registration.save")
    assert asked, page.status.text()
    assert "王秀英" in asked[0] and "王秀兰" in asked[0]
    assert _names(sqlite_database) == (["王秀英"], [])
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 2


def test_cancelling_the_name_question_saves_nothing(
    qtbot: QtBot, sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _window_with_known_person(qtbot, sqlite_database)
    # Her ticket of this morning still waits: go on; then cancel the name question.
    monkeypatch.setattr(dialogs, "choose", lambda *_args, key="choose":
                        "go_on" if key == "second_ticket" else None)
    click_named(qtbot, page, "registration.save")
    assert "王秀英" in page.errors["name"].text()
    assert _names(sqlite_database) == (["王秀英"], [])
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1
