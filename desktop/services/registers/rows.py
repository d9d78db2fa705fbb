"""The rows of the registers (台账), streamed from the database as plain tuples.

Each register is a pair of functions: ``count_*(session, period)`` and
``*_rows(session, period)`` yielding named tuples in print order. They select
plain columns with joins and stream them (``yield_per``; a server-side cursor
on PostgreSQL), so a register of a million visits never builds ORM objects.

The 矛盾纠纷排查化解台账 streams the cases the same way and looks up their
parties, mediators and follow-ups once per batch of cases.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

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
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.closure.workdays import Calendar
from desktop.services.errors import ValidationError
from desktop.services.validation import date_error, mask_id_number, mask_phone

# Rows fetched per round trip. Kept small on purpose: a batch of a few hundred
# rows stays below the garbage collector's generation-0 threshold (700 live
# allocations), so streaming a register triggers almost no collections. With
# 2000-row batches every batch was promoted to the oldest generation and full
# collections froze the window for 100-160 ms at a time during an export.
STREAM_BATCH = 100

# Status of a referral (and, when done, its result) as the register prints it.
REFERRAL_STATUS_TEXT = {
    "waiting": "等候中",
    "called": "已叫号",
    "serving": "办理中",
    "on_hold": "暂缓",
    "no_show": "未到",
    "transferred": "已转办",
    "done": "已办结",
}
REFERRAL_RESULT_TEXT = {
    "resolved": "已办结",
    "case_opened": "转调解立案",
    "transferred": "已转办",
    "referred_out": "移交部门",
    "left": "来访人离开",
}
# 核验方式 of a visit's 证件号码: read off the card by the desk's reader, or typed.
ID_CHECK_CARD = "读卡"
ID_CHECK_TYPED = "手工"


def id_check_text(card_read: bool, id_number: str | None) -> str:
    """How the visit's number was taken: 读卡 or 手工 (nothing for a visit without one)."""
    if card_read:
        return ID_CHECK_CARD
    return ID_CHECK_TYPED if id_number else ""


# Statuses after which the room has nothing more to do with the referral.
FINISHED_STATUSES = ("done", "transferred", "no_show")


def referral_outcome(status: str | None, result: str | None) -> str:
    """The 办理结果 of a referral in Chinese (``""`` for a visit without one)."""
    if status is None:
        return ""
    if status == "done" and result:
        return REFERRAL_RESULT_TEXT.get(result, result)
    return REFERRAL_STATUS_TEXT.get(status, status)


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            message = date_error(value, "日期（起始和截止）")
            if message:
                raise ValidationError({"period": message})
        if self.end < self.start:
            raise ValidationError({"period": "截止日期不能早于起始日期"})

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError as exc:
            raise ValidationError({"period": "日期格式应为 YYYY-MM-DD，如 2026-11-01"}) from exc
        return cls(first, last)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period (bounds are ``>= starts_at`` and ``< ends_before``)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_calendar_month(self) -> bool:
        return (self.start.day == 1 and self.start.year == self.end.year
                and self.start.month == self.end.month
                and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1])

    def previous(self) -> Period:
        """The period a 环比 compares with: the month before, or as many days before."""
        if self.is_calendar_month:
            year, month = (self.start.year, self.start.month - 1) if self.start.month > 1 \
                else (self.start.year - 1, 12)
            return Period.month(year, month)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> Period:
        """The period a 同比 compares with: the same days one year earlier."""
        if self.is_calendar_month:
            return Period.month(self.start.year - 1, self.start.month)
        return Period(_year_before(self.start), _year_before(self.end))

    def label(self) -> str:
        if self.is_calendar_month:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# -- 来访登记台账 -------------------------------------------------------------------------

class VisitRegisterRow(NamedTuple):
    seq: int
    visited_at: datetime
    visit_no: str
    name: str
    id_number_masked: str  # masked unless the export was revealed (see ``reveal``)
    id_check: str  # 核验方式: 读卡 (read off the card), 手工 (typed), "" (no number)
    phone: str  # masked the same way
    community_grid: str
    category: str
    source: str
    headcount: int
    summary: str
    room: str
    result: str
    handler: str
    due_on: date | None = None  # the category's 服务时限 from the visit day, in working days
    reply: str = ""  # when and how the resident was told, or 未回复; past the limit marked


REPLY_LATE = "（超时限）"


def reply_text(replied_at: datetime | None, method: str | None, due: date | None,
               today: date) -> str:
    """The 回复 column: the reply's day and way, or 未回复; past the 服务时限 marked."""
    if replied_at is not None:
        late = due is not None and replied_at.date() > due
        return f"{replied_at:%Y-%m-%d}{method or ''}" + (REPLY_LATE if late else "")
    return "未回复" + (REPLY_LATE if due is not None and today > due else "")


def _latest_referral_id():  # type: ignore[no-untyped-def]
    inner = aliased(Referral)
    return (
        select(func.max(inner.id)).where(inner.visit_id == Visit.id)
        .correlate(Visit).scalar_subquery()
    )


def _visit_filter(stmt: Select, period: Period, community_id: int | None) -> Select:
    stmt = stmt.where(Visit.visited_at >= period.starts_at, Visit.visited_at < period.ends_before,
                      Visit.deleted_at.is_(None))
    if community_id is not None:
        stmt = stmt.where(Visit.community_id == community_id)
    return stmt


def count_visits(session: Session, period: Period, *, community_id: int | None = None) -> int:
    stmt = _visit_filter(select(func.count(Visit.id)), period, community_id)
    return int(session.scalar(stmt) or 0)


def visit_register_rows(
    session: Session, period: Period, *, community_id: int | None = None,
    reveal: bool = False,
) -> Iterator[VisitRegisterRow]:
    """Every visit of ``period`` in visit order, as the 来访登记台账 prints it.

    身份证号 and phone are masked unless ``reveal`` (which needs ``personal.reveal``);
    a counselling visit's summary is for counsellors only.
    """
    if reveal:
        auth.require(session, "personal.reveal")
    readable = privacy.may_read_counselling(session)
    handler = aliased(Staff)
    stmt = (
        select(
            Visit.visited_at, Visit.visit_no, Person.name, Person.id_number,
            Visit.id_card_read, Person.phone, Community.name, Grid.name, Category.name,
            Visit.source, Visit.headcount,
            Visit.summary, Room.name, Referral.status, Referral.result, handler.name,
            privacy.went_to_counselling(), Category.time_limit_days, VisitReply.replied_at,
            VisitReply.method,
        )
        .select_from(Visit)
        .join(Person, Person.id == Visit.person_id)
        .outerjoin(Community, Community.id == Visit.community_id)
        .outerjoin(Grid, Grid.id == Visit.grid_id)
        .outerjoin(Category, Category.id == Visit.category_id)
        .outerjoin(Referral, Referral.id == _latest_referral_id())
        .outerjoin(Room, Room.id == Referral.room_id)
        .outerjoin(handler, handler.id == Referral.handled_by_id)
        .outerjoin(VisitReply, VisitReply.visit_id == Visit.id)
        .order_by(Visit.visited_at, Visit.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    stmt = _visit_filter(stmt, period, community_id)
    calendar = Calendar.load(session)
    due_dates: dict[tuple[date, int], date] = {}  # a few hundred distinct sums in a year
    today = date.today()
    for seq, row in enumerate(session.execute(stmt), 1):
        (visited_at, visit_no, name, id_number, card_read, phone, community, grid, category,
         source, headcount, summary, room, status, result, handler_name,
         counselling, limit, replied_at, method) = tuple[Any, ...](row)
        due = None
        if limit is not None:
            key = (visited_at.date(), limit)
            due = due_dates.get(key)
            if due is None:
                due = due_dates[key] = calendar.add_working_days(*key)
        yield VisitRegisterRow(
            seq, visited_at, visit_no, name,
            (id_number or "") if reveal else mask_id_number(id_number),
            id_check_text(bool(card_read), id_number),
            (phone or "") if reveal else mask_phone(phone),
            f"{community}／{grid}" if community and grid else (community or ""),
            category or "", source or "", headcount or 1,
            privacy.shown(summary, bool(counselling), readable), room or "",
            referral_outcome(status, result), handler_name or "",
            due, reply_text(replied_at, method, due, today),
        )


# -- 矛盾纠纷排查化解台账 -------------------------------------------------------------------

OPEN_CASE_TEXT = "调解中"
AGREEMENT_KIND_TEXT = {"written": "书面协议", "oral": "口头协议"}
SUCCESS = "调解成功"


class DisputeRegisterRow(NamedTuple):
    """One dispute as the 矛盾纠纷排查化解台账 prints it."""

    seq: int
    case_no: str
    parties: str  # 申请人：…\n被申请人：…
    category: str
    facts: str
    mediators: str
    accepted_on: date
    closed_on: date | None
    outcome: str  # 调解成功（书面协议） / 调解不成功 / 终止调解 / 调解中
    agreement_amount: Decimal | None  # only for 调解成功 with an amount
    follow_up: str  # the latest follow-up: 已履行，满意（2026-11-20） / 待回访（计划…）


def _case_filter(stmt: Select, period: Period) -> Select:
    return stmt.where(MediationCase.accepted_on >= period.start,
                      MediationCase.accepted_on <= period.end,
                      MediationCase.deleted_at.is_(None))


def count_disputes(session: Session, period: Period) -> int:
    """Disputes (调解案件) accepted in ``period``."""
    return int(session.scalar(_case_filter(select(func.count(MediationCase.id)), period)) or 0)


def format_parties(applicants: list[str], respondents: list[str]) -> str:
    lines = []
    if applicants:
        lines.append("申请人：" + "、".join(applicants))
    if respondents:
        lines.append("被申请人：" + "、".join(respondents))
    return "\n".join(lines)


def format_follow_up(done_on: date | None, performance: str | None,
                     satisfaction: str | None, planned_on: date | None) -> str:
    """The latest follow-up as the register prints it (``""`` when there is none)."""
    if done_on is not None:
        said = "，".join(x for x in (performance, satisfaction) if x)
        return f"{said}（{done_on:%Y-%m-%d}回访）" if said else f"已回访（{done_on:%Y-%m-%d}）"
    if planned_on is not None:
        return f"待回访（计划{planned_on:%Y-%m-%d}）"
    return ""


def latest_follow_ups(session: Session, case_ids: list[int]
                      ) -> dict[int, tuple[date | None, str | None, str | None, date | None]]:
    """Per case: the latest follow-up made (done_on, performance, satisfaction, None), or,
    when none was made yet, the earliest one planned (None, None, None, planned_on)."""
    out: dict[int, tuple[date | None, str | None, str | None, date | None]] = {}
    if not case_ids:
        return out
    for case_id, planned, done, performance, satisfaction in session.execute(
        select(FollowUp.case_id, FollowUp.planned_on, FollowUp.done_on, FollowUp.performance,
               FollowUp.satisfaction)
        .where(FollowUp.case_id.in_(case_ids))
        .order_by(FollowUp.case_id, FollowUp.done_on, FollowUp.planned_on, FollowUp.id)
    ):
        if done is not None:
            # Rows come in done_on order, so the last one made wins.
            out[case_id] = (done, performance, satisfaction, None)
        elif case_id not in out:
            # The ones not made yet come in planned_on order, all before the ones made
            # (SQLite sorts NULL first) or all after them (PostgreSQL, last): the first is
            # the earliest planned, and a made one is never replaced by a planned one.
            out[case_id] = (None, None, None, planned)
    return out


def dispute_register_rows(session: Session, period: Period) -> Iterator[DisputeRegisterRow]:
    """Every dispute accepted in ``period``, in order of acceptance (case-number order).

    The cases stream as plain columns; parties, mediators and follow-ups are
    looked up once per batch of cases, never per case.
    """
    stmt = _case_filter(
        select(MediationCase.id, MediationCase.case_no, Category.name, MediationCase.facts,
               MediationCase.accepted_on, MediationCase.closed_on, MediationCase.outcome,
               Agreement.kind, Agreement.amount)
        .select_from(MediationCase)
        .outerjoin(Category, Category.id == MediationCase.category_id)
        .outerjoin(Agreement, Agreement.case_id == MediationCase.id)
        .order_by(MediationCase.accepted_on, MediationCase.year, MediationCase.seq,
                  MediationCase.id)
        .execution_options(yield_per=STREAM_BATCH),
        period,
    )
    seq = 0
    for batch in session.execute(stmt).partitions():
        ids = [row[0] for row in batch]
        parties: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
        for case_id, side, name in session.execute(
            select(CaseParty.case_id, CaseParty.side, CaseParty.name)
            .where(CaseParty.case_id.in_(ids))
            .order_by(CaseParty.case_id, CaseParty.position, CaseParty.id)
        ):
            parties[case_id][0 if side == "申请人" else 1].append(name)
        mediators: dict[int, list[str]] = {}
        for case_id, name in session.execute(
            select(case_mediator.c.case_id, Staff.name)
            .join(Staff, Staff.id == case_mediator.c.staff_id)
            .where(case_mediator.c.case_id.in_(ids))
            .order_by(case_mediator.c.case_id, Staff.id)
        ):
            mediators.setdefault(case_id, []).append(name)
        follow_ups = latest_follow_ups(session, ids)
        for row in batch:
            (case_id, case_no, category, facts, accepted, closed, outcome, kind,
             amount) = tuple[Any, ...](row)
            seq += 1
            success = outcome == SUCCESS
            if success and kind in AGREEMENT_KIND_TEXT:
                outcome_text = f"{SUCCESS}（{AGREEMENT_KIND_TEXT[kind]}）"
            else:
                outcome_text = outcome or OPEN_CASE_TEXT
            follow_up = follow_ups.get(case_id)
            yield DisputeRegisterRow(
                seq, case_no, format_parties(*parties[case_id]), category or "", facts,
                "、".join(mediators.get(case_id, [])), accepted, closed, outcome_text,
                amount if success else None,
                format_follow_up(*follow_up) if follow_up else "",
            )
