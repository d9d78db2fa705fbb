"""Invented deliberation meetings for the demo database (one call in ``generate_demo_data``).

Two to four meetings a month over the last year (on working days, none after today),
each taking up one to three matters residents raised at the desk in the weeks before
(linked to the visit, never to one the counselling room heard), with what was decided
and one to three follow-up actions. Actions fall due after their meeting; most of
those past due were done, some not (overdue); of those still to come some were done early.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from desktop.models import (
    Category,
    DeliberationAction,
    DeliberationMatter,
    DeliberationMeeting,
    Referral,
    Room,
    Visit,
)
from desktop.services.demo.generate import (
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
    random_name,
)

MONTHS = 12
# Matters a residents' meeting takes up: shared spaces, the neighbourhood, the estate.
CATEGORIES = ["物业", "环境污染", "邻里", "征地拆迁", "其他"]
PLACES = ["东城社区议事厅", "西园社区党群服务中心", "南湖社区会议室", "北关村村委会",
          "新华社区居民之家"]
TOPICS = ["老旧小区改造意见征集", "小区停车难问题协商", "楼道杂物清理与消防通道",
          "餐饮油烟扰民问题协商", "电梯维修资金使用", "社区环境整治"]
ROLES = ["居民代表", "楼栋长", "物业代表", "网格员", "社区民警", "人大代表", "业委会委员"]
DECISIONS = ["由物业在两周内完成整改，社区跟踪督促", "成立居民监督小组，每月通报进展",
             "提交街道协调相关部门解决", "经协商，双方同意按议定方案执行",
             "召开楼栋会议征求全体住户意见后再定"]
TASKS = ["物业清理楼道杂物并张贴告示", "社区联系城管执法部门现场查看", "网格员入户征求意见",
         "业委会公示维修资金使用方案", "社区向街道提交协调申请", "组织志愿者开展环境整治"]
OWNERS = ["社区居委会", "物业公司", "网格员", "业委会", "街道城管科"]


def _meeting_days(ctx: DemoContext, today: date) -> list[date]:
    days = []
    first = (today.replace(day=1) - timedelta(days=MONTHS * 31)).replace(day=1)
    month = first
    while month <= today:
        for _ in range(ctx.rng.randint(2, 4)):
            day = month + timedelta(days=ctx.rng.randrange(28))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            if day <= today and day.month == month.month:
                days.append(day)
        month = (month + timedelta(days=32)).replace(day=1)
    return sorted(days)


def generate_meetings(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date.today()
    days = _meeting_days(ctx, today)
    counselling = (select(Referral.id).join(Room, Room.id == Referral.room_id)
                   .where(Referral.visit_id == Visit.id, Room.code == "counselling").exists())
    meetings: list[dict[str, Any]] = []
    matters: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    with ctx.database.read() as session:
        ids = {model: _next_id(session, model) for model in (
            DeliberationMeeting, DeliberationMatter, DeliberationAction)}
        used = set(session.scalars(select(DeliberationMatter.visit_id)
                                   .where(DeliberationMatter.visit_id.is_not(None))))
        for held in days:
            # Matters raised at the desk in the four weeks before the meeting.
            candidates = [row for row in session.execute(
                select(Visit.id, Visit.summary)
                .join(Category, Category.id == Visit.category_id)
                .where(Category.name.in_(CATEGORIES), Visit.deleted_at.is_(None), ~counselling,
                       Visit.visited_at >= datetime.combine(held - timedelta(days=28), time()),
                       Visit.visited_at < datetime.combine(held, time()))
                .order_by(Visit.visited_at.desc()).limit(20)) if row[0] not in used]
            meeting_id = ids[DeliberationMeeting]
            ids[DeliberationMeeting] += 1
            host = random_name(rng)
            people = [f"{host}（主持人）"] + [f"{random_name(rng)}（{rng.choice(ROLES)}）"
                                          for _ in range(rng.randint(4, 9))]
            at = datetime.combine(held, time(15, 0))
            meetings.append({
                "id": meeting_id, "held_on": held, "place": rng.choice(PLACES), "host": host,
                "topic": rng.choice(TOPICS), "participants": "\n".join(people),
                "created_at": at, "updated_at": at})
            chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))
            for position, (visit_id, summary) in enumerate(chosen or [(None, "")]):
                used.add(visit_id)
                matters.append({
                    "id": ids[DeliberationMatter], "meeting_id": meeting_id,
                    "position": position, "visit_id": visit_id,
                    "subject": summary or rng.choice(TOPICS),
                    "decision": rng.choice(DECISIONS)})
                ids[DeliberationMatter] += 1
            for position in range(rng.randint(1, 3)):
                due = held + timedelta(days=rng.randint(7, 30))
                done = None
                if due < today and rng.random() < 0.8:
                    done = held + timedelta(days=rng.randint(1, (min(due, today) - held).days))
                elif due >= today and today > held and rng.random() < 0.3:
                    done = held + timedelta(days=rng.randint(1, (today - held).days))
                actions.append({
                    "id": ids[DeliberationAction], "meeting_id": meeting_id,
                    "position": position, "task": rng.choice(TASKS),
                    "owner": rng.choice(OWNERS), "due_on": due, "done_on": done})
                ids[DeliberationAction] += 1
    with ctx.database.write() as session:
        for model, rows in ((DeliberationMeeting, meetings), (DeliberationMatter, matters),
                            (DeliberationAction, actions)):
            if rows:
                bulk_insert(session, model, rows)
        _fix_sequences(session, "deliberation_meeting", "deliberation_matter",
                       "deliberation_action")
    ctx.summary.add("议事会议", len(meetings))
    ctx.summary.add("议定落实事项", len(actions))
