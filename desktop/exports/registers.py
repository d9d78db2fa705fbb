"""The registers (台账) a centre prints and files, exported as .xlsx.

A register is a :class:`RegisterDefinition`: its name, its column spec and the
two query functions of :mod:`desktop.services.registers.rows` (row count, rows).
``export_register`` runs any of them the same way: one read snapshot, rows
streamed into :func:`desktop.exports.workbook.write_register_workbook`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
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
from desktop.services import files, privacy
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import load_settings
from desktop.services.care import access as care_access
from desktop.services.care import rows as care_register
from desktop.services.counselling import register as counselling_register
from desktop.services.errors import FeatureUnavailableError
from desktop.services.organisations import register as organisation_register
from desktop.services.police import register as police_register
from desktop.services.registers import rows as registers
from desktop.services.registers.rows import Period

VISIT_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("来访时间", 16, "visited_at", kind="datetime", align="center"),
    Column("受理编号", 15, "visit_no", align="center", total="count",
           total_format='"共"0"件"'),
    Column("姓名", 9, "name", align="center"),
    Column("身份证号（脱敏）", 20, "id_number_masked", align="center"),
    Column("核验方式", 9, "id_check", align="center"),
    Column("联系电话（脱敏）", 13, "phone", align="center"),
    Column("社区／网格", 19, "community_grid", wrap=True),
    Column("事项类别", 11, "category", wrap=True),
    Column("来源", 9, "source", align="center"),
    Column("人数", 8, "headcount", kind="int", align="center", total="sum",
           total_format='0"人次"'),
    Column("来访事项摘要", 40, "summary", wrap=True),
    Column("分流去向", 16, "room", wrap=True),
    Column("办理结果", 11, "result", align="center"),
    Column("经办人", 9, "handler", align="center"),
    Column("服务时限", 11, "due_on", kind="date", align="center"),
    Column("回复", 15, "reply", align="center", wrap=True),
)

# The same register exported with full numbers (personal.reveal, with a reason).
_REVEALED_HEADERS = {"id_number_masked": "身份证号", "phone": "联系电话"}
VISIT_COLUMNS_REVEALED: Sequence[Column] = tuple(
    replace(c, header=_REVEALED_HEADERS[c.value])
    if isinstance(c.value, str) and c.value in _REVEALED_HEADERS else c
    for c in VISIT_COLUMNS
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

HANDOVER_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("编号", 13, "handover_no", align="center", total="count", total_format='"共"0"件"'),
    Column("移交时间", 16, "handed_at", kind="datetime", align="center"),
    Column("方向", 9, "direction", align="center"),
    Column("类型", 13, "kind", align="center", wrap=True),
    Column("当事人（电话脱敏）", 20, "person", wrap=True),
    Column("移交事项", 36, "matter", wrap=True),
    Column("派出所", 14, "station", wrap=True),
    Column("民警（警号）", 14, "officer", wrap=True),
    Column("民警电话（脱敏）", 13, "officer_phone", align="center"),
    Column("回复期限", 11, "reply_due", kind="date", align="center"),
    Column("回复情况", 28, "reply", wrap=True),
    Column("关联调解案号", 20, "case_no", wrap=True),
)

REFERRAL_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("转介日期", 11, "referred_on", kind="date", align="center", total="count",
           total_format='"共"0"人次"'),
    Column("姓名", 9, "person", align="center"),
    Column("联系电话（脱敏）", 13, "phone", align="center"),
    Column("社会组织", 18, "organisation", wrap=True),
    Column("服务需求", 30, "service_asked", wrap=True),
    Column("办理期限", 11, "due_on", kind="date", align="center"),
    Column("服务日期", 11, "delivered_on", kind="date", align="center"),
    Column("服务内容", 28, "delivered", wrap=True),
    Column("反馈", 20, "feedback", wrap=True),
    Column("状态", 10, "status", align="center"),
)


COUNSELLING_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("个案编号", 16, "case_no", align="center", total="count", total_format='"共"0"件"'),
    Column("接案日期", 12, "opened_on", kind="date", align="center"),
    Column("咨询次数", 10, "sessions", kind="int", align="center", total="sum"),
    Column("最高风险", 10, "highest_risk", align="center"),
    Column("状态", 10, "status", align="center"),
)


CARE_COLUMNS: Sequence[Column] = (
    Column("序号", 6, "seq", kind="int", align="center"),
    Column("姓名", 9, "name", align="center", total="count", total_format='"共"0"人"'),
    Column("身份证号（脱敏）", 20, "id_number_masked", align="center"),
    Column("联系电话（脱敏）", 13, "phone", align="center"),
    Column("关爱类别", 18, "groups", wrap=True),
    Column("社区／网格", 19, "community_grid", wrap=True),
    Column("走访频次", 9, "frequency", align="center"),
    Column("责任人", 9, "staff", align="center"),
    Column("登记日期", 11, "registered_on", kind="date", align="center"),
    Column("本期走访（次）", 10, "visits", kind="int", align="center", total="sum"),
    Column("本期帮扶", 18, "help", wrap=True),
    Column("最近走访", 11, "last_visit_on", kind="date", align="center", missing="—"),
    Column("下次走访", 11, "next_due_on", kind="date", align="center", missing="—"),
    Column("状态", 14, "status", align="center", wrap=True),
)


@dataclass(frozen=True)
class RegisterDefinition:
    key: str  # the command-line name: visits, disputes
    title: str  # 来访登记台账
    columns: Sequence[Column]
    count: Callable[[Session, Period], int]
    # (session, period, reveal): rows with full 身份证号 and phone when ``reveal``.
    rows: Callable[[Session, Period, bool], Iterator[Any]]
    notes: Sequence[str] = ()
    # A register with personal numbers: its columns when they are shown in full.
    revealed_columns: Sequence[Column] | None = None
    # Who may export it: the admin's registers, or a room's own (心理咨询 for counsellors).
    permission: str = "register.export"
    # A finer check than the permission (the care register: the care room's staff only).
    may_use: Callable[[Database], bool] | None = None

    def available(self, database: Database) -> bool:
        """Whether the signed-in account may export it (to offer the button at all)."""
        if not auth.may(database, self.permission):
            return False
        return self.may_use is None or self.may_use(database)

    def file_name(self, period: Period) -> str:
        return f"{self.title}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"


REGISTERS: dict[str, RegisterDefinition] = {
    "visits": RegisterDefinition(
        "visits", "来访登记台账", VISIT_COLUMNS, registers.count_visits,
        lambda session, period, reveal: registers.visit_register_rows(
            session, period, reveal=reveal),
        notes=("注：身份证号仅显示前6位和后4位，联系电话隐去中间4位；"
               "核验方式：读卡为身份证阅读器读取的号码，手工为人工录入；"
               "办理结果为该来访最近一次分流的办理状态；心理咨询的来访事项保密。",),
        revealed_columns=VISIT_COLUMNS_REVEALED,
    ),
    "disputes": RegisterDefinition(
        "disputes", "矛盾纠纷排查化解台账", DISPUTE_COLUMNS, registers.count_disputes,
        lambda session, period, _reveal: registers.dispute_register_rows(session, period),
        notes=("注：按受理日期列出本期受理的案件；协议金额仅列调解成功案件协议约定的金额；"
               "回访情况为最近一次回访的履行情况和满意度，尚未回访的列出计划回访日期。",),
    ),
    "counselling": RegisterDefinition(
        "counselling", "心理咨询个案台账", COUNSELLING_COLUMNS, counselling_register.count_register,
        lambda session, period, _reveal: counselling_register.register_rows(session, period),
        notes=("注：按接案日期列出本期接案的个案；仅列编号、次数、风险等级和状态，"
               "不含来访人身份和咨询内容；仅限心理咨询师导出。",),
        permission="counselling.read",
    ),
    "police": RegisterDefinition(
        "police", "警民联络台账", HANDOVER_COLUMNS, police_register.count_handovers,
        lambda session, period, _reveal: police_register.handover_register_rows(session, period),
        notes=("注：按移交时间列出本期移交公安和公安移交的事项；联系电话隐去中间4位；"
               "回复期限已过仍未回复的列为“超期未回复”；心理咨询的来访事项保密。",),
    ),
    "social": RegisterDefinition(
        "social", "社会组织转介台账", REFERRAL_COLUMNS, organisation_register.count_referrals,
        lambda session, period, _reveal: organisation_register.referral_register_rows(
            session, period),
        notes=("注：按转介日期列出本期转介到社会组织和志愿服务队的来访人；联系电话隐去中间4位；"
               "办理期限已过仍未服务的列为“超期未服务”；心理咨询的来访事项保密。",),
    ),
    "care": RegisterDefinition(
        "care", "关爱对象名册", CARE_COLUMNS, care_register.count_register,
        lambda session, period, _reveal: care_register.register_rows(session, period),
        notes=("注：列出本期内在册的关爱对象（期末前登记、期初前未结束）；身份证号仅显示前6位"
               "和后4位，联系电话隐去中间4位；本期走访和帮扶按走访日期统计；"
               "仅限关爱工作室和管理员导出。",),
        permission="care.read", may_use=care_access.may_use,
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
    exported_at: datetime | None = None, reveal_reason: str | None = None,
) -> WorkbookResult:
    """Write the register ``key`` for ``period`` to ``out`` (raises if it is unavailable).

    身份证号 and phone numbers are masked. With ``reveal_reason`` they are written in
    full: that needs ``personal.reveal`` and a reason, and the audit entry keeps it.
    """
    definition = REGISTERS.get(key)
    auth.require(database, definition.permission if definition else "register.export")
    if definition is None:
        raise FeatureUnavailableError(f"没有名为“{key}”的台账")
    reveal = reveal_reason is not None
    reason = checked_reveal_reason(database, reveal_reason) if reveal else ""
    files.check_output_path(out)  # before the work, not after it
    columns, notes = definition.columns, definition.notes
    if reveal and definition.revealed_columns is not None:
        columns = definition.revealed_columns
        notes = (f"注：本表含完整的身份证号和联系电话（导出理由：{reason}），"
                 "仅限工作需要使用，请妥善保管，用后销毁。",)
    with snapshot(database) as session:
        settings = load_settings(session)
        total = definition.count(session, period)
        sheet = SheetSpec(
            name=definition.title, title=definition.title, columns=columns,
            rows=definition.rows(session, period, reveal), expected_rows=total,
            period=period.label(), totals=True, notes=notes,
        )
        result = write_register_workbook(
            out, [sheet], centre_name=settings.centre_name, exported_at=exported_at,
            progress=progress, cancelled=cancelled,
        )
    detail: dict[str, object] = {"台账": definition.title, "期间": period.label(),
                                  "条数": sum(result.rows.values()), "文件": result.path.name}
    if reveal:
        detail.update({"完整号码": "是", "理由": reason})
    audit.log_event(database, "export", "register", key, detail)
    return result


def checked_reveal_reason(database: Database, reason: str | None) -> str:
    """The reason for an export with full numbers, checked; refused without the right."""
    auth.require(database, "personal.reveal")
    return privacy.checked_reason(reason, field="reveal_reason",
                                  missing="导出完整的身份证号和电话号码须填写理由")
