"""Shared set-up for the reception and queue tests: rooms, categories, a quick registration,
the queue page's open dialog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Community, Referral, Staff, Visit
from desktop.services import reference
from desktop.services.admin import auth
from desktop.services.reception import kiosk, queue
from desktop.services.reception.registration import Registration, RegistrationInput, register_visit
from desktop.views.reception.action_dialog import ActionDialog
from desktop.views.reception.queue_page import QueuePage
from tests.factories import id_number


def room_ids(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {r.name: r.id for r in reference.rooms(session)}


def category_ids(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {c.name: c.id for c in reference.categories(session)}


def kiosk_ticket(database: Database, category: str | int = "邻里",
                 **kw: object) -> kiosk.KioskTicketData:
    """A number taken at the self-service kiosk (signed in as the kiosk for the call)."""
    ident = category_ids(database)[category] if isinstance(category, str) else category
    before = database.actor
    database.actor = auth.KIOSK_ACTOR
    try:
        return kiosk.take_ticket(database, ident, **kw)  # type: ignore[arg-type]
    finally:
        database.actor = before


def add_community(database: Database, name: str) -> int:
    """A community in use, by name; its id."""
    with database.write() as session:
        community = Community(name=name, active=True)
        session.add(community)
        session.flush()
        return community.id


def register(
    database: Database, n: int = 1, *, room: str = "矛盾纠纷调解室", category: str = "邻里",
    now: datetime | None = None, **changes: object,
) -> Registration:
    values: dict[str, object] = dict(
        name=f"测试{n}号", id_number=id_number(n), phone=f"139{n:08d}",
        summary="楼上装修噪音扰民", room_id=room_ids(database)[room],
        category_id=category_ids(database)[category],
    )
    values.update(changes)
    return register_visit(database, RegistrationInput(**values), now=now)  # type: ignore[arg-type]


def referral(database: Database, referral_id: int) -> Referral:
    """The ticket as stored now."""
    with database.read() as session:
        row = session.get(Referral, referral_id)
        assert row is not None
        return row


def add_staff(database: Database, name: str = "王志刚") -> int:
    """A member of staff on record (a mediator, with no account); the id."""
    with database.write() as session:
        row = Staff(name=name, role="mediator", active=True)
        session.add(row)
        session.flush()
        return row.id


def person_of(database: Database, visit_id: int) -> int:
    """The id of the resident a visit is registered to."""
    with database.read() as session:
        person_id = session.scalar(select(Visit.person_id).where(Visit.id == visit_id))
        assert person_id is not None
        return person_id


def set_referral(database: Database, referral_id: int, **values: object) -> None:
    """Put a ticket in a state straight in the database (``status="done"``, a time)."""
    with database.write() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        for key, value in values.items():
            setattr(referral, key, value)


def tickets_in_every_state(database: Database, visit: Callable[..., Registration],
                           pending_days: int, now: datetime) -> list[int]:
    """One room's visits (``visit(database, n, now=...)``) with tickets in every state; the
    ids of those that wait to be taken up, newest first: open ones however old, one the room
    finished ``pending_days`` ago. A day older, a no-show and a transfer do not wait."""
    waiting = []
    for n, (days, status) in enumerate([(0, "waiting"), (1, "called"), (2, "serving"),
                                        (400, "on_hold"), (pending_days, "done")], start=10):
        registered = visit(database, n, now=now - timedelta(days=days, minutes=n))
        set_referral(database, registered.referral_id, status=status)
        waiting.append(registered.visit_id)
    for n, (days, status) in enumerate([(pending_days + 1, "done"), (3, "no_show"),
                                        (4, "transferred")], start=20):
        registered = visit(database, n, now=now - timedelta(days=days))
        set_referral(database, registered.referral_id, status=status)
    return [waiting[0], waiting[1], waiting[2], waiting[4], waiting[3]]


def sent_again(database: Database, registered: Registration, room: str,
               now: datetime) -> int:
    """The room serves the visit's ticket and the desk sends the visit to it once more;
    the new ticket's id."""
    queue.start(database, registered.referral_id, now=now)
    queue.finish(database, registered.referral_id, "resolved", now=now + timedelta(minutes=1))
    queue.route_again(database, registered.visit_id, room_ids(database)[room], "再次办理",
                      now=now + timedelta(minutes=2))
    with database.read() as session:
        return max(session.scalars(select(Referral.id).where(
            Referral.visit_id == registered.visit_id)))


def ticket_status(database: Database, referral_id: int) -> str:
    """The state of the ticket as saved now."""
    with database.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        return referral.status


def queue_dialog(page: QueuePage) -> ActionDialog:
    """The action dialog (finish, hold, transfer, ...) the queue page has open."""
    dialog = page.active_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog
