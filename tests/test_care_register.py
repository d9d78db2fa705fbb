"""The care register (关爱对象名册) exported as .xlsx, by the service and the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import main
from desktop.db import Database
from desktop.exports.registers import REGISTERS, export_register
from desktop.services import reference
from desktop.services.admin import auth
from desktop.services.care import entries, listing, visits
from desktop.services.care.entries import EntryInput
from desktop.services.care.visits import VisitInput
from desktop.services.errors import PermissionDenied
from desktop.services.registers.rows import Period
from tests.factories import id_number

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def _entry(name: str, n: int, registered: date, **changes: object) -> EntryInput:
    data = EntryInput(groups=["独居/空巢老人"], name=name, id_number=id_number(n), gender="女",
                      phone="13912340001", frequency_days=14, registered_on=registered)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _room_id(database: Database, name: str) -> int:
    with database.read() as session:
        return next(r.id for r in reference.rooms(session) if r.name == name)


def _register(database: Database) -> dict[str, int]:
    """Four residents: two on the register in November, one ended before, one after it."""
    ids = {
        "李桂芝": entries.register_entry(database, _entry("李桂芝", 41, date(2026, 10, 20))),
        "王秀英": entries.register_entry(database, _entry(
            "王秀英", 42, date(2026, 11, 10), groups=["残疾人", "低保/特困"], phone="")),
        "赵国强": entries.register_entry(database, _entry("赵国强", 43, date(2026, 9, 1))),
        "孙立": entries.register_entry(database, _entry("孙立", 44, date(2026, 12, 1))),
    }
    visits.add_visit(database, ids["李桂芝"], VisitInput(date(2026, 10, 25), "身体尚可"))
    visits.add_visit(database, ids["李桂芝"], VisitInput(
        date(2026, 11, 8), "家中暖气不热", help_kind="物资", help_text="棉被一床"))
    visits.add_visit(database, ids["李桂芝"], VisitInput(
        date(2026, 11, 22), "血压偏高", help_kind="物资", help_text="米面油"))
    visits.add_visit(database, ids["王秀英"], VisitInput(
        date(2026, 11, 12), "行动不便", help_kind="政策", help_text="协助申请残疾人补贴"))
    with database.read() as session:
        version = listing.entry_detail(session, ids["赵国强"]).version
    entries.end_entry(database, ids["赵国强"], date(2026, 10, 31), "迁出本辖区",
                      version=version)
    return ids


def test_the_care_register_opens_with_masked_numbers(database: Database, tmp_path: Path) -> None:
    _register(database)
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
    _register(database)
    admin = database.actor
    care = _room_id(database, "关爱工作室")
    police = _room_id(database, "警民联络室")
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


def test_the_command_line_exports_the_care_register(
        sqlite_database: Database, sqlite_db_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    _register(sqlite_database)
    out = tmp_path / "care.xlsx"
    assert main(["--db", sqlite_db_url, "export", "care", "--from", "2026-11-01",
                 "--to", "2026-11-30", "--out", str(out)]) == 0
    assert "已导出关爱对象名册（2026年11月，2 条）" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active["B4"].value == "李桂芝"
