"""A mediator is whoever holds the mediator's role: as the main role, or beside others.

李慧敏 works the reception desk (her main role) and mediates too; 周建华 only works
the desk. Every list of mediators, the check of a case's mediators, the draft
from a served ticket and the set-up gaps go by the roles a person holds.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.db import Database
from desktop.models import MediationCase, Staff
from desktop.services import mediation
from desktop.services.admin import auth, setup, staff
from desktop.services.errors import ValidationError
from desktop.services.reception import queue
from desktop.views.main_window import MainWindow
from desktop.views.mediation.cases import CasesPage
from tests.conftest import TEST_ADMIN_NAME
from tests.qt_helpers import click_named, show_active
from tests.reception_helpers import register


def _desk_staff(database: Database) -> tuple[int, int]:
    """周建华 (the desk only), then 李慧敏 (the desk, and mediator beside it)."""
    with database.write() as session:
        clerk = staff.save_staff(session, None, "周建华", "receptionist", None)
        both = staff.save_staff(session, None, "李慧敏", "receptionist", None)
        auth.set_account(session, both, "lihuimin", ["receptionist", "mediator"])
    return clerk, both


def test_a_mediator_beside_another_role_is_offered_first(database: Database) -> None:
    clerk, both = _desk_staff(database)
    with database.read() as session:
        choices = mediation.staff_choices(session)
    flags = {c.id: c.mediator for c in choices}
    order = [c.id for c in choices]
    assert flags[both] and not flags[clerk]
    assert order.index(both) < order.index(clerk)


def test_a_case_takes_a_mediator_by_any_of_her_roles(database: Database) -> None:
    clerk, both = _desk_staff(database)
    case = mediation.accept_case(database, mediation.CaseInput(
        facts="邻居在楼道堆放杂物，影响通行。", mediator_ids=[both],
        accepted_on=date(2026, 11, 20)))
    with database.read() as session:
        row = session.get_one(MediationCase, case.case_id)
        assert [m.id for m in row.mediators] == [both]
    with pytest.raises(ValidationError) as refused:
        mediation.accept_case(database, mediation.CaseInput(
            facts="邻居在楼道堆放杂物，影响通行。", mediator_ids=[clerk],
            accepted_on=date(2026, 11, 20)))
    assert refused.value.errors["mediators"] == "周建华 不是调解员，不能担任本案调解员"


def test_the_draft_offers_whoever_served_the_ticket_as_a_mediator(database: Database) -> None:
    clerk, both = _desk_staff(database)
    now = datetime(2026, 11, 26, 9, 0)
    served = register(database, 1, now=now)
    queue.start(database, served.referral_id, staff_id=both, now=now)
    by_clerk = register(database, 2, now=now)
    queue.start(database, by_clerk.referral_id, staff_id=clerk, now=now)
    with database.read() as session:
        assert mediation.draft_from_visit(session, served.visit_id)[0].mediator_ids == [both]
        assert mediation.draft_from_visit(session, by_clerk.visit_id)[0].mediator_ids == []


def test_a_mediator_beside_another_role_fills_the_set_up_gap(database: Database) -> None:
    with database.write() as session:  # the administrator as the wizard makes them
        admin = session.scalars(select(Staff).where(Staff.name == TEST_ADMIN_NAME)).one()
        auth.set_roles(admin, ["admin"])
    with database.read() as session:
        assert "staff" in [gap.key for gap in setup.gaps(session)]
    _clerk, both = _desk_staff(database)
    with database.read() as session:
        assert "staff" not in [gap.key for gap in setup.gaps(session)]
    with database.write() as session:  # she leaves: the centre has no mediator again
        staff.save_staff(session, both, "李慧敏", "receptionist", None, active=False)
    with database.read() as session:
        assert "staff" in [gap.key for gap in setup.gaps(session)]


def test_the_case_editor_marks_her_as_a_mediator(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    _desk_staff(sqlite_database)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    page = window.show_section("调解案件")
    assert isinstance(page, CasesPage)
    click_named(qtbot, page, "case.new")
    mediators = page.editor.info.mediators
    texts = [mediators.item(i).text() for i in range(mediators.count())]
    assert "李慧敏（调解员）" in texts and "周建华" in texts
    assert texts.index("李慧敏（调解员）") < texts.index("周建华")
