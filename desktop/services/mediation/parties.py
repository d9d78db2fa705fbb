"""当事人: adding, editing and removing the parties of a case, and conflicts of interest."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    CaseParty,
    MediationCase,
    Person,
)
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.errors import StaleEditError, ValidationError
from desktop.services.mediation.common import (
    PARTY_FIELDS,
    clean,
    dates,
    get_case,
    lock_child,
    open_case,
)
from desktop.services.mediation.constants import AGENT_TYPES, GENDERS, KINDS, PARTY_LABELS, SIDES
from desktop.services.mediation.forms import Conflict, PartyInput, PartyResult
from desktop.services.validation import checked, existing, id_error
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    refuse_stale_delete,
    write_checked,
)

# ---------------------------------------------------------------------------
# Parties


def validate_party(data: PartyInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.side not in SIDES:
        errors["side"] = "当事人身份只能是申请人或被申请人"
    if data.kind not in KINDS:
        errors["kind"] = "当事人类型不正确"
    if not data.name.strip():
        errors["name"] = "请填写当事人姓名或名称"
    elif len(data.name.strip()) > 128:
        errors["name"] = "姓名或名称过长"
    elif message := validation.unprintable_error(data.name):
        errors["name"] = message
    if data.kind == "person":
        if data.id_number.strip():
            message = validation.id_number_error(data.id_number)
            if message:
                errors["id_number"] = message
        if data.gender not in (None, "", *GENDERS):
            errors["gender"] = "性别只能是男或女"
        if data.age is not None and not 0 <= data.age <= 130:
            errors["age"] = "年龄不正确"
        if data.birth_date and data.birth_date > date.today():
            errors["birth_date"] = "出生日期晚于今天"
        errors.update(dates(data, "birth_date"))
        if id_error(data.person_id, "所选来访人不存在"):
            errors["name"] = "所选来访人不存在"
    else:
        if data.credit_code.strip():
            message = validation.credit_code_error(data.credit_code)
            if message:
                errors["credit_code"] = message
        if not data.legal_rep.strip():
            errors["legal_rep"] = "请填写法定代表人或主要负责人"
    if data.phone.strip():
        message = validation.phone_error(data.phone)
        if message:
            errors["phone"] = message
    if data.agent_name.strip():
        if data.agent_type and data.agent_type not in AGENT_TYPES:
            errors["agent_type"] = "代理人类型只能是委托代理人或法定代理人"
        if data.agent_id_number.strip():
            message = validation.id_number_error(data.agent_id_number)
            if message:
                errors["agent_id_number"] = "代理人" + message
        if data.agent_phone.strip():
            message = validation.phone_error(data.agent_phone)
            if message:
                errors["agent_phone"] = "代理人" + message
    return errors


def apply_party(row: CaseParty, data: PartyInput) -> None:
    person = data.kind == "person"
    row.side = data.side
    row.kind = data.kind
    row.name = data.name.strip()
    row.person_id = data.person_id if person else None
    row.gender = (data.gender or None) if person else None
    row.ethnicity = clean(data.ethnicity) if person else None
    row.birth_date = data.birth_date if person else None
    row.age = data.age if person else None
    row.id_number = (validation.normalize_id_number(data.id_number) or None) if person else None
    row.occupation = clean(data.occupation) if person else None
    row.address = clean(data.address)
    row.phone = validation.normalize_phone(data.phone) or None
    row.credit_code = (data.credit_code.strip().upper() or None) if not person else None
    row.legal_rep = clean(data.legal_rep) if not person else None
    row.legal_rep_title = (clean(data.legal_rep_title) or "法定代表人") if not person else None
    has_agent = bool(data.agent_name.strip())
    row.agent_name = clean(data.agent_name)
    row.agent_type = (data.agent_type or "委托代理人") if has_agent else None
    row.agent_id_number = (
        validation.normalize_id_number(data.agent_id_number) or None if has_agent else None
    )
    row.agent_phone = validation.normalize_phone(data.agent_phone) or None if has_agent else None
    row.agent_relation = clean(data.agent_relation) if has_agent else None


def find_conflicts(
    session: Session, data: PartyInput, *, exclude_case_id: int | None = None
) -> list[Conflict]:
    """Other cases in which the same person or organisation appears, on either side.

    Newest first (by the day accepted, then by number); a case is named once, by the
    first reason found, in the order the reasons are listed here.
    """
    reasons: list[tuple[object, str]] = []
    if data.kind == "person":
        if data.person_id is not None:
            reasons.append((CaseParty.person_id == data.person_id, "同一人员"))
        number = validation.normalize_id_number(data.id_number)
        if number:
            reasons.append((CaseParty.id_number == number, "同一身份证号"))
    else:
        code = data.credit_code.strip().upper()
        if code:
            reasons.append((CaseParty.credit_code == code, "同一信用代码"))
        if data.name.strip():
            reasons.append((and_(CaseParty.kind == "organisation",
                                 CaseParty.name == data.name.strip()), "同名单位"))
    found: dict[int, Conflict] = {}
    for condition, reason in reasons:
        stmt: Select = (
            select(MediationCase.id, MediationCase.case_no, CaseParty.side, CaseParty.name,
                   MediationCase.outcome, MediationCase.accepted_on)
            .join(CaseParty, CaseParty.case_id == MediationCase.id)
            .where(condition)  # type: ignore[arg-type]
        )
        if exclude_case_id is not None:
            stmt = stmt.where(MediationCase.id != exclude_case_id)
        for case_id, case_no, side, name, outcome, accepted in session.execute(stmt):
            found.setdefault(case_id, Conflict(case_id, case_no, side, name,
                                               outcome or "办理中", accepted, reason))
    return sorted(found.values(), key=lambda c: (c.accepted_on, c.case_id), reverse=True)


def case_conflicts(session: Session, case_id: int) -> dict[int, list[Conflict]]:
    """For each party of the case, the other cases in which it appears."""
    case_ = get_case(session, case_id)
    result: dict[int, list[Conflict]] = {}
    for party in case_.parties:
        conflicts = find_conflicts(session, _party_input(party), exclude_case_id=case_id)
        if conflicts:
            result[party.id] = conflicts
    return result


def _party_input(row: CaseParty) -> PartyInput:
    return PartyInput(
        name=row.name, side=row.side, kind=row.kind, person_id=row.person_id,
        id_number=row.id_number or "", credit_code=row.credit_code or "",
    )


def add_party(database: Database, case_id: int, data: PartyInput) -> PartyResult:
    auth.require(database, "case.edit")
    data, errors = checked(data, PARTY_FIELDS, validate_party)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = open_case(session, case_id)
        if data.person_id is not None and data.kind == "person":
            existing(session, Person, data.person_id, "所选来访人不存在", field="name")
        position = max((p.position for p in case_.parties), default=-1) + 1
        row = CaseParty(case=case_, position=position)
        apply_party(row, data)
        session.add(row)
        session.flush()
        return PartyResult(row.id, find_conflicts(session, data, exclude_case_id=case_id))


def _party_values(row: CaseParty) -> dict[str, str]:
    return form_values(row, PARTY_LABELS, kind=KINDS.get(row.kind, row.kind),
                       person_id=f"已关联（编号{row.person_id}）" if row.person_id else None)


def update_party(database: Database, party_id: int, data: PartyInput, *,
                 version: int) -> PartyResult:
    """Save a party loaded at ``version`` (see :func:`party_form`)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, PARTY_FIELDS, validate_party)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> PartyResult:
        row = lock_child(session, CaseParty, party_id, "当事人")
        if data.person_id is not None and data.kind == "person":
            existing(session, Person, data.person_id, "所选来访人不存在", field="name")
        found, before = loaded(row), _party_values(row)
        apply_party(row, data)
        refuse_stale("当事人", found, version, before, _party_values(row), PARTY_LABELS)
        session.flush()
        return PartyResult(row.id, find_conflicts(session, data, exclude_case_id=row.case_id))

    return write_checked(database, "当事人", work)


def remove_party(database: Database, party_id: int, *, version: int) -> None:
    """Delete a party, unless it changed after the list showed it at ``version``."""
    auth.require(database, "case.edit")
    def work(session: Session) -> None:
        row = lock_child(session, CaseParty, party_id, "当事人")
        refuse_stale_delete("当事人", row, version)
        session.delete(row)

    write_checked(database, "当事人", work, action="删除")


def party_form(session: Session, party_id: int) -> tuple[PartyInput, int]:
    """The party as its edit form shows it, and the version to save it back with."""
    row = session.get(CaseParty, party_id)
    if row is None:
        raise StaleEditError("当事人", deleted=True)
    return party_input(session, party_id), row.version


def party_input(session: Session, party_id: int) -> PartyInput:
    row = existing(session, CaseParty, party_id, "没有找到该当事人")
    return PartyInput(
        name=row.name, side=row.side, kind=row.kind, person_id=row.person_id, gender=row.gender,
        ethnicity=row.ethnicity or "", birth_date=row.birth_date, age=row.age,
        id_number=row.id_number or "", occupation=row.occupation or "",
        address=row.address or "", phone=row.phone or "", credit_code=row.credit_code or "",
        legal_rep=row.legal_rep or "", legal_rep_title=row.legal_rep_title or "法定代表人",
        agent_type=row.agent_type or "", agent_name=row.agent_name or "",
        agent_id_number=row.agent_id_number or "", agent_phone=row.agent_phone or "",
        agent_relation=row.agent_relation or "",
    )
