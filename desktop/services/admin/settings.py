"""Centre-wide settings shared by every desk, stored in the database.

Nothing here has a made-up default: a centre that has not said who it is gets empty
values, and whatever would print them (a receipt, a case number, a document) refuses
with a message that says what is missing and where to fill it in (:func:`require`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import CentreSetting, MediationCase
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.reception import speech
from desktop.services.validation import TextField

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
    "service_hours": TextField(label="服务时间", limit=64),
    "idle_lock_minutes": TextField(label="无操作锁定（分钟）", limit=3),
    "speech_enabled": TextField(label="语音叫号", limit=1),
    "speech_repetitions": TextField(label="每个号播报次数", limit=2),
    "speech_volume": TextField(label="音量", limit=4),
    "speech_rate": TextField(label="语速", limit=4),
    "speech_voice": TextField(label="声音", limit=128),
}
# The hall's spoken calls (系统设置 → 语音叫号), saved on their own.
SPEECH_KEYS = ["speech_enabled", "speech_repetitions", "speech_volume", "speech_rate",
               "speech_voice"]
# Where the admin fills the settings in, for the messages of :func:`require`.
WHERE = "系统设置 → 中心信息"


@dataclass
class CentreSettings:
    centre_name: str = ""
    centre_phone: str = ""
    centre_address: str = ""
    # Short name of the 人民调解委员会 used in case numbers, e.g. 东 → （2026）东人调字第0001号.
    committee_short_name: str = ""
    committee_name: str = ""
    receipt_paper: str = "a5"
    service_hours: str = ""
    # Minutes without a key press or click before a window locks (1 to 240).
    idle_lock_minutes: str = "10"
    # Spoken calls in the hall (see desktop.services.reception.speech): on, twice each, 80 % volume,
    # the normal rate, a Chinese voice of the PC driving the hall display.
    speech_enabled: str = speech.DEFAULTS["speech_enabled"]
    speech_repetitions: str = speech.DEFAULTS["speech_repetitions"]
    speech_volume: str = speech.DEFAULTS["speech_volume"]
    speech_rate: str = speech.DEFAULTS["speech_rate"]
    speech_voice: str = speech.DEFAULTS["speech_voice"]


def idle_minutes(settings: CentreSettings) -> int:
    """The idle time before the window locks; 10 minutes when unset or not a number."""
    text = settings.idle_lock_minutes.strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 240 else 10


# What earlier versions shipped as defaults (and a centre may have saved unchanged): unset.
PLACEHOLDERS = {
    "centre_name": "某某街道综治中心",
    "centre_phone": "0000-0000000",
    "committee_name": "某某街道人民调解委员会",
}
# The shipped short name 东 may also be a real one (东城, 东湖 …): it counts as unset only
# beside the shipped committee name, never beside a centre's own.
PLACEHOLDER_SHORT_NAME = "东"


def load_settings(session: Session) -> CentreSettings:
    stored = {k: v for k, v in session.execute(select(CentreSetting.key, CentreSetting.value))}
    values = {f.name: stored[f.name] for f in fields(CentreSettings)
              if f.name in stored and PLACEHOLDERS.get(f.name) != stored[f.name]}
    if values.get("committee_short_name") == PLACEHOLDER_SHORT_NAME \
            and not values.get("committee_name"):
        del values["committee_short_name"]
    return CentreSettings(**values)


def missing(settings: CentreSettings, keys: Iterable[str]) -> list[str]:
    """The labels of the ``keys`` the centre has not filled in yet."""
    return [FIELDS[key].label for key in keys if not str(getattr(settings, key)).strip()]


def missing_message(settings: CentreSettings, keys: Iterable[str], purpose: str) -> str | None:
    """What ``purpose`` (e.g. "打印受理回执") still needs and where to set it; None if ready."""
    absent = missing(settings, keys)
    if not absent:
        return None
    return f"{purpose}前请先设置{'、'.join(absent)}（{WHERE}，或首次使用时的设置向导）"


def require(session: Session, keys: Iterable[str], purpose: str, *,
            field: str = "setup") -> CentreSettings:
    """The settings, or a ``ValidationError`` from :func:`missing_message` under ``field``."""
    settings = load_settings(session)
    message = missing_message(settings, keys, purpose)
    if message:
        raise ValidationError({field: message})
    return settings


def _check(settings: CentreSettings) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not settings.centre_name:
        errors["centre_name"] = "请填写中心名称"
    if settings.receipt_paper not in PAPER_SIZES:
        errors["receipt_paper"] = "回执纸张只能是 A5 或 80 mm 卷纸"
    if not settings.committee_short_name:
        errors["committee_short_name"] = "请填写调委会简称（用于案号）"
    if not settings.committee_name:
        errors["committee_name"] = "请填写人民调解委员会名称（印在调解文书上）"
    phone = settings.centre_phone.strip()
    if phone and (message := validation.phone_error(phone)):
        errors["centre_phone"] = message
    minutes = settings.idle_lock_minutes.strip()
    if not (minutes.isdigit() and 1 <= int(minutes) <= 240):
        errors["idle_lock_minutes"] = "无操作锁定时间应为 1 到 240 分钟"
    errors.update(speech.settings_errors(settings))
    return errors


def save_settings(session: Session, settings: CentreSettings,
                  keys: Iterable[str] | None = None) -> None:
    """Check and store ``settings`` (only ``keys`` of them: one page of the wizard)."""
    auth.require(session, "settings.manage")
    only = set(keys) if keys is not None else {f.name for f in fields(CentreSettings)}
    settings, errors = validation.checked(settings, FIELDS, _check)
    errors = {key: message for key, message in errors.items() if key in only}
    if errors:
        raise ValidationError(errors)
    for f in fields(CentreSettings):
        if f.name not in only:
            continue
        value = str(getattr(settings, f.name))
        row = session.get(CentreSetting, f.name)
        if row is None:
            session.add(CentreSetting(key=f.name, value=value))
        else:
            row.value = value
