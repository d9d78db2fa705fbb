"""The care register (关爱对象名册) exported as .xlsx, by the service and the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import main
from desktop.db import Database
from desktop.exports.registers import REGISTERS, export_register
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied
from desktop.services.registers.rows import Period
from tests.care_helpers import four_residents, room_id
from tests.factories import id_number

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_the_care_register_opens_with_masked_numbers(database: Database, tmp_path: Path) -> None:
    four_residents(database)
    out = tmp_path / "care.xlsx"
    result = export_register(database, "care", NOVEMBER, out)
    assert result.rows == {"关爱对象名册": 2}
    assert REGISTERS["care"].file_name(NOVEMBER) == "关爱对象名册_20261101-20261130.xlsx"
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "关爱对象名册"
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["序号", "姓名", "身份证号（脱敏）", "联系电话（脱敏）"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    by_name = {row[1]: dict(zip(headers, row, strict=True)) for row in rows}
    assert list(by_name) == ["李桂芝", "王秀英"]  # oldest registration first
    li = by_name["李桂芝"]
    assert li["身份证号（脱敏）"] != id_number(41) and "*" in li["身份证号（脱敏）"]
    assert li["身份证号（脱敏）"].startswith(id_number(41)[:6])
    assert li["联系电话（脱敏）"] == "139****0001"
    assert li["本期走访（次）"] == 2 and li["本期帮扶"] == "物资2次"
    assert li["走访频次"] == "每两周" and li["关爱类别"] == "独居/空巢老人"
    wang = by_name["王秀英"]
    assert wang["关爱类别"] == "低保/特困、残疾人" and wang["本期帮扶"] == "政策1次"
    assert ws.cell(6, 1).value == "合计" and ws.cell(6, 10).value == 3
    # Not a full 身份证号 anywhere in the file.
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert all(id_number(n) not in text for n in (41, 42, 43, 44))


def test_only_the_care_room_and_the_admin_export_it(database: Database, tmp_path: Path) -> None:
    four_residents(database)
    admin = database.actor
    care = room_id(database, "关爱工作室")
    police = room_id(database, "警民联络室")
    database.actor = auth.Actor(None, "警务室", frozenset({"room_staff"}), room_id=police)
    with pytest.raises(PermissionDenied):
        export_register(database, "care", NOVEMBER, tmp_path / "x.xlsx")
    database.actor = auth.Actor(None, "调解员", frozenset({"mediator"}), room_id=care)
    with pytest.raises(PermissionDenied):
        export_register(database, "care", NOVEMBER, tmp_path / "x.xlsx")
    database.actor = auth.Actor(None, "关爱室", frozenset({"room_staff"}), room_id=care)
    assert export_register(database, "care", NOVEMBER, tmp_path / "x.xlsx").rows == {
        "关爱对象名册": 2}
    database.actor = admin


def test_the_command_line_exports_the_carefour_residents(
        sqlite_database: Database, sqlite_db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    four_residents(sqlite_database)
    out = tmp_path / "care.xlsx"
    assert main(["--db", sqlite_db_url, "export", "care", "--from", "2026-11-01",
                 "--to", "2026-11-30", "--out", str(out)]) == 0
    assert "已导出关爱对象名册（2026年11月，2 条）" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active["B4"].value == "李桂芝"
