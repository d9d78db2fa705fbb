"""The audit log from the command line: prints and exports leave entries, ``audit verify``
and ``audit export``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import main
from desktop.db import Database
from desktop.exports.audit import TITLE
from desktop.services.admin import audit
from desktop.services.admin.audit import AuditFilter
from tests.conftest import TEST_ADMIN_NAME
from tests.mediation_helpers import make_case
from tests.reception_helpers import register
from tests.test_audit import entries, last_id, tamper
from tests.test_cli import drop_cli_log_handlers  # noqa: F401  (an autouse fixture)


def test_prints_and_exports_from_the_command_line_are_logged(
        db_url: str, database: Database, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    visit = register(database, 3)
    case = make_case(database)
    today = date.today().isoformat()
    commands = [
        ["print", "receipt", visit.visit_no, "--out", str(tmp_path / "r.pdf")],
        ["print", "application", case.case_no, "--out", str(tmp_path / "a.pdf")],
        ["print", "casefile", case.case_no, "--draft", "--out", str(tmp_path / "c.pdf")],
        ["export", "visits", "--from", today, "--to", today, "--out", str(tmp_path / "v.xlsx")],
        ["template", "staff", "--out", str(tmp_path / "s.xlsx")],
    ]
    for command in commands:
        assert main(["--db", db_url, *command]) == 0, capsys.readouterr().err
    # Each command signs in (and that is logged too): the entries besides the sign-ins.
    logged = [(e.action_label, e.target, e.raw_detail) for e in entries(database)
              if e.action != "sign_in"][-5:]
    assert logged == [
        ("打印", f"来访登记 {visit.visit_id}", {"文书": "受理回执", "受理编号": visit.visit_no}),
        ("打印", f"调解案件 {case.case_id}", {"文书": "人民调解申请书", "案号": case.case_no}),
        ("打印", f"调解案件 {case.case_id}",
         {"文书": "人民调解卷宗（草稿）", "案号": case.case_no}),
        ("导出", "台账 visits", {"台账": "来访登记台账", "期间": f"{today} 至 {today}",
                               "条数": 1, "文件": "v.xlsx"}),
        # Three mediators and the test administrator.
        ("导出", "基础数据 staff", {"名单": "工作人员", "条数": 4, "文件": "s.xlsx"}),
    ]


def test_audit_verify_says_whole_or_names_the_first_broken_entry(
        db_url: str, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    register(database, 1)
    assert main(["--db", db_url, "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("审计日志完整：共 ")
    broken = last_id(database) - 2
    tamper(database, "UPDATE audit_entry SET desk = '别的电脑' WHERE id = :id", id=broken)
    assert main(["--db", db_url, "audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：审计日志被删改：第 {broken} 条（") and "被改动过" in err


def test_audit_export_writes_the_entries_of_the_period(
        db_url: str, database: Database, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    register(database, 1)
    with database.read() as session:
        expected = audit.count_entries(session, AuditFilter())
    today = audit.local_time(audit.utc_now()).date().isoformat()
    out = tmp_path / "audit.xlsx"
    assert main(["--db", db_url, "audit", "export", "--out", str(out),
                 "--from", today, "--to", today]) == 0, capsys.readouterr().err
    expected += 1  # the command line signed in first, and that is logged too
    assert f"{expected} 条" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)[TITLE]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values.index(["序号", "时间", "操作人", "电脑", "操作", "对象", "内容"])
    rows = values[header + 1:header + 1 + expected]
    assert [r[0] for r in rows] == list(range(1, expected + 1))
    # The test account was made (and signed in) before anyone was; it did the rest.
    assert {r[2] for r in rows} == {audit.NOT_SIGNED_IN, TEST_ADMIN_NAME}
    assert "新增" in {r[4] for r in rows}
    assert entries(database)[-1].raw_detail["条数"] == expected  # the export is logged too
    assert main(["--db", db_url, "audit", "export", "--out", str(out),
                 "--from", "2026-12-01", "--to", "2026-11-01"]) == 2
    assert "截止日期不能早于起始日期" in capsys.readouterr().err
