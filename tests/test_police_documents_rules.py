"""The 警民联络室's printed papers (``police/documents``): the 移交单 and the 回执 of a
hand-over, each logged as printed with its name and number; an unknown paper refused in
words; only the police liaison prints."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.errors import FeatureUnavailableError, PermissionDenied
from desktop.services.police import documents, handovers
from tests.police_helpers import handover
from tests.poppler import text_of
from tests.rules_helpers import acting_as


def test_each_paper_is_printed_and_logged_with_its_name_and_number(
        database: Database) -> None:
    ref = handovers.record_handover(database, handover())
    with acting_as(database, {"police"}, "警民联络室"):
        sheet = documents.render(database, "handover", ref.handover_id)
        reply = documents.render(database, "reply", ref.handover_id)
    assert "警民联络移交单" in text_of(sheet).replace(" ", "")
    assert "移交事项办理回执" in text_of(reply).replace(" ", "")
    with database.read() as session:
        logged = list_entries(session, AuditFilter(action="print"))
    assert sorted((e.raw_detail["文书"], e.raw_detail["编号"]) for e in logged) == [
        ("移交事项办理回执", ref.handover_no), ("警民联络移交单", ref.handover_no)]
    with database.read() as session:
        targets = {(e.target_type, e.target_id) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "print"))}
    assert targets == {("police_handover", str(ref.handover_id))}


def test_an_unknown_paper_or_a_desk_without_the_right_prints_nothing(
        database: Database) -> None:
    ref = handovers.record_handover(database, handover())
    with acting_as(database, {"police"}, "警民联络室"), pytest.raises(
            FeatureUnavailableError, match=r"^没有名为“receipt”的文书$"):
        documents.render(database, "receipt", ref.handover_id)
    with acting_as(database, {"receptionist"}), pytest.raises(PermissionDenied):
        documents.render(database, "handover", ref.handover_id)
    with database.read() as session:
        assert list_entries(session, AuditFilter(action="print")) == []
