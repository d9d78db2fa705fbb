"""Visits routed to the 警民联络室 that no hand-over took up yet, and the hand-over each
one starts as."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from desktop.models import PoliceHandover, Referral, Visit
from desktop.services import routing
from desktop.services.admin import auth
from desktop.services.police import POLICE_ROOM
from desktop.services.police.handovers import REPLY_DAYS, HandoverInput
from desktop.services.routing import RoutedVisit
from desktop.services.validation import existing

OPEN_REFERRAL_STATES = ["waiting", "called", "serving", "on_hold"]
PENDING_DAYS = 30


def _taken_up() -> ColumnElement[bool]:
    return exists(select(PoliceHandover.id).where(PoliceHandover.referral_id == Referral.id))


def routed_visits(session: Session, *, limit: int = 200,
                  today: date | None = None) -> list[RoutedVisit]:
    """Visits routed to the 警民联络室 whose ticket no hand-over took up, newest first.

    Open tickets always; tickets the room finished in the last ``PENDING_DAYS`` days too.
    """
    auth.require(session, "police.read")
    since = (today or date.today()) - timedelta(days=PENDING_DAYS)
    stmt = (routing.routed_select(POLICE_ROOM, ~_taken_up(),
                                  routing.waiting_or_recent(OPEN_REFERRAL_STATES, since))
            # A visit sent to the room again waits with both tickets, the latest first.
            .order_by(Visit.visited_at.desc(), Visit.id.desc(), Referral.id.desc())
            .limit(limit))
    return routing.routed_list(session, stmt)


def draft_from_visit(session: Session, visit_id: int, *,
                     now: datetime | None = None) -> HandoverInput:
    """A hand-over to the police as the routed visit already tells it."""
    auth.require(session, "police.read")
    visit = existing(session, Visit, visit_id, "没有找到该来访登记")
    referral = routing.room_referral(session, visit.id, POLICE_ROOM)
    hidden = routing.summary_hidden(session, visit.id)
    handed = (now or datetime.now()).replace(second=0, microsecond=0)
    return HandoverInput(
        kind="移交派出所", matter="" if hidden else visit.summary, handed_at=handed,
        station="", officer_name="", officer_phone="", person_name=visit.person.name,
        person_phone=visit.person.phone or "",
        reply_due=handed.date() + timedelta(days=REPLY_DAYS),
        visit_id=visit.id, referral_id=referral.id if referral else None,
    )
