"""基本信息: accepting a case (its number, its visit) and editing it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.db import Database
from desktop.models import (
    CaseParty,
    Category,
    MediationCase,
    Referral,
    Staff,
    Visit,
)
from desktop.models.base import mark_changed
from desktop.services import numbering
from desktop.services.admin import auth
from desktop.services.admin.settings import require
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import (
    CASE_FIELDS,
    PARTY_FIELDS,
    clean,
    dates,
    day_or_today,
    lock_case,
    staff_name,
)
from desktop.services.mediation.constants import (
    ARCHIVE_FIELDS,
    CASE_LABELS,
    CLOSED_MESSAGE,
    RETENTION,
    SOURCES,
    TIME_LIMIT_DAYS,
    format_case_no,
)
from desktop.services.mediation.forms import CaseInput, CaseRef, PartyInput
from desktop.services.mediation.parties import apply_party, validate_party
from desktop.services.validation import checked, existing, id_error
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    write_checked,
)

# ---------------------------------------------------------------------------
# Cases


def validate_case(data: CaseInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.facts.strip():
        errors["facts"] = "请填写纠纷主要事实"
    if data.source not in SOURCES:
        errors["source"] = "案件来源不正确"
    if data.retention not in RETENTION:
        errors["retention"] = "保管期限只能是永久、长期或短期"
    for key, value, message in (
        ("category", data.category_id, "所选纠纷类别不存在"),
        ("recorder", data.recorder_id, "所选记录人不存在"),
        ("visit", data.visit_id, "所选来访登记不存在"),
        ("visit", data.referral_id, "所选来访登记不存在"),
        ("filed_by", data.filed_by_id, "所选立卷人不存在"),
        *(("mediators", i, "所选调解员或记录人不存在") for i in data.mediator_ids),
    ):
        if id_error(value, message):
            errors[key] = message
    errors.update(dates(data, "accepted_on", "filed_on"))
    return errors


def _apply_case(session: Session, case_: MediationCase, data: CaseInput) -> None:
    if data.category_id is not None and session.get(Category, data.category_id) is None:
        raise ValidationError({"category": "所选纠纷类别不存在"})
    staff_ids = {*data.mediator_ids, *([data.recorder_id] if data.recorder_id else [])}
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(staff_ids))
                                              .options(selectinload(Staff.roles)))}
    if set(staff) != staff_ids:
        raise ValidationError({"mediators": "所选调解员或记录人不存在"})
    not_mediators = [staff[i].name for i in dict.fromkeys(data.mediator_ids)
                     if not auth.holds(staff[i], "mediator")]
    if not_mediators:
        # A receptionist or a police officer signs no 调解协议书 as 调解员.
        raise ValidationError({"mediators": "、".join(not_mediators)
                               + " 不是调解员，不能担任本案调解员"})
    if data.filed_by_id is not None:
        existing(session, Staff, data.filed_by_id, "所选立卷人不存在", field="filed_by")
    case_.facts = data.facts.strip()
    case_.matters = data.matters.strip()
    case_.source = data.source
    case_.source_detail = clean(data.source_detail)
    case_.category_id = data.category_id
    mediators = [staff[i] for i in dict.fromkeys(data.mediator_ids)]
    if [s.id for s in case_.mediators] != [s.id for s in mediators]:
        case_.mediators = mediators
        mark_changed(case_)  # the mediators live in another table: count it as a change
    case_.recorder_id = data.recorder_id
    case_.retention = data.retention
    case_.archive_no = clean(data.archive_no)
    case_.filed_by_id = data.filed_by_id
    case_.filed_on = data.filed_on


def accept_case(
    database: Database, data: CaseInput, parties: list[PartyInput] | None = None, *,
    today: date | None = None,
) -> CaseRef:
    """受理: number the case and write it (with its first parties) in one transaction."""
    auth.require(database, "case.edit")
    data, errors = checked(data, CASE_FIELDS, validate_case)
    if not data.mediator_ids:
        errors["mediators"] = "请至少选择一名调解员"
    parties = list(parties or [])
    for index, party in enumerate(parties):
        parties[index], party_errors = checked(party, PARTY_FIELDS, validate_party)
        for key, message in party_errors.items():
            errors.setdefault(f"party.{index}.{key}" if index else key, message)
    if errors:
        raise ValidationError(errors)
    accepted = data.accepted_on or day_or_today(today)
    with database.write() as session:
        if data.visit_id is not None:
            # Lock the visit (PostgreSQL; SQLite's write lock already serialises), so
            # a desk accepting the same visit waits here and then sees the first case.
            visit_id = session.scalar(
                select(Visit.id).where(Visit.id == data.visit_id)
                .with_for_update(key_share=True)
            )
            if visit_id is None:
                raise ValidationError({"visit": "所选来访登记不存在"})
            taken = session.scalar(
                select(MediationCase.case_no).where(MediationCase.visit_id == visit_id)
            )
            if taken:
                raise ValidationError({"visit": f"该来访已受理为案件{taken}"})
        if data.referral_id is not None:
            existing(session, Referral, data.referral_id, "所选来访登记不存在", field="visit")
        short = require(session, ["committee_short_name"],
                        "受理案件（生成案号）").committee_short_name
        seq = numbering.next_value(session, f"case:{accepted.year}")
        case_ = MediationCase(
            case_no=format_case_no(accepted.year, short, seq), year=accepted.year, seq=seq,
            visit_id=data.visit_id, referral_id=data.referral_id, accepted_on=accepted,
            due_on=accepted + timedelta(days=TIME_LIMIT_DAYS),
        )
        _apply_case(session, case_, data)
        session.add(case_)
        for position, party in enumerate(parties):
            row = CaseParty(case=case_, position=position)
            apply_party(row, party)
            session.add(row)
        if data.referral_id is not None:
            referral = session.get(Referral, data.referral_id)
            if referral is not None and referral.status in ("done", "serving", "called",
                                                             "waiting"):
                referral.result = "case_opened"
        session.flush()
        return CaseRef(case_.id, case_.case_no)


def _case_values(session: Session, case_: MediationCase) -> dict[str, str]:
    category = session.get(Category, case_.category_id) if case_.category_id else None
    return form_values(
        case_, CASE_LABELS, category=category.name if category else None,
        mediators="、".join(s.name for s in sorted(case_.mediators, key=lambda s: s.id)),
        recorder=staff_name(session, case_.recorder_id),
        filed_by=staff_name(session, case_.filed_by_id),
    )


def update_case(database: Database, case_id: int, data: CaseInput, *, version: int) -> None:
    """Save 基本信息 loaded at ``version``; a closed case takes only the 立卷 fields."""
    auth.require(database, "case.edit")
    data, errors = checked(data, CASE_FIELDS, validate_case)
    if not data.mediator_ids:
        errors["mediators"] = "请至少选择一名调解员"
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        case_ = lock_case(session, case_id)
        found = loaded(case_)
        before = _case_values(session, case_)
        _apply_case(session, case_, data)
        after = _case_values(session, case_)
        if case_.outcome is not None and any(
                after[k] != before[k] for k in CASE_LABELS if k not in ARCHIVE_FIELDS):
            raise ValidationError({"closed": CLOSED_MESSAGE})
        refuse_stale("案件", found, version, before, after, CASE_LABELS)

    write_checked(database, "案件", work)
