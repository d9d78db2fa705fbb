"""The monthly report: figures against counts made independently, 环比/同比, and the workbook."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.models import Community, Grid, Referral, Room, Visit
from desktop.services import reference
from desktop.services.monthly import change, monthly_report
from desktop.services.registers import Period
from desktop.services.registration import SOURCES, RegistrationInput, register_visit
from tests.factories import id_number

MONTHS = {"now": (2026, 10), "before": (2026, 9), "year_ago": (2025, 10)}


def _seed(database: Database) -> None:
    rng = random.Random(7)
    with database.write() as session:
        community = Community(name="东城社区", active=True)
        session.add(community)
        session.flush()
        session.add(Grid(community_id=community.id, name="第一网格", active=True))
    with database.read() as session:
        rooms = reference.rooms(session)
        categories = reference.categories(session)
        communities = reference.communities(session)
    serial = 0
    for key, n in (("now", 23), ("before", 17), ("year_ago", 9)):
        year, month = MONTHS[key]
        previous_visit: int | None = None
        for i in range(n):
            repeat = i % 6 == 1 and previous_visit is not None
            if not repeat:
                serial += 1  # a repeat visit is the previous visitor coming back
            collective = i % 5 == 0
            data = RegistrationInput(
                name=f"来访人{serial}", phone=f"139{serial:08d}", summary="测试事项",
                room_id=rng.choice(rooms).id, id_number=id_number(serial),
                source=rng.choice(SOURCES),
                visit_type="集体" if collective else "个人", headcount=6 if collective else 1,
                representative_name=f"代表{serial}" if collective else "",
                category_id=rng.choice(categories).id,
                community_id=communities[0].id if i % 3 else None,
                repeat_of_visit_id=previous_visit if repeat else None,
            )
            reg = register_visit(database, data,
                                 now=datetime(year, month, 1 + i % 28, 9) + timedelta(minutes=i))
            previous_visit = reg.visit_id
            status = rng.choice(["waiting", "serving", "done", "done", "transferred", "no_show"])
            with database.write() as session:
                session.execute(update(Referral).where(Referral.id == reg.referral_id)
                                .values(status=status))
                if i % 4 == 0:
                    # Visits carried over from before the category became required.
                    session.execute(update(Visit).where(Visit.id == reg.visit_id)
                                    .values(category_id=None))


def _independent(database: Database, year: int, month: int) -> dict[str, object]:
    with database.read() as session:
        visits = [v for v in session.scalars(select(Visit))
                  if (v.visited_at.year, v.visited_at.month) == (year, month)]
        referrals = [r for r in session.scalars(select(Referral))
                     if (r.created_at.year, r.created_at.month) == (year, month)]
        rooms = {r.id: r.name for r in session.scalars(select(Room))}
        return {
            "visits": len(visits),
            "people": sum(v.headcount for v in visits),
            "repeat": sum(1 for v in visits if v.is_repeat),
            "collective": sum(1 for v in visits if v.visit_type == "集体"),
            "referrals": len(referrals),
            "finished": sum(1 for r in referrals
                            if r.status in ("done", "transferred", "no_show")),
            "by_room": Counter(rooms[r.room_id] for r in referrals),
            "by_source": Counter(v.source for v in visits),
            "by_category": Counter(v.category.name if v.category else "未分类" for v in visits),
            "by_community": Counter(v.community.name if v.community else "未填写社区"
                                    for v in visits),
        }


def test_centre_figures_match_independent_counts(database: Database) -> None:
    _seed(database)
    now, before, year_ago = (_independent(database, *MONTHS[k])
                             for k in ("now", "before", "year_ago"))
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))
    assert report.previous == Period.month(2026, 9)
    assert report.last_year == Period.month(2025, 10)

    def check(label: str, key: str) -> None:
        figure = report.figure(label)
        assert (figure.value, figure.previous, figure.last_year) == (
            now[key], before[key], year_ago[key]), label

    check("来访登记（件）", "visits")
    check("来访人次", "people")
    check("重复来访（件）", "repeat")
    check("集体来访（批）", "collective")
    check("分流（人次）", "referrals")
    check("分流办结（人次）", "finished")
    closure = report.figure("办结率（%）")
    assert closure.value == round(now["finished"] * 100 / now["referrals"], 1)  # type: ignore[operator]
    assert closure.month_on_month == pytest.approx(
        closure.value - round(before["finished"] * 100 / before["referrals"], 1))  # type: ignore[operator]
    visits = report.figure("来访登记（件）")
    assert visits.month_on_month == pytest.approx((23 - 17) / 17)
    assert visits.year_on_year == pytest.approx((23 - 9) / 9)

    for title, key in (("按分流去向（人次）", "by_room"), ("按来源（件）", "by_source"),
                       ("按事项类别（件）", "by_category"), ("按社区（件）", "by_community")):
        breakdown = report.breakdown(title)
        counted: Counter = now[key]  # type: ignore[assignment]
        got = {f.label: f.value for f in breakdown.figures if f.label != "合计" and f.value}
        assert got == dict(counted), title
        total = sum(counted.values())
        for figure in breakdown.figures:
            if figure.label != "合计" and figure.value:
                assert figure.share == pytest.approx(figure.value / total)
        assert breakdown.figures[-1].label == "合计"
        assert breakdown.figures[-1].value == total


def test_mediation_figures_are_not_invented(database: Database) -> None:
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))
    assert not report.mediation_available
    for figure in report.mediation:
        assert figure.value is None and figure.note == "调解案件模块未启用"
    assert report.figure("超时未办结（件）").value is None
    assert any("并非为零" in note for note in report.notes)


def test_changes() -> None:
    assert change(12, 10) == pytest.approx(0.2)
    assert change(5, 0) is None
    assert change(None, 3) is None
    assert change(80.0, 75.5, "rate") == pytest.approx(4.5)


def test_monthly_workbook(database: Database, tmp_path: Path) -> None:
    _seed(database)
    now = _independent(database, *MONTHS["now"])
    out = tmp_path / "月报.xlsx"
    export_monthly(database, Period.month(2026, 10), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["人民调解月报", "综治中心来访统计"]

    mediation = wb["人民调解月报"]
    assert mediation["A1"].value == "某某街道综治中心人民调解工作月报（2026年10月）"
    assert [c.value for c in mediation[3]] == ["项目", "本期", "占比", "上期", "环比",
                                               "上年同期", "同比", "说明"]
    lines = {row[0]: row for row in mediation.iter_rows(min_row=4, values_only=True)}
    for label in ("受理数（件）", "调解成功数（件）", "调解成功率（%）", "履行数（件）",
                  "司法确认数（件）", "协议涉及金额（元）", "主动调解", "申请调解", "委托移送",
                  "书面协议", "口头协议"):
        assert lines[label][1:8] == ("—", None, "—", "—", "—", "—", "调解案件模块未启用"), label

    centre = wb["综治中心来访统计"]
    lines = {row[0]: row for row in centre.iter_rows(min_row=4, values_only=True)}
    assert lines["来访登记（件）"][1] == now["visits"]
    assert lines["来访登记（件）"][3] == 17
    assert lines["来访登记（件）"][4] == f"{(now['visits'] - 17) / 17 * 100:+.1f}%"
    assert lines["来访登记（件）"][5] == 9
    assert lines["来访人次"][1] == now["people"]
    assert lines["超时未办结（件）"][1] == "—"
    section_rows = [row[0] for row in centre.iter_rows(min_row=4, values_only=True)
                    if row[0] and row[0][0] in "一二三四五"]
    assert section_rows == ["一、总体情况", "二、按分流去向（人次）", "三、按社区（件）",
                            "四、按来源（件）", "五、按事项类别（件）"]
    assert centre.print_title_rows == "$3:$3"
