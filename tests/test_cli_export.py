"""``python -m desktop export|template|import``."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.db import Database
from desktop.models import MediationCase
from desktop.services.demo.generate import generate_demo_data


def test_export_commands(sqlite_database: Database, sqlite_db_url: str, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    generate_demo_data(sqlite_database, visits=120)
    start, end = (date.today() - timedelta(days=90)).isoformat(), date.today().isoformat()
    out = tmp_path / "visits.xlsx"
    assert main(["--db", sqlite_db_url, "export", "visits", "--from", start, "--to", end,
                 "--out", str(out)]) == 0
    assert "已导出来访登记台账" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).active
    assert ws["A3"].value == "序号" and ws["A123"].value == 120

    monthly = tmp_path / "monthly.xlsx"
    # The 月报 is made for a calendar month only.
    month = date.today().replace(day=1)
    month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert main(["--db", sqlite_db_url, "export", "monthly", "--from", start, "--to", end,
                 "--out", str(monthly)]) == 2
    assert "月报只能按整月生成" in capsys.readouterr().err
    assert main(["--db", sqlite_db_url, "export", "monthly", "--from", month.isoformat(),
                 "--to", month_end.isoformat(), "--out", str(monthly)]) == 0
    assert openpyxl.load_workbook(monthly).sheetnames == ["人民调解月报", "综治中心来访统计"]

    disputes = tmp_path / "disputes.xlsx"
    assert main(["--db", sqlite_db_url, "export", "disputes", "--from", start, "--to", end,
                 "--out", str(disputes)]) == 0
    with sqlite_database.read() as session:
        cases = session.scalar(select(func.count(MediationCase.id)).where(
            MediationCase.accepted_on >= date.fromisoformat(start),
            MediationCase.accepted_on <= date.fromisoformat(end)))
    assert cases
    assert f"已导出矛盾纠纷排查化解台账（{start} 至 {end}，{cases} 条）" in capsys.readouterr().out
    ws = openpyxl.load_workbook(disputes).active
    assert ws.title == "矛盾纠纷排查化解台账"
    assert ws["A3"].value == "序号" and ws.cell(3 + cases, 1).value == cases
    assert ws.cell(4 + cases, 1).value == "合计"

    assert main(["--db", sqlite_db_url, "export", "visits", "--from", "2026-13-01", "--to", end,
                 "--out", str(out)]) == 2
    assert "日期格式应为 YYYY-MM-DD" in capsys.readouterr().err


def test_template_and_import_commands(sqlite_database: Database, sqlite_db_url: str,
                                      tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "rooms.xlsx"
    assert main(["--db", sqlite_db_url, "template", "rooms", "--out", str(template)]) == 0
    assert main(["--db", sqlite_db_url, "import", "rooms", str(template)]) == 0
    assert "室和窗口：已导入 6 行：新增 0 条，更新 6 条。" in capsys.readouterr().out

    wb = openpyxl.load_workbook(template)
    wb.active.append(["新室", "", "新", "工作室", ""])
    wb.save(template)
    assert main(["--db", sqlite_db_url, "import", "rooms", str(template)]) == 2
    err = capsys.readouterr().err
    assert "未导入任何数据" in err and "第8行「编码」：必填，不能为空" in err
