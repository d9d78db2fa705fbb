"""Registering a visitor: one function, one transaction.

The desk registers a resident once; the visit gets a visit number unique in
the centre and a ticket for the room it is routed to. Either all of it is
written, or (on bad input or any failure) nothing is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Select, Table, and_, func, select
from sqlalchemy.orm import Session

from desktop.db import Database, insert_on_conflict
from desktop.models import (
    Category,
    Community,
    Grid,
    Person,
    PersonFormerName,
    Referral,
    Room,
    Staff,
    Visit,
)
from desktop.models.base import DESK_KEY
from desktop.services import numbering, validation
from desktop.services.admin import audit, auth
from desktop.services.errors import NameConflictError, ValidationError
from desktop.services.reception import kiosk
from desktop.services.reception.queue import OpenTicket, issue_ticket, open_tickets
from desktop.services.versions import form_values, loaded, refuse_stale, write_checked

__all__ = ["KEEP_KNOWN_NAME", "NAME_CHANGES", "RENAMED", "Registration", "RegistrationInput",
           "issue_ticket", "read_from_card", "register_visit", "tickets_held_today", "validate"]

ID_TYPES = ["居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照", "无证件"]
GENDERS = ["男", "女"]
SOURCES = ["来访", "来信", "12345热线", "网格员上报", "网上", "上级转办", "部门移送"]
VISIT_TYPES = ["个人", "集体"]
RISK_LEVELS = ["黄", "橙", "红"]
RISK_DESCRIPTIONS = {"红": "红色：立即上报", "橙": "橙色：当日处置", "黄": "黄色：常规办理"}
ANONYMOUS_NAME = "匿名"
# How the receptionist resolved a typed name that differs from the known person's:
# she changed her name (the former one is kept), or the typed name was a mistake.
RENAMED = "renamed"
KEEP_KNOWN_NAME = "keep"
NAME_CHANGES = ("", RENAMED, KEEP_KNOWN_NAME)
PERSON_LABELS = {"name": "姓名", "gender": "性别", "id_type": "证件类型", "id_number": "证件号码",
                 "no_id_reason": "无证件原因", "phone": "联系电话", "address": "住址"}


@dataclass
class RegistrationInput:
    """What the receptionist typed; field names match the form's fields."""

    name: str
    phone: str
    summary: str
    room_id: int | None
    id_number: str = ""
    id_type: str = "居民身份证"
    no_id_reason: str = ""
    anonymous: bool = False
    gender: str | None = None
    address: str = ""
    community_id: int | None = None
    grid_id: int | None = None
    source: str = "来访"
    visit_type: str = "个人"
    headcount: int = 1
    representative_name: str = ""
    representative_phone: str = ""
    category_id: int | None = None
    request: str = ""
    risk_level: str = "黄"
    # An already known person chosen from the matches, and the earlier visit on
    # the same matter when this is a repeat visit (重复访).
    person_id: int | None = None
    repeat_of_visit_id: int | None = None
    received_by_id: int | None = None
    # The version of the chosen person as the form showed it (``PersonMatch.version``):
    # when another desk changed that person since, what the form would overwrite is
    # refused (``StaleEditError``). ``None`` skips the check (imports, scripts).
    person_version: int | None = None
    # A known person (found by the document number or chosen) under another name:
    # "" refuses the registration, ``RENAMED`` records a change of name, keeping the
    # former one, ``KEEP_KNOWN_NAME`` registers her under the name already known.
    name_change: str = ""
    # The 身份证号 the desk's reader read off the card (see ``read_from_card``); "" when the
    # number was typed, or the form's number was edited after the card was read.
    card_id_number: str = ""
    # The self-service ticket (自助取号) the resident brought to the desk: the visit's
    # ticket keeps its number (see desktop.services.reception.kiosk).
    kiosk_ticket_id: int | None = None


@dataclass(frozen=True)
class Registration:
    visit_id: int
    visit_no: str
    referral_id: int
    ticket_no: str
    room_name: str
    person_name: str
    # For a repeat visit (重复访): how many times the matter has now been brought, else 0.
    repeat_count: int = 0
    # The self-service number the resident brought (自助取号), registered with this visit.
    kiosk_ticket_no: str = ""


FIELDS = {
    "name": validation.TextField(Person.name, "姓名"),
    "phone": validation.TextField(Person.phone, "联系电话"),
    "id_type": validation.TextField(Person.id_type, "证件类型"),
    "id_number": validation.TextField(Person.id_number, "证件号码"),
    "card_id_number": validation.TextField(Person.id_number, "读卡所得证件号码"),
    "no_id_reason": validation.TextField(Person.no_id_reason, "未提供证件的原因"),
    "address": validation.TextField(Person.address, "住址", limit=200, multiline=False),
    "source": validation.TextField(Visit.source, "来源"),
    "visit_type": validation.TextField(Visit.visit_type, "来访类型"),
    "representative_name": validation.TextField(Visit.representative_name, "代表人姓名"),
    "representative_phone": validation.TextField(Visit.representative_phone, "代表人电话"),
    "summary": validation.TextField(Visit.summary, "事项摘要", limit=2000),
    "request": validation.TextField(Visit.request, "诉求"),
    "risk_level": validation.TextField(Visit.risk_level, "风险等级"),
}
ID_FIELDS = {
    "room_id": ("room", "所选去向不存在或已停用"),
    "category_id": ("category", "所选事项类别不存在"),
    "community_id": ("community", "所选社区不存在"),
    "grid_id": ("grid", "所选网格不属于所选社区"),
    "person_id": ("person", "所选来访人不存在"),
    "repeat_of_visit_id": ("repeat_of", "所选的既往来访不存在"),
    "received_by_id": ("received_by", "所选接待人员不存在"),
    "kiosk_ticket_id": ("kiosk_ticket", "所选自助号不存在"),
}


def cleaned(data: RegistrationInput) -> tuple[RegistrationInput, dict[str, str]]:
    """The input with its text cleaned, and every problem in it (empty when all is well)."""
    return validation.checked(data, FIELDS, _check)


def validate(data: RegistrationInput) -> dict[str, str]:
    """The Chinese message for every field that is wrong (empty when all is well)."""
    return cleaned(data)[1]


def _check(data: RegistrationInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.anonymous and not data.name:
        errors["name"] = "请填写姓名；来访人不愿透露时请勾选“匿名”"
    elif message := validation.unprintable_error(data.name):
        errors["name"] = message
    if data.id_type not in ID_TYPES:
        errors["id_type"] = "证件类型不正确"
    elif data.id_type == "居民身份证":
        if data.id_number or not data.anonymous:
            message = validation.id_number_error(data.id_number)
            if message:
                errors["id_number"] = message
    elif data.id_type == "无证件":
        if not data.no_id_reason:
            errors["no_id_reason"] = "未提供证件时请说明原因"
    elif not data.id_number:
        errors["id_number"] = "请填写证件号码"
    if data.phone or not data.anonymous:
        message = validation.phone_error(data.phone)
        if message:
            errors["phone"] = message
    if data.gender not in (None, "", *GENDERS):
        errors["gender"] = "性别只能是男或女"
    if not data.summary:
        errors["summary"] = "请填写来访事项摘要"
    if data.room_id is None:
        errors["room"] = "请选择分流去向"
    if data.source not in SOURCES:
        errors["source"] = "来源不正确"
    if data.visit_type not in VISIT_TYPES:
        errors["visit_type"] = "来访类型不正确"
    elif not isinstance(data.headcount, int) or isinstance(data.headcount, bool) \
            or data.headcount > 9999:
        errors["headcount"] = "人数不正确"
    elif data.visit_type == "集体" and data.headcount < 2:
        errors["headcount"] = "集体访人数至少为2人"
    elif data.headcount < 1:
        errors["headcount"] = "人数至少为1"
    if data.visit_type == "集体":
        if not data.representative_name:
            errors["representative_name"] = "集体访请填写代表人姓名"
        elif message := validation.unprintable_error(data.representative_name):
            errors["representative_name"] = message
        if data.representative_phone:
            message = validation.phone_error(data.representative_phone)
            if message:
                errors["representative_phone"] = "代表人" + message
    if data.category_id is None:
        errors["category"] = "请选择事项类别"
    if data.risk_level not in RISK_LEVELS:
        errors["risk_level"] = "风险等级只能是红、橙、黄"
    for attr, (key, message) in ID_FIELDS.items():
        if validation.id_error(getattr(data, attr), message):
            errors[key] = message
    return errors


def _person_fields(data: RegistrationInput, id_number: str) -> dict[str, object]:
    """What the registration says about the person; a blank field keeps what is known."""
    fields: dict[str, object] = {
        "id_type": data.id_type, "no_id_reason": data.no_id_reason.strip() or None,
    }
    if id_number:
        fields["id_number"] = id_number
    if data.phone.strip():
        fields["phone"] = validation.normalize_phone(data.phone)
    if data.gender:
        fields["gender"] = data.gender
    if data.address.strip():
        fields["address"] = data.address.strip()
    return fields


def _create_by_id_number(session: Session, id_number: str, values: dict[str, object]) -> Person:
    """The person with this document number, created unless another desk just did.

    Two desks registering the same new resident at once both insert; ON CONFLICT
    DO NOTHING makes the second wait for the first and then add nothing, and it
    reads the first desk's row instead of failing on the unique number.
    """
    table = cast(Table, Person.__table__)
    inserted = cast(CursorResult[Any], session.execute(
        insert_on_conflict(session, table).values(**values)
        .on_conflict_do_nothing(index_elements=[table.c.id_number])
    )).rowcount
    person = session.scalars(_locked_person(Person.id_number == id_number)).one()
    if inserted:  # this desk made the row: a Core INSERT the flush hooks do not see
        audit.record_created(session, person)
    return person


def _locked_person(condition: ColumnElement[bool]) -> Select[Person]:
    # Locked (on PostgreSQL) because the registration updates the person: a desk
    # registering the same resident at the same moment waits, then reads the new
    # version, instead of failing on it. The lock leaves inserts of visits alone.
    return select(Person).where(condition).with_for_update(key_share=True)


def _document_number(data: RegistrationInput) -> str:
    return validation.normalize_id_number(data.id_number) if data.id_type != "无证件" else ""


def read_from_card(data: RegistrationInput) -> bool:
    """读卡核验: the 居民身份证 number registered is exactly the one read off the card.

    A number typed, edited after the card was read, or of another document is 手工.
    """
    card = validation.normalize_id_number(data.card_id_number)
    return bool(card) and data.id_type == "居民身份证" and card == _document_number(data)


def _known_person(session: Session, data: RegistrationInput, id_number: str, *,
                  lock: bool) -> Person | None:
    """The person the registration is for: by the document number, else the one chosen."""
    def query(condition: ColumnElement[bool]) -> Select[Person]:
        return _locked_person(condition) if lock else select(Person).where(condition)

    person: Person | None = None
    if id_number:
        person = session.scalar(query(Person.id_number == id_number))
    if person is None and data.person_id is not None:
        person = session.scalar(query(Person.id == data.person_id))
        if person is not None and id_number and person.id_number not in (None, id_number):
            person = None  # a different document: a different person
    return person


def _find_or_create_person(session: Session, data: RegistrationInput) -> Person:
    id_number = _document_number(data)
    person = _known_person(session, data, id_number, lock=True)
    name = ANONYMOUS_NAME if data.anonymous and not data.name.strip() else data.name.strip()
    fields = _person_fields(data, id_number)
    if person is None and id_number:
        person = _create_by_id_number(session, id_number, {"name": name, **fields})
    if person is None:
        person = Person(name=name, **fields)
        session.add(person)
        return person
    found, before = loaded(person), form_values(person, PERSON_LABELS)
    _settle_name(session, person, name, data)
    for key, value in fields.items():
        setattr(person, key, value)
    if person.id == data.person_id and data.person_version is not None:
        refuse_stale("来访人信息", found, data.person_version, before,
                     form_values(person, PERSON_LABELS), PERSON_LABELS)
    return person


def _settle_name(session: Session, person: Person, name: str, data: RegistrationInput) -> None:
    """Give a known person the typed name only when the receptionist said she changed it.

    Silently taking the typed name renamed the resident on every earlier visit
    and in the queue; a typing error or another person's number must not do that.
    """
    if not name or name == person.name or data.anonymous:
        return
    if person.name == ANONYMOUS_NAME:
        person.name = name
        return
    if data.name_change == KEEP_KNOWN_NAME:
        return
    if data.name_change != RENAMED:
        raise NameConflictError(person.name, name)
    session.add(PersonFormerName(
        person=person, name=person.name, replaced_at=datetime.now().replace(microsecond=0),
        replaced_by=session.info.get(DESK_KEY),
    ))
    person.name = name


# A ticket that still stands in a queue: the resident has not been seen there yet.
STILL_QUEUING = ("waiting", "called")


def tickets_held_today(session: Session, data: RegistrationInput, *,
                       today: date | None = None) -> list[OpenTicket]:
    """The waiting or called tickets of today held by the resident the form is for.

    A resident registered again while still queuing would stand twice in the
    queues (a second visit counted, a second call). The desk asks before it
    saves; a resident known by neither a document number nor a choice from the
    matches has none.
    """
    auth.require(session, "visit.register")
    data, errors = cleaned(data)
    if "person" in errors:
        data.person_id = None
    id_number = "" if "id_number" in errors else _document_number(data)
    person = _known_person(session, data, id_number, lock=False)
    if person is None:
        return []
    return open_tickets(session, and_(
        Visit.person_id == person.id, Referral.status.in_(STILL_QUEUING),
        Referral.ticket_date == (today or date.today())))


def _check_references(session: Session, data: RegistrationInput) -> Room:
    """Every id of the input names an existing row (before anything is written); the room."""
    room = session.get(Room, data.room_id)
    if room is None or not room.active:
        raise ValidationError({"room": ID_FIELDS["room_id"][1]})
    for attr, model in (("category_id", Category), ("community_id", Community),
                        ("person_id", Person), ("received_by_id", Staff)):
        key, message = ID_FIELDS[attr]
        if getattr(data, attr) is not None:
            validation.existing(session, model, getattr(data, attr), message, field=key)
    if data.grid_id is not None:
        grid = session.get(Grid, data.grid_id)
        if grid is None or grid.community_id != data.community_id:
            raise ValidationError({"grid": ID_FIELDS["grid_id"][1]})
    return room


def next_visit_no(session: Session, now: datetime) -> str:
    seq = numbering.next_value(session, f"visit:{now:%Y%m%d}")
    return f"J{now:%Y%m%d}{seq:04d}"


def register_visit(
    database: Database, data: RegistrationInput, *, now: datetime | None = None
) -> Registration:
    """Register one visit and route it to a room, in one transaction."""
    auth.require(database, "visit.register")
    data, errors = cleaned(data)
    if errors:
        raise ValidationError(errors)
    now = now or datetime.now().replace(microsecond=0)
    return write_checked(database, "来访人信息", lambda session: _register(session, data, now))


def _register(session: Session, data: RegistrationInput, now: datetime) -> Registration:
    """The visit, its ticket and the person, written in ``session``."""
    room = _check_references(session, data)
    kiosk_ticket = (kiosk.claim(session, data.kiosk_ticket_id)
                    if data.kiosk_ticket_id is not None else None)
    person = _find_or_create_person(session, data)
    session.flush()
    repeat_of: Visit | None = None
    if data.repeat_of_visit_id:
        repeat_of = session.get(Visit, data.repeat_of_visit_id)
        if repeat_of is None or repeat_of.person_id != person.id:
            raise ValidationError({"repeat_of": "所选的既往来访不属于该来访人"})
        # Count every repeat against the first visit on the matter.
        if repeat_of.repeat_of_id is not None:
            repeat_of = session.get(Visit, repeat_of.repeat_of_id)
    visit = Visit(
        visit_no=next_visit_no(session, now),
        person=person,
        visited_at=now,
        source=data.source,
        visit_type=data.visit_type,
        headcount=data.headcount if data.visit_type == "集体" else 1,
        representative_name=(data.representative_name.strip() or None)
        if data.visit_type == "集体" else None,
        representative_phone=(validation.normalize_phone(data.representative_phone) or None)
        if data.visit_type == "集体" else None,
        category_id=data.category_id,
        community_id=data.community_id,
        grid_id=data.grid_id,
        summary=data.summary.strip(),
        request=data.request.strip() or None,
        risk_level=data.risk_level,
        repeat_of_id=repeat_of.id if repeat_of else None,
        is_repeat=repeat_of is not None,
        id_card_read=read_from_card(data),
        # The receptionist who registered it: the signed-in account unless the form names one.
        received_by_id=auth.acting_staff_id(session, data.received_by_id),
        created_at=now,
    )
    session.add(visit)
    number = kiosk.kept_number(kiosk_ticket, room.id) if kiosk_ticket is not None else None
    referral = issue_ticket(
        session, visit, room, now, staff_id=visit.received_by_id, number=number,
        issued_at=kiosk_ticket.taken_at if number and kiosk_ticket else None,
        reason=f"{kiosk.SELF_SERVICE}取号 {kiosk_ticket.ticket_no}" if kiosk_ticket else None)
    if kiosk_ticket is not None:
        kiosk.complete(kiosk_ticket, visit, referral, now, visit.received_by_id)
    session.flush()
    repeat_count = repeat_count_of(session, repeat_of.id) if repeat_of else 0
    return Registration(
        visit_id=visit.id,
        visit_no=visit.visit_no,
        referral_id=referral.id,
        ticket_no=referral.ticket_no,
        room_name=room.name,
        person_name=person.name,
        repeat_count=repeat_count,
        kiosk_ticket_no=kiosk_ticket.ticket_no if kiosk_ticket is not None else "",
    )


def repeat_count_of(session: Session, first_visit_id: int) -> int:
    """How many times a matter has been brought: the first visit and its repeats."""
    repeats = session.scalar(
        select(func.count()).select_from(Visit).where(Visit.repeat_of_id == first_visit_id)
    )
    return 1 + int(repeats or 0)
