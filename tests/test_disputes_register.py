"""The 矛盾纠纷排查化解台账 read back cell by cell against the database; LibreOffice opens it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.exports.registers import DISPUTE_COLUMNS, export_register
from desktop.models import MediationCase
from desktop.services.demo.generate import generate_demo_data
from desktop.services.registers import rows as registers
from desktop.services.registers.rows import Period, count_disputes
from tests.mediation_helpers import awkward_cases
from tests.office import require_soffice, workbook_as_pdf_text

# Written out here rather than taken from the code under test.
AGREEMENT_FORM = {"written": "书面协议", "oral": "口头协议"}


def _expected(database: Database, period: Period) -> list[list[object]]:
    """What each register row must say, from the ORM objects (relationships, not joins)."""
    rows: list[list[object]] = []
    with database.read() as session:
        cases = session.scalars(
            select(MediationCase).where(MediationCase.accepted_on >= period.start,
                                        MediationCase.accepted_on <= period.end)
        ).all()
        cases = sorted(cases, key=lambda c: (c.accepted_on, c.year, c.seq, c.id))
        for n, case_ in enumerate(cases, 1):
            applicants = [p.name for p in case_.parties if p.side == "申请人"]
            respondents = [p.name for p in case_.parties if p.side == "被申请人"]
            parties = []
            if applicants:
                parties.append("申请人：" + "、".join(applicants))
            if respondents:
                parties.append("被申请人：" + "、".join(respondents))
            if case_.outcome is None:
                outcome = "调解中"
            elif case_.outcome == "调解成功" and case_.agreement is not None:
                outcome = f"调解成功（{AGREEMENT_FORM[case_.agreement.kind]}）"
            else:
                outcome = case_.outcome
            amount = None
            if case_.outcome == "调解成功" and case_.agreement is not None:
                amount = case_.agreement.amount
            made = [f for f in case_.follow_ups if f.done_on is not None]
            planned = [f for f in case_.follow_ups if f.done_on is None]
            follow_up = None
            if made:
                last = max(made, key=lambda f: (f.done_on, f.planned_on, f.id))
                said = f"{last.performance}，{last.satisfaction}"
                follow_up = f"{said}（{last.done_on:%Y-%m-%d}回访）"
            elif planned:
                first = min(planned, key=lambda f: (f.planned_on, f.id))
                follow_up = f"待回访（计划{first.planned_on:%Y-%m-%d}）"
            rows.append([
                n, case_.case_no, "\n".join(parties) or None,
                case_.category.name if case_.category else None, case_.facts or None,
                "、".join(m.name for m in sorted(case_.mediators, key=lambda m: m.id)) or None,
                case_.accepted_on, case_.closed_on, outcome,
                float(amount) if amount is not None else None, follow_up,
            ])
    return rows


def _cell(value: object) -> object:
    """openpyxl gives dates back as datetimes."""
    return value.date() if isinstance(value, datetime) else value


def test_dispute_register_matches_database(database: Database, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches, so the parties/mediators/follow-ups lookups run between fetches of
    # the streamed cases (a server-side cursor on PostgreSQL) several times.
    monkeypatch.setattr(registers, "STREAM_BATCH", 7)
    generate_demo_data(database, visits=300)
    today = date.today()
    made = awkward_cases(database, today - timedelta(days=12))
    period = Period(today - timedelta(days=60), today)
    expected = _expected(database, period)
    assert len(expected) > 20
    with database.read() as session:
        assert count_disputes(session, period) == len(expected)

    out = tmp_path / "矛盾纠纷排查化解台账.xlsx"
    result = export_register(database, "disputes", period, out)
    assert result.rows == {"矛盾纠纷排查化解台账": len(expected)}

    ws = openpyxl.load_workbook(out)["矛盾纠纷排查化解台账"]
    assert ws["A1"].value == f"东林街道综治中心矛盾纠纷排查化解台账（{period.label()}）"
    assert f"共 {len(expected)} 条" in ws["A2"].value
    assert [c.value for c in ws[3]] == [c.header for c in DISPUTE_COLUMNS]
    data = [[c.value for c in row]
            for row in ws.iter_rows(min_row=4, max_row=3 + len(expected))]
    for got, want in zip(data, expected, strict=True):
        got[6], got[7] = _cell(got[6]), _cell(got[7])
        if got[9] is not None:
            got[9] = float(got[9])
        assert got == want
    totals = [c.value for c in ws[4 + len(expected)]]
    assert totals[0] == "合计"
    assert totals[1] == len(expected)
    amounts = [row[9] for row in expected if row[9] is not None]
    assert totals[9] == pytest.approx(sum(amounts))  # type: ignore[arg-type]
    assert ws.auto_filter.ref == f"A3:K{3 + len(expected)}"
    assert ws.freeze_panes == "A4"
    assert ws["G4"].number_format == "yyyy-mm-dd"
    assert ws["J4"].number_format == "#,##0.00"

    # The hand-made cases, spelled out.
    by_no = {row[1]: row for row in data}
    first, second, third, fourth = (by_no[ref.case_no] for ref in made)
    assert first[2] == "申请人：当事人11、当事人12\n被申请人：某某物业服务有限公司"
    assert first[5].count("、") == 2  # three mediators
    assert first[8] == "调解成功（书面协议）"
    assert first[9] == pytest.approx(12500.50)
    closed = today - timedelta(days=10)
    assert first[10] == f"已履行，满意（{closed + timedelta(days=2):%Y-%m-%d}回访）"
    assert second[8] == "调解不成功" and second[9] is None and second[10] is None
    assert third[8] == "调解成功（口头协议）" and third[9] is None
    assert third[10] == f"待回访（计划{closed + timedelta(days=14):%Y-%m-%d}）"
    assert fourth[8] == "调解中" and fourth[7] is None
    assert fourth[9] is None  # a draft agreement of an open case has no amount yet


def test_unknown_register_leaves_no_file(database: Database, tmp_path: Path) -> None:
    from desktop.services.errors import FeatureUnavailableError

    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(FeatureUnavailableError, match="没有名为"):
        export_register(database, "complaints", Period.month(2026, 11), folder / "d.xlsx")
    assert list(folder.iterdir()) == []


def test_empty_dispute_register(database: Database, tmp_path: Path) -> None:
    out = tmp_path / "d.xlsx"
    result = export_register(database, "disputes", Period.month(2020, 2), out)
    assert result.rows == {"矛盾纠纷排查化解台账": 0}
    ws = openpyxl.load_workbook(out).active
    assert [c.value for c in ws[3]] == [c.header for c in DISPUTE_COLUMNS]
    assert ws["A4"].value == "合计" and ws["B4"].value == 0


def test_libreoffice_converts_the_dispute_register(sqlite_database: Database,
                                                   tmp_path: Path) -> None:
    soffice = require_soffice()
    generate_demo_data(sqlite_database, visits=300)
    awkward_cases(sqlite_database, date.today() - timedelta(days=12))
    out = tmp_path / "disputes.xlsx"
    export_register(sqlite_database, "disputes",
                    Period(date.today() - timedelta(days=60), date.today()), out)
    text = workbook_as_pdf_text(soffice, out, tmp_path)
    assert "矛盾纠纷排查化解台账" in text
    assert "当事人11" in text and "调解不成功" in text
    assert "###" not in text  # every amount fits its column
