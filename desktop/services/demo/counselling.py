"""Invented counselling cases for the demo database (one call in ``generate_demo_data``).

About one visit in two of those the 心理咨询室 finished becomes a case, numbered
心2026-0001 in order of intake from the ``counselling:{year}`` counters. Each has
an intake assessment and one to five sessions, most at low risk; a PHQ-9 or GAD-7
at the first session of some; a few referred to a 精神卫生中心; the older ones
closed. One case in forty was assessed high, with its crisis step, and the
leaders were told (without content), as the room's rules do it.
Rows go in with bulk inserts and explicit ids, in batches.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from desktop.models import (
    CounsellingCase,
    CounsellingSession,
    Notification,
    NotificationRead,
    Referral,
    RiskAssessment,
    Room,
    ScaleResult,
    SequenceCounter,
    Staff,
    Visit,
)
from desktop.services.admin import auth
from desktop.services.counselling.cases import format_case_no
from desktop.services.counselling.closing import CLOSE_REASONS
from desktop.services.counselling.referral_letter import KINDS as REFERRAL_KINDS
from desktop.services.counselling.risk import CRISIS_STEPS, LEADER_ROLE, NOTICE_KIND
from desktop.services.counselling.scales import SCALES, score
from desktop.services.demo.generate import (
    BATCH,
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
)

PROBLEMS = ["近期睡眠差，情绪低落，工作压力大", "与家人关系紧张，经常争吵",
            "失业后焦虑，担心生活来源", "孩子厌学，亲子沟通困难", "丧偶后情绪持续低落",
            "邻里纠纷后心情烦躁，难以平复"]
INTERVENTIONS = ["倾听与共情，帮助来访人梳理情绪来源", "认知调整：识别并替换消极的自动想法",
                 "放松训练（腹式呼吸、渐进式肌肉放松）", "家庭沟通技巧指导，布置沟通练习"]
PLANS = ["一周后复诊，记录每日情绪", "继续放松练习，两周后复诊", "邀请家属共同参加下次咨询",
         "情绪平稳，约定一个月后回访"]
HOSPITALS = ["区精神卫生中心", "市第六人民医院心理科", "区人民医院精神科"]
SHARE = 2  # one case in SHARE of the visits the room finished
HIGH_EVERY = 40  # one case in HIGH_EVERY was assessed high


def generate_cases(ctx: DemoContext) -> None:
    """Open cases from about half the visits the counselling room finished."""
    rng = ctx.rng
    today = date.today()
    with ctx.database.read() as session:
        # Whoever holds the counsellor's role, else the room's own staff.
        counsellors = list(session.scalars(
            select(Staff.id).where(Staff.active, auth.holding("counsellor")).order_by(Staff.id)))
        counsellors = counsellors or list(session.scalars(
            select(Staff.id).join(Room, Room.id == Staff.room_id)
            .where(Staff.active, Room.code == "counselling").order_by(Staff.id)))
        if not counsellors:
            return
        taken = set(session.scalars(select(CounsellingCase.visit_id).where(
            CounsellingCase.visit_id.is_not(None))))
        counters = {k: v for k, v in session.execute(
            select(SequenceCounter.key, SequenceCounter.value)
            .where(SequenceCounter.key.like("counselling:%")))}
        ids = {model: _next_id(session, model) for model in (
            CounsellingCase, CounsellingSession, RiskAssessment, ScaleResult)}
        stmt = (
            select(Visit.id, Referral.id, Visit.visited_at, Visit.person_id)
            .join(Referral, Referral.visit_id == Visit.id)
            .join(Room, Room.id == Referral.room_id)
            .where(Room.code == "counselling", Referral.status == "done",
                   Visit.deleted_at.is_(None))
            .order_by(Visit.visited_at, Visit.id)
        )
        chosen = [row for number, row in enumerate(
            session.execute(stmt.execution_options(yield_per=BATCH)))
            if row[0] not in taken and number % SHARE == 0]
    rows: dict[Any, list[dict[str, Any]]] = {}
    notices: list[dict[str, Any]] = []
    red: list[int] = []  # visits a high risk raised to 红

    def add(model: Any, row: dict[str, Any]) -> None:
        rows.setdefault(model, []).append(row)

    def flush() -> None:
        with ctx.database.write() as session:
            for model in (CounsellingCase, CounsellingSession, RiskAssessment, ScaleResult):
                if rows.get(model):
                    bulk_insert(session, model, rows[model])
            if notices:
                bulk_insert(session, Notification, notices)
            if red:
                session.execute(update(Visit).where(Visit.id.in_(red)).values(risk_level="红"))
            _fix_sequences(session, "counselling_case", "counselling_session",
                           "counselling_risk", "counselling_scale", "notification")
            for key, value in counters.items():
                row = session.get(SequenceCounter, key)
                if row is None:
                    session.add(SequenceCounter(key=key, value=value))
                elif row.value < value:
                    row.value = value
        ctx.summary.add("心理咨询个案", len(rows.get(CounsellingCase, [])))
        ctx.summary.add("心理咨询记录", len(rows.get(CounsellingSession, [])))
        rows.clear()
        notices.clear()
        red.clear()

    for number_of_case, (visit_id, referral_id, visited_at, person_id) in enumerate(chosen):
        opened = visited_at.date()
        key = f"counselling:{opened.year}"
        counters[key] = counters.get(key, 0) + 1
        case_id = ids[CounsellingCase]
        ids[CounsellingCase] += 1
        case_no = format_case_no(opened.year, counters[key])
        counsellor = rng.choice(counsellors)
        high = number_of_case % HIGH_EVERY == 0  # the first too, so a small demo has one
        intake = _assessment(rng, case_id, None, datetime.combine(opened, time(9, 30)),
                             high=False)
        add(RiskAssessment, {"id": ids[RiskAssessment], **intake})
        ids[RiskAssessment] += 1
        levels = [intake["level"]]
        age = (today - opened).days
        count = rng.randint(1, 5) if age > 7 else 1
        held = opened
        for number in range(count):
            if number:
                held = held + timedelta(days=rng.choice([7, 7, 14]))
                if held > today:
                    break
            session_id = ids[CounsellingSession]
            ids[CounsellingSession] += 1
            add(CounsellingSession, {
                "id": session_id, "case_id": case_id, "held_on": held,
                "minutes": rng.choice([45, 50, 60]), "problem": rng.choice(PROBLEMS),
                "intervention": rng.choice(INTERVENTIONS), "plan": rng.choice(PLANS),
                "counsellor_id": counsellor,
                "created_at": datetime.combine(held, time(11, 0)),
                "updated_at": datetime.combine(held, time(11, 0))})
            risk = _assessment(rng, case_id, session_id, datetime.combine(held, time(10, 50)),
                               high=high and number == 0)
            add(RiskAssessment, {"id": ids[RiskAssessment], **risk})
            ids[RiskAssessment] += 1
            levels.append(risk["level"])
            drawn = number == 0 and rng.random() < 0.6
            if drawn or (number == 0 and number_of_case == 0):
                # The first case has a scale whatever the draw, so a small demo shows one
                # (drawn from its own stream: the rest of the demo stays as it was).
                source = rng if drawn else random.Random(case_id)
                code = source.choice(list(SCALES))
                items = len(SCALES[code].items)
                result = score(code, [source.choices([0, 1, 2, 3], [5, 4, 2, 1])[0]
                                      for _ in range(items)])
                add(ScaleResult, {
                    "id": ids[ScaleResult], "case_id": case_id, "session_id": session_id,
                    "scale": result.scale, "answers": ",".join(map(str, result.answers)),
                    "total": result.total, "band": result.band, "flagged": result.flagged})
                ids[ScaleResult] += 1
            if risk["level"] == "高":
                red.append(visit_id)
                notices.append({
                    "role": LEADER_ROLE, "kind": NOTICE_KIND,
                    "text": f"心理咨询室有一名来访人评估为高风险，请关注（编号 {case_no}）",
                    "created_at": datetime.combine(held, time(10, 55))})
        highest = max(levels, key=["低", "中", "高"].index)
        referred = high or rng.random() < 0.05
        closed = age > 21 and rng.random() < 0.85
        add(CounsellingCase, {
            "id": case_id, "case_no": case_no, "year": opened.year, "seq": counters[key],
            "person_id": person_id, "visit_id": visit_id, "referral_id": referral_id,
            "counsellor_id": counsellor, "opened_on": opened,
            "intake_problem": rng.choice(PROBLEMS), "status": "closed" if closed else "open",
            "highest_risk": highest,
            "referred_to": rng.choice(HOSPITALS) if referred else None,
            "referred_kind": rng.choice(REFERRAL_KINDS[:2]) if referred else None,
            "referred_on": opened + timedelta(days=1) if referred else None,
            "referral_reason": "评估存在较高风险，建议专科进一步诊治" if referred else None,
            "closed_on": min(held + timedelta(days=7), today) if closed else None,
            "close_reason": (CLOSE_REASONS[2] if referred else CLOSE_REASONS[0])
            if closed else None,
            "created_at": datetime.combine(opened, time(9, 30)),
            "updated_at": datetime.combine(held, time(11, 0))})
        if len(rows[CounsellingCase]) >= BATCH:
            flush()
    flush()
    _leaders_read_all_but_the_newest(ctx)


def _leaders_read_all_but_the_newest(ctx: DemoContext) -> None:
    """The leaders have read the older notices; the newest waits on their desks."""
    with ctx.database.write() as session:
        notices = list(session.scalars(select(Notification.id).where(
            Notification.role == LEADER_ROLE, Notification.kind == NOTICE_KIND)
            .order_by(Notification.id)))
        leaders = list(session.scalars(select(Staff.id).where(
            Staff.active, auth.holding(LEADER_ROLE))))
        read = {(n, s) for n, s in session.execute(
            select(NotificationRead.notification_id, NotificationRead.staff_id))}
        rows = [{"notification_id": n, "staff_id": s, "read_at": datetime.now()}
                for n in notices[:-1] for s in leaders if (n, s) not in read]
        if rows:
            bulk_insert(session, NotificationRead, rows)


def _assessment(rng: random.Random, case_id: int, session_id: int | None, at: datetime, *,
                high: bool) -> dict[str, Any]:
    """Mostly 低; some 中; 高 only when asked for, with the crisis step taken."""
    def level() -> str:
        return rng.choices(["低", "中"], [85, 15])[0]

    self_harm, suicide, harm_others = level(), level(), "低"
    if high:
        suicide = "高"
    top = max((self_harm, suicide, harm_others), key=["低", "中", "高"].index)
    return {"case_id": case_id, "session_id": session_id, "assessed_at": at,
            "self_harm": self_harm, "suicide": suicide, "harm_others": harm_others,
            "level": top, "crisis_step": CRISIS_STEPS[0] if high else None,
            "crisis_note": "已陪同至区精神卫生中心就诊，并通知其家属" if high else None}
