"""What a 受理回执 says, gathered from the database as plain data for the printer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from desktop.db import Database
from desktop.models import Referral, Visit
from desktop.services import privacy, validation
from desktop.services.admin import audit, auth
from desktop.services.admin.settings import require
from desktop.services.errors import NotFoundError
from desktop.services.validation import mask_id_number


@dataclass(frozen=True)
class ReceiptData:
    centre_name: str
    centre_phone: str
    centre_address: str
    visit_no: str
    ticket_no: str
    room_name: str
    room_location: str
    visited_at: datetime
    person_name: str
    masked_id: str
    id_type: str
    category: str
    summary: str
    next_steps: list[str]
    paper: str
    visit_type: str = "个人"
    headcount: int = 1
    representative: str = ""
    # Settings the receipt needed but the centre has not filled in (e.g. 中心电话).
    missing: tuple[str, ...] = ()
    visit_id: int | None = None


# The phone shipped as a default before any centre set its own: never printed.
PLACEHOLDER_PHONES = {"", "0000-0000000"}


def centre_phone(phone: str) -> str:
    """The centre's phone as configured, or "" when it is still the placeholder."""
    return "" if phone.strip() in PLACEHOLDER_PHONES else phone.strip()


def next_steps_for(room_name: str, room_location: str, ticket_no: str, phone: str) -> list[str]:
    where = f"（{room_location}）" if room_location else ""
    return [
        f"请在群众接待大厅等候叫号；叫到“{ticket_no}”时，请前往{room_name}{where}。",
        "工作人员将当面了解情况并依法依规办理，办理结果将告知您本人。",
        f"如需查询办理进度，请凭本回执的受理编号咨询，或拨打中心电话 {phone}。" if phone
        else "如需查询办理进度，请凭本回执的受理编号到中心接待窗口咨询。",
        "请妥善保管本回执。本中心对您的个人信息严格保密。",
    ]


def receipt_data(session: Session, visit_no: str, *, paper: str | None = None) -> ReceiptData:
    auth.require(session, "receipt.print")
    number = validation.clean_text(visit_no).upper()
    readable = validation.text_error(number, "受理编号", validation.column_limit(Visit.visit_no)
                                     or 32) is None
    visit = session.scalar(
        select(Visit)
        .where(Visit.visit_no == number, Visit.deleted_at.is_(None))
        .options(joinedload(Visit.person), joinedload(Visit.category))
    ) if readable else None
    if visit is None:
        raise NotFoundError(f"没有受理编号为 {number if readable else '（无法识别）'} 的来访登记")
    referral = session.scalar(
        select(Referral)
        .where(Referral.visit_id == visit.id)
        .options(joinedload(Referral.room))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(1)
    )
    settings = require(session, ["centre_name"], "打印受理回执")
    phone = centre_phone(settings.centre_phone)
    ticket_no = referral.ticket_no if referral else ""
    room_name = referral.room.name if referral else ""
    room_location = (referral.room.location or "") if referral else ""
    return ReceiptData(
        centre_name=settings.centre_name,
        centre_phone=phone,
        centre_address=settings.centre_address,
        visit_no=visit.visit_no,
        ticket_no=ticket_no,
        room_name=room_name,
        room_location=room_location,
        visited_at=visit.visited_at,
        person_name=visit.person.name,
        masked_id=mask_id_number(visit.person.id_number),
        id_type=visit.person.id_type,
        category=visit.category.name if visit.category else "",
        summary=privacy.shown(
            visit.summary, bool(privacy.counselling_visit_ids(session, [visit.id])),
            privacy.may_read_counselling(session)),
        next_steps=next_steps_for(room_name, room_location, ticket_no, phone),
        paper=paper or settings.receipt_paper,
        visit_type=visit.visit_type, headcount=visit.headcount,
        representative=visit.representative_name or "",
        missing=() if phone else ("中心电话",),
        visit_id=visit.id,
    )


def receipt_for_print(database: Database, visit_no: str, *,
                      paper: str | None = None) -> ReceiptData:
    """The receipt's data for the printer, and the audit entry saying who printed it."""
    with database.read() as session:
        data = receipt_data(session, visit_no, paper=paper)
    audit.log_event(database, "print", "visit", data.visit_id,
                    {"文书": "受理回执", "受理编号": data.visit_no})
    return data
