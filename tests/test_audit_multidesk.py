"""Four desks appending to the audit log at the same instant: one chain, no fork, no gap."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import AuditEntry
from desktop.services.admin import audit
from desktop.services.admin.staff import save_staff
from desktop.services.bootstrap import open_database
from tests.conftest import set_up_centre
from tests.test_multidesk import DESKS, Outcome, _burst, _errors, _press

PRESSES = 25


def _append_many(database: Database, barrier: Any, desk: int) -> list[Outcome]:
    out: list[Outcome] = []

    def export(n: int) -> int:
        audit.log_event(database, "export", "register", f"{desk}-{n}")
        return n

    def add_staff(n: int) -> int:
        with database.write() as session:
            return save_staff(session, None, f"窗口{desk}人员{n}", "receptionist", None)

    barrier.wait(timeout=60)
    for n in range(PRESSES):
        _press(out, (desk, n), lambda n=n: export(n) if n % 2 else add_staff(n), "real")
    return out


def test_four_desks_appending_at_once_keep_one_chain(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        with database.read() as session:
            before = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        outcomes = _burst(_append_many, db_url)
        errors = _errors(outcomes)
        assert not errors, f"{len(errors)} unexpected errors, first: {errors[0]}"
        with database.read() as session:
            ids = list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
            result = audit.verify_chain(session)
        # An export is one entry; a new member of staff two (the person and the role).
        staff_presses = (PRESSES + 1) // 2
        assert len(ids) == before + DESKS * (PRESSES + staff_presses)
        assert ids == list(range(1, len(ids) + 1))
        assert result.ok, result.message()
    finally:
        database.dispose()
