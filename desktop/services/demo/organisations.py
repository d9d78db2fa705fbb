"""Invented organisations, referrals and activities for the 社会组织工作室.

Eight organisations and volunteer teams; about half the visits the room finished become
referrals (most older ones served, with feedback; a few overdue); each organisation logs
about two activities a month over the last year. Bulk inserts in batches.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from desktop.models import (
    OrganisationActivity,
    OrganisationReferral,
    Person,
    Referral,
    Room,
    SocialOrganisation,
    Visit,
)
from desktop.services.demo.generate import (
    BATCH,
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
    random_mobile,
)
from desktop.services.organisations.referrals import DUE_DAYS

ORGANISATIONS = [
    ("东林社区志愿服务队", "志愿服务队", "助老陪伴、代购代办、环境整治", "周丽", 30),
    ("阳光心理服务中心", "社会组织", "心理疏导、情绪减压讲座", "陈静", 12),
    ("夕阳红助老服务社", "社会组织", "居家养老、助餐助洁", "马文华", 40),
    ("东林法律援助志愿队", "志愿服务队", "法律咨询、代写文书", "林志远", 20),
    ("春苗儿童服务中心", "社会组织", "困境儿童课后托管、学业辅导", "许晓燕", 25),
    ("邻里守望志愿队", "志愿服务队", "夜间巡逻、邻里调解协助", "韩刚", 50),
    ("康乐残疾人服务社", "社会组织", "康复训练、就业指导", "郭敏", 15),
    ("青年就业服务站", "社会组织", "职业介绍、技能培训", "黄磊", 60),
]
DELIVERED = ["志愿者上门陪伴两小时", "提供心理疏导一次", "安排助餐服务一个月", "代写法律文书",
             "安排课后托管", "介绍就业岗位三个"]
FEEDBACK = ["满意", "非常满意", "基本满意", "希望继续提供服务"]
ACTIVITIES = ["重阳节敬老活动", "社区义诊", "法律知识讲座", "环境清洁日", "亲子阅读", "防诈骗宣传"]


def generate_organisations(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date.today()
    with ctx.database.write() as session:
        known = set(session.scalars(select(SocialOrganisation.name)))
        for name, kind, services, contact, capacity in ORGANISATIONS:
            if name not in known:
                session.add(SocialOrganisation(name=name, kind=kind, services=services,
                                               contact_person=contact,
                                               phone=random_mobile(rng), capacity=capacity,
                                               active=True))
        session.flush()
        organisations = list(session.scalars(select(SocialOrganisation.id)
                                             .order_by(SocialOrganisation.id)))
    ctx.summary.add("社会组织", len(ORGANISATIONS))
    with ctx.database.read() as session:
        next_referral = _next_id(session, OrganisationReferral)
        next_activity = _next_id(session, OrganisationActivity)
        stmt = (select(Visit.id, Referral.id, Visit.visited_at, Visit.summary, Person.name,
                       Person.phone)
                .join(Referral, Referral.visit_id == Visit.id)
                .join(Room, Room.id == Referral.room_id)
                .join(Person, Person.id == Visit.person_id)
                .where(Room.code == "social", Referral.status == "done")
                .order_by(Visit.visited_at, Visit.id))
        # Every other one, so even a small demo has some.
        chosen = [row for number, row in enumerate(
            session.execute(stmt.execution_options(yield_per=BATCH))) if number % 2 == 0]
    rows: list[dict[str, Any]] = []

    def flush(model: Any, table: str, what: str) -> None:
        with ctx.database.write() as session:
            bulk_insert(session, model, rows)
            _fix_sequences(session, table)
        ctx.summary.add(what, len(rows))
        rows.clear()

    for visit_id, referral_id, at, summary, name, phone in chosen:
        referred = at.date()
        due = referred + timedelta(days=DUE_DAYS)
        served = None
        if (due < today - timedelta(days=3) and rng.random() < 0.9) or rng.random() < 0.3:
            served = min(referred + timedelta(days=rng.randrange(1, DUE_DAYS)), today)
        rows.append({
            "id": next_referral, "organisation_id": rng.choice(organisations),
            "visit_id": visit_id, "referral_id": referral_id, "person_name": name,
            "person_phone": phone, "referred_on": referred, "service_asked": summary,
            "due_on": due, "delivered_on": served,
            "delivered": rng.choice(DELIVERED) if served else None,
            "feedback": rng.choice(FEEDBACK) if served and rng.random() < 0.8 else None,
            "recorded_by_id": None,
        })
        next_referral += 1
        if len(rows) >= BATCH:
            flush(OrganisationReferral, "organisation_referral", "社会组织转介")
    if rows:
        flush(OrganisationReferral, "organisation_referral", "社会组织转介")
    for organisation_id in organisations:
        for months_ago in range(12):
            for _ in range(rng.choice([1, 2, 2, 3])):
                held = today - timedelta(days=30 * months_ago + rng.randrange(30))
                rows.append({"id": next_activity, "organisation_id": organisation_id,
                             "held_on": held, "title": rng.choice(ACTIVITIES),
                             "participants": rng.randrange(8, 80), "notes": ""})
                next_activity += 1
    if rows:
        flush(OrganisationActivity, "organisation_activity", "社会组织活动")
