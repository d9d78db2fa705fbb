"""政策宣传: notices and policy texts the hall display shows between two dates.

The admin writes them in 系统设置 (title, text, shown from, shown until); the hall
display rotates those whose dates include today. Every change is audited by the
flush hooks of :mod:`desktop.services.admin.audit`, like any other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop.models import Notice
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from desktop.services.validation import TextField, clean_argument, existing

# The body must fit the display's panel at a size read from across the hall.
BODY_LIMIT = 300
TITLE = TextField(Notice.title, "标题")
BODY = TextField(Notice.body, "内容", limit=BODY_LIMIT)


@dataclass(frozen=True)
class NoticeInput:
    title: str
    body: str
    shown_from: date | None
    shown_until: date | None = None


@dataclass(frozen=True)
class NoticeEntry:
    id: int
    title: str
    body: str
    shown_from: date
    shown_until: date | None

    def shown_on(self, day: date) -> bool:
        return self.shown_from <= day and (self.shown_until is None or day <= self.shown_until)

    @property
    def period_text(self) -> str:
        until = f"{self.shown_until:%Y-%m-%d}" if self.shown_until else "长期"
        return f"{self.shown_from:%Y-%m-%d} 至 {until}"


def _entry(row: Notice) -> NoticeEntry:
    return NoticeEntry(row.id, row.title, row.body, row.shown_from, row.shown_until)


def all_notices(session: Session) -> list[NoticeEntry]:
    """Every notice, the latest start first (for the editor)."""
    rows = session.scalars(select(Notice).order_by(Notice.shown_from.desc(), Notice.id.desc()))
    return [_entry(row) for row in rows]


def current_notices(session: Session, today: date | None = None) -> list[NoticeEntry]:
    """The notices whose dates include ``today``, in the order the display rotates them."""
    today = today or date.today()
    rows = session.scalars(
        select(Notice)
        .where(Notice.shown_from <= today,
               or_(Notice.shown_until.is_(None), Notice.shown_until >= today))
        .order_by(Notice.shown_from, Notice.id)
    )
    return [_entry(row) for row in rows]


def checked(data: NoticeInput) -> NoticeInput:
    """The input cleaned, or a ``ValidationError`` with a Chinese message per field."""
    errors: dict[str, str] = {}
    title = clean_argument(errors, "title", data.title, TITLE)
    body = clean_argument(errors, "body", data.body, BODY)
    if not title and "title" not in errors:
        errors["title"] = "请填写标题"
    if not body and "body" not in errors:
        errors["body"] = "请填写内容"
    for key, value, label in (("shown_from", data.shown_from, "展示开始日期"),
                              ("shown_until", data.shown_until, "展示结束日期")):
        if value is not None and not isinstance(value, date):
            errors[key] = f"{label}不是有效的日期"
        elif problem := validation.date_error(value, label):
            errors[key] = problem
    if data.shown_from is None:
        errors["shown_from"] = "请填写展示开始日期"
    if "shown_from" not in errors and "shown_until" not in errors \
            and data.shown_until is not None and data.shown_from is not None \
            and data.shown_until < data.shown_from:
        errors["shown_until"] = "展示结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    return NoticeInput(title, body, data.shown_from, data.shown_until)


def save_notice(session: Session, notice_id: int | None, data: NoticeInput) -> int:
    """Add a notice (``notice_id`` None) or change one; its id."""
    auth.require(session, "settings.manage")
    data = checked(data)
    assert data.shown_from is not None  # checked
    if notice_id is None:
        row = Notice(title=data.title, body=data.body, shown_from=data.shown_from,
                     shown_until=data.shown_until)
        session.add(row)
    else:
        row = existing(session, Notice, notice_id, "该公告不存在或已被删除")
        row.title, row.body = data.title, data.body
        row.shown_from, row.shown_until = data.shown_from, data.shown_until
    session.flush()
    return row.id


def delete_notice(session: Session, notice_id: int) -> None:
    """Remove a notice (the audit log keeps what it said)."""
    auth.require(session, "settings.manage")
    session.delete(existing(session, Notice, notice_id, "该公告不存在或已被删除"))
    session.flush()
