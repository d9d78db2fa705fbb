"""The rating pad's look-ups (``closure/pad``): the room it stands beside by code, name or
id, with the centre's name; the ticket it offers (the room's latest finished, to the
second of its minute, never one the resident left, one not done or one rated)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.db import Database
from desktop.models import Room
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings, save_settings
from desktop.services.closure import pad, replies
from desktop.services.errors import NotFoundError
from tests.rating_pad_helpers import add_staff, served
from tests.reception_helpers import room_ids, set_referral

NOW = datetime(2026, 12, 2, 10, 0)


def _offered(database: Database, room: str = "矛盾纠纷调解室", *,
             now: datetime = NOW) -> pad.PadTicket | None:
    admin, database.actor = database.actor, auth.RATING_PAD_ACTOR
    try:
        with database.read() as session:
            return pad.ticket_to_rate(session, room_ids(database)[room], now=now)
    finally:
        database.actor = admin


def test_the_pad_s_room_carries_its_code_place_and_the_centre_s_name(
        database: Database) -> None:
    with database.write() as session:
        settings = load_settings(session)
        settings.centre_name = "东林街道综治中心"
        save_settings(session, settings, ["centre_name"])
        session.get_one(Room, room_ids(database)["关爱工作室"]).location = None
    admin, database.actor = database.actor, auth.RATING_PAD_ACTOR
    try:
        with database.read() as session:
            room = pad.pad_room(session, " mediation ")
            assert room == pad.PadRoom(room_ids(database)["矛盾纠纷调解室"], "mediation",
                                       "矛盾纠纷调解室", "一楼东侧", "东林街道综治中心")
            assert pad.pad_room(session, " 矛盾纠纷调解室") == room
            assert pad.pad_room(session, room.id) == room
            care = pad.pad_room(session, "关爱工作室")
            assert (care.code, care.location) == ("care", "")
            for wrong in (0, -1, 2 ** 70, "nowhere"):
                with pytest.raises(NotFoundError, match=rf"^科室“{wrong}”不存在或已停用$"):
                    pad.pad_room(session, wrong)
    finally:
        database.actor = admin


def test_a_room_switched_off_has_no_pad(database: Database) -> None:
    with database.write() as session:
        session.get_one(Room, room_ids(database)["关爱工作室"]).active = False
    admin, database.actor = database.actor, auth.RATING_PAD_ACTOR
    try:
        with database.read() as session, pytest.raises(
                NotFoundError, match=r"^科室“care”不存在或已停用$"):
            pad.pad_room(session, "care")
    finally:
        database.actor = admin


def test_the_latest_ticket_is_offered_to_the_last_second_of_its_minute(
        database: Database) -> None:
    chen = add_staff(database)
    first = served(database, 1, chen, finished=NOW - timedelta(seconds=30))
    second = served(database, 2, chen, finished=NOW - timedelta(seconds=30))
    ticket = _offered(database)
    assert ticket == pad.PadTicket(second.referral_id, "调-002", "矛盾纠纷调解室", "陈秀兰",
                                   NOW - timedelta(seconds=30))  # the same second: the later
    set_referral(database, second.referral_id, finished_at=NOW - timedelta(seconds=40))
    assert _offered(database).referral_id == first.referral_id  # type: ignore[union-attr]
    # Exactly a minute: still offered, whatever the fraction of the second it is now.
    assert _offered(database, now=NOW + timedelta(seconds=30, microseconds=900_000)
                    ).referral_id == first.referral_id  # type: ignore[union-attr]
    assert _offered(database, now=NOW + timedelta(seconds=31)) is None


def test_no_ticket_the_resident_left_not_done_or_rated_is_offered(database: Database) -> None:
    chen = add_staff(database)
    left = served(database, 1, chen, finished=NOW - timedelta(seconds=5))
    set_referral(database, left.referral_id, result="left")
    assert _offered(database) is None
    set_referral(database, left.referral_id, result="resolved", status="no_show")
    assert _offered(database) is None
    set_referral(database, left.referral_id, status="done", handled_by_id=None)
    ticket = _offered(database)
    assert ticket is not None and ticket.staff_name == ""
    admin, database.actor = database.actor, auth.RATING_PAD_ACTOR
    try:
        with database.write() as session:
            replies.pad_rating(session, left.referral_id, "满意", now=NOW)
    finally:
        database.actor = admin
    assert _offered(database) is None
