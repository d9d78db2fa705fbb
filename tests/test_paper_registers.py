"""The registers of real-sized cases, opened with LibreOffice and read back as printed.

Facts up to 3,000 characters, several parties a side, long follow-ups: every text that
went in is on the printed pages (a row too long for one sheet row goes on in
continuation rows), no glyph overprints another, and each 月报 sheet is one page.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.exports.registers import export_register
from desktop.services import mediation
from desktop.services.registers.rows import Period
from tests import mediation_helpers as h
from tests import poppler
from tests.case_shapes import text_of
from tests.office import require_soffice, workbook_as_pdf_text
from tests.pdf_checks import missing_texts, overlaps, read


def _pdf(soffice: str, workbook: Path, work: Path) -> bytes:
    workbook_as_pdf_text(soffice, workbook, work)
    return (work / f"{workbook.stem}.pdf").read_bytes()


def _raw_pages(pdf: bytes) -> list[str]:
    """The text of each page in drawing order (LibreOffice's CJK glyphs are mapped right
    by pdftotext; pdfplumber is used for their boxes only)."""
    text = poppler.text_of(pdf, "-raw")
    return text.split("\f")


def _long_cases(database: Database, day: date) -> list[str]:
    """Cases whose facts run from a few characters to 3,000; returns the facts."""
    rng = random.Random(11)
    facts = []
    for n, length in enumerate([4, 120, 560, 1400, 3000]):
        text = text_of(rng, length)
        facts.append(text)
        parties = [h.person(10 * n + k, "申请人" if k < 3 else "被申请人") for k in range(5)]
        ref = h.make_case(database, parties=parties, accepted_on=day, facts=text)
        mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=day), version=None)
        mediation.close_case(database, ref.case_id,
                             mediation.OutcomeInput("调解成功", closed_on=day))
    return facts


def test_long_facts_are_printed_whole_by_libreoffice(sqlite_database: Database,
                                                      tmp_path: Path) -> None:
    soffice = require_soffice()
    day = date.today() - timedelta(days=3)
    facts = _long_cases(sqlite_database, day)
    out = tmp_path / "disputes.xlsx"
    export_register(sqlite_database, "disputes", Period(day, day), out)
    pdf = _pdf(soffice, out, tmp_path)
    pages = read(pdf)
    assert missing_texts(facts, _raw_pages(pdf)) == []
    assert [p for page in pages for p in overlaps(page)] == []


def test_monthly_report_is_one_page_per_sheet(sqlite_database: Database,
                                              tmp_path: Path) -> None:
    soffice = require_soffice()
    day = date.today().replace(day=1)
    _long_cases(sqlite_database, day)
    out = tmp_path / "monthly.xlsx"
    export_monthly(sqlite_database, Period.month(day.year, day.month), out)
    pdf = _pdf(soffice, out, tmp_path)
    pages = read(pdf)
    assert len(pages) == 2, [p.text()[:40] for p in pages]
    assert [p for page in pages for p in overlaps(page)] == []
    for text in _raw_pages(pdf)[:2]:
        for item in ("填报单位（盖章）", "负责人", "填表人", "报送日期"):
            assert item in text, item


def test_monthly_report_only_for_a_calendar_month(sqlite_database: Database,
                                                  tmp_path: Path) -> None:
    from desktop.services.errors import ValidationError

    with pytest.raises(ValidationError, match="整月"):
        export_monthly(sqlite_database, Period(date(2026, 11, 3), date(2026, 12, 2)),
                       tmp_path / "m.xlsx")
    assert not (tmp_path / "m.xlsx").exists()


