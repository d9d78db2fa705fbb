"""Every writing service, fed hostile input, refuses it in Chinese and writes nothing.

Two kinds of test per service, each on SQLite and PostgreSQL:

- a table of probes: every text field with every shape in ``tests.hostile``
  (NUL, C0/C1 controls, lone surrogates, invisible-only text, one character
  over the column, 100,000 characters, ...), every id field with ids that are
  zero, negative, unknown or beyond the integer columns, every date field with
  dates out of any sane range. All of them run and the failures are listed
  together (their number is the figure the reliability work is measured by).
- a hypothesis fuzz over the same fields with generated text and numbers.

A call may succeed (the input is cleaned) or raise ``ValidationError`` /
``NotFoundError`` with a Chinese message; after a refusal the database is
unchanged, after a success it holds no control characters and nothing longer
than its column.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    Agreement,
    CaseParty,
    Category,
    Community,
    Escalation,
    FollowUp,
    Grid,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    Notice,
    Person,
    Referral,
    Room,
    Staff,
    Visit,
)
from desktop.services import mediation
from desktop.services.admin import dictionaries, imports
from desktop.services.admin.settings import CentreSettings, save_settings
from desktop.services.reception import notices, queue
from desktop.services.reception.notices import NoticeInput
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests import hostile
from tests.factories import id_number
from tests.hostile import HOSTILE_DATES, HOSTILE_DATETIMES, HOSTILE_IDS, Probe, text_shapes
from tests.mediation_helpers import agreement, organisation, person, session_input, staff
from tests.reception_helpers import category_ids, register, room_ids

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
_serial = itertools.count(1000)


def limit_of(column: Any) -> int | None:
    """The column's length (``None`` for unbounded text)."""
    return getattr(column.property.columns[0].type, "length", None)


def text_probes(label: str, fields: dict[str, Any],
                call: Callable[[str, str, Any], object],
                setup: Callable[[], Any] = lambda: None) -> Iterator[Probe]:
    """One probe per text field and hostile shape; ``fields`` maps a field to its column."""
    for field, column in fields.items():
        for shape, value in text_shapes(limit_of(column) if column is not None else None).items():
            yield Probe(f"{label}.{field}={shape}",
                        lambda ctx, f=field, v=value: call(f, v, ctx), setup)


def value_probes(label: str, fields: list[str], values: dict[str, Any],
                 call: Callable[[str, Any, Any], object],
                 setup: Callable[[], Any] = lambda: None) -> Iterator[Probe]:
    for field in fields:
        for shape, value in values.items():
            yield Probe(f"{label}.{field}={shape}",
                        lambda ctx, f=field, v=value: call(f, v, ctx), setup)


def check(database: Database, probes: Iterator[Probe]) -> None:
    total, failures = hostile.run_probes(database, probes)
    print(f"\nFUZZ-COUNT {hostile.tally(total, failures)}")
    assert not failures, hostile.report(total, failures)


def check_one(database: Database, probe: Probe) -> None:
    problem = hostile.run_probe(database, probe)
    assert problem is None, problem


# -- registration -------------------------------------------------------------------------------

REGISTRATION_TEXT = {
    "name": Person.name, "phone": Person.phone, "summary": Visit.summary,
    "id_number": Person.id_number, "address": Person.address, "request": Visit.request,
    "representative_name": Visit.representative_name,
    "representative_phone": Visit.representative_phone, "gender": Person.gender,
    "source": Visit.source, "visit_type": Visit.visit_type, "risk_level": Visit.risk_level,
    "id_type": Person.id_type,
}
REGISTRATION_IDS = ["room_id", "category_id", "community_id", "grid_id", "person_id",
                    "repeat_of_visit_id", "received_by_id"]


def registration_input(database: Database, **changes: Any) -> RegistrationInput:
    n = next(_serial)
    values: dict[str, Any] = dict(
        name=f"测试{n}号", id_number=id_number(n), phone=f"139{n:08d}",
        summary="楼上装修噪音扰民", room_id=room_ids(database)["矛盾纠纷调解室"],
        category_id=category_ids(database)["邻里"],
    )
    values.update(changes)
    if changes.get("visit_type") is None and "representative_name" in changes:
        values.update(visit_type="集体", headcount=3)
    if "representative_phone" in changes:
        values.update(visit_type="集体", headcount=3, representative_name="代表甲")
    return RegistrationInput(**values)


def registration_probes(database: Database) -> Iterator[Probe]:
    def text(field: str, value: str, _ctx: Any) -> object:
        return register_visit(database, registration_input(database, **{field: value}))

    def no_id_reason(field: str, value: str, _ctx: Any) -> object:
        return register_visit(database, registration_input(
            database, id_type="无证件", id_number="", no_id_reason=value))

    def ids(field: str, value: Any, _ctx: Any) -> object:
        return register_visit(database, registration_input(database, **{field: value}))

    def headcount(field: str, value: Any, _ctx: Any) -> object:
        return register_visit(database, registration_input(
            database, visit_type="集体", representative_name="代表甲", headcount=value))

    yield from text_probes("register", REGISTRATION_TEXT, text)
    yield from text_probes("register", {"no_id_reason": Person.no_id_reason}, no_id_reason)
    yield from value_probes("register", REGISTRATION_IDS, HOSTILE_IDS, ids)
    yield from value_probes("register", ["headcount"],
                            {"negative": -5, "huge": 10**20, "int32": 2**31}, headcount)


def test_registration_refuses_hostile_input(database: Database) -> None:
    check(database, registration_probes(database))


@given(field=st.sampled_from([*sorted(REGISTRATION_TEXT), "no_id_reason"]),
       value=hostile.hostile_text(), ident=hostile.hostile_ids,
       id_field=st.sampled_from(REGISTRATION_IDS))
@FUZZ
def test_registration_fuzz(database: Database, field: str, value: str, ident: int,
                           id_field: str) -> None:
    def call(_ctx: Any) -> object:
        changes: dict[str, Any] = {field: value}
        if field == "no_id_reason":
            changes.update(id_type="无证件", id_number="")
        return register_visit(database, registration_input(database, **changes))

    check_one(database, Probe(f"register.{field}={value[:20]!r}", call))
    check_one(database, Probe(f"register.{id_field}={ident}", lambda _ctx: register_visit(
        database, registration_input(database, **{id_field: ident}))))


# -- queue actions ------------------------------------------------------------------------------

def queue_probes(database: Database) -> Iterator[Probe]:
    rooms = room_ids(database)

    def waiting() -> dict[str, int]:
        reg = register(database, next(_serial))
        return {"referral": reg.referral_id, "visit": reg.visit_id}

    def serving() -> dict[str, int]:
        ctx = waiting()
        queue.start(database, ctx["referral"])
        return ctx

    def escalation() -> dict[str, int]:
        ctx = waiting()
        ctx["escalation"] = queue.escalate(database, ctx["visit"], "B", "需街道协调")
        return ctx

    due = date.today() + timedelta(days=7)
    dept = Escalation.department
    yield from text_probes("hold", {"reason": None},
                           lambda f, v, c: queue.hold(database, c["referral"], v), waiting)
    yield from text_probes("finish", {"note": Referral.note}, lambda f, v, c: queue.finish(
        database, c["referral"], "resolved", note=v), serving)
    yield from text_probes("finish", {"result": Referral.result}, lambda f, v, c: queue.finish(
        database, c["referral"], v), serving)
    yield from text_probes("finish_out", {"department": dept}, lambda f, v, c: queue.finish(
        database, c["referral"], "referred_out", department=v, due_date=due), serving)
    yield from text_probes("transfer", {"reason": None}, lambda f, v, c: queue.transfer(
        database, c["referral"], rooms["心理咨询室"], v), waiting)
    yield from text_probes("route_again", {"reason": None}, lambda f, v, c: queue.route_again(
        database, c["visit"], rooms["心理咨询室"], v), waiting)
    yield from text_probes("escalate", {"reason": None, "level": Escalation.level},
                           lambda f, v, c: queue.escalate(
                               database, c["visit"], **{"level": "B", "reason": "协调",
                                                        f: v}), waiting)
    yield from text_probes("refer", {"department": dept, "reason": None},
                           lambda f, v, c: queue.refer_to_department(
                               database, c["visit"], **{"department": "住建局", "reason": "维修",
                                                        "due_date": due, f: v}), waiting)
    yield from text_probes("close_escalation", {"outcome": None},
                           lambda f, v, c: queue.close_escalation(database, c["escalation"], v),
                           escalation)
    for action in ("call", "recall", "start", "no_show", "resume"):
        yield from value_probes(action, ["referral_id"], HOSTILE_IDS,
                                lambda f, v, c, a=action: getattr(queue, a)(database, v))
    yield from value_probes("call", ["staff_id"], HOSTILE_IDS, lambda f, v, c: queue.call(
        database, c["referral"], staff_id=v), waiting)
    yield from value_probes("call_next", ["room_id"], HOSTILE_IDS,
                            lambda f, v, c: queue.call_next(database, v))
    yield from value_probes("transfer", ["to_room_id"], HOSTILE_IDS,
                            lambda f, v, c: queue.transfer(database, c["referral"], v, "转"),
                            waiting)
    yield from value_probes("route_again", ["visit_id"], HOSTILE_IDS,
                            lambda f, v, c: queue.route_again(database, v, rooms["心理咨询室"],
                                                              "转"))
    yield from value_probes("escalate", ["visit_id"], HOSTILE_IDS,
                            lambda f, v, c: queue.escalate(database, v, "B", "协调"))
    yield from value_probes("close_escalation", ["escalation_id"], HOSTILE_IDS,
                            lambda f, v, c: queue.close_escalation(database, v, "已办结"))
    yield from value_probes("escalate", ["due_date"], HOSTILE_DATES,
                            lambda f, v, c: queue.escalate(database, c["visit"], "B", "协调",
                                                           due_date=v), waiting)
    yield from value_probes("refer", ["due_date"], HOSTILE_DATES,
                            lambda f, v, c: queue.refer_to_department(
                                database, c["visit"], "住建局", v, "维修"), waiting)
    yield from value_probes("finish_out", ["due_date"], HOSTILE_DATES,
                            lambda f, v, c: queue.finish(
                                database, c["referral"], "referred_out", department="住建局",
                                due_date=v), serving)


def test_queue_actions_refuse_hostile_input(database: Database) -> None:
    check(database, queue_probes(database))


@given(value=hostile.hostile_text(), ident=hostile.hostile_ids,
       action=st.sampled_from(["hold", "transfer", "route_again", "escalate", "refer"]))
@FUZZ
def test_queue_fuzz(database: Database, value: str, ident: int, action: str) -> None:
    reg = register(database, next(_serial))
    rooms = room_ids(database)
    calls: dict[str, Callable[[Any], object]] = {
        "hold": lambda _c: queue.hold(database, reg.referral_id, value),
        "transfer": lambda _c: queue.transfer(database, reg.referral_id, rooms["心理咨询室"],
                                              value),
        "route_again": lambda _c: queue.route_again(database, reg.visit_id, rooms["心理咨询室"],
                                                    value),
        "escalate": lambda _c: queue.escalate(database, reg.visit_id, "B", value),
        "refer": lambda _c: queue.refer_to_department(
            database, reg.visit_id, value, date.today() + timedelta(days=3), value),
    }
    check_one(database, Probe(f"{action}={value[:20]!r}", calls[action]))
    check_one(database, Probe(f"call={ident}", lambda _c: queue.call(database, ident)))


# -- mediation ----------------------------------------------------------------------------------

CASE_TEXT = {
    "facts": MediationCase.facts, "matters": MediationCase.matters,
    "source": MediationCase.source, "source_detail": MediationCase.source_detail,
    "retention": MediationCase.retention, "archive_no": MediationCase.archive_no,
}
CASE_IDS = ["category_id", "recorder_id", "visit_id", "referral_id", "filed_by_id"]
PARTY_TEXT = {
    "name": CaseParty.name, "side": CaseParty.side, "kind": CaseParty.kind,
    "gender": CaseParty.gender, "ethnicity": CaseParty.ethnicity,
    "id_number": CaseParty.id_number, "occupation": CaseParty.occupation,
    "address": CaseParty.address, "phone": CaseParty.phone,
    "agent_type": CaseParty.agent_type, "agent_name": CaseParty.agent_name,
    "agent_id_number": CaseParty.agent_id_number, "agent_phone": CaseParty.agent_phone,
    "agent_relation": CaseParty.agent_relation,
}
ORGANISATION_TEXT = {
    "credit_code": CaseParty.credit_code, "legal_rep": CaseParty.legal_rep,
    "legal_rep_title": CaseParty.legal_rep_title,
}
SESSION_TEXT = {
    "place": MediationSession.place, "attendees": MediationSession.attendees,
    "record": MediationSession.record, "next_steps": MediationSession.next_steps,
}
AGREEMENT_TEXT = {
    "kind": Agreement.kind, "performance_method": Agreement.performance_method,
    "performance_place": Agreement.performance_place,
    "performance_deadline": Agreement.performance_deadline, "amount": None,
}
HOSTILE_AMOUNTS = {"nan": "NaN", "snan": "sNaN", "inf": "Infinity", "neg_inf": "-Infinity",
                   "exp": "1e999999999", "tiny": "1e-999999999", "fullwidth": "１２３",
                   "negative_zero": "-0"}
FOLLOW_UP_TEXT = {
    "method": FollowUp.method, "performance": FollowUp.performance,
    "satisfaction": FollowUp.satisfaction, "notes": FollowUp.notes,
}
JUDICIAL_TEXT = {"court": JudicialConfirmation.court, "result": JudicialConfirmation.result,
                 "notes": JudicialConfirmation.notes}
OUTCOME_TEXT = {"outcome": MediationCase.outcome, "reason": MediationCase.outcome_reason,
                "guided_to": MediationCase.guided_to}


def version_of(database: Database, model: Any, case_id: object, *, own: bool = False) -> Any:
    """The version of a case (``own``) or of its agreement or 司法确认 (``None``: none yet)."""
    if not isinstance(case_id, int) or not 0 < case_id < 2**31:
        return 1
    key = model.id if own else model.case_id
    with database.read() as session:
        return session.scalar(select(model.version).where(key == case_id))


def update_case(database: Database, case_id: Any, data: mediation.CaseInput) -> None:
    """As the editor saves: with the version it loaded."""
    mediation.update_case(database, case_id, data,
                          version=version_of(database, MediationCase, case_id, own=True) or 1)


def save_agreement(database: Database, case_id: Any, data: mediation.AgreementInput) -> None:
    mediation.save_agreement(database, case_id, data,
                             version=version_of(database, Agreement, case_id))


def save_judicial(database: Database, case_id: Any, data: mediation.JudicialInput) -> None:
    mediation.save_judicial_confirmation(database, case_id, data,
                                         version=version_of(database, JudicialConfirmation,
                                                            case_id))


def case_input(database: Database, **changes: Any) -> mediation.CaseInput:
    m1, m2, rec = staff(database)
    values: dict[str, Any] = dict(facts="邻里噪音纠纷", mediator_ids=[m1, m2], recorder_id=rec,
                                  accepted_on=date(2026, 11, 2))
    values.update(changes)
    return mediation.CaseInput(**values)


def new_case(database: Database) -> int:
    return mediation.accept_case(database, case_input(database),
                                 [person(1), person(2, "被申请人")]).case_id


def agreed_case(database: Database) -> int:
    case_id = new_case(database)
    save_agreement(database, case_id, agreement())
    return case_id


def outcome(field: str, value: str) -> mediation.OutcomeInput:
    values: dict[str, Any] = {"outcome": "调解不成功", "reason": "分歧较大", "guided_to": "诉讼",
                              field: value}
    return mediation.OutcomeInput(**values)


def mediation_probes(database: Database) -> Iterator[Probe]:
    # Probes on an existing case share one (made on first use): a case per probe is slow.
    case_ctx = functools.cache(lambda: new_case(database))

    yield from text_probes("accept_case", CASE_TEXT, lambda f, v, c: mediation.accept_case(
        database, case_input(database, **{f: v}), [person(1)]))
    yield from value_probes("accept_case", CASE_IDS, HOSTILE_IDS,
                            lambda f, v, c: mediation.accept_case(
                                database, case_input(database, **{f: v}), [person(1)]))
    yield from value_probes("accept_case", ["mediator_ids"], HOSTILE_IDS,
                            lambda f, v, c: mediation.accept_case(
                                database, case_input(database, mediator_ids=[v]), [person(1)]))
    yield from value_probes("accept_case", ["accepted_on", "filed_on"], HOSTILE_DATES,
                            lambda f, v, c: mediation.accept_case(
                                database, case_input(database, **{f: v}), [person(1)]))
    yield from text_probes("accept_case.party", PARTY_TEXT, lambda f, v, c: mediation.accept_case(
        database, case_input(database), [person(1, **{f: v, "agent_name": "代理人甲"})]))
    yield from text_probes("update_case", CASE_TEXT, lambda f, v, c: update_case(
        database, c, case_input(database, **{f: v})), case_ctx)
    yield from value_probes("update_case", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: update_case(database, v,
                                                                  case_input(database)))
    yield from text_probes("add_party", PARTY_TEXT, lambda f, v, c: mediation.add_party(
        database, c, person(3, **{f: v, "agent_name": "代理人甲"})), case_ctx)
    yield from text_probes("add_party.org", ORGANISATION_TEXT, lambda f, v, c: mediation.add_party(
        database, c, organisation(**{f: v})), case_ctx)
    yield from value_probes("add_party", ["person_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.add_party(database, c,
                                                                person(3, person_id=v)),
                            case_ctx)
    yield from value_probes("add_party", ["birth_date"], HOSTILE_DATES,
                            lambda f, v, c: mediation.add_party(database, c,
                                                                person(3, birth_date=v)),
                            case_ctx)
    yield from value_probes("add_party", ["age"], {"negative": -1, "huge": 10**20},
                            lambda f, v, c: mediation.add_party(database, c, person(3, age=v)),
                            case_ctx)
    yield from value_probes("add_party", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.add_party(database, v, person(3)))
    yield from value_probes("update_party", ["party_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.update_party(database, v, person(3),
                                                                    version=1))
    yield from value_probes("remove_party", ["party_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.remove_party(database, v, version=1))
    yield from text_probes("add_session", SESSION_TEXT, lambda f, v, c: mediation.add_session(
        database, c, dataclasses.replace(session_input(), **{f: v})), case_ctx)
    yield from value_probes("add_session", ["held_at"], HOSTILE_DATETIMES,
                            lambda f, v, c: mediation.add_session(
                                database, c, dataclasses.replace(session_input(), held_at=v)),
                            case_ctx)
    yield from value_probes("update_session", ["session_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.update_session(database, v,
                                                                     session_input(),
                                                                     version=1))
    yield from value_probes("delete_session", ["session_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.delete_session(database, v, version=1))
    yield from text_probes("save_agreement", AGREEMENT_TEXT,
                           lambda f, v, c: save_agreement(database, c,
                                                                    agreement(**{f: v})),
                           case_ctx)
    yield from text_probes("save_agreement", {"clauses": None},
                           lambda f, v, c: save_agreement(database, c,
                                                                    agreement(clauses=[v])),
                           case_ctx)
    yield from value_probes("save_agreement", ["amount"], HOSTILE_AMOUNTS,
                            lambda f, v, c: save_agreement(database, c,
                                                                     agreement(amount=v)),
                            case_ctx)
    yield from value_probes("save_agreement", ["copies"], {"huge": 10**20, "negative": -1},
                            lambda f, v, c: save_agreement(database, c,
                                                                     agreement(copies=v)),
                            case_ctx)
    yield from value_probes("save_agreement", ["signed_on", "effective_on"], HOSTILE_DATES,
                            lambda f, v, c: save_agreement(
                                database, c, agreement(**{"signed_on": None, f: v})),
                            case_ctx)
    yield from value_probes("save_agreement", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: save_agreement(database, v, agreement()))
    yield from text_probes("close_case", OUTCOME_TEXT, lambda f, v, c: mediation.close_case(
        database, c, outcome(f, v)), case_ctx)
    yield from value_probes("close_case", ["closed_on"], HOSTILE_DATES,
                            lambda f, v, c: mediation.close_case(
                                database, c, mediation.OutcomeInput("调解成功", closed_on=v)),
                            lambda: agreed_case(database))
    yield from value_probes("close_case", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.close_case(database, v, outcome("reason",
                                                                                      "分歧")))
    yield from value_probes("reopen_case", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.reopen_case(database, v))
    yield from text_probes("add_follow_up", FOLLOW_UP_TEXT, lambda f, v, c: mediation.add_follow_up(
        database, c, mediation.FollowUpInput(**{
            "planned_on": date(2026, 11, 20), "done_on": date(2026, 11, 20), "method": "电话",
            "visitor_id": staff(database)[0], "performance": "已履行", "satisfaction": "满意",
            f: v})), case_ctx)
    yield from value_probes("add_follow_up", ["planned_on", "done_on"], HOSTILE_DATES,
                            lambda f, v, c: mediation.add_follow_up(
                                database, c, mediation.FollowUpInput(**{
                                    "planned_on": date(2026, 11, 20), "method": "电话",
                                    "visitor_id": staff(database)[0], "performance": "已履行",
                                    "satisfaction": "满意", f: v})), case_ctx)
    yield from value_probes("add_follow_up", ["visitor_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.add_follow_up(
                                database, c, mediation.FollowUpInput(
                                    planned_on=date(2026, 11, 20), done_on=date(2026, 11, 20),
                                    visitor_id=v, performance="已履行", satisfaction="满意")),
                            case_ctx)
    yield from value_probes("update_follow_up", ["follow_up_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.update_follow_up(
                                database, v, mediation.FollowUpInput(date(2026, 11, 20)),
                                version=1))
    yield from text_probes("judicial", JUDICIAL_TEXT,
                           lambda f, v, c: save_judicial(
                               database, c, mediation.JudicialInput(**{
                                   "court": "东城区人民法院", "applied_on": date(2026, 11, 25),
                                   f: v})), lambda: agreed_case(database))
    yield from value_probes("judicial", ["applied_on", "result_on"], HOSTILE_DATES,
                            lambda f, v, c: save_judicial(
                                database, c, mediation.JudicialInput(**{
                                    "court": "东城区人民法院", "applied_on": date(2026, 11, 25),
                                    "result": "确认有效", f: v})),
                            lambda: agreed_case(database))
    yield from text_probes("attachment", {"filename": None, "title": None, "kind": None},
                           lambda f, v, c: mediation.add_attachment(database, c, **{
                               "kind": "证据材料", "filename": "证据.pdf",
                               "content": b"%PDF-1.4 test", "title": "", f: v}), case_ctx)
    yield from value_probes("attachment", ["case_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.add_attachment(
                                database, v, kind="证据材料", filename="a.pdf",
                                content=b"%PDF-1.4"))
    yield from value_probes("remove_attachment", ["attachment_id"], HOSTILE_IDS,
                            lambda f, v, c: mediation.remove_attachment(database, v))


def test_mediation_refuses_hostile_input(database: Database) -> None:
    check(database, mediation_probes(database))


@given(value=hostile.hostile_text(128), field=st.sampled_from(sorted(PARTY_TEXT)),
       session_field=st.sampled_from(sorted(SESSION_TEXT)), when=hostile.hostile_dates,
       ident=hostile.hostile_ids)
@FUZZ
def test_mediation_fuzz(database: Database, value: str, field: str, session_field: str,
                        when: date, ident: int) -> None:
    case_id = new_case(database)
    check_one(database, Probe(f"add_party.{field}={value[:20]!r}", lambda _c: mediation.add_party(
        database, case_id, person(3, **{field: value, "agent_name": "代理人甲"}))))
    check_one(database, Probe(f"add_session.{session_field}={value[:20]!r}",
                              lambda _c: mediation.add_session(database, case_id,
                                                               dataclasses.replace(
                                                                   session_input(),
                                                                   **{session_field: value}))))
    check_one(database, Probe(f"agreement.clause={value[:20]!r} signed_on={when}",
                              lambda _c: save_agreement(
                                  database, case_id, agreement(clauses=[value], signed_on=when))))
    check_one(database, Probe(f"accept_case.facts={value[:20]!r} accepted_on={when}",
                              lambda _c: mediation.accept_case(
                                  database, case_input(database, facts=value, accepted_on=when),
                                  [person(1)])))
    check_one(database, Probe(f"add_party.case_id={ident}",
                              lambda _c: mediation.add_party(database, ident, person(3))))


# -- dictionaries and settings ------------------------------------------------------------------

SETTINGS_TEXT = {f.name: None for f in dataclasses.fields(CentreSettings)}


def written(database: Database, function: Callable[..., object], *args: Any,
            **kwargs: Any) -> object:
    with database.write() as session:
        return function(session, *args, **kwargs)


def dictionary_probes(database: Database) -> Iterator[Probe]:
    def community() -> int:
        return int(written(database, dictionaries.save_community, None,
                           f"社区{next(_serial)}"))  # type: ignore[arg-type]

    yield from text_probes("category", {"name": Category.name},
                           lambda f, v, c: written(database, dictionaries.save_category, None, v,
                                                   None))
    yield from text_probes("community", {"name": Community.name},
                           lambda f, v, c: written(database, dictionaries.save_community, None, v))
    yield from text_probes("grid", {"name": Grid.name, "members": Grid.members},
                           lambda f, v, c: written(database, dictionaries.save_grid, None, c,
                                                   **{"name": "一网格", "members": "", f: v}),
                           community)
    yield from value_probes("category", ["suggested_room_id", "entry_id"], HOSTILE_IDS,
                            lambda f, v, c: written(
                                database, dictionaries.save_category,
                                v if f == "entry_id" else None, f"类别{next(_serial)}",
                                v if f == "suggested_room_id" else None))
    yield from value_probes("community", ["entry_id"], HOSTILE_IDS,
                            lambda f, v, c: written(database, dictionaries.save_community, v,
                                                    f"社区{next(_serial)}"))
    yield from value_probes("grid", ["community_id"], HOSTILE_IDS,
                            lambda f, v, c: written(database, dictionaries.save_grid, None, v,
                                                    "一网格"))
    yield from value_probes("grid", ["entry_id"], HOSTILE_IDS,
                            lambda f, v, c: written(database, dictionaries.save_grid, v, c,
                                                    f"网格{next(_serial)}"), community)
    yield from text_probes("settings", SETTINGS_TEXT, lambda f, v, c: written(
        database, save_settings, CentreSettings(**{f: v})))
    yield from notice_probes(database)


def notice_probes(database: Database) -> Iterator[Probe]:
    def notice(**changes: Any) -> NoticeInput:
        values: dict[str, Any] = dict(title="调解不收费", body="人民调解不收费。",
                                      shown_from=date(2026, 12, 2), shown_until=None)
        return NoticeInput(**(values | changes))

    yield from text_probes("notice", {"title": Notice.title, "body": None},
                           lambda f, v, c: written(database, notices.save_notice, None,
                                                   notice(**{f: v})))
    yield from value_probes("notice", ["shown_from", "shown_until"], HOSTILE_DATES,
                            lambda f, v, c: written(database, notices.save_notice, None,
                                                    notice(**{f: v})))
    yield from value_probes("notice", ["notice_id"], HOSTILE_IDS,
                            lambda f, v, c: written(database, notices.save_notice, v, notice()))
    yield from value_probes("notice.delete", ["notice_id"], HOSTILE_IDS,
                            lambda f, v, c: written(database, notices.delete_notice, v))


def test_dictionaries_and_settings_refuse_hostile_input(database: Database) -> None:
    check(database, dictionary_probes(database))


@given(value=hostile.hostile_text(), field=st.sampled_from(sorted(SETTINGS_TEXT)))
@FUZZ
def test_dictionaries_and_settings_fuzz(database: Database, value: str, field: str) -> None:
    check_one(database, Probe(f"category={value[:20]!r}", lambda _c: written(
        database, dictionaries.save_category, None, value, None)))
    check_one(database, Probe(f"settings.{field}={value[:20]!r}", lambda _c: written(
        database, save_settings, CentreSettings(**{field: value}))))


# -- imports ------------------------------------------------------------------------------------

# The model column each template column is stored in (its length is the limit).
IMPORT_COLUMNS = {
    "communities": [Community.name, Grid.name, Grid.members],
    "staff": [Staff.name, Staff.role, Room.name, Staff.phone],
    "rooms": [Room.name, Room.code, Room.ticket_prefix, Room.kind, Room.location],
    "categories": [Category.name, Room.name],
}
IMPORT_ROWS = {
    "communities": ["东风社区", "一网格", "张网格员"],
    "staff": ["赵调解", "调解员", "矛盾纠纷调解室", "13800138000"],
    "rooms": ["法律援助室", "legal_aid", "法", "工作室", "三楼"],
    "categories": ["噪音", "矛盾纠纷调解室"],
}
# Characters openpyxl will not write go into the sheet's XML by hand, as character
# references (which an XML parser refuses) or Excel's _xHHHH_ escapes (which stay text).
RAW_XML = {"nul_ref": "&#0;", "c0_ref": "&#1;", "surrogate_ref": "&#xD800;",
           "escaped_nul": "_x0000_"}
PLACEHOLDER = "PLACEHOLDERXYZ"


def writable(value: str) -> bool:
    """What openpyxl can put in a cell (no C0 controls but tab and line breaks, no surrogates)."""
    return not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]", value)


def workbook(tmp_path: Path, key: str, cells: list[str], raw: str | None = None) -> Path:
    spec = imports.IMPORTS[key]
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    ws.append(list(spec.headers))
    ws.append(cells)
    path = tmp_path / f"{key}-{next(_serial)}.xlsx"
    wb.save(path)
    if raw is not None:
        patched = path.with_suffix(".patched.xlsx")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if item.filename.startswith("xl/worksheets/"):
                    data = data.replace(PLACEHOLDER.encode(), raw.encode())
                dst.writestr(item, data)
        path = patched
    return path


def import_probes(database: Database, tmp_path: Path) -> Iterator[Probe]:
    for key, row in IMPORT_ROWS.items():
        spec = imports.IMPORTS[key]
        for column, header in enumerate(spec.headers):
            limit = limit_of(IMPORT_COLUMNS[key][column])
            shapes = {k: v for k, v in text_shapes(limit).items() if writable(v)}
            for shape, value in shapes.items():
                cells = list(row)
                cells[column] = value
                yield Probe(f"import.{key}.{header}={shape}",
                            lambda _c, k=key, cs=cells: imports.import_file(
                                database, k, workbook(tmp_path, k, cs)))
            for shape, raw in RAW_XML.items():
                cells = list(row)
                cells[column] = f"张{PLACEHOLDER}三"
                yield Probe(f"import.{key}.{header}={shape}",
                            lambda _c, k=key, cs=cells, r=raw: imports.import_file(
                                database, k, workbook(tmp_path, k, cs, r)))
    not_xlsx = tmp_path / "not.xlsx"
    not_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    for name, path in {"missing": tmp_path / "missing.xlsx", "not_xlsx": not_xlsx,
                       "empty": empty, "directory": folder}.items():
        yield Probe(f"import.file={name}",
                    lambda _c, p=path: imports.import_file(database, "staff", p))


def test_imports_refuse_hostile_files(database: Database, tmp_path: Path) -> None:
    check(database, import_probes(database, tmp_path))


@given(value=hostile.hostile_text(64).filter(writable),
       key=st.sampled_from(sorted(IMPORT_ROWS)), column=st.integers(0, 4))
@FUZZ
def test_imports_fuzz(database: Database, tmp_path: Path, value: str, key: str,
                      column: int) -> None:
    cells = list(IMPORT_ROWS[key])
    cells[column % len(cells)] = value
    check_one(database, Probe(f"import.{key}[{column}]={value[:20]!r}",
                              lambda _c: imports.import_file(database, key,
                                                             workbook(tmp_path, key, cells))))


def test_probe_runner_catches_a_crash(database: Database) -> None:
    """The harness itself: a crash, a write before a refusal and dirty text are all caught."""
    def crash(_c: Any) -> object:
        raise KeyError("boom")

    assert "KeyError" in (hostile.run_probe(database, Probe("crash", crash)) or "")

    def write_then_refuse(_c: Any) -> object:
        with database.write() as session:
            session.add(Room(code="zz", name="临时室", ticket_prefix="临"))
        from desktop.services.errors import ValidationError
        raise ValidationError({"x": "不对"})

    assert "written" in (hostile.run_probe(database, Probe("write", write_then_refuse)) or "")

    def dirty(_c: Any) -> object:
        with database.write() as session:
            session.add(Staff(name="张\x01三", role="mediator"))
        return None

    assert "unclean" in (hostile.run_probe(database, Probe("dirty", dirty)) or "")
