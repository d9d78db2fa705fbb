"""The registers (台账) a centre prints and files, exported as .xlsx.

A register is a :class:`RegisterDefinition`: its name, its column spec and the
two query functions of :mod:`desktop.services.registers` (row count, rows).
``export_register`` runs any of them the same way: one read snapshot, rows
streamed into :func:`desktop.exports.workbook.write_register_workbook`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.exports.workbook import (
    CancelCheck,
    Column,
    Progress,
    SheetSpec,
    WorkbookResult,
    write_register_workbook,
)
from desktop.services import audit, auth, files, registers
from desktop.services.errors import FeatureUnavailableError
from desktop.services.registers import Period
from desktop.services.settings import load_settings

VISIT_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("来访时间", 16, "visited_at", kind="datetime", align="center"),
    Column("受理编号", 15, "visit_no", align="center", total="count",
           total_format='"共"0"件"'),
    Column("姓名", 9, "name", align="center"),
    Column("身份证号（脱敏）", 20, "id_number_masked", align="center"),
    Column("联系电话", 13, "phone", align="center"),
    Column("社区／网格", 19, "community_grid", wrap=True),
    Column("事项类别", 11, "category", wrap=True),
    Column("来源", 9, "source", align="center"),
    Column("人数", 8, "headcount", kind="int", align="center", total="sum",
           total_format='0"人次"'),
    Column("来访事项摘要", 40, "summary", wrap=True),
    Column("分流去向", 16, "room", wrap=True),
    Column("办理结果", 11, "result", align="center"),
    Column("经办人", 9, "handler", align="center"),
)

DISPUTE_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("案号", 20, "case_no", align="center", total="count", total_format='"共"0"件"'),
    Column("当事人", 22, "parties", wrap=True),
    Column("纠纷类型", 11, "category", wrap=True),
    Column("纠纷事实", 34, "facts", wrap=True),
    Column("调解员", 12, "mediators", wrap=True),
    Column("受理日期", 11, "accepted_on", kind="date", align="center"),
    Column("结案日期", 11, "closed_on", kind="date", align="center"),
    Column("调解结果", 12, "outcome", align="center", wrap=True),
    Column("协议金额（元）", 13, "agreement_amount", kind="money", align="right",
           total="sum"),
    Column("回访情况", 21, "follow_up", wrap=True),
)


@dataclass(frozen=True)
class RegisterDefinition:
    key: str  # the command-line name: visits, disputes
    title: str  # 来访登记台账
    columns: Sequence[Column]
    count: Callable[[Session, Period], int]
    rows: Callable[[Session, Period], Iterator[Any]]
    notes: Sequence[str] = ()

    def file_name(self, period: Period) -> str:
        return f"{self.title}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"


REGISTERS: dict[str, RegisterDefinition] = {
    "visits": RegisterDefinition(
        "visits", "来访登记台账", VISIT_COLUMNS, registers.count_visits,
        registers.visit_register_rows,
        notes=("注：身份证号仅显示前6位和后4位；办理结果为该来访最近一次分流的办理状态。",),
    ),
    "disputes": RegisterDefinition(
        "disputes", "矛盾纠纷排查化解台账", DISPUTE_COLUMNS, registers.count_disputes,
        registers.dispute_register_rows,
        notes=("注：按受理日期列出本期受理的案件；协议金额仅列调解成功案件协议约定的金额；"
               "回访情况为最近一次回访的履行情况和满意度，尚未回访的列出计划回访日期。",),
    ),
}


@contextmanager
def snapshot(database: Database) -> Iterator[Session]:
    """A read session that sees one consistent state (the count matches the rows)."""
    with database.read() as session:
        if not database.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        # SQLite: one read transaction in WAL mode is already a snapshot.
        yield session


def export_register(
    database: Database, key: str, period: Period, out: str | Path, *,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    exported_at: datetime | None = None,
) -> WorkbookResult:
    """Write the register ``key`` for ``period`` to ``out`` (raises if it is unavailable)."""
    auth.require(database, "register.export")
    try:
        definition = REGISTERS[key]
    except KeyError:
        raise FeatureUnavailableError(f"没有名为“{key}”的台账") from None
    files.check_output_path(out)  # before the work, not after it
    with snapshot(database) as session:
        settings = load_settings(session)
        total = definition.count(session, period)
        sheet = SheetSpec(
            name=definition.title, title=definition.title, columns=definition.columns,
            rows=definition.rows(session, period), expected_rows=total,
            period=period.label(), totals=True, notes=definition.notes,
        )
        result = write_register_workbook(
            out, [sheet], centre_name=settings.centre_name, exported_at=exported_at,
            progress=progress, cancelled=cancelled,
        )
    audit.log_event(database, "export", "register", key,
                    {"台账": definition.title, "期间": period.label(),
                     "条数": sum(result.rows.values()), "文件": result.path.name})
    return result
