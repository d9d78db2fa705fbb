"""The 警民联络台账 and the 社会组织转介台账, exported and read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from desktop.db import Database
from desktop.exports.registers import HANDOVER_COLUMNS, REFERRAL_COLUMNS, export_register
from desktop.services.organisations import directory, referrals
from desktop.services.police import handovers
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from tests.police_helpers import handover, organisation, police_visit, social_visit
from tests.reception_helpers import room_ids

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))


def test_police_register(database: Database, tmp_path: Path) -> None:
    visit = police_visit(database)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导")
    handovers.record_handover(database, handover(reply_due=date(2026, 11, 25),
                                                 person_phone="13912345678"))
    handovers.record_handover(database, handover(
        kind="公安移交调解", matter="心里话", visit_id=visit.visit_id,
        handed_at=datetime(2026, 11, 21, 14, 0), reply_on=date(2026, 11, 22),
        reply_content="已转调解"))
    handovers.record_handover(database, handover(handed_at=datetime(2026, 10, 31, 9, 0)))
    out = tmp_path / "警民联络台账.xlsx"
    result = export_register(database, "police", PERIOD, out)
    assert result.rows == {"警民联络台账": 2}
    ws = openpyxl.load_workbook(out)["警民联络台账"]
    assert [c.value for c in ws[3]] == [c.header for c in HANDOVER_COLUMNS]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    assert rows[0][1] == "2026警联0001" and rows[0][3] == "移交公安"
    assert rows[0][5] == "测试3号 139****5678" and rows[0][9] == "138****2222"
    assert rows[0][11] == "超期未回复"
    assert rows[1][3] == "公安移交" and rows[1][11] == "2026-11-22 已转调解"
    # The test account reads counselling content; the admin alone does not.
    flat = " ".join(str(v) for row in rows for v in row)
    assert "13912345678" not in flat and "13811112222" not in flat


def test_police_register_masks_counselling_matter(database: Database, tmp_path: Path) -> None:
    from desktop.services.admin import auth

    visit = police_visit(database)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导")
    handovers.record_handover(database, handover(visit_id=visit.visit_id, matter="心里话"))
    database.actor = auth.Actor(None, "管理员", frozenset({"admin"}))
    out = tmp_path / "p.xlsx"
    export_register(database, "police", PERIOD, out)
    ws = openpyxl.load_workbook(out)["警民联络台账"]
    assert ws["G4"].value == "（心理咨询，内容保密）"


def test_social_register(database: Database, tmp_path: Path) -> None:
    org = directory.save_organisation(database, None, organisation())
    social_visit(database)
    referrals.record_referral(database, referrals.ReferralInput(
        org, "王秀英", date(2026, 11, 10), "每周上门陪伴", person_phone="13912345678",
        due_on=date(2026, 11, 20)))
    referrals.record_referral(database, referrals.ReferralInput(
        org, "李强", date(2026, 11, 12), "代购", delivered_on=date(2026, 11, 13),
        delivered="代购生活用品", feedback="满意"))
    out = tmp_path / "社会组织转介台账.xlsx"
    result = export_register(database, "social", PERIOD, out)
    assert result.rows == {"社会组织转介台账": 2}
    ws = openpyxl.load_workbook(out)["社会组织转介台账"]
    assert [c.value for c in ws[3]] == [c.header for c in REFERRAL_COLUMNS]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=5)]
    assert rows[0][2] == "王秀英" and rows[0][3] == "139****5678"
    assert rows[0][10] == "超期未服务" and rows[1][10] == "已服务"
    assert rows[1][9] == "满意" and rows[1][4] == "东林社区志愿服务队"


def test_monthly_report_has_the_rooms_figures(database: Database, tmp_path: Path) -> None:
    from desktop.exports.monthly import export_monthly
    from desktop.services.organisations import activities
    from desktop.services.registers.monthly import monthly_report

    handovers.record_handover(database, handover(reply_due=date(2026, 11, 25)))
    handovers.record_handover(database, handover(
        kind="110非警务警情", reply_on=date(2026, 11, 21), reply_content="已处理"))
    org = directory.save_organisation(database, None, organisation())
    referrals.record_referral(database, referrals.ReferralInput(
        org, "李强", date(2026, 11, 12), "代购", delivered_on=date(2026, 11, 13),
        delivered="代购生活用品"))
    activities.add_activity(database, activities.ActivityInput(
        org, date(2026, 11, 15), "义诊", 40))
    with database.read() as session:
        report = monthly_report(session, PERIOD)
    police = {f.label: f.value for f in report.breakdown("警民联络室").figures}
    social = {f.label: f.value for f in report.breakdown("社会组织工作室").figures}
    assert police == {"移交公安（件）": 1, "公安移交（件）": 1, "收到回复（件）": 1,
                      "超期未回复（件）": 1}
    assert social == {"转介社会组织（人次）": 1, "服务完成（人次）": 1, "组织活动（场）": 1,
                      "活动参加（人次）": 40}
    out = tmp_path / "月报.xlsx"
    export_monthly(database, PERIOD, out)
    cells = {str(c.value) for ws in openpyxl.load_workbook(out) for row in ws for c in row}
    assert "移交公安（件）" in cells and "转介社会组织（人次）" in cells
