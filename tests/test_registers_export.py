"""The 来访登记台账 read back cell by cell against the database; LibreOffice opens it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.exports.registers import VISIT_COLUMNS, export_register
from desktop.models import Referral, Room, Staff, Visit, VisitReply
from desktop.services import reference
from desktop.services.closure import workdays
from desktop.services.demo.generate import generate_demo_data
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.services.registers.rows import Period, reply_text
from desktop.services.validation import mask_phone
from tests.factories import id_number
from tests.office import require_soffice, workbook_as_pdf_text

# What the register prints for a referral's status (and, when done, its result);
# written out here rather than taken from the code under test.
EXPECTED_RESULT = {
    ("waiting", None): "等候中",
    ("called", None): "已叫号",
    ("serving", None): "办理中",
    ("on_hold", None): "暂缓",
    ("no_show", None): "未到",
    ("transferred", None): "已转办",
    ("done", None): "已办结",
    ("done", "resolved"): "已办结",
    ("done", "case_opened"): "转调解立案",
    ("done", "transferred"): "已转办",
    ("done", "referred_out"): "移交部门",
    ("done", "left"): "来访人离开",
}


def _room(database: Database, code: str) -> int:
    with database.read() as session:
        return session.scalars(select(Room.id).where(Room.code == code)).one()


def _first_category(database: Database) -> int:
    with database.read() as session:
        return reference.categories(session)[0].id


def _hand_made_visits(database: Database, day: datetime) -> None:
    """A few visits that cover the awkward cases: no ID, no community, transfers, statuses."""
    mediation, window = _room(database, "mediation"), _room(database, "window")
    with database.write() as session:
        handler = Staff(name="王调解", role="mediator", room_id=mediation)
        session.add(handler)
        session.flush()
        handler_id = handler.id
    made = []
    cases = [
        ("张建国", id_number(1), "邻居装修噪音", mediation, ("done", "case_opened")),
        ("李秀英", "", "咨询户籍政策", window, ("on_hold", None)),
        ("王\x07芳", id_number(2), "欠薪三个月\n要求支付", mediation, ("no_show", None)),
        ("赵强", id_number(3), "楼道堆放杂物", mediation, ("waiting", None)),
    ]
    for i, (name, number, summary, room_id, (status, result)) in enumerate(cases):
        data = RegistrationInput(
            name=name.replace("\x07", ""), phone=f"1391234567{i}", summary=summary,
            room_id=room_id, id_number=number, category_id=_first_category(database),
            id_type="居民身份证" if number else "无证件",
            no_id_reason="" if number else "未带证件",
        )
        reg = register_visit(database, data, now=day + timedelta(minutes=10 * i))
        made.append(reg)
        with database.write() as session:
            session.execute(update(Referral).where(Referral.id == reg.referral_id).values(
                status=status, result=result, handled_by_id=handler_id))
    # The first visit was transferred on to the window: the latest referral counts.
    with database.write() as session:
        visit = session.get(Visit, made[0].visit_id)
        assert visit is not None
        session.add(Referral(visit_id=visit.id, room_id=window, ticket_date=day.date(),
                             ticket_seq=99, ticket_no="综-099", status="done",
                             result="referred_out", created_at=day + timedelta(hours=1)))


def _expected(database: Database, period: Period) -> list[list[object]]:
    rows: list[list[object]] = []
    with database.read() as session:
        visits = session.scalars(
            select(Visit).where(Visit.visited_at >= datetime.combine(period.start,
                                                                    datetime.min.time()),
                                Visit.visited_at < datetime.combine(
                                    period.end + timedelta(days=1), datetime.min.time()))
            .order_by(Visit.visited_at, Visit.id)
        ).all()
        for n, visit in enumerate(visits, 1):
            latest = max(visit.referrals, key=lambda r: r.id) if visit.referrals else None
            number = visit.person.id_number
            masked = number[:6] + "*" * 8 + number[-4:] if number else None
            place = visit.community.name if visit.community else None
            if place and visit.grid:
                place += "／" + visit.grid.name
            result = None
            if latest is not None:
                key = (latest.status, latest.result if latest.status == "done" else None)
                result = EXPECTED_RESULT[key]
            check = "读卡" if visit.id_card_read else ("手工" if number else None)
            rows.append([
                n, visit.visited_at, visit.visit_no, visit.person.name, masked, check,
                mask_phone(visit.person.phone) or None, place,
                visit.category.name if visit.category else None,
                visit.source, visit.headcount, visit.summary,
                latest.room.name if latest else None, result,
                latest.handled_by.name if latest and latest.handled_by else None,
                *_time_limit_and_reply(session, visit),
            ])
    return rows


def _time_limit_and_reply(session: Session, visit: Visit) -> list[object]:
    """服务时限 (the category's working days from the visit day) and 回复, as exported."""
    limit = visit.category.time_limit_days if visit.category else None
    due = workdays.add_working_days(session, visit.visited_at.date(), limit) if limit else None
    reply = session.scalar(select(VisitReply).where(VisitReply.visit_id == visit.id))
    if reply is not None:
        late = due is not None and reply.replied_at.date() > due
        text = f"{reply.replied_at:%Y-%m-%d}{reply.method}" + ("（超时限）" if late else "")
    else:
        text = "未回复" + ("（超时限）" if due is not None and date.today() > due else "")
    return [datetime.combine(due, datetime.min.time()) if due else None, text]


def test_visit_register_matches_database(database: Database, tmp_path: Path) -> None:
    generate_demo_data(database, visits=300)
    today = date.today()
    _hand_made_visits(database, datetime.combine(today - timedelta(days=3),
                                                 datetime.min.time()).replace(hour=9))
    period = Period(today - timedelta(days=20), today)
    expected = _expected(database, period)
    assert len(expected) > 100

    out = tmp_path / "来访登记台账.xlsx"
    result = export_register(database, "visits", period, out)
    assert result.rows == {"来访登记台账": len(expected)}

    ws = openpyxl.load_workbook(out)["来访登记台账"]
    assert ws["A1"].value == f"东林街道综治中心来访登记台账（{period.label()}）"
    assert f"共 {len(expected)} 条" in ws["A2"].value
    assert [c.value for c in ws[3]] == [c.header for c in VISIT_COLUMNS]
    data = [[c.value for c in row]
            for row in ws.iter_rows(min_row=4, max_row=3 + len(expected))]
    for got, want in zip(data, expected, strict=True):
        assert got == want
    totals = [c.value for c in ws[4 + len(expected)]]
    assert totals[0] == "合计"
    assert totals[2] == len(expected)
    assert totals[10] == sum(row[10] for row in expected)  # type: ignore[misc]
    assert ws.auto_filter.ref == f"A3:Q{3 + len(expected)}"
    # Matters with their 服务时限; replied in time, and not (yet) replied.
    replies = {row[16] for row in data}
    assert any(r.startswith("未回复") for r in replies)
    assert any(r[:4].isdigit() and not r.endswith("（超时限）") for r in replies)
    assert any(row[15] is not None for row in data)
    # The full ID number never appears; the control character was dropped.
    flat = {str(v) for row in data for v in row}
    assert id_number(1) not in flat
    assert any(row[13] == "移交部门" and row[12] == "综合受理窗口" for row in data)
    assert any(row[14] == "王调解" for row in data)


def test_libreoffice_converts_the_register(sqlite_database: Database, tmp_path: Path) -> None:
    soffice = require_soffice()
    generate_demo_data(sqlite_database, visits=200)
    out = tmp_path / "register.xlsx"
    export_register(sqlite_database, "visits",
                    Period(date.today() - timedelta(days=60), date.today()), out)
    text = workbook_as_pdf_text(soffice, out, tmp_path)
    assert "来访登记台账" in text
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)  # the footer
    assert "###" not in text  # every number fits its column


@pytest.mark.parametrize(("replied", "due", "text"), [
    (datetime(2026, 11, 20, 15, 0), date(2026, 11, 20), "2026-11-20电话"),  # on the day
    (datetime(2026, 11, 23, 9, 0), date(2026, 11, 20), "2026-11-23电话（超时限）"),
    (datetime(2026, 11, 23, 9, 0), None, "2026-11-23电话"),  # no 服务时限, never late
    (None, date(2026, 12, 2), "未回复"),  # due today: not late yet
    (None, date(2026, 12, 1), "未回复（超时限）"),
    (None, None, "未回复"),
])
def test_the_reply_column_marks_what_went_past_its_time_limit(
    replied: datetime | None, due: date | None, text: str
) -> None:
    assert reply_text(replied, "电话" if replied else None, due, date(2026, 12, 2)) == text
