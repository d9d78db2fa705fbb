"""How the mediation forms' fields are checked, and the small helpers every service uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Agreement,
    AgreementClause,
    CaseParty,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    Staff,
)
from desktop.services import validation
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.mediation.constants import CLOSED_MESSAGE
from desktop.services.validation import TextField, date_errors, existing

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


def dates(data: object, *names: str) -> dict[str, str]:
    """Dates of the input outside 1900–2100, by field."""
    return date_errors({n: getattr(data, n) for n in names}, DATE_LABELS)


# ---------------------------------------------------------------------------
# Helpers


def day_or_today(today: date | None) -> date:
    return today or date.today()


def clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def get_case(session: Session, case_id: int) -> MediationCase:
    return existing(session, MediationCase, case_id, "没有找到该调解案件")


def lock_case(session: Session, case_id: int) -> MediationCase:
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


def open_case(session: Session, case_id: int) -> MediationCase:
    """The case, locked, refusing when it is closed (结案) and not reopened."""
    case_ = lock_case(session, case_id)
    if case_.outcome is not None:
        raise ValidationError({"closed": CLOSED_MESSAGE})
    return case_


Child = TypeVar("Child", CaseParty, MediationSession, FollowUp)


def lock_child(session: Session, model: type[Child], row_id: int, record: str, *,
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
        lock_case(session, case_id)
    else:
        open_case(session, case_id)
    row = session.get(model, row_id, with_for_update=True)
    if row is None:
        raise StaleEditError(record, deleted=True)
    return row


def staff_name(session: Session, staff_id: int | None) -> str:
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
