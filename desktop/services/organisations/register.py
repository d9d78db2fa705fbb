"""The 社会组织转介台账: every referral of a period, streamed as plain rows.

Phone numbers are masked; what a resident asked for, when the visit was heard in the
counselling room, shows the confidential mark to everyone else.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from desktop.models import OrganisationReferral, SocialOrganisation, Visit
from desktop.services import privacy
from desktop.services.organisations import require
from desktop.services.organisations.referrals import is_overdue
from desktop.services.registers.rows import STREAM_BATCH, Period
from desktop.services.validation import mask_phone


class ReferralRegisterRow(NamedTuple):
    seq: int
    referred_on: date
    person: str
    phone: str
    organisation: str
    service_asked: str
    due_on: date | None
    delivered_on: date | None
    delivered: str
    feedback: str
    status: str


def _in(stmt: Select, period: Period) -> Select:
    return stmt.where(OrganisationReferral.referred_on >= period.start,
                      OrganisationReferral.referred_on <= period.end)


def count_referrals(session: Session, period: Period) -> int:
    require(session, "organisations.read")
    return int(session.scalar(_in(select(func.count(OrganisationReferral.id)), period)) or 0)


def referral_register_rows(session: Session, period: Period) -> Iterator[ReferralRegisterRow]:
    require(session, "organisations.read")
    readable = privacy.may_read_counselling(session)
    today = date.today()
    stmt = _in(
        select(OrganisationReferral.referred_on, OrganisationReferral.person_name,
               OrganisationReferral.person_phone, SocialOrganisation.name,
               OrganisationReferral.service_asked, OrganisationReferral.due_on,
               OrganisationReferral.delivered_on, OrganisationReferral.delivered,
               OrganisationReferral.feedback, privacy.went_to_counselling())
        .select_from(OrganisationReferral)
        .join(SocialOrganisation, SocialOrganisation.id == OrganisationReferral.organisation_id)
        .outerjoin(Visit, Visit.id == OrganisationReferral.visit_id)
        .order_by(OrganisationReferral.referred_on, OrganisationReferral.id)
        .execution_options(yield_per=STREAM_BATCH),
        period,
    )
    for seq, row in enumerate(session.execute(stmt), 1):
        (referred, person, phone, organisation, asked, due, delivered_on, delivered, feedback,
         counselling) = tuple[Any, ...](row)
        status = ("已服务" if delivered_on else
                  "超期未服务" if is_overdue(due, delivered_on, today) else "待服务")
        yield ReferralRegisterRow(
            seq, referred, person, mask_phone(phone), organisation,
            privacy.shown(asked, bool(counselling), readable), due, delivered_on,
            delivered or "", feedback or "", status,
        )
