"""Finding one record by its number, for the administrator who removes it or reveals it.

A resident asks for their data to be removed (个人信息保护法), or a number must be
checked in full: the admin types the 身份证号 (or name), the 受理编号 or the 案号 and
gets the record back masked, with what a removal or a reveal needs (its id and
version). Only an account that may remove records or reveal numbers may search.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import MediationCase, Person, Visit
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.errors import ValidationError

KINDS = {"person": "来访人（身份证号或姓名）", "visit": "来访登记（受理编号）",
         "mediation_case": "调解案件（案号）"}
LIMIT = 50


@dataclass(frozen=True)
class FoundRecord:
    kind: str  # person / visit / mediation_case
    record_id: int
    version: int | None  # what a removal checks against; None: visits are never edited
    label: str  # the name, 受理编号 or 案号
    details: str  # masked: what tells two records apart
    person_id: int | None  # whose numbers a reveal shows


def _require(session: Session) -> None:
    """Either right will do: the search shows nothing beyond masked numbers."""
    if not auth.may(session, "personal.reveal"):
        auth.require(session, "records.delete")


def find_records(session: Session, kind: str, text: str) -> list[FoundRecord]:
    """The records of ``kind`` that ``text`` names (removed ones excluded), masked."""
    _require(session)
    if kind not in KINDS:
        raise ValidationError({"kind": "请选择要查找的记录类别"})
    query = validation.clean_text(text or "")
    if not query:
        raise ValidationError({"query": "请输入要查找的号码或姓名"})
    if len(query) > 64:
        raise ValidationError({"query": "查找内容不能超过 64 个字"})
    if kind == "person":
        return _persons(session, query)
    if kind == "visit":
        return _visits(session, query)
    return _cases(session, query)


def _persons(session: Session, query: str) -> list[FoundRecord]:
    number = validation.normalize_id_number(query)
    condition = (Person.id_number == number if validation.id_number_error(number) is None
                 else Person.name == query)
    visits = (select(func.count()).where(Visit.person_id == Person.id, Visit.deleted_at.is_(None))
              .correlate(Person).scalar_subquery())
    rows = session.execute(
        select(Person.id, Person.version, Person.name, Person.id_number, Person.phone, visits)
        .where(condition, Person.deleted_at.is_(None)).order_by(Person.id).limit(LIMIT))
    return [FoundRecord("person", pid, version, name,
                        "；".join(filter(None, (validation.mask_id_number(id_number),
                                               validation.mask_phone(phone),
                                               f"来访 {count} 次"))), pid)
            for pid, version, name, id_number, phone, count in rows]


def _visits(session: Session, query: str) -> list[FoundRecord]:
    rows = session.execute(
        select(Visit.id, Visit.visit_no, Visit.visited_at, Person.id, Person.name,
               Person.id_number)
        .join(Person, Person.id == Visit.person_id)
        .where(Visit.visit_no == query.upper(), Visit.deleted_at.is_(None)).limit(LIMIT))
    return [FoundRecord("visit", vid, None, visit_no,
                        f"{name}；{validation.mask_id_number(id_number)}；{at:%Y-%m-%d %H:%M}",
                        pid)
            for vid, visit_no, at, pid, name, id_number in rows]


def _cases(session: Session, query: str) -> list[FoundRecord]:
    number = query.replace("(", "（").replace(")", "）").replace(" ", "")
    rows = session.execute(
        select(MediationCase.id, MediationCase.version, MediationCase.case_no,
               MediationCase.accepted_on, MediationCase.outcome)
        .where(MediationCase.case_no == number, MediationCase.deleted_at.is_(None))
        .limit(LIMIT))
    return [FoundRecord("mediation_case", cid, version, case_no,
                        f"受理于 {accepted:%Y-%m-%d}；{outcome or '未结案'}", None)
            for cid, version, case_no, accepted, outcome in rows]
