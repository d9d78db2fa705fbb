"""The 议事协商 lists: each meeting's fields and counts, search, order and cap, and a
meeting's detail with its late actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.db import Database
from desktop.services.deliberation import listing, meetings
from desktop.services.deliberation.meetings import ActionInput
from desktop.services.errors import NotFoundError
from tests.deliberation_helpers import meeting

TODAY = date(2026, 12, 2)


def test_open_and_overdue_actions_count_at_the_day_asked(database: Database) -> None:
    meetings.save_meeting(database, meeting(actions=[
        ActionInput("a", "x", date(2026, 12, 1)),            # overdue
        ActionInput("b", "x", date(2026, 12, 2)),            # due today: not late
        ActionInput("c", "x", date(2026, 11, 26), date(2026, 11, 26)),  # done
        ActionInput("d", "x", date(2026, 12, 3))]))          # not yet due
    with database.read() as session:
        assert listing.open_counts(session, today=TODAY) == {"open": 3, "overdue": 1}
        assert listing.open_counts(session, today=date(2026, 12, 4)) == {"open": 3, "overdue": 3}


def test_the_meeting_list_shows_each_meeting_s_fields_and_counts_newest_first(
        database: Database) -> None:
    a = meetings.save_meeting(database, meeting(held_on=date(2026, 11, 25), actions=[]))
    b = meetings.save_meeting(database, meeting(
        held_on=date(2026, 11, 10), place="二楼", host="钱主任", topic="停车", actions=[
        ActionInput("a", "x", date(2026, 12, 2)),
        ActionInput("c", "x", date(2026, 11, 26), date(2026, 11, 26))]))
    with database.read() as session:
        rows = listing.meeting_list(session, today=TODAY)
    assert [(r.meeting_id, r.held_on, r.topic, r.place, r.host, r.matters, r.actions,
             r.open_actions, r.overdue_actions) for r in rows] == [
        (a, date(2026, 11, 25), "楼道堆物整治", "东林社区议事厅", "赵书记", 1, 0, 0, 0),
        (b, date(2026, 11, 10), "停车", "二楼", "钱主任", 1, 2, 1, 0)]


def test_a_meeting_whose_actions_are_all_done_has_none_open_or_late(database: Database) -> None:
    meetings.save_meeting(database, meeting(actions=[
        ActionInput("c", "x", date(2026, 11, 26), date(2026, 11, 26))]))
    with database.read() as session:
        (row,) = listing.meeting_list(session, today=TODAY)
    assert (row.actions, row.open_actions, row.overdue_actions) == (1, 0, 0)


@pytest.mark.parametrize("text", ["堆物", "议事厅", "周主", "物业经理", " 物业经理 "])
def test_meetings_are_found_by_topic_place_host_or_participants(
        database: Database, text: str) -> None:
    m = meetings.save_meeting(database, meeting(host="周主持", actions=[]))
    meetings.save_meeting(database, meeting(place="会议室", host="李主任", topic="停车",
                                             participants="李主任（主任）", actions=[]))
    with database.read() as session:
        assert [r.meeting_id for r in listing.meeting_list(session, search=text)] == [m]
        assert listing.meeting_list(session, search="无此内容") == []


def test_the_meeting_list_stops_at_500(database: Database) -> None:
    for n in range(501):
        held_on = date(2026, 1, 1) + timedelta(days=n % 300)
        meetings.save_meeting(database, meeting(held_on=held_on, actions=[]))
    with database.read() as session:
        assert len(listing.meeting_list(session)) == 500


def test_a_meeting_s_detail_marks_late_actions_until_done_and_a_missing_one_is_refused(
        database: Database) -> None:
    mid = meetings.save_meeting(database, meeting(actions=[
        ActionInput("a", "x", date(2026, 12, 2)), ActionInput("b", "x", date(2026, 11, 30))]))
    with database.read() as session:
        d = listing.meeting_detail(session, mid, today=TODAY)
        assert d.meeting_id == mid
        assert (d.matters[0].visit_no, d.matters[0].visit_summary) == ("", "")
        assert [a.overdue for a in d.actions] == [False, True]
        with pytest.raises(NotFoundError, match=r"^没有找到该议事会议$"):
            listing.meeting_detail(session, mid + 1000)
    meetings.mark_action_done(database, d.actions[1].action_id, date(2026, 12, 1))
    with database.read() as session:
        d = listing.meeting_detail(session, mid, today=TODAY)
        assert [a.overdue for a in d.actions] == [False, False]


def test_meetings_of_one_day_list_the_later_recorded_first(database: Database) -> None:
    """Edited afterwards (PostgreSQL moves an edited row to the end of its table), the
    meetings of one day still list the later recorded first."""
    a = meetings.save_meeting(database, meeting(actions=[]))
    b = meetings.save_meeting(database, meeting(actions=[]))
    meetings.save_meeting(database, meeting(place="二楼", actions=[]), meeting_id=a, version=1)
    with database.read() as session:
        assert [r.meeting_id for r in listing.meeting_list(session)] == [b, a]


def test_several_meetings_of_one_day_list_the_later_recorded_first(database: Database) -> None:
    ids = [meetings.save_meeting(database, meeting(actions=[])) for _ in range(4)]
    for i in ids[:2]:
        meetings.save_meeting(database, meeting(place="二楼", actions=[]), meeting_id=i, version=1)
    with database.read() as session:
        got = [r.meeting_id for r in listing.meeting_list(session)]
    assert got == ids[::-1], (got, ids)
