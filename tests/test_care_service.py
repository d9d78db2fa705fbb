"""The care register through the service: entries, home visits, visits due, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from desktop.db import Database
from desktop.services import reference
from desktop.services.admin import auth
from desktop.services.care import entries, listing, routed, schedule, visits
from desktop.services.care.entries import EntryInput
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.factories import id_number

TODAY = date(2026, 12, 2)


def _entry(**changes: object) -> EntryInput:
    data = EntryInput(groups=["独居/空巢老人"], name="李桂芝", id_number=id_number(31),
                      gender="女", phone="13912340001", address="东林路5号",
                      guardian_name="李强", guardian_relation="儿子",
                      guardian_phone="13912340002", frequency_days=7,
                      registered_on=date(2026, 11, 20))
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _room_id(database: Database, name: str) -> int:
    with database.read() as session:
        return next(r.id for r in reference.rooms(session) if r.name == name)


def test_an_entry_comes_due_then_goes_overdue_as_the_clock_moves(
        database: Database, clock: time_machine.Coordinates) -> None:
    entry_id = entries.register_entry(database, _entry(registered_on=date(2026, 11, 28)))
    with database.read() as session:
        row = listing.due_visits(session)[0]
    assert row.entry_id == entry_id and row.next_due_on == date(2026, 12, 5)
    assert not row.overdue and row.status == "3 天后到期"
    clock.move_to(date(2026, 12, 6).isoformat() + " 09:00")
    with database.read() as session:
        row = listing.due_visits(session)[0]
        counts = listing.register_counts(session)
    assert row.overdue and row.status == "逾期 1 天"
    assert counts["overdue"] == 1
    # A visit moves the next one on by the frequency.
    visits.add_visit(database, entry_id, VisitInput(date(2026, 12, 6), "身体尚可，家中整洁",
                                                    help_kind="物资", help_text="米面油各一份"))
    with database.read() as session:
        assert listing.due_visits(session, within_days=0) == []
        detail = listing.entry_detail(session, entry_id)
    assert detail.next_due_on == date(2026, 12, 13)
    assert detail.visits[0].help_kind == "物资"


def test_next_visit_due_is_one_function_in_calendar_days() -> None:
    assert schedule.next_visit_due(date(2026, 12, 28), 7) == date(2027, 1, 4)


def test_refusals_of_an_entry(database: Database) -> None:
    cases = [
        (dict(groups=[]), "groups"), (dict(groups=["老人"]), "groups"),
        (dict(frequency_days=0), "frequency_days"), (dict(frequency_days=366), "frequency_days"),
        (dict(phone="123"), "phone"), (dict(guardian_phone="12"), "guardian_phone"),
        (dict(name=""), "name"), (dict(id_number="110105198503141234"), "id_number"),
        (dict(registered_on=TODAY + timedelta(days=1)), "registered_on"),
        (dict(staff_id=999_999), "staff_id"), (dict(community_id=999_999), "community_id"),
    ]
    for changes, key in cases:
        with pytest.raises(ValidationError) as caught:
            entries.register_entry(database, _entry(**changes))
        assert key in caught.value.errors, changes
    entries.register_entry(database, _entry(frequency_days=365))
    with pytest.raises(ValidationError) as caught:
        entries.register_entry(database, _entry())
    assert "已在关爱名册中" in caught.value.errors["name"]


def test_refusals_of_a_visit_and_of_ending(database: Database) -> None:
    entry_id = entries.register_entry(database, _entry())
    for data, key in (
        (VisitInput(date(2026, 11, 19), "走访"), "visited_on"),  # before registration
        (VisitInput(TODAY + timedelta(days=1), "走访"), "visited_on"),
        (VisitInput(TODAY, ""), "findings"),
        (VisitInput(TODAY, "走访", help_kind="资金"), "help_text"),
        (VisitInput(TODAY, "走访", help_text="慰问金"), "help_kind"),
        (VisitInput(TODAY, "走访", help_kind="现金", help_text="x"), "help_kind"),
    ):
        with pytest.raises(ValidationError) as caught:
            visits.add_visit(database, entry_id, data)
        assert key in caught.value.errors, data
    with database.read() as session:
        version = listing.entry_detail(session, entry_id).version
    with pytest.raises(ValidationError) as caught:
        entries.end_entry(database, entry_id, TODAY, "", version=version)
    assert "end_reason" in caught.value.errors
    with pytest.raises(ValidationError) as caught:
        entries.end_entry(database, entry_id, date(2026, 11, 1), "迁出", version=version)
    assert "ended_on" in caught.value.errors
    entries.end_entry(database, entry_id, date(2026, 11, 30), "迁出本市", version=version)
    with pytest.raises(ValidationError) as caught:
        visits.add_visit(database, entry_id, VisitInput(TODAY, "走访"))
    assert "结束关爱" in caught.value.errors["visited_on"]
    with database.read() as session:
        assert listing.due_visits(session) == []
        assert [r.entry_id for r in listing.entry_list(session, status="ended")] == [entry_id]


def test_only_the_care_room_and_the_admin_work_the_register(database: Database) -> None:
    entry_id = entries.register_entry(database, _entry())
    admin = database.actor
    care = _room_id(database, "关爱工作室")
    police = _room_id(database, "警民联络室")
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}), room_id=care)
    with database.read() as session:
        assert listing.entry_list(session)
    database.actor = auth.Actor(None, "警务室", frozenset({"room_staff"}), room_id=police)
    with pytest.raises(PermissionDenied), database.read() as session:
        listing.entry_list(session)
    with pytest.raises(PermissionDenied):
        visits.add_visit(database, entry_id, VisitInput(TODAY, "走访"))
    for role in ("receptionist", "mediator", "leader", "counsellor"):
        database.actor = auth.Actor(None, role, frozenset({role}), room_id=care)
        with pytest.raises(PermissionDenied), database.read() as session:
            listing.entry_list(session)
    database.actor = admin


def test_a_visit_routed_to_the_care_room_is_taken_up(database: Database) -> None:
    with database.read() as session:
        category = next(c.id for c in reference.categories(session) if c.name == "困难帮扶")
    result = register_visit(database, RegistrationInput(
        name="张秀兰", id_number=id_number(32), phone="13912340003", summary="独居老人生活困难",
        room_id=_room_id(database, "关爱工作室"), category_id=category, gender="女"))
    with database.read() as session:
        waiting = routed.routed_visits(session)
        assert [v.visit_no for v in waiting] == [result.visit_no]
        draft = routed.draft_from_visit(session, waiting[0].visit_id)
    draft.groups = ["独居/空巢老人", "低保/特困"]
    entry_id = entries.register_entry(database, draft)
    with database.read() as session:
        assert routed.routed_visits(session) == []
        row = listing.entry_list(session, search="张秀兰")[0]
    assert row.entry_id == entry_id and row.groups == "低保/特困、独居/空巢老人"
    assert row.masked_id.startswith("110105") and "*" in row.masked_id
    with pytest.raises(ValidationError) as caught:
        entries.register_entry(database, _entry(visit_id=draft.visit_id))
    assert "visit_id" in caught.value.errors
