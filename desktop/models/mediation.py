"""The mediation room: cases (案件), parties, sessions, agreements, follow-ups, attachments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, SoftDeleteMixin, TimestampMixin, VersionedMixin
from desktop.models.person import Person
from desktop.models.reference import Category, Staff
from desktop.models.visit import Referral, Visit

case_mediator = Table(
    "case_mediator",
    Base.metadata,
    Column("case_id", ForeignKey("mediation_case.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id"), primary_key=True),
)


class MediationCase(SoftDeleteMixin, VersionedMixin, TimestampMixin, Base):
    """A dispute accepted (受理) by the 人民调解委员会, numbered （2026）东人调字第0001号."""

    __tablename__ = "mediation_case"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(48), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    # The visit (and its ticket to the mediation room) the case comes from, if any.
    # One visit gets at most one case, however many desks press 受理 at once.
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit.id"), index=True, unique=True
    )
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    # 当事人申请, 主动调解, 公安移交, 法院委托, 政府部门指定
    source: Mapped[str] = mapped_column(String(16), default="当事人申请")
    # Who sent it: the room, the department, the court (诉前委派), ...
    source_detail: Mapped[str | None] = mapped_column(String(128))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    facts: Mapped[str] = mapped_column(Text, default="")
    matters: Mapped[str] = mapped_column(Text, default="")
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    accepted_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # 调解成功, 调解不成功, 终止调解; NULL while the case is open.
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    # Where the parties were guided when mediation failed: 诉讼, 仲裁, 行政.
    guided_to: Mapped[str | None] = mapped_column(String(16))
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The case file (卷宗) cover.
    archive_no: Mapped[str | None] = mapped_column(String(48))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    filed_on: Mapped[date | None] = mapped_column(Date)
    retention: Mapped[str] = mapped_column(String(16), default="长期")

    visit: Mapped[Visit | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    category: Mapped[Category | None] = relationship()
    recorder: Mapped[Staff | None] = relationship(foreign_keys=[recorder_id])
    filed_by: Mapped[Staff | None] = relationship(foreign_keys=[filed_by_id])
    mediators: Mapped[list[Staff]] = relationship(secondary=case_mediator, order_by=Staff.id)
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", order_by="CaseParty.position, CaseParty.id",
        cascade="all, delete-orphan",
    )
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="case", order_by="MediationSession.held_at, MediationSession.id",
        cascade="all, delete-orphan",
    )
    agreement: Mapped[Agreement | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="case", order_by="FollowUp.planned_on, FollowUp.id",
        cascade="all, delete-orphan",
    )
    judicial: Mapped[JudicialConfirmation | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )
    attachments: Mapped[list[CaseAttachment]] = relationship(
        back_populates="case", order_by="CaseAttachment.added_at, CaseAttachment.id",
        cascade="all, delete-orphan",
    )


class CaseParty(VersionedMixin, Base):
    """An applicant (申请人) or respondent (被申请人): a natural person or an organisation."""

    __tablename__ = "case_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True
    )
    side: Mapped[str] = mapped_column(String(8))  # 申请人 / 被申请人
    kind: Mapped[str] = mapped_column(String(16), default="person")  # person / organisation
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A resident already known from reception.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    gender: Mapped[str | None] = mapped_column(String(4))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)
    id_number: Mapped[str | None] = mapped_column(String(32), index=True)
    occupation: Mapped[str | None] = mapped_column(String(128))  # 职业或工作单位
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(32))
    credit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    legal_rep: Mapped[str | None] = mapped_column(String(64))
    legal_rep_title: Mapped[str | None] = mapped_column(String(32))
    # 代理人 (委托代理人 / 法定代理人)
    agent_type: Mapped[str | None] = mapped_column(String(16))
    agent_name: Mapped[str | None] = mapped_column(String(64))
    agent_id_number: Mapped[str | None] = mapped_column(String(32))
    agent_phone: Mapped[str | None] = mapped_column(String(32))
    agent_relation: Mapped[str | None] = mapped_column(String(64))

    case: Mapped[MediationCase] = relationship(back_populates="parties")
    person: Mapped[Person | None] = relationship()


class MediationSession(VersionedMixin, Base):
    """One mediation session (调解记录/笔录)."""

    __tablename__ = "mediation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True
    )
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(128), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str | None] = mapped_column(Text)
    # Who led this session (one of the case's mediators) and who wrote it down.
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    case: Mapped[MediationCase] = relationship(back_populates="sessions")
    mediator: Mapped[Staff | None] = relationship(foreign_keys=[mediator_id])
    recorder: Mapped[Staff | None] = relationship(foreign_keys=[recorder_id])


class Agreement(VersionedMixin, TimestampMixin, Base):
    """The agreement reached: written (人民调解协议书) or oral (口头协议登记)."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(8), default="written")  # written / oral
    performance_method: Mapped[str | None] = mapped_column(Text)
    performance_place: Mapped[str | None] = mapped_column(String(255))
    performance_deadline: Mapped[str | None] = mapped_column(String(128))
    # Copies printed; NULL means one per party plus one for the committee.
    copies: Mapped[int | None] = mapped_column(Integer)
    # 协议涉及金额 (yuan), for the monthly report.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    signed_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date, index=True)

    case: Mapped[MediationCase] = relationship(back_populates="agreement")
    clauses: Mapped[list[AgreementClause]] = relationship(
        back_populates="agreement", order_by="AgreementClause.position",
        cascade="all, delete-orphan",
    )


class AgreementClause(Base):
    __tablename__ = "agreement_clause"
    __table_args__ = (UniqueConstraint("agreement_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="clauses")


class FollowUp(VersionedMixin, Base):
    """A follow-up visit or call (回访) on how the agreement is performed."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True
    )
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date, index=True)
    method: Mapped[str | None] = mapped_column(String(16))  # 电话 / 上门 / 来访
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    performance: Mapped[str | None] = mapped_column(String(8))  # 已履行 / 部分履行 / 未履行
    satisfaction: Mapped[str | None] = mapped_column(String(8))  # 满意 / 基本满意 / 不满意
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[MediationCase] = relationship(back_populates="follow_ups")
    visitor: Mapped[Staff | None] = relationship()


class JudicialConfirmation(VersionedMixin, Base):
    """司法确认: the parties' joint application to a court (人民调解法 art. 33)."""

    __tablename__ = "judicial_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), unique=True
    )
    court: Mapped[str] = mapped_column(String(128), default="")
    deadline_on: Mapped[date | None] = mapped_column(Date, index=True)
    applied_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(16))  # 确认有效 / 驳回申请 / 撤回申请
    result_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[MediationCase] = relationship(back_populates="judicial")


class CaseAttachment(Base):
    """A scanned paper of the case (ID copy, evidence, receipt of performance), kept in the DB.

    The bytes live in the database so every desk sharing a PostgreSQL server sees them.
    """

    __tablename__ = "case_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_case.id", ondelete="CASCADE"), index=True
    )
    # 身份证明, 证据材料, 履行凭证, 司法确认材料, 其他材料
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    case: Mapped[MediationCase] = relationship(back_populates="attachments")
