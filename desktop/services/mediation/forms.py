"""Plain data in and out of the mediation services: what forms send, what they read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from desktop.services import validation
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import clean, parse_amount

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
class PersonChoice:
    person_id: int
    name: str
    gender: str | None
    id_number: str | None
    phone: str | None
    address: str | None

    def label(self) -> str:
        return validation.person_label(self.name, self.id_number, self.phone)


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
        performance_method=clean(data.performance_method),
        performance_place=clean(data.performance_place),
        performance_deadline=clean(data.performance_deadline), copies=data.copies,
        amount=amount, signed_on=data.signed_on, effective_on=data.effective_on or data.signed_on,
    )
