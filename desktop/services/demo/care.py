"""Invented care register for the demo database (one call in ``generate_demo_data``).

Residents are taken from those already known: about half of those whose visit went
to the 关爱工作室 in the last two years (registered on that day, linked to the visit),
and a few others (registered on a day of the last year). Each is in one care group,
sometimes two (the elderly in 独居/空巢老人), with a visit frequency; home visits
follow from registration at about that frequency up to today, some with help given.
``next_due_on`` is what the room's own rule makes of the last visit, so the list of
visits due has entries due today, due soon and overdue; a few entries ended.
Rows go in with bulk inserts and explicit ids, in batches.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from desktop.models import CareEntry, CareGroup, CareVisit, Person, Referral, Room, Staff, Visit
from desktop.services.care.access import CARE_ROOM
from desktop.services.care.entries import FREQUENCIES, GROUPS
from desktop.services.care.schedule import next_visit_due
from desktop.services.care.visits import HELP_KINDS
from desktop.services.demo.generate import (
    BATCH,
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
    random_mobile,
    random_name,
)

MAX_ENTRIES = 4000  # the register of a large centre; its visits stay a few hundred thousand
OTHERS_EVERY = 97  # one resident in OTHERS_EVERY is put on the register besides the routed
ROUTED_SHARE = 2  # one in ROUTED_SHARE of the visits routed to the care room
HISTORY_DAYS = 730
FREQUENCY_WEIGHTS = {"每周": 1, "每两周": 2, "每月": 5, "每季度": 2}
OVERDUE_EVERY = 9  # one active entry in OVERDUE_EVERY was left unvisited for a while
DUE_TODAY_EVERY = 23  # one in DUE_TODAY_EVERY was last visited a frequency ago today
END_EVERY = 12
END_REASONS = ["迁出本辖区", "情况好转，不再需要关爱", "已去世", "由子女接走赡养"]
FINDINGS = {
    "独居/空巢老人": ["身体尚可，家中整洁，独自生活能自理", "近期血压偏高，已提醒按时服药",
                 "家中暖气不热，已联系物业检修", "老人反映子女很少回家，情绪有些低落"],
    "留守/困境儿童": ["孩子学习正常，由祖父母照看", "孩子近期成绩下滑，已与学校老师沟通"],
    "残疾人": ["行动不便，家属照料到位", "辅助器具损坏，协助申请更换"],
    "刑满释放人员": ["已找到临时工作，生活基本稳定", "暂无固定收入，介绍参加技能培训"],
    "社区矫正对象": ["按时报到，表现良好", "思想稳定，无异常情况"],
    "严重精神障碍患者": ["按时服药，病情稳定", "家属反映近期睡眠不好，已联系社区医生随访"],
    "低保/特困": ["生活困难，低保金按时发放", "家中老人住院，经济压力较大"],
}
HELP = {
    "物资": ["米面油各一份", "冬季棉被一床", "生活用品一箱"],
    "资金": ["临时救助金 500 元", "节日慰问金 300 元"],
    "政策": ["协助申请低保复核", "讲解医疗救助政策", "协助办理残疾人补贴"],
    "心理": ["陪同聊天，进行心理疏导", "联系志愿者定期陪伴"],
    "其他": ["协助联系维修家中电路", "帮助预约社区医生上门"],
}
RELATIONS = ["儿子", "女儿", "配偶", "侄子", "孙子"]


def _age(id_number: str | None, today: date) -> int | None:
    if not id_number or len(id_number) != 18:
        return None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _groups(rng: random.Random, age: int | None) -> list[str]:
    if age is not None and age < 18:
        return ["留守/困境儿童"]
    others = [g for g in GROUPS if g not in ("独居/空巢老人", "留守/困境儿童")]
    if age is not None and age >= 60:
        first = "独居/空巢老人"
        return [first] + ([rng.choice(["残疾人", "低保/特困"])] if rng.random() < 0.2 else [])
    return [rng.choice(others)]


def generate_care(ctx: DemoContext) -> None:
    """Put residents on the care register and visit them up to today."""
    rng = ctx.rng
    today = date.today()
    since = today - timedelta(days=HISTORY_DAYS)
    with ctx.database.read() as session:
        carers: list[int | None] = list(session.scalars(
            select(Staff.id).join(Room, Room.id == Staff.room_id)
            .where(Staff.active, Room.code == CARE_ROOM).order_by(Staff.id))) or [None]
        taken_people = set(session.scalars(select(CareEntry.person_id)))
        taken_visits = set(session.scalars(select(CareEntry.visit_id)
                                           .where(CareEntry.visit_id.is_not(None))))
        ids = {model: _next_id(session, model) for model in (CareEntry, CareVisit)}
        routed = session.execute(
            select(Visit.id, Visit.person_id, Visit.visited_at, Visit.community_id,
                   Visit.grid_id)
            .join(Referral, Referral.visit_id == Visit.id)
            .join(Room, Room.id == Referral.room_id)
            .where(Room.code == CARE_ROOM, Visit.deleted_at.is_(None),
                   Visit.visited_at >= datetime.combine(since, time()))
            .order_by(Visit.visited_at.desc(), Visit.id.desc())
            .limit(MAX_ENTRIES * ROUTED_SHARE * 2)).all()
        others = session.execute(
            select(Person.id, Person.created_at)
            .where(Person.deleted_at.is_(None), Person.id % OTHERS_EVERY == 5)
            .order_by(Person.id.desc()).limit(MAX_ENTRIES)).all()
        # (person, visit or None, registered on, community, grid)
        picked: list[tuple[int, int | None, date, int | None, int | None]] = []
        for number, (visit_id, person_id, at, community_id, grid_id) in enumerate(routed):
            if number % ROUTED_SHARE or person_id in taken_people or visit_id in taken_visits:
                continue
            taken_people.add(person_id)
            picked.append((person_id, visit_id, at.date(), community_id, grid_id))
        for person_id, created in others:
            if person_id in taken_people:
                continue
            taken_people.add(person_id)
            start = max(since + timedelta(days=HISTORY_DAYS // 2), created.date())
            registered = start + timedelta(days=rng.randrange(max((today - start).days, 0) + 1))
            community_id, grid_id = rng.choice(ctx.grids) if ctx.grids else (None, None)
            picked.append((person_id, None, min(registered, today), community_id, grid_id))
        picked = picked[:MAX_ENTRIES]
        people = {pid: (number, phone) for pid, number, phone in session.execute(
            select(Person.id, Person.id_number, Person.phone)
            .where(Person.id.in_([p[0] for p in picked])))} if picked else {}
    entries: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []

    def flush() -> None:
        with ctx.database.write() as session:
            if entries:
                bulk_insert(session, CareEntry, entries)
            if groups:
                bulk_insert(session, CareGroup, groups)
            if visits:
                bulk_insert(session, CareVisit, visits)
            _fix_sequences(session, "care_entry", "care_visit")
        ctx.summary.add("关爱对象", len(entries))
        ctx.summary.add("关爱走访", len(visits))
        entries.clear()
        groups.clear()
        visits.clear()

    for number, (person_id, linked, registered, community_id, grid_id) in enumerate(picked):
        id_number, phone = people.get(person_id, (None, None))
        names = _groups(rng, _age(id_number, today))
        label = rng.choices(list(FREQUENCY_WEIGHTS), list(FREQUENCY_WEIGHTS.values()))[0]
        frequency = FREQUENCIES[label]
        entry_id = ids[CareEntry]
        ids[CareEntry] += 1
        carer = rng.choice(carers)
        days = _visit_days(rng, registered, frequency, today, number)
        ended = None
        if number % END_EVERY == END_EVERY - 1 and days:
            ended = min(days[-1] + timedelta(days=rng.randint(0, frequency)), today)
        for day in days:
            kind = rng.choice(HELP_KINDS) if rng.random() < 0.4 else None
            visits.append({
                "id": ids[CareVisit], "entry_id": entry_id, "visited_on": day,
                "staff_id": carer, "findings": rng.choice(FINDINGS[names[0]]),
                "help_kind": kind, "help_text": rng.choice(HELP[kind]) if kind else None})
            ids[CareVisit] += 1
        last = max(days[-1], registered) if days else registered
        guardian = rng.random() < 0.5
        entries.append({
            "id": entry_id, "person_id": person_id, "visit_id": linked,
            "phone": phone, "address": None,
            "guardian_name": random_name(rng) if guardian else None,
            "guardian_relation": rng.choice(RELATIONS) if guardian else None,
            "guardian_phone": random_mobile(rng) if guardian else None,
            "community_id": community_id, "grid_id": grid_id, "frequency_days": frequency,
            "staff_id": carer, "registered_on": registered,
            "next_due_on": next_visit_due(last, frequency), "ended_on": ended,
            "end_reason": rng.choice(END_REASONS) if ended else None, "notes": None,
            "created_at": datetime.combine(registered, time(10, 0)),
            "updated_at": datetime.combine(ended or last, time(16, 0))})
        groups.extend({"entry_id": entry_id, "name": name} for name in names)
        if len(entries) >= BATCH // 5:
            flush()
    flush()


def _visit_days(rng: random.Random, registered: date, frequency: int, today: date,
                number: int) -> list[date]:
    """Visit days from registration on, about ``frequency`` apart, none after today.

    One entry in ``OVERDUE_EVERY`` was left unvisited at the end (overdue now); one in
    ``DUE_TODAY_EVERY`` had its last visit a frequency ago, so it is due today.
    """
    days: list[date] = []
    day = registered + timedelta(days=rng.randint(0, 2))
    while day <= today:
        days.append(day)
        day = day + timedelta(days=frequency + rng.randint(-2, 3))
    if number % OVERDUE_EVERY == 1 and len(days) > 1:
        days.pop()
        while days and days[-1] + timedelta(days=frequency) >= today:
            days.pop()
    elif number % DUE_TODAY_EVERY == 3:
        due_today = today - timedelta(days=frequency)
        while days and days[-1] >= due_today:
            days.pop()
        if due_today >= registered:
            days.append(due_today)
    return days
