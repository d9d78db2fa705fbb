"""What a new centre still has to tell the program before its first day at the desk.

The first start opens the set-up wizard while the centre has no name; 系统设置 shows
what is still missing afterwards. Nothing is made up meanwhile: what would print a
missing value refuses instead (:func:`desktop.services.admin.settings.require`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Community, Staff
from desktop.services.admin import auth
from desktop.services.admin.settings import WHERE, load_settings, missing


@dataclass(frozen=True)
class Gap:
    key: str
    text: str  # what is missing, in Chinese
    where: str  # where the admin fills it in


def needs_wizard(session: Session) -> bool:
    """A centre without a name has not been set up: the wizard opens at start."""
    return not load_settings(session).centre_name


def gaps(session: Session) -> list[Gap]:
    """What is still missing, in the order of the wizard's pages."""
    settings = load_settings(session)
    found: list[Gap] = []
    centre = missing(settings, ["centre_name", "centre_phone", "centre_address"])
    if centre:
        found.append(Gap("centre", "、".join(centre), WHERE))
    committee = missing(settings, ["committee_name", "committee_short_name"])
    if committee:
        found.append(Gap("committee", "、".join(committee), WHERE))
    mediators = session.scalar(select(func.count()).select_from(Staff)
                               .where(Staff.active, auth.holding("mediator")))
    if not mediators:
        found.append(Gap("staff", "调解员（受理调解案件至少要选一名）", "系统设置 → 工作人员"))
    communities = session.scalar(select(func.count()).select_from(Community)
                                 .where(Community.active))
    if not communities:
        found.append(Gap("communities", "社区和网格（登记时选择来访人所在社区）",
                         "系统设置 → 事项类别、社区和网格"))
    return found
