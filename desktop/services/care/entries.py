"""The care register (关爱对象名册): putting a resident on it, editing, ending the care.

A resident is on the register once (a unique person): a resident picked from
reception (by 身份证号 or name, :func:`find_people`) or added here, or taken up
from a visit routed to the care room (:mod:`desktop.services.care.routed`).
Every write is one transaction; an edit carries the version it was loaded with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import CareEntry, CareGroup, CareVisit, Community, Grid, Person, Staff, Visit
from desktop.services import validation
from desktop.services.admin import audit
from desktop.services.care.access import require_care
from desktop.services.care.schedule import refresh_due
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception import matching
from desktop.services.validation import TextField, checked, date_errors, id_error
from desktop.services.versions import form_values, loaded, refuse_stale, stale, write_checked

GROUPS = ["独居/空巢老人", "留守/困境儿童", "残疾人", "刑满释放人员", "社区矫正对象",
          "严重精神障碍患者", "低保/特困"]
# The usual visit frequencies, in days; any number within the range may be set.
FREQUENCIES = {"每周": 7, "每两周": 14, "每月": 30, "每季度": 90}
MIN_FREQUENCY, MAX_FREQUENCY = 1, 365
GENDERS = ["男", "女"]
END_REASON_LIMIT = 200

ENTRY_FIELDS = {
    "name": TextField(Person.name, "姓名"),
    "phone": TextField(CareEntry.phone, "联系电话"),
    "address": TextField(CareEntry.address, "住址"),
    "guardian_name": TextField(CareEntry.guardian_name, "监护人"),
    "guardian_relation": TextField(CareEntry.guardian_relation, "与本人关系"),
    "guardian_phone": TextField(CareEntry.guardian_phone, "监护人电话"),
    "notes": TextField(CareEntry.notes, "备注"),
}
ENTRY_LABELS = {
    "groups": "关爱类别", "phone": "联系电话", "address": "住址", "guardian_name": "监护人",
    "guardian_relation": "与本人关系", "guardian_phone": "监护人电话", "community_id": "社区",
    "grid_id": "网格", "frequency_days": "走访频次（天）", "staff_id": "责任人",
    "registered_on": "登记日期", "notes": "备注",
}


def frequency_label(days: int) -> str:
    for label, value in FREQUENCIES.items():
        if value == days:
            return label
    return f"每{days}天"


@dataclass
class EntryInput:
    """One register entry as the form holds it; ``person_id`` None adds a new resident."""

    groups: list[str] = field(default_factory=list)
    person_id: int | None = None
    name: str = ""
    id_number: str = ""
    gender: str | None = None
    phone: str = ""
    address: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    community_id: int | None = None
    grid_id: int | None = None
    frequency_days: int = 30
    staff_id: int | None = None
    registered_on: date | None = None
    visit_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class EntryRow:
    """One line of the register or of the list of visits due."""

    entry_id: int
    name: str
    masked_id: str
    masked_phone: str
    groups: str
    community: str
    frequency: str
    staff: str
    registered_on: date
    last_visit_on: date | None
    next_due_on: date
    days_left: int
    ended_on: date | None

    @property
    def overdue(self) -> bool:
        return self.ended_on is None and self.days_left < 0

    @property
    def status(self) -> str:
        if self.ended_on is not None:
            return "已结束"
        if self.days_left < 0:
            return f"逾期 {-self.days_left} 天"
        return "今天到期" if self.days_left == 0 else f"{self.days_left} 天后到期"


def _today(today: date | None) -> date:
    return today or date.today()


def validate_entry(data: EntryInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.groups:
        errors["groups"] = "请至少选择一个关爱类别"
    elif any(g not in GROUPS for g in data.groups):
        errors["groups"] = "关爱类别不正确"
    if data.person_id is None:
        if not data.name:
            errors["name"] = "请填写姓名或选择已登记的来访人"
        if data.id_number:
            problem = validation.id_number_error(validation.normalize_id_number(data.id_number))
            if problem:
                errors["id_number"] = problem
        if data.gender is not None and data.gender not in GENDERS:
            errors["gender"] = "性别只能是男或女"
    elif id_error(data.person_id, "所选来访人不存在"):
        errors["name"] = "所选来访人不存在"
    for key in ("phone", "guardian_phone"):
        value = getattr(data, key)
        if value:
            problem = validation.phone_error(validation.normalize_phone(value))
            if problem:
                errors[key] = problem
    if isinstance(data.frequency_days, bool) or not isinstance(data.frequency_days, int) \
            or not MIN_FREQUENCY <= data.frequency_days <= MAX_FREQUENCY:
        errors["frequency_days"] = (f"走访频次应在 {MIN_FREQUENCY} 至 {MAX_FREQUENCY} 天之间")
    for key, value, message in (("community_id", data.community_id, "所选社区不存在"),
                                ("grid_id", data.grid_id, "所选网格不存在"),
                                ("staff_id", data.staff_id, "所选责任人不存在"),
                                ("visit_id", data.visit_id, "所选来访登记不存在")):
        if id_error(value, message):
            errors[key] = message
    errors.update(date_errors({"registered_on": data.registered_on}, {"registered_on": "登记日期"}))
    if data.registered_on is not None and data.registered_on > today \
            and "registered_on" not in errors:
        errors["registered_on"] = "登记日期不能晚于今天"
    return errors


def _checked(data: EntryInput, today: date) -> EntryInput:
    data, errors = checked(data, ENTRY_FIELDS, lambda d: validate_entry(d, today))
    if errors:
        raise ValidationError(errors)
    return data


def _person(session: Session, data: EntryInput) -> Person:
    """The resident the entry is for: the one picked, the one with this 身份证号, or a new one."""
    if data.person_id is not None:
        person = session.get(Person, data.person_id)
        if person is None or person.deleted_at is not None:
            raise ValidationError({"name": "所选来访人不存在"})
        return person
    number = validation.normalize_id_number(data.id_number) if data.id_number else None
    if number:
        known = session.scalar(select(Person).where(Person.id_number == number))
        if known is not None:
            if known.name != data.name:
                raise ValidationError({"id_number": f"该身份证号已登记为“{known.name}”，"
                                                    "请从查找结果中选择"})
            return known
    person = Person(name=data.name, gender=data.gender, id_number=number,
                    id_type="居民身份证" if number else "无证件",
                    no_id_reason=None if number else "关爱名册登记时未提供",
                    phone=validation.normalize_phone(data.phone) or None,
                    address=data.address or None)
    session.add(person)
    session.flush()
    return person


def _apply(session: Session, entry: CareEntry, data: EntryInput) -> None:
    if data.community_id is not None:
        validation.existing(session, Community, data.community_id, "所选社区不存在",
                            field="community_id")
    if data.grid_id is not None:
        grid = validation.existing(session, Grid, data.grid_id, "所选网格不存在",
                                   field="grid_id")
        if data.community_id is not None and grid.community_id != data.community_id:
            raise ValidationError({"grid_id": "所选网格不属于所选社区"})
    if data.staff_id is not None:
        validation.existing(session, Staff, data.staff_id, "所选责任人不存在", field="staff_id")
    wanted = sorted(dict.fromkeys(data.groups))
    if [g.name for g in entry.groups] != wanted:
        entry.groups = [CareGroup(name=g) for g in wanted]
    entry.phone = validation.normalize_phone(data.phone) or None
    entry.address = data.address or None
    entry.guardian_name = data.guardian_name or None
    entry.guardian_relation = data.guardian_relation or None
    entry.guardian_phone = validation.normalize_phone(data.guardian_phone) or None
    entry.community_id = data.community_id
    entry.grid_id = data.grid_id
    entry.frequency_days = data.frequency_days
    entry.staff_id = data.staff_id
    entry.notes = data.notes or None


def register_entry(database: Database, data: EntryInput, *, today: date | None = None) -> int:
    """Put a resident on the register (one transaction); the id of the new entry."""
    day = _today(today)
    data = _checked(data, day)
    with database.write() as session:
        require_care(session, "care.edit")
        if data.visit_id is not None:
            validation.existing(session, Visit, data.visit_id, "所选来访登记不存在",
                                field="visit_id")
            if session.scalar(select(CareEntry.id).where(CareEntry.visit_id == data.visit_id)):
                raise ValidationError({"visit_id": "该来访已登记到关爱名册"})
        person = _person(session, data)
        if session.scalar(select(CareEntry.id).where(CareEntry.person_id == person.id)):
            raise ValidationError({"name": f"{person.name} 已在关爱名册中，请打开原登记修改"})
        registered = data.registered_on or day
        entry = CareEntry(person_id=person.id, visit_id=data.visit_id, registered_on=registered,
                          next_due_on=registered)
        _apply(session, entry, data)
        session.add(entry)
        refresh_due(session, entry)
        session.flush()
        return entry.id


def _values(entry: CareEntry) -> dict[str, str]:
    return form_values(entry, ENTRY_LABELS, groups="、".join(g.name for g in entry.groups))


def _locked(session: Session, entry_id: int) -> CareEntry:
    entry = session.get(CareEntry, entry_id, with_for_update=True, populate_existing=True) \
        if validation.valid_id(entry_id) else None
    if entry is None:
        raise NotFoundError("没有找到该关爱对象")
    return entry


def update_entry(database: Database, entry_id: int, data: EntryInput, *, version: int,
                 today: date | None = None) -> None:
    """Save an entry loaded at ``version`` (the resident stays the same)."""
    day = _today(today)
    data = _checked(data, day)

    def work(session: Session) -> None:
        require_care(session, "care.edit")
        entry = _locked(session, entry_id)
        found = loaded(entry)
        before = _values(entry)
        _apply(session, entry, data)
        if data.registered_on is not None:
            first = session.scalar(select(func.min(CareVisit.visited_on))
                                   .where(CareVisit.entry_id == entry.id))
            if first is not None and data.registered_on > first:
                raise ValidationError(
                    {"registered_on": f"登记日期不能晚于首次走访日期 {first:%Y-%m-%d}"})
            entry.registered_on = data.registered_on
        refresh_due(session, entry)
        refuse_stale("关爱对象", found, version, before, _values(entry), ENTRY_LABELS)

    write_checked(database, "关爱对象", work)


def end_entry(database: Database, entry_id: int, ended_on: date | None, reason: str, *,
              version: int, today: date | None = None) -> None:
    """End the care (迁出, 去世, 情况好转 ...): the entry stays on file, off the due list."""
    day = _today(today)
    errors: dict[str, str] = {}
    text = validation.clean_argument(errors, "end_reason", reason,
                                     TextField(CareEntry.end_reason, "结束原因"))
    if not text:
        errors["end_reason"] = "请填写结束关爱的原因"
    if ended_on is None:
        errors["ended_on"] = "请填写结束日期"
    else:
        errors.update(date_errors({"ended_on": ended_on}, {"ended_on": "结束日期"}))
        if "ended_on" not in errors and ended_on > day:
            errors["ended_on"] = "结束日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    assert ended_on is not None  # checked above

    def work(session: Session) -> None:
        require_care(session, "care.edit")
        entry = _locked(session, entry_id)
        if entry.version != version:
            raise stale("关爱对象", loaded(entry), [])
        if entry.ended_on is not None:
            raise ValidationError({"ended_on": "该关爱对象已结束关爱"})
        if ended_on < entry.registered_on:
            raise ValidationError({"ended_on": "结束日期不能早于登记日期"})
        entry.ended_on = ended_on
        entry.end_reason = text

    write_checked(database, "关爱对象", work)


def reopen_entry(database: Database, entry_id: int, *, version: int) -> None:
    """Take an ended entry back on the register (ended by mistake, or the need came back).

    The next visit falls due from the last visit (or registration) as before, so an entry
    long ended comes back overdue. The audit log keeps the end date and reason it had.
    """

    def work(session: Session) -> None:
        require_care(session, "care.edit")
        entry = _locked(session, entry_id)
        if entry.version != version:
            raise stale("关爱对象", loaded(entry), [])
        if entry.ended_on is None:
            raise ValidationError({"ended_on": "该关爱对象仍在册，无需恢复"})
        audit.record(session, "reopen", "care_entry", entry.id,
                     {"原结束日期": entry.ended_on, "原结束原因": entry.end_reason or ""})
        entry.ended_on = None
        entry.end_reason = None
        refresh_due(session, entry)

    write_checked(database, "关爱对象", work)


def find_people(session: Session, text: str) -> list[matching.PersonMatch]:
    """Residents known from reception, by 身份证号, phone or name (to put one on the register)."""
    require_care(session, "care.edit")
    return matching.find_people(session, text)
