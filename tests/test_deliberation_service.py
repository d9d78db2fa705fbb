"""Deliberation meetings through the service: matters linked to visits, actions, refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import DeliberationAction, DeliberationMeeting
from desktop.services import privacy
from desktop.services.admin import audit, auth
from desktop.services.admin.audit import AuditFilter
from desktop.services.admin.settings import load_settings
from desktop.services.deliberation import listing, meetings, minutes
from desktop.services.deliberation.meetings import ActionInput, MatterInput
from desktop.services.errors import PermissionDenied, ValidationError
from tests.deliberation_helpers import meeting, meeting_visit
from tests.poppler import text_of

TODAY = date(2026, 12, 2)


def test_a_meeting_with_matters_and_actions_overdue_in_red(database: Database) -> None:
    visit_no = meeting_visit(database, "矛盾纠纷调解室", 41, "楼道堆物影响通行")
    meeting_id = meetings.save_meeting(database, meeting(visit_no))
    with database.read() as session:
        row = listing.meeting_list(session)[0]
        detail = listing.meeting_detail(session, meeting_id)
        open_ = listing.open_actions(session)
    assert (row.matters, row.actions, row.open_actions, row.overdue_actions) == (1, 2, 2, 1)
    assert detail.matters[0].visit_no == visit_no
    assert detail.matters[0].visit_summary == "楼道堆物影响通行"
    assert [a.overdue for a in detail.actions] == [True, False]
    assert open_[0].overdue and not open_[1].overdue
    meetings.mark_action_done(database, detail.actions[0].action_id, date(2026, 12, 1))
    with database.read() as session:
        assert listing.meeting_list(session)[0].overdue_actions == 0
        detail2 = listing.meeting_detail(session, meeting_id)
    assert detail2.version > detail.version
    with pytest.raises(Exception, match="已被他人修改"):
        meetings.save_meeting(database, detail.as_input(), meeting_id=meeting_id,
                              version=detail.version)
    meetings.save_meeting(database, detail2.as_input(), meeting_id=meeting_id,
                          version=detail2.version)


def test_refusals_of_a_meeting(database: Database) -> None:
    late = ActionInput("整改", "孙丽", date(2026, 11, 24))
    done_early = ActionInput("整改", "孙丽", date(2026, 11, 30), date(2026, 11, 20))
    done_future = ActionInput("整改", "孙丽", date(2026, 12, 30), TODAY + timedelta(days=1))
    for changes, key in (
        (dict(place=""), "place"), (dict(host=""), "host"), (dict(participants=" \n"),
                                                            "participants"),
        (dict(held_on=TODAY + timedelta(days=1)), "held_on"), (dict(matters=[]), "matters"),
        (dict(matters=[MatterInput()]), "matters.0.subject"),
        (dict(matters=[MatterInput("议题", visit_no="V-NONE")]), "matters.0.visit_no"),
        (dict(actions=[late]), "actions.0.due_on"),
        (dict(actions=[done_early]), "actions.0.done_on"),
        (dict(actions=[done_future]), "actions.0.done_on"),
        (dict(actions=[ActionInput("", "", date(2026, 12, 1))]), "actions.0.task"),
    ):
        with pytest.raises(ValidationError) as caught:
            meetings.save_meeting(database, meeting(**changes))
        assert key in caught.value.errors, changes
    meeting_id = meetings.save_meeting(database, meeting())
    with database.read() as session:
        action_id = listing.meeting_detail(session, meeting_id).actions[0].action_id
    with pytest.raises(ValidationError):
        meetings.mark_action_done(database, action_id, date(2026, 11, 1))
    with pytest.raises(ValidationError):
        meetings.mark_action_done(database, action_id, TODAY + timedelta(days=1))


def test_who_may_read_and_record_meetings(database: Database) -> None:
    meetings.save_meeting(database, meeting())
    admin = database.actor
    for role in ("leader", "room_staff", "mediator"):
        database.actor = auth.Actor(None, role, frozenset({role}))
        with database.read() as session:
            assert listing.meeting_list(session)
    for role in ("receptionist", "counsellor", "police"):
        database.actor = auth.Actor(None, role, frozenset({role}))
        with pytest.raises(PermissionDenied), database.read() as session:
            listing.meeting_list(session)
        with pytest.raises(PermissionDenied):
            meetings.save_meeting(database, meeting())
    database.actor = admin


def test_a_counselling_visit_stays_masked_and_its_text_is_kept(database: Database) -> None:
    visit_no = meeting_visit(database, "心理咨询室", 42, "因家庭变故情绪低落")
    meeting_id = meetings.save_meeting(database, meeting(
        visit_no, matters=[MatterInput("情绪疏导需求", "转介心理咨询", visit_no)]))
    admin = database.actor
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    with database.read() as session:
        detail = listing.meeting_detail(session, meeting_id)
    matter = detail.matters[0]
    assert matter.hidden
    assert {matter.visit_summary, matter.subject, matter.decision} == {privacy.CONFIDENTIAL_TEXT}
    meetings.save_meeting(database, detail.as_input(), meeting_id=meeting_id,
                          version=detail.version)
    database.actor = admin
    with database.read() as session:
        kept = listing.meeting_detail(session, meeting_id).matters[0]
    assert (kept.subject, kept.decision) == ("情绪疏导需求", "转介心理咨询")


def test_open_actions_every_field_soonest_due_first_then_the_older(database: Database) -> None:
    first = meetings.save_meeting(database, meeting(actions=[
        ActionInput("张贴消防告知书", "钱卫东", date(2026, 12, 10)),
        ActionInput("清理3号楼楼道", "孙丽", date(2026, 12, 2)),
        ActionInput("更换楼道灯", "物业", date(2026, 11, 26), date(2026, 11, 26)),  # done
    ]))
    second = meetings.save_meeting(database, meeting(
        held_on=date(2026, 11, 27), topic="停车难", actions=[
            ActionInput("划定临时车位", "赵书记", date(2026, 11, 28)),
            ActionInput("公示车位方案", "钱卫东", date(2026, 12, 2))]))
    with database.write() as session:
        # PostgreSQL now keeps the older 12-02 action, and its meeting, after the newer ones:
        # without the tie-break it reads them back in that order, whichever way it joins.
        older = session.scalars(select(DeliberationAction).where(
            DeliberationAction.task == "清理3号楼楼道")).one()
        older.owner = "孙丽（物业经理）"
        session.get_one(DeliberationMeeting, first).place = "东林社区议事厅（二楼）"
    with database.read() as session:
        ids = {a.task: (a.id, a.meeting_id) for a in session.scalars(select(DeliberationAction))}
        actions = listing.open_actions(session, today=TODAY)
    assert [(a.action_id, a.meeting_id, a.held_on, a.task, a.owner, a.due_on, a.days_left)
            for a in actions] == [
        (*ids["划定临时车位"], date(2026, 11, 27), "划定临时车位", "赵书记",
         date(2026, 11, 28), -4),
        (*ids["清理3号楼楼道"], date(2026, 11, 25), "清理3号楼楼道", "孙丽（物业经理）",
         date(2026, 12, 2), 0),
        (*ids["公示车位方案"], date(2026, 11, 27), "公示车位方案", "钱卫东", date(2026, 12, 2), 0),
        (*ids["张贴消防告知书"], date(2026, 11, 25), "张贴消防告知书", "钱卫东",
         date(2026, 12, 10), 8),
    ]
    assert ids["清理3号楼楼道"][1] == first and ids["公示车位方案"][1] == second
    assert [a.overdue for a in actions] == [True, False, False, False]  # due today: not late


def test_open_actions_stop_at_five_hundred(database: Database) -> None:
    many = [ActionInput(f"入户走访第{n}户", "网格员", date(2026, 12, 1) + timedelta(days=n % 30))
            for n in range(501)]
    meetings.save_meeting(database, meeting(actions=many))
    with database.read() as session:
        actions = listing.open_actions(session, today=TODAY)
    assert len(actions) == 500
    assert max(a.due_on for a in actions) == date(2026, 12, 30)  # the last-due ones left out
    assert sum(a.due_on == date(2026, 12, 30) for a in actions) == 16 - 1


def test_a_meeting_read_back_is_what_was_saved(database: Database) -> None:
    """The edit dialog saves ``as_input()`` of what it loaded: nothing may be lost there."""
    visit_no = meeting_visit(database, "矛盾纠纷调解室", 42, "楼道堆物影响通行")
    saved = meeting(visit_no, actions=[
        ActionInput("清理3号楼楼道", "孙丽", date(2026, 11, 30), date(2026, 11, 29)),
        ActionInput("张贴消防告知书", "钱卫东", date(2026, 12, 10))])
    meeting_id = meetings.save_meeting(database, saved)
    with database.read() as session:
        detail = listing.meeting_detail(session, meeting_id)
    (matter_id,) = [m.matter_id for m in detail.matters]
    saved.matters[0].matter_id = matter_id
    assert detail.as_input() == saved


def test_the_minutes_print_as_the_reader_may_see_them_and_the_print_is_logged(
        database: Database) -> None:
    visit_no = meeting_visit(database, "心理咨询室", 43, "因家庭变故情绪低落")
    meeting_id = meetings.save_meeting(database, meeting(
        visit_no, matters=[MatterInput("情绪疏导需求", "转介心理咨询", visit_no)]))
    pdf, name = minutes.render_minutes(database, meeting_id)
    assert pdf.startswith(b"%PDF") and name == "议事会议纪要_20261125.pdf"
    text = text_of(pdf)
    assert "议事会议纪要" in text and "情绪疏导需求" in text and "转介心理咨询" in text
    with database.read() as session:
        centre = load_settings(session).centre_name
        (logged,) = audit.list_entries(session, AuditFilter(action="print"))
    assert centre in text
    assert (logged.action, logged.raw_detail) == (
        "print", {"文书": "议事会议纪要", "会议日期": "2026-11-25"})
    assert logged.target == f"议事会议 {meeting_id}"
    admin = database.actor
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    masked = text_of(minutes.render_minutes(database, meeting_id)[0])
    assert privacy.CONFIDENTIAL_TEXT in masked and "情绪疏导需求" not in masked
    database.actor = auth.Actor(None, "前台", frozenset({"receptionist"}))
    with pytest.raises(PermissionDenied):
        minutes.render_minutes(database, meeting_id)
    database.actor = admin
    with database.read() as session:
        assert len(audit.list_entries(session, AuditFilter(action="print"))) == 2
