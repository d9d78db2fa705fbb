"""Each organisation's activity log (活动记录): date, title, participants, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import OrganisationActivity, SocialOrganisation
from desktop.services.errors import ValidationError
from desktop.services.organisations import require
from desktop.services.validation import TextField, checked, date_error, existing

MAX_PARTICIPANTS = 100_000
FIELDS = {
    "title": TextField(OrganisationActivity.title, "活动名称"),
    "notes": TextField(OrganisationActivity.notes, "活动情况"),
}


@dataclass
class ActivityInput:
    organisation_id: int | None
    held_on: date | None
    title: str
    participants: int | None
    notes: str = ""


@dataclass(frozen=True)
class ActivityRow:
    activity_id: int
    organisation: str
    held_on: date
    title: str
    participants: int
    notes: str


def validate(data: ActivityInput, *, today: date | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.organisation_id is None:
        errors["organisation"] = "请选择社会组织"
    if data.held_on is None:
        errors["held_on"] = "请填写活动日期"
    else:
        message = date_error(data.held_on, "活动日期")
        if message:
            errors["held_on"] = message
        elif data.held_on > (today or date.today()):
            errors["held_on"] = "活动日期不能晚于今天"
    if not data.title:
        errors["title"] = "请填写活动名称"
    if data.participants is None or isinstance(data.participants, bool) \
            or not 0 <= data.participants <= MAX_PARTICIPANTS:
        errors["participants"] = f"参加人数应为0至{MAX_PARTICIPANTS}之间的整数"
    return errors


def parse_participants(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"participants": "参加人数应为整数"})
    return int(value)


def add_activity(database: Database, data: ActivityInput) -> int:
    with database.read() as session:
        require(session, "organisations.edit")
    data, errors = checked(data, FIELDS, validate)
    if errors:
        raise ValidationError(errors)
    assert data.held_on is not None and data.participants is not None
    with database.write() as session:
        require(session, "organisations.edit")
        existing(session, SocialOrganisation, data.organisation_id, "所选社会组织不存在",
                 field="organisation")
        row = OrganisationActivity(organisation_id=data.organisation_id, held_on=data.held_on,
                                   title=data.title, participants=data.participants,
                                   notes=data.notes)
        session.add(row)
        session.flush()
        return row.id


def activity_list(session: Session, *, organisation_id: int | None = None,
                  limit: int = 500) -> list[ActivityRow]:
    """Activities, newest first (of one organisation, or of all)."""
    require(session, "organisations.read")
    stmt = (select(OrganisationActivity, SocialOrganisation.name)
            .join(SocialOrganisation,
                  SocialOrganisation.id == OrganisationActivity.organisation_id)
            .order_by(OrganisationActivity.held_on.desc(), OrganisationActivity.id.desc())
            .limit(limit))
    if organisation_id is not None:
        stmt = stmt.where(OrganisationActivity.organisation_id == organisation_id)
    return [ActivityRow(a.id, name, a.held_on, a.title, a.participants, a.notes)
            for a, name in session.execute(stmt)]
