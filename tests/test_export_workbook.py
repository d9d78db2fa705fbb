"""The register workbook writer: the printed-register layout, and no half-written files."""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pytest
from openpyxl.worksheet._writer import ALL_TEMP_FILES

from desktop.exports import workbook
from desktop.exports.workbook import Column, SectionRow, SheetSpec, write_register_workbook
from desktop.services.errors import Cancelled


class Row(NamedTuple):
    n: int
    at: datetime
    on: date
    name: str
    amount: Decimal | None
    note: str


COLUMNS = [
    Column("序号", 6, "n", kind="int", align="center"),
    Column("时间", 16, "at", kind="datetime"),
    Column("日期", 11, "on", kind="date"),
    Column("姓名", 10, "name", total="count"),
    Column("金额（元）", 12, "amount", kind="money", total="sum"),
    Column("说明", 40, "note", wrap=True),
]


def _rows(n: int) -> list[Row]:
    return [Row(i, datetime(2026, 11, 1 + i % 28, 9, i % 60), date(2026, 11, 1 + i % 28),
                f"张三{i}", Decimal("12.50") if i % 2 else None, f"说明\x0b第{i}行 ")
            for i in range(1, n + 1)]


def _sheet(rows, expected: int | None = None) -> SheetSpec:  # type: ignore[no-untyped-def]
    return SheetSpec(name="测试台账", title="测试台账", columns=COLUMNS, rows=rows,
                     expected_rows=len(rows) if expected is None else expected,
                     period="2026年11月", totals=True, notes=["注：仅供测试"])


def test_register_layout(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    rows = _rows(30)
    result = write_register_workbook(out, [_sheet(rows)], centre_name="东城街道综治中心",
                                     exported_at=datetime(2026, 11, 26, 9, 30))
    assert result.rows == {"测试台账": 30}
    ws = openpyxl.load_workbook(out)["测试台账"]
    assert ws["A1"].value == "东城街道综治中心测试台账（2026年11月）"
    assert ws["A1"].font.b and ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value == "导出时间：2026-11-26 09:30    共 30 条"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "A35:F35"} <= merged
    assert [c.value for c in ws[3]] == [c.header for c in COLUMNS]
    assert all(c.font.b and c.border.left.style == "thin" for c in ws[3])
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:F33"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.column_dimensions["F"].width == 40
    # Data: values, formats, borders, wrapping; illegal control characters dropped.
    first = ws[4]
    assert [c.value for c in first] == [1, datetime(2026, 11, 2, 9, 1), datetime(2026, 11, 2),
                                        "张三1", 12.5, "说明第1行 "]
    assert first[1].number_format == "yyyy-mm-dd hh:mm"
    assert first[2].number_format == "yyyy-mm-dd"
    assert first[4].number_format == "#,##0.00"
    assert first[5].alignment.wrap_text
    assert all(c.border.bottom.style == "thin" for c in first)
    assert ws["E5"].value is None and ws["E5"].border.left.style == "thin"
    # Totals: a label, a count, a sum.
    assert [c.value for c in ws[34]][:5] == ["合计", None, None, 30, 15 * 12.5]
    assert ws["A35"].value == "注：仅供测试"


def test_section_rows_and_missing_values(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    columns = [Column("项目", 20, "label"), Column("本期", 10, "value", missing="—")]

    class Line(NamedTuple):
        label: str
        value: int | None

    rows = [SectionRow("一、总体情况"), Line("来访", 3), Line("受理", None)]
    write_register_workbook(out, [SheetSpec("表", "统计表", columns, rows, subtitle="本期")],
                            centre_name="中心")
    ws = openpyxl.load_workbook(out).active
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["本期", None], ["项目", "本期"], ["一、总体情况", None], ["来访", 3], ["受理", "—"],
    ]
    assert "A4:B4" in {str(r) for r in ws.merged_cells.ranges}


def test_cancel_midway_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "PROGRESS_STEP", 10)
    out = tmp_path / "cancelled.xlsx"
    seen: list[int] = []
    before = list(ALL_TEMP_FILES)
    rows_files = set(Path(tempfile.gettempdir()).glob("register.*.rows.xml"))

    def progress(done: int, total: int) -> None:
        seen.append(done)

    with pytest.raises(Cancelled):
        write_register_workbook(out, [_sheet(_rows(200))], centre_name="中心",
                                progress=progress, cancelled=lambda: len(seen) >= 5)
    assert seen == [10, 20, 30, 40, 50]
    assert list(tmp_path.iterdir()) == []
    # openpyxl's own temporary sheet file is gone too.
    assert not [p for p in ALL_TEMP_FILES if p not in before and os.path.exists(p)]
    assert set(Path(tempfile.gettempdir()).glob("register.*.rows.xml")) <= rows_files


def test_failure_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    out.write_bytes(b"the register exported last week")

    def broken():  # type: ignore[no-untyped-def]
        yield from _rows(3)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_register_workbook(out, [_sheet(broken(), 3)], centre_name="中心")
    assert out.read_bytes() == b"the register exported last week"
    assert [p.name for p in tmp_path.iterdir()] == ["register.xlsx"]
