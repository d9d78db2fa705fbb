"""The first start of a new centre: the wizard, and nothing printed with a placeholder.

A fresh database knows no centre. Until the admin has said who the centre is, what
would print its name refuses and says where to fill it in; the wizard (and 系统设置
afterwards) sets it up through the window, and from then on the receipt, the case
number and the hall display carry the centre's own identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import CentreSetting, Community, Grid, MediationCase, Room, Staff
from desktop.services import mediation, reference
from desktop.services.admin import auth, setup, staff
from desktop.services.admin.settings import CentreSettings, load_settings, save_settings
from desktop.services.bootstrap import open_database
from desktop.services.errors import ValidationError
from desktop.services.mediation import CaseInput
from desktop.services.mediation.documents import render
from desktop.services.reception.receipts import receipt_data
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.views.admin.setup_wizard import SetupWizard
from desktop.views.main_window import MainWindow
from desktop.views.reception.hall_display import HallDisplay
from tests.conftest import TEST_ADMIN_NAME, add_test_admin
from tests.factories import id_number
from tests.qt_helpers import type_text


@pytest.fixture
def new_centre(db_url: str) -> Iterator[Database]:
    """A database as the first start leaves it: migrated and seeded, nobody said who
    (the administrator's account made, as on the wizard's first page, and signed in)."""
    database = open_database(db_url)
    add_test_admin(database)
    yield database
    database.dispose()


@pytest.fixture
def new_sqlite_centre(sqlite_db_url: str) -> Iterator[Database]:
    database = open_database(sqlite_db_url)
    add_test_admin(database)
    yield database
    database.dispose()


def _register(database: Database, n: int = 1) -> str:
    with database.read() as session:
        room_id = next(r.id for r in reference.rooms(session) if r.name == "矛盾纠纷调解室")
        category_id = next(c.id for c in reference.categories(session) if c.name == "邻里")
    return register_visit(database, RegistrationInput(
        name="王秀英", id_number=id_number(n), phone="13912345678", summary="楼道堆放杂物",
        room_id=room_id, category_id=category_id)).visit_no


def _mediator(database: Database) -> int:
    with database.write() as session:
        return staff.save_staff(session, None, "李建国", "mediator", None, "13812345678")


def _accept(database: Database, mediator_id: int) -> str:
    return mediation.accept_case(database, CaseInput(
        facts="邻居在楼道堆放杂物，影响通行。", mediator_ids=[mediator_id],
        accepted_on=date(2026, 11, 20))).case_no


def _admin_only(database: Database) -> None:
    """The first administrator as the wizard makes them holds no mediator's role; the
    all-roles test account does (its stored roles change, its signed-in ones stay)."""
    with database.write() as session:
        admin = session.scalars(select(Staff).where(Staff.name == TEST_ADMIN_NAME)).one()
        auth.set_roles(admin, auth.ALL_ROLES - {"mediator"})


def _rows(database: Database) -> tuple[int, ...]:
    with database.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) or 0
                     for model in (CentreSetting, Staff, Community, Grid))


# -- before set-up: refuse, and say what and where --------------------------------------

def test_a_new_centre_prints_nothing_with_a_made_up_identity(new_centre: Database) -> None:
    _admin_only(new_centre)
    with new_centre.read() as session:
        assert setup.needs_wizard(session)
        assert load_settings(session) == CentreSettings()
        assert [gap.key for gap in setup.gaps(session)] == [
            "centre", "committee", "staff", "communities"]
    visit_no = _register(new_centre)  # the desk still registers and issues a ticket
    with new_centre.read() as session, pytest.raises(ValidationError) as receipt:
        receipt_data(session, visit_no)
    assert receipt.value.errors == {"setup": "打印受理回执前请先设置中心名称"
                                             "（系统设置 → 中心信息，或首次使用时的设置向导）"}
    mediator_id = _mediator(new_centre)
    with pytest.raises(ValidationError) as case:
        _accept(new_centre, mediator_id)
    assert "调委会简称" in case.value.errors["setup"]
    with new_centre.read() as session:
        assert session.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_documents_wait_for_the_committee_name(new_centre: Database) -> None:
    mediator_id = _mediator(new_centre)
    with new_centre.write() as session:
        save_settings(session, CentreSettings(centre_name="东林街道综治中心",
                                              committee_short_name="东林"),
                      ["centre_name", "committee_short_name"])
    case_no = _accept(new_centre, mediator_id)
    assert case_no == "（2026）东林人调字第0001号"
    with pytest.raises(ValidationError) as refused:
        render(new_centre, "application", case_no)
    assert "调委会名称" in refused.value.errors["agreement"]


def test_the_placeholders_an_earlier_version_saved_count_as_unset(new_centre: Database) -> None:
    with new_centre.write() as session:
        for key, value in {"centre_name": "某某街道综治中心", "centre_phone": "0000-0000000",
                           "committee_name": "某某街道人民调解委员会",
                           "committee_short_name": "东"}.items():
            session.add(CentreSetting(key=key, value=value))
    with new_centre.read() as session:
        assert load_settings(session) == CentreSettings()
        assert setup.needs_wizard(session)
    with new_centre.write() as session:  # 东 beside the centre's own committee is its own
        session.get(CentreSetting, "committee_name").value = "东城区人民调解委员会"
    with new_centre.read() as session:
        assert load_settings(session).committee_short_name == "东"


def test_the_registration_says_why_no_receipt_came_out(
    qtbot: QtBot, new_sqlite_centre: Database
) -> None:
    window = MainWindow(database=new_sqlite_centre)
    qtbot.addWidget(window)
    page = window.registration
    assert page.show_receipt(_register(new_sqlite_centre)) is None
    assert "回执未打印：打印受理回执前请先设置中心名称" in page.status.text()


def test_the_hall_display_shows_no_made_up_name(qtbot: QtBot, new_sqlite_centre: Database) -> None:
    hall = HallDisplay(database=new_sqlite_centre)
    qtbot.addWidget(hall)
    hall.timer.stop()
    assert hall.title.text() == "叫号信息"


def _gaps(database: Database) -> list[tuple[str, str, str]]:
    with database.read() as session:
        return [(gap.key, gap.text, gap.where) for gap in setup.gaps(session)]


def test_each_gap_names_what_is_empty_and_where_to_set_it(new_centre: Database) -> None:
    _admin_only(new_centre)
    where = "系统设置 → 中心信息"
    assert _gaps(new_centre) == [
        ("centre", "中心名称、中心电话、中心地址", where),
        ("committee", "调委会名称、调委会简称", where),
        ("staff", "调解员（受理调解案件至少要选一名）", "系统设置 → 工作人员"),
        ("communities", "社区和网格（登记时选择来访人所在社区）",
         "系统设置 → 事项类别、社区和网格"),
    ]
    with new_centre.write() as session:
        save_settings(session, CentreSettings(centre_name="东林街道综治中心",
                                              committee_short_name="东林"),
                      ["centre_name", "committee_short_name"])
    assert _gaps(new_centre)[:2] == [("centre", "中心电话、中心地址", where),
                                     ("committee", "调委会名称", where)]
    with new_centre.write() as session:  # a community switched off is none to choose
        session.add(Community(name="东城社区", active=False))
    assert "communities" in [key for key, _text, _where in _gaps(new_centre)]
    with new_centre.write() as session:
        session.add(Community(name="西城社区", active=True))
    assert "communities" not in [key for key, _text, _where in _gaps(new_centre)]


# -- the wizard, through the window ------------------------------------------------------

def _next(qtbot: QtBot, wizard: SetupWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _field(wizard: SetupWizard, name: str):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    widget = wizard.findChild(QWidget, name)
    assert widget is not None, name
    return widget


@pytest.fixture
def empty_sqlite_centre(sqlite_db_url: str) -> Iterator[Database]:
    """The very first start: no centre, no account, nobody signed in."""
    database = open_database(sqlite_db_url)
    yield database
    database.dispose()


def test_the_wizard_sets_the_centre_up_from_an_empty_database(
    qtbot: QtBot, empty_sqlite_centre: Database
) -> None:
    database = empty_sqlite_centre
    window = MainWindow(database=database)
    qtbot.addWidget(window)
    window.show()
    wizard = window.open_setup_wizard_if_needed()
    assert wizard is not None and wizard.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "下一步 >"

    # 中心管理员账号 first: chosen here, no default password anywhere.
    assert wizard.admin is not None and wizard.currentPage() is wizard.admin
    type_text(qtbot, wizard.admin.name, "郑淑珍")
    type_text(qtbot, wizard.admin.login, "admin")
    for field in (wizard.admin.password, wizard.admin.repeat):
        type_text(qtbot, field, "Admin2026pw")
    _next(qtbot, wizard)
    assert database.actor is not None and database.actor.name == "郑淑珍"
    assert wizard.currentPage() is wizard.centre

    # 中心信息: a name is required, the phone must be one; refused beside the field.
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.centre
    assert _field(wizard, "wizard.centre_name_error").text() == "请填写中心名称"
    type_text(qtbot, _field(wizard, "wizard.centre_name"), "东林街道综治中心")
    type_text(qtbot, _field(wizard, "wizard.centre_phone"), "abc")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.centre
    assert _field(wizard, "wizard.centre_phone_error").text()
    assert _rows(database) == (0, 1, 0, 0)  # the administrator only
    _field(wizard, "wizard.centre_phone").clear()
    type_text(qtbot, _field(wizard, "wizard.centre_phone"), "010-62345678")
    type_text(qtbot, _field(wizard, "wizard.centre_address"), "东林路18号")
    type_text(qtbot, _field(wizard, "wizard.service_hours"), "周一至周五 8:30-17:30")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.committee
    with database.read() as session:
        assert load_settings(session).centre_name == "东林街道综治中心"

    # 人民调解委员会, with the case number it makes.
    type_text(qtbot, _field(wizard, "wizard.committee_name"), "东林街道人民调解委员会")
    type_text(qtbot, _field(wizard, "wizard.committee_short_name"), "东林")
    assert _field(wizard, "wizard.case_no_example").text().endswith("东林人调字第0001号")
    _next(qtbot, wizard)

    # 室和窗口: where the counselling room is.
    rooms = wizard.rooms
    row = next(i for i, e in enumerate(rooms.entries) if e.name == "心理咨询室")
    rooms.table.selectRow(row)
    rooms.location.clear()
    type_text(qtbot, rooms.location, "三楼302")
    qtbot.mouseClick(rooms.save_button, Qt.MouseButton.LeftButton)
    assert not rooms.new_button.isVisibleTo(rooms)
    _next(qtbot, wizard)

    # 工作人员: a mediator of the mediation room, added in the window.
    people = wizard.staff
    type_text(qtbot, people.name, "李建国")
    people.role.setCurrentIndex(people.role.findData("mediator"))
    people.room.setCurrentIndex(people.room.findText("矛盾纠纷调解室"))
    type_text(qtbot, people.phone, "13812345678")
    qtbot.mouseClick(people.save_button, Qt.MouseButton.LeftButton)
    assert people.error.text() == ""
    assert [(e.name, e.role_label, e.room) for e in people.entries] == [
        ("郑淑珍", "中心管理员", ""), ("李建国", "调解员", "矛盾纠纷调解室")]
    _next(qtbot, wizard)

    # 社区和网格.
    places = wizard.places
    type_text(qtbot, places.communities.name, "东林社区")
    qtbot.mouseClick(places.communities.save_button, Qt.MouseButton.LeftButton)
    type_text(qtbot, places.grids.name, "第一网格")
    qtbot.mouseClick(places.grids.save_button, Qt.MouseButton.LeftButton)
    assert [e.name for e in places.grids.entries] == ["第一网格"]
    _next(qtbot, wizard)
    assert "均已设置" in _field(wizard, "wizard.summary_text").text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()

    # From now on: the receipt, the case number and the hall display are the centre's own
    # (registering and accepting are not the administrator's: an all-roles account does it).
    add_test_admin(database)
    visit_no = _register(database)
    with database.read() as session:
        assert not setup.needs_wizard(session) and setup.gaps(session) == []
        receipt = receipt_data(session, visit_no)
        counselling = session.scalar(select(Room).where(Room.name == "心理咨询室"))
        assert counselling is not None and counselling.location == "三楼302"
        mediator_id = session.scalar(select(Staff.id).where(Staff.name == "李建国"))
    assert (receipt.centre_name, receipt.centre_phone) == ("东林街道综治中心", "010-62345678")
    assert mediator_id is not None
    assert _accept(database, mediator_id) == "（2026）东林人调字第0001号"
    hall = HallDisplay(database=database)
    qtbot.addWidget(hall)
    hall.timer.stop()
    assert hall.title.text() == "东林街道综治中心 · 叫号信息"
    assert window.open_setup_wizard_if_needed() is None


def test_a_wizard_left_half_way_keeps_what_was_done(
    qtbot: QtBot, new_sqlite_centre: Database
) -> None:
    _admin_only(new_sqlite_centre)
    window = MainWindow(database=new_sqlite_centre)
    qtbot.addWidget(window)
    window.show()
    wizard = window.open_setup_wizard()
    type_text(qtbot, _field(wizard, "wizard.centre_name"), "东林街道综治中心")
    _next(qtbot, wizard)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    with new_sqlite_centre.read() as session:
        assert load_settings(session).centre_name == "东林街道综治中心"
        assert [gap.key for gap in setup.gaps(session)] == [
            "centre", "committee", "staff", "communities"]  # phone and address still missing
    page = window.settings
    assert page.gaps.isVisibleTo(page)
    assert "调解员" in page.gaps.text() and "系统设置 → 工作人员" in page.gaps.text()


def test_staff_are_kept_in_settings_too(qtbot: QtBot, sqlite_database: Database) -> None:
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    window.show()
    dialog = window.settings.on_staff()
    editor = dialog.editor
    type_text(qtbot, editor.name, "周敏")
    editor.role.setCurrentIndex(editor.role.findData("counsellor"))
    type_text(qtbot, editor.phone, "12345")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "电话" in editor.error.text() or "号码" in editor.error.text()
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count()).select_from(Staff)
                              .where(Staff.name != TEST_ADMIN_NAME)) == 0
    editor.phone.clear()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert [(e.name, e.role_label) for e in editor.entries
            if e.name != TEST_ADMIN_NAME] == [("周敏", "心理咨询师")]
    # Deactivated, never deleted: she drops out of the lists, old records keep her name.
    editor.table.selectRow([e.name for e in editor.entries].index("周敏"))
    editor.active.setChecked(False)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    with sqlite_database.read() as session:
        assert [s.active for s in session.scalars(select(Staff).where(
            Staff.name != TEST_ADMIN_NAME))] == [False]


# -- the rules of the lists --------------------------------------------------------------

def test_staff_rules(database: Database) -> None:
    with database.read() as session:
        room_id = reference.rooms(session)[0].id
    cases = [
        (("", "mediator", None, ""), "name"),
        (("李建国", "boss", None, ""), "role"),
        (("李建国", "mediator", None, "12345"), "phone"),
        (("李建国", "mediator", 999_999, ""), "room"),
        (("李建国", "mediator", -1, ""), "room"),
    ]
    for (name, role, room, phone), field in cases:
        with pytest.raises(ValidationError) as refused, database.write() as session:
            staff.save_staff(session, None, name, role, room, phone)
        assert field in refused.value.errors, (name, role, room, phone)
    with database.write() as session:
        ident = staff.save_staff(session, None, " 李建国 ", "mediator", room_id, "138 1234 5678")
    with database.read() as session:
        person = session.get(Staff, ident)
        assert person is not None
        assert (person.name, person.phone, person.room_id) == ("李建国", "13812345678", room_id)
        assert session.scalar(select(func.count()).select_from(Staff)
                              .where(Staff.name != TEST_ADMIN_NAME)) == 1


def test_room_rules(database: Database) -> None:
    with database.read() as session:
        rooms = staff.room_entries(session)
    with pytest.raises(ValidationError) as new, database.write() as session:
        staff.save_room(session, None, "新室", "")
    assert "基础数据导入" in new.value.errors["name"]
    with pytest.raises(ValidationError) as clash, database.write() as session:
        staff.save_room(session, rooms[1].id, rooms[0].name, "")
    assert "已有名为" in clash.value.errors["name"]
    with database.write() as session:
        for room in rooms[1:]:
            staff.save_room(session, room.id, room.name, room.location, active=False)
    with pytest.raises(ValidationError) as last, database.write() as session:
        staff.save_room(session, rooms[0].id, rooms[0].name, "", active=False)
    assert last.value.errors == {"active": "至少要有一个室或窗口在用"}
    with database.read() as session:
        assert [r.active for r in staff.room_entries(session)] == [True] + [False] * (
            len(rooms) - 1)
