"""Demo data for the reception and queue features: routes, transfers, escalations.

Runs after the visits step of ``demo-data`` and works on the referrals it has
just written (those with an id above the last one that has events):

* collective visits get their representative (the registering person);
* tickets closed as "transferred" become real transfers: the ticket ends as
  ``transferred`` and a new ticket is issued in another room, numbered from
  the room's daily counter;
* every ticket gets its events (issued, called, started, finished, transfer)
  from its recorded times, written with INSERT … SELECT, so a million visits
  stay a matter of seconds;
* tickets closed as "referred to a department" get their 吹哨报到 record, and
  red-risk visits are escalated (B/C/D); old items are mostly closed, some
  remain open past their due date so the overdue list has something to show;
* a few of today's waiting tickets are put on hold;
* the hall display gets a few notices (政策宣传): some shown now, one over, one to come;
* the self-service kiosk (自助取号): two of today's tickets were taken there (and
  registered at the desk under the same number); the kiosk takes three more, two of them
  still waiting for the desk and one cancelled.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, func, insert, literal, select, update

from desktop.models import (
    Category,
    Escalation,
    KioskTicket,
    Notice,
    Person,
    Referral,
    ReferralEvent,
    Room,
    SequenceCounter,
    Visit,
)
from desktop.services.admin import auth
from desktop.services.reception import kiosk
from desktop.services.reception.notices import NoticeInput, save_notice
from desktop.services.reception.queue import RESULTS

if TYPE_CHECKING:
    from desktop.services.demo.generate import DemoContext

DEPARTMENTS = ["区住建局", "区人社局", "区市场监管局", "区生态环境局", "区城管执法局",
               "区自然资源局", "区卫健委", "派出所"]
TRANSFER_REASONS = ["当事人情绪激动，需先进行心理疏导", "涉及治安因素，需警民联络室介入",
                    "家庭困难，需关爱帮扶", "需社会组织提供专业服务", "经初步了解属调解范围",
                    "属政策咨询，转综合受理窗口答复"]
LEVEL_REASONS = {"B": "涉及多户群众，需街道统筹协调", "C": "涉及多个部门职责，需区级协调",
                 "D": "群体性诉求，可能引发极端事件，需市级关注"}
HOLD_NOTES = ["等待补充材料", "等待另一方当事人到场", "来访人暂时离开"]
# title, text, first day and last day shown (days from today; None: until ended)
NOTICES: list[tuple[str, str, int, int | None]] = [
    ("有矛盾找调解，调解不收费",
     "人民调解委员会调解民间纠纷不收取任何费用。调解达成的协议具有法律约束力，"
     "双方可在协议生效后30日内共同向人民法院申请司法确认。", -30, None),
    ("依法有序反映诉求",
     "来访请携带本人身份证件和相关材料，先到综合受理窗口登记取号，"
     "工作人员将按事项分流到相应科室办理。集体反映同一诉求的，请推选不超过5名代表。", -10, None),
    ("防范电信网络诈骗",
     "不听、不信、不转账。凡自称公检法要求把钱转到“安全账户”的都是诈骗。"
     "遇到可疑情况请拨打110，或到警民联络室咨询。", -3, 25),
    ("心理咨询免费预约",
     "心理咨询室每周二、周四下午开放，提供免费心理疏导，谈话内容严格保密。"
     "需要时请到综合受理窗口取号。", -1, 60),
    ("国庆假期值班安排", "假期中心照常值班，请从东门进入。", -70, -60),
    ("元旦假期服务安排", "元旦当天休息，次日起照常办公。", 20, 31),
]


def reception_demo(ctx: DemoContext) -> None:
    with ctx.database.read() as session:
        low = int(session.scalar(select(func.coalesce(func.max(ReferralEvent.referral_id), 0)))
                  or 0)
    _representatives(ctx)
    _events(ctx, low)
    _transfers(ctx, low)
    _escalations(ctx, low)
    _holds(ctx, low)
    _notices(ctx)
    _kiosk_tickets(ctx)


def _representatives(ctx: DemoContext) -> None:
    with ctx.database.write() as session:
        person = select(Person.name).where(Person.id == Visit.person_id).scalar_subquery()
        phone = select(Person.phone).where(Person.id == Visit.person_id).scalar_subquery()
        result = session.execute(
            update(Visit)
            .where(Visit.visit_type == "集体", Visit.representative_name.is_(None))
            .values(representative_name=person, representative_phone=phone)
            .execution_options(synchronize_session=False)
        )
    ctx.summary.add("集体访代表人", int(getattr(result, "rowcount", 0) or 0))


def _events(ctx: DemoContext, low: int) -> None:
    """One event per recorded step of every new ticket, straight from its times."""
    r = Referral
    result_text = case(
        *[(r.result == key, literal(text)) for key, text in RESULTS.items()], else_=None
    )
    steps = [
        ("issued", None, "waiting", r.created_at, None, r.id > low),
        ("call", "waiting", "called", r.called_at, r.handled_by_id,
         (r.id > low) & r.called_at.is_not(None)),
        ("start", "called", "serving", r.started_at, r.handled_by_id,
         (r.id > low) & r.started_at.is_not(None)),
        ("finish", "serving", "done", r.finished_at, r.handled_by_id,
         (r.id > low) & (r.status == "done") & (r.result != "transferred")),
    ]
    columns = ["referral_id", "visit_id", "action", "from_status", "to_status", "at",
               "staff_id", "reason"]
    with ctx.database.write() as session:
        before_count = session.scalar(select(func.count()).select_from(ReferralEvent)) or 0
        for action, before, after, at, staff, condition in steps:
            reason = result_text if action == "finish" else literal(None)
            source = select(
                r.id, r.visit_id, literal(action), literal(before), literal(after), at,
                staff if staff is not None else literal(None), reason,
            ).where(condition)
            session.execute(insert(ReferralEvent).from_select(columns, source))
        session.execute(
            update(Referral).where(Referral.id > low, Referral.called_at.is_not(None))
            .values(call_count=1).execution_options(synchronize_session=False)
        )
        after_count = session.scalar(select(func.count()).select_from(ReferralEvent)) or 0
        total = after_count - before_count
    ctx.summary.add("办理轨迹事件", int(total))


def _transfers(ctx: DemoContext, low: int) -> None:
    from desktop.services.demo.generate import _fix_sequences, _next_id, bulk_insert

    rng = ctx.rng
    now = datetime.now().replace(microsecond=0)
    with ctx.database.read() as session:
        rows = session.execute(
            select(Referral.id, Referral.visit_id, Referral.room_id, Referral.finished_at,
                   Referral.handled_by_id)
            .where(Referral.id > low, Referral.status == "done",
                   Referral.result == "transferred")
            .order_by(Referral.id)
        ).all()
        if not rows:
            return
        counters = dict(session.execute(
            select(SequenceCounter.key, SequenceCounter.value)
            .where(SequenceCounter.key.like("ticket:%"))
        ).all())
        rooms = dict(session.execute(select(Room.id, Room.ticket_prefix)).all())
        next_referral = _next_id(session, Referral)
    room_ids = list(rooms)
    referrals: list[dict] = []
    events: list[dict] = []
    old_ids: list[int] = []
    for old_id, visit_id, room_id, finished, staff in rows:
        at = finished or now
        target = rng.choice([r for r in room_ids if r != room_id])
        reason = rng.choice(TRANSFER_REASONS)
        key = f"ticket:{target}:{at:%Y%m%d}"
        counters[key] = counters.get(key, 0) + 1
        seq = counters[key]
        recent = at.date() == now.date() and (now - at) < timedelta(minutes=40)
        called = None if recent else at + timedelta(minutes=rng.randint(1, 20))
        started = None if recent else called + timedelta(minutes=rng.randint(0, 3))  # type: ignore[operator]
        done = None if recent else started + timedelta(minutes=rng.randint(10, 50))  # type: ignore[operator]
        result = None if recent else rng.choice(["resolved", "resolved", "case_opened", "left"])
        new_id = next_referral
        next_referral += 1
        referrals.append({
            "id": new_id, "visit_id": visit_id, "room_id": target, "ticket_date": at.date(),
            "ticket_seq": seq, "ticket_no": f"{rooms[target]}-{seq:03d}",
            "status": "waiting" if recent else "done", "called_at": called,
            "started_at": started, "finished_at": done, "result": result,
            "call_count": 0 if recent else 1, "transferred_from_id": old_id,
            "created_at": at, "updated_at": done or at,
        })
        old_ids.append(old_id)
        events.append({"referral_id": old_id, "visit_id": visit_id, "action": "transfer",
                       "from_status": "serving", "to_status": "transferred", "at": at,
                       "staff_id": staff, "to_room_id": target, "reason": reason})
        events.append({"referral_id": new_id, "visit_id": visit_id, "action": "transfer_in",
                       "from_status": None, "to_status": "waiting", "at": at,
                       "staff_id": staff, "to_room_id": None, "reason": reason})
        if not recent:
            for action, before, after, when in (("call", "waiting", "called", called),
                                                ("start", "called", "serving", started),
                                                ("finish", "serving", "done", done)):
                events.append({"referral_id": new_id, "visit_id": visit_id, "action": action,
                               "from_status": before, "to_status": after, "at": when,
                               "staff_id": None, "to_room_id": None,
                               "reason": RESULTS.get(result or "") if action == "finish"
                               else None})
    with ctx.database.write() as session:
        for start in range(0, len(old_ids), 5000):
            session.execute(
                update(Referral).where(Referral.id.in_(old_ids[start:start + 5000]))
                .values(status="transferred").execution_options(synchronize_session=False)
            )
        for start in range(0, len(referrals), 5000):
            bulk_insert(session, Referral, referrals[start:start + 5000])
        for start in range(0, len(events), 5000):
            bulk_insert(session, ReferralEvent, events[start:start + 5000])
        _fix_sequences(session, "referral")
        for key, value in counters.items():
            row = session.get(SequenceCounter, key)
            if row is None:
                session.add(SequenceCounter(key=key, value=value))
            elif row.value < value:
                row.value = value
    ctx.summary.add("转办", len(referrals))


def _escalations(ctx: DemoContext, low: int) -> None:
    from desktop.services.demo.generate import bulk_insert

    rng = ctx.rng
    today = date.today()
    with ctx.database.read() as session:
        departments = session.execute(
            select(Referral.id, Referral.visit_id, Referral.finished_at, Referral.handled_by_id)
            .where(Referral.id > low, Referral.result == "referred_out")
        ).all()
        red = session.execute(
            select(Visit.id, func.min(Referral.created_at))
            .join(Referral, Referral.visit_id == Visit.id)
            .where(Referral.id > low, Visit.risk_level == "红")
            .group_by(Visit.id)
        ).all()
    rows: list[dict] = []

    def add(visit_id: int, referral_id: int | None, at: datetime, **values: object) -> None:
        due = at.date() + timedelta(days=rng.choice([3, 5, 7, 15]))
        open_ = due >= today or rng.random() < 0.06  # a few stay open past their date
        closed = None if open_ else datetime.combine(
            min(due, today), datetime.min.time()) + timedelta(hours=rng.randint(9, 17))
        rows.append({
            "visit_id": visit_id, "referral_id": referral_id, "due_date": due,
            "status": "open" if open_ else "closed", "raised_at": at, "closed_at": closed,
            "outcome": None if open_ else "已办结并反馈来访人", "created_at": at,
            "updated_at": closed or at, "level": None, "department": None,
            "raised_by_id": None, **values,
        })

    for referral_id, visit_id, finished, staff in departments:
        at = finished or datetime.now()
        add(visit_id, referral_id, at, kind="department", department=rng.choice(DEPARTMENTS),
            reason="办结时移送职能部门（吹哨报到）", raised_by_id=staff)
    for visit_id, created in red:
        if rng.random() < 0.6:
            level = rng.choices(["B", "C", "D"], [70, 25, 5])[0]
            add(visit_id, None, created + timedelta(minutes=rng.randint(5, 60)), kind="level",
                level=level, reason=LEVEL_REASONS[level])
    with ctx.database.write() as session:
        for start in range(0, len(rows), 5000):
            bulk_insert(session, Escalation, rows[start:start + 5000])
    ctx.summary.add("上报与部门移送", len(rows))


def _holds(ctx: DemoContext, low: int) -> None:
    today = date.today()
    with ctx.database.read() as session:
        waiting = session.execute(
            select(Referral.id, Referral.visit_id, Referral.created_at)
            .where(Referral.id > low, Referral.status == "waiting",
                   Referral.ticket_date == today)
            .order_by(Referral.id)
        ).all()
    chosen = [row for row in waiting if ctx.rng.random() < 0.1]
    if not chosen:
        return
    with ctx.database.write() as session:
        for referral_id, visit_id, created in chosen:
            note = ctx.rng.choice(HOLD_NOTES)
            at = created + timedelta(minutes=ctx.rng.randint(1, 10))
            session.execute(update(Referral).where(Referral.id == referral_id)
                            .values(status="on_hold", note=note, updated_at=at))
            session.execute(insert(ReferralEvent).values(
                referral_id=referral_id, visit_id=visit_id, action="hold",
                from_status="waiting", to_status="on_hold", at=at, reason=note))
    ctx.summary.add("暂缓", len(chosen))


def _notices(ctx: DemoContext) -> None:
    """The hall display's 政策宣传, once (a second run keeps what the centre has)."""
    today = date.today()
    with ctx.database.write() as session:
        if session.scalar(select(func.count()).select_from(Notice)):
            return
        for title, body, first, last in NOTICES:
            save_notice(session, None, NoticeInput(
                title, body, today + timedelta(days=first),
                None if last is None else today + timedelta(days=last)))
    ctx.summary.add("政策宣传", len(NOTICES))


# Minutes before now each kiosk number still at the kiosk was taken, and its fate.
KIOSK_TICKETS: list[tuple[int, str]] = [(31, "cancelled"), (9, "waiting"), (3, "waiting")]
KIOSK_CATEGORIES = ["物业", "劳动争议/欠薪", "其他"]
# How many of today's tickets came from the kiosk (registered at the desk since).
KIOSK_REGISTERED = 2


def _kiosk_tickets(ctx: DemoContext) -> None:
    """Numbers taken at the kiosk today: registered at the desk, waiting, cancelled."""
    now = datetime.now().replace(microsecond=0)
    start = datetime.combine(now.date(), datetime.min.time())
    with ctx.database.write() as session:
        # Two of today's visitors took their number at the kiosk: the ticket the desk gave
        # them is the kiosk's (same room, day and number), taken when it was issued.
        rows = session.execute(
            select(Referral.id, Referral.visit_id, Referral.room_id, Referral.ticket_date,
                   Referral.ticket_seq, Referral.ticket_no, Referral.created_at,
                   Visit.category_id, Visit.received_by_id)
            .join(Visit, Visit.id == Referral.visit_id)
            .where(Referral.ticket_date == now.date(),
                   Referral.transferred_from_id.is_(None),
                   ~select(KioskTicket.id).where(KioskTicket.referral_id == Referral.id)
                   .exists())
            .order_by(Referral.ticket_seq).limit(KIOSK_REGISTERED)).all()
        for rid, vid, room, day, seq, no, at, category, staff in rows:
            session.add(KioskTicket(
                room_id=room, category_id=category, ticket_date=day, ticket_seq=seq,
                ticket_no=no, taken_at=at, status="registered", visit_id=vid, referral_id=rid,
                closed_at=at, closed_by_id=staff))
        categories = dict(session.execute(
            select(Category.name, Category.id).where(Category.name.in_(KIOSK_CATEGORIES),
                                                     Category.active)).all())
    desk_actor = ctx.database.actor
    taken: list[tuple[int, str]] = []
    ctx.database.actor = auth.KIOSK_ACTOR
    try:
        for (minutes, fate), name in zip(KIOSK_TICKETS, KIOSK_CATEGORIES, strict=True):
            if name in categories:
                at = max(now - timedelta(minutes=minutes), start)
                ticket = kiosk.take_ticket(ctx.database, categories[name], now=at)
                taken.append((ticket.ticket_id, fate))
    finally:
        ctx.database.actor = desk_actor
    for ticket_id, fate in taken:
        if fate == "cancelled":
            kiosk.cancel_ticket(ctx.database, ticket_id, now=now)
    ctx.summary.add("自助取号", len(rows) + len(taken))
