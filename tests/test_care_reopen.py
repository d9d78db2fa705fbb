"""Reopening an ended care entry, and correcting or deleting home visits, through the service."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.care import entries, listing, visits
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from tests.care_helpers import four_residents, room_id


def _version(database: Database, entry_id: int) -> int:
    with database.read() as session:
        return listing.entry_detail(session, entry_id).version


def test_an_ended_entry_is_reopened_and_the_audit_log_keeps_why_it_ended(
        database: Database) -> None:
    ids = four_residents(database)
    ended = ids["赵国强"]
    # Still on the register: nothing to reopen.
    with pytest.raises(ValidationError) as caught:
        entries.reopen_entry(database, ids["李桂芝"], version=_version(database, ids["李桂芝"]))
    assert caught.value.errors == {"ended_on": "该关爱对象仍在册，无需恢复"}
    version = _version(database, ended)
    with pytest.raises(StaleEditError):
        entries.reopen_entry(database, ended, version=version - 1)
    entries.reopen_entry(database, ended, version=version)
    with database.read() as session:
        detail = listing.entry_detail(session, ended)
        due = [r.entry_id for r in listing.due_visits(session) if r.overdue]
        log = list_entries(session, AuditFilter(action="reopen"))
    assert detail.ended_on is None and detail.end_reason == ""
    # Registered on 09-01, never visited: due on 09-15, overdue again.
    assert detail.next_due_on == date(2026, 9, 15) and ended in due
    assert len(log) == 1 and log[0].action_label == "恢复在册"
    assert log[0].raw_detail == {"原结束日期": "2026-10-31", "原结束原因": "迁出本辖区"}
    # A second desk that loaded the ended entry cannot reopen it twice.
    with pytest.raises(StaleEditError):
        entries.reopen_entry(database, ended, version=version)


def test_only_the_care_room_reopens(database: Database) -> None:
    ids = four_residents(database)
    version = _version(database, ids["赵国强"])
    admin = database.actor
    database.actor = auth.Actor(None, "警务室", frozenset({"room_staff"}),
                                room_id=room_id(database, "警民联络室"))
    with pytest.raises(PermissionDenied):
        entries.reopen_entry(database, ids["赵国强"], version=version)
    database.actor = admin
    with database.read() as session:
        assert listing.entry_detail(session, ids["赵国强"]).ended_on == date(2026, 10, 31)


def test_correcting_and_deleting_a_visit_moves_the_next_due_day(database: Database) -> None:
    ids = four_residents(database)
    entry_id = ids["李桂芝"]
    with database.read() as session:
        last = listing.entry_detail(session, entry_id).visits[0]
    assert last.visited_on == date(2026, 11, 22)
    visits.update_visit(database, last.visit_id, VisitInput(date(2026, 11, 25), "血压偏高"),
                        version=last.version)
    with database.read() as session:
        detail = listing.entry_detail(session, entry_id)
    assert detail.next_due_on == date(2026, 12, 9) and detail.visits[0].help_kind is None
    with pytest.raises(StaleEditError):
        visits.delete_visit(database, last.visit_id, version=last.version)
    visits.delete_visit(database, last.visit_id, version=detail.visits[0].version)
    with database.read() as session:
        assert listing.entry_detail(session, entry_id).next_due_on == date(2026, 11, 22)
