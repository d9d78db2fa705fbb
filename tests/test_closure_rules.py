"""回复评价 and the working-day calendar: the rules of ``closure/replies`` and
``closure/workdays`` one by one (what is stored, who is named, what is refused and with
which message), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    Rectification,
    RectificationNote,
    Referral,
    Visit,
    VisitRating,
    VisitReply,
)
from desktop.services.admin import auth
from desktop.services.closure import replies, workdays
from desktop.services.closure.workdays import Calendar
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception import queue
from tests.closure_helpers import NOW, VISITED, finished_matter, record_rating, record_reply
from tests.rating_pad_helpers import add_staff, served
from tests.reception_helpers import register, room_ids

TOO_LONG = "长" * 20001




def _note(database: Database, fix_id: int, text: str, **kw: object) -> int:
    with database.write() as session:
        return replies.add_rectification_note(session, fix_id, text, **kw)  # type: ignore[arg-type]


def _errors(call: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    return info.value.errors


def _rating(database: Database, rating_id: int) -> VisitRating:
    with database.read() as session:
        rating = session.get(VisitRating, rating_id)
        assert rating is not None
        session.expunge(rating)
        return rating


def _replied(database: Database) -> VisitReply:
    with database.read() as session:
        reply = session.scalar(select(VisitReply))
        assert reply is not None
        session.expunge(reply)
        return reply


# -- the reply ------------------------------------------------------------------------------


def test_a_reply_is_refused_with_the_messages_of_each_field(database: Database) -> None:
    reg = finished_matter(database)
    assert _errors(lambda: record_reply(database, reg.visit_id, method="微信", content="  ")) == {
        "method": "请选择回复方式（当面、电话、短信或书面）",
        "content": "请填写回复内容（告知群众的办理结果）",
    }
    # Too long is said as too long (not as empty), under the field's own name.
    assert _errors(lambda: record_reply(database, reg.visit_id, content=TOO_LONG)) == {
        "content": "回复内容过长（不超过20000字，当前20001字）"}
    assert _errors(lambda: record_reply(database, reg.visit_id,
                                        replied_at=datetime(1899, 12, 31))) == {
        "replied_at": "回复时间应在1900年至2100年之间"}
    assert _errors(lambda: record_reply(database, reg.visit_id,
                                  replied_at=NOW + timedelta(minutes=1))) \
        == {"replied_at": "回复时间不能晚于现在"}
    assert _errors(lambda: record_reply(database, reg.visit_id,
                                  replied_at=VISITED - timedelta(minutes=1))) \
        == {"replied_at": "回复时间不能早于来访时间（2026-11-30 09:00）"}
    with database.read() as session:
        assert session.scalar(select(VisitReply)) is None


def test_a_reply_at_the_minute_of_the_visit_is_accepted(database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id, replied_at=VISITED.replace(second=0, microsecond=500))
    assert _replied(database).replied_at == VISITED


def test_no_reply_while_tickets_are_open_says_how_many(database: Database) -> None:
    reg = register(database, 2, now=VISITED)
    assert _errors(lambda: record_reply(database, reg.visit_id)) == {
        "visit": "该事项还有 1 张分流单未办结（等候、叫号、接待中或暂缓），办结后才能回复"}


def test_no_reply_to_an_unknown_or_deleted_visit(database: Database) -> None:
    reg = finished_matter(database)
    with pytest.raises(NotFoundError, match=r"^该来访登记不存在$"):
        record_reply(database, reg.visit_id + 1000)
    with database.write() as session:
        visit = session.get(Visit, reg.visit_id)
        assert visit is not None
        visit.deleted_at = NOW
    with pytest.raises(NotFoundError, match=r"^该来访登记已删除$"):
        record_reply(database, reg.visit_id)


def test_a_corrected_reply_keeps_its_row_and_takes_every_new_value(database: Database) -> None:
    reg = finished_matter(database)
    first = record_reply(database, reg.visit_id, method="电话", content="电话告知",
                   replied_at=datetime(2026, 12, 1, 15, 0))
    other = auth.Actor(add_staff(database, "周建国", "receptionist"), "周建国",
                       frozenset({"receptionist"}))
    database.actor = other
    again = record_reply(database, reg.visit_id, method="书面", content="  书面告知\n已送达 ",
                   replied_at=datetime(2026, 12, 2, 9, 15, 30, 999))
    assert again == first
    reply = _replied(database)
    assert (reply.method, reply.content, reply.replied_at, reply.replied_by_id) == (
        "书面", "书面告知\n已送达", datetime(2026, 12, 2, 9, 15, 30), other.staff_id)


# -- the matter's rating --------------------------------------------------------------------


def test_a_staff_rating_stores_its_comment_channel_and_who_recorded_it(
        database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    rating = _rating(database, record_rating(database, reg.visit_id, "基本满意", channel="当面",
                                     comment="  调解员态度好 ",
                                     rated_at=NOW - timedelta(minutes=5)))
    assert (rating.level, rating.channel, rating.comment, rating.rated_at, rating.rerating) \
        == ("基本满意", "当面", "调解员态度好", NOW - timedelta(minutes=5), False)
    assert rating.recorded_by_id == database.actor.staff_id is not None  # type: ignore[union-attr]
    assert rating.referral_id is None and rating.staff_id is None


def test_a_rating_without_a_comment_stores_none(database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    assert _rating(database, record_rating(database, reg.visit_id)).comment is None


def test_the_pad_rates_a_matter_as_the_pad_with_nobody_named(database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    database.actor = auth.RATING_PAD_ACTOR
    # Whatever channel is handed in, the pad's rating is the pad's.
    rating = _rating(database, record_rating(database, reg.visit_id, "非常满意", channel="电话回访",
                                     comment="很好"))
    assert (rating.channel, rating.recorded_by_id, rating.comment) == ("窗口评价器", None, "很好")
    rating = _rating(database, rating.id)
    assert rating.rated_at == datetime(2026, 12, 2, 10, 0)


def test_a_rating_is_refused_with_the_messages_of_each_field(database: Database) -> None:
    reg = finished_matter(database)
    assert _errors(lambda: record_rating(database, reg.visit_id, "还行", channel="微信",
                                 comment=TOO_LONG)) == {
        "level": "请选择评价等级",
        "channel": "请选择评价方式（窗口评价器、电话回访或当面）",
        "comment": "群众意见过长（不超过20000字，当前20001字）",
        "visit": "该事项尚未回复群众，回复后才能评价",
    }
    record_reply(database, reg.visit_id, replied_at=datetime(2026, 12, 1, 16, 30))
    assert _errors(lambda: record_rating(database, reg.visit_id,
                                         rated_at=datetime(2026, 12, 1, 16, 29))) == {
        "rated_at": "评价时间不能早于回复时间（2026-12-01 16:30）"}
    # A time out of range is said as such, not as "before the reply".
    assert _errors(lambda: record_rating(database, reg.visit_id, rated_at=datetime(1899, 1, 1))) \
        == {"rated_at": "评价时间应在1900年至2100年之间"}
    assert _errors(lambda: record_rating(database, reg.visit_id,
                                         rated_at=NOW + timedelta(seconds=60))) == {
        "rated_at": "评价时间不能晚于现在"}
    record_rating(database, reg.visit_id, rated_at=datetime(2026, 12, 1, 16, 30))
    assert _errors(lambda: record_rating(database, reg.visit_id)) == {
        "visit": "该事项已经评价过；只有整改后才能再次征求群众评价"}


def test_a_rerating_closes_the_rectification_at_its_own_time_and_no_third_rating(
        database: Database) -> None:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    record_rating(database, reg.visit_id, "非常不满意", rated_at=NOW - timedelta(minutes=50))
    again = datetime(2026, 12, 2, 9, 45)
    closing = record_rating(database, reg.visit_id, "满意", channel="当面", rated_at=again)
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None
        assert (fix.status, fix.closed_at, fix.closing_rating_id) == ("closed", again, closing)
        assert fix.opened_at == NOW - timedelta(minutes=50)
    assert _rating(database, closing).rerating is True
    # The 整改 is closed: the matter is rated, a third rating is refused.
    assert _errors(lambda: record_rating(database, reg.visit_id)) == {
        "visit": "该事项已经评价过；只有整改后才能再次征求群众评价"}
    with database.read() as session:
        assert session.scalar(select(Rectification).where(Rectification.status == "open")) is None


def test_a_rectification_belongs_to_its_own_matter(database: Database) -> None:
    unhappy = finished_matter(database, 1)
    other = finished_matter(database, 2)
    record_reply(database, unhappy.visit_id)
    record_reply(database, other.visit_id)
    record_rating(database, unhappy.visit_id, "不满意")
    # Rating another matter neither closes nor counts as a re-rating of this one.
    rating = _rating(database, record_rating(database, other.visit_id, "满意"))
    assert rating.rerating is False
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None
        assert (fix.visit_id, fix.status, fix.closing_rating_id) == (unhappy.visit_id, "open", None)
        assert replies.open_rectification(session, other.visit_id) is None
        assert replies.open_rectification(session, unhappy.visit_id) is not None


def test_an_unsatisfied_rating_opens_one_rectification_due_in_fifteen_working_days(
        database: Database) -> None:
    with database.write() as session:
        workdays.import_shipped(session, 2026)
    reg = finished_matter(database, at=datetime(2026, 9, 21, 9, 0))
    record_reply(database, reg.visit_id, replied_at=datetime(2026, 9, 22, 9, 0))
    # After Tuesday 22 September: 23-24 (the 25th off, 中秋), 28-30, (1-7 October off)
    # 8-10 (the 10th a Saturday worked), 12-16 and 19-20: the fifteenth is Tuesday 20 October.
    record_rating(database, reg.visit_id, "不满意", rated_at=datetime(2026, 9, 22, 10, 0))
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None
        assert (fix.status, fix.due_date) == ("open", date(2026, 10, 20))


# -- the rating pad (一次一评) --------------------------------------------------------------


def _pad(database: Database, referral_id: object, level: str = "满意", **kw: object) -> int:
    admin = database.actor
    database.actor = auth.RATING_PAD_ACTOR
    try:
        with database.write() as session:
            return replies.pad_rating(session, referral_id, level, **kw)  # type: ignore[arg-type]
    finally:
        database.actor = admin


def test_a_pad_rating_names_who_served_and_keeps_the_comment(database: Database) -> None:
    mediator = add_staff(database)
    reg = served(database, 1, mediator, finished=NOW - timedelta(minutes=3))
    rating = _rating(database, _pad(database, reg.referral_id, "基本满意",
                                    comment=" 等得有点久 ", now=NOW))
    assert (rating.referral_id, rating.staff_id, rating.recorded_by_id) \
        == (reg.referral_id, mediator, None)
    assert (rating.level, rating.channel, rating.comment, rating.rated_at, rating.rerating) \
        == ("基本满意", "窗口评价器", "等得有点久", NOW, False)
    other = served(database, 2, mediator, finished=NOW - timedelta(minutes=2))
    assert _rating(database, _pad(database, other.referral_id, now=NOW)).comment is None


def test_a_pad_rating_is_refused_with_its_messages(database: Database) -> None:
    mediator = add_staff(database)
    waiting = register(database, 1, now=NOW - timedelta(minutes=5))
    assert _errors(lambda: _pad(database, waiting.referral_id, "还行", comment=TOO_LONG,
                                now=NOW)) == {
        "level": "请选择评价等级",
        "comment": "群众意见过长（不超过20000字，当前20001字）",
        "referral": "该排队号尚未办结，办结后才能评价",
    }
    late = served(database, 2, mediator, finished=NOW - timedelta(minutes=10, seconds=1))
    assert _errors(lambda: _pad(database, late.referral_id, now=NOW)) == {
        "referral": "该排队号办结已超过 10 分钟，不能再在评价器上评价"}
    # Exactly ten minutes is still in time.
    just = served(database, 3, mediator, finished=NOW - timedelta(minutes=10))
    _pad(database, just.referral_id, now=NOW)
    assert _errors(lambda: _pad(database, just.referral_id, now=NOW)) == {
        "referral": "该排队号已经评价过"}


@pytest.mark.parametrize("wrong", [0, -1, 2 ** 70, "1", None])
def test_a_pad_rating_of_no_ticket_is_not_found(database: Database, wrong: object) -> None:
    finished_matter(database)
    with pytest.raises(NotFoundError, match=r"^该排队号不存在$"):
        _pad(database, wrong, now=NOW)


def test_a_second_pad_complaint_is_a_note_on_the_open_rectification(
        database: Database) -> None:
    mediator = add_staff(database)
    first = served(database, 1, mediator, finished=NOW - timedelta(minutes=8))
    _pad(database, first.referral_id, "不满意", now=NOW - timedelta(minutes=5))
    queue.route_again(database, first.visit_id, room_ids(database)["关爱工作室"], "另需帮扶",
                      now=NOW - timedelta(minutes=4))
    with database.read() as session:
        again = session.scalars(select(Referral.id).where(
            Referral.visit_id == first.visit_id, Referral.id != first.referral_id)).one()
    queue.start(database, again, now=NOW - timedelta(minutes=3))
    queue.finish(database, again, "resolved", now=NOW - timedelta(minutes=1))
    _pad(database, again, "非常不满意", now=NOW)
    with database.read() as session:
        fixes = session.scalars(select(Rectification)).all()
        assert len(fixes) == 1 and fixes[0].status == "open"
        assert fixes[0].opened_at == NOW - timedelta(minutes=5)
        notes = session.scalars(select(RectificationNote)).all()
        assert [(n.rectification_id, n.at, n.staff_id, n.text) for n in notes] == [
            (fixes[0].id, NOW, None, "窗口评价器又收到“非常不满意”评价（2026-12-02 10:00）")]


# -- the rectification's notes --------------------------------------------------------------


def _open_fix(database: Database) -> int:
    reg = finished_matter(database)
    record_reply(database, reg.visit_id)
    record_rating(database, reg.visit_id, "不满意")
    with database.read() as session:
        fix = session.scalar(select(Rectification))
        assert fix is not None
        return fix.id


def test_a_note_names_its_author_and_time(database: Database) -> None:
    fix_id = _open_fix(database)
    written = datetime(2026, 12, 2, 9, 50)
    note_id = _note(database, fix_id, "  已督促调解员再次上门 ", now=written)
    with database.read() as session:
        note = session.get(RectificationNote, note_id)
        assert note is not None
        assert (note.rectification_id, note.at, note.staff_id, note.text) == (
            fix_id, written, database.actor.staff_id, "已督促调解员再次上门")  # type: ignore[union-attr]
        assert note.staff_id is not None


def test_without_a_time_a_reply_rating_and_note_are_dated_now_to_the_second(
        database: Database) -> None:
    reg = finished_matter(database)
    before = datetime.now().replace(microsecond=0)
    with database.write() as session:
        replies.record_reply(session, reg.visit_id, "当面", "当面告知")
        rating_id = replies.record_rating(session, reg.visit_id, "不满意", "当面")
        fix = replies.open_rectification(session, reg.visit_id)
        assert fix is not None
        note_id = replies.add_rectification_note(session, fix.id, "已再次上门")
    after = datetime.now()
    with database.read() as session:
        note = session.get(RectificationNote, note_id)
        assert note is not None
        times = [_replied(database).replied_at, _rating(database, rating_id).rated_at, note.at]
    for at in times:
        assert before <= at <= after and at.microsecond == 0


def test_a_note_is_refused_with_its_messages(database: Database) -> None:
    fix_id = _open_fix(database)
    assert _errors(lambda: _note(database, fix_id, " \n ")) == {"text": "请填写整改情况"}
    assert _errors(lambda: _note(database, fix_id, TOO_LONG)) == {
        "text": "整改情况过长（不超过20000字，当前20001字）"}
    with pytest.raises(NotFoundError, match=r"^该整改不存在$"):
        _note(database, fix_id + 1000, "补一条")
    with database.read() as session:
        reg_visit = session.scalar(select(Rectification.visit_id))
    assert reg_visit is not None
    record_rating(database, reg_visit, "满意")
    assert _errors(lambda: _note(database, fix_id, "补一条")) == {
        "rectification": "该整改已经结束（群众已再次评价），不能再添加记录"}


# -- the working-day calendar ---------------------------------------------------------------


def _set(database: Database, day: object, kind: str, *name: str) -> int:
    with database.write() as session:
        return workdays.set_exception(session, day, kind, *name)  # type: ignore[arg-type]


def _year(database: Database, year: int) -> list[tuple[int, date, str, str]]:
    with database.read() as session:
        return [(e.id, e.day, e.kind, e.name) for e in workdays.year_exceptions(session, year)]


def test_an_exception_is_refused_with_the_messages_of_each_field(database: Database) -> None:
    assert _errors(lambda: _set(database, "2027-02-08", "放", "x" * 33)) == {
        "day": "请选择日期", "kind": "请选择放假（休）或调休上班（班）",
        "name": "名称不能超过 32 个字"}
    assert _errors(lambda: _set(database, None, "休")) == {"day": "请选择日期"}
    # A bad name on a weekend holiday says only what is wrong with the name.
    assert _errors(lambda: _set(database, date(2027, 2, 6), "休", "x" * 33)) == {
        "name": "名称不能超过 32 个字"}
    assert _errors(lambda: _set(database, date(2027, 2, 6), "休")) == {
        "kind": "2027-02-06 是周末，本来就不上班，无需设为放假"}
    assert _errors(lambda: _set(database, date(2027, 2, 8), "班")) == {
        "kind": "2027-02-08 是工作日，本来就上班，无需设为调休上班"}
    assert _year(database, 2027) == []


def test_an_exception_keeps_its_cleaned_name_and_a_change_keeps_its_row(
        database: Database) -> None:
    spring = _set(database, date(2027, 2, 9), "休", "春节")
    nameless = _set(database, date(2027, 2, 8), "休")
    tidy = _set(database, date(2027, 2, 7), "班", "  春节\t\n 调休 ")
    longest = _set(database, date(2027, 2, 10), "休", "节" * 32)
    assert _year(database, 2027) == [
        (tidy, date(2027, 2, 7), "班", "春节 调休"),
        (nameless, date(2027, 2, 8), "休", ""),
        (spring, date(2027, 2, 9), "休", "春节"),
        (longest, date(2027, 2, 10), "休", "节" * 32),
    ]
    # Changing a day changes its own row, none other.
    assert _set(database, date(2027, 2, 8), "休", "春节调休") == nameless
    assert _set(database, date(2027, 2, 7), "班") == tidy
    assert _year(database, 2027) == [
        (tidy, date(2027, 2, 7), "班", ""),
        (nameless, date(2027, 2, 8), "休", "春节调休"),
        (spring, date(2027, 2, 9), "休", "春节"),
        (longest, date(2027, 2, 10), "休", "节" * 32),
    ]


def test_removing_a_day_that_is_no_exception_is_refused(database: Database) -> None:
    with database.write() as session, pytest.raises(ValidationError) as info:
        workdays.remove_exception(session, date(2027, 2, 10))
    assert info.value.errors == {"day": "2027-02-10 不是例外日期"}


def test_a_years_exceptions_run_from_new_year_to_new_years_eve_in_order(
        database: Database) -> None:
    # Friday 1 January and Friday 31 December 2027; the years around them too.
    last = _set(database, date(2027, 12, 31), "休", "元旦")
    first = _set(database, date(2027, 1, 1), "休", "元旦")
    _set(database, date(2026, 12, 31), "休", "元旦")
    _set(database, date(2028, 1, 3), "休", "元旦")
    worked = _set(database, date(2027, 1, 2), "班", "元旦")
    assert _year(database, 2027) == [
        (first, date(2027, 1, 1), "休", "元旦"), (worked, date(2027, 1, 2), "班", "元旦"),
        (last, date(2027, 12, 31), "休", "元旦")]


def test_importing_a_year_replaces_that_year_only(database: Database) -> None:
    for day in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 6, 1), date(2027, 12, 31),
                date(2028, 1, 3)):
        _set(database, day, "休", "旧")
    with database.write() as session:
        assert workdays.import_rows(session, 2027, [
            (date(2027, 1, 1), "休", "元旦"), (date(2027, 2, 6), "班", " 春节 "),
            (date(2027, 12, 31), "休", "")]) == 3
    assert [(d, k, n) for _i, d, k, n in _year(database, 2027)] == [
        (date(2027, 1, 1), "休", "元旦"), (date(2027, 2, 6), "班", "春节"),
        (date(2027, 12, 31), "休", "")]
    assert [(d, n) for _i, d, _k, n in _year(database, 2026)] == [(date(2026, 12, 31), "旧")]
    assert [(d, n) for _i, d, _k, n in _year(database, 2028)] == [(date(2028, 1, 3), "旧")]


def test_an_import_is_all_or_nothing(database: Database) -> None:
    _set(database, date(2027, 6, 1), "休", "旧")
    with database.write() as session, pytest.raises(ValidationError) as info:
        workdays.import_rows(session, 2027, [(date(2027, 1, 1), "休", "元旦"),
                                             (date(2028, 1, 1), "班", "元旦")])
    assert info.value.errors == {"day": "导入的日期不都在 2027 年内"}
    with database.write() as session, pytest.raises(ValidationError) as info:
        workdays.import_rows(session, 2027, [(date(2027, 1, 1), "休", "元旦"),
                                             (date(2027, 1, 4), "班", "元旦")])
    assert info.value.errors == {"kind": "2027-01-04 是工作日，本来就上班，无需设为调休上班"}
    assert [(d, n) for _i, d, _k, n in _year(database, 2027)] == [(date(2027, 6, 1), "旧")]
    with database.write() as session, pytest.raises(ValidationError) as info:
        workdays.import_shipped(session, 2031)
    assert info.value.errors == {"year": "本程序没有附带 2031 年的放假安排，请手工录入"}


def test_the_shipped_file_is_imported_with_its_names(database: Database) -> None:
    with database.write() as session:
        assert workdays.import_shipped(session, 2026) == 25
    rows = _year(database, 2026)
    assert [(d, k, n) for _i, d, k, n in rows[:3]] == [
        (date(2026, 1, 1), "休", "元旦"), (date(2026, 1, 2), "休", "元旦"),
        (date(2026, 1, 4), "班", "元旦")]
    assert {n for *_r, n in rows} == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节",
                                      "国庆节"}


def test_reading_the_calendar_file() -> None:
    text = ("# 说明\n日期,类型,名称\n\n,,\n2027-01-01, 休 , 元旦 \n 2027-02-06,班\n"
            "2027-02-07\n")
    assert workdays.read_rows(text) == [
        (date(2027, 1, 1), "休", "元旦"), (date(2027, 2, 6), "班", ""),
        (date(2027, 2, 7), "", "")]


def test_the_calendar_files_bad_dates_are_all_named_by_line() -> None:
    text = "日期,类型,名称\n2027-13-01,休,元旦\n2027-01-01,休,元旦\n1月2日,休,元旦\n"
    with pytest.raises(ValidationError) as info:
        workdays.read_rows(text)
    assert info.value.errors == {"line2": "第 2 行的日期“2027-13-01”无法识别",
                                 "line4": "第 4 行的日期“1月2日”无法识别"}


def test_the_shipped_years_are_the_csv_files_named_by_a_year(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert workdays.shipped_years() == [2026]
    folder = tmp_path / "calendar"
    folder.mkdir()
    for name in ("2027.csv", "2026.csv", "2028.csv.bak", "说明.txt"):
        (folder / name).write_text("日期,类型,名称\n", encoding="utf-8")
    monkeypatch.setattr(workdays, "resource", lambda *parts: tmp_path.joinpath(*parts))
    assert workdays.shipped_years() == [2026, 2027]


# -- sums of working days -------------------------------------------------------------------


def test_sums_across_the_new_year_with_its_holidays_and_adjusted_weekend(
        database: Database) -> None:
    # 元旦 2027 as entered by the admin: Friday 1 January off, Saturday 2 January worked
    # (invented for the test), next to 2026's shipped arrangement.
    with database.write() as session:
        workdays.import_shipped(session, 2026)
        workdays.import_rows(session, 2027, [(date(2027, 1, 1), "休", "元旦"),
                                             (date(2027, 1, 2), "班", "元旦")])
    with database.read() as session:
        # Wednesday 30 December 2026: the 31st, (1 January off), the 2nd, Monday the 4th.
        assert workdays.add_working_days(session, date(2026, 12, 30), 1) == date(2026, 12, 31)
        assert workdays.add_working_days(session, date(2026, 12, 30), 2) == date(2027, 1, 2)
        assert workdays.add_working_days(session, date(2026, 12, 30), 3) == date(2027, 1, 4)
        assert workdays.add_working_days(session, date(2027, 1, 1), 0) == date(2027, 1, 1)
        assert workdays.working_days_between(session, date(2026, 12, 30), date(2027, 1, 4)) == 3
        assert workdays.working_days_between(session, date(2027, 1, 4), date(2026, 12, 30)) == -3
        assert workdays.working_days_between(session, date(2027, 1, 4), date(2027, 1, 4)) == 0
        # Monday to Wednesday: Tuesday and Wednesday.
        assert workdays.working_days_between(session, date(2027, 1, 4), date(2027, 1, 6)) == 2
        # 2026's own new year: 1 and 2 January off, Sunday the 4th worked.
        assert workdays.add_working_days(session, date(2025, 12, 31), 1) == date(2026, 1, 4)
        assert workdays.working_days_between(session, date(2025, 12, 31),
                                             date(2026, 1, 5)) == 2
        assert workdays.is_working_day(session, date(2027, 1, 2))
        assert not workdays.is_working_day(session, date(2027, 1, 1))
        assert not workdays.is_working_day(session, date(2027, 1, 3))
        assert workdays.is_working_day(session, date(2026, 12, 31))


def test_a_sum_never_walks_further_than_ten_years() -> None:
    start = date(2027, 1, 1)
    idle = {start + timedelta(days=i): workdays.HOLIDAY for i in range(1, 4000)}
    with pytest.raises(ValueError):
        Calendar(idle).add_working_days(start, 1)
    # The 3,660th day is still looked at; a working day there ends the walk.
    last = start + timedelta(days=workdays.MAX_DAYS)
    assert Calendar({**idle, last: workdays.WORKDAY}).add_working_days(start, 1) == last
    with pytest.raises(ValueError):
        Calendar({}).add_working_days(start, -1)
    assert Calendar({}).add_working_days(start, 0) == start


def test_the_latest_start_of_a_limit_is_the_last_day_already_late() -> None:
    plain = Calendar({})
    today = date(2026, 12, 2)  # a Wednesday
    # Three working days after Thursday 26 November: Tuesday 1 December, late today;
    # after Friday the 27th: today itself, not yet late.
    assert plain.latest_start(today, 3) == date(2026, 11, 26)
    assert plain.latest_start(today, 0) == date(2026, 12, 1)
    assert plain.latest_start(date(2026, 12, 7), 1) == date(2026, 12, 3)
    for n in (0, 1, 3, 15):
        cut = plain.latest_start(today, n)
        assert plain.add_working_days(cut, n) < today
        assert all(plain.add_working_days(cut + timedelta(days=k), n) >= today
                   for k in range(1, 10))
