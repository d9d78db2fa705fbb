"""The case list, its counts, and one case read whole for the editor and the printer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from desktop.models import (
    CaseParty,
    Category,
    MediationCase,
    MediationSession,
    Staff,
)
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings
from desktop.services.errors import NotFoundError
from desktop.services.mediation.common import case_id_for, day_or_today
from desktop.services.mediation.constants import SIDES
from desktop.services.mediation.forms import (
    AgreementData,
    AttachmentData,
    CaseDetail,
    CaseInput,
    CaseRow,
    FollowUpData,
    JudicialData,
    PartyData,
    SessionData,
    case_title,
)

# ---------------------------------------------------------------------------
# Reading


def case_titles(session: Session, case_ids: list[int]) -> dict[int, str]:
    """Case names (张三与李四邻里纠纷) for many cases in two queries."""
    if not case_ids:
        return {}
    ids = list(dict.fromkeys(case_ids))
    names: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start:chunk_start + 500]
        for cid, side, name in session.execute(
            select(CaseParty.case_id, CaseParty.side, CaseParty.name)
            .where(CaseParty.case_id.in_(chunk)).order_by(CaseParty.position, CaseParty.id)
        ):
            names[cid][0 if side == "申请人" else 1].append(name)
    categories = dict(session.execute(
        select(MediationCase.id, Category.name).join(Category)
        .where(MediationCase.id.in_(ids[:2000]))
    ).all())
    return {i: case_title(a, r, categories.get(i, "")) for i, (a, r) in names.items()}


def case_list(session: Session, *, status: str = "open", search: str = "",
              today: date | None = None, limit: int = 500) -> list[CaseRow]:
    """The case list: open (soonest due first), overdue, closed or all, with days left."""
    auth.require(session, "case.read")
    day = day_or_today(today)
    stmt = select(MediationCase.id, MediationCase.case_no, Category.name,
                  MediationCase.accepted_on, MediationCase.due_on, MediationCase.outcome,
                  MediationCase.closed_on).outerjoin(Category).where(
                      MediationCase.deleted_at.is_(None))
    if status == "open":
        stmt = stmt.where(MediationCase.outcome.is_(None)).order_by(MediationCase.due_on,
                                                                    MediationCase.id)
    elif status == "overdue":
        stmt = stmt.where(MediationCase.outcome.is_(None), MediationCase.due_on < day).order_by(
            MediationCase.due_on, MediationCase.id)
    elif status == "closed":
        stmt = stmt.where(MediationCase.outcome.is_not(None)).order_by(
            MediationCase.closed_on.desc(), MediationCase.id.desc())
    else:
        stmt = stmt.order_by(MediationCase.accepted_on.desc(), MediationCase.id.desc())
    text = search.strip()
    if text:
        like = f"%{text}%"
        party_match = select(CaseParty.case_id).where(
            or_(CaseParty.name.like(like), CaseParty.id_number == text.upper(),
                CaseParty.phone == text, CaseParty.credit_code == text.upper()))
        stmt = stmt.where(or_(MediationCase.case_no.like(like), MediationCase.id.in_(party_match),
                              MediationCase.facts.like(like)))
    rows = session.execute(stmt.limit(limit)).all()
    ids = [r[0] for r in rows]
    titles = case_titles(session, ids)
    mediators: dict[int, list[str]] = {}
    if ids:
        from desktop.models import case_mediator

        for cid, name in session.execute(
            select(case_mediator.c.case_id, Staff.name)
            .join(Staff, Staff.id == case_mediator.c.staff_id)
            .where(case_mediator.c.case_id.in_(ids)).order_by(Staff.id)
        ):
            mediators.setdefault(cid, []).append(name)
    result = []
    for cid, no, category, accepted, due, outcome, closed in rows:
        days_left = None if outcome else (due - day).days
        result.append(CaseRow(
            cid, no, titles.get(cid, ""), category or "", "、".join(mediators.get(cid, [])),
            accepted, due, outcome, closed, days_left, days_left is not None and days_left < 0,
        ))
    return result


def case_counts(session: Session, *, today: date | None = None) -> dict[str, int]:
    day = day_or_today(today)
    open_, overdue, closed = session.execute(select(
        func.count().filter(MediationCase.outcome.is_(None)),
        func.count().filter(MediationCase.outcome.is_(None), MediationCase.due_on < day),
        func.count().filter(MediationCase.outcome.is_not(None)),
    ).where(MediationCase.deleted_at.is_(None))).one()
    return {"open": open_, "overdue": overdue, "closed": closed,
            "all": open_ + closed}


def case_input(detail: CaseDetail) -> CaseInput:
    return CaseInput(
        facts=detail.facts, matters=detail.matters, source=detail.source,
        source_detail=detail.source_detail or "", category_id=detail.category_id,
        mediator_ids=list(detail.mediator_ids), recorder_id=detail.recorder_id,
        accepted_on=detail.accepted_on, visit_id=detail.visit_id, retention=detail.retention,
        archive_no=detail.archive_no or "", filed_by_id=detail.filed_by_id,
        filed_on=detail.filed_on,
    )


def case_detail(session: Session, case_id: int) -> CaseDetail:
    auth.require(session, "case.read")
    case_ = session.scalar(
        select(MediationCase).where(MediationCase.id == case_id).options(
            selectinload(MediationCase.parties),
            selectinload(MediationCase.sessions).selectinload(MediationSession.mediator),
            selectinload(MediationCase.sessions).selectinload(MediationSession.recorder),
            selectinload(MediationCase.mediators), selectinload(MediationCase.follow_ups),
            selectinload(MediationCase.attachments),
        )
    )
    if case_ is None:
        raise NotFoundError("没有找到该调解案件")
    settings = load_settings(session)
    agreement = None
    if case_.agreement is not None:
        a = case_.agreement
        agreement = AgreementData(
            kind=a.kind, clauses=[c.text for c in a.clauses],
            performance_method=a.performance_method, performance_place=a.performance_place,
            performance_deadline=a.performance_deadline, copies=a.copies, amount=a.amount,
            signed_on=a.signed_on, effective_on=a.effective_on, version=a.version,
        )
    judicial = None
    if case_.judicial is not None:
        j = case_.judicial
        judicial = JudicialData(j.court, j.deadline_on, j.applied_on, j.result, j.result_on,
                                j.notes, j.version)
    return CaseDetail(
        id=case_.id, case_no=case_.case_no, committee_name=settings.committee_name,
        centre_name=settings.centre_name, centre_address=settings.centre_address,
        source=case_.source, source_detail=case_.source_detail, category_id=case_.category_id,
        category=case_.category.name if case_.category else "", facts=case_.facts,
        matters=case_.matters, mediator_ids=[s.id for s in case_.mediators],
        mediators=[s.name for s in case_.mediators], recorder_id=case_.recorder_id,
        recorder=case_.recorder.name if case_.recorder else None,
        accepted_on=case_.accepted_on, due_on=case_.due_on, outcome=case_.outcome,
        outcome_reason=case_.outcome_reason, guided_to=case_.guided_to,
        closed_on=case_.closed_on, archive_no=case_.archive_no, filed_by_id=case_.filed_by_id,
        filed_by=case_.filed_by.name if case_.filed_by else None, filed_on=case_.filed_on,
        retention=case_.retention, visit_id=case_.visit_id,
        visit_no=case_.visit.visit_no if case_.visit else None,
        parties=[PartyData(
            id=p.id, side=p.side, kind=p.kind, name=p.name, person_id=p.person_id,
            gender=p.gender, ethnicity=p.ethnicity, birth_date=p.birth_date, age=p.age,
            id_number=p.id_number, occupation=p.occupation, address=p.address, phone=p.phone,
            credit_code=p.credit_code, legal_rep=p.legal_rep, legal_rep_title=p.legal_rep_title,
            agent_type=p.agent_type, agent_name=p.agent_name, agent_id_number=p.agent_id_number,
            agent_phone=p.agent_phone, agent_relation=p.agent_relation, version=p.version,
        ) for p in sorted(case_.parties, key=lambda p: (SIDES.index(p.side), p.position, p.id))],
        sessions=[SessionData(s.id, s.held_at, s.place, s.attendees, s.record, s.next_steps,
                              s.version, s.mediator_id, s.mediator.name if s.mediator else "",
                              s.recorder_id, s.recorder.name if s.recorder else "")
                  for s in case_.sessions],
        agreement=agreement,
        follow_ups=[FollowUpData(f.id, f.planned_on, f.done_on, f.method,
                                 f.visitor.name if f.visitor else None, f.visitor_id,
                                 f.performance, f.satisfaction, f.notes, f.version)
                    for f in case_.follow_ups],
        judicial=judicial,
        attachments=[AttachmentData(a.id, a.kind, a.title, a.filename, a.mime, a.size,
                                    a.added_at) for a in case_.attachments],
        version=case_.version,
    )


def case_detail_by_no(session: Session, case_no: str) -> CaseDetail:
    return case_detail(session, case_id_for(session, case_no))
