"""The monthly report workbook: 人民调解月报 and 综治中心来访统计, each with 环比 and 同比."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

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
from desktop.services.admin import audit, auth
from desktop.services.errors import ValidationError
from desktop.services.registers.monthly import (
    TOTAL_LABEL,
    Breakdown,
    Figure,
    MonthlyReport,
    monthly_report,
)
from desktop.services.registers.rows import Period

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


# 纠纷类型 of the Ministry of Justice's 人民调解 statistics, and the centre's own
# categories that fall under each (anything else counts as 其他纠纷).
MOJ_TYPES: dict[str, tuple[str, ...]] = {
    "婚姻家庭纠纷": ("婚姻家庭", "婚姻", "家庭", "赡养", "抚养", "继承"),
    "邻里纠纷": ("邻里",),
    "房屋宅基地纠纷": ("房屋宅基地", "房屋", "宅基地"),
    "合同纠纷": ("合同债务", "合同", "债务", "借款"),
    "生产经营纠纷": ("生产经营",),
    "损害赔偿纠纷": ("损害赔偿", "赔偿"),
    "山林土地纠纷": ("土地承包", "山林", "土地"),
    "征地拆迁纠纷": ("征地拆迁", "拆迁", "征地"),
    "环境污染纠纷": ("环境污染", "污染"),
    "劳动争议纠纷": ("劳动争议/欠薪", "劳动", "欠薪"),
    "医疗纠纷": ("医疗",),
    "物业纠纷": ("物业",),
    "道路交通事故纠纷": ("交通",),
    "消费纠纷": ("消费",),
    "其他纠纷": (),
}
# What the MoJ report asks that the desk does not record: lines for the clerk to fill.
MOJ_BY_HAND = [
    "排查纠纷（次）", "预防纠纷（件）", "防止民间纠纷转化为刑事案件（件／人）",
    "防止民间纠纷引起自杀（件／人）", "防止群体性上访（件／人）", "防止群体性械斗（件／人）",
]
SIGN_LINE = ("填报单位（盖章）：＿＿＿＿＿＿＿＿　负责人：＿＿＿＿＿＿　"
             "填表人：＿＿＿＿＿＿　报送日期：＿＿＿＿年＿＿月＿＿日")


def moj_type(category: str) -> str:
    """The MoJ 纠纷类型 a centre category is counted under."""
    for moj, names in MOJ_TYPES.items():
        if category == moj or any(name in category for name in names):
            return moj
    return "其他纠纷"


def _moj_breakdown(breakdown: Breakdown) -> Breakdown:
    """The centre's 按纠纷类型 regrouped into the MoJ list, every type shown."""
    sums = {moj: [0, 0, 0] for moj in MOJ_TYPES}
    total = None
    for figure in breakdown.figures:
        if figure.label == TOTAL_LABEL:
            total = figure
            continue
        target = sums[moj_type(figure.label)]
        for index, value in enumerate((figure.value, figure.previous, figure.last_year)):
            target[index] += int(value or 0)
    now = sum(v[0] for v in sums.values())
    figures = [Figure(label, v[0], v[1], v[2], share=(v[0] / now) if now else None)
               for label, v in sums.items()]
    if total is not None:
        figures.append(total)
    return Breakdown("按纠纷类型（司法部统计口径）", figures, breakdown.note)


class HandLine(NamedTuple):
    """A report line the desk cannot compute: empty cells to fill in by hand."""

    label: str
    value: str = ""
    share: str = ""
    previous: str = ""
    month_on_month: str = ""
    last_year: str = ""
    year_on_year: str = ""
    note: str = "本系统不采集，请手工填写"


def report_sheets(report: MonthlyReport) -> list[SheetSpec]:
    subtitle = (f"本期：{report.period.label()}    上期：{report.previous.label()}    "
                f"上年同期：{report.last_year.label()}")
    breakdowns = [_moj_breakdown(b) if b.title == "按纠纷类型" else b
                  for b in report.mediation_breakdowns]
    mediation_rows: list[Any] = list(_rows(report.mediation, breakdowns, "一、基本情况"))
    mediation_rows.append(SectionRow(
        f"{_chinese_number(len(breakdowns) + 2)}、矛盾纠纷排查和预防（司法部统计项目）"))
    mediation_rows += [HandLine(label) for label in MOJ_BY_HAND]
    centre_rows = list(_rows(report.centre, report.centre_breakdowns, "一、总体情况"))
    return [
        SheetSpec(name="人民调解月报", title="人民调解工作月报", columns=COLUMNS,
                  rows=mediation_rows, period=report.period.label(), subtitle=subtitle,
                  notes=report.notes, autofilter=False, sign_lines=[SIGN_LINE],
                  one_page=True),
        SheetSpec(name="综治中心来访统计", title="来访接待统计", columns=COLUMNS,
                  rows=centre_rows, period=report.period.label(), subtitle=subtitle,
                  notes=report.notes, autofilter=False, sign_lines=[SIGN_LINE],
                  one_page=True),
    ]


def export_monthly(
    database: Database, period: Period, out: str | Path, *,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    exported_at: datetime | None = None,
) -> WorkbookResult:
    """Compute the report for ``period`` (a calendar month) and write it to ``out``."""
    auth.require(database, "report.read")
    if not period.is_calendar_month:
        raise ValidationError({"period": "月报只能按整月生成：起止日期应为同一个月的1日和最后一日"
                                         f"（收到 {period.label()}）"})
    files.check_output_path(out)  # before the work, not after it
    with database.read() as session:
        report = monthly_report(session, period)
    result = write_register_workbook(
        out, report_sheets(report), centre_name=report.centre_name, exported_at=exported_at,
        progress=progress, cancelled=cancelled,
    )
    audit.log_event(database, "export", "report", "monthly",
                    {"报表": "月报", "期间": period.label(), "文件": result.path.name})
    return result
