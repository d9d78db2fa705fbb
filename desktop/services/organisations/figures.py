"""The 社会组织工作室's lines of the monthly report: referrals, services delivered, activities."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import OrganisationActivity, OrganisationReferral
from desktop.services.registers.rows import Period


def monthly_counts(session: Session, period: Period) -> dict[str, int]:
    referred = session.scalar(select(func.count(OrganisationReferral.id)).where(
        OrganisationReferral.referred_on >= period.start,
        OrganisationReferral.referred_on <= period.end))
    delivered = session.scalar(select(func.count(OrganisationReferral.id)).where(
        OrganisationReferral.delivered_on >= period.start,
        OrganisationReferral.delivered_on <= period.end))
    activities, participants = session.execute(select(
        func.count(OrganisationActivity.id),
        func.coalesce(func.sum(OrganisationActivity.participants), 0),
    ).where(OrganisationActivity.held_on >= period.start,
            OrganisationActivity.held_on <= period.end)).one()
    return {"referred": int(referred or 0), "delivered": int(delivered or 0),
            "activities": int(activities or 0), "participants": int(participants or 0)}


LINES = [
    ("转介社会组织（人次）", "referred", "以转介日期计"),
    ("服务完成（人次）", "delivered", "以服务日期计"),
    ("组织活动（场）", "activities", "社会组织和志愿服务队开展的活动"),
    ("活动参加（人次）", "participants", ""),
]
