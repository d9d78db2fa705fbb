"""回复 and 评价: the rules of the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, Category, Rectification, VisitRating, VisitReply
from desktop.services.admin import auth
from desktop.services.closure import lists, replies, workdays
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.reception import queue
from tests.closure_helpers import NOW, VISITED, finished_matter, record_rating, record_reply
from tests.reception_helpers import register


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    return info.value.errors


def test_a_reply_closes_the_matter_and_a_correction_is_an_audited_edit(
        database: Database) -> None:
    reg = finished_matter(database)
    with database.read() as session:
        assert [r.visit_id for r in lists.pending_replies(session, today=NOW.date())] \
            == [reg.visit_id]
    first = record_reply(database, reg.visit_id)
    again = record_reply(database, reg.visit_id, method="书面", content="书面告知")
    assert again == first
    with database.read() as session:
        reply = session.scalar(select(VisitReply))
        assert reply is not None and (reply.method, reply.content) == ("书面", "书面告知")
        assert reply.replied_by_id == database.actor.staff_id  # type: ignore[union-attr]
        assert lists.pending_replies(session, today=NOW.date()) == []
        assert [r.visit_id for r in lists.pending_ratings(session)] == [reg.visit_id]
        changes = session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "visit_reply")).all()
        assert {c.action for c in changes} == {"create", "change"}


def test_no_reply_while_a_ticket_of_the_matter_is_open(database: Database) -> None:
    reg = register(database, 2, now=VISITED)
    errors = _errors(lambda: record_reply(database, reg.visit_id))
    assert "未办结" in errors["visit"]
    with database.read() as session:
        assert session.scalar(select(VisitReply)) is None


def test_no_reply_dated_in_the_future_or_before_the_visit(database: Database) -> None:
    reg = finished_matter(database)
    errors = _errors(lambda: record_reply(database, reg.visit_id,
                                          replied_at=NOW + timedelta(hours=1)))
    assert "晚于现在" in errors["replied_at"]
    errors = _errors(lambda: record_reply(database, reg.visit_id,
                                    replied_at=VISITED - timedelta(minutes=5)))
    assert "早于来访时间" in errors["replied_at"]


def test_a_reply_needs_a_method_and_what_was_said(database: Database) -> None:
    reg = finished_matter(database)
    errors = _errors(lambda: record_reply(database, reg.visit_id, method="微信", content="  "))
    assert set(errors) == {"method", "content"}


def test_the_leader_may_not_reply(database: Database) -> None:
    reg = finished_matter(database)
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    with pytest.raises(PermissionDenied):
        record_reply(database, reg.visit_id)


def test_no_rating_before_the_reply(database: Database) -> None:
    reg = finished_matter(database)
    assert "尚未回复" in _errors(lambda: record_rating(database, reg.visit_id))["visit"]


def test_a_rating_needs_a_level_and_a_channel_and_not_a_second_time(database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    assert set(_errors(lambda: record_rating(database, reg.visit_id, "还行", channel="微信"))) \
        == {"level", "channel"}
    assert "晚于现在" in _errors(lambda: record_rating(database, reg.visit_id,
                                            rated_at=NOW + timedelta(minutes=1)))["rated_at"]
    record_rating(database, reg.visit_id, "非常满意")
    assert "已经评价过" in _errors(lambda: record_rating(database, reg.visit_id))["visit"]


def test_an_unsatisfied_rating_opens_a_rectification_closed_by_the_rerating(
        database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    record_rating(database, reg.visit_id, "不满意", comment="处理太慢")
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None and fix.status == "open"
        # 15 working days after Wednesday 2 December 2026: Wednesday 23 December.
        assert fix.due_date == date(2026, 12, 23)
        rows = lists.open_rectifications(session, today=date(2026, 12, 24))
        assert [(r.id, r.overdue) for r in rows] == [(fix.id, True)]
        assert lists.overdue_rectifications(session, today=date(2026, 12, 24)) == 1
        assert lists.pending_ratings(session)[0].rerating
        fix_id = fix.id
    with database.write() as session:
        replies.add_rectification_note(session, fix_id, "已督促调解员再次上门", now=NOW)
    assert "整改情况" in _errors(lambda: _note(database, fix_id, " "))["text"]
    record_rating(database, reg.visit_id, "满意")
    with database.read() as session:
        fix = session.get(Rectification, fix_id)
        assert fix is not None and fix.status == "closed"
        ratings = session.scalars(select(VisitRating).order_by(VisitRating.id)).all()
        assert [(r.level, r.rerating) for r in ratings] == [("不满意", False), ("满意", True)]
        assert fix.closing_rating_id == ratings[1].id
        assert lists.open_rectifications(session) == []
        assert lists.pending_ratings(session) == []
    assert "已经结束" in _errors(lambda: _note(database, fix_id, "再补一条"))["rectification"]


def _note(database: Database, fix_id: int, text: str) -> int:
    with database.write() as session:
        return replies.add_rectification_note(session, fix_id, text, now=NOW)


def test_the_rating_pad_records_with_nobody_named_and_nothing_else(database: Database) -> None:
    reg = register(database, 1, now=NOW - timedelta(minutes=30))
    queue.start(database, reg.referral_id, now=NOW - timedelta(minutes=10))
    queue.finish(database, reg.referral_id, "resolved", now=NOW - timedelta(minutes=1))
    # Staff may not use the pad's own function.
    with pytest.raises(PermissionDenied), database.write() as session:
        replies.pad_rating(session, reg.referral_id, "满意", now=NOW)
    admin = database.actor
    database.actor = auth.RATING_PAD_ACTOR
    with database.write() as session:
        replies.pad_rating(session, reg.referral_id, "满意", now=NOW)
    with database.read() as session:
        rating = session.scalar(select(VisitRating))
        assert rating is not None
        assert (rating.channel, rating.recorded_by_id) == ("窗口评价器", None)
        assert (rating.referral_id, rating.staff_id) == (reg.referral_id, admin.staff_id)
    with pytest.raises(PermissionDenied):
        record_reply(database, reg.visit_id)
    assert [p for p, roles in auth.MATRIX.items() if auth.RATING_PAD_ROLE in roles] \
        == ["rating.pad"]
    assert auth.RATING_PAD_ROLE not in auth.ALL_ROLES


def test_counselling_replies_are_masked_for_other_roles(database: Database) -> None:
    reg = finished_matter(database, 3, room="心理咨询室", category="心理疏导")
    record_reply(database, reg.visit_id, content="已转介精神卫生中心")
    admin = database.actor
    database.actor = auth.Actor(None, "接待员", frozenset({"receptionist"}))
    with database.read() as session:
        row = lists.pending_ratings(session)[0]
        assert row.content == "（心理咨询，内容保密）"
    database.actor = admin
    with database.read() as session:
        assert lists.pending_ratings(session)[0].content == "已转介精神卫生中心"


def test_the_time_limit_of_the_category_sets_the_due_date(database: Database) -> None:
    with database.write() as session:
        neighbours = session.scalar(select(Category).where(Category.name == "邻里"))
        assert neighbours is not None
        neighbours.time_limit_days = 3
    late = finished_matter(database, 4, at=datetime(2026, 11, 25, 9, 0))  # a Wednesday
    fresh = finished_matter(database, 5)
    with database.read() as session:
        rows = {r.visit_id: r for r in lists.pending_replies(session, today=NOW.date())}
        assert rows[late.visit_id].due == date(2026, 11, 30)
        assert rows[late.visit_id].overdue
        assert rows[fresh.visit_id].due == date(2026, 12, 3)
        assert not rows[fresh.visit_id].overdue
        assert lists.overdue_unreplied(session, today=NOW.date()) == 1
        assert lists.overdue_unreplied(session, today=date(2026, 12, 4)) == 2


def test_calendar_arithmetic_across_an_adjusted_weekend(database: Database) -> None:
    with database.write() as session:
        assert workdays.import_shipped(session, 2026) == 25
    with database.read() as session:
        # 国庆节 2026: 1-7 October off, Sunday 20 September and Saturday 10 October worked.
        assert workdays.is_working_day(session, date(2026, 10, 10))
        assert not workdays.is_working_day(session, date(2026, 10, 5))
        assert workdays.add_working_days(session, date(2026, 9, 30), 1) == date(2026, 10, 8)
        assert workdays.add_working_days(session, date(2026, 10, 8), 2) == date(2026, 10, 10)
        assert workdays.add_working_days(session, date(2026, 9, 18), 1) == date(2026, 9, 20)
        assert workdays.working_days_between(session, date(2026, 9, 30),
                                             date(2026, 10, 12)) == 4
        assert workdays.working_days_between(session, date(2026, 10, 12),
                                             date(2026, 9, 30)) == -4
        # 春节: 14 February (Saturday) worked, 15-23 off.
        assert workdays.add_working_days(session, date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_the_calendar_admin_rules(database: Database) -> None:
    def set_(day: date, kind: str) -> int:
        with database.write() as session:
            return workdays.set_exception(session, day, kind, "春节")

    assert "周末" in _errors(lambda: set_(date(2027, 2, 6), "休"))["kind"]
    assert "工作日" in _errors(lambda: set_(date(2027, 2, 8), "班"))["kind"]
    set_(date(2027, 2, 8), "休")
    with database.read() as session:
        assert [e.day for e in workdays.year_exceptions(session, 2027)] == [date(2027, 2, 8)]
        assert not workdays.is_working_day(session, date(2027, 2, 8))
    with database.write() as session:
        workdays.remove_exception(session, date(2027, 2, 8))
    with database.read() as session:
        assert workdays.is_working_day(session, date(2027, 2, 8))
    with database.write() as session:
        with pytest.raises(ValidationError):
            workdays.import_rows(session, 2027, [(date(2026, 2, 9), "休", "")])
        with pytest.raises(ValidationError):
            workdays.import_shipped(session, 2031)
    database.actor = auth.Actor(None, "接待员", frozenset({"receptionist"}))
    with pytest.raises(PermissionDenied):
        set_(date(2027, 2, 9), "休")


def test_the_admin_sets_a_categorys_time_limit_in_working_days(database: Database) -> None:
    from desktop.services.admin import dictionaries

    with database.read() as session:
        neighbours = next(e for e in dictionaries.categories(session) if e.name == "邻里")
    for wrong in ("三天", "0", "251", "-2"):
        with pytest.raises(ValidationError) as caught, database.write() as session:
            dictionaries.save_category(session, neighbours.id, "邻里", None, True, wrong)
        assert "服务时限" in caught.value.errors["time_limit_days"]
    with database.write() as session:
        dictionaries.save_category(session, neighbours.id, "邻里", None, True, " 15 ")
    with database.write() as session:  # an edit that does not name the limit keeps it
        dictionaries.save_category(session, neighbours.id, "邻里纠纷", None)
    with database.read() as session:
        kept = next(e for e in dictionaries.categories(session) if e.id == neighbours.id)
        assert kept.time_limit_days == 15
    with database.write() as session:
        dictionaries.save_category(session, neighbours.id, "邻里纠纷", None, True, "")
    with database.read() as session:
        kept = next(e for e in dictionaries.categories(session) if e.id == neighbours.id)
        assert kept.time_limit_days is None


def test_the_monthly_report_gives_reply_and_satisfaction_rates(database: Database) -> None:
    from desktop.exports.monthly import report_sheets
    from desktop.services.registers.monthly import monthly_report
    from desktop.services.registers.rows import Period

    with database.write() as session:
        neighbours = session.scalar(select(Category).where(Category.name == "邻里"))
        assert neighbours is not None
        neighbours.time_limit_days = 1
    matters = [finished_matter(database, n, at=datetime(2026, 11, 2 + n, 9, 0))
               for n in range(1, 5)]
    for reg in matters[:3]:
        record_reply(database, reg.visit_id)
    for reg, level in zip(matters[:3], ("非常满意", "基本满意", "不满意"), strict=True):
        record_rating(database, reg.visit_id, level)
    with database.read() as session:
        report = monthly_report(session, Period.month(2026, 11))
        december = monthly_report(session, Period.month(2026, 12))
    assert report.figure("回复率（%）").value == 75.0
    # Replied on 2 December: every November matter of a one-day limit is late.
    assert report.figure("超过服务时限（件）").value == 4
    # The ratings were given in December.
    assert report.figure("群众满意率（%）").value is None
    assert december.figure("群众满意率（%）").value == 66.7
    rooms = december.breakdown("群众满意率按科室（%）")
    assert [(f.label, f.value) for f in rooms.figures] == [("矛盾纠纷调解室", 66.7)]
    labels = [getattr(row, "label", "") for sheet in report_sheets(december) for row in sheet.rows]
    assert "群众满意率（%）" in labels and "矛盾纠纷调解室" in labels


def test_demo_data_fills_replies_ratings_and_rectifications(database: Database) -> None:
    from sqlalchemy import func

    from desktop.models import WorkdayException
    from desktop.services.demo.generate import generate_demo_data

    summary = generate_demo_data(database, visits=400)
    with database.read() as session:
        replied = session.scalar(select(func.count(VisitReply.id))) or 0
        ratings = session.scalars(select(VisitRating.level)).all()
        assert replied > 200 and len(ratings) > 150
        satisfied = sum(level in replies.SATISFIED for level in ratings)
        assert satisfied / len(ratings) > 0.8
        assert session.scalar(select(func.count(Rectification.id)))
        assert session.scalar(select(func.count(WorkdayException.id))) == 25
        assert lists.pending_replies(session, today=NOW.date())
        assert lists.pending_ratings(session)
    assert summary.counts["回复"] == replied


def test_the_closure_migration_goes_down_and_up_again(db_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from desktop.db import alembic_config, make_engine, upgrade

    engine = make_engine(db_url)
    try:
        upgrade(engine)
        assert "visit_reply" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(engine), "0015_speed2")
        inspector = inspect(engine)
        assert not {"visit_reply", "visit_rating", "rectification", "rectification_note",
                    "workday_exception"} & set(inspector.get_table_names())
        assert "time_limit_days" not in {c["name"] for c in inspector.get_columns("category")}
        upgrade(engine)
        assert "time_limit_days" in {c["name"] for c in inspect(engine).get_columns("category")}
    finally:
        engine.dispose()


def test_pending_ratings_look_up_each_matters_rating_by_its_visit(
        sqlite_database: Database) -> None:
    """待评价 asks, for each reply, whether its matter has a rating of its own: through the
    rating's visit index, never an index over the mostly empty ticket column (which made
    the page take minutes at a million visits)."""
    from sqlalchemy import event

    from desktop.services.closure import lists

    statements: list[tuple[str, object]] = []

    def grab(_conn: object, _cursor: object, statement: str, parameters: object,
             _context: object, _many: bool) -> None:
        if "visit_rating" in statement and "NOT (EXISTS" in statement:
            statements.append((statement, parameters))

    engine = sqlite_database.engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        with sqlite_database.read() as session:
            lists.pending_ratings(session)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    [(statement, parameters)] = statements
    with engine.connect() as conn:
        plan = [str(row[3]) for row in
                conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    assert any("ix_visit_rating_visit_id" in step for step in plan), plan
    assert not any("referral" in step for step in plan), plan
