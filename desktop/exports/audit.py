"""The audit log as a workbook (审计日志.xlsx), oldest entry first, for the admin's files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from desktop.db import Database
from desktop.exports.registers import snapshot
from desktop.exports.workbook import (
    CancelCheck,
    Column,
    Progress,
    SheetSpec,
    WorkbookResult,
    write_register_workbook,
)
from desktop.services import files
from desktop.services.admin import audit
from desktop.services.admin.audit import AuditFilter
from desktop.services.admin.settings import load_settings

TITLE = "审计日志"
AUDIT_COLUMNS = (
    Column("序号", 8, "id", kind="int", align="center"),
    Column("时间", 19, "at", kind="yyyy-mm-dd hh:mm:ss", align="center"),
    Column("操作人", 12, "staff_name"),
    Column("电脑", 14, "desk"),
    Column("操作", 10, "action_label", align="center"),
    Column("对象", 18, "target", wrap=True),
    Column("内容", 70, "detail", wrap=True),
)
NOTES = (
    "注：时间为导出电脑的本地时间；身份证号和电话号码已遮蔽；来访人所述内容不记入日志。",
    "审计日志逐条带有校验值，是否被删改以系统设置中的“校验”"
    "或命令 python -m desktop audit verify 为准。",
)


def export_audit(
    database: Database, out: str | Path, where: AuditFilter | None = None, *,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    exported_at: datetime | None = None,
) -> WorkbookResult:
    """Write the entries ``where`` asks for to ``out``; the export is itself logged."""
    where = where or AuditFilter()
    files.check_output_path(out)
    with snapshot(database) as session:
        settings = load_settings(session)
        sheet = SheetSpec(
            name=TITLE, title=TITLE, columns=AUDIT_COLUMNS,
            rows=audit.iter_entries(session, where, newest_first=False),
            expected_rows=audit.count_entries(session, where), period=where.label(),
            notes=NOTES,
        )
        result = write_register_workbook(
            out, [sheet], centre_name=settings.centre_name, exported_at=exported_at,
            progress=progress, cancelled=cancelled,
        )
    audit.log_event(database, "export", "audit_entry", None,
                    {"期间": where.label(), "条数": sum(result.rows.values()),
                     "文件": result.path.name})
    return result
