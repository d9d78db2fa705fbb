"""Counselling content never reaches the general registers, exports, the monthly report,
the dashboard or the record search; only counts do. And the migration goes up and down."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from alembic import command
from sqlalchemy import inspect

from desktop.db import Database, alembic_config, make_engine
from desktop.exports.monthly import export_monthly
from desktop.exports.registers import REGISTERS, export_register
from desktop.services.admin import record_search
from desktop.services.counselling import sessions
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import PermissionDenied
from desktop.services.registers.dashboard import today_overview
from desktop.services.registers.monthly import monthly_report
from desktop.services.registers.rows import Period
from tests.counselling_helpers import (
    INTERVENTION,
    PLAN_SECRET,
    SECRET,
    SESSION_SECRET,
    as_role,
    session_input,
    take_up,
)

CRISIS_NOTE = "由社区民警陪同前往医院"
SECRETS = (SECRET, SESSION_SECRET, INTERVENTION, PLAN_SECRET, CRISIS_NOTE)


def _cells(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)


def _counselled(database: Database) -> str:
    ref = take_up(database)
    sessions.add_session(database, ref.case_id, session_input(
        risk=RiskInput("高", "低", "低", crisis_step="其他", crisis_note=CRISIS_NOTE),
        scales={"PHQ-9": [2] * 9}))
    return ref.case_no


def _month() -> Period:
    return Period.month(date.today().year, date.today().month)


@pytest.mark.parametrize("roles", [{"admin"}, {"admin", "leader"}, {"leader"}])
def test_no_register_export_report_or_search_shows_counselling_content(
        database: Database, tmp_path: Path, roles: set[str]) -> None:
    case_no = _counselled(database)
    as_role(database, roles)
    seen: list[str] = []
    period = Period(date.today() - timedelta(days=1), date.today())
    for key in REGISTERS:
        try:
            seen.append(_cells(export_register(database, key, period,
                                               tmp_path / f"{key}.xlsx").path))
        except PermissionDenied:
            assert key == "counselling" or "admin" not in roles
    if "leader" in roles:
        seen.append(_cells(export_monthly(database, _month(), tmp_path / "m.xlsx").path))
        with database.read() as session:
            report = monthly_report(session, _month())
            seen.append(repr(report))
            seen.append(repr(today_overview(session, date.today())))
            counts = {f.label: f.value for f in report.breakdown("心理咨询室（仅计数）").figures}
        assert counts["接案（件）"] == 1 and counts["咨询（次）"] == 1
        assert counts["风险评估为高（次）"] == 1 and counts["风险评估为低（次）"] == 1
    if "admin" in roles:
        with database.read() as session:
            for kind in record_search.KINDS:
                for text in ("测试7号", case_no):
                    seen.append(repr(record_search.find_records(session, kind, text)))
    assert seen
    text = "\n".join(seen)
    for secret in SECRETS:
        assert secret not in text, secret
    assert case_no not in text  # not even the number leaves the room


def test_the_counselling_register_is_for_counsellors_and_has_no_content(
        database: Database, tmp_path: Path) -> None:
    case_no = _counselled(database)
    as_role(database, {"admin"})
    with pytest.raises(PermissionDenied):
        export_register(database, "counselling", _month(), tmp_path / "x.xlsx")
    as_role(database, {"counsellor"})
    text = _cells(export_register(database, "counselling", _month(), tmp_path / "c.xlsx").path)
    assert case_no in text and "高" in text and "咨询中" in text
    for secret in (*SECRETS, "测试7号"):
        assert secret not in text


def test_migration_goes_up_and_down(db_url: str) -> None:
    """From an empty database (a SQLite file, then PostgreSQL) up, down and up again."""
    engine = make_engine(db_url)
    config = alembic_config(engine)
    command.upgrade(config, "0016_counselling")
    tables = set(inspect(engine).get_table_names())
    assert {"counselling_case", "counselling_session", "counselling_risk",
            "counselling_scale", "notification", "notification_read"} <= tables
    command.downgrade(config, "0015_speed2")
    assert not {"counselling_case", "notification"} & set(inspect(engine).get_table_names())
    command.upgrade(config, "0016_counselling")
    engine.dispose()
