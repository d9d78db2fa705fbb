"""The mediation room's rules: accepting cases, parties, sessions, outcomes, follow-ups.

Every function that writes is one ``database.write()`` unit of work. Data goes
in and out as plain dataclasses; the printing modules take a ``CaseDetail``.
Case numbers come from the counter row ``case:{year}`` in the accepting
transaction, so two desks accepting at the same moment never share a number
and a rolled-back acceptance leaves no gap. A visit becomes at most one case
(a unique visit_id); accepting locks the visit first, so a second desk
accepting the same visit waits, then is refused with the first case's number.

Two desks may have the same case open. Every form is loaded with the version
of its record (``CaseDetail.version``, ``PartyData.version``, ...), and every
save or delete takes that version back: when the record has changed since, the
save is refused with :class:`StaleEditError`, which lists the fields that
differ, and nothing is written. The case row is locked (``FOR UPDATE``) by
every write that concerns the case, so a check and its write see the same row.

A closed case (结案) keeps what it was closed with: its facts, parties,
sessions and agreement refuse every change until it is reopened
(:func:`reopen_case`). What a committee does after closing stays open:
回访 (follow-ups), 司法确认, scans added to the file (履行凭证, ...) and the
立卷 fields of the cover (卷号, 立卷人, 立卷日期, 保管期限), since a file is
archived after its case is closed.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, union_all, update
from sqlalchemy.orm import Session, selectinload

from desktop.db import Database
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
    Staff,
    Visit,
)
from desktop.models.base import mark_changed
from desktop.services import files, numbering, privacy, validation
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import load_settings, require
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.validation import TextField, checked, date_errors, existing, id_error
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    refuse_stale_delete,
    write_checked,
)

MEDIATION_ROOM = "mediation"
# A routed visit waits for a case while its ticket is open, or when the room
# finished it with the result "case_opened" (立案调解) and no case exists yet.
OPEN_REFERRAL_STATES = ["waiting", "called", "serving", "on_hold"]
PENDING_DAYS = 90
TIME_LIMIT_DAYS = 30  # 调解期限: cases are expected to close within 30 days
JUDICIAL_DAYS = 30  # 司法确认: apply within 30 days of the agreement taking effect

SOURCES = ["当事人申请", "主动调解", "公安移交", "法院委托", "政府部门指定"]
SIDES = ["申请人", "被申请人"]
KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
GENDERS = ["男", "女"]
AGENT_TYPES = ["委托代理人", "法定代理人"]
OUTCOMES = ["调解成功", "调解不成功", "终止调解"]
AGREEMENT_KINDS = {"written": "书面协议", "oral": "口头协议"}
GUIDED_TO = ["诉讼", "仲裁", "行政"]
PERFORMANCE = ["已履行", "部分履行", "未履行"]
SATISFACTION = ["满意", "基本满意", "不满意"]
FOLLOW_UP_METHODS = ["电话", "上门", "来访"]
JUDICIAL_RESULTS = ["确认有效", "驳回申请", "撤回申请"]
RETENTION = ["永久", "长期", "短期"]
# The kinds of scanned papers, in the order they take in the case file.
ATTACHMENT_KINDS = ["身份证明", "证据材料", "履行凭证", "司法确认材料", "其他材料"]
ATTACHMENT_MIMES = {"application/pdf", "image/jpeg", "image/png"}
MAX_ATTACHMENT_BYTES = 30 * 1024 * 1024
# A file name as a user's file system may give it (stored cut to its column).
MAX_FILENAME_LENGTH = 1024
LIST_FILTERS = {"open": "办理中", "overdue": "已超期", "closed": "已结案", "all": "全部"}


CLOSED_MESSAGE = "该案件已结案，如需修改请先“重新打开”"
# Fields of the case a closed case still takes: the 立卷 fields of the file cover.
ARCHIVE_FIELDS = ("archive_no", "retention", "filed_by", "filed_on")
CASE_LABELS = {
    "source": "案件来源", "source_detail": "来源说明", "category": "纠纷类别",
    "mediators": "调解员", "recorder": "记录人", "facts": "纠纷主要事实", "matters": "争议事项",
    "archive_no": "卷号", "retention": "保管期限", "filed_by": "立卷人", "filed_on": "立卷日期",
}
PARTY_LABELS = {
    "side": "身份", "kind": "类型", "name": "姓名/名称", "person_id": "关联来访人",
    "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "age": "年龄",
    "id_number": "身份证号", "occupation": "职业或工作单位", "credit_code": "统一社会信用代码",
    "legal_rep_title": "代表人职务", "legal_rep": "代表人", "address": "住址/住所",
    "phone": "联系电话", "agent_type": "代理人类型", "agent_name": "代理人",
    "agent_relation": "代理人单位或关系", "agent_id_number": "代理人身份证号",
    "agent_phone": "代理人电话",
}
SESSION_LABELS = {"held_at": "调解时间", "place": "调解地点", "attendees": "参加人员",
                  "record": "调解记录", "next_steps": "下一步工作", "mediator": "调解员",
                  "recorder": "记录人"}
AGREEMENT_LABELS = {
    "kind": "协议形式", "clauses": "协议条款", "performance_method": "履行方式",
    "performance_place": "履行地点", "performance_deadline": "履行期限", "copies": "协议份数",
    "amount": "涉及金额", "signed_on": "签订日期", "effective_on": "生效日期",
}
FOLLOW_UP_LABELS = {"planned_on": "计划日期", "done_on": "回访日期", "method": "回访方式",
                    "visitor": "回访人", "performance": "履行情况", "satisfaction": "满意度",
                    "notes": "回访情况"}
JUDICIAL_LABELS = {"court": "人民法院", "applied_on": "申请日期", "result": "确认结果",
                   "result_on": "结果日期", "notes": "备注"}

def format_case_no(year: int, short_name: str, seq: int) -> str:
    return f"（{year}）{short_name}人调字第{seq:04d}号"


# ---------------------------------------------------------------------------
# Plain data in and out


@dataclass
class CaseInput:
    """The 基本信息 of a case, as the mediator typed it."""

    facts: str
    matters: str = ""
    source: str = "当事人申请"
    source_detail: str = ""
    category_id: int | None = None
    mediator_ids: list[int] = field(default_factory=list)
    recorder_id: int | None = None
    accepted_on: date | None = None
    visit_id: int | None = None
    referral_id: int | None = None
    retention: str = "长期"
    archive_no: str = ""
    filed_by_id: int | None = None
    filed_on: date | None = None


@dataclass
class PartyInput:
    name: str
    side: str = "申请人"
    kind: str = "person"
    person_id: int | None = None
    gender: str | None = None
    ethnicity: str = ""
    birth_date: date | None = None
    age: int | None = None
    id_number: str = ""
    occupation: str = ""
    address: str = ""
    phone: str = ""
    credit_code: str = ""
    legal_rep: str = ""
    legal_rep_title: str = "法定代表人"
    agent_type: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""
    agent_relation: str = ""


@dataclass
class SessionInput:
    held_at: datetime
    place: str
    attendees: str
    record: str
    next_steps: str = ""
    # One of the case's mediators; None: the signed-in account if it is one of them.
    mediator_id: int | None = None
    # Who wrote the record down; None: the signed-in account.
    recorder_id: int | None = None


@dataclass
class AgreementInput:
    clauses: list[str]
    kind: str = "written"
    performance_method: str = ""
    performance_place: str = ""
    performance_deadline: str = ""
    copies: int | None = None
    amount: str = ""  # yuan as typed; parsed to Decimal
    signed_on: date | None = None
    effective_on: date | None = None


@dataclass
class OutcomeInput:
    outcome: str
    closed_on: date | None = None
    reason: str = ""
    guided_to: str = ""


@dataclass
class FollowUpInput:
    planned_on: date
    done_on: date | None = None
    method: str = ""
    visitor_id: int | None = None
    performance: str = ""
    satisfaction: str = ""
    notes: str = ""


@dataclass
class JudicialInput:
    court: str
    applied_on: date | None = None
    result: str = ""
    result_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class CaseRef:
    case_id: int
    case_no: str


@dataclass(frozen=True)
class Conflict:
    """Another case in which the same person or organisation appears."""

    case_id: int
    case_no: str
    side: str
    name: str
    status: str
    accepted_on: date
    reason: str  # 同一人员 / 同一身份证号 / 同一信用代码 / 同名单位

    def describe(self) -> str:
        return f"{self.case_no}（{self.status}，作为{self.side}，{self.reason}）"


@dataclass(frozen=True)
class PartyResult:
    party_id: int
    conflicts: list[Conflict]


@dataclass(frozen=True)
class RoutedVisit:
    """A visit routed to the mediation room that has no case yet."""

    visit_id: int
    referral_id: int
    visit_no: str
    ticket_no: str
    visited_at: datetime
    person_name: str
    category: str
    summary: str

    def label(self) -> str:
        return (f"{self.visited_at:%m-%d %H:%M} {self.ticket_no} {self.person_name}"
                f"（{self.category or '未分类'}）{self.summary[:24]}")


@dataclass(frozen=True)
class PersonChoice:
    person_id: int
    name: str
    gender: str | None
    id_number: str | None
    phone: str | None
    address: str | None

    def label(self) -> str:
        masked = validation.mask_id_number(self.id_number) or "无证件号"
        return f"{self.name}  {masked}  {validation.mask_phone(self.phone)}"


@dataclass(frozen=True)
class StaffChoice:
    id: int
    name: str
    mediator: bool  # holds the mediator's role (among others, maybe)


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    case_id: int
    case_no: str
    title: str
    category: str
    mediators: str
    accepted_on: date
    due_on: date
    outcome: str | None
    closed_on: date | None
    days_left: int | None  # None when closed
    overdue: bool

    @property
    def status(self) -> str:
        return self.outcome or ("已超期" if self.overdue else "办理中")


@dataclass(frozen=True)
class DueFollowUp:
    follow_up_id: int
    case_id: int
    case_no: str
    title: str
    planned_on: date
    days_late: int


@dataclass(frozen=True)
class PartyData:
    id: int
    side: str
    kind: str
    name: str
    person_id: int | None = None
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    age: int | None = None
    id_number: str | None = None
    occupation: str | None = None
    address: str | None = None
    phone: str | None = None
    credit_code: str | None = None
    legal_rep: str | None = None
    legal_rep_title: str | None = None
    agent_type: str | None = None
    agent_name: str | None = None
    agent_id_number: str | None = None
    agent_phone: str | None = None
    agent_relation: str | None = None
    version: int = 0

    @property
    def is_organisation(self) -> bool:
        return self.kind == "organisation"


@dataclass(frozen=True)
class SessionData:
    id: int
    held_at: datetime
    place: str
    attendees: str
    record: str
    next_steps: str | None
    version: int = 0
    mediator_id: int | None = None
    mediator: str = ""
    recorder_id: int | None = None
    recorder: str = ""


@dataclass(frozen=True)
class AgreementData:
    kind: str
    clauses: list[str]
    performance_method: str | None
    performance_place: str | None
    performance_deadline: str | None
    copies: int | None
    amount: Decimal | None
    signed_on: date | None
    effective_on: date | None
    version: int | None = None  # None: typed, not saved yet


@dataclass(frozen=True)
class FollowUpData:
    id: int
    planned_on: date
    done_on: date | None
    method: str | None
    visitor: str | None
    visitor_id: int | None
    performance: str | None
    satisfaction: str | None
    notes: str | None
    version: int = 0


@dataclass(frozen=True)
class JudicialData:
    court: str
    deadline_on: date | None
    applied_on: date | None
    result: str | None
    result_on: date | None
    notes: str | None
    version: int = 0


@dataclass(frozen=True)
class AttachmentData:
    id: int
    kind: str
    title: str
    filename: str
    mime: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class CaseDetail:
    """Everything about one case, for the editor and for every document."""

    id: int
    case_no: str
    committee_name: str
    centre_name: str
    centre_address: str
    source: str
    source_detail: str | None
    category_id: int | None
    category: str
    facts: str
    matters: str
    mediator_ids: list[int]
    mediators: list[str]
    recorder_id: int | None
    recorder: str | None
    accepted_on: date
    due_on: date
    outcome: str | None
    outcome_reason: str | None
    guided_to: str | None
    closed_on: date | None
    archive_no: str | None
    filed_by_id: int | None
    filed_by: str | None
    filed_on: date | None
    retention: str
    visit_id: int | None
    visit_no: str | None
    parties: list[PartyData]
    sessions: list[SessionData]
    agreement: AgreementData | None
    follow_ups: list[FollowUpData]
    judicial: JudicialData | None
    attachments: list[AttachmentData]
    version: int = 0  # of the case row: what update_case expects back

    @property
    def is_closed(self) -> bool:
        return self.outcome is not None

    @property
    def applicants(self) -> list[PartyData]:
        return [p for p in self.parties if p.side == "申请人"]

    @property
    def respondents(self) -> list[PartyData]:
        return [p for p in self.parties if p.side == "被申请人"]

    @property
    def title(self) -> str:
        return case_title([p.name for p in self.applicants], [p.name for p in self.respondents],
                          self.category)

    def with_agreement(self, data: AgreementInput) -> CaseDetail:
        """This case with an agreement as typed but not saved (for the live preview)."""
        return replace(self, agreement=agreement_data_from_input(data))


def case_title(applicants: list[str], respondents: list[str], category: str) -> str:
    """The case name on lists and the file cover, e.g. 张三与李四邻里纠纷."""

    def names(items: list[str]) -> str:
        if not items:
            return ""
        return items[0] + ("等" if len(items) > 1 else "")

    left, right = names(applicants), names(respondents)
    kind = f"{category}纠纷" if category and not category.endswith("纠纷") else category or "纠纷"
    kind = kind.replace("/", "、")
    if left and right:
        return f"{left}与{right}{kind}"
    return f"{left or right}{kind}" if (left or right) else kind


# ---------------------------------------------------------------------------
# How each text field is checked (its column gives the length) and the dates' names

CASE_FIELDS = {
    "facts": TextField(MediationCase.facts, "纠纷主要事实"),
    "matters": TextField(MediationCase.matters, "申请事项"),
    "source": TextField(MediationCase.source, "案件来源"),
    "source_detail": TextField(MediationCase.source_detail, "来源说明"),
    "retention": TextField(MediationCase.retention, "保管期限"),
    "archive_no": TextField(MediationCase.archive_no, "档案号"),
}
PARTY_FIELDS = {
    "name": TextField(CaseParty.name, "姓名或名称"),
    "side": TextField(CaseParty.side, "当事人身份"),
    "kind": TextField(CaseParty.kind, "当事人类型"),
    "gender": TextField(CaseParty.gender, "性别"),
    "ethnicity": TextField(CaseParty.ethnicity, "民族"),
    "id_number": TextField(CaseParty.id_number, "身份证号"),
    "occupation": TextField(CaseParty.occupation, "职业或工作单位"),
    "address": TextField(CaseParty.address, "住所", limit=200, multiline=False),
    "phone": TextField(CaseParty.phone, "联系电话"),
    "credit_code": TextField(CaseParty.credit_code, "统一社会信用代码"),
    "legal_rep": TextField(CaseParty.legal_rep, "法定代表人"),
    "legal_rep_title": TextField(CaseParty.legal_rep_title, "职务"),
    "agent_type": TextField(CaseParty.agent_type, "代理人类型"),
    "agent_name": TextField(CaseParty.agent_name, "代理人姓名"),
    "agent_id_number": TextField(CaseParty.agent_id_number, "代理人身份证号"),
    "agent_phone": TextField(CaseParty.agent_phone, "代理人电话"),
    "agent_relation": TextField(CaseParty.agent_relation, "与当事人关系"),
}
SESSION_FIELDS = {
    "place": TextField(MediationSession.place, "调解地点"),
    "attendees": TextField(MediationSession.attendees, "参加人员"),
    "record": TextField(MediationSession.record, "调解记录"),
    "next_steps": TextField(MediationSession.next_steps, "下一步安排"),
}
AGREEMENT_FIELDS = {
    "clauses": TextField(AgreementClause.text, "协议内容"),
    "kind": TextField(Agreement.kind, "协议形式"),
    "performance_method": TextField(Agreement.performance_method, "履行方式"),
    "performance_place": TextField(Agreement.performance_place, "履行地点"),
    "performance_deadline": TextField(Agreement.performance_deadline, "履行期限"),
    "amount": TextField(label="金额", limit=32),
}
OUTCOME_FIELDS = {
    "outcome": TextField(MediationCase.outcome, "调解结果"),
    "reason": TextField(MediationCase.outcome_reason, "原因"),
    "guided_to": TextField(MediationCase.guided_to, "引导途径"),
}
FOLLOW_UP_FIELDS = {
    "method": TextField(FollowUp.method, "回访方式"),
    "performance": TextField(FollowUp.performance, "履行情况"),
    "satisfaction": TextField(FollowUp.satisfaction, "满意度"),
    "notes": TextField(FollowUp.notes, "回访情况"),
}
JUDICIAL_FIELDS = {
    "court": TextField(JudicialConfirmation.court, "人民法院"),
    "result": TextField(JudicialConfirmation.result, "司法确认结果"),
    "notes": TextField(JudicialConfirmation.notes, "备注"),
}
DATE_LABELS = {
    "accepted_on": "受理日期", "filed_on": "归档日期", "birth_date": "出生日期",
    "held_at": "调解时间", "signed_on": "签订日期", "effective_on": "生效日期",
    "closed_on": "结案日期", "planned_on": "计划回访日期", "done_on": "回访日期",
    "applied_on": "申请日期", "result_on": "裁定日期",
}


def _dates(data: object, *names: str) -> dict[str, str]:
    """Dates of the input outside 1900–2100, by field."""
    return date_errors({n: getattr(data, n) for n in names}, DATE_LABELS)


# ---------------------------------------------------------------------------
# Helpers


def _today(today: date | None) -> date:
    return today or date.today()


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _get_case(session: Session, case_id: int) -> MediationCase:
    return existing(session, MediationCase, case_id, "没有找到该调解案件")


def _lock_case(session: Session, case_id: int) -> MediationCase:
    """The case, its row locked to the end of the transaction.

    ``FOR UPDATE`` on PostgreSQL; on SQLite every write already holds the write
    lock from its start (``BEGIN IMMEDIATE``). Every write that concerns a case
    takes this lock first, so closing a case and editing it never interleave.
    """
    case_ = session.get(MediationCase, case_id, with_for_update=True, populate_existing=True) \
        if validation.valid_id(case_id) else None
    if case_ is None:
        raise NotFoundError("没有找到该调解案件")
    return case_


def _open_case(session: Session, case_id: int) -> MediationCase:
    """The case, locked, refusing when it is closed (结案) and not reopened."""
    case_ = _lock_case(session, case_id)
    if case_.outcome is not None:
        raise ValidationError({"closed": CLOSED_MESSAGE})
    return case_


Child = TypeVar("Child", CaseParty, MediationSession, FollowUp)


def _lock_child(session: Session, model: type[Child], row_id: int, record: str, *,
                closed_too: bool = False) -> Child:
    """A party, session or follow-up, locked after its case (open, unless ``closed_too``).

    A row that is gone was deleted by another desk after the form loaded it.
    """
    if not validation.valid_id(row_id):
        raise NotFoundError(f"没有找到该{record}")
    case_id = session.scalar(select(model.case_id).where(model.id == row_id))
    if case_id is None:
        raise StaleEditError(record, deleted=True)
    if closed_too:
        _lock_case(session, case_id)
    else:
        _open_case(session, case_id)
    row = session.get(model, row_id, with_for_update=True)
    if row is None:
        raise StaleEditError(record, deleted=True)
    return row


def _staff_name(session: Session, staff_id: int | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    return staff.name if staff else ""


def case_id_for(session: Session, case_no: str) -> int:
    """The id of the case with this number; ``NotFoundError`` when there is none."""
    number = validation.clean_text(case_no).replace("(", "（").replace(")", "）").replace(" ", "")
    if validation.text_error(number, "案号", validation.column_limit(MediationCase.case_no) or 0):
        raise NotFoundError("没有这个案号的调解案件，请核对案号")
    found = session.scalar(select(MediationCase.id).where(MediationCase.case_no == number))
    if found is None:
        raise NotFoundError(f"没有案号为 {case_no} 的调解案件")
    return int(found)


def parse_amount(text: str) -> Decimal | None:
    """Yuan as typed (``12,000.50``, ``￥3000``); ``None`` when empty."""
    value = text.strip().replace(",", "").replace("，", "").replace("￥", "").replace("¥", "")
    value = value.removesuffix("元").strip()
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValidationError({"amount": "金额应为数字，如 12000 或 3500.50"}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": "金额应为数字，如 12000 或 3500.50"})
    if amount < 0:
        raise ValidationError({"amount": "金额不能为负数"})
    if amount >= Decimal("1e12"):
        raise ValidationError({"amount": "金额过大，请核对"})
    return amount.quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------
# Choices for the forms


def staff_choices(session: Session) -> list[StaffChoice]:
    """Active staff, mediators first (the mediator and recorder lists).

    A mediator is whoever holds the role, as their main one or beside others.
    """
    mediator = auth.holding("mediator")
    order = case((mediator, 0), else_=1)
    rows = session.execute(
        select(Staff.id, Staff.name, mediator).where(Staff.active).order_by(order, Staff.id)
    )
    return [StaffChoice(i, n, bool(m)) for i, n, m in rows]


def routed_visits(session: Session, *, limit: int = 200,
                  today: date | None = None) -> list[RoutedVisit]:
    """Visits routed to the mediation room without a case yet, newest first.

    Open tickets always show; tickets the room finished as 立案调解 show for
    ``PENDING_DAYS`` days (an older one is no longer waiting for a case).
    """
    auth.require(session, "case.read")
    has_case = select(MediationCase.id).where(MediationCase.visit_id == Visit.id).exists()
    since = datetime.combine(_today(today) - timedelta(days=PENDING_DAYS), datetime.min.time())

    def routed(*conditions: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
        return (
            select(Visit.id.label("visit_id"), Referral.id.label("referral_id"), Visit.visit_no,
                   Referral.ticket_no, Visit.visited_at, Person.name.label("person_name"),
                   Category.name.label("category_name"), Visit.summary,
                   privacy.went_to_counselling().label("hidden"))
            .join(Referral, Referral.visit_id == Visit.id)
            .join(Room, Room.id == Referral.room_id)
            .join(Person, Person.id == Visit.person_id)
            .outerjoin(Category, Category.id == Visit.category_id)
            .where(Room.code == MEDIATION_ROOM, ~has_case, Visit.deleted_at.is_(None),
                   *conditions)
        )

    # Two queries, each walking its own index (one OR made SQLite read every ticket the
    # room ever had). A ticket is issued on or after its visit's day, so the ticket_date
    # bound leaves the answer as it is and lets the (room, result, day) index find them.
    both = union_all(
        routed(Referral.status.in_(OPEN_REFERRAL_STATES)),
        routed(Referral.status == "done", Referral.result == "case_opened",
               Visit.visited_at >= since, Referral.ticket_date >= since.date()),
    ).subquery()
    stmt = (select(both).order_by(both.c.visited_at.desc(), both.c.visit_id.desc())
            .limit(limit))
    readable = privacy.may_read_counselling(session)
    return [RoutedVisit(v, r, no, t, at, name, cat or "", privacy.shown(summary, hidden, readable))
            for v, r, no, t, at, name, cat, summary, hidden in session.execute(stmt)]


def draft_from_visit(session: Session, visit_id: int) -> tuple[CaseInput, PartyInput]:
    """The case and its applicant as the visit already tells them (for the mediator to check)."""
    auth.require(session, "case.read")
    visit = existing(session, Visit, visit_id, "没有找到该来访登记")
    referral = session.scalar(
        select(Referral).join(Room).where(Referral.visit_id == visit.id,
                                          Room.code == MEDIATION_ROOM)
        .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(1)
    )
    person = visit.person
    detail = f"综治中心接待分流（{visit.visit_no}"
    detail += f"，{referral.ticket_no}）" if referral else "）"
    # The mediator who served the ticket, if any, is offered as the case's mediator.
    handler = referral.handled_by if referral else None
    # A resident first heard in the counselling room: the mediator asks again, the draft
    # does not carry what was said there to someone who may not read it.
    hidden = (bool(privacy.counselling_visit_ids(session, [visit.id]))
              and not privacy.may_read_counselling(session))
    data = CaseInput(
        facts="" if hidden else visit.summary, matters="" if hidden else visit.request or "",
        source="当事人申请",
        source_detail=detail, category_id=visit.category_id, visit_id=visit.id,
        referral_id=referral.id if referral else None,
        mediator_ids=[handler.id] if handler and auth.holds(handler, "mediator") else [],
    )
    applicant = PartyInput(
        name=person.name, side="申请人", kind="person", person_id=person.id,
        gender=person.gender, id_number=person.id_number or "", phone=person.phone or "",
        address=person.address or "",
    )
    if person.id_number and validation.id_number_error(person.id_number) is None:
        applicant.birth_date = _birth_from_id(person.id_number)
    return data, applicant


def _birth_from_id(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def search_persons(session: Session, text: str, *, limit: int = 20) -> list[PersonChoice]:
    """Residents known from reception, by name, 身份证号 or phone."""
    auth.require(session, "case.edit")
    text = text.strip()
    if not text:
        return []
    like = f"%{text}%"
    stmt = (
        select(Person.id, Person.name, Person.gender, Person.id_number, Person.phone,
               Person.address)
        .where(or_(Person.name.like(like), Person.id_number == text.upper(),
                   Person.phone == text), Person.deleted_at.is_(None))
        .order_by(Person.name, Person.id).limit(limit)
    )
    return [PersonChoice(*row) for row in session.execute(stmt)]


def person_as_party(session: Session, person_id: int, side: str) -> PartyInput:
    auth.require(session, "case.edit")
    person = existing(session, Person, person_id, "没有找到该来访人")
    party = PartyInput(
        name=person.name, side=side, person_id=person.id, gender=person.gender,
        id_number=person.id_number or "", phone=person.phone or "", address=person.address or "",
    )
    if person.id_number:
        party.birth_date = _birth_from_id(person.id_number)
    return party


# ---------------------------------------------------------------------------
# Cases


def validate_case(data: CaseInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.facts.strip():
        errors["facts"] = "请填写纠纷主要事实"
    if data.source not in SOURCES:
        errors["source"] = "案件来源不正确"
    if data.retention not in RETENTION:
        errors["retention"] = "保管期限只能是永久、长期或短期"
    for key, value, message in (
        ("category", data.category_id, "所选纠纷类别不存在"),
        ("recorder", data.recorder_id, "所选记录人不存在"),
        ("visit", data.visit_id, "所选来访登记不存在"),
        ("visit", data.referral_id, "所选来访登记不存在"),
        ("filed_by", data.filed_by_id, "所选立卷人不存在"),
        *(("mediators", i, "所选调解员或记录人不存在") for i in data.mediator_ids),
    ):
        if id_error(value, message):
            errors[key] = message
    errors.update(_dates(data, "accepted_on", "filed_on"))
    return errors


def _apply_case(session: Session, case_: MediationCase, data: CaseInput) -> None:
    if data.category_id is not None and session.get(Category, data.category_id) is None:
        raise ValidationError({"category": "所选纠纷类别不存在"})
    staff_ids = {*data.mediator_ids, *([data.recorder_id] if data.recorder_id else [])}
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(staff_ids))
                                              .options(selectinload(Staff.roles)))}
    if set(staff) != staff_ids:
        raise ValidationError({"mediators": "所选调解员或记录人不存在"})
    not_mediators = [staff[i].name for i in dict.fromkeys(data.mediator_ids)
                     if not auth.holds(staff[i], "mediator")]
    if not_mediators:
        # A receptionist or a police officer signs no 调解协议书 as 调解员.
        raise ValidationError({"mediators": "、".join(not_mediators)
                               + " 不是调解员，不能担任本案调解员"})
    if data.filed_by_id is not None:
        existing(session, Staff, data.filed_by_id, "所选立卷人不存在", field="filed_by")
    case_.facts = data.facts.strip()
    case_.matters = data.matters.strip()
    case_.source = data.source
    case_.source_detail = _clean(data.source_detail)
    case_.category_id = data.category_id
    mediators = [staff[i] for i in dict.fromkeys(data.mediator_ids)]
    if [s.id for s in case_.mediators] != [s.id for s in mediators]:
        case_.mediators = mediators
        mark_changed(case_)  # the mediators live in another table: count it as a change
    case_.recorder_id = data.recorder_id
    case_.retention = data.retention
    case_.archive_no = _clean(data.archive_no)
    case_.filed_by_id = data.filed_by_id
    case_.filed_on = data.filed_on


def accept_case(
    database: Database, data: CaseInput, parties: list[PartyInput] | None = None, *,
    today: date | None = None,
) -> CaseRef:
    """受理: number the case and write it (with its first parties) in one transaction."""
    auth.require(database, "case.edit")
    data, errors = checked(data, CASE_FIELDS, validate_case)
    if not data.mediator_ids:
        errors["mediators"] = "请至少选择一名调解员"
    parties = list(parties or [])
    for index, party in enumerate(parties):
        parties[index], party_errors = checked(party, PARTY_FIELDS, validate_party)
        for key, message in party_errors.items():
            errors.setdefault(f"party.{index}.{key}" if index else key, message)
    if errors:
        raise ValidationError(errors)
    accepted = data.accepted_on or _today(today)
    with database.write() as session:
        if data.visit_id is not None:
            # Lock the visit (PostgreSQL; SQLite's write lock already serialises), so
            # a desk accepting the same visit waits here and then sees the first case.
            visit_id = session.scalar(
                select(Visit.id).where(Visit.id == data.visit_id)
                .with_for_update(key_share=True)
            )
            if visit_id is None:
                raise ValidationError({"visit": "所选来访登记不存在"})
            taken = session.scalar(
                select(MediationCase.case_no).where(MediationCase.visit_id == visit_id)
            )
            if taken:
                raise ValidationError({"visit": f"该来访已受理为案件{taken}"})
        if data.referral_id is not None:
            existing(session, Referral, data.referral_id, "所选来访登记不存在", field="visit")
        short = require(session, ["committee_short_name"],
                        "受理案件（生成案号）").committee_short_name
        seq = numbering.next_value(session, f"case:{accepted.year}")
        case_ = MediationCase(
            case_no=format_case_no(accepted.year, short, seq), year=accepted.year, seq=seq,
            visit_id=data.visit_id, referral_id=data.referral_id, accepted_on=accepted,
            due_on=accepted + timedelta(days=TIME_LIMIT_DAYS),
        )
        _apply_case(session, case_, data)
        session.add(case_)
        for position, party in enumerate(parties):
            row = CaseParty(case=case_, position=position)
            _apply_party(row, party)
            session.add(row)
        if data.referral_id is not None:
            referral = session.get(Referral, data.referral_id)
            if referral is not None and referral.status in ("done", "serving", "called",
                                                             "waiting"):
                referral.result = "case_opened"
        session.flush()
        return CaseRef(case_.id, case_.case_no)


def _case_values(session: Session, case_: MediationCase) -> dict[str, str]:
    category = session.get(Category, case_.category_id) if case_.category_id else None
    return form_values(
        case_, CASE_LABELS, category=category.name if category else None,
        mediators="、".join(s.name for s in sorted(case_.mediators, key=lambda s: s.id)),
        recorder=_staff_name(session, case_.recorder_id),
        filed_by=_staff_name(session, case_.filed_by_id),
    )


def update_case(database: Database, case_id: int, data: CaseInput, *, version: int) -> None:
    """Save 基本信息 loaded at ``version``; a closed case takes only the 立卷 fields."""
    auth.require(database, "case.edit")
    data, errors = checked(data, CASE_FIELDS, validate_case)
    if not data.mediator_ids:
        errors["mediators"] = "请至少选择一名调解员"
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        case_ = _lock_case(session, case_id)
        found = loaded(case_)
        before = _case_values(session, case_)
        _apply_case(session, case_, data)
        after = _case_values(session, case_)
        if case_.outcome is not None and any(
                after[k] != before[k] for k in CASE_LABELS if k not in ARCHIVE_FIELDS):
            raise ValidationError({"closed": CLOSED_MESSAGE})
        refuse_stale("案件", found, version, before, after, CASE_LABELS)

    write_checked(database, "案件", work)


# ---------------------------------------------------------------------------
# Parties


def validate_party(data: PartyInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.side not in SIDES:
        errors["side"] = "当事人身份只能是申请人或被申请人"
    if data.kind not in KINDS:
        errors["kind"] = "当事人类型不正确"
    if not data.name.strip():
        errors["name"] = "请填写当事人姓名或名称"
    elif len(data.name.strip()) > 128:
        errors["name"] = "姓名或名称过长"
    elif message := validation.unprintable_error(data.name):
        errors["name"] = message
    if data.kind == "person":
        if data.id_number.strip():
            message = validation.id_number_error(data.id_number)
            if message:
                errors["id_number"] = message
        if data.gender not in (None, "", *GENDERS):
            errors["gender"] = "性别只能是男或女"
        if data.age is not None and not 0 <= data.age <= 130:
            errors["age"] = "年龄不正确"
        if data.birth_date and data.birth_date > date.today():
            errors["birth_date"] = "出生日期晚于今天"
        errors.update(_dates(data, "birth_date"))
        if id_error(data.person_id, "所选来访人不存在"):
            errors["name"] = "所选来访人不存在"
    else:
        if data.credit_code.strip():
            message = validation.credit_code_error(data.credit_code)
            if message:
                errors["credit_code"] = message
        if not data.legal_rep.strip():
            errors["legal_rep"] = "请填写法定代表人或主要负责人"
    if data.phone.strip():
        message = validation.phone_error(data.phone)
        if message:
            errors["phone"] = message
    if data.agent_name.strip():
        if data.agent_type and data.agent_type not in AGENT_TYPES:
            errors["agent_type"] = "代理人类型只能是委托代理人或法定代理人"
        if data.agent_id_number.strip():
            message = validation.id_number_error(data.agent_id_number)
            if message:
                errors["agent_id_number"] = "代理人" + message
        if data.agent_phone.strip():
            message = validation.phone_error(data.agent_phone)
            if message:
                errors["agent_phone"] = "代理人" + message
    return errors


def _apply_party(row: CaseParty, data: PartyInput) -> None:
    person = data.kind == "person"
    row.side = data.side
    row.kind = data.kind
    row.name = data.name.strip()
    row.person_id = data.person_id if person else None
    row.gender = (data.gender or None) if person else None
    row.ethnicity = _clean(data.ethnicity) if person else None
    row.birth_date = data.birth_date if person else None
    row.age = data.age if person else None
    row.id_number = (validation.normalize_id_number(data.id_number) or None) if person else None
    row.occupation = _clean(data.occupation) if person else None
    row.address = _clean(data.address)
    row.phone = validation.normalize_phone(data.phone) or None
    row.credit_code = (data.credit_code.strip().upper() or None) if not person else None
    row.legal_rep = _clean(data.legal_rep) if not person else None
    row.legal_rep_title = (_clean(data.legal_rep_title) or "法定代表人") if not person else None
    has_agent = bool(data.agent_name.strip())
    row.agent_name = _clean(data.agent_name)
    row.agent_type = (data.agent_type or "委托代理人") if has_agent else None
    row.agent_id_number = (
        validation.normalize_id_number(data.agent_id_number) or None if has_agent else None
    )
    row.agent_phone = validation.normalize_phone(data.agent_phone) or None if has_agent else None
    row.agent_relation = _clean(data.agent_relation) if has_agent else None


def find_conflicts(
    session: Session, data: PartyInput, *, exclude_case_id: int | None = None
) -> list[Conflict]:
    """Other cases in which the same person or organisation appears, on either side."""
    reasons: list[tuple[object, str]] = []
    if data.kind == "person":
        if data.person_id is not None:
            reasons.append((CaseParty.person_id == data.person_id, "同一人员"))
        number = validation.normalize_id_number(data.id_number)
        if number:
            reasons.append((CaseParty.id_number == number, "同一身份证号"))
    else:
        code = data.credit_code.strip().upper()
        if code:
            reasons.append((CaseParty.credit_code == code, "同一信用代码"))
        if data.name.strip():
            reasons.append((and_(CaseParty.kind == "organisation",
                                 CaseParty.name == data.name.strip()), "同名单位"))
    found: dict[int, Conflict] = {}
    for condition, reason in reasons:
        stmt: Select = (
            select(MediationCase.id, MediationCase.case_no, CaseParty.side, CaseParty.name,
                   MediationCase.outcome, MediationCase.accepted_on)
            .join(CaseParty, CaseParty.case_id == MediationCase.id)
            .where(condition)  # type: ignore[arg-type]
            .order_by(MediationCase.accepted_on.desc(), MediationCase.id.desc())
        )
        if exclude_case_id is not None:
            stmt = stmt.where(MediationCase.id != exclude_case_id)
        for case_id, case_no, side, name, outcome, accepted in session.execute(stmt):
            found.setdefault(case_id, Conflict(case_id, case_no, side, name,
                                               outcome or "办理中", accepted, reason))
    return sorted(found.values(), key=lambda c: (c.accepted_on, c.case_id), reverse=True)


def case_conflicts(session: Session, case_id: int) -> dict[int, list[Conflict]]:
    """For each party of the case, the other cases in which it appears."""
    case_ = _get_case(session, case_id)
    result: dict[int, list[Conflict]] = {}
    for party in case_.parties:
        conflicts = find_conflicts(session, _party_input(party), exclude_case_id=case_id)
        if conflicts:
            result[party.id] = conflicts
    return result


def _party_input(row: CaseParty) -> PartyInput:
    return PartyInput(
        name=row.name, side=row.side, kind=row.kind, person_id=row.person_id,
        id_number=row.id_number or "", credit_code=row.credit_code or "",
    )


def add_party(database: Database, case_id: int, data: PartyInput) -> PartyResult:
    auth.require(database, "case.edit")
    data, errors = checked(data, PARTY_FIELDS, validate_party)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = _open_case(session, case_id)
        if data.person_id is not None and data.kind == "person":
            existing(session, Person, data.person_id, "所选来访人不存在", field="name")
        position = max((p.position for p in case_.parties), default=-1) + 1
        row = CaseParty(case=case_, position=position)
        _apply_party(row, data)
        session.add(row)
        session.flush()
        return PartyResult(row.id, find_conflicts(session, data, exclude_case_id=case_id))


def _party_values(row: CaseParty) -> dict[str, str]:
    return form_values(row, PARTY_LABELS, kind=KINDS.get(row.kind, row.kind),
                       person_id=f"已关联（编号{row.person_id}）" if row.person_id else None)


def update_party(database: Database, party_id: int, data: PartyInput, *,
                 version: int) -> PartyResult:
    """Save a party loaded at ``version`` (see :func:`party_form`)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, PARTY_FIELDS, validate_party)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> PartyResult:
        row = _lock_child(session, CaseParty, party_id, "当事人")
        if data.person_id is not None and data.kind == "person":
            existing(session, Person, data.person_id, "所选来访人不存在", field="name")
        found, before = loaded(row), _party_values(row)
        _apply_party(row, data)
        refuse_stale("当事人", found, version, before, _party_values(row), PARTY_LABELS)
        session.flush()
        return PartyResult(row.id, find_conflicts(session, data, exclude_case_id=row.case_id))

    return write_checked(database, "当事人", work)


def remove_party(database: Database, party_id: int, *, version: int) -> None:
    """Delete a party, unless it changed after the list showed it at ``version``."""
    auth.require(database, "case.edit")
    def work(session: Session) -> None:
        row = _lock_child(session, CaseParty, party_id, "当事人")
        refuse_stale_delete("当事人", row, version)
        session.delete(row)

    write_checked(database, "当事人", work)


def party_form(session: Session, party_id: int) -> tuple[PartyInput, int]:
    """The party as its edit form shows it, and the version to save it back with."""
    row = session.get(CaseParty, party_id)
    if row is None:
        raise StaleEditError("当事人", deleted=True)
    return party_input(session, party_id), row.version


def party_input(session: Session, party_id: int) -> PartyInput:
    row = existing(session, CaseParty, party_id, "没有找到该当事人")
    return PartyInput(
        name=row.name, side=row.side, kind=row.kind, person_id=row.person_id, gender=row.gender,
        ethnicity=row.ethnicity or "", birth_date=row.birth_date, age=row.age,
        id_number=row.id_number or "", occupation=row.occupation or "",
        address=row.address or "", phone=row.phone or "", credit_code=row.credit_code or "",
        legal_rep=row.legal_rep or "", legal_rep_title=row.legal_rep_title or "法定代表人",
        agent_type=row.agent_type or "", agent_name=row.agent_name or "",
        agent_id_number=row.agent_id_number or "", agent_phone=row.agent_phone or "",
        agent_relation=row.agent_relation or "",
    )


# ---------------------------------------------------------------------------
# Sessions


def validate_session(data: SessionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.place.strip():
        errors["place"] = "请填写调解地点"
    if not data.attendees.strip():
        errors["attendees"] = "请填写参加人员"
    if not data.record.strip():
        errors["record"] = "请填写调解记录"
    if data.held_at.date() > date.today():
        errors["held_at"] = "调解时间不能晚于今天"
    errors.update(_dates(data, "held_at"))
    return errors


def add_session(database: Database, case_id: int, data: SessionInput) -> int:
    auth.require(database, "case.edit")
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = _open_case(session, case_id)
        row = MediationSession(case=case_)
        _apply_session(row, data)
        with session.no_autoflush:  # one INSERT, complete, at version 1
            _apply_session_staff(session, case_, row, data)
        session.add(row)
        session.flush()
        return row.id


def update_session(database: Database, session_id: int, data: SessionInput, *,
                   version: int) -> None:
    """Save a 调解记录 loaded at ``version`` (``SessionData.version``)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, SESSION_FIELDS, validate_session)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        row = _lock_child(session, MediationSession, session_id, "调解记录")
        found, before = loaded(row), _session_values(row)
        _apply_session(row, data)
        _apply_session_staff(session, row.case, row, data)
        refuse_stale("调解记录", found, version, before, _session_values(row), SESSION_LABELS)

    write_checked(database, "调解记录", work)


def delete_session(database: Database, session_id: int, *, version: int) -> None:
    auth.require(database, "case.edit")
    def work(session: Session) -> None:
        row = _lock_child(session, MediationSession, session_id, "调解记录")
        refuse_stale_delete("调解记录", row, version)
        session.delete(row)

    write_checked(database, "调解记录", work)


def _session_values(row: MediationSession) -> dict[str, str]:
    return form_values(row, SESSION_LABELS,
                       mediator=row.mediator.name if row.mediator else "",
                       recorder=row.recorder.name if row.recorder else "")


def _apply_session_staff(session: Session, case_: MediationCase, row: MediationSession,
                         data: SessionInput) -> None:
    """The session's 调解员 and 记录人: as chosen, or the signed-in account.

    The 调解员 must be one of the case's mediators, so the record never names someone
    the parties were not told would mediate.
    """
    errors: dict[str, str] = {}
    mediators = {m.id for m in case_.mediators}
    acting = auth.acting_staff_id(session)
    mediator_id = data.mediator_id
    if mediator_id is None and acting in mediators:
        mediator_id = acting
    if mediator_id is not None and mediator_id not in mediators:
        errors["mediator"] = "调解员应为本案的调解员之一"
    recorder_id = data.recorder_id if data.recorder_id is not None else acting
    if validation.id_error(recorder_id, "x") or (
            recorder_id is not None and session.get(Staff, recorder_id) is None):
        errors["recorder"] = "所选记录人不存在"
    if errors:
        raise ValidationError(errors)
    row.mediator = session.get(Staff, mediator_id) if mediator_id is not None else None
    row.recorder = session.get(Staff, recorder_id) if recorder_id is not None else None


def _apply_session(row: MediationSession, data: SessionInput) -> None:
    row.held_at = data.held_at.replace(second=0, microsecond=0)
    row.place = data.place.strip()
    row.attendees = data.attendees.strip()
    row.record = data.record.strip()
    row.next_steps = _clean(data.next_steps)


# ---------------------------------------------------------------------------
# Agreement and outcome


def clauses_from_text(text: str) -> list[str]:
    """One clause per non-empty line; a leading 一、/1. typed by the mediator is dropped."""
    import re

    clauses = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|\d+[、.．)）]|[（(]\d+[)）])\s*",
                      "", line).strip()
        if line:
            clauses.append(line)
    return clauses


def agreement_data_from_input(data: AgreementInput) -> AgreementData:
    try:
        amount = parse_amount(data.amount)
    except ValidationError:
        amount = None
    return AgreementData(
        kind=data.kind, clauses=[c.strip() for c in data.clauses if c.strip()],
        performance_method=_clean(data.performance_method),
        performance_place=_clean(data.performance_place),
        performance_deadline=_clean(data.performance_deadline), copies=data.copies,
        amount=amount, signed_on=data.signed_on, effective_on=data.effective_on or data.signed_on,
    )


def validate_agreement(data: AgreementInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in AGREEMENT_KINDS:
        errors["kind"] = "协议形式只能是书面协议或口头协议"
    if not [c for c in data.clauses if c.strip()]:
        errors["clauses"] = "请至少填写一条协议内容"
    if data.copies is not None and not 1 <= data.copies <= 50:
        errors["copies"] = "协议份数应在1到50之间"
    try:
        parse_amount(data.amount)
    except ValidationError as exc:
        errors.update(exc.errors)
    if data.signed_on and data.effective_on and data.effective_on < data.signed_on:
        errors["effective_on"] = "生效日期不能早于签订日期"
    if data.copies is not None and (isinstance(data.copies, bool)
                                    or not isinstance(data.copies, int)):
        errors["copies"] = "协议份数应在1到50之间"
    errors.update(_dates(data, "signed_on", "effective_on"))
    return errors


def _agreement_values(agreement: Agreement | None, clauses: list[str]) -> dict[str, str]:
    if agreement is None:
        return dict.fromkeys(AGREEMENT_LABELS, "")
    return form_values(agreement, AGREEMENT_LABELS, clauses=clauses,
                       kind=AGREEMENT_KINDS.get(agreement.kind, agreement.kind))


def save_agreement(database: Database, case_id: int, data: AgreementInput, *,
                   version: int | None) -> None:
    """Write the agreement (replacing its clauses) and keep the 司法确认 deadline in step.

    ``version`` is ``AgreementData.version`` as the form loaded it, ``None`` when
    the case had no agreement then.
    """
    auth.require(database, "case.edit")
    data, errors = checked(data, AGREEMENT_FIELDS, validate_agreement)
    if errors:
        raise ValidationError(errors)
    clauses = [c.strip() for c in data.clauses if c.strip()]

    def work(session: Session) -> None:
        case_ = _open_case(session, case_id)
        agreement = case_.agreement
        found = loaded(agreement)
        old_clauses = [c.text for c in agreement.clauses] if agreement else []
        before = _agreement_values(agreement, old_clauses)
        if agreement is None:
            agreement = Agreement(case=case_)
            session.add(agreement)
        agreement.kind = data.kind
        agreement.performance_method = _clean(data.performance_method)
        agreement.performance_place = _clean(data.performance_place)
        agreement.performance_deadline = _clean(data.performance_deadline)
        agreement.copies = data.copies
        agreement.amount = parse_amount(data.amount)
        agreement.signed_on = data.signed_on
        agreement.effective_on = data.effective_on or data.signed_on
        refuse_stale("调解协议", found, version, before, _agreement_values(agreement, clauses),
                     AGREEMENT_LABELS)
        if clauses != old_clauses:
            mark_changed(agreement)  # the clauses are rows of their own
            agreement.clauses.clear()
            session.flush()
            for position, text in enumerate(clauses):
                agreement.clauses.append(AgreementClause(position=position + 1, text=text))
        if case_.judicial is not None:
            # The deadline follows the agreement; it is no edit of the 司法确认 form, so
            # it leaves that record's version alone (a form open on it stays valid).
            deadline = judicial_deadline(agreement.effective_on)
            if deadline != case_.judicial.deadline_on:
                audit.record(session, "change", "judicial_confirmation", case_.judicial.id,
                             {"changes": {"deadline_on": {"old": case_.judicial.deadline_on,
                                                          "new": deadline}}})
            session.execute(
                update(JudicialConfirmation).where(JudicialConfirmation.id == case_.judicial.id)
                .values(deadline_on=deadline)
                .execution_options(synchronize_session=False))

    write_checked(database, "调解协议", work)


def agreement_input(session: Session, case_id: int) -> AgreementInput | None:
    case_ = _get_case(session, case_id)
    a = case_.agreement
    if a is None:
        return None
    return AgreementInput(
        clauses=[c.text for c in a.clauses], kind=a.kind,
        performance_method=a.performance_method or "",
        performance_place=a.performance_place or "",
        performance_deadline=a.performance_deadline or "", copies=a.copies,
        amount="" if a.amount is None else f"{a.amount:.2f}", signed_on=a.signed_on,
        effective_on=a.effective_on,
    )


def close_case(database: Database, case_id: int, data: OutcomeInput, *,
               today: date | None = None) -> None:
    """结案 with one of the outcomes; a success needs its agreement recorded first."""
    auth.require(database, "case.edit")
    data, errors = checked(data, OUTCOME_FIELDS, lambda d: _dates(d, "closed_on"))
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "请选择调解结果"
    if data.outcome == "调解不成功":
        if not data.reason:
            errors.setdefault("reason", "请填写调解不成功的原因")
        if data.guided_to not in GUIDED_TO:
            errors["guided_to"] = "请选择引导当事人的途径（诉讼、仲裁或行政）"
    if data.outcome == "终止调解" and not data.reason:
        errors.setdefault("reason", "请填写终止调解的原因")
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = _lock_case(session, case_id)
        if case_.outcome is not None:
            raise ValidationError({"outcome": (
                f"该案件已于{case_.closed_on:%Y-%m-%d}结案（{case_.outcome}），"
                "如需修改请先“重新打开”")})
        if data.outcome == "调解成功":
            if case_.agreement is None or not case_.agreement.clauses:
                raise ValidationError({"outcome": "调解成功的案件请先填写并保存协议内容"})
            if case_.agreement.kind == "written" and case_.agreement.signed_on is None:
                # A written agreement takes effect when signed: without the date the
                # 协议书 and the register would not say when.
                raise ValidationError({"outcome": "书面协议请先填写签订日期再结案"})
            if not case_.parties:
                raise ValidationError({"outcome": "请先添加当事人"})
        closed = data.closed_on or _today(today)
        if closed < case_.accepted_on:
            raise ValidationError({"closed_on": "结案日期不能早于受理日期"})
        case_.outcome = data.outcome
        case_.outcome_reason = _clean(data.reason)
        case_.guided_to = data.guided_to if data.outcome == "调解不成功" else None
        case_.closed_on = closed
        if data.outcome == "调解成功" and not case_.follow_ups:
            # A follow-up on how the agreement is performed, two weeks on.
            session.add(FollowUp(case=case_, planned_on=closed + timedelta(days=14)))


def reopen_case(database: Database, case_id: int) -> None:
    """撤销结案: the case takes edits again (reopening an open case changes nothing)."""
    auth.require(database, "case.edit")
    with database.write() as session:
        case_ = _lock_case(session, case_id)
        if case_.outcome is None:
            return
        case_.outcome = None
        case_.outcome_reason = None
        case_.guided_to = None
        case_.closed_on = None


# ---------------------------------------------------------------------------
# Follow-ups and judicial confirmation


def validate_follow_up(data: FollowUpInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.done_on is not None:
        if data.performance not in PERFORMANCE:
            errors["performance"] = "请选择履行情况"
        if data.satisfaction not in SATISFACTION:
            errors["satisfaction"] = "请选择当事人满意度"
        if data.visitor_id is None:
            errors["visitor"] = "请选择回访人"
        if data.done_on > date.today():
            errors["done_on"] = "回访日期不能晚于今天"
    if data.method and data.method not in FOLLOW_UP_METHODS:
        errors["method"] = "回访方式不正确"
    if id_error(data.visitor_id, "所选回访人不存在"):
        errors["visitor"] = "所选回访人不存在"
    errors.update(_dates(data, "planned_on", "done_on"))
    return errors


def _apply_follow_up(row: FollowUp, data: FollowUpInput) -> None:
    row.planned_on = data.planned_on
    row.done_on = data.done_on
    row.method = _clean(data.method)
    row.visitor_id = data.visitor_id
    row.performance = _clean(data.performance)
    row.satisfaction = _clean(data.satisfaction)
    row.notes = _clean(data.notes)


def _check_visitor(session: Session, data: FollowUpInput) -> None:
    if data.visitor_id is not None:
        existing(session, Staff, data.visitor_id, "所选回访人不存在", field="visitor")


def add_follow_up(database: Database, case_id: int, data: FollowUpInput) -> int:
    """Plan or record a 回访; a closed case takes them (回访 comes after closing)."""
    auth.require(database, "case.edit")
    data, errors = checked(data, FOLLOW_UP_FIELDS, validate_follow_up)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = _lock_case(session, case_id)
        _check_visitor(session, data)
        row = FollowUp(case=case_)
        _apply_follow_up(row, data)
        session.add(row)
        session.flush()
        return row.id


def _follow_up_values(session: Session, row: FollowUp) -> dict[str, str]:
    return form_values(row, FOLLOW_UP_LABELS, visitor=_staff_name(session, row.visitor_id))


def update_follow_up(database: Database, follow_up_id: int, data: FollowUpInput, *,
                     version: int) -> None:
    """Save a 回访 loaded at ``version`` (``FollowUpData.version``), closed case or not."""
    auth.require(database, "case.edit")
    data, errors = checked(data, FOLLOW_UP_FIELDS, validate_follow_up)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        row = _lock_child(session, FollowUp, follow_up_id, "回访记录", closed_too=True)
        _check_visitor(session, data)
        found, before = loaded(row), _follow_up_values(session, row)
        _apply_follow_up(row, data)
        refuse_stale("回访记录", found, version, before, _follow_up_values(session, row),
                     FOLLOW_UP_LABELS)

    write_checked(database, "回访记录", work)


def _due_follow_up_filter(day: date, within_days: int = 0) -> list[Any]:
    return [FollowUp.done_on.is_(None), FollowUp.planned_on <= day + timedelta(days=within_days)]


def count_due_follow_ups(session: Session, *, today: date | None = None,
                         within_days: int = 0) -> int:
    """How many follow-ups :func:`due_follow_ups` lists."""
    return int(session.scalar(select(func.count(FollowUp.id))
                              .where(*_due_follow_up_filter(_today(today), within_days))) or 0)


def due_follow_ups(session: Session, *, today: date | None = None,
                   within_days: int = 0) -> list[DueFollowUp]:
    """Follow-ups planned up to today (+ ``within_days``) and not yet done, oldest first."""
    day = _today(today)
    rows = session.execute(
        select(FollowUp.id, MediationCase.id, MediationCase.case_no, FollowUp.planned_on)
        .join(MediationCase, MediationCase.id == FollowUp.case_id)
        .where(*_due_follow_up_filter(day, within_days))
        .order_by(FollowUp.planned_on, FollowUp.id)
    ).all()
    titles = _titles(session, [r[1] for r in rows])
    return [DueFollowUp(fid, cid, no, titles.get(cid, ""), planned, (day - planned).days)
            for fid, cid, no, planned in rows]


def judicial_deadline(effective: date | None) -> date | None:
    return effective + timedelta(days=JUDICIAL_DAYS) if effective else None


def save_judicial_confirmation(database: Database, case_id: int, data: JudicialInput, *,
                               version: int | None) -> None:
    """Save the 司法确认 form loaded at ``version`` (``None``: there was none yet).

    A closed case takes it: the application follows the agreement, usually after closing.
    """
    auth.require(database, "case.edit")
    data, errors = checked(data, JUDICIAL_FIELDS,
                           lambda d: _dates(d, "applied_on", "result_on"))
    if not data.court and "court" not in errors:
        errors["court"] = "请填写受理司法确认申请的人民法院"
    if data.result and data.result not in JUDICIAL_RESULTS:
        errors["result"] = "司法确认结果不正确"
    if data.result and data.applied_on is None:
        errors["applied_on"] = "请先填写申请日期"
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> None:
        case_ = _lock_case(session, case_id)
        agreement = case_.agreement
        if agreement is None or agreement.kind != "written":
            raise ValidationError({"court": "只有书面调解协议可以申请司法确认"})
        deadline = judicial_deadline(agreement.effective_on)
        if data.applied_on and deadline and data.applied_on > deadline:
            raise ValidationError({"applied_on": f"已超过申请期限（{deadline:%Y年%m月%d日}）"})
        row = case_.judicial
        found = loaded(row)
        before = form_values(row, JUDICIAL_LABELS) if row else dict.fromkeys(JUDICIAL_LABELS, "")
        if row is None:
            row = JudicialConfirmation(case=case_)
            session.add(row)
        row.court = data.court.strip()
        row.applied_on = data.applied_on
        row.result = _clean(data.result)
        row.result_on = data.result_on
        row.notes = _clean(data.notes)
        row.deadline_on = deadline
        refuse_stale("司法确认", found, version, before, form_values(row, JUDICIAL_LABELS),
                     JUDICIAL_LABELS)

    write_checked(database, "司法确认", work)


# ---------------------------------------------------------------------------
# Attachments


def guess_mime(filename: str) -> str:
    mime, _ = mimetypes.guess_type(filename)
    return mime or "application/octet-stream"


def _file_problem(mime: str, content: bytes) -> str | None:
    if mime not in ATTACHMENT_MIMES:
        return "只能添加 PDF、JPG 或 PNG 文件"
    if not content:
        return "文件是空的"
    if len(content) > MAX_ATTACHMENT_BYTES:
        return "文件超过 30 MB，请压缩或分页扫描后再添加"
    if mime == "application/pdf" and not content.startswith(b"%PDF"):
        return "文件不是有效的 PDF"
    return None


def add_attachment(database: Database, case_id: int, *, kind: str, filename: str,
                   content: bytes, title: str = "", mime: str | None = None) -> int:
    auth.require(database, "case.edit")
    errors: dict[str, str] = {}
    filename = validation.clean_argument(errors, "file", filename,
                                         TextField(label="文件名", limit=MAX_FILENAME_LENGTH))
    title = validation.clean_argument(errors, "title", title,
                                      TextField(CaseAttachment.title, "材料名称"))
    mime = mime or guess_mime(filename)
    if kind not in ATTACHMENT_KINDS:
        errors["kind"] = "材料类别不正确"
    problem = _file_problem(mime, content)
    if problem:
        errors.setdefault("file", problem)
    if errors:
        raise ValidationError(errors)
    with database.write() as session:
        case_ = _lock_case(session, case_id)  # closed too: 履行凭证 come after closing
        row = CaseAttachment(
            case=case_, kind=kind, title=(title or Path(filename).stem)[:128],
            filename=Path(filename).name[:255], mime=mime, size=len(content), content=content,
            added_at=datetime.now().replace(microsecond=0),
        )
        session.add(row)
        session.flush()
        return row.id


def add_attachment_file(database: Database, case_id: int, path: Path, *, kind: str,
                        title: str = "") -> int:
    """Add a scanned paper from a file (a folder, a device or a huge file is refused)."""
    files.check_input_file(path, max_bytes=MAX_ATTACHMENT_BYTES, field="file")
    return add_attachment(database, case_id, kind=kind, filename=path.name,
                          content=path.read_bytes(), title=title)


def remove_attachment(database: Database, attachment_id: int) -> None:
    auth.require(database, "case.edit")
    with database.write() as session:
        row = existing(session, CaseAttachment, attachment_id, "没有找到该材料")
        session.delete(row)


def attachment(session: Session, attachment_id: int) -> tuple[AttachmentData, bytes]:
    """One scanned paper and its bytes."""
    row = existing(session, CaseAttachment, attachment_id, "没有找到该材料")
    data = AttachmentData(row.id, row.kind, row.title, row.filename, row.mime, row.size,
                          row.added_at)
    return data, bytes(row.content)


def attachment_contents(session: Session, case_id: int) -> dict[int, bytes]:
    rows = session.execute(
        select(CaseAttachment.id, CaseAttachment.content).where(CaseAttachment.case_id == case_id)
    )
    return {i: bytes(c) for i, c in rows}


# ---------------------------------------------------------------------------
# Reading


def _titles(session: Session, case_ids: list[int]) -> dict[int, str]:
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
    day = _today(today)
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
    titles = _titles(session, ids)
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
    day = _today(today)
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
