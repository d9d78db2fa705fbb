"""Invented data for trying every screen and for benchmarks (``python -m desktop demo-data``).

Everything is made up: names are drawn from common surnames and given-name
characters, 身份证号 carry a valid check digit but random birth dates and
sequence numbers. Rows are written in batches with explicit ids, so a million
visits take minutes, not hours. The same seed gives the same data.
"""

from __future__ import annotations

import random
import secrets
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import ColumnDefault

from desktop.db import Database
from desktop.models import (
    Category,
    Community,
    Grid,
    Person,
    PersonFormerName,
    Referral,
    Room,
    SequenceCounter,
    Staff,
    Visit,
)
from desktop.services import numbering
from desktop.services.admin import auth
from desktop.services.admin.settings import CentreSettings, save_settings
from desktop.services.admin.setup import needs_wizard
from desktop.services.demo.reception import reception_demo
from desktop.services.errors import ValidationError
from desktop.services.validation import make_id_number

Progress = Callable[[int, int], None]
BATCH = 5000
# The largest demo the command line makes (the benchmarks use a million visits).
MAX_DEMO_VISITS = 1_000_000

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国志红玉兰春梅海燕德成"
    "晓东雪梅丽华永庆桂芝淑珍宏伟子涵浩然欣怡梓萱宇轩佳怡思远晨曦振华国庆建华秀珍玉珍凤英"
)
REGIONS = ["110105", "110108", "310104", "320102", "330106", "340104", "350203", "370202",
           "410105", "420106", "430104", "440106", "440305", "500103", "510107", "610113"]
STREETS = ["建设路", "人民路", "解放街", "和平里", "幸福小区", "东风路", "文化街", "光明巷",
           "滨河路", "新华街", "朝阳路", "团结里"]
COMMUNITIES = {
    "东城社区": ["第一网格", "第二网格", "第三网格"],
    "西园社区": ["第一网格", "第二网格"],
    "南湖社区": ["第一网格", "第二网格", "第三网格", "第四网格"],
    "北关村": ["一组网格", "二组网格"],
    "新华社区": ["第一网格", "第二网格", "第三网格"],
}
STAFF = [
    ("李慧敏", "receptionist", "window"), ("周建华", "receptionist", "window"),
    ("王志刚", "mediator", "mediation"), ("陈秀兰", "mediator", "mediation"),
    ("赵国庆", "mediator", "mediation"), ("孙晓东", "room_staff", "counselling"),
    ("刘海燕", "room_staff", "police"), ("杨春梅", "room_staff", "care"),
    ("吴振华", "room_staff", "social"), ("郑淑珍", "admin", None),
]
MATTERS: dict[str, list[str]] = {
    "婚姻家庭": ["夫妻因家庭琐事长期争吵，女方要求调解离婚财产分割",
             "子女不履行赡养义务，老人要求每月支付赡养费",
             "兄弟姐妹因父母房产继承发生争执"],
    "邻里": ["楼上住户装修噪音扰民，多次协商未果", "邻居占用公共楼道堆放杂物，影响通行",
           "楼上漏水导致楼下天花板受损，双方就赔偿发生争议"],
    "房屋宅基地": ["两户宅基地界址不清，因建房发生纠纷", "房屋租赁到期，房东不退押金"],
    "土地承包": ["承包地流转费用未按约定支付", "土地承包经营权边界争议"],
    "物业": ["业主对物业费上涨有异议，拒缴物业费", "小区电梯长期故障，物业未及时维修"],
    "劳动争议/欠薪": ["建筑工地拖欠农民工工资三个月", "公司未签劳动合同即辞退员工，要求经济补偿"],
    "损害赔偿": ["电动车与行人相撞，就医疗费赔偿发生争议", "饲养的犬只咬伤邻居，双方协商赔偿"],
    "医疗": ["患者家属对诊所治疗结果不满，要求赔偿"],
    "消费": ["购买的家电质量问题，商家拒绝退换", "预付卡商家关门，消费者要求退款"],
    "合同债务": ["个人借款到期不还，出借人要求还款", "装修合同工程质量纠纷"],
    "征地拆迁": ["对拆迁补偿标准有异议，要求政策解释"],
    "环境污染": ["附近餐馆油烟扰民", "工厂夜间施工噪音影响休息"],
    "心理疏导": ["因家庭变故情绪低落，希望得到心理疏导"],
    "治安求助": ["反映小区附近有可疑人员，请求加强巡逻", "疑似遭遇电信诈骗，咨询如何处理"],
    "困难帮扶": ["独居老人生活困难，申请关爱帮扶", "残疾人家庭申请临时救助"],
    "社会组织服务": ["社区志愿服务队咨询登记事宜"],
    "其他": ["咨询户籍办理相关政策", "反映路灯损坏，请求协调维修"],
}
SOURCES = ["来访"] * 12 + ["来信", "12345热线", "12345热线", "网格员上报", "网格员上报", "网上",
                            "上级转办", "部门移送"]
DONE_RESULTS = ["resolved", "resolved", "resolved", "case_opened", "transferred", "referred_out",
                "left"]


@dataclass(frozen=True)
class DemoAccount:
    """An account made for trying one role; its password is shown once, never kept."""

    role_label: str
    login: str
    password: str
    name: str


# The member of staff who gets the demo account of each role (the leader is added).
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("receptionist", "李慧敏"), ("room_staff", "杨春梅"), ("mediator", "王志刚"),
    ("counsellor", "孙晓东"), ("police", "刘海燕"), ("admin", "郑淑珍"), ("leader", "钱卫东"),
]


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def lines(self) -> list[str]:
        return [f"{what}：{n}" for what, n in self.counts.items()]


@dataclass
class DemoContext:
    """What the steps of the generator share."""

    database: Database
    rng: random.Random
    summary: DemoSummary
    rooms: dict[str, int] = field(default_factory=dict)
    room_prefix: dict[int, str] = field(default_factory=dict)
    categories: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    grids: list[tuple[int, int]] = field(default_factory=list)
    staff: dict[str, list[int | None]] = field(default_factory=dict)


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def random_mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + f"{rng.randrange(10**9):09d}"


def _next_id(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def bulk_insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """``rows`` written by the table's own INSERT, one executemany per shape of row.

    The ORM's bulk insert wrote a versioned model (case, party, session ...) one
    statement per row; demo-data at a million visits spent most of its time there.
    """
    table = model if isinstance(model, Table) else model.__table__
    extra = {"version": 1} if "version" in table.c else {}
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        full = {**extra, **row}
        shapes.setdefault(tuple(sorted(full)), []).append(full)
    for keys, shape in shapes.items():
        if not _insert_raw(session, table, keys, shape):
            session.execute(table.insert(), shape)


def _insert_raw(session: Session, table: Table, keys: tuple[str, ...],
                rows: list[dict[str, Any]]) -> bool:
    """On SQLite: the same INSERT handed to the driver with the values already converted
    by the columns' own types; ``False`` where that does not apply.

    SQLAlchemy's executemany builds a parameter dict per row and formats each date and
    time in Python, which at a million visits took longer than SQLite's writing.
    """
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        return False  # psycopg's executemany pipelines the batch itself
    # Columns left out that have a constant default get it, as SQLAlchemy would.
    defaults = {column.key: column.default.arg for column in table.c
                if column.key not in keys and isinstance(column.default, ColumnDefault)
                and column.default.is_scalar}
    given = [*keys, *defaults]
    compiled = table.insert().compile(dialect=dialect, column_keys=given)
    order = compiled.positiontup
    if not compiled.positional or order is None or sorted(order) != sorted(given):
        return False  # a default computed by SQLAlchemy (a function): let it do the insert
    columns = []
    for key in order:
        values = [defaults[key]] * len(rows) if key in defaults else [row[key] for row in rows]
        process = _fast(table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
        columns.append(values if process is None else list(map(process, values)))
    connection.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))
    return True


_SAMPLE_TIMES = (datetime(2026, 12, 1, 9, 5, 7, 12), datetime(2026, 12, 1))


def _fast(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """``process``, or for SQLite's date-time column one that gives the same text faster."""
    if process is None:
        return None
    try:
        same = all(process(t) == t.isoformat(" ", "microseconds") for t in _SAMPLE_TIMES)
    except Exception:  # a probe: a column of another type refuses a datetime
        same = False
    if not same:
        return process

    def as_text(value: Any) -> Any:
        if type(value) is datetime:
            return value.isoformat(" ", "microseconds")
        return process(value)

    return as_text



def _fix_sequences(session: Session, *tables: str) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))


# An invented centre for a demo database that has not been set up.
DEMO_CENTRE = CentreSettings(
    centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
    committee_name="东林街道人民调解委员会", committee_short_name="东林",
    service_hours="周一至周五 8:30-17:30",
)


def _reference(ctx: DemoContext) -> None:
    with ctx.database.write() as session:
        if needs_wizard(session):
            save_settings(session, DEMO_CENTRE)
            ctx.summary.add("中心设置", 1)
        rooms = session.execute(select(Room.code, Room.id, Room.ticket_prefix))
        for code, room_id, prefix in rooms:
            ctx.rooms[code] = room_id
            ctx.room_prefix[room_id] = prefix
        for order, (name, grids) in enumerate(COMMUNITIES.items()):
            community = session.scalar(select(Community).where(Community.name == name))
            if community is None:
                community = Community(name=name, sort_order=order, active=True)
                session.add(community)
                session.flush()
                ctx.summary.add("社区", 1)
            for g_order, grid_name in enumerate(grids):
                grid = session.scalar(select(Grid).where(
                    Grid.community_id == community.id, Grid.name == grid_name))
                if grid is None:
                    grid = Grid(community_id=community.id, name=grid_name, sort_order=g_order,
                                members=random_name(ctx.rng), active=True)
                    session.add(grid)
                    session.flush()
                    ctx.summary.add("网格", 1)
                ctx.grids.append((community.id, grid.id))
        for name, role, room_code in STAFF:
            staff = session.scalar(select(Staff).where(Staff.name == name))
            if staff is None:
                staff = Staff(name=name, role=role, active=True, phone=random_mobile(ctx.rng),
                              room_id=ctx.rooms.get(room_code) if room_code else None)
                auth.set_roles(staff, [role])
                session.add(staff)
                session.flush()
                ctx.summary.add("工作人员", 1)
            ctx.staff.setdefault(role, []).append(staff.id)
        for cat_id, cat_name, suggested in session.execute(
            select(Category.id, Category.name, Category.suggested_room_id)
        ):
            ctx.categories[cat_name] = (cat_id, suggested)
        _accounts(session, ctx)


def demo_password() -> str:
    """A random password that meets the complexity rule (not from the seed: never guessable)."""
    letters = string.ascii_letters.translate({ord(c): None for c in "lIO"})
    digits = "23456789"
    chars = [secrets.choice(letters) for _ in range(6)] + [secrets.choice(digits)
                                                          for _ in range(4)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _accounts(session: Session, ctx: DemoContext) -> None:
    """One account per role, for staff who have none yet (a second run changes nobody's)."""
    for role, name in DEMO_ACCOUNTS:
        login = f"demo_{role}"
        if session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
            continue
        staff = session.scalar(select(Staff).where(Staff.name == name))
        if staff is None:
            staff = Staff(name=name, role=role, active=True, phone=random_mobile(ctx.rng))
            session.add(staff)
            ctx.summary.add("工作人员", 1)
        if staff.login:
            continue
        password = demo_password()
        staff.login = login
        staff.password_hash = auth.hash_password(password)
        auth.set_roles(staff, {role, staff.role})
        session.flush()
        ctx.summary.accounts.append(DemoAccount(auth.ROLE_LABELS[role], login, password, name))


def _days(total: int, today: date, rng: random.Random) -> Iterator[tuple[date, int]]:
    """Spread ``total`` visits over working days ending today, about 300 a day at most.

    Days differ (Mondays are busier, some days quieter), as at a real desk.
    """
    n_days = max(30, -(-total // 300))
    days: list[date] = []
    d = today
    while len(days) < n_days:
        if d.weekday() < 5 or d == today:
            days.append(d)
        d -= timedelta(days=1)
    days.reverse()
    weights = [rng.uniform(0.6, 1.4) * (1.3 if day.weekday() == 0 else 1.0) for day in days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):  # hand out what rounding left over
        counts[i % len(counts)] += 1
    yield from zip(days, counts, strict=True)


def _visits(ctx: DemoContext, total: int, progress: Progress | None) -> None:
    rng = ctx.rng
    now = datetime.now().replace(microsecond=0)
    today = now.date()
    with ctx.database.read() as session:
        used_ids = set(session.scalars(
            select(Person.id_number).where(Person.id_number.is_not(None))
        ))
        person_id = _next_id(session, Person)
        visit_id = _next_id(session, Visit)
        referral_id = _next_id(session, Referral)
        counters = dict(
            session.execute(select(SequenceCounter.key, SequenceCounter.value)).all()
        )
    known: list[tuple[int, int]] = []  # (person id, an earlier visit id) for repeat visits
    category_names = list(MATTERS)
    weights = [8, 9, 4, 2, 5, 5, 3, 1, 3, 3, 1, 2, 1, 1, 1, 1, 3]
    # Cumulative once, not at each of a million draws (the same draws as weights=...).
    category_weights = list(accumulate(weights))
    risk_weights = list(accumulate([85, 12, 3]))
    receptionists = ctx.staff.get("receptionist") or [None]
    handlers_by_room: dict[int, list[int | None]] = {}
    with ctx.database.read() as session:
        for staff_id, room_id in session.execute(select(Staff.id, Staff.room_id)):
            if room_id is not None:
                handlers_by_room.setdefault(room_id, []).append(staff_id)
    dirty: set[str] = set()  # counters changed since the last flush
    persons: list[dict] = []
    visits: list[dict] = []
    referrals: list[dict] = []
    done = 0

    def flush() -> None:
        with ctx.database.write() as session:
            for model, rows in ((Person, persons), (Visit, visits), (Referral, referrals)):
                if rows:
                    bulk_insert(session, model, rows)
            _fix_sequences(session, "person", "visit", "referral")
            numbering.raise_to(session, {key: counters[key] for key in dirty})
        dirty.clear()
        ctx.summary.add("来访人", len(persons))
        ctx.summary.add("来访登记", len(visits))
        ctx.summary.add("分流排队", len(referrals))
        persons.clear()
        visits.clear()
        referrals.clear()

    for day, count in _days(total, today, rng):
        start = datetime.combine(day, time(8, 30))
        if day == today:
            # Today's visits lie in the past even when the data is made before
            # opening time, so the queues show real waiting times.
            start = min(start, now - timedelta(hours=3))
            span = max(60, int((now - start).total_seconds()))
        else:
            span = 9 * 3600
        offsets = sorted(rng.randrange(max(span, 1)) for _ in range(count))
        for offset in offsets:
            at = start + timedelta(seconds=offset)
            day_text = f"{at:%Y%m%d}"
            vkey = f"visit:{day_text}"
            counters[vkey] = counters.get(vkey, 0) + 1
            dirty.add(vkey)
            category = rng.choices(category_names, cum_weights=category_weights)[0]
            category_id, suggested_room = ctx.categories.get(category, (None, None))
            room_id = suggested_room or ctx.rooms["window"]
            repeat_of = None
            if known and rng.random() < 0.15:
                pid, repeat_of = rng.choice(known)
            else:
                pid = person_id
                person_id += 1
                id_type, number, reason = "居民身份证", None, None
                if rng.random() < 0.9:
                    while number is None or number in used_ids:
                        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(23000))
                        number = make_id_number(rng.choice(REGIONS), birth, rng.randrange(1000))
                    used_ids.add(number)
                else:
                    id_type, reason = "无证件", "未随身携带证件"
                persons.append({
                    "id": pid, "name": random_name(rng), "gender": rng.choice("男女"),
                    "id_type": id_type, "id_number": number, "no_id_reason": reason,
                    "phone": random_mobile(rng),
                    "address": f"{rng.choice(STREETS)}{rng.randint(1, 200)}号",
                    "created_at": at, "updated_at": at,
                })
            community_id, grid_id = rng.choice(ctx.grids) if ctx.grids else (None, None)
            collective = rng.random() < 0.04
            risk = rng.choices(["黄", "橙", "红"], cum_weights=risk_weights)[0]
            visits.append({
                "id": visit_id, "visit_no": f"J{day_text}{counters[vkey]:04d}",
                "person_id": pid, "visited_at": at, "source": rng.choice(SOURCES),
                "visit_type": "集体" if collective else "个人",
                "headcount": rng.randint(3, 15) if collective else 1,
                "category_id": category_id, "community_id": community_id, "grid_id": grid_id,
                "summary": rng.choice(MATTERS[category]),
                "request": "希望尽快协调解决" if rng.random() < 0.7 else None,
                "risk_level": risk, "repeat_of_id": repeat_of, "is_repeat": repeat_of is not None,
                "received_by_id": rng.choice(receptionists), "created_at": at, "updated_at": at,
            })
            tkey = f"ticket:{room_id}:{day_text}"
            counters[tkey] = counters.get(tkey, 0) + 1
            dirty.add(tkey)
            seq = counters[tkey]
            age = (now - at).total_seconds()
            status, called, started, finished, result = "done", None, None, None, None
            if day == today and age < 40 * 60:
                status = rng.choice(["waiting", "waiting", "waiting", "serving"])
            if status != "waiting":
                called = at + timedelta(minutes=rng.randint(2, 25))
                started = called + timedelta(minutes=rng.randint(0, 3))
            if status == "done":
                finished = started + timedelta(minutes=rng.randint(8, 60))  # type: ignore[operator]
                result = rng.choice(DONE_RESULTS)
            referrals.append({
                "id": referral_id, "visit_id": visit_id, "room_id": room_id,
                "ticket_date": at.date(), "ticket_seq": seq,
                "ticket_no": f"{ctx.room_prefix[room_id]}-{seq:03d}", "status": status,
                "called_at": called, "started_at": started, "finished_at": finished,
                "result": result,
                "handled_by_id": rng.choice(handlers_by_room.get(room_id, [None])),
                "created_at": at, "updated_at": finished or at,
            })
            known.append((pid, visit_id))
            visit_id += 1
            referral_id += 1
            done += 1
            if len(visits) >= BATCH:
                flush()
                if progress:
                    progress(done, total)
    flush()
    if progress:
        progress(done, total)


def generate_demo_data(
    database: Database, *, visits: int = 500, seed: int = 20261126,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill the database with invented reference data, visits and referrals."""
    if isinstance(visits, bool) or not isinstance(visits, int) \
            or not 0 <= visits <= MAX_DEMO_VISITS:
        raise ValidationError({"visits": f"来访登记条数应在 0 到 {MAX_DEMO_VISITS} 之间"})
    ctx = DemoContext(database=database, rng=random.Random(seed), summary=DemoSummary())
    # The invented records are made as the centre would make them, every role at work;
    # who may run this at all is the caller's check (the command line's).
    signed_in = database.actor
    database.actor = auth.Actor(None, "演示数据", auth.ALL_ROLES)
    try:
        _reference(ctx)
        _visits(ctx, visits, progress)
        reception_demo(ctx)
        from desktop.services.demo import (
            mediation as demo_mediation,  # it uses this module's helpers
        )

        demo_mediation.generate_cases(ctx)
        from desktop.services.demo import counselling as demo_counselling

        demo_counselling.generate_cases(ctx)
        from desktop.services.demo import organisations as demo_organisations
        from desktop.services.demo import police as demo_police

        demo_police.generate_handovers(ctx)
        demo_organisations.generate_organisations(ctx)
        from desktop.services.demo.closure import generate_closure

        generate_closure(ctx)
        from desktop.services.demo import care as demo_care

        demo_care.generate_care(ctx)
        from desktop.services.demo import deliberation as demo_deliberation

        demo_deliberation.generate_meetings(ctx)
        _former_names(ctx)
    finally:
        database.actor = signed_in
    return ctx.summary


def _former_names(ctx: DemoContext, every: int = 200) -> None:
    """About one resident in ``every`` changed her name since she first came (改名)."""
    with ctx.database.write() as session:
        people = session.execute(
            select(Person.id, Person.name).where(Person.id % every == 1).order_by(Person.id)
        ).all()
        rows = [{"person_id": person_id, "name": name[0] + ctx.rng.choice(["小", "晓", "立"])
                 + name[1:], "replaced_at": datetime(2025, 6, 1, 10, 0),
                 "replaced_by": "一号窗口"} for person_id, name in people if name]
        if rows:
            bulk_insert(session, PersonFormerName, rows)
    ctx.summary.add("曾用名", len(rows))
