"""转介: a resident referred to a hospital or a 精神卫生中心, and the 转介单 it prints.

Saving the referral needs ``counselling.edit``; the letter's data (what goes on paper,
handed to the receiving clinicians) needs ``counselling.print`` and is audited as a print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CounsellingCase, RiskAssessment, ScaleResult
from desktop.services import validation
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import load_settings
from desktop.services.counselling import open_case
from desktop.services.counselling.cases import case_detail
from desktop.services.errors import ValidationError
from desktop.services.validation import date_error, existing

KINDS = ["精神卫生中心", "综合医院心理科", "综合医院精神科", "其他医疗机构"]


@dataclass
class ReferralInput:
    referred_to: str
    kind: str
    referred_on: date | None
    reason: str


def validate_referral(data: ReferralInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = validation.clean_text(data.referred_to or "")
    if not name:
        errors["referred_to"] = "请填写转介机构名称"
    elif len(name) > 64:
        errors["referred_to"] = "机构名称不能超过 64 个字"
    if data.kind not in KINDS:
        errors["referred_kind"] = "请选择机构类别"
    if data.referred_on is None:
        errors["referred_on"] = "请填写转介日期"
    else:
        message = date_error(data.referred_on, "转介日期")
        if message:
            errors["referred_on"] = message
        elif data.referred_on > today:
            errors["referred_on"] = "转介日期不能晚于今天"
    if not validation.clean_text(data.reason or "", multiline=True):
        errors["referral_reason"] = "请填写转介原因"
    elif len(data.reason) > 1000:
        errors["referral_reason"] = "转介原因不能超过 1000 个字"
    return errors


def save_referral(database: Database, case_id: int, data: ReferralInput, *,
                  today: date | None = None) -> None:
    auth.require(database, "counselling.edit")
    errors = validate_referral(data, today or date.today())
    if errors:
        raise ValidationError(errors)
    assert data.referred_on is not None
    with database.write() as session:
        case_ = open_case(session, case_id)
        if data.referred_on < case_.opened_on:
            raise ValidationError({"referred_on": "转介日期不能早于接案日期"})
        case_.referred_to = validation.clean_text(data.referred_to)
        case_.referred_kind = data.kind
        case_.referred_on = data.referred_on
        case_.referral_reason = validation.clean_text(data.reason, multiline=True)


@dataclass(frozen=True)
class LetterData:
    centre_name: str
    centre_phone: str
    centre_address: str
    case_no: str
    person_name: str
    gender: str
    phone: str
    opened_on: date
    referred_to: str
    referred_kind: str
    referred_on: date
    reason: str
    intake_problem: str
    risk: str
    scales: list[str]
    counsellor: str


def letter_data(session: Session, case_id: int) -> LetterData:
    """What the 转介单 shows; refused until the referral itself is saved."""
    auth.require(session, "counselling.print")
    case_ = existing(session, CounsellingCase, case_id, "没有找到该咨询个案")
    if not case_.referred_to or case_.referred_on is None:
        raise ValidationError({"referred_to": "请先填写并保存转介信息，再打印转介单"})
    detail = case_detail(session, case_id)
    latest = session.scalar(select(RiskAssessment).where(RiskAssessment.case_id == case_id)
                            .order_by(RiskAssessment.assessed_at.desc(),
                                      RiskAssessment.id.desc()).limit(1))
    risk = (f"自伤：{latest.self_harm}　自杀：{latest.suicide}　伤人：{latest.harm_others}"
            if latest is not None else "")
    scales = [f"{row.scale}：{row.total} 分（{row.band}）"
              for row in session.scalars(select(ScaleResult).where(ScaleResult.case_id == case_id)
                                         .order_by(ScaleResult.id.desc()))]
    settings = load_settings(session)
    return LetterData(
        settings.centre_name, settings.centre_phone, settings.centre_address, case_.case_no,
        detail.person_name, detail.gender, detail.phone, case_.opened_on, case_.referred_to,
        case_.referred_kind or "", case_.referred_on, case_.referral_reason or "",
        case_.intake_problem, risk, scales[:4], detail.counsellor,
    )


def log_printed(database: Database, case_id: int, case_no: str) -> None:
    audit.log_event(database, "print", "counselling_case", case_id,
                    {"文书": "心理咨询转介单", "编号": case_no})


__all__ = ["KINDS", "LetterData", "ReferralInput", "letter_data", "open_case",
           "save_referral"]
