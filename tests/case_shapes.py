"""Invented mediation cases of every shape, as ``CaseDetail`` (no database needed).

A real case is not the demo's two parties and one-line fact: several parties on each
side, minors with their 法定代理人, lawyers, companies with their 法定代表人 and agents,
facts and records from a few characters to 3,000, many clauses and sessions,
follow-ups in every state, scans. ``case_detail(seed, shape)`` builds one from a seed
(so hypothesis draws only a few numbers and shrinks well); ``shapes()`` is the
hypothesis strategy over all of them.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from desktop.services.mediation import (
    AgreementData,
    AttachmentData,
    CaseDetail,
    FollowUpData,
    JudicialData,
    PartyData,
    SessionData,
)
from desktop.services.validation import make_id_number

HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想"
    "已通并提直题程展五果料象员位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
    "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处世车楼邻居噪音漏水赔偿装修"
)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
            "曾萧田董袁潘于蒋蔡余杜叶程")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文辉力鹏飞玉兰小"
# Punctuation a mediator types, with the pairs that must not be split from their text.
MIDDLE = "，，，、；：！？"
PAIRS = [("“", "”"), ("《", "》"), ("（", "）"), ("【", "】"), ("‘", "’")]
ASCII_BITS = ["3,000.50", "13800138000", "2026", "A-12", "No.7", "50%", "110105194912310021",
              "12345", "B2", "&", "<3>", "5.5"]
BOOK_TITLES = ["《中华人民共和国民法典》", "《中华人民共和国人民调解法》", "《物业管理条例》",
               "《中华人民共和国民事诉讼法》"]
LENGTHS = [1, 3, 12, 40, 120, 260, 560, 1200, 3000]
REGIONS = ["110101", "110105", "310104", "440305", "510107"]
COMPANY_WORDS = ["物业服务", "建筑工程", "商贸", "家电销售", "装饰工程", "餐饮管理", "医疗门诊",
                 "健身服务", "房地产开发", "劳务派遣"]
PERSON, MINOR, COMPANY = "person", "minor", "company"


def text_of(rng: random.Random, length: int) -> str:
    """Chinese prose of about ``length`` characters, with the punctuation, numbers, book titles
    and paragraph breaks people type (never a break right after an opening mark)."""
    out: list[str] = []
    size = 0
    while size < length:
        roll = rng.random()
        if roll < 0.05 and length > 30:
            piece = rng.choice(BOOK_TITLES)
        elif roll < 0.10:
            piece = rng.choice(ASCII_BITS)
        elif roll < 0.16 and length > 10:
            left, right = rng.choice(PAIRS)
            piece = left + "".join(rng.choice(HANZI) for _ in range(rng.randint(1, 8))) + right
        else:
            piece = "".join(rng.choice(HANZI) for _ in range(rng.randint(2, 14)))
        out.append(piece)
        size += len(piece)
        if size < length:
            mark = rng.choice(MIDDLE) if rng.random() < 0.8 else "。"
            if mark == "。" and rng.random() < 0.15 and length > 200:
                mark = "。\n"
            out.append(mark)
            size += 1
    text = "".join(out)[:length] if length < 5 else "".join(out)
    return text.strip() or rng.choice(HANZI)


def a_length(rng: random.Random, longest: int = 3000) -> int:
    base = rng.choice([n for n in LENGTHS if n <= longest])
    return max(1, min(longest, base + rng.randint(-base // 3, base // 3)))


def name_of(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


@dataclass(frozen=True)
class Shape:
    """What kind of case to build: how many of each party, how long the texts are."""

    applicants: list[str]  # PERSON / MINOR / COMPANY, in order
    respondents: list[str]
    agents: int  # bit mask: party i has an agent when bit i is set (minors always do)
    sessions: int
    clauses: int
    agreement: str | None  # "written", "oral" or None
    outcome: str | None
    follow_ups: int
    judicial: bool
    scans: int
    longest: int  # the longest free text in the case


def party(rng: random.Random, pid: int, side: str, kind: str, with_agent: bool,
          longest: int) -> PartyData:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(18000))
    long_bit = text_of(rng, min(a_length(rng, longest), 120))
    if kind == COMPANY:
        company = "某某" + rng.choice(COMPANY_WORDS) + ("有限公司" if rng.random() < 0.7
                                                      else "有限责任公司第三分公司")
        agent = with_agent
        return PartyData(
            id=pid, side=side, kind="organisation", name=company,
            credit_code="91110108551385082Q",
            address=f"东城区人民路{rng.randint(1, 300)}号{long_bit}",
            legal_rep=name_of(rng), legal_rep_title=rng.choice(["法定代表人", "负责人"]),
            phone=f"010-6{rng.randrange(10**6, 10**7)}",
            agent_type="委托代理人" if agent else None,
            agent_name=name_of(rng) if agent else None,
            agent_relation="公司员工" if agent else None,
            agent_phone=f"139{rng.randrange(10**7, 10**8)}" if agent else None,
        )
    if kind == MINOR:
        birth = date(2012, 1, 1) + timedelta(days=rng.randrange(2000))
        guardian = name_of(rng)
        return PartyData(
            id=pid, side=side, kind="person", name=name_of(rng), gender=rng.choice("男女"),
            ethnicity="汉", birth_date=birth,
            id_number=make_id_number(rng.choice(REGIONS), birth, rng.randrange(1000)),
            occupation="学生", address=f"东城区建设路{rng.randint(1, 300)}号{long_bit}",
            agent_type="法定代理人", agent_name=guardian,
            agent_relation=rng.choice(["父子", "母子"]),
            agent_id_number=make_id_number(rng.choice(REGIONS), date(1980, 5, 6),
                                           rng.randrange(1000)),
            agent_phone=f"138{rng.randrange(10**7, 10**8)}",
        )
    return PartyData(
        id=pid, side=side, kind="person", name=name_of(rng), gender=rng.choice("男女"),
        ethnicity=rng.choice(["汉", "回族", "满族"]), birth_date=birth,
        id_number=make_id_number(rng.choice(REGIONS), birth, rng.randrange(1000)),
        occupation=rng.choice(["个体经营", "退休", "某某有限公司职工", ""]) or None,
        address=f"东城区建设路{rng.randint(1, 300)}号{long_bit}",
        phone=f"1380013{rng.randrange(10**4):04d}",
        agent_type="委托代理人" if with_agent else None,
        agent_name=name_of(rng) if with_agent else None,
        agent_relation="北京市某某律师事务所律师" if with_agent else None,
        agent_phone=f"137{rng.randrange(10**7, 10**8)}" if with_agent else None,
    )


def png_bytes(width: int = 600, height: int = 400) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "lightgray").save(out, "PNG")
    return out.getvalue()


def case_detail(seed: int, shape: Shape) -> tuple[CaseDetail, dict[int, bytes]]:
    """A case of ``shape`` with texts drawn from ``seed``, and its scans' bytes."""
    rng = random.Random(seed)
    longest = shape.longest
    accepted = date(2026, 3, 2) + timedelta(days=rng.randrange(200))
    parties: list[PartyData] = []
    for side, kinds in (("申请人", shape.applicants), ("被申请人", shape.respondents)):
        for kind in kinds:
            index = len(parties)
            with_agent = kind == MINOR or bool(shape.agents >> index & 1)
            parties.append(party(rng, index + 1, side, kind, with_agent, longest))
    sessions = [
        SessionData(
            id=n + 1, held_at=datetime.combine(accepted + timedelta(days=2 * n), time(9, 30)),
            place=text_of(rng, min(a_length(rng, longest), 60)),
            attendees=("" if rng.random() < 0.3 else
                       "、".join(p.name for p in parties[: rng.randint(1, len(parties))])),
            record=text_of(rng, a_length(rng, longest)),
            next_steps=text_of(rng, a_length(rng, longest)) if rng.random() < 0.5 else None,
        )
        for n in range(shape.sessions)
    ]
    closed = accepted + timedelta(days=3 * shape.sessions + 1) if shape.outcome else None
    agreement = None
    if shape.agreement:
        agreement = AgreementData(
            kind=shape.agreement,
            clauses=[text_of(rng, a_length(rng, longest)) for _ in range(shape.clauses)],
            performance_method=text_of(rng, min(a_length(rng, longest), 200))
            if rng.random() < 0.8 else None,
            performance_place=text_of(rng, min(a_length(rng, longest), 100))
            if rng.random() < 0.8 else None,
            performance_deadline=rng.choice(["2026年12月10日前", "协议签订之日当场", None]),
            copies=rng.choice([None, None, 3, 9]),
            amount=rng.choice([None, Decimal("3000"), Decimal("12500.50"),
                               Decimal("1234567.89"), Decimal("0.05")]),
            signed_on=closed if rng.random() < 0.8 else None,
            effective_on=closed if rng.random() < 0.7 else None,
        )
    methods = ["电话", "上门", "来访"]
    follow_ups = []
    for n in range(shape.follow_ups):
        planned = (closed or accepted) + timedelta(days=14 + 10 * n)
        state = rng.choice(["planned", "done", "done_empty"])
        done = state != "planned"
        follow_ups.append(FollowUpData(
            id=n + 1, planned_on=planned, done_on=planned if done else None,
            method=rng.choice(methods) if done else None,
            visitor=name_of(rng) if done else None, visitor_id=None,
            performance=rng.choice(["已履行", "部分履行", "未履行"]) if state == "done" else None,
            satisfaction=rng.choice(["满意", "基本满意", "不满意"]) if state == "done" else None,
            notes=text_of(rng, a_length(rng, longest)) if state == "done" else None,
        ))
    judicial = None
    if shape.judicial:
        judicial = JudicialData(
            court=rng.choice(["", "北京市东城区人民法院", "某某省某某市某某区人民法院"]),
            deadline_on=closed, applied_on=rng.choice([None, closed]), result=None,
            result_on=None, notes=None)
    attachments: list[AttachmentData] = []
    contents: dict[int, bytes] = {}
    kinds = ["身份证明", "证据材料", "履行凭证", "其他材料"]
    for n in range(shape.scans):
        attachments.append(AttachmentData(
            id=n + 1, kind=kinds[n % len(kinds)], title=f"扫描件{n + 1}",
            filename=f"scan{n + 1}.png", mime="image/png", size=1000,
            added_at=datetime.combine(accepted, time(10))))
        contents[n + 1] = png_bytes()
    mediators = [name_of(rng) for _ in range(rng.choice([0, 1, 2, 3]))]
    outcome_reason = text_of(rng, a_length(rng, longest)) if shape.outcome not in (
        None, "调解成功") else None
    detail = CaseDetail(
        id=seed, case_no=f"（2026）东人调字第{seed % 10000:04d}号",
        committee_name=rng.choice(["某某街道人民调解委员会",
                                   "某某省某某市某某区某某街道矛盾纠纷多元化解人民调解委员会"]),
        centre_name="某某街道综治中心", centre_address="某某路1号",
        source=rng.choice(["当事人申请", "主动调解", "公安移交", "法院委托", "政府部门指定"]),
        source_detail=text_of(rng, min(a_length(rng, longest), 60)) if rng.random() < 0.7
        else None,
        category_id=None, category=rng.choice(["", "邻里", "物业", "婚姻家庭", "劳动争议/欠薪"]),
        facts=text_of(rng, a_length(rng, longest)),
        matters=text_of(rng, a_length(rng, longest)) if rng.random() < 0.9 else "",
        mediator_ids=[], mediators=mediators, recorder_id=None,
        recorder=name_of(rng) if rng.random() < 0.8 else None,
        accepted_on=accepted, due_on=accepted + timedelta(days=30), outcome=shape.outcome,
        outcome_reason=outcome_reason, guided_to="诉讼" if shape.outcome == "调解不成功" else None,
        closed_on=closed, archive_no=None, filed_by_id=None,
        filed_by=name_of(rng) if shape.outcome and rng.random() < 0.5 else None,
        filed_on=closed if shape.outcome and rng.random() < 0.5 else None, retention="长期",
        visit_id=None, visit_no=None, parties=parties, sessions=sessions, agreement=agreement,
        follow_ups=follow_ups, judicial=judicial, attachments=attachments,
    )
    return detail, contents


KIND = st.sampled_from([PERSON, PERSON, MINOR, COMPANY])


@st.composite
def shapes(draw: st.DrawFn, *, most_parties: int = 8, longest: int = 3000) -> Shape:
    """Every shape of case: 1-8 parties a side of any kind, any texts up to ``longest``."""
    agreement = draw(st.sampled_from(["written", "oral", None]))
    outcome = draw(st.sampled_from(
        ["调解成功", None] if agreement else ["调解不成功", "终止调解", None]))
    return Shape(
        applicants=draw(st.lists(KIND, min_size=1, max_size=most_parties)),
        respondents=draw(st.lists(KIND, min_size=1, max_size=most_parties)),
        agents=draw(st.integers(0, 2**16 - 1)),
        sessions=draw(st.integers(0, 4)),
        clauses=draw(st.integers(1, 8)),
        agreement=agreement, outcome=outcome,
        follow_ups=draw(st.integers(0, 3)),
        judicial=draw(st.booleans()),
        scans=draw(st.integers(0, 2)),
        longest=draw(st.sampled_from([12, 200, 600, longest])),
    )


REAL_SIZED = Shape(
    # The case of the issue: a minor with his 法定代理人, a lawyer as 委托代理人, a company
    # with its 法定代表人 and agent; 560 characters of facts; four sessions; seven clauses.
    applicants=[MINOR, PERSON], respondents=[PERSON, COMPANY, PERSON], agents=0b01010,
    sessions=4, clauses=7, agreement="written", outcome="调解成功", follow_ups=2,
    judicial=True, scans=2, longest=600,
)
