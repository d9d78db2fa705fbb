"""Centre-wide settings shared by every desk, stored in the database."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import CentreSetting, MediationCase
from desktop.services import validation
from desktop.services.errors import ValidationError
from desktop.services.validation import TextField, phone_error

PAPER_SIZES = {"a5": "A5", "80mm": "80 mm 热敏卷纸"}
# The short name goes into every case number, which must fit its column.
_CASE_NO_ROOM = (validation.column_limit(MediationCase.case_no) or 48) \
    - len("（2100）人调字第0000号")
FIELDS = {
    "centre_name": TextField(label="中心名称", limit=64),
    "centre_phone": TextField(label="中心电话", limit=32),
    "centre_address": TextField(label="中心地址", limit=200),
    "committee_short_name": TextField(label="调委会简称", limit=min(_CASE_NO_ROOM, 8)),
    "committee_name": TextField(label="调委会名称", limit=64),
    "receipt_paper": TextField(label="回执纸张", limit=16),
}


@dataclass
class CentreSettings:
    centre_name: str = "某某街道综治中心"
    centre_phone: str = "0000-0000000"
    centre_address: str = ""
    # Short name of the 人民调解委员会 used in case numbers, e.g. 东 → （2026）东人调字第0001号.
    committee_short_name: str = "东"
    committee_name: str = "某某街道人民调解委员会"
    receipt_paper: str = "a5"


def load_settings(session: Session) -> CentreSettings:
    stored = {k: v for k, v in session.execute(select(CentreSetting.key, CentreSetting.value))}
    values = {f.name: stored[f.name] for f in fields(CentreSettings) if f.name in stored}
    return CentreSettings(**values)


def _check(settings: CentreSettings) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not settings.centre_name:
        errors["centre_name"] = "请填写中心名称"
    if settings.receipt_paper not in PAPER_SIZES:
        errors["receipt_paper"] = "回执纸张只能是 A5 或 80 mm 卷纸"
    if not settings.committee_short_name:
        errors["committee_short_name"] = "请填写调委会简称（用于案号）"
    phone = settings.centre_phone.strip()
    # Blank and the shipped placeholder stay allowed: a new centre may not know it yet.
    if phone and phone != CentreSettings.centre_phone and (message := phone_error(phone)):
        errors["centre_phone"] = message
    return errors


def save_settings(session: Session, settings: CentreSettings) -> None:
    settings, errors = validation.checked(settings, FIELDS, _check)
    if errors:
        raise ValidationError(errors)
    for f in fields(CentreSettings):
        value = str(getattr(settings, f.name))
        row = session.get(CentreSetting, f.name)
        if row is None:
            session.add(CentreSetting(key=f.name, value=value))
        else:
            row.value = value
