"""The monthly report's figures of the care room and of the deliberation meetings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.services.deliberation.listing import meeting_detail
from desktop.services.deliberation.meetings import (
    ActionInput,
    MatterInput,
    MeetingInput,
    mark_action_done,
    save_meeting,
)
from desktop.services.deliberation.report import DeliberationCounts
from desktop.services.deliberation.report import counts as deliberation_counts
from desktop.services.registers.monthly import monthly_report
from desktop.services.registers.rows import Period
from tests.care_helpers import four_residents

NOVEMBER = Period.month(2026, 11)


def _figures(report, title: str) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    return {f.label: (f.value, f.previous) for f in report.breakdown(title).figures}


def test_care_figures_of_the_month(database: Database) -> None:
    four_residents(database)
    with database.read() as session:
        report = monthly_report(session, NOVEMBER)
    # (November, October). 李桂芝 (every 14 days, registered 10-20): her visit of 10-25 came
    # before 11-03, so that day never fell due; 11-08 and 11-22 did, and were visited.
    # 王秀英 (registered 11-10, visited 11-12): due 11-26, not visited by the 30th.
    # 赵国强 ended on 10-31 (on October's register, not November's); 孙立 came in December.
    care = _figures(report, "关爱帮扶")
    assert care["在册关爱对象（人）"] == (2, 2)
    assert care["应走访（人次）"] == (3, 0)
    assert care["已走访（次）"] == (3, 1)
    assert care["期末逾期未访（人）"] == (1, 0)
    groups = _figures(report, "关爱对象按类别（人）")
    assert groups["独居/空巢老人"] == (1, 2)
    assert groups["残疾人"] == groups["低保/特困"] == (1, 0)
    assert groups["在册人数"] == (2, 2)
    help_given = _figures(report, "帮扶按类型（次）")
    assert help_given["物资"] == (2, 0) and help_given["政策"] == (1, 0)
    assert help_given["合计"] == (3, 0)
    with database.read() as session:
        december = monthly_report(session, Period.month(2026, 12))
    # 李桂芝 falls due on 12-06; 王秀英 is still overdue; 孙立 (registered 12-01) on 12-15.
    care = _figures(december, "关爱帮扶")
    assert care["在册关爱对象（人）"][0] == 3 and care["应走访（人次）"][0] == 2


def _meetings(database: Database) -> None:
    first = save_meeting(database, MeetingInput(
        held_on=date(2026, 10, 15), place="议事厅", host="王志刚",
        participants="王志刚（主持人）\n李强（居民代表）",
        matters=[MatterInput("楼道堆物"), MatterInput("停车难")],
        actions=[ActionInput("清理楼道", "物业", date(2026, 11, 5)),
                 ActionInput("划定车位", "社区", date(2026, 11, 20))]))
    with database.read() as session:
        detail = meeting_detail(session, first)
    mark_action_done(database, detail.actions[0].action_id, date(2026, 11, 3))
    save_meeting(database, MeetingInput(
        held_on=date(2026, 11, 10), place="议事厅", host="王志刚",
        participants="王志刚（主持人）",
        matters=[MatterInput("油烟扰民")],
        actions=[ActionInput("联系城管", "社区", date(2026, 11, 25), date(2026, 11, 26)),
                 ActionInput("回访居民", "网格员", date(2026, 12, 10))]))


def test_deliberation_figures_of_the_month(database: Database) -> None:
    _meetings(database)
    with database.read() as session:
        report = monthly_report(session, NOVEMBER)
    figures = _figures(report, "议事协商")
    assert figures["议事会议（次）"] == (1, 1)
    assert figures["议题（项）"] == (1, 2)
    assert figures["议定落实事项（项）"] == (2, 2)
    assert figures["已落实（项）"] == (2, 0)
    # 划定车位 was due on 11-20 and is still open; 联系城管 was done late, but in November.
    assert figures["期末逾期未落实（项）"] == (1, 0)


def test_the_monthly_workbook_carries_both_rooms(database: Database, tmp_path: Path) -> None:
    four_residents(database)
    _meetings(database)
    out = tmp_path / "月报.xlsx"
    export_monthly(database, NOVEMBER, out)
    sheet = openpyxl.load_workbook(out)["综治中心来访统计"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    lines = {row[0]: row for row in rows}
    titles = [row[0] for row in rows if row[0] and "、" in str(row[0])[:3]]
    assert any(str(t).endswith("关爱帮扶（应走访：按走访频次在本期到期的次数）") for t in titles)
    assert any(str(t).endswith("议事协商") for t in titles)
    assert (lines["应走访（人次）"][1], lines["已走访（次）"][1]) == (3, 3)
    assert lines["物资"][1] == 2
    assert lines["议事会议（次）"][1] == 1 and lines["期末逾期未落实（项）"][1] == 1


def test_deliberation_counts_of_an_empty_month_and_at_the_period_s_edges(
        database: Database) -> None:
    with database.read() as session:
        assert deliberation_counts(session, NOVEMBER) == DeliberationCounts(0, 0, 0, 0, 0)
    save_meeting(database, MeetingInput(
        held_on=date(2026, 11, 2), place="议事厅", host="王志刚", participants="王志刚（主持人）",
        matters=[MatterInput("路灯不亮")],
        actions=[ActionInput("报修路灯", "社区", date(2026, 11, 30)),  # due on the last day
                 ActionInput("清理绿化带", "物业", date(2026, 11, 29)),  # due the day before
                 ActionInput("修补路面", "社区", date(2026, 11, 20), date(2026, 11, 30)),
                 ActionInput("加装护栏", "社区", date(2026, 11, 20), date(2026, 12, 1))]))
    with database.read() as session:
        counts = deliberation_counts(session, NOVEMBER)
        october = deliberation_counts(session, Period.month(2026, 10))
    # Overdue at the end: due before the last day and not done by it; 修补路面 was done on
    # the last day (late, but not open at the end), 加装护栏 only after it.
    assert counts == DeliberationCounts(meetings=1, matters=1, actions=4, done=1,
                                        overdue_at_end=2)
    assert october == DeliberationCounts(0, 0, 0, 0, 0)
