"""The monthly report workbook: 人民调解月报 and 综治中心来访统计, each with 环比 and 同比."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from desktop.db import Database
from desktop.exports.workbook import (
    CancelCheck,
    Column,
    Progress,
    SectionRow,
    SheetSpec,
    WorkbookResult,
    write_register_workbook,
)
from desktop.services import files
from desktop.services.monthly import Breakdown, Figure, MonthlyReport, monthly_report
from desktop.services.registers import Period

DASH = "—"


class ReportLine(NamedTuple):
    label: str
    value: float | int | None
    share: float | None
    previous: float | int | None
    month_on_month: str
    last_year: float | int | None
    year_on_year: str
    note: str


def change_text(value: float | None, kind: str) -> str:
    """环比/同比 as printed: +12.5% for counts, +3.2个百分点 for rates, — when not computable."""
    if value is None:
        return DASH
    if kind == "rate":
        return f"{value:+.1f}个百分点"
    return f"{value * 100:+.1f}%"


def _number(value: object) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    as_float = float(value)  # type: ignore[arg-type]
    return int(as_float) if as_float.is_integer() else round(as_float, 2)


def line(figure: Figure) -> ReportLine:
    unavailable = figure.value is None
    return ReportLine(
        figure.label, _number(figure.value), figure.share,
        None if unavailable else _number(figure.previous),
        DASH if unavailable else change_text(figure.month_on_month, figure.kind),
        None if unavailable else _number(figure.last_year),
        DASH if unavailable else change_text(figure.year_on_year, figure.kind),
        figure.note,
    )


COLUMNS = (
    Column("项目", 26, "label", wrap=True),
    Column("本期", 12, "value", align="right", missing=DASH),
    Column("占比", 9, "share", kind="percent", align="right"),
    Column("上期", 12, "previous", align="right", missing=DASH),
    Column("环比", 14, "month_on_month", align="right"),
    Column("上年同期", 12, "last_year", align="right", missing=DASH),
    Column("同比", 14, "year_on_year", align="right"),
    Column("说明", 34, "note", wrap=True),
)


def _rows(figures: list[Figure], breakdowns: list[Breakdown], heading: str
          ) -> Iterator[ReportLine | SectionRow]:
    yield SectionRow(heading)
    for figure in figures:
        yield line(figure)
    for number, breakdown in enumerate(breakdowns, 2):
        title = f"{_chinese_number(number)}、{breakdown.title}"
        if breakdown.note:
            title += f"（{breakdown.note}）"
        yield SectionRow(title)
        for figure in breakdown.figures:
            yield line(figure)


def _chinese_number(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)


def report_sheets(report: MonthlyReport) -> list[SheetSpec]:
    subtitle = (f"本期：{report.period.label()}    上期：{report.previous.label()}    "
                f"上年同期：{report.last_year.label()}")
    mediation_rows = list(_rows(report.mediation, report.mediation_breakdowns, "一、基本情况"))
    centre_rows = list(_rows(report.centre, report.centre_breakdowns, "一、总体情况"))
    return [
        SheetSpec(name="人民调解月报", title="人民调解工作月报", columns=COLUMNS,
                  rows=mediation_rows, period=report.period.label(), subtitle=subtitle,
                  notes=report.notes, autofilter=False),
        SheetSpec(name="综治中心来访统计", title="来访接待统计", columns=COLUMNS,
                  rows=centre_rows, period=report.period.label(), subtitle=subtitle,
                  notes=report.notes, autofilter=False),
    ]


def export_monthly(
    database: Database, period: Period, out: str | Path, *,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    exported_at: datetime | None = None,
) -> WorkbookResult:
    """Compute the report for ``period`` and write it to ``out``."""
    files.check_output_path(out)  # before the work, not after it
    with database.read() as session:
        report = monthly_report(session, period)
    return write_register_workbook(
        out, report_sheets(report), centre_name=report.centre_name, exported_at=exported_at,
        progress=progress, cancelled=cancelled,
    )
