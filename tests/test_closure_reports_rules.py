"""回复评价's monthly figures (``closure/reports.closure_counts``): which visits of the
month count, replies, first ratings and how many were satisfied, and the matters replied
late or still unreplied past their time limit, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Referral
from desktop.services.admin import auth, deletion
from desktop.services.closure import replies, reports
from desktop.services.closure.reports import ClosureCounts
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from tests.closure_helpers import NOW, finished_matter, only_limits, record_rating, record_reply
from tests.rating_pad_helpers import add_staff, served
from tests.reception_helpers import register, room_ids

NOVEMBER = Period.month(2026, 11)
TODAY = NOW.date()


def _counts(database: Database, period: Period = NOVEMBER, *,
            today: date = TODAY) -> ClosureCounts:
    with database.read() as session:
        return reports.closure_counts(session, period, today=today)


def test_an_empty_month_counts_nothing(database: Database) -> None:
    finished_matter(database, 1, at=datetime(2026, 10, 30, 9, 0))
    assert _counts(database, Period.month(2026, 1)) == ClosureCounts(0, 0, 0, 0, 0)


def test_the_month_s_visits_replies_first_ratings_and_late_matters(database: Database) -> None:
    only_limits(database, 邻里=3)
    on_time = finished_matter(database, 1, at=datetime(2026, 11, 2, 9, 0))  # due 11-05
    record_reply(database, on_time.visit_id, replied_at=datetime(2026, 11, 5, 17, 0))
    record_rating(database, on_time.visit_id, "满意", rated_at=datetime(2026, 11, 6, 9, 0))
    late = finished_matter(database, 2, at=datetime(2026, 11, 2, 9, 0))
    record_reply(database, late.visit_id, replied_at=datetime(2026, 11, 6, 9, 0))
    record_rating(database, late.visit_id, "不满意", rated_at=datetime(2026, 11, 7, 9, 0))
    # The re-rating after the 整改 is not a second rating of the month.
    record_rating(database, late.visit_id, "满意", rated_at=datetime(2026, 11, 20, 9, 0))
    finished_matter(database, 3, at=datetime(2026, 11, 2, 9, 0), category="其他")  # no limit
    finished_matter(database, 4, at=datetime(2026, 11, 25, 9, 0))  # due 11-30, unreplied
    finished_matter(database, 5, at=datetime(2026, 10, 30, 9, 0))  # October's
    removed = finished_matter(database, 6, at=datetime(2026, 11, 3, 9, 0))
    record_reply(database, removed.visit_id, replied_at=datetime(2026, 11, 20, 9, 0))
    record_rating(database, removed.visit_id, "满意", rated_at=datetime(2026, 11, 21, 9, 0))
    deletion.delete_visit(database, removed.visit_id, "重复登记", now=NOW)
    assert _counts(database) == ClosureCounts(4, 2, 2, 1, 2)
    # On the day it fell due, the unreplied matter is not late yet.
    assert _counts(database, today=date(2026, 11, 30)).overdue == 1
    assert _counts(database, Period.month(2026, 10)) == ClosureCounts(1, 0, 0, 0, 1)


def test_a_month_runs_from_its_first_minute_to_the_last_before_the_next(
        database: Database) -> None:
    finished_matter(database, 1, at=datetime(2026, 11, 1, 0, 0))
    finished_matter(database, 2, at=datetime(2026, 12, 1, 0, 0))
    assert _counts(database).visits == 1
    assert _counts(database, Period.month(2026, 12)).visits == 1


def test_satisfaction_counts_a_matter_for_each_of_its_tickets_and_a_pad_for_its_own(
        database: Database) -> None:
    chen = add_staff(database)
    wang = add_staff(database, "王志刚", "room_staff", "关爱工作室")
    rated_at = datetime(2026, 11, 20, 10, 0)
    both = served(database, 1, chen, finished=datetime(2026, 11, 20, 9, 0))
    queue.route_again(database, both.visit_id, room_ids(database)["关爱工作室"], "另需帮扶",
                      now=datetime(2026, 11, 20, 9, 1))
    with database.read() as session:
        care = session.scalars(select(Referral.id).where(
            Referral.visit_id == both.visit_id, Referral.id != both.referral_id)).one()
    queue.start(database, care, staff_id=wang, now=datetime(2026, 11, 20, 9, 2))
    queue.finish(database, care, "resolved", staff_id=wang, now=datetime(2026, 11, 20, 9, 3))
    record_reply(database, both.visit_id, replied_at=rated_at, now=rated_at)
    record_rating(database, both.visit_id, "满意", rated_at=rated_at, now=rated_at)
    padded = served(database, 2, chen, finished=datetime(2026, 11, 21, 9, 0))
    admin, database.actor = database.actor, auth.RATING_PAD_ACTOR
    with database.write() as session:
        replies.pad_rating(session, padded.referral_id, "不满意",
                           now=datetime(2026, 11, 21, 9, 0, 30))
    database.actor = admin
    register(database, 9, room="警民联络室", category="治安求助")  # a room nobody rated
    october = served(database, 3, chen, finished=datetime(2026, 10, 20, 9, 0))
    record_reply(database, october.visit_id, replied_at=datetime(2026, 10, 20, 10, 0))
    record_rating(database, october.visit_id, "不满意", rated_at=datetime(2026, 10, 30, 9, 0))
    with database.read() as session:
        by_room = reports.satisfaction_by_room(session, NOVEMBER)
        by_staff = reports.satisfaction_by_staff(session, NOVEMBER)
    assert by_room == {"矛盾纠纷调解室": (2, 1), "关爱工作室": (1, 1)}
    assert by_staff == {"陈秀兰": (2, 1), "王志刚": (1, 1)}
    deletion.delete_visit(database, both.visit_id, "重复登记", now=NOW)
    with database.read() as session:
        assert reports.satisfaction_by_room(session, NOVEMBER) == {"矛盾纠纷调解室": (1, 0)}


def test_the_month_of_a_day_and_names_in_their_first_order() -> None:
    assert reports.month_period(date(2024, 2, 10)) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert reports.month_period(date(2026, 12, 31)) == Period(date(2026, 12, 1),
                                                              date(2026, 12, 31))
    assert reports.ordered(["调解室", "窗口"], [], ["窗口", "关爱室", "调解室"]) == [
        "调解室", "窗口", "关爱室"]
