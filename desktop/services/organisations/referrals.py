"""转介: residents referred to an organisation, the service delivered and their feedback.

A referral is taken up from a visit routed to the 社会组织工作室 (the resident comes
with it) or typed in. It is due by ``due_on`` (``DUE_DAYS`` after the referral unless
the form says otherwise); one still pending past it is overdue. The service is never
delivered before the referral nor in the future, and feedback follows the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import OrganisationReferral, Referral, SocialOrganisation, Visit
from desktop.services import privacy, routing, validation
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.organisations import SOCIAL_ROOM, require
from desktop.services.routing import RoutedVisit
from desktop.services.validation import TextField, checked, date_errors, existing
from desktop.services.versions import form_values, loaded, refuse_stale, write_checked

DUE_DAYS = 15
OPEN_REFERRAL_STATES = ["waiting", "called", "serving", "on_hold"]
PENDING_DAYS = 30
LIST_FILTERS = {"pending": "待服务", "overdue": "已超期", "delivered": "已服务", "all": "全部"}
FIELDS = {
    "person_name": TextField(OrganisationReferral.person_name, "姓名"),
    "person_phone": TextField(OrganisationReferral.person_phone, "联系电话"),
    "service_asked": TextField(OrganisationReferral.service_asked, "服务需求"),
    "delivered": TextField(OrganisationReferral.delivered, "服务内容"),
    "feedback": TextField(OrganisationReferral.feedback, "反馈"),
}
LABELS = {"organisation_id": "社会组织", "person_name": "姓名", "person_phone": "联系电话",
          "referred_on": "转介日期", "service_asked": "服务需求", "due_on": "办理期限",
          "delivered_on": "服务日期", "delivered": "服务内容", "feedback": "反馈"}


@dataclass
class ReferralInput:
    organisation_id: int | None
    person_name: str
    referred_on: date | None
    service_asked: str
    person_phone: str = ""
    due_on: date | None = None
    delivered_on: date | None = None
    delivered: str = ""
    feedback: str = ""
    visit_id: int | None = None
    referral_id: int | None = None


@dataclass(frozen=True)
class ReferralRow:
    referral_id: int
    version: int
    organisation: str
    data: ReferralInput
    overdue: bool


def is_overdue(due_on: date | None, delivered_on: date | None, today: date) -> bool:
    return delivered_on is None and due_on is not None and due_on < today


def validate(data: ReferralInput, *, today: date | None = None) -> dict[str, str]:
    today = today or date.today()
    errors: dict[str, str] = {}
    if data.organisation_id is None:
        errors["organisation"] = "请选择社会组织"
    elif not validation.valid_id(data.organisation_id):
        errors["organisation"] = "所选社会组织不存在"
    if not data.person_name:
        errors["person_name"] = "请填写被转介人姓名"
    if data.person_phone:
        problem = validation.phone_error(data.person_phone)
        if problem:
            errors["person_phone"] = problem
    if not data.service_asked:
        errors["service_asked"] = "请填写服务需求"
    if data.referred_on is None:
        errors["referred_on"] = "请填写转介日期"
    errors.update(date_errors({"referred_on": data.referred_on, "due_on": data.due_on,
                               "delivered_on": data.delivered_on}, LABELS))
    if data.referred_on is not None and "referred_on" not in errors:
        if data.referred_on > today:
            errors["referred_on"] = "转介日期不能晚于今天"
        if data.due_on is not None and data.due_on < data.referred_on:
            errors.setdefault("due_on", "办理期限不能早于转介日期")
        if data.delivered_on is not None and data.delivered_on < data.referred_on:
            errors.setdefault("delivered_on", "服务日期不能早于转介日期")
    if data.delivered_on is not None and data.delivered_on > today:
        errors.setdefault("delivered_on", "服务日期不能晚于今天")
    if data.delivered_on is not None and not data.delivered:
        errors["delivered"] = "请填写提供的服务内容"
    if data.delivered and data.delivered_on is None:
        errors.setdefault("delivered_on", "请填写服务日期")
    if data.feedback and data.delivered_on is None:
        errors["feedback"] = "服务完成后才能填写反馈"
    for key in ("visit_id", "referral_id"):
        message = validation.id_error(getattr(data, key), "所选来访登记不存在")
        if message:
            errors["visit"] = message
    return errors


def _checked(data: ReferralInput) -> ReferralInput:
    data, errors = checked(data, FIELDS, validate)
    if errors:
        raise ValidationError(errors)
    assert data.referred_on is not None
    if data.due_on is None:  # a new referral's or a saved one's: never left without a day
        data.due_on = data.referred_on + timedelta(days=DUE_DAYS)
    return data


def _apply(row: OrganisationReferral, data: ReferralInput) -> None:
    assert data.organisation_id is not None and data.referred_on is not None
    row.organisation_id = data.organisation_id
    row.person_name = data.person_name
    row.person_phone = validation.normalize_phone(data.person_phone) or None
    row.referred_on = data.referred_on
    row.service_asked = data.service_asked
    row.due_on = data.due_on
    row.delivered_on = data.delivered_on
    row.delivered = data.delivered or None
    row.feedback = data.feedback or None


def record_referral(database: Database, data: ReferralInput) -> int:
    """Refer a resident to an organisation (an active one)."""
    with database.read() as session:
        require(session, "organisations.edit")
    data = _checked(data)
    with database.write() as session:
        require(session, "organisations.edit")
        organisation = existing(session, SocialOrganisation, data.organisation_id,
                                "所选社会组织不存在", field="organisation")
        if not organisation.active:
            raise ValidationError({"organisation": "该社会组织已停用，请选择其他组织"})
        if data.visit_id is not None:
            existing(session, Visit, data.visit_id, "所选来访登记不存在", field="visit")
        if data.referral_id is not None:
            existing(session, Referral, data.referral_id, "所选来访登记不存在", field="visit")
        row = OrganisationReferral(visit_id=data.visit_id, referral_id=data.referral_id)
        row.recorded_by_id = auth.acting_staff_id(session)
        _apply(row, data)
        session.add(row)
        session.flush()
        return row.id


def update_referral(database: Database, referral_id: int, data: ReferralInput, *,
                    version: int) -> None:
    """Save the referral loaded at ``version``: the service delivered, the feedback."""
    with database.read() as session:
        require(session, "organisations.edit")
    data = _checked(data)

    def work(session: Session) -> None:
        require(session, "organisations.edit")
        row = session.get(OrganisationReferral, referral_id, with_for_update=True) \
            if validation.valid_id(referral_id) else None
        if row is None:
            raise NotFoundError("没有找到该转介记录")
        existing(session, SocialOrganisation, data.organisation_id, "所选社会组织不存在",
                 field="organisation")
        if data.service_asked == privacy.CONFIDENTIAL_TEXT:
            data.service_asked = row.service_asked
        found = loaded(row)
        before = form_values(row, LABELS)
        _apply(row, data)
        refuse_stale("转介记录", found, version, before, form_values(row, LABELS), LABELS)

    write_checked(database, "转介记录", work)


def routed_visits(session: Session, *, limit: int = 200,
                  today: date | None = None) -> list[RoutedVisit]:
    """Visits routed to the 社会组织工作室 whose ticket no referral took up, newest first."""
    require(session, "organisations.read")
    since = (today or date.today()) - timedelta(days=PENDING_DAYS)
    taken = exists(select(OrganisationReferral.id)
                   .where(OrganisationReferral.referral_id == Referral.id))
    stmt = (routing.routed_select(SOCIAL_ROOM, ~taken,
                                  routing.waiting_or_recent(OPEN_REFERRAL_STATES, since))
            # A visit sent to the room again waits with both tickets, the latest first.
            .order_by(Visit.visited_at.desc(), Visit.id.desc(), Referral.id.desc())
            .limit(limit))
    return routing.routed_list(session, stmt)


def draft_from_visit(session: Session, visit_id: int, *,
                     today: date | None = None) -> ReferralInput:
    """A referral as the routed visit already tells it (the organisation is for staff)."""
    require(session, "organisations.read")
    visit = existing(session, Visit, visit_id, "没有找到该来访登记")
    referral = routing.room_referral(session, visit.id, SOCIAL_ROOM)
    hidden = routing.summary_hidden(session, visit.id)
    day = today or date.today()
    return ReferralInput(
        organisation_id=None, person_name=visit.person.name, referred_on=day,
        service_asked="" if hidden else visit.request or visit.summary,
        person_phone=visit.person.phone or "", due_on=day + timedelta(days=DUE_DAYS),
        visit_id=visit.id, referral_id=referral.id if referral else None,
    )


def _filter(stmt: Any, status: str, today: date) -> Any:
    pending = OrganisationReferral.delivered_on.is_(None)
    if status == "pending":
        return stmt.where(pending)
    if status == "overdue":
        return stmt.where(pending, OrganisationReferral.due_on < today)
    if status == "delivered":
        return stmt.where(~pending)
    return stmt


def referral_list(session: Session, *, status: str = "pending", search: str = "",
                  organisation_id: int | None = None, today: date | None = None,
                  limit: int = 500) -> list[ReferralRow]:
    """Referrals, newest first, overdue ones flagged. Search: 姓名 or organisation."""
    require(session, "organisations.read")
    today = today or date.today()
    stmt = select(OrganisationReferral, SocialOrganisation.name).join(
        SocialOrganisation, SocialOrganisation.id == OrganisationReferral.organisation_id)
    stmt = _filter(stmt, status, today)
    if organisation_id is not None:
        stmt = stmt.where(OrganisationReferral.organisation_id == organisation_id)
    text = validation.clean_text(search)[:64]
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(OrganisationReferral.person_name.like(like),
                              SocialOrganisation.name.like(like)))
    stmt = stmt.order_by(OrganisationReferral.referred_on.desc(),
                         OrganisationReferral.id.desc()).limit(limit)
    found = session.execute(stmt).all()
    hidden = privacy.counselling_visit_ids(
        session, [r.visit_id for r, _n in found if r.visit_id is not None])
    readable = privacy.may_read_counselling(session)
    return [ReferralRow(r.id, r.version, name, ReferralInput(
        r.organisation_id, r.person_name, r.referred_on,
        privacy.shown(r.service_asked, r.visit_id in hidden, readable), r.person_phone or "",
        r.due_on, r.delivered_on, r.delivered or "", r.feedback or "", r.visit_id,
        r.referral_id), is_overdue(r.due_on, r.delivered_on, today)) for r, name in found]


def referral_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    require(session, "organisations.read")
    return open_counts(session, today=today)


def open_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Referrals not served yet, overdue, served: counts only, nothing personal, so the
    dashboard (统计) reads them without the room's own permission."""
    today = today or date.today()
    pending = OrganisationReferral.delivered_on.is_(None)
    open_, overdue, done = session.execute(select(
        func.count().filter(pending),
        func.count().filter(pending, OrganisationReferral.due_on < today),
        func.count().filter(~pending),
    ).select_from(OrganisationReferral)).one()
    return {"pending": int(open_), "overdue": int(overdue), "delivered": int(done)}
