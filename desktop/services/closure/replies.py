"""回复 and 评价: a matter (a visit and all its referrals) closed by the reply, then rated.

A reply is refused while a referral of the visit is still open, with a date in the
future or before the visit. A rating comes only after the reply; a 不满意 or
非常不满意 opens a 整改 (rectification) due in 15 working days, followed up with notes
and closed when the resident is asked again (the re-rating). The rating pad at the
window (:data:`desktop.services.admin.auth.RATING_PAD_ACTOR`) rates the service of one
ticket as it is finished (一次一评), against that ticket and the member of staff who
served it: no reply needed, and not the matter's own rating.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.db import Database
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
# How long after its ticket was finished the pad may still rate it.
PAD_WINDOW = timedelta(minutes=10)
# The referral states of a matter still being handled (services/reception/queue/states.py ACTIVE).
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


def _rating_errors(errors: dict[str, str], level: str, rated_at: datetime,
                   now: datetime) -> None:
    if level not in LEVELS:
        errors["level"] = "请选择评价等级"
    problem = validation.date_error(rated_at, "评价时间")
    if problem:
        errors["rated_at"] = problem
    elif rated_at > now:
        errors["rated_at"] = "评价时间不能晚于现在"


def _open_for(session: Session, rating: VisitRating) -> None:
    """A 不满意 or 非常不满意 opens a 整改 due in 15 working days.

    While one is open for the matter a second complaint (from the pad) is added to it
    as a note instead: one 整改 per matter at a time, closed by the re-rating.
    """
    if rating.level not in UNSATISFIED:
        return
    current = open_rectification(session, rating.visit_id)
    if current is not None:
        session.add(RectificationNote(
            rectification_id=current.id, at=rating.rated_at, staff_id=None,
            text=f"窗口评价器又收到“{rating.level}”评价（{rating.rated_at:%Y-%m-%d %H:%M}）"))
        return
    due = Calendar.load(session).add_working_days(rating.rated_at.date(), RECTIFICATION_DAYS)
    session.add(Rectification(visit_id=rating.visit_id, rating_id=rating.id,
                              opened_at=rating.rated_at, due_date=due, status="open"))


def record_rating(session: Session, visit_id: int, level: str, channel: str, *,
                  comment: str = "", rated_at: datetime | None = None,
                  now: datetime | None = None) -> int:
    """The resident's rating of the matter; a re-rating when a 整改 of it is open.

    Staff record it with ``closure.rate``; the rating pad (``rating.pad``) records the
    resident's own touch, always as 窗口评价器 and with nobody named. Only the matter's
    ratings (without a ticket) count for "already rated": the pad's ratings of one
    ticket's service (:func:`pad_rating`) do not.
    """
    actor = auth.require_any(session, "closure.rate", "rating.pad")
    pad = not actor.may("closure.rate")
    if pad:
        channel = PAD_CHANNEL
    now = now or _now()
    rated_at = (rated_at or now).replace(microsecond=0)
    errors: dict[str, str] = {}
    comment = clean_argument(errors, "comment", comment, COMMENT)
    _rating_errors(errors, level, rated_at, now)
    if channel not in CHANNELS:
        errors["channel"] = "请选择评价方式（窗口评价器、电话回访或当面）"
    _visit(session, visit_id)
    reply = session.scalar(select(VisitReply).where(VisitReply.visit_id == visit_id))
    if reply is None:
        errors["visit"] = "该事项尚未回复群众，回复后才能评价"
    elif "rated_at" not in errors and rated_at < reply.replied_at:
        errors["rated_at"] = f"评价时间不能早于回复时间（{reply.replied_at:%Y-%m-%d %H:%M}）"
    rectification = open_rectification(session, visit_id)
    # The matter's own ratings: the pad's ratings of single tickets do not count here.
    rated = session.scalar(select(VisitRating.id).where(
        VisitRating.visit_id == visit_id, VisitRating.referral_id.is_(None)).limit(1))
    if rectification is None and rated:
        errors["visit"] = "该事项已经评价过；只有整改后才能再次征求群众评价"
    if errors:
        raise ValidationError(errors)
    rating = VisitRating(visit_id=visit_id, level=level, channel=channel, rated_at=rated_at,
                         recorded_by_id=None if pad else actor.staff_id,
                         comment=comment or None,
                         # After a 整改 the pad opened, the first rating is still the first.
                         rerating=rectification is not None and rated is not None)
    session.add(rating)
    session.flush()
    if rectification is not None:
        rectification.status = "closed"
        rectification.closed_at = rated_at
        rectification.closing_rating_id = rating.id
    _open_for(session, rating)
    session.flush()
    return rating.id


def pad_rating(session: Session, referral_id: int, level: str, *, comment: str = "",
               now: datetime | None = None) -> int:
    """The rating pad beside a window or room: the resident rates the service of the
    ticket just finished there (一次一评), recorded against the ticket and the member of
    staff who served it. Only the pad may call it.

    Refused for a ticket not finished, finished more than
    :data:`PAD_WINDOW` ago, or already rated on the pad. It needs no reply and is not
    the matter's rating; a 不满意 or 非常不满意 opens a 整改 like any other.
    """
    auth.require(session, "rating.pad")
    now = (now or _now()).replace(microsecond=0)
    errors: dict[str, str] = {}
    comment = clean_argument(errors, "comment", comment, COMMENT)
    _rating_errors(errors, level, now, now)
    referral = session.scalar(
        select(Referral).where(Referral.id == referral_id).with_for_update()
    ) if validation.valid_id(referral_id) else None
    if referral is None:
        raise NotFoundError("该排队号不存在")
    visit = _visit(session, referral.visit_id)
    if referral.status != "done" or referral.finished_at is None:
        errors["referral"] = "该排队号尚未办结，办结后才能评价"
    elif referral.finished_at < now - PAD_WINDOW:
        errors["referral"] = (f"该排队号办结已超过 {PAD_WINDOW.seconds // 60} 分钟，"
                              "不能再在评价器上评价")
    elif session.scalar(select(VisitRating.id).where(
            VisitRating.referral_id == referral.id).limit(1)):
        errors["referral"] = "该排队号已经评价过"
    if errors:
        raise ValidationError(errors)
    rating = VisitRating(visit_id=visit.id, level=level, channel=PAD_CHANNEL, rated_at=now,
                         recorded_by_id=None, comment=comment or None, rerating=False,
                         referral_id=referral.id, staff_id=referral.handled_by_id)
    session.add(rating)
    session.flush()
    _open_for(session, rating)
    session.flush()
    return rating.id


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


# -- each in a write of its own (the 回复评价 page's dialogs) ---------------------------------

def reply(database: Database, visit_id: int, method: str, content: str, *,
          replied_at: datetime | None = None) -> int:
    """:func:`record_reply`, committed on its own."""
    with database.write() as session:
        return record_reply(session, visit_id, method, content, replied_at=replied_at)


def rate(database: Database, visit_id: int, level: str, channel: str, *, comment: str = "",
         rated_at: datetime | None = None) -> int:
    """:func:`record_rating`, committed on its own."""
    with database.write() as session:
        return record_rating(session, visit_id, level, channel, comment=comment,
                             rated_at=rated_at)


def note(database: Database, rectification_id: int, text: str) -> int:
    """:func:`add_rectification_note`, committed on its own."""
    with database.write() as session:
        return add_rectification_note(session, rectification_id, text)
