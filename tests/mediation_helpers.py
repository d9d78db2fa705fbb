"""Invented mediation cases for tests: parties, sessions and an agreement."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop.db import Database
from desktop.models import FollowUp, Staff
from desktop.services import mediation
from desktop.services.admin import auth
from desktop.services.validation import make_id_number

CREDIT_CODE = "91110108551385082Q"  # a valid-checksum invented 统一社会信用代码


def staff(database: Database) -> tuple[int, int, int]:
    """Two mediators and a recorder, all mediators (created when the database has too few)."""
    with database.write() as session:
        # Mediators only (any other member of staff is refused as 调解员); the test
        # account (every role, signed in) is not one of them.
        ids = list(session.scalars(select(Staff.id).where(auth.holding("mediator"),
                                                          Staff.login.is_(None))
                                   .order_by(Staff.id)))
        while len(ids) < 3:
            row = Staff(name=["王志刚", "陈秀兰", "李慧敏"][len(ids)], role="mediator",
                        active=True)
            auth.set_roles(row, ["mediator"])
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids[0], ids[1], ids[2]


def person(n: int, side: str = "申请人", **changes: object) -> mediation.PartyInput:
    values: dict[str, object] = dict(
        name=f"当事人{n}", side=side, gender="男" if n % 2 else "女", ethnicity="汉",
        birth_date=date(1970 + n, 3, 14),
        id_number=make_id_number("110105", date(1970 + n, 3, 14), n),
        occupation="个体经营", address=f"东城区建设路{n}号", phone=f"1380013{n:04d}",
    )
    values.update(changes)
    return mediation.PartyInput(**values)  # type: ignore[arg-type]


def organisation(side: str = "被申请人", **changes: object) -> mediation.PartyInput:
    values: dict[str, object] = dict(
        name="某某物业服务有限公司", side=side, kind="organisation", credit_code=CREDIT_CODE,
        legal_rep="周建国", address="东城区人民路88号", phone="010-62345678",
    )
    values.update(changes)
    return mediation.PartyInput(**values)  # type: ignore[arg-type]


def make_case(database: Database, *, parties: list[mediation.PartyInput] | None = None,
              accepted_on: date = date(2026, 11, 2),
              facts: str = "楼上装修噪音扰民，双方多次协商未果。") -> mediation.CaseRef:
    m1, m2, rec = staff(database)
    data = mediation.CaseInput(
        facts=facts, matters="赔偿损失并停止夜间施工", mediator_ids=[m1, m2], recorder_id=rec,
        accepted_on=accepted_on,
    )
    return mediation.accept_case(database, data, parties or [person(1), person(2, "被申请人")])


def agreement(clauses: list[str] | None = None, **changes: object) -> mediation.AgreementInput:
    values: dict[str, object] = dict(
        clauses=clauses or ["被申请人于2026年12月10日前一次性赔偿申请人损失人民币3000元。",
                            "被申请人今后不在22时至次日7时之间施工。"],
        performance_method="银行转账", performance_place="东城区综治中心",
        performance_deadline="2026年12月10日前", amount="3000", signed_on=date(2026, 11, 20),
    )
    values.update(changes)
    return mediation.AgreementInput(**values)  # type: ignore[arg-type]


def session_input(n: int = 1) -> mediation.SessionInput:
    return mediation.SessionInput(
        held_at=datetime(2026, 11, 5 + n, 9, 30), place="矛盾纠纷调解室",
        attendees="申请人当事人1、被申请人当事人2、调解员王志刚、陈秀兰",
        record=f"第{n}次调解：双方陈述了各自意见，调解员释明相关法律规定。",
        next_steps="约定下次调解时间",
    )


def awkward_cases(database: Database, accepted_on: date) -> list[mediation.CaseRef]:
    """Cases a register must print right: organisation party, several mediators and
    applicants, several follow-ups, no agreement, an oral agreement, an open case."""
    m1, m2, m3 = staff(database)
    closed = accepted_on + timedelta(days=2)

    # Two applicants against a company, three mediators, a written agreement with an amount,
    # two follow-ups made (the later one counts) and one still planned.
    first = mediation.accept_case(database, mediation.CaseInput(
        facts="小区电梯长期停运，业主要求物业公司维修并减免物业费。", mediator_ids=[m1, m2, m3],
        recorder_id=m3, accepted_on=accepted_on,
    ), [person(11), person(12), organisation()])
    mediation.save_agreement(database, first.case_id, agreement(
        amount="12,500.50", signed_on=closed), version=None)
    mediation.close_case(database, first.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=closed))
    with database.read() as session:
        ((auto, auto_version),) = session.execute(select(FollowUp.id, FollowUp.version).where(
            FollowUp.case_id == first.case_id)).all()
    mediation.update_follow_up(database, auto, mediation.FollowUpInput(
        planned_on=closed + timedelta(days=1), done_on=closed + timedelta(days=1),
        method="电话", visitor_id=m1, performance="部分履行", satisfaction="基本满意"),
        version=auto_version)
    mediation.add_follow_up(database, first.case_id, mediation.FollowUpInput(
        planned_on=closed + timedelta(days=2), done_on=closed + timedelta(days=2),
        method="上门", visitor_id=m2, performance="已履行", satisfaction="满意"))
    mediation.add_follow_up(database, first.case_id, mediation.FollowUpInput(
        planned_on=closed + timedelta(days=40)))

    # No agreement: mediation failed, the parties were guided to court.
    second = make_case(database, accepted_on=accepted_on,
                       parties=[person(13), person(14, "被申请人")],
                       facts="借款到期未还，双方对利息计算有争议。")
    mediation.close_case(database, second.case_id, mediation.OutcomeInput(
        "调解不成功", closed_on=closed, reason="双方分歧较大", guided_to="诉讼"))

    # An oral agreement without an amount; its follow-up is only planned.
    third = make_case(database, accepted_on=accepted_on,
                      parties=[person(15), person(16, "被申请人")],
                      facts="邻居在楼道堆放杂物，影响通行。")
    mediation.save_agreement(database, third.case_id, agreement(
        clauses=["被申请人于三日内清理楼道杂物。"], kind="oral", amount="", signed_on=closed),
        version=None)
    mediation.close_case(database, third.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=closed))

    # Still open, with a draft agreement whose amount must not be counted yet.
    fourth = make_case(database, accepted_on=accepted_on,
                       parties=[person(17), person(18, "被申请人")])
    mediation.save_agreement(database, fourth.case_id, agreement(amount="999"), version=None)
    return [first, second, third, fourth]
