"""Shared set-up for the police liaison and social organisations rooms' tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop.db import Database
from desktop.services.organisations import activities, directory, referrals
from desktop.services.police import handovers
from desktop.services.reception.registration import Registration
from tests.conftest import TEST_DAY
from tests.reception_helpers import register


def police_visit(database: Database, n: int = 3, **changes: object) -> Registration:
    return register(database, n, room="警民联络室", category="治安求助",
                    summary="小区门口夜间有人聚集饮酒滋事", **changes)


def social_visit(database: Database, n: int = 4, **changes: object) -> Registration:
    return register(database, n, room="社会组织工作室", category="社会组织服务",
                    summary="独居老人希望有志愿者定期上门", request="每周上门陪伴一次",
                    **changes)


def handover(**changes: object) -> handovers.HandoverInput:
    values: dict[str, object] = dict(
        kind="移交派出所", matter="小区门口夜间有人聚集饮酒滋事，请派出所加强巡逻",
        handed_at=datetime(2026, 11, 20, 9, 30), station="东林派出所", officer_name="赵建国",
        officer_phone="13811112222", officer_badge="012345", person_name="测试3号",
    )
    values.update(changes)
    return handovers.HandoverInput(**values)  # type: ignore[arg-type]


def organisation(name: str = "东林社区志愿服务队",
                 **changes: object) -> directory.OrganisationInput:
    values: dict[str, object] = dict(
        name=name, kind="志愿服务队", services="助老陪伴、代购代办", contact_person="周丽",
        phone="13900001111", capacity=20, active=True,
    )
    values.update(changes)
    return directory.OrganisationInput(**values)  # type: ignore[arg-type]


REFERRED_ON = date(2026, 11, 10)


def referral_input(organisation_id: int | None, **changes: object) -> referrals.ReferralInput:
    values: dict[str, object] = dict(organisation_id=organisation_id, person_name="测试4号",
                                     referred_on=REFERRED_ON, service_asked="每周上门陪伴一次")
    values.update(changes)
    return referrals.ReferralInput(**values)  # type: ignore[arg-type]


def activity_input(organisation_id: int | None, **changes: object) -> activities.ActivityInput:
    values: dict[str, object] = dict(organisation_id=organisation_id, held_on=date(2026, 11, 15),
                                     title="重阳节敬老活动", participants=35, notes="为老人理发")
    values.update(changes)
    return activities.ActivityInput(**values)  # type: ignore[arg-type]


def referrals_in_four_states(database: Database) -> tuple[int, dict[str, int]]:
    """One organisation's referrals on the tests' day: due later, overdue, due today,
    served."""
    org = directory.save_organisation(database, None, organisation())
    made = {
        "later": referrals.record_referral(database, referral_input(
            org, person_name="测试1号", referred_on=date(2026, 11, 20))),
        "overdue": referrals.record_referral(database, referral_input(
            org, person_name="测试2号", referred_on=date(2026, 11, 10),
            due_on=TEST_DAY - timedelta(days=1))),
        "today": referrals.record_referral(database, referral_input(
            org, person_name="测试3号", referred_on=date(2026, 11, 10), due_on=TEST_DAY)),
        "served": referrals.record_referral(database, referral_input(
            org, person_name="测试4号", referred_on=date(2026, 11, 1), due_on=date(2026, 11, 2),
            delivered_on=date(2026, 11, 5), delivered="上门陪伴")),
    }
    return org, made
