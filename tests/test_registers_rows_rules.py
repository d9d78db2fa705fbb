"""The rules of the registers' rows (desktop/services/registers/rows.py), one by one.

Every expected value is written out by hand: the periods and their edges, the rows a
register lists and their order, what each column says. Visits and cases are made
straight in the database, so each test holds exactly the rows it is about.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select, update

from desktop.db import Database
from desktop.models import (
    Agreement,
    CaseParty,
    Category,
    Community,
    FollowUp,
    Grid,
    MediationCase,
    Person,
    Referral,
    Room,
    Staff,
    Visit,
    VisitReply,
    case_mediator,
)
from desktop.services.errors import ValidationError
from desktop.services.registers import rows
from desktop.services.registers.rows import (
    Period,
    count_disputes,
    count_visits,
    dispute_register_rows,
    format_follow_up,
    format_parties,
    id_check_text,
    latest_follow_ups,
    referral_outcome,
    reply_text,
    visit_register_rows,
)
from tests.factories import id_number
from tests.mediation_helpers import make_case, person

# -- Period ------------------------------------------------------------------------------

OUT_OF_RANGE = "日期（起始和截止）应在1900年至2100年之间"


@pytest.mark.parametrize(("start", "end"), [
    (date(1899, 12, 31), date(1900, 1, 1)),  # the start out of range
    (date(2100, 12, 31), date(2101, 1, 1)),  # the end out of range
])
def test_a_period_refuses_a_day_outside_1900_to_2100(start: date, end: date) -> None:
    with pytest.raises(ValidationError) as refused:
        Period(start, end)
    assert refused.value.errors == {"period": OUT_OF_RANGE}


def test_a_period_takes_the_first_and_last_day_of_the_range_and_a_single_day() -> None:
    assert Period(date(1900, 1, 1), date(2100, 12, 31)).days == 73_414
    one = Period(date(2026, 11, 5), date(2026, 11, 5))
    assert (one.start, one.end, one.days) == (date(2026, 11, 5), date(2026, 11, 5), 1)


def test_a_period_refuses_an_end_before_its_start() -> None:
    with pytest.raises(ValidationError) as refused:
        Period(date(2026, 11, 5), date(2026, 11, 4))
    assert refused.value.errors == {"period": "截止日期不能早于起始日期"}


def test_a_month_runs_from_its_first_to_its_last_day() -> None:
    assert Period.month(2028, 2) == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert Period.month(2027, 2) == Period(date(2027, 2, 1), date(2027, 2, 28))
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.month(2026, 11) == Period(date(2026, 11, 1), date(2026, 11, 30))


def test_a_period_is_parsed_from_iso_days_or_refused_in_chinese() -> None:
    assert Period.parse("2026-11-01", "2026-11-09") == Period(date(2026, 11, 1),
                                                              date(2026, 11, 9))
    for start, end in (("2026/11/01", "2026-11-09"), ("2026-11-01", "2026-11-31")):
        with pytest.raises(ValidationError) as refused:
            Period.parse(start, end)
        assert refused.value.errors == {"period": "日期格式应为 YYYY-MM-DD，如 2026-11-01"}
    with pytest.raises(ValidationError) as refused:
        Period.parse("2026-11-09", "2026-11-01")
    assert refused.value.errors == {"period": "截止日期不能早于起始日期"}


def test_a_period_starts_at_midnight_and_ends_before_the_next_midnight() -> None:
    period = Period(date(2028, 2, 28), date(2028, 2, 29))
    assert period.starts_at == datetime(2028, 2, 28, 0, 0)
    assert period.ends_before == datetime(2028, 3, 1, 0, 0)
    assert period.days == 2
    assert Period(date(2026, 12, 31), date(2026, 12, 31)).ends_before == datetime(2027, 1, 1)


@pytest.mark.parametrize(("start", "end", "month"), [
    (date(2026, 11, 1), date(2026, 11, 30), True),
    (date(2028, 2, 1), date(2028, 2, 29), True),
    (date(2026, 11, 2), date(2026, 11, 30), False),  # not from the first
    (date(2026, 11, 1), date(2026, 11, 29), False),  # not to the last
    (date(2027, 2, 1), date(2027, 2, 27), False),
    (date(2026, 10, 1), date(2026, 11, 30), False),  # two months
    (date(2025, 11, 1), date(2026, 11, 30), False),  # same month, another year
    (date(2026, 11, 1), date(2026, 12, 31), False),
])
def test_a_calendar_month_is_exactly_one_whole_month(start: date, end: date,
                                                     month: bool) -> None:
    assert Period(start, end).is_calendar_month is month


def test_the_period_before_a_month_is_the_month_before() -> None:
    assert Period.month(2027, 1).previous() == Period.month(2026, 12)
    assert Period.month(2028, 3).previous() == Period(date(2028, 2, 1), date(2028, 2, 29))
    assert Period.month(2026, 12).previous() == Period.month(2026, 11)
    assert Period.month(2027, 2).previous() == Period.month(2027, 1)


def test_the_period_before_other_days_is_as_many_days_before() -> None:
    week = Period(date(2026, 11, 10), date(2026, 11, 16))
    assert week.previous() == Period(date(2026, 11, 3), date(2026, 11, 9))
    day = Period(date(2026, 3, 1), date(2026, 3, 1))
    assert day.previous() == Period(date(2026, 2, 28), date(2026, 2, 28))
    # A month and a day is no calendar month: 31 days before.
    assert Period(date(2026, 11, 1), date(2026, 12, 1)).previous() == \
        Period(date(2026, 10, 1), date(2026, 10, 31))


def test_the_same_period_last_year() -> None:
    assert Period.month(2028, 2).last_year() == Period(date(2027, 2, 1), date(2027, 2, 28))
    assert Period.month(2027, 1).last_year() == Period.month(2026, 1)
    # Days that are no calendar month: the same days one year earlier, 29 Feb as 28 Feb.
    assert Period(date(2028, 2, 29), date(2028, 3, 5)).last_year() == \
        Period(date(2027, 2, 28), date(2027, 3, 5))
    assert Period(date(2028, 2, 28), date(2028, 2, 29)).last_year() == \
        Period(date(2027, 2, 28), date(2027, 2, 28))
    assert Period(date(2026, 11, 10), date(2026, 11, 16)).last_year() == \
        Period(date(2025, 11, 10), date(2025, 11, 16))


def test_the_day_one_year_before() -> None:
    year_before = rows._year_before
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert year_before(date(2028, 2, 28)) == date(2027, 2, 28)
    assert year_before(date(2028, 3, 1)) == date(2027, 3, 1)
    assert year_before(date(2027, 2, 28)) == date(2026, 2, 28)


def test_the_label_of_a_period() -> None:
    assert Period.month(2026, 11).label() == "2026年11月"
    assert Period.month(2027, 2).label() == "2027年2月"
    assert Period(date(2026, 11, 3), date(2026, 11, 9)).label() == "2026-11-03 至 2026-11-09"


# -- the columns' small rules ------------------------------------------------------------

def test_how_the_number_was_taken() -> None:
    assert id_check_text(True, "110105198503140011") == "读卡"
    assert id_check_text(True, None) == "读卡"
    assert id_check_text(False, "110105198503140011") == "手工"
    assert id_check_text(False, None) == ""
    assert id_check_text(False, "") == ""


@pytest.mark.parametrize(("status", "result", "text"), [
    (None, None, ""),
    ("waiting", None, "等候中"),
    ("called", None, "已叫号"),
    ("serving", None, "办理中"),
    ("on_hold", None, "暂缓"),
    ("no_show", None, "未到"),
    ("transferred", None, "已转办"),
    ("done", None, "已办结"),
    ("done", "", "已办结"),
    ("done", "resolved", "已办结"),
    ("done", "case_opened", "转调解立案"),
    ("done", "transferred", "已转办"),
    ("done", "referred_out", "移交部门"),
    ("done", "left", "来访人离开"),
    ("done", "其他结果", "其他结果"),  # a result the register does not know: as saved
    ("on_hold", "case_opened", "暂缓"),  # a result counts only once the ticket is done
    ("新状态", None, "新状态"),
])
def test_the_outcome_of_a_referral(status: str | None, result: str | None, text: str) -> None:
    assert referral_outcome(status, result) == text


def test_a_reply_without_a_way_given_shows_its_day_only() -> None:
    assert reply_text(datetime(2026, 11, 20, 9, 0), None, None, date(2026, 12, 2)) == \
        "2026-11-20"
    assert reply_text(datetime(2026, 11, 21, 0, 0), "", date(2026, 11, 20),
                      date(2026, 12, 2)) == "2026-11-21（超时限）"


def test_the_parties_column() -> None:
    assert format_parties(["甲", "乙"], ["丙"]) == "申请人：甲、乙\n被申请人：丙"
    assert format_parties(["甲"], []) == "申请人：甲"
    assert format_parties([], ["丙", "丁"]) == "被申请人：丙、丁"
    assert format_parties([], []) == ""


def test_the_follow_up_column() -> None:
    done, planned = date(2026, 11, 25), date(2026, 11, 20)
    assert format_follow_up(done, "已履行", "满意", planned) == "已履行，满意（2026-11-25回访）"
    assert format_follow_up(done, "部分履行", None, None) == "部分履行（2026-11-25回访）"
    assert format_follow_up(done, None, "不满意", None) == "不满意（2026-11-25回访）"
    assert format_follow_up(done, None, None, None) == "已回访（2026-11-25）"
    assert format_follow_up(done, "", "", None) == "已回访（2026-11-25）"
    assert format_follow_up(None, None, None, planned) == "待回访（计划2026-11-20）"
    assert format_follow_up(None, None, None, None) == ""


# -- the 来访登记台账 ----------------------------------------------------------------------

def _room_id(database: Database, code: str) -> int:
    with database.read() as session:
        return session.scalars(select(Room.id).where(Room.code == code)).one()


def _visit(database: Database, n: int, at: datetime, *, room: str | None = "mediation",
           **values: object) -> int:
    """A visit of person n at ``at`` (no. V-n), with a waiting ticket to ``room``; its id."""
    person_values: dict[str, object] = dict(name=f"来访人{n}", id_number=id_number(n),
                                            phone=f"139{n:08d}")
    for key in ("name", "id_number", "phone"):
        if key in values:
            person_values[key] = values.pop(key)
    with database.write() as session:
        resident = Person(**person_values)
        session.add(resident)
        session.flush()
        visit = Visit(visit_no=f"V-{n:04d}", person_id=resident.id, visited_at=at,
                      summary=f"事项{n}", **values)
        session.add(visit)
        session.flush()
        if room is not None:
            room_id = session.scalars(select(Room.id).where(Room.code == room)).one()
            session.add(Referral(visit_id=visit.id, room_id=room_id, ticket_date=at.date(),
                                 ticket_seq=n, ticket_no=f"T{n:03d}", created_at=at))
        return visit.id


def _visit_nos(database: Database, period: Period, community_id: int | None = None
               ) -> list[str]:
    with database.read() as session:
        listed = list(visit_register_rows(session, period, community_id=community_id))
    assert [row.seq for row in listed] == list(range(1, len(listed) + 1))
    return [row.visit_no for row in listed]


NOVEMBER_10_TO_12 = Period(date(2026, 11, 10), date(2026, 11, 12))


def test_the_visit_register_takes_the_first_and_last_minute_of_the_period(
    database: Database,
) -> None:
    _visit(database, 1, datetime(2026, 11, 9, 23, 59, 59))
    _visit(database, 2, datetime(2026, 11, 10, 0, 0))
    _visit(database, 3, datetime(2026, 11, 12, 23, 59, 59))
    _visit(database, 4, datetime(2026, 11, 13, 0, 0))
    gone = _visit(database, 5, datetime(2026, 11, 11, 9, 0))
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == gone)
                        .values(deleted_at=datetime(2026, 11, 11, 10, 0)))
    assert _visit_nos(database, NOVEMBER_10_TO_12) == ["V-0002", "V-0003"]
    with database.read() as session:
        assert count_visits(session, NOVEMBER_10_TO_12) == 2
        assert count_visits(session, Period(date(2026, 11, 9), date(2026, 11, 9))) == 1
        assert count_visits(session, Period(date(2026, 11, 13), date(2026, 11, 13))) == 1
        assert count_visits(session, Period(date(2026, 11, 1), date(2026, 11, 8))) == 0
    assert _visit_nos(database, Period(date(2026, 11, 13), date(2026, 11, 13))) == ["V-0004"]


def test_the_visit_register_of_one_community(database: Database) -> None:
    with database.write() as session:
        east, west = Community(name="东林社区"), Community(name="西林社区")
        session.add_all([east, west])
        session.flush()
        east_id, west_id = east.id, west.id
    _visit(database, 1, datetime(2026, 11, 10, 9, 0), community_id=east_id)
    _visit(database, 2, datetime(2026, 11, 10, 9, 5), community_id=west_id)
    _visit(database, 3, datetime(2026, 11, 10, 9, 10))
    _visit(database, 4, datetime(2026, 11, 10, 9, 15), community_id=east_id)
    assert _visit_nos(database, NOVEMBER_10_TO_12, east_id) == ["V-0001", "V-0004"]
    assert _visit_nos(database, NOVEMBER_10_TO_12) == ["V-0001", "V-0002", "V-0003",
                                                       "V-0004"]
    with database.read() as session:
        assert count_visits(session, NOVEMBER_10_TO_12, community_id=east_id) == 2
        assert count_visits(session, NOVEMBER_10_TO_12, community_id=west_id) == 1
        assert count_visits(session, NOVEMBER_10_TO_12) == 4


def test_the_visit_register_runs_in_visit_order_and_ties_in_registration_order(
    database: Database,
) -> None:
    same = datetime(2026, 11, 11, 9, 30)
    first = _visit(database, 1, same)
    _visit(database, 2, same)
    _visit(database, 3, datetime(2026, 11, 10, 16, 0))  # registered last, visited first
    _visit(database, 4, same)
    # Moved away and back in later transactions: on PostgreSQL the first visit's row (and
    # its entry in the index of visit times) moves to the end, so only the tie-break on the
    # id keeps it first among its equals.
    for moved in (same + timedelta(days=30), same):
        with database.write() as session:
            session.execute(update(Visit).where(Visit.id == first).values(visited_at=moved))
    assert _visit_nos(database, NOVEMBER_10_TO_12) == ["V-0003", "V-0001", "V-0002",
                                                       "V-0004"]


def test_the_visit_register_masks_numbers_unless_revealed(database: Database) -> None:
    _visit(database, 1, datetime(2026, 11, 10, 9, 0), phone="13912345678")
    _visit(database, 2, datetime(2026, 11, 10, 9, 5), id_number=None, phone=None,
           name="无证件人")
    _visit(database, 3, datetime(2026, 11, 10, 9, 10), id_card_read=True,
           phone="010-62345678")
    with database.read() as session:
        masked = list(visit_register_rows(session, NOVEMBER_10_TO_12))
        full = list(visit_register_rows(session, NOVEMBER_10_TO_12, reveal=True))
    number1, number3 = id_number(1), id_number(3)
    assert [(r.id_number_masked, r.id_check, r.phone) for r in masked] == [
        (number1[:6] + "********" + number1[-4:], "手工", "139****5678"),
        ("", "", ""),
        (number3[:6] + "********" + number3[-4:], "读卡", "010****5678"),
    ]
    assert [(r.id_number_masked, r.id_check, r.phone) for r in full] == [
        (number1, "手工", "13912345678"),
        ("", "", ""),
        (number3, "读卡", "010-62345678"),
    ]


def test_the_visit_register_columns_of_place_category_room_and_handler(
    database: Database,
) -> None:
    with database.write() as session:
        east = Community(name="东林社区")
        session.add(east)
        session.flush()
        grid = Grid(community_id=east.id, name="第三网格")
        handler = Staff(name="王调解", role="mediator")
        session.add_all([grid, handler])
        session.flush()
        east_id, grid_id, handler_id = east.id, grid.id, handler.id
        neighbours = session.scalars(select(Category.id).where(Category.name == "邻里")).one()
    at = datetime(2026, 11, 10, 9, 0)
    _visit(database, 1, at, community_id=east_id, grid_id=grid_id, category_id=neighbours,
           source="来信", headcount=3)
    _visit(database, 2, at + timedelta(minutes=1), community_id=east_id, room=None, source="")
    third = _visit(database, 3, at + timedelta(minutes=2), headcount=0)
    with database.write() as session:
        first = session.scalars(select(Visit.id).where(Visit.visit_no == "V-0001")).one()
        # The first visit went on to the window (a later ticket, made before in time).
        window = session.scalars(select(Room.id).where(Room.code == "window")).one()
        session.add(Referral(visit_id=first, room_id=window, ticket_date=at.date(),
                             ticket_seq=90, ticket_no="综-090", status="done",
                             result="referred_out", handled_by_id=handler_id,
                             created_at=at - timedelta(hours=1)))
        session.execute(update(Referral).where(Referral.visit_id == third)
                        .values(status="serving", handled_by_id=handler_id))
    with database.read() as session:
        listed = list(visit_register_rows(session, NOVEMBER_10_TO_12))
    assert [(r.community_grid, r.category, r.source, r.headcount, r.room, r.result,
             r.handler) for r in listed] == [
        ("东林社区／第三网格", "邻里", "来信", 3, "综合受理窗口", "移交部门", "王调解"),
        ("东林社区", "", "", 1, "", "", ""),
        ("", "", "来访", 1, "矛盾纠纷调解室", "办理中", "王调解"),
    ]
    assert [(r.name, r.summary, r.visited_at) for r in listed] == [
        ("来访人1", "事项1", at), ("来访人2", "事项2", at + timedelta(minutes=1)),
        ("来访人3", "事项3", at + timedelta(minutes=2)),
    ]


def test_the_visit_register_counts_each_categorys_time_limit_in_working_days(
    database: Database,
) -> None:
    with database.write() as session:
        three = Category(name="三日办结", time_limit_days=3)
        five = Category(name="五日办结", time_limit_days=5)
        session.add_all([three, five])
        session.flush()
        three_id, five_id = three.id, five.id
    friday = datetime(2026, 11, 13, 9, 0)  # 2026-11-13 is a Friday
    assert friday.weekday() == 4
    _visit(database, 1, friday, category_id=three_id)
    _visit(database, 2, friday + timedelta(hours=1), category_id=five_id)
    _visit(database, 3, friday + timedelta(hours=2), category_id=three_id)
    replied = _visit(database, 4, friday + timedelta(hours=3), category_id=three_id)
    _visit(database, 5, datetime(2026, 11, 16, 9, 0), category_id=three_id)  # Monday
    _visit(database, 6, friday + timedelta(hours=4))  # no category, no time limit
    with database.write() as session:
        session.add(VisitReply(visit_id=replied, method="电话",
                               replied_at=datetime(2026, 11, 19, 8, 0), content="已答复"))
    with database.read() as session:
        listed = list(visit_register_rows(session, Period(date(2026, 11, 13),
                                                           date(2026, 11, 16))))
    # Three working days after Friday: Mon 16, Tue 17, Wed 18; five: Fri 20.
    assert [(r.visit_no, r.due_on, r.reply) for r in listed] == [
        ("V-0001", date(2026, 11, 18), "未回复（超时限）"),
        ("V-0002", date(2026, 11, 20), "未回复（超时限）"),
        ("V-0003", date(2026, 11, 18), "未回复（超时限）"),
        ("V-0004", date(2026, 11, 18), "2026-11-19电话（超时限）"),
        ("V-0006", None, "未回复"),
        ("V-0005", date(2026, 11, 19), "未回复（超时限）"),
    ]


# -- the 矛盾纠纷排查化解台账 ---------------------------------------------------------------

def _case(database: Database, accepted_on: date, n: int = 1) -> int:
    return make_case(database, accepted_on=accepted_on,
                     parties=[person(n), person(n + 1, "被申请人")]).case_id


def _case_nos(database: Database, period: Period) -> list[str]:
    with database.read() as session:
        listed = list(dispute_register_rows(session, period))
    assert [row.seq for row in listed] == list(range(1, len(listed) + 1))
    return [row.case_no for row in listed]


def _case_no(database: Database, case_id: int) -> str:
    with database.read() as session:
        return session.scalars(select(MediationCase.case_no)
                               .where(MediationCase.id == case_id)).one()


def test_the_dispute_register_takes_the_first_and_last_day_and_leaves_removed_cases_out(
    database: Database,
) -> None:
    before = _case(database, date(2026, 11, 9))
    first = _case(database, date(2026, 11, 10))
    last = _case(database, date(2026, 11, 12))
    after = _case(database, date(2026, 11, 13))
    gone = _case(database, date(2026, 11, 11))
    with database.write() as session:
        session.execute(update(MediationCase).where(MediationCase.id == gone)
                        .values(deleted_at=datetime(2026, 11, 20, 9, 0)))
    assert _case_nos(database, NOVEMBER_10_TO_12) == [_case_no(database, first),
                                                      _case_no(database, last)]
    with database.read() as session:
        assert count_disputes(session, NOVEMBER_10_TO_12) == 2
        assert count_disputes(session, Period(date(2026, 11, 9), date(2026, 11, 9))) == 1
        assert count_disputes(session, Period(date(2026, 11, 13), date(2026, 11, 13))) == 1
        assert count_disputes(session, Period(date(2026, 11, 1), date(2026, 11, 8))) == 0
    assert _case_nos(database, Period(date(2026, 11, 9), date(2026, 11, 9))) == \
        [_case_no(database, before)]
    assert _case_nos(database, Period(date(2026, 11, 13), date(2026, 11, 13))) == \
        [_case_no(database, after)]


def test_the_dispute_register_runs_in_order_of_acceptance_then_case_number(
    database: Database, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rows, "STREAM_BATCH", 2)  # the numbering runs on across batches
    later = _case(database, date(2026, 11, 12), 1)  # numbered first, accepted last
    a = _case(database, date(2026, 11, 11), 3)
    b = _case(database, date(2026, 11, 11), 5)
    c = _case(database, date(2026, 11, 11), 7)
    d = _case(database, date(2026, 11, 10), 9)
    with database.write() as session:
        # Numbers given out of order: b before a by number, c of the year before.
        seqs = {i: session.scalars(select(MediationCase.seq).where(MediationCase.id == i))
                .one() for i in (a, b)}
        session.execute(update(MediationCase).where(MediationCase.id == a)
                        .values(seq=900))
        session.execute(update(MediationCase).where(MediationCase.id == b)
                        .values(seq=seqs[a]))
        session.execute(update(MediationCase).where(MediationCase.id == a)
                        .values(seq=seqs[b]))
        session.execute(update(MediationCase).where(MediationCase.id == c)
                        .values(year=2025, seq=950))
    assert _case_nos(database, NOVEMBER_10_TO_12) == [
        _case_no(database, i) for i in (d, c, b, a, later)]


def test_the_dispute_register_lists_parties_in_their_order_and_mediators_by_staff(
    database: Database,
) -> None:
    case_id = make_case(database, accepted_on=date(2026, 11, 10), parties=[
        person(1), person(2), person(3, "被申请人"), person(4, "被申请人"),
    ]).case_id
    other = _case(database, date(2026, 11, 11), 7)
    with database.write() as session:
        ids = {p.name: p.id for p in session.scalars(
            select(CaseParty).where(CaseParty.case_id == case_id))}
        # 当事人2 moved before 当事人1; 当事人3 and 4 share a position (the id decides).
        for name, position in (("当事人1", 5), ("当事人2", 1), ("当事人3", 7),
                               ("当事人4", 7)):
            session.execute(update(CaseParty).where(CaseParty.id == ids[name])
                            .values(position=position))
        session.execute(update(CaseParty).where(CaseParty.id == ids["当事人3"])
                        .values(occupation="退休"))  # moves to the end on PostgreSQL
        high = Staff(name="后来调解员", role="mediator")
        session.add(high)
        session.flush()
        low = session.execute(select(case_mediator.c.staff_id)
                              .where(case_mediator.c.case_id == case_id)).scalars().all()
        # The case's mediators stored highest staff id first.
        session.execute(delete(case_mediator).where(case_mediator.c.case_id == case_id))
        for staff_id in [high.id, *sorted(low, reverse=True)]:
            session.execute(insert(case_mediator).values(case_id=case_id, staff_id=staff_id))
        names = {i: name for i, name in session.execute(select(Staff.id, Staff.name))}
        expected_mediators = "、".join(names[i] for i in sorted([*low, high.id]))
        session.execute(delete(case_mediator).where(case_mediator.c.case_id == other))
    with database.write() as session:  # the lower ids move to the end on PostgreSQL
        session.execute(update(Staff).where(Staff.id.in_(low)).values(phone="010-62345678"))
    with database.read() as session:
        first, second = dispute_register_rows(session, NOVEMBER_10_TO_12)
    assert first.parties == "申请人：当事人2、当事人1\n被申请人：当事人3、当事人4"
    assert first.mediators == expected_mediators
    assert second.parties == "申请人：当事人7\n被申请人：当事人8"
    assert second.mediators == ""


def test_the_dispute_register_outcome_amount_and_category(database: Database) -> None:
    days = [date(2026, 11, 10) + timedelta(days=i // 3) for i in range(6)]
    ids = [_case(database, day, 10 + 2 * i) for i, day in enumerate(days)]
    written, oral, bare, failed, stopped, open_ = ids
    closed = date(2026, 11, 20)
    with database.write() as session:
        category = session.scalars(select(Category.id).where(Category.name == "物业")).one()
        for case_id, outcome in ((written, "调解成功"), (oral, "调解成功"),
                                 (bare, "调解成功"), (failed, "调解不成功"),
                                 (stopped, "终止调解")):
            session.execute(update(MediationCase).where(MediationCase.id == case_id)
                            .values(outcome=outcome, closed_on=closed))
        session.execute(update(MediationCase).where(MediationCase.id == written)
                        .values(category_id=category))
        session.add_all([
            Agreement(case_id=written, kind="written", amount=Decimal("12500.50")),
            Agreement(case_id=oral, kind="oral", amount=Decimal("800")),
            Agreement(case_id=failed, kind="written", amount=Decimal("300")),
            Agreement(case_id=open_, kind="written", amount=Decimal("99")),
        ])
    with database.read() as session:
        listed = list(dispute_register_rows(session, Period(date(2026, 11, 10),
                                                            date(2026, 11, 11))))
    assert [(r.outcome, r.agreement_amount, r.closed_on, r.category) for r in listed] == [
        ("调解成功（书面协议）", Decimal("12500.50"), closed, "物业"),
        ("调解成功（口头协议）", Decimal("800"), closed, ""),
        ("调解成功", None, closed, ""),
        ("调解不成功", None, closed, ""),
        ("终止调解", None, closed, ""),
        ("调解中", None, None, ""),
    ]
    assert [r.accepted_on for r in listed] == days
    assert listed[0].facts == "楼上装修噪音扰民，双方多次协商未果。"


def _follow_up(session: object, case_id: int, planned: date, done: date | None = None,
               performance: str | None = None, satisfaction: str | None = None) -> int:
    row = FollowUp(case_id=case_id, planned_on=planned, done_on=done, performance=performance,
                   satisfaction=satisfaction)
    session.add(row)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    return row.id


def test_the_follow_up_column_shows_the_last_made_or_else_the_first_planned(
    database: Database,
) -> None:
    made, planned_only, tie, same_day, none = (
        _case(database, date(2026, 11, 10), n) for n in (1, 3, 5, 7, 9))
    with database.write() as session:
        # Planned in one order, made in the other: the last made wins.
        _follow_up(session, made, date(2026, 11, 12), date(2026, 11, 25), "已履行", "满意")
        _follow_up(session, made, date(2026, 11, 20), date(2026, 11, 22), "未履行", "不满意")
        _follow_up(session, made, date(2026, 11, 10))  # planned first, never made
        # None made: the earliest planned, whatever the order they were entered in.
        _follow_up(session, planned_only, date(2026, 11, 28))
        _follow_up(session, planned_only, date(2026, 11, 26))
        _follow_up(session, planned_only, date(2026, 11, 27))
        # Made the same day: the one planned later wins, though entered first.
        _follow_up(session, same_day, date(2026, 11, 21), date(2026, 11, 24), "已履行", "满意")
        _follow_up(session, same_day, date(2026, 11, 14), date(2026, 11, 24), "未履行", None)
        # Planned and made the same days: the one entered last wins.
        first = _follow_up(session, tie, date(2026, 11, 15), date(2026, 11, 23),
                           "部分履行", None)
        _follow_up(session, tie, date(2026, 11, 15), date(2026, 11, 23), "已履行", "基本满意")
    with database.write() as session:  # moves to the end of the table on PostgreSQL
        session.execute(update(FollowUp).where(FollowUp.id == first).values(notes="补记"))
    with database.read() as session:
        listed = list(dispute_register_rows(session, NOVEMBER_10_TO_12))
        found = latest_follow_ups(session, [made, planned_only, tie, same_day, none])
        assert latest_follow_ups(session, []) == {}
        assert latest_follow_ups(session, [planned_only, none]) == {
            planned_only: (None, None, None, date(2026, 11, 26))}
    assert [r.follow_up for r in listed] == [
        "已履行，满意（2026-11-25回访）",
        "待回访（计划2026-11-26）",
        "已履行，基本满意（2026-11-23回访）",
        "已履行，满意（2026-11-24回访）",
        "",
    ]
    assert found == {
        made: (date(2026, 11, 25), "已履行", "满意", None),
        planned_only: (None, None, None, date(2026, 11, 26)),
        tie: (date(2026, 11, 23), "已履行", "基本满意", None),
        same_day: (date(2026, 11, 24), "已履行", "满意", None),
    }


def test_an_empty_period_has_empty_registers(database: Database) -> None:
    _visit(database, 1, datetime.combine(date(2026, 11, 9), time(12, 0)))
    _case(database, date(2026, 11, 9))
    with database.read() as session:
        assert list(visit_register_rows(session, NOVEMBER_10_TO_12)) == []
        assert list(dispute_register_rows(session, NOVEMBER_10_TO_12)) == []
        assert count_visits(session, NOVEMBER_10_TO_12) == 0
        assert count_disputes(session, NOVEMBER_10_TO_12) == 0
