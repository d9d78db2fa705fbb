"""Invented mediation cases for the demo database (one call in ``generate_demo_data``).

About one visit in eight of those routed to the mediation room (the ones the
room finished as 立案调解) becomes a case,
numbered in order of acceptance from the ``case:{year}`` counters (which are
left consistent with the cases written). Older cases are mostly closed, with
agreements (some with amounts), follow-ups (some due) and a few 司法确认.
Rows go in with bulk inserts and explicit ids, in batches.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Agreement,
    AgreementClause,
    CaseAttachment,
    CaseParty,
    Category,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    Person,
    Referral,
    Room,
    SequenceCounter,
    Visit,
    case_mediator,
)
from desktop.services.admin.settings import load_settings
from desktop.services.demo.generate import (
    BATCH,
    REGIONS,
    STREETS,
    DemoContext,
    _fix_sequences,
    _next_id,
    bulk_insert,
    random_mobile,
    random_name,
)
from desktop.services.mediation import TIME_LIMIT_DAYS, format_case_no
from desktop.services.validation import make_id_number

ORGANISATION_CATEGORIES = {"物业", "劳动争议/欠薪", "消费", "医疗"}
COMPANY_WORDS = ["物业服务", "建筑工程", "商贸", "家电销售", "装饰工程", "餐饮管理", "医疗门诊",
                 "健身服务"]
CLAUSES: dict[str, list[str]] = {
    "婚姻家庭": ["被申请人自2026年起每月10日前向申请人支付赡养费800元。",
             "双方共同负担申请人的医疗费用，各承担一半。"],
    "邻里": ["被申请人于七日内清理楼道内堆放的杂物，今后不再占用公共通道。",
             "被申请人赔偿申请人房屋修缮费用{amount}元，于协议签订之日当场付清。",
             "双方今后互谅互让，和睦相处。"],
    "房屋宅基地": ["双方以村委会现场确认的界桩为准，被申请人于十五日内拆除越界部分围墙。"],
    "土地承包": ["被申请人于{deadline}前向申请人支付土地流转费{amount}元。"],
    "物业": ["申请人于{deadline}前缴纳拖欠的物业费{amount}元。",
           "被申请人于三十日内修复小区电梯并公示维修结果。"],
    "劳动争议/欠薪": ["被申请人于{deadline}前一次性支付申请人拖欠工资{amount}元。",
                 "双方劳动关系于协议签订之日解除，再无其他劳动争议。"],
    "损害赔偿": ["被申请人一次性赔偿申请人医疗费、误工费等各项损失共计{amount}元。",
             "本协议履行完毕后，双方就此事再无其他争议。"],
    "医疗": ["被申请人一次性补偿申请人{amount}元，申请人不再就此事向被申请人主张权利。"],
    "消费": ["被申请人于三日内为申请人办理退货，并退还货款{amount}元。"],
    "合同债务": ["被申请人分三期向申请人偿还借款{amount}元，最后一期于{deadline}前付清。"],
}
# How a case came in, from the visit's source (most are the parties' own application).
CASE_SOURCES = {
    "网格员上报": ("主动调解", "网格员排查发现"),
    "上级转办": ("政府部门指定", "街道办事处交办"),
    "部门移送": ("公安移交", "派出所移交"),
    "12345热线": ("政府部门指定", "12345热线转办"),
}
DEFAULT_CLAUSES = ["双方就上述纠纷达成和解，今后互不追究。"]
# Clauses a long agreement adds (several parties, staged payments, guarantees).
MORE_CLAUSES = [
    "上述款项分两期支付：第一期于协议签订之日起十日内支付一半，余款于次月月底前付清。",
    "逾期未支付的，按未付金额每日万分之五向申请人支付违约金。",
    "各申请人之间按实际损失比例分配上述款项，由申请人自行协商，与被申请人无涉。",
    "被申请人的法定代理人对上述给付义务承担连带责任。",
    "本协议履行完毕后，各方就本纠纷再无其他争议，任何一方不得再以同一事实主张权利。",
    "双方同意自本协议生效之日起三十日内共同向人民法院申请司法确认。",
]
# Sentences that make the facts of a real case long (several hundred characters).
MORE_FACTS = [
    "据申请人陈述，该问题自去年起多次发生，申请人曾多次与被申请人协商，均未果。",
    "被申请人对基本事实无异议，但认为损失数额过高，且部分损失系申请人自身原因造成。",
    "社区网格员曾于本月初上门协调，双方各执一词，矛盾有激化苗头，遂移交调委会调解。",
    "调解员实地查看了现场，调取了物业维修记录、照片和相关票据，并询问了两名邻居。",
    "双方争议焦点为损失的范围和金额，以及今后如何避免同类问题再次发生。",
    "申请人提交了医疗费票据、误工证明和《房屋租赁合同》复印件，被申请人提交了转账记录。",
]
LAWYERS = ["北京市某某律师事务所律师", "某某法律服务所法律服务工作者", "申请人之子", "公司员工"]
RECORDS = [
    "调解员分别听取了双方陈述，核实了相关证据材料，向双方释明了相关法律规定。",
    "双方对主要事实无异议，就赔偿数额分歧较大，调解员组织背对背调解。",
    "经耐心疏导，双方各退一步，就主要事项初步达成一致意见。",
    "调解员宣读协议内容，双方表示无异议，同意签订调解协议。",
]


def _credit_code(rng: random.Random) -> str:
    from stdnum.cn import uscc

    body = "91" + rng.choice(REGIONS) + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                                                for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _clauses(rng: random.Random, category: str, amount: Decimal | None,
             deadline: date) -> list[str]:
    templates = CLAUSES.get(category, DEFAULT_CLAUSES)
    text_amount = f"{amount:,.0f}" if amount is not None else "0"
    when = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    return [t.format(amount=text_amount, deadline=when) for t in templates]


def generate_cases(ctx: DemoContext) -> None:
    """Open cases from about one in eight visits routed to the mediation room."""
    rng = ctx.rng
    today = date.today()
    mediators = [s for s in ctx.staff.get("mediator", []) if s is not None]
    others = [s for role, ids in ctx.staff.items() if role != "mediator" for s in ids if s]
    if not mediators:
        return
    with ctx.database.read() as session:
        short = load_settings(session).committee_short_name
        taken = set(session.scalars(select(MediationCase.visit_id).where(
            MediationCase.visit_id.is_not(None))))
        counters = {k: v for k, v in session.execute(
            select(SequenceCounter.key, SequenceCounter.value)
            .where(SequenceCounter.key.like("case:%")))}
        ids = {model: _next_id(session, model) for model in (
            MediationCase, CaseParty, MediationSession, Agreement, AgreementClause, FollowUp,
            JudicialConfirmation, CaseAttachment)}
        categories = dict(session.execute(select(Category.id, Category.name)).all())
        stmt = (
            select(Visit.id, Referral.id, Visit.visited_at, Visit.category_id, Visit.summary,
                   Visit.request, Visit.source, Person.id, Person.name, Person.gender,
                   Person.id_number, Person.phone, Person.address, Referral.result)
            .join(Referral, Referral.visit_id == Visit.id)
            .join(Room, Room.id == Referral.room_id)
            .join(Person, Person.id == Visit.person_id)
            .where(Room.code == "mediation", Referral.status == "done")
            .order_by(Visit.visited_at, Visit.id)
        )
        # The visits the room finished as 立案调解 ("case_opened": about one in seven of the
        # finished ones, one in eight of all) become cases, so none is left waiting.
        chosen = [row for row in session.execute(stmt.execution_options(yield_per=BATCH))
                  if row[0] not in taken and row[-1] == "case_opened"]
    rows: dict[Any, list[dict[str, Any]]] = {}

    def add(model: Any, row: dict[str, Any]) -> None:
        rows.setdefault(model, []).append(row)

    def flush() -> None:
        with ctx.database.write() as session:
            for model in (MediationCase, case_mediator, CaseParty, MediationSession, Agreement,
                          AgreementClause, FollowUp, JudicialConfirmation, CaseAttachment):
                if rows.get(model):
                    bulk_insert(session, model, rows[model])
            _fix_sequences(session, "mediation_case", "case_party", "mediation_session",
                           "agreement", "agreement_clause", "follow_up", "judicial_confirmation",
                           "case_attachment")
            _store_counters(session, counters)
        ctx.summary.add("调解案件", len(rows.get(MediationCase, [])))
        ctx.summary.add("调解协议", len(rows.get(Agreement, [])))
        ctx.summary.add("回访", len(rows.get(FollowUp, [])))
        rows.clear()

    first_case_id = ids[MediationCase]
    for (visit_id, referral_id, visited_at, category_id, summary, request, visit_source,
         person_id, name, gender, id_number, phone, address, _result) in chosen:
        accepted = min(visited_at.date() + timedelta(days=rng.choice([0, 0, 0, 1, 2])), today)
        key = f"case:{accepted.year}"
        counters[key] = counters.get(key, 0) + 1
        seq = counters[key]
        case_id = ids[MediationCase]
        ids[MediationCase] += 1
        category = categories.get(category_id, "") if category_id else ""
        age = (today - accepted).days
        outcome = closed = reason = guided = None
        # Most cases close within the 30 days; a few run over, none for months.
        if age > 60 or (age > 3 and rng.random() < min(0.95, 0.2 + age / 40)):
            outcome = rng.choices(["调解成功", "调解不成功", "终止调解"], [85, 10, 5])[0]
            closed = min(accepted + timedelta(days=rng.randint(1, 34)), today)
            if outcome == "调解不成功":
                reason, guided = "双方分歧较大，未能达成一致", rng.choice(["诉讼", "仲裁", "行政"])
            elif outcome == "终止调解":
                reason = "一方当事人明确拒绝继续调解"
        source, detail = CASE_SOURCES.get(visit_source or "", ("当事人申请", "综治中心接待分流"))
        # About one case in six is shaped like a real one: several parties, agents, a
        # minor, long facts, many clauses and sessions (see ``_extra_parties``).
        big = rng.random() < 0.17
        facts = summary
        if big or rng.random() < 0.05:
            facts += "".join(rng.sample(MORE_FACTS, k=rng.randint(3, len(MORE_FACTS))))
        team = rng.sample(mediators, k=min(len(mediators), rng.choice([1, 1, 2])))
        recorder = rng.choice([m for m in mediators + others if m not in team] or team)
        add(MediationCase, {
            "id": case_id, "case_no": format_case_no(accepted.year, short, seq),
            "year": accepted.year, "seq": seq, "visit_id": visit_id, "referral_id": referral_id,
            "source": source, "source_detail": detail,
            "category_id": category_id, "facts": facts,
            "matters": request or "请求依法调解", "recorder_id": recorder,
            "accepted_on": accepted, "due_on": accepted + timedelta(days=TIME_LIMIT_DAYS),
            "outcome": outcome, "outcome_reason": reason, "guided_to": guided,
            "closed_on": closed, "retention": "长期",
            "created_at": datetime.combine(accepted, time(10)),
            "updated_at": datetime.combine(closed or accepted, time(16)),
        })
        for staff_id in team:
            add(case_mediator, {"case_id": case_id, "staff_id": staff_id})
        lawyer = rng.random() < (0.5 if big else 0.08)
        add(CaseParty, {
            "id": ids[CaseParty], "case_id": case_id, "side": "申请人", "kind": "person",
            "position": 0, "person_id": person_id, "name": name, "gender": gender,
            "ethnicity": "汉族", "id_number": id_number, "phone": phone, "address": address,
            **(_agent(rng, "委托代理人", rng.choice(LAWYERS)) if lawyer else {}),
        })
        ids[CaseParty] += 1
        if category in ORGANISATION_CATEGORIES:
            add(CaseParty, {
                "id": ids[CaseParty], "case_id": case_id, "side": "被申请人",
                "kind": "organisation", "position": 1,
                "name": f"某某{rng.choice(COMPANY_WORDS)}有限公司",
                "credit_code": _credit_code(rng), "legal_rep": random_name(rng),
                "legal_rep_title": "法定代表人",
                "address": f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                "phone": random_mobile(rng),
                **(_agent(rng, "委托代理人", "公司员工") if rng.random() < 0.4 else {}),
            })
        else:
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(18000))
            add(CaseParty, {
                "id": ids[CaseParty], "case_id": case_id, "side": "被申请人", "kind": "person",
                "position": 1, "name": random_name(rng), "gender": rng.choice("男女"),
                "ethnicity": "汉族", "birth_date": birth,
                "id_number": make_id_number(rng.choice(REGIONS), birth, rng.randrange(1000)),
                "phone": random_mobile(rng),
                "address": f"{rng.choice(STREETS)}{rng.randint(1, 200)}号",
            })
        ids[CaseParty] += 1
        if big:
            for extra in _extra_parties(rng, accepted, position=2):
                add(CaseParty, {"id": ids[CaseParty], "case_id": case_id, **extra})
                ids[CaseParty] += 1
        # Half the big cases have a scanned ID copy, and so does the first case of a run,
        # so even a small demo shows one (and a backup test finds every table filled).
        if (big and rng.random() < 0.5) or case_id == first_case_id:
            add(CaseAttachment, _scan(ids[CaseAttachment], case_id, accepted, rng))
            ids[CaseAttachment] += 1
        end = closed or min(today, accepted + timedelta(days=20))
        for n in range(rng.randint(3, 5) if big else rng.randint(1, 3)):
            held = accepted + timedelta(days=min(n * 5, max((end - accepted).days, 0)))
            add(MediationSession, {
                "id": ids[MediationSession], "case_id": case_id,
                "held_at": datetime.combine(held, time(9 + n * 2, 30)), "place": "矛盾纠纷调解室",
                "attendees": f"申请人{name}、被申请人及调解员",
                "record": RECORDS[min(n, 3)]
                + ("".join(rng.sample(MORE_FACTS, k=2)) if big else ""),
                "next_steps": None if n else "约定下次调解时间",
                "mediator_id": team[n % len(team)] if team else None,
                "recorder_id": recorder,
            })
            ids[MediationSession] += 1
        if outcome != "调解成功" or closed is None:
            continue
        written = rng.random() < 0.8
        amount = (Decimal(rng.randrange(5, 400) * 100)
                  if category in CLAUSES and "{amount}" in "".join(CLAUSES[category])
                  and rng.random() < 0.9 else None)
        agreement_id = ids[Agreement]
        ids[Agreement] += 1
        add(Agreement, {
            "id": agreement_id, "case_id": case_id, "kind": "written" if written else "oral",
            "performance_method": (rng.choice(["现金", "银行转账", "微信转账"]) if amount
                                   else "自行履行"),
            "performance_place": "综治中心矛盾纠纷调解室",
            "performance_deadline": f"{closed + timedelta(days=15):%Y年%m月%d日}前",
            "amount": amount, "signed_on": closed, "effective_on": closed,
            "created_at": datetime.combine(closed, time(15)),
            "updated_at": datetime.combine(closed, time(15)),
        })
        texts = _clauses(rng, category, amount, closed + timedelta(days=15))
        if big:
            texts += rng.sample(MORE_CLAUSES, k=rng.randint(2, len(MORE_CLAUSES)))
        for position, text in enumerate(texts, 1):
            add(AgreementClause, {"id": ids[AgreementClause], "agreement_id": agreement_id,
                                  "position": position, "text": text})
            ids[AgreementClause] += 1
        planned = closed + timedelta(days=14)
        # Older follow-ups were all made; some of the last month's are still due.
        done = planned <= today - timedelta(days=2) and (
            planned < today - timedelta(days=30) or rng.random() < 0.6)
        add(FollowUp, {
            "id": ids[FollowUp], "case_id": case_id, "planned_on": planned,
            "done_on": planned if done else None, "method": rng.choice(["电话", "上门"]) if done
            else None, "visitor_id": rng.choice(team) if done else None,
            "performance": rng.choices(["已履行", "部分履行", "未履行"], [80, 15, 5])[0]
            if done else None,
            "satisfaction": rng.choices(["满意", "基本满意", "不满意"], [80, 17, 3])[0]
            if done else None,
            "notes": "当事人表示协议已按约定履行" if done else None,
        })
        ids[FollowUp] += 1
        if big:  # an earlier call found it only partly performed
            early = closed + timedelta(days=3)
            if early <= today:
                add(FollowUp, {
                    "id": ids[FollowUp], "case_id": case_id, "planned_on": early,
                    "done_on": early, "method": "电话", "visitor_id": rng.choice(team),
                    "performance": "部分履行", "satisfaction": "基本满意",
                    "notes": "被申请人已支付第一期款项，余款约定月底前付清；申请人表示认可。"
                             + "".join(rng.sample(MORE_FACTS, k=2)),
                })
                ids[FollowUp] += 1
        if written and rng.random() < 0.15:
            applied = closed + timedelta(days=rng.randint(1, 20))
            add(JudicialConfirmation, {
                "id": ids[JudicialConfirmation], "case_id": case_id,
                "court": "某某市某某区人民法院", "deadline_on": closed + timedelta(days=30),
                "applied_on": applied if applied <= today else None,
                "result": "确认有效" if applied + timedelta(days=15) <= today else None,
                "result_on": applied + timedelta(days=15)
                if applied + timedelta(days=15) <= today else None,
            })
            ids[JudicialConfirmation] += 1
        if len(rows.get(MediationCase, [])) >= BATCH:
            flush()
    flush()


def _agent(rng: random.Random, kind: str, relation: str) -> dict[str, Any]:
    return {"agent_type": kind, "agent_name": random_name(rng), "agent_relation": relation,
            "agent_phone": random_mobile(rng)}


def _extra_parties(rng: random.Random, accepted: date, *, position: int
                   ) -> list[dict[str, Any]]:
    """More parties for a real-sized case: applicants and respondents of every kind."""
    out: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        side = rng.choice(["申请人", "被申请人"])
        kind = rng.choices(["person", "minor", "company"], [60, 20, 20])[0]
        row: dict[str, Any] = {"side": side, "position": position + len(out),
                               "address": f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                               "phone": random_mobile(rng)}
        if kind == "company":
            row.update(kind="organisation", name=f"某某{rng.choice(COMPANY_WORDS)}有限公司",
                       credit_code=_credit_code(rng), legal_rep=random_name(rng),
                       legal_rep_title=rng.choice(["法定代表人", "负责人"]))
            if rng.random() < 0.5:
                row.update(_agent(rng, "委托代理人", "公司员工"))
        else:
            minor = kind == "minor"
            birth = (accepted - timedelta(days=rng.randint(6 * 365, 17 * 365)) if minor
                     else date(1950, 1, 1) + timedelta(days=rng.randrange(18000)))
            row.update(kind="person", name=random_name(rng), gender=rng.choice("男女"),
                       ethnicity="汉族", birth_date=birth,
                       id_number=make_id_number(rng.choice(REGIONS), birth, rng.randrange(1000)),
                       occupation="学生" if minor else rng.choice(["个体经营", "退休", "职工"]))
            if minor:
                row.update(_agent(rng, "法定代理人", rng.choice(["父子", "母子", "父女", "母女"])))
            elif rng.random() < 0.3:
                row.update(_agent(rng, "委托代理人", rng.choice(LAWYERS)))
        out.append(row)
    return out


_SCANS: dict[int, bytes] = {}


def _scan(attachment_id: int, case_id: int, accepted: date, rng: random.Random
          ) -> dict[str, Any]:
    """A scanned ID card copy (a plain grey image stands in for the scan)."""
    import io

    from PIL import Image

    grey = rng.randint(200, 235)
    content = _SCANS.get(grey)
    if content is None:  # 36 greys: each encoded once, not once per case
        buffer = io.BytesIO()
        Image.new("RGB", (856, 540), (grey,) * 3).save(buffer, "PNG")
        content = _SCANS[grey] = buffer.getvalue()
    return {"id": attachment_id, "case_id": case_id, "kind": "身份证明",
            "title": "当事人身份证复印件", "filename": "身份证复印件.png", "mime": "image/png",
            "size": len(content), "content": content,
            "added_at": datetime.combine(accepted, time(10, 30))}


def _store_counters(session: Session, counters: dict[str, int]) -> None:
    for key, value in counters.items():
        row = session.get(SequenceCounter, key)
        if row is None:
            session.add(SequenceCounter(key=key, value=value))
        elif row.value < value:
            row.value = value
