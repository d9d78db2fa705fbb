"""回复 and 评价: a matter (a visit and all its referrals) closed by the reply, then rated.

A reply is refused while a referral of the visit is still open, with a date in the
future or before the visit. A rating comes only after the reply; a 不满意 or
非常不满意 opens a 整改 (rectification) due in 15 working days, followed up with notes
and closed when the resident is asked again (the re-rating). The rating pad at the
window (:data:`desktop.services.admin.auth.RATING_PAD_ACTOR`) records ratings as the
resident gives them, with nobody from the staff named.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    Rectification,
    RectificationNote,
    Referral,
    Visit,
    VisitRating,
    VisitReply,
)
from desktop.services import validation
from desktop.services.admin import auth
from desktop.services.closure.workdays import Calendar
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.validation import TextField, clean_argument

METHODS = ("当面", "电话", "短信", "书面")
LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
SATISFIED = frozenset(LEVELS[:3])
UNSATISFIED = frozenset(LEVELS[3:])
PAD_CHANNEL = "窗口评价器"
CHANNELS = (PAD_CHANNEL, "电话回访", "当面")
RECTIFICATION_DAYS = 15
# The referral states of a matter still being handled (services/reception/queue.py ACTIVE).
OPEN_STATES = ("waiting", "called", "serving", "on_hold")
CONTENT = TextField(VisitReply.content, "回复内容")
NOTE = TextField(RectificationNote.text, "整改情况")
COMMENT = TextField(VisitRating.comment, "群众意见")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _visit(session: Session, visit_id: int) -> Visit:
    visit = validation.existing(session, Visit, visit_id, "该来访登记不存在")
    if visit.deleted_at is not None:
        raise NotFoundError("该来访登记已删除")
    return visit


def open_referrals(session: Session, visit_id: int) -> int:
    return len(session.scalars(select(Referral.id).where(
        Referral.visit_id == visit_id, Referral.status.in_(OPEN_STATES))).all())


def record_reply(session: Session, visit_id: int, method: str, content: str, *,
                 replied_at: datetime | None = None, now: datetime | None = None) -> int:
    """Record (or correct) the reply to the resident; the signed-in account replied."""
    actor = auth.require(session, "closure.reply")
    now = now or _now()
    replied_at = (replied_at or now).replace(microsecond=0)
    errors: dict[str, str] = {}
    content = clean_argument(errors, "content", content, CONTENT)
    if method not in METHODS:
        errors["method"] = "请选择回复方式（当面、电话、短信或书面）"
    if not content and "content" not in errors:
        errors["content"] = "请填写回复内容（告知群众的办理结果）"
    problem = validation.date_error(replied_at, "回复时间")
    if problem:
        errors["replied_at"] = problem
    elif replied_at > now:
        errors["replied_at"] = "回复时间不能晚于现在"
    visit = _visit(session, visit_id)
    if "replied_at" not in errors and replied_at < visit.visited_at.replace(microsecond=0):
        errors["replied_at"] = f"回复时间不能早于来访时间（{visit.visited_at:%Y-%m-%d %H:%M}）"
    still_open = open_referrals(session, visit_id)
    if still_open:
        errors["visit"] = (f"该事项还有 {still_open} 张分流单未办结（等候、叫号、接待中或暂缓），"
                           "办结后才能回复")
    if errors:
        raise ValidationError(errors)
    reply = session.scalar(select(VisitReply).where(VisitReply.visit_id == visit_id))
    if reply is None:
        reply = VisitReply(visit_id=visit_id)
        session.add(reply)
    reply.method = method
    reply.replied_at = replied_at
    reply.content = content
    reply.replied_by_id = actor.staff_id
    session.flush()
    return reply.id


def open_rectification(session: Session, visit_id: int) -> Rectification | None:
    return session.scalar(select(Rectification).where(
        Rectification.visit_id == visit_id, Rectification.status == "open"))


def record_rating(session: Session, visit_id: int, level: str, channel: str, *,
                  comment: str = "", rated_at: datetime | None = None,
                  now: datetime | None = None) -> int:
    """The resident's rating of the matter; a re-rating when a 整改 of it is open.

    Staff record it with ``closure.rate``; the rating pad (``rating.pad``) records the
    resident's own touch, always as 窗口评价器 and with nobody named.
    """
    actor = auth.require_any(session, "closure.rate", "rating.pad")
    pad = not actor.may("closure.rate")
    if pad:
        channel = PAD_CHANNEL
    now = now or _now()
    rated_at = (rated_at or now).replace(microsecond=0)
    errors: dict[str, str] = {}
    comment = clean_argument(errors, "comment", comment, COMMENT)
    if level not in LEVELS:
        errors["level"] = "请选择评价等级"
    if channel not in CHANNELS:
        errors["channel"] = "请选择评价方式（窗口评价器、电话回访或当面）"
    problem = validation.date_error(rated_at, "评价时间")
    if problem:
        errors["rated_at"] = problem
    elif rated_at > now:
        errors["rated_at"] = "评价时间不能晚于现在"
    _visit(session, visit_id)
    reply = session.scalar(select(VisitReply).where(VisitReply.visit_id == visit_id))
    if reply is None:
        errors["visit"] = "该事项尚未回复群众，回复后才能评价"
    elif "rated_at" not in errors and rated_at < reply.replied_at:
        errors["rated_at"] = f"评价时间不能早于回复时间（{reply.replied_at:%Y-%m-%d %H:%M}）"
    rectification = open_rectification(session, visit_id)
    if rectification is None and session.scalar(
            select(VisitRating.id).where(VisitRating.visit_id == visit_id).limit(1)):
        errors["visit"] = "该事项已经评价过；只有整改后才能再次征求群众评价"
    if errors:
        raise ValidationError(errors)
    rating = VisitRating(visit_id=visit_id, level=level, channel=channel, rated_at=rated_at,
                         recorded_by_id=None if pad else actor.staff_id,
                         comment=comment or None, rerating=rectification is not None)
    session.add(rating)
    session.flush()
    if rectification is not None:
        rectification.status = "closed"
        rectification.closed_at = rated_at
        rectification.closing_rating_id = rating.id
    if level in UNSATISFIED:
        due = Calendar.load(session).add_working_days(rated_at.date(), RECTIFICATION_DAYS)
        session.add(Rectification(visit_id=visit_id, rating_id=rating.id, opened_at=rated_at,
                                  due_date=due, status="open"))
    session.flush()
    return rating.id


def pad_rating(session: Session, visit_id: int, level: str, *, comment: str = "",
               now: datetime | None = None) -> int:
    """The rating pad at the window: the resident's own touch (only the pad may call it)."""
    auth.require(session, "rating.pad")
    return record_rating(session, visit_id, level, PAD_CHANNEL, comment=comment, now=now)


def add_rectification_note(session: Session, rectification_id: int, text: str, *,
                           now: datetime | None = None) -> int:
    """One follow-up of an open 整改 (what was done about the resident's complaint)."""
    actor = auth.require(session, "closure.rate")
    errors: dict[str, str] = {}
    text = clean_argument(errors, "text", text, NOTE)
    if not text and "text" not in errors:
        errors["text"] = "请填写整改情况"
    rectification = validation.existing(session, Rectification, rectification_id,
                                        "该整改不存在")
    if rectification.status != "open":
        errors["rectification"] = "该整改已经结束（群众已再次评价），不能再添加记录"
    if errors:
        raise ValidationError(errors)
    note = RectificationNote(rectification_id=rectification_id, at=now or _now(),
                             staff_id=actor.staff_id, text=text)
    session.add(note)
    session.flush()
    return note.id
