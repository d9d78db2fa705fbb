"""移交: matters the centre hands to the police and those the police hand to the centre.

A hand-over is numbered ``2026警联0001`` from the counter ``police:{year}`` in the
recording transaction. It is taken up from a visit routed to the 警民联络室 (the
visit's resident and summary come with it, :mod:`desktop.services.police.routed`) or
typed in directly. The reply (回复) is
due by ``reply_due``; one past it without a reply is overdue. A reply is never dated
before the hand-over, nor in the future. 警调联动 links the hand-over to a mediation
case by its 案号 (the case is only read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import MediationCase, PoliceHandover, Referral, Visit
from desktop.services import numbering, privacy, validation
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.validation import TextField, checked, date_errors, existing
from desktop.services.versions import form_values, loaded, refuse_stale, write_checked

TO_POLICE = "to_police"
FROM_POLICE = "from_police"
DIRECTIONS = {TO_POLICE: "移交公安", FROM_POLICE: "公安移交"}
# The kind of a hand-over, and the direction it goes.
KINDS = {"移交派出所": TO_POLICE, "110非警务警情": FROM_POLICE, "公安移交调解": FROM_POLICE}
REPLY_DAYS = 7  # a reply is asked for within a week unless the form says otherwise
LIST_FILTERS = {"open": "待回复", "overdue": "已超期", "replied": "已回复", "all": "全部"}
BADGE_RE = re.compile(r"^[0-9A-Za-z]{4,12}$")

FIELDS = {
    "kind": TextField(PoliceHandover.kind, "移交类型"),
    "matter": TextField(PoliceHandover.matter, "移交事项"),
    "person_name": TextField(PoliceHandover.person_name, "当事人"),
    "person_phone": TextField(PoliceHandover.person_phone, "当事人电话"),
    "station": TextField(PoliceHandover.station, "派出所"),
    "officer_name": TextField(PoliceHandover.officer_name, "民警姓名"),
    "officer_phone": TextField(PoliceHandover.officer_phone, "民警电话"),
    "officer_badge": TextField(PoliceHandover.officer_badge, "警号"),
    "reply_content": TextField(PoliceHandover.reply_content, "回复内容"),
    "case_no": TextField(MediationCase.case_no, "关联案号"),
}
LABELS = {
    "kind": "移交类型", "handed_at": "移交时间", "matter": "移交事项", "person_name": "当事人",
    "person_phone": "当事人电话", "station": "派出所", "officer_name": "民警姓名",
    "officer_phone": "民警电话", "officer_badge": "警号", "reply_due": "回复期限",
    "reply_on": "回复日期", "reply_content": "回复内容", "case_no": "关联案号",
}


@dataclass
class HandoverInput:
    """A hand-over as the form gives it."""

    kind: str
    matter: str
    handed_at: datetime | None
    station: str
    officer_name: str
    officer_phone: str
    officer_badge: str = ""
    person_name: str = ""
    person_phone: str = ""
    reply_due: date | None = None
    reply_on: date | None = None
    reply_content: str = ""
    case_no: str = ""  # 警调联动: the mediation case, by its 案号
    visit_id: int | None = None
    referral_id: int | None = None


@dataclass(frozen=True)
class HandoverRef:
    handover_id: int
    handover_no: str


@dataclass(frozen=True)
class HandoverRow:
    handover_id: int
    handover_no: str
    direction: str  # 移交公安 / 公安移交
    kind: str
    handed_at: datetime
    person_name: str
    matter: str
    station: str
    officer: str
    reply_due: date | None
    reply_on: date | None
    case_no: str
    overdue: bool


@dataclass(frozen=True)
class HandoverDetail:
    handover_id: int
    handover_no: str
    version: int
    data: HandoverInput
    direction: str
    visit_no: str
    recorded_by: str
    centre_name: str = ""

    @property
    def overdue(self) -> bool:
        return is_overdue(self.data.reply_due, self.data.reply_on, date.today())


def is_overdue(reply_due: date | None, reply_on: date | None, today: date) -> bool:
    return reply_on is None and reply_due is not None and reply_due < today


def format_handover_no(year: int, seq: int) -> str:
    return f"{year}警联{seq:04d}"


# ---------------------------------------------------------------------------
# Checks


def validate(data: HandoverInput, *, now: datetime | None = None) -> dict[str, str]:
    """Why the hand-over cannot be saved, by field (empty when it can)."""
    now = now or datetime.now()
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = "请选择移交类型"
    if not data.matter:
        errors["matter"] = "请填写移交事项"
    if data.handed_at is None:
        errors["handed_at"] = "请填写移交时间"
    if not data.station:
        errors["station"] = "请填写派出所"
    if not data.officer_name:
        errors["officer_name"] = "请填写民警姓名"
    problem = validation.phone_error(data.officer_phone)
    if problem:
        errors["officer_phone"] = problem.replace("联系电话", "民警电话")
    if data.officer_badge and not BADGE_RE.match(data.officer_badge):
        errors["officer_badge"] = "警号应为4至12位数字或字母"
    if data.person_phone:
        problem = validation.phone_error(data.person_phone)
        if problem:
            errors["person_phone"] = problem
    errors.update(date_errors({"handed_at": data.handed_at, "reply_due": data.reply_due,
                               "reply_on": data.reply_on}, LABELS))
    if errors.get("handed_at") is None and data.handed_at is not None:
        if data.handed_at > now + timedelta(minutes=5):
            errors["handed_at"] = "移交时间不能晚于现在"
        handed = data.handed_at.date()
        if data.reply_due is not None and data.reply_due < handed:
            errors.setdefault("reply_due", "回复期限不能早于移交日期")
        if data.reply_on is not None and data.reply_on < handed:
            errors.setdefault("reply_on", "回复日期不能早于移交日期")
    if data.reply_on is not None and data.reply_on > now.date():
        errors.setdefault("reply_on", "回复日期不能晚于今天")
    if data.reply_on is not None and not data.reply_content:
        errors["reply_content"] = "请填写回复内容"
    if data.reply_content and data.reply_on is None:
        errors.setdefault("reply_on", "请填写回复日期")
    for key in ("visit_id", "referral_id"):
        message = validation.id_error(getattr(data, key), "所选来访登记不存在")
        if message:
            errors["visit"] = message
    return errors


def _case_id(session: Session, case_no: str) -> int | None:
    """The mediation case a hand-over is linked to (警调联动), by its 案号."""
    if not case_no:
        return None
    number = case_no.replace("(", "（").replace(")", "）").replace(" ", "")
    found = session.scalar(select(MediationCase.id).where(
        MediationCase.case_no == number, MediationCase.deleted_at.is_(None)))
    if found is None:
        raise ValidationError({"case_no": f"没有案号为 {case_no} 的调解案件"})
    return int(found)


def _apply(session: Session, row: PoliceHandover, data: HandoverInput) -> None:
    row.kind = data.kind
    row.direction = KINDS[data.kind]
    assert data.handed_at is not None
    row.handed_at = data.handed_at.replace(second=0, microsecond=0)
    row.matter = data.matter
    row.person_name = data.person_name or None
    row.person_phone = validation.normalize_phone(data.person_phone) or None
    row.station = data.station
    row.officer_name = data.officer_name
    row.officer_phone = validation.normalize_phone(data.officer_phone)
    row.officer_badge = data.officer_badge or None
    row.reply_due = data.reply_due
    row.reply_on = data.reply_on
    row.reply_content = data.reply_content or None
    row.case_id = _case_id(session, data.case_no)


def _checked(data: HandoverInput) -> HandoverInput:
    data, errors = checked(data, FIELDS, validate)
    if errors:
        raise ValidationError(errors)
    return data


def record_handover(database: Database, data: HandoverInput) -> HandoverRef:
    """Record a new hand-over (numbered in the same transaction)."""
    auth.require(database, "police.edit")
    data = _checked(data)
    assert data.handed_at is not None
    if data.reply_due is None:
        data.reply_due = data.handed_at.date() + timedelta(days=REPLY_DAYS)
    with database.write() as session:
        if data.visit_id is not None:
            existing(session, Visit, data.visit_id, "所选来访登记不存在", field="visit")
        if data.referral_id is not None:
            existing(session, Referral, data.referral_id, "所选来访登记不存在", field="visit")
        year = data.handed_at.year
        seq = numbering.next_value(session, f"police:{year}")
        row = PoliceHandover(handover_no=format_handover_no(year, seq), year=year, seq=seq,
                             visit_id=data.visit_id, referral_id=data.referral_id,
                             recorded_by_id=auth.acting_staff_id(session))
        _apply(session, row, data)
        session.add(row)
        session.flush()
        return HandoverRef(row.id, row.handover_no)


def _values(session: Session, row: PoliceHandover) -> dict[str, str]:
    case_no = session.scalar(select(MediationCase.case_no).where(
        MediationCase.id == row.case_id)) if row.case_id else ""
    return form_values(row, LABELS, case_no=case_no or "")


def update_handover(database: Database, handover_id: int, data: HandoverInput, *,
                    version: int) -> None:
    """Save the form loaded at ``version`` (the reply, the link to a case, corrections)."""
    auth.require(database, "police.edit")
    data = _checked(data)

    def work(session: Session) -> None:
        row = session.get(PoliceHandover, handover_id, with_for_update=True) \
            if validation.valid_id(handover_id) else None
        if row is None:
            raise NotFoundError("没有找到该移交记录")
        found = loaded(row)
        before = _values(session, row)
        if data.matter == privacy.CONFIDENTIAL_TEXT:  # the form showed the mark, not the text
            data.matter = row.matter
        _apply(session, row, data)
        refuse_stale("移交记录", found, version, before, _values(session, row), LABELS)

    write_checked(database, "移交记录", work)


# ---------------------------------------------------------------------------
# Reading


def _list_filter(stmt: Any, status: str, today: date) -> Any:
    if status == "open":
        return stmt.where(PoliceHandover.reply_on.is_(None))
    if status == "overdue":
        return stmt.where(PoliceHandover.reply_on.is_(None), PoliceHandover.reply_due < today)
    if status == "replied":
        return stmt.where(PoliceHandover.reply_on.is_not(None))
    return stmt


def handover_list(session: Session, *, status: str = "open", search: str = "",
                  today: date | None = None, limit: int = 500) -> list[HandoverRow]:
    """Hand-overs, newest first; overdue ones flagged. Search: 编号, 当事人, 派出所, 民警."""
    auth.require(session, "police.read")
    today = today or date.today()
    stmt = (select(PoliceHandover, MediationCase.case_no)
            .outerjoin(MediationCase, MediationCase.id == PoliceHandover.case_id))
    stmt = _list_filter(stmt, status, today)
    text = validation.clean_text(search)[:64]
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(PoliceHandover.handover_no.like(like),
                              PoliceHandover.person_name.like(like),
                              PoliceHandover.station.like(like),
                              PoliceHandover.officer_name.like(like)))
    stmt = stmt.order_by(PoliceHandover.handed_at.desc(), PoliceHandover.id.desc()).limit(limit)
    found = session.execute(stmt).all()
    hidden = privacy.counselling_visit_ids(
        session, [h.visit_id for h, _c in found if h.visit_id is not None])
    readable = privacy.may_read_counselling(session)
    return [HandoverRow(h.id, h.handover_no, DIRECTIONS[h.direction], h.kind, h.handed_at,
                        h.person_name or "", privacy.shown(h.matter, h.visit_id in hidden,
                                                           readable),
                        h.station, h.officer_name, h.reply_due, h.reply_on, case_no or "",
                        is_overdue(h.reply_due, h.reply_on, today))
            for h, case_no in found]


def handover_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    auth.require(session, "police.read")
    return open_counts(session, today=today)


def open_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Hand-overs waiting for the police's reply, overdue, replied: counts only, nothing
    personal, so the dashboard (统计) reads them without the room's own permission."""
    today = today or date.today()
    pending = PoliceHandover.reply_on.is_(None)
    open_, overdue, replied = session.execute(select(
        func.count().filter(pending),
        func.count().filter(pending, PoliceHandover.reply_due < today),
        func.count().filter(~pending),
    ).select_from(PoliceHandover)).one()
    return {"open": int(open_), "overdue": int(overdue), "replied": int(replied)}


def handover_detail(session: Session, handover_id: int) -> HandoverDetail:
    """One hand-over for its form and its printed 移交单 / 回执."""
    auth.require(session, "police.read")
    row = existing(session, PoliceHandover, handover_id, "没有找到该移交记录")
    hidden = (row.visit_id is not None
              and bool(privacy.counselling_visit_ids(session, [row.visit_id]))
              and not privacy.may_read_counselling(session))
    data = HandoverInput(
        kind=row.kind, matter=privacy.shown(row.matter, hidden, False), handed_at=row.handed_at,
        station=row.station, officer_name=row.officer_name, officer_phone=row.officer_phone,
        officer_badge=row.officer_badge or "", person_name=row.person_name or "",
        person_phone=row.person_phone or "", reply_due=row.reply_due, reply_on=row.reply_on,
        reply_content=row.reply_content or "",
        case_no=row.case.case_no if row.case is not None else "",
        visit_id=row.visit_id, referral_id=row.referral_id,
    )
    return HandoverDetail(
        row.id, row.handover_no, row.version, data, DIRECTIONS[row.direction],
        row.visit.visit_no if row.visit is not None else "",
        row.recorded_by.name if row.recorded_by is not None else "",
        load_settings(session).centre_name,
    )
