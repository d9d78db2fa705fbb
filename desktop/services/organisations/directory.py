"""The organisations and volunteer teams (社会组织、志愿服务队) the centre works with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import OrganisationActivity, OrganisationReferral, SocialOrganisation
from desktop.services import validation
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.organisations import KINDS, require
from desktop.services.validation import TextField, checked
from desktop.services.versions import form_values, loaded, refuse_stale, write_checked

MAX_CAPACITY = 100_000
FIELDS = {
    "name": TextField(SocialOrganisation.name, "名称"),
    "kind": TextField(SocialOrganisation.kind, "类型"),
    "services": TextField(SocialOrganisation.services, "服务内容"),
    "contact_person": TextField(SocialOrganisation.contact_person, "联系人"),
    "phone": TextField(SocialOrganisation.phone, "联系电话"),
}
LABELS = {"name": "名称", "kind": "类型", "services": "服务内容", "contact_person": "联系人",
          "phone": "联系电话", "capacity": "服务容量", "active": "在用"}


@dataclass
class OrganisationInput:
    name: str
    kind: str
    services: str
    contact_person: str
    phone: str
    capacity: int | None = None
    active: bool = True


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: int
    version: int
    data: OrganisationInput
    pending: int  # referrals not yet served
    activities: int


def validate(data: OrganisationInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = "请填写名称"
    if data.kind not in KINDS:
        errors["kind"] = "请选择类型（社会组织或志愿服务队）"
    if not data.services:
        errors["services"] = "请填写提供的服务"
    if not data.contact_person:
        errors["contact_person"] = "请填写联系人"
    problem = validation.phone_error(data.phone)
    if problem:
        errors["phone"] = problem
    if data.capacity is not None and (isinstance(data.capacity, bool)
                                      or not 0 < data.capacity <= MAX_CAPACITY):
        errors["capacity"] = f"服务容量应为1至{MAX_CAPACITY}之间的整数"
    return errors


def parse_capacity(text: str) -> int | None:
    """The capacity as typed; ``None`` when empty."""
    value = text.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"capacity": "服务容量应为整数"})
    return int(value)


def _apply(row: SocialOrganisation, data: OrganisationInput) -> None:
    row.name = data.name
    row.kind = data.kind
    row.services = data.services
    row.contact_person = data.contact_person
    row.phone = validation.normalize_phone(data.phone)
    row.capacity = data.capacity
    row.active = bool(data.active)


def _name_taken(session: Session, name: str, own_id: int | None) -> None:
    other = session.scalar(select(SocialOrganisation.id).where(SocialOrganisation.name == name))
    if other is not None and other != own_id:
        raise ValidationError({"name": "已有同名的社会组织或志愿服务队"})


def save_organisation(database: Database, organisation_id: int | None,
                      data: OrganisationInput, *, version: int | None = None) -> int:
    """Add an organisation (``organisation_id`` None) or save one loaded at ``version``."""
    data, errors = checked(data, FIELDS, validate)
    with database.read() as session:
        require(session, "organisations.edit")
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> int:
        require(session, "organisations.edit")
        _name_taken(session, data.name, organisation_id)
        if organisation_id is None:
            row = SocialOrganisation()
            _apply(row, data)
            session.add(row)
            session.flush()
            return row.id
        row_ = session.get(SocialOrganisation, organisation_id, with_for_update=True) \
            if validation.valid_id(organisation_id) else None
        if row_ is None:
            raise NotFoundError("没有找到该社会组织")
        found = loaded(row_)
        before = form_values(row_, LABELS)
        _apply(row_, data)
        refuse_stale("社会组织", found, version, before, form_values(row_, LABELS), LABELS)
        return row_.id

    return write_checked(database, "社会组织", work)


def organisation_list(session: Session, *, active_only: bool = False) -> list[OrganisationRow]:
    """The organisations by name, with their pending referrals and logged activities."""
    require(session, "organisations.read")
    pending = (select(func.count(OrganisationReferral.id))
               .where(OrganisationReferral.organisation_id == SocialOrganisation.id,
                      OrganisationReferral.delivered_on.is_(None))
               .correlate(SocialOrganisation).scalar_subquery())
    activities = (select(func.count(OrganisationActivity.id))
                  .where(OrganisationActivity.organisation_id == SocialOrganisation.id)
                  .correlate(SocialOrganisation).scalar_subquery())
    stmt = select(SocialOrganisation, pending, activities).order_by(
        SocialOrganisation.active.desc(), SocialOrganisation.name)
    if active_only:
        stmt = stmt.where(SocialOrganisation.active)
    return [OrganisationRow(o.id, o.version, OrganisationInput(
        o.name, o.kind, o.services, o.contact_person, o.phone, o.capacity, o.active),
        int(p or 0), int(a or 0)) for o, p, a in session.execute(stmt)]
