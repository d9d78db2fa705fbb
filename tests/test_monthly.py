"""The monthly report: figures against counts made independently, 环比/同比, and the workbook."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.models import (
    Agreement,
    Category,
    Community,
    FollowUp,
    Grid,
    JudicialConfirmation,
    MediationCase,
    Referral,
    Room,
    Staff,
    Visit,
)
from desktop.services import reference
from desktop.services.reception import queue
from desktop.services.reception.registration import SOURCES, RegistrationInput, register_visit
from desktop.services.registers.monthly import (
    Figure,
    agreement_amount,
    agreement_forms,
    change,
    escalation_counts,
    judicial_confirmations,
    mediation_accepted,
    mediation_by_source,
    mediation_closed,
    mediation_performed,
    mediation_satisfaction,
    mediation_succeeded,
    mediation_success_by_month,
    monthly_report,
)
from desktop.services.registers.rows import Period
from tests.closure_helpers import finished_matter, record_rating, record_reply
from tests.factories import id_number
from tests.rating_pad_helpers import add_staff, served

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


def test_a_month_runs_from_its_first_midnight_up_to_the_next_month_s(
    database: Database,
) -> None:
    with database.read() as session:
        room = reference.rooms(session)[0].id
        category = reference.categories(session)[0].id
    for n, at in enumerate((datetime(2026, 9, 30, 23, 59, 59), datetime(2026, 10, 1, 0, 0),
                            datetime(2026, 11, 1, 0, 0)), 1):
        register_visit(database, RegistrationInput(
            name=f"来访人{n}", phone=f"1390000000{n}", summary="测试事项", room_id=room,
            id_number=id_number(n), visit_type="集体", headcount=4,
            representative_name=f"代表{n}", category_id=category), now=at)
    with database.read() as session:
        october = monthly_report(session, Period.month(2026, 10))
        august = monthly_report(session, Period.month(2026, 8))
        assert mediation_succeeded(session, Period.month(2026, 8)) == 0
    assert [october.figure(label).value for label in ("来访登记（件）", "来访人次", "集体来访人次")
            ] == [1, 4, 4]
    # A month nobody came: nought, not one.
    assert [august.figure(label).value for label in ("来访登记（件）", "来访人次", "集体来访人次")
            ] == [0, 0, 0]


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
            "collective_people": sum(v.headcount for v in visits if v.visit_type == "集体"),
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
    with database.write() as session:  # the admin moved 其他 to the top of the list
        session.execute(update(Category).where(Category.name == "其他").values(sort_order=-1))
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
    check("集体来访人次", "collective_people")
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
    # Every category and source is listed in the admin's order, one nobody came about as 0.
    with database.read() as session:
        categories = list(session.scalars(
            select(Category.name).order_by(Category.sort_order, Category.id)))
    by_category = report.breakdown("按事项类别（件）").figures
    assert [f.label for f in by_category] == [*categories, "未分类", "合计"]
    assert by_category[0].label == "其他"
    assert [f.label for f in report.breakdown("按来源（件）").figures] == [*SOURCES, "合计"]
    assert 0 in [f.value for f in by_category]
    assert all(f.value is not None for b in report.centre_breakdowns for f in b.figures)


def _visit_to_escalate(database: Database) -> int:
    """A visit registered in September that escalations can be raised on."""
    with database.read() as session:
        room_id = reference.rooms(session)[0].id
        category_id = reference.categories(session)[0].id
    return register_visit(database, RegistrationInput(
        name="上报人", id_number=id_number(77), phone="13812345678", summary="集体欠薪",
        room_id=room_id, category_id=category_id), now=datetime(2026, 9, 20, 9)).visit_id


def test_escalations_and_overdue_items(database: Database) -> None:
    visit_id = _visit_to_escalate(database)
    at = datetime(2026, 10, 3, 10)
    # October: two raised; one due in October and closed late, one due in
    # October and still open, one due in October and closed in time.
    late = queue.refer_to_department(database, visit_id, "人社局", date(2026, 10, 10), "欠薪",
                                     now=at)
    queue.escalate(database, visit_id, "B", "集体访", due_date=date(2026, 10, 20), now=at)
    in_time = queue.refer_to_department(database, visit_id, "住建局", date(2026, 10, 31),
                                        "房屋", now=datetime(2026, 9, 28, 9))
    queue.close_escalation(database, late, "已支付", now=datetime(2026, 10, 15, 9))
    queue.close_escalation(database, in_time, "已答复", now=datetime(2026, 10, 31, 16))
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))
    assert report.figure("升级上报（件）").value == 2
    assert report.figure("升级上报（件）").previous == 1  # September
    assert report.figure("超时未办结（件）").value == 2
    assert report.figure("超时未办结（件）").previous == 0


def test_an_empty_month(database: Database) -> None:
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))
    assert report.figure("升级上报（件）").value == 0
    assert report.figure("超时未办结（件）").value == 0
    # Without cases there is no success rate (no base), but the counts are zero.
    assert report.figure("受理数（件）").value == 0
    assert report.figure("调解成功率（%）").value is None
    assert report.figure("协议涉及金额（元）").value == 0


def test_changes() -> None:
    assert change(12, 10) == pytest.approx(0.2)
    assert change(5, 0) is None
    assert change(None, 3) is None
    assert change(80.0, 75.5, "rate") == pytest.approx(4.5)


def test_monthly_workbook(database: Database, tmp_path: Path) -> None:
    _seed(database)
    _seed_cases(database)
    now = _independent(database, *MONTHS["now"])
    cases, cases_before, cases_year_ago = (_independent_mediation(database, *MONTHS[k])
                                           for k in ("now", "before", "year_ago"))
    out = tmp_path / "月报.xlsx"
    export_monthly(database, Period.month(2026, 10), out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["人民调解月报", "综治中心来访统计"]

    mediation = wb["人民调解月报"]
    assert mediation["A1"].value == "东林街道综治中心人民调解工作月报（2026年10月）"
    assert [c.value for c in mediation[3]] == ["项目", "本期", "占比", "上期", "环比",
                                               "上年同期", "同比", "说明"]
    lines = {row[0]: row for row in mediation.iter_rows(min_row=4, values_only=True)}
    for label, key in (("受理数（件）", "accepted"), ("结案数（件）", "closed"),
                       ("调解成功数（件）", "succeeded"), ("履行数（件）", "performed"),
                       ("司法确认数（件）", "judicial")):
        line = lines[label]
        assert (line[1], line[3], line[5]) == (cases[key], cases_before[key],
                                               cases_year_ago[key]), label
        base = cases_before[key]
        assert line[4] == (f"{(cases[key] - base) / base * 100:+.1f}%"  # type: ignore[operator]
                           if base else "—"), label
        assert line[7] is None, label  # no "not available" note any more
    assert lines["协议涉及金额（元）"][1] == pytest.approx(float(cases["amount"]))  # type: ignore[arg-type]
    rate_now = round(cases["succeeded"] * 100 / cases["closed"], 1)  # type: ignore[operator]
    rate_before = round(cases_before["succeeded"] * 100 / cases_before["closed"], 1)  # type: ignore[operator]
    assert lines["调解成功率（%）"][1] == pytest.approx(rate_now)
    assert lines["调解成功率（%）"][4] == f"{rate_now - rate_before:+.1f}个百分点"
    by_source: Counter = cases["by_source"]  # type: ignore[assignment]
    for label in ("主动调解", "申请调解", "委托移送"):
        assert lines[label][1] == by_source[label], label
        assert lines[label][2] == pytest.approx(by_source[label] / sum(by_source.values()))
    forms: Counter = cases["forms"]  # type: ignore[assignment]
    assert (lines["书面协议"][1], lines["口头协议"][1]) == (forms["书面协议"], forms["口头协议"])
    notes = [row[0] for row in mediation.iter_rows(min_row=4, values_only=True)
             if row[0] and "司法确认数：人民法院裁定确认调解协议有效的件数" in str(row[0])]
    assert notes, "the 司法确认数 definition is printed"
    flat = " ".join(str(v) for row in mediation.iter_rows(values_only=True) for v in row if v)
    assert "调解案件模块未启用" not in flat

    centre = wb["综治中心来访统计"]
    lines = {row[0]: row for row in centre.iter_rows(min_row=4, values_only=True)}
    assert lines["来访登记（件）"][1] == now["visits"]
    assert lines["来访登记（件）"][3] == 17
    assert lines["来访登记（件）"][4] == f"{(now['visits'] - 17) / 17 * 100:+.1f}%"
    assert lines["来访登记（件）"][5] == 9
    assert lines["来访人次"][1] == now["people"]
    assert lines["超时未办结（件）"][1] == 0  # no escalations were seeded
    section_rows = [row[0] for row in centre.iter_rows(min_row=4, values_only=True)
                    if row[0] and row[0][0] in "一二三四五"]
    assert section_rows == ["一、总体情况", "二、按分流去向（人次）", "三、按社区（件）",
                            "四、按来源（件）", "五、按事项类别（件）"]
    assert centre.print_title_rows == "$3:$3"


# -- 人民调解 figures ------------------------------------------------------------------------

GROUP = {"当事人申请": "申请调解", "主动调解": "主动调解", "公安移交": "委托移送",
         "法院委托": "委托移送", "政府部门指定": "委托移送"}


def _seed_cases(database: Database) -> None:
    """Cases accepted from August 2025 to November 2026 (so some cross a month's end), with
    every outcome, both agreement forms, several follow-ups and 司法确认 in every state."""
    rng = random.Random(11)
    with database.write() as session:
        categories = list(session.scalars(select(Category)))
        mediator = Staff(name="调解员甲", role="mediator", active=True)
        session.add(mediator)
        session.flush()
        seq = 0
        for month_start in (date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1),
                            date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1),
                            date(2026, 11, 1)):
            for _ in range(rng.randint(8, 16)):
                seq += 1
                accepted = month_start + timedelta(days=rng.randint(0, 27))
                outcome = rng.choice(["调解成功", "调解成功", "调解成功", "调解不成功",
                                      "终止调解", None])
                closed = accepted + timedelta(days=rng.randint(0, 40)) if outcome else None
                case_ = MediationCase(
                    case_no=f"（{accepted.year}）测人调字第{seq:04d}号", year=accepted.year,
                    seq=seq, source=rng.choice(list(GROUP)),
                    category=rng.choice(categories) if rng.random() < 0.9 else None,
                    facts="测试纠纷", accepted_on=accepted,
                    due_on=accepted + timedelta(days=30), outcome=outcome, closed_on=closed,
                    mediators=[mediator],
                )
                session.add(case_)
                if outcome != "调解成功" or closed is None:
                    continue
                amount = (Decimal(rng.randrange(1, 5000) * 10) / 4
                          if rng.random() < 0.7 else None)
                session.add(Agreement(case=case_, kind=rng.choice(["written", "oral"]),
                                      amount=amount, signed_on=closed))
                follow_at = closed
                for _n in range(rng.randint(0, 3)):
                    follow_at += timedelta(days=rng.randint(0, 20))
                    done = rng.random() < 0.8
                    session.add(FollowUp(
                        case=case_, planned_on=follow_at, done_on=follow_at if done else None,
                        performance=rng.choice(["已履行", "部分履行", "未履行"]) if done else None,
                        satisfaction=rng.choice(["满意", "基本满意", "不满意"]) if done else None,
                    ))
                if rng.random() < 0.5:
                    applied = closed + timedelta(days=rng.randint(1, 20))
                    result = rng.choice(["确认有效", "确认有效", "驳回申请", None])
                    session.add(JudicialConfirmation(
                        case=case_, court="某某区人民法院", applied_on=applied, result=result,
                        result_on=applied + timedelta(days=rng.randint(3, 30)) if result
                        else None,
                    ))


def _month(day: date | None, year: int, month: int) -> bool:
    return day is not None and (day.year, day.month) == (year, month)


def _independent_mediation(database: Database, year: int, month: int) -> dict[str, object]:
    """The 人民调解 figures of one month, counted over ORM objects in Python."""
    with database.read() as session:
        cases = list(session.scalars(select(MediationCase)))
        accepted = [c for c in cases if _month(c.accepted_on, year, month)]
        closed = [c for c in cases if c.outcome and _month(c.closed_on, year, month)]
        succeeded = [c for c in closed if c.outcome == "调解成功"]

        def latest_made(c: MediationCase) -> FollowUp | None:
            made = [f for f in c.follow_ups if f.done_on is not None]
            return max(made, key=lambda f: (f.done_on, f.id)) if made else None

        performed = [c for c in succeeded
                     if (f := latest_made(c)) is not None and f.performance == "已履行"]
        confirmed = [j for j in session.scalars(select(JudicialConfirmation))
                     if j.result == "确认有效" and _month(j.result_on, year, month)]
        follow_ups = [f for f in session.scalars(select(FollowUp))
                      if _month(f.done_on, year, month)]
        return {
            "accepted": len(accepted), "closed": len(closed), "succeeded": len(succeeded),
            "performed": len(performed), "judicial": len(confirmed),
            "amount": sum((c.agreement.amount or Decimal(0) for c in succeeded
                           if c.agreement), Decimal(0)),
            "by_source": Counter(GROUP[c.source] for c in accepted),
            "by_type": Counter(c.category.name if c.category else "未分类" for c in accepted),
            "forms": Counter({"written": "书面协议", "oral": "口头协议"}[c.agreement.kind]
                             for c in succeeded if c.agreement),
            "satisfaction": Counter(f.satisfaction for f in follow_ups),
        }


def test_mediation_figures_match_independent_counts(database: Database) -> None:
    _seed_cases(database)
    now, before, year_ago = (_independent_mediation(database, *MONTHS[k])
                             for k in ("now", "before", "year_ago"))
    assert now["accepted"] and before["accepted"] and year_ago["accepted"]
    assert now["succeeded"] and now["performed"] and now["judicial"]
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))

    def check(label: str, key: str) -> None:
        figure = report.figure(label)
        assert (figure.value, figure.previous, figure.last_year) == (
            now[key], before[key], year_ago[key]), label
        assert figure.note == ""
        if before[key]:
            assert figure.month_on_month == pytest.approx(
                (float(now[key]) - float(before[key])) / float(before[key]))  # type: ignore[arg-type]
        else:
            assert figure.month_on_month is None
        if year_ago[key]:
            assert figure.year_on_year == pytest.approx(
                (float(now[key]) - float(year_ago[key])) / float(year_ago[key]))  # type: ignore[arg-type]
        else:
            assert figure.year_on_year is None

    check("受理数（件）", "accepted")
    check("结案数（件）", "closed")
    check("调解成功数（件）", "succeeded")
    check("履行数（件）", "performed")
    check("司法确认数（件）", "judicial")
    check("协议涉及金额（元）", "amount")

    success = report.figure("调解成功率（%）")
    rates = [round(x["succeeded"] * 100 / x["closed"], 1)  # type: ignore[operator]
             for x in (now, before, year_ago)]
    assert (success.value, success.previous, success.last_year) == tuple(rates)
    assert success.month_on_month == pytest.approx(rates[0] - rates[1])
    assert success.year_on_year == pytest.approx(rates[0] - rates[2])

    satisfaction = report.figure("回访满意率（%）")
    counted: Counter = now["satisfaction"]  # type: ignore[assignment]
    assert satisfaction.value == round(
        (counted["满意"] + counted["基本满意"]) * 100 / sum(counted.values()), 1)

    for title, key in (("按纠纷来源", "by_source"), ("按纠纷类型", "by_type"),
                       ("按协议形式", "forms"), ("按回访满意度", "satisfaction")):
        breakdown = report.breakdown(title)
        wanted: Counter = now[key]  # type: ignore[assignment]
        previous: Counter = before[key]  # type: ignore[assignment]
        last_year: Counter = year_ago[key]  # type: ignore[assignment]
        got = {f.label: f.value for f in breakdown.figures if f.label != "合计" and f.value}
        assert got == dict(+wanted), title
        total = sum(wanted.values())
        for figure in breakdown.figures[:-1]:
            assert figure.previous == previous.get(figure.label, 0), (title, figure.label)
            assert figure.last_year == last_year.get(figure.label, 0), (title, figure.label)
            if figure.value:
                assert figure.share == pytest.approx(figure.value / total)
        assert (breakdown.figures[-1].label, breakdown.figures[-1].value) == ("合计", total)
    assert [f.label for f in report.breakdown("按纠纷来源").figures] == [
        "主动调解", "申请调解", "委托移送", "合计"]
    assert [f.label for f in report.breakdown("按协议形式").figures] == [
        "书面协议", "口头协议", "合计"]


def test_success_rate_by_month(database: Database) -> None:
    _seed_cases(database)
    with database.read() as session:
        months = mediation_success_by_month(session, Period.month(2026, 11), 15)
    assert [m for m, _v in months][:2] == ["2025-09", "2025-10"]
    assert months[-1][0] == "2026-11"
    for label, value in months:
        year, month = int(label[:4]), int(label[5:])
        counted = _independent_mediation(database, year, month)
        if counted["closed"]:
            assert value == round(counted["succeeded"] * 100 / counted["closed"], 1)  # type: ignore[operator]
        else:
            assert value is None


def test_success_rate_by_month_counts_failures_and_leaves_out_removed_cases(
        database: Database) -> None:
    """A month whose closed cases all failed reads 0.0 (not "no rate"); a removed case
    counts nowhere; by default the series is the twelve months up to the last."""
    with database.write() as session:
        mediator = Staff(name="调解员乙", role="mediator", active=True)
        session.add(mediator)
        for seq, (outcome, closed, removed) in enumerate([
                ("调解不成功", date(2026, 10, 5), False), ("终止调解", date(2026, 10, 9), False),
                ("调解成功", date(2026, 10, 20), True),  # removed: not a success of October
                ("调解成功", date(2026, 11, 3), False), ("调解不成功", date(2026, 11, 4), True),
        ], start=1):
            session.add(MediationCase(
                case_no=f"（2026）测人调字第{seq:04d}号", year=2026, seq=seq, source="主动调解",
                facts="测试纠纷", accepted_on=closed - timedelta(days=2),
                due_on=closed + timedelta(days=28), outcome=outcome, closed_on=closed,
                mediators=[mediator],
                deleted_at=datetime(2026, 11, 30, 9) if removed else None))
    with database.read() as session:
        months = mediation_success_by_month(session, Period.month(2026, 11))
    assert [label for label, _rate in months] == [
        "2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert months[-2:] == [("2026-10", 0.0), ("2026-11", 100.0)]
    assert all(rate is None for _label, rate in months[:-2])


def test_a_figure_or_breakdown_not_in_the_report_is_named_in_the_error(
        database: Database) -> None:
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    with pytest.raises(KeyError) as figure:
        report.figure("不存在的指标")
    with pytest.raises(KeyError) as breakdown:
        report.breakdown("不存在的分类")
    assert (figure.value.args, breakdown.value.args) == (("不存在的指标",), ("不存在的分类",))


def test_the_edges_of_performance_amount_and_confirmations(database: Database) -> None:
    """履行 goes by the follow-up made last (the later of one day); amounts, agreement forms
    and 履行 count only 调解成功 cases; a ruling on the month's first or last day is in the
    month."""
    with database.write() as session:
        mediator = Staff(name="调解员丙", role="mediator", active=True)
        session.add(mediator)
        serial = iter(range(1, 100))

        def case(outcome: str, closed: date, amount: str | None = None,
                 follow_ups: tuple[str, ...] = (), *, kind: str = "written",
                 source: str = "主动调解") -> MediationCase:
            seq = next(serial)
            made = MediationCase(
                case_no=f"（2026）测人调字第{seq:04d}号", year=2026, seq=seq, source=source,
                facts="测试纠纷", accepted_on=closed - timedelta(days=3),
                due_on=closed + timedelta(days=27), outcome=outcome, closed_on=closed,
                mediators=[mediator])
            session.add(made)
            if amount is not None:
                session.add(Agreement(case=made, kind=kind, amount=Decimal(amount),
                                      signed_on=closed))
            for performance in follow_ups:  # all made the same day, in this order
                session.add(FollowUp(case=made, planned_on=date(2026, 11, 20),
                                     done_on=date(2026, 11, 20), performance=performance,
                                     satisfaction="满意" if performance == "已履行" else None))
                session.flush()
            return made

        case("调解成功", date(2026, 11, 10), "100.00", ("已履行", "未履行"))
        case("调解成功", date(2026, 11, 11), "50.50", ("未履行", "已履行"))
        case("调解不成功", date(2026, 11, 12), "999.00", ("已履行",))
        # An agreement form the report does not know (an older build's) keeps its name; a
        # source it does not know, or none, is counted as 申请调解.
        case("调解成功", date(2026, 11, 13), "0.00", kind="调解笔录", source="其他来源")
        case("调解成功", date(2026, 11, 14), "0.00", kind="oral", source="")
        for ruled in (date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30),
                      date(2026, 12, 1)):
            confirmed = case("调解成功", date(2026, 10, 1))
            session.add(JudicialConfirmation(case=confirmed, court="某某区人民法院",
                                             applied_on=date(2026, 10, 2), result="确认有效",
                                             result_on=ruled))
    november = Period.month(2026, 11)
    with database.read() as session:
        assert mediation_performed(session, november) == 1
        assert agreement_amount(session, november) == Decimal("150.50")
        assert judicial_confirmations(session, november) == 2
        assert agreement_forms(session, november) == {"书面协议": 2, "口头协议": 1,
                                                     "调解笔录": 1}
        assert mediation_by_source(session, november) == {"主动调解": 3, "申请调解": 2,
                                                         "委托移送": 0}
        # Follow-ups made without asking count under no level.
        assert mediation_satisfaction(session, november) == {"满意": 3, "基本满意": 0,
                                                            "不满意": 0}


def test_escalations_on_the_edges_of_the_month(database: Database) -> None:
    """Raised at midnight on the first is in the month; due on the first or the last day
    and not closed that day is overdue in it."""
    visit_id = _visit_to_escalate(database)
    queue.escalate(database, visit_id, "B", "集体访", due_date=date(2026, 11, 1),
                   now=datetime(2026, 10, 31, 23, 59))
    queue.escalate(database, visit_id, "C", "集体访", due_date=date(2026, 11, 30),
                   now=datetime(2026, 11, 1, 0, 0))
    # October's and December's own: due the day before, raised at the next midnight.
    queue.escalate(database, visit_id, "B", "集体访", due_date=date(2026, 10, 31),
                   now=datetime(2026, 10, 30, 9, 0))
    queue.escalate(database, visit_id, "B", "集体访", due_date=date(2026, 12, 1),
                   now=datetime(2026, 12, 1, 0, 0))
    with database.read() as session:
        counts = escalation_counts(session, Period.month(2026, 11))
    assert (counts.escalated, counts.overdue) == (1, 2)


def test_breakdowns_follow_the_admins_order_and_the_rate_counts_both_satisfied_answers(
        database: Database) -> None:
    with database.write() as session:
        rooms = list(session.scalars(select(Room).order_by(Room.id)))
        for n, room in enumerate(reversed(rooms)):  # the admin put them the other way round
            room.sort_order = n
        session.add_all([Community(name="西城社区", sort_order=1, active=True),
                         Community(name="东城社区", sort_order=1, active=True),
                         Community(name="鹿城社区", sort_order=0, active=True)])
        mediator = Staff(name="调解员丁", role="mediator", active=True)
        case_ = MediationCase(case_no="（2026）测人调字第0001号", year=2026, seq=1,
                              source="主动调解", facts="测试纠纷", accepted_on=date(2026, 10, 1),
                              due_on=date(2026, 10, 31), outcome="调解成功",
                              closed_on=date(2026, 10, 20), mediators=[mediator])
        for done, satisfaction in ((date(2026, 11, 1), "满意"), (date(2026, 11, 30), "基本满意"),
                                   (date(2026, 11, 15), "不满意"), (date(2026, 11, 16), "满意"),
                                   (date(2026, 10, 31), "不满意"), (date(2026, 12, 1), "不满意")):
            session.add(FollowUp(case=case_, planned_on=done, done_on=done,
                                 performance="已履行", satisfaction=satisfaction))
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    by_room = [f.label for f in report.breakdown("按分流去向（人次）").figures]
    assert by_room == [room.name for room in reversed(rooms)] + ["合计"]
    by_community = [f.label for f in report.breakdown("按社区（件）").figures]
    assert by_community[:3] == ["鹿城社区", "东城社区", "西城社区"]
    assert [f.label for f in report.breakdown("按来源（件）").figures] == [*SOURCES, "合计"]
    # 满意 and 基本满意 of the four answers given in November (the 1st and the 30th in it).
    assert report.figure("回访满意率（%）").value == 75.0
    assert {f.label: f.value for f in report.breakdown("按回访满意度").figures} == {
        "满意": 2, "基本满意": 1, "不满意": 1, "合计": 4}


def test_a_breakdown_gives_each_share_and_a_total_of_all_three_periods(
        database: Database) -> None:
    with database.write() as session:
        mediator = Staff(name="调解员丁", role="mediator", active=True)
        case_ = MediationCase(case_no="（2025）测人调字第0001号", year=2025, seq=1,
                              source="主动调解", facts="测试纠纷", accepted_on=date(2025, 10, 1),
                              due_on=date(2025, 10, 31), outcome="调解成功",
                              closed_on=date(2025, 10, 20), mediators=[mediator])
        for done, satisfaction in ((date(2026, 11, 1), "满意"), (date(2026, 11, 30), "满意"),
                                   (date(2026, 11, 15), "不满意"), (date(2026, 11, 16), "基本满意"),
                                   (date(2026, 10, 31), "不满意"), (date(2025, 11, 10), "满意"),
                                   (date(2025, 11, 11), "满意"), (date(2026, 12, 1), "不满意")):
            session.add(FollowUp(case=case_, planned_on=done, done_on=done,
                                 performance="已履行", satisfaction=satisfaction))
    with database.read() as session:
        november = monthly_report(session, Period.month(2026, 11))
        december = monthly_report(session, Period.month(2026, 12))
        august = monthly_report(session, Period.month(2026, 8))
    satisfaction = november.breakdown("按回访满意度")
    assert satisfaction.note == ""
    assert [(f.label, f.value, f.previous, f.last_year, f.kind, f.share)
            for f in satisfaction.figures] == [
        ("满意", 2, 0, 2, "count", 0.5),
        ("基本满意", 1, 0, 0, "count", 0.25),
        ("不满意", 1, 1, 0, "count", 0.25),
        ("合计", 4, 1, 2, "count", 1.0),
    ]
    # A level nobody chose this month has a share of nothing, not of one answer.
    assert [(f.label, f.share) for f in december.breakdown("按回访满意度").figures] == [
        ("满意", 0.0), ("基本满意", 0.0), ("不满意", 1.0), ("合计", 1.0)]
    # A month without answers has no shares at all.
    assert {f.share for f in august.breakdown("按回访满意度").figures} == {None}


def test_the_counselling_room_and_the_care_groups_are_counted_with_their_notes(
        database: Database) -> None:
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    counselling = report.breakdown("心理咨询室（仅计数）")
    assert counselling.note == "不含咨询内容"
    assert [(f.label, f.value, f.previous, f.last_year, f.kind) for f in counselling.figures] == [
        (label, 0, 0, 0, "count") for label in (
            "接案（件）", "咨询（次）", "风险评估为高（次）", "风险评估为中（次）",
            "风险评估为低（次）", "转介医疗机构（件）", "结案（件）")]
    assert report.breakdown("关爱对象按类别（人）").note == "一人可属多个类别"
    overdue = report.figure("超时未办结（件）")
    assert (overdue.kind, overdue.note) == ("count", "办理期限在本期内、到期未办结的上报和移送事项")


def test_a_category_without_visits_this_month_has_no_share(database: Database) -> None:
    with database.read() as session:
        room = reference.rooms(session)[0]
        first, second = reference.categories(session)[:2]
    for n, (day, category) in enumerate(((date(2026, 10, 12), first),
                                         (date(2026, 11, 12), second))):
        register_visit(database, RegistrationInput(
            name=f"来访人{n}", phone=f"1390000000{n}", summary="测试事项", room_id=room.id,
            id_number=id_number(900 + n), category_id=category.id),
            now=datetime.combine(day, datetime.min.time()).replace(hour=9))
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    shares = {f.label: (f.value, f.previous, f.share)
              for f in report.breakdown("按事项类别（件）").figures}
    assert shares[first.name] == (0, 1, 0.0)
    assert shares[second.name] == (1, 0, 1.0)
    assert shares["合计"] == (1, 1, 1.0)


def _outline(figures: list[Figure]) -> list[tuple[str, str, str]]:
    return [(f.label, f.kind, f.note) for f in figures]


def test_the_report_s_outline_every_figure_with_its_kind_and_note(database: Database) -> None:
    """What the report says, and how each figure is shown (a count, a rate in %, an amount
    in 元), for a month with nothing in it: the outline an admin reads every month."""
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    assert _outline(report.mediation) == [
        ("受理数（件）", "count", ""), ("结案数（件）", "count", ""),
        ("调解成功数（件）", "count", ""), ("调解成功率（%）", "rate", ""),
        ("履行数（件）", "count", ""), ("司法确认数（件）", "count", ""),
        ("协议涉及金额（元）", "money", ""), ("回访满意率（%）", "rate", "")]
    assert [b.title for b in report.mediation_breakdowns] == [
        "按纠纷来源", "按纠纷类型", "按协议形式", "按回访满意度"]
    assert _outline(report.centre) == [
        ("来访登记（件）", "count", ""), ("来访人次", "count", ""),
        ("重复来访（件）", "count", ""), ("集体来访（批）", "count", ""),
        ("集体来访人次", "count", ""), ("分流（人次）", "count", ""),
        ("分流办结（人次）", "count", ""), ("办结率（%）", "rate", ""),
        ("超时未办结（件）", "count", "办理期限在本期内、到期未办结的上报和移送事项"),
        ("升级上报（件）", "count", "本期上报（社区、街道、区、市）和移送职能部门的事项"),
        ("回访满意率（%）", "rate", ""), ("回复率（%）", "rate", ""),
        ("群众满意率（%）", "rate", "好差评：非常满意、满意、基本满意 ÷ 作出评价的事项"),
        ("超过服务时限（件）", "count",
         "本期登记、设有服务时限的事项中，超过时限才回复或至今超期未回复的件数")]
    assert [b.title for b in report.centre_breakdowns] == [
        "按分流去向（人次）", "按社区（件）", "按来源（件）", "按事项类别（件）",
        "心理咨询室（仅计数）", "警民联络室", "社会组织工作室", "群众满意率按科室（%）",
        "群众满意率按工作人员（%）", "关爱帮扶", "关爱对象按类别（人）", "帮扶按类型（次）",
        "议事协商"]
    rooms = {b.title: _outline(b.figures) for b in report.centre_breakdowns}
    assert rooms["警民联络室"] == [
        ("移交公安（件）", "count", "本期移交派出所的事项"),
        ("公安移交（件）", "count", "本期接收的110非警务警情和公安移交调解"),
        ("收到回复（件）", "count", "以回复日期计"),
        ("超期未回复（件）", "count", "回复期限在本期内、逾期或至今未回复的移交事项")]
    assert rooms["社会组织工作室"] == [
        ("转介社会组织（人次）", "count", "以转介日期计"),
        ("服务完成（人次）", "count", "以服务日期计"),
        ("组织活动（场）", "count", "社会组织和志愿服务队开展的活动"),
        ("活动参加（人次）", "count", "")]
    assert rooms["群众满意率按科室（%）"] == rooms["群众满意率按工作人员（%）"] == []
    assert report.notes == [
        "环比：与上一期（上月）相比；同比：与上年同期相比。计数的变化为增减百分比，比率的变化为"
        "增减百分点；基数为0时不计算。",
        "办结率 = 本期分流中已办结（含转办、未到）的人次 ÷ 本期分流人次。",
        "受理数及按来源、按类型的分布以受理日期计；结案数、调解成功数、履行数、协议涉及金额和协议"
        "形式以结案日期计；调解成功率 = 调解成功数 ÷ 结案数（含调解不成功、终止调解）。",
        "履行数：本期调解成功的案件中，最近一次回访记录为“已履行”的件数（随后续回访更新）。"
        "司法确认数：人民法院裁定确认调解协议有效的件数，以裁定日期计；已申请尚未裁定的不计。",
        "回访满意率 = 本期回访中“满意”和“基本满意”的次数 ÷ 作出评价的回访次数。",
        "升级上报 = 本期上报和移送职能部门的事项；超时未办结 = 办理期限在本期内、到期当日未办结的"
        "上报和移送事项。",
        "回复率 = 本期登记的事项中已回复群众的件数 ÷ 本期登记件数。群众满意率按好差评五级计："
        "（非常满意 + 满意 + 基本满意）÷ 本期作出评价的件数，整改后的再次评价不重复计入；"
        "按科室、按工作人员以事项分流到的科室和办理人计。服务时限按工作日计（含调休）。",
    ]


def test_types_of_dispute_are_listed_by_this_month_s_count_then_the_others_by_name(
        database: Database) -> None:
    _seed_cases(database)
    now, before, year_ago = (_independent_mediation(database, *MONTHS[k])["by_type"]
                             for k in ("now", "before", "year_ago"))
    with database.read() as session:
        report = monthly_report(session, Period.month(*MONTHS["now"]))
    by_type = next(b for b in report.mediation_breakdowns if b.title == "按纠纷类型")
    assert isinstance(now, Counter) and isinstance(before, Counter)
    assert isinstance(year_ago, Counter)
    this_month = sorted(now, key=lambda name: (-now[name], name))
    others = sorted((set(before) | set(year_ago)) - set(now))
    assert others and len({now[name] for name in now}) > 1  # both rules are put to work
    assert [f.label for f in by_type.figures] == [*this_month, *others, "合计"]
    assert [(f.value, f.previous, f.last_year) for f in by_type.figures[:-1]] == [
        (now[name], before[name], year_ago[name]) for name in [*this_month, *others]]


def test_satisfaction_by_room_and_by_staff_give_each_its_rate_and_this_month_s_ratings(
        database: Database) -> None:
    """A room rated this month: its rate and "本期评价 N 件"; a room rated only last month:
    no rate this month, last month's, and no note."""
    chen = add_staff(database)
    for n, level in ((1, "满意"), (2, "不满意")):
        matter = served(database, n, chen, finished=datetime(2026, 11, 20, 9, n))
        record_reply(database, matter.visit_id, replied_at=datetime(2026, 11, 20, 10, 0))
        record_rating(database, matter.visit_id, level, rated_at=datetime(2026, 11, 21, 9, 0))
    october = finished_matter(database, 3, room="关爱工作室", at=datetime(2026, 10, 20, 9, 0))
    record_reply(database, october.visit_id, replied_at=datetime(2026, 10, 20, 11, 0))
    record_rating(database, october.visit_id, "不满意", rated_at=datetime(2026, 10, 30, 9, 0))
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
    rooms = {b.title: b.figures for b in report.centre_breakdowns}
    assert [(f.label, f.value, f.previous, f.last_year, f.kind, f.note)
            for f in rooms["群众满意率按科室（%）"]] == [
        ("矛盾纠纷调解室", 50.0, None, None, "rate", "本期评价 2 件"),
        ("关爱工作室", None, 0.0, None, "rate", "")]
    assert [(f.label, f.value, f.previous, f.note) for f in rooms["群众满意率按工作人员（%）"]] == [
        ("陈秀兰", 50.0, None, "本期评价 2 件"), ("测试管理员", None, 0.0, "")]


def _case(session: Session, seq: int, accepted: date, *, closed: date | None = None,
          category: Category | None = None) -> None:
    session.add(MediationCase(
        case_no=f"（{accepted.year}）测人调字第{seq:04d}号", year=accepted.year, seq=seq,
        source="当事人申请", category=category, facts="测试纠纷", accepted_on=accepted,
        due_on=accepted + timedelta(days=30), outcome="调解不成功" if closed else None,
        closed_on=closed))


def test_a_case_counts_in_the_month_of_its_first_and_last_day(database: Database) -> None:
    """Accepted on 31 October or closed on 1 or 31 October: October's, not a neighbour's."""
    with database.write() as session:
        _case(session, 1, date(2026, 10, 31))
        _case(session, 2, date(2026, 9, 20), closed=date(2026, 10, 1))
        _case(session, 3, date(2026, 10, 1), closed=date(2026, 10, 31))
    with database.read() as session:
        counts = {month: (mediation_accepted(session, Period.month(2026, month)),
                          mediation_closed(session, Period.month(2026, month)))
                  for month in (9, 10, 11)}
    assert counts == {9: (1, 0), 10: (2, 2), 11: (0, 0)}


def test_a_type_seen_only_in_the_month_before_is_listed_after_this_month_s(
        database: Database) -> None:
    with database.write() as session:
        neighbours, family = (session.scalars(select(Category).where(Category.name == name))
                              .one() for name in ("邻里", "婚姻家庭"))
        _case(session, 1, date(2026, 10, 5), category=neighbours)
        _case(session, 2, date(2026, 9, 5), category=family)
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 10))
    by_type = next(b for b in report.mediation_breakdowns if b.title == "按纠纷类型")
    assert [(f.label, f.value, f.previous) for f in by_type.figures] == [
        ("邻里", 1, 0), ("婚姻家庭", 0, 1), ("合计", 1, 1)]
