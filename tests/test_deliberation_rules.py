"""The deliberation meeting's rules one by one: every refusal with its field and its
numbered message, the boundaries of the meeting's, the deadlines' and the done dates,
what a saved meeting stores and what a save over it replaces (``deliberation/meetings``),
on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import DeliberationAction, DeliberationMatter, DeliberationMeeting, Visit
from desktop.services import privacy, reference
from desktop.services.admin import auth
from desktop.services.deliberation import listing, meetings
from desktop.services.deliberation.meetings import ActionInput, MatterInput, MeetingInput
from desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.factories import id_number

TODAY = date(2026, 12, 2)
HELD = date(2026, 11, 25)


def _meeting(**changes: object) -> MeetingInput:
    data = MeetingInput(
        held_on=HELD, place="东林社区议事厅", host="赵书记", topic="楼道堆物整治",
        participants="赵书记（社区党委书记）\n钱卫东（居民代表）",
        matters=[MatterInput("3号楼楼道堆放杂物", "物业一周内清理")],
        actions=[ActionInput("清理3号楼楼道", "孙丽", date(2026, 11, 30))])
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _errors(database: Database, data: MeetingInput, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        meetings.save_meeting(database, data, **kw)  # type: ignore[arg-type]
    return info.value.errors


def _visit(database: Database, n: int = 41, room: str = "矛盾纠纷调解室",
           summary: str = "楼道堆物影响通行") -> str:
    with database.read() as session:
        room_id = next(r.id for r in reference.rooms(session) if r.name == room)
        category = next(c.id for c in reference.categories(session) if c.name == "邻里")
    return register_visit(database, RegistrationInput(
        name="王建国", id_number=id_number(n), phone="13912345670", summary=summary,
        room_id=room_id, category_id=category, gender="男")).visit_no


def _detail(database: Database, meeting_id: int) -> listing.MeetingDetail:
    with database.read() as session:
        return listing.meeting_detail(session, meeting_id)


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return len(session.scalars(select(model)).all())


# -- the meeting ---------------------------------------------------------------------------


def test_an_empty_meeting_is_refused_field_by_field(database: Database) -> None:
    assert _errors(database, _meeting(place=" ", host="", participants=" \n \n",
                                      matters=[], actions=[])) == {
        "place": "请填写会议地点", "host": "请填写主持人",
        "participants": "请填写参会人员（每行一人：姓名（身份））",
        "matters": "请至少填写一项议题"}
    assert _count(database, DeliberationMeeting) == 0


def test_a_meeting_is_held_up_to_today_which_the_caller_may_give(database: Database) -> None:
    assert _errors(database, _meeting(held_on=date(1899, 12, 31))) == {
        "held_on": "会议日期应在1900年至2100年之间"}
    assert _errors(database, _meeting(held_on=TODAY + timedelta(days=1), actions=[])) == {
        "held_on": "会议日期不能晚于今天"}
    assert _errors(database, _meeting(held_on=TODAY, actions=[]),
                   today=TODAY - timedelta(days=1)) == {"held_on": "会议日期不能晚于今天"}
    meetings.save_meeting(database, _meeting(held_on=TODAY, actions=[]))
    meetings.save_meeting(database, _meeting(held_on=TODAY + timedelta(days=1), actions=[]),
                          today=TODAY + timedelta(days=1))
    assert _count(database, DeliberationMeeting) == 2


def test_each_matter_needs_a_subject_or_a_visit_and_is_named_by_its_number(
        database: Database) -> None:
    assert _errors(database, _meeting(matters=[MatterInput("议题"), MatterInput(" ", "议定")])) \
        == {"matters.1.subject": "第2项议题：请填写议题或关联的受理编号"}
    assert _errors(database, _meeting(matters=[MatterInput("议题", visit_no="v-none")])) == {
        "matters.0.visit_no": "第1项议题：没有受理编号为 V-NONE 的来访"}
    visit_no = _visit(database)
    meeting_id = meetings.save_meeting(database, _meeting(
        matters=[MatterInput(visit_no=visit_no.lower()), MatterInput(matter_id=99)]))
    first, second = _detail(database, meeting_id).matters
    assert (first.visit_no, first.subject, first.visit_summary) == (
        visit_no, "", "楼道堆物影响通行")
    assert (second.visit_no, second.subject) == ("", "")


def test_a_matter_linked_to_a_removed_visit_is_refused(database: Database) -> None:
    visit_no = _visit(database)
    with database.write() as session:
        visit = session.scalar(select(Visit).where(Visit.visit_no == visit_no))
        assert visit is not None
        visit.deleted_at = visit.visited_at
    assert _errors(database, _meeting(matters=[MatterInput("议题", visit_no=visit_no)])) == {
        "matters.0.visit_no": f"第1项议题：没有受理编号为 {visit_no} 的来访"}


# -- the actions ---------------------------------------------------------------------------


def test_each_action_needs_a_task_and_an_owner_and_is_named_by_its_number(
        database: Database) -> None:
    good = ActionInput("清理", "孙丽", HELD)
    assert _errors(database, _meeting(actions=[good, ActionInput(" ", "", HELD)])) == {
        "actions.1.task": "第2项落实事项：请填写落实事项",
        "actions.1.owner": "第2项落实事项：请填写责任人"}


def test_an_action_is_due_on_or_after_the_meeting(database: Database) -> None:
    assert _errors(database, _meeting(actions=[ActionInput(
        "清理", "孙丽", HELD - timedelta(days=1))])) == {
        "actions.0.due_on": "第1项落实事项：完成期限不能早于会议日期"}
    assert _errors(database, _meeting(actions=[ActionInput(
        "清理", "孙丽", date(2101, 1, 1))])) == {
        "actions.0.due_on": "第1项落实事项：完成期限应在1900年至2100年之间"}
    meeting_id = meetings.save_meeting(database, _meeting(actions=[ActionInput(
        "清理", "孙丽", HELD)]))
    assert _detail(database, meeting_id).actions[0].due_on == HELD


@pytest.mark.parametrize(("done_on", "message"), [
    (HELD - timedelta(days=1), "完成日期不能早于会议日期"),
    (TODAY + timedelta(days=1), "完成日期不能晚于今天"),
    (date(1899, 12, 31), "完成日期应在1900年至2100年之间"),
    (HELD, None), (TODAY, None),
])
def test_an_action_is_done_between_the_meeting_and_today(
        database: Database, done_on: date, message: str | None) -> None:
    data = _meeting(actions=[ActionInput("清理", "孙丽", date(2026, 11, 30), done_on)])
    if message is not None:
        assert _errors(database, data) == {"actions.0.done_on": f"第1项落实事项：{message}"}
        return
    meeting_id = meetings.save_meeting(database, data)
    assert _detail(database, meeting_id).actions[0].done_on == done_on


# -- what is stored and replaced -------------------------------------------------------------


def test_a_meeting_is_stored_with_its_people_one_a_line_and_its_parts_in_order(
        database: Database) -> None:
    visit_no = _visit(database)
    meeting_id = meetings.save_meeting(database, _meeting(
        participants="  赵书记（社区党委书记） \n\n 钱卫东（居民代表）\n",
        matters=[MatterInput("第一项", "议定一"), MatterInput("第二项", "议定二", visit_no)],
        actions=[ActionInput("甲", "孙丽", date(2026, 11, 30)),
                 ActionInput("乙", "钱卫东", date(2026, 12, 10), date(2026, 12, 1))]))
    detail = _detail(database, meeting_id)
    assert (detail.held_on, detail.place, detail.host, detail.topic, detail.participants) == (
        HELD, "东林社区议事厅", "赵书记", "楼道堆物整治",
        "赵书记（社区党委书记）\n钱卫东（居民代表）")
    assert [(m.subject, m.decision, m.visit_no) for m in detail.matters] == [
        ("第一项", "议定一", ""), ("第二项", "议定二", visit_no)]
    assert [(a.task, a.owner, a.due_on, a.done_on) for a in detail.actions] == [
        ("甲", "孙丽", date(2026, 11, 30), None),
        ("乙", "钱卫东", date(2026, 12, 10), date(2026, 12, 1))]
    with database.read() as session:
        assert list(session.scalars(select(DeliberationMatter.position)
                                    .order_by(DeliberationMatter.id))) == [0, 1]
        assert list(session.scalars(select(DeliberationAction.position)
                                    .order_by(DeliberationAction.id))) == [0, 1]
    assert meetings.participant_lines(" 甲 \n\n乙\n ") == ["甲", "乙"]


def test_a_save_replaces_the_parts_keeping_a_matter_by_its_id(database: Database) -> None:
    visit_no = _visit(database)
    meeting_id = meetings.save_meeting(database, _meeting(
        matters=[MatterInput("留下", "议定", visit_no), MatterInput("删去", "议定")]))
    detail = _detail(database, meeting_id)
    kept = detail.matters[0]
    data = detail.as_input()
    data.place, data.host, data.topic = "新地点", "新主持", "新主题"
    data.held_on = HELD + timedelta(days=1)
    data.matters = [MatterInput("新增", "议定"),
                    MatterInput("留下（改）", "改后议定", "", kept.matter_id)]
    data.actions = [ActionInput("新事项", "周敏", TODAY)]
    meetings.save_meeting(database, data, meeting_id=meeting_id, version=detail.version)
    after = _detail(database, meeting_id)
    assert (after.held_on, after.place, after.host, after.topic) == (
        HELD + timedelta(days=1), "新地点", "新主持", "新主题")
    assert [(m.subject, m.decision, m.visit_no) for m in after.matters] == [
        ("新增", "议定", ""), ("留下（改）", "改后议定", "")]
    assert after.matters[1].matter_id == kept.matter_id
    assert [(a.task, a.owner) for a in after.actions] == [("新事项", "周敏")]
    assert _count(database, DeliberationMatter) == 2 and _count(database, DeliberationAction) == 1


def test_a_save_over_a_changed_or_missing_meeting_is_refused(database: Database) -> None:
    meeting_id = meetings.save_meeting(database, _meeting())
    detail = _detail(database, meeting_id)
    with pytest.raises(StaleEditError, match="已被他人修改") as info:
        meetings.save_meeting(database, _meeting(place="别处"), meeting_id=meeting_id,
                              version=detail.version + 1)
    assert info.value.record == "议事会议" and info.value.changes == []
    assert re.fullmatch(r"该议事会议已被他人修改（.+ 于 \d\d:\d\d），请重新载入后再保存",
                        str(info.value))
    assert _detail(database, meeting_id).place == "东林社区议事厅"
    for missing in (0, meeting_id + 1000):
        with pytest.raises(NotFoundError, match=r"^没有找到该议事会议$"):
            meetings.save_meeting(database, _meeting(), meeting_id=missing, version=1)


# -- marking an action done ------------------------------------------------------------------


def test_an_action_is_marked_done_between_the_meeting_and_today(database: Database) -> None:
    meeting_id = meetings.save_meeting(database, _meeting())
    action_id = _detail(database, meeting_id).actions[0].action_id
    for done_on, message in ((date(1899, 12, 31), "完成日期应在1900年至2100年之间"),
                             (TODAY + timedelta(days=1), "完成日期不能晚于今天"),
                             (HELD - timedelta(days=1), "完成日期不能早于会议日期")):
        with pytest.raises(ValidationError) as info:
            meetings.mark_action_done(database, action_id, done_on)
        assert info.value.errors == {"done_on": message}
    with pytest.raises(ValidationError) as info:
        meetings.mark_action_done(database, action_id, TODAY, today=TODAY - timedelta(days=1))
    assert info.value.errors == {"done_on": "完成日期不能晚于今天"}
    assert _detail(database, meeting_id).actions[0].done_on is None
    meetings.mark_action_done(database, action_id, HELD)
    assert _detail(database, meeting_id).actions[0].done_on == HELD
    meetings.mark_action_done(database, action_id, TODAY + timedelta(days=1),
                              today=TODAY + timedelta(days=1))
    assert _detail(database, meeting_id).actions[0].done_on == TODAY + timedelta(days=1)


def test_a_removed_action_is_not_marked_done(database: Database) -> None:
    for missing in (0, 999_999):
        with pytest.raises(StaleEditError) as info:
            meetings.mark_action_done(database, missing, HELD)
        assert info.value.deleted and info.value.record == "落实事项"


def test_marking_an_action_done_moves_the_meeting_s_version(database: Database) -> None:
    meeting_id = meetings.save_meeting(database, _meeting())
    detail = _detail(database, meeting_id)
    meetings.mark_action_done(database, detail.actions[0].action_id, TODAY)
    assert _detail(database, meeting_id).version != detail.version
    with pytest.raises(StaleEditError, match="已被他人修改"):
        meetings.save_meeting(database, detail.as_input(), meeting_id=meeting_id,
                              version=detail.version)
    assert _detail(database, meeting_id).actions[0].done_on == TODAY


@pytest.mark.parametrize("role", ["receptionist", "counsellor", "police"])
def test_only_a_deliberation_editor_records_or_marks_done(database: Database,
                                                          role: str) -> None:
    meeting_id = meetings.save_meeting(database, _meeting())
    action_id = _detail(database, meeting_id).actions[0].action_id
    admin = database.actor
    database.actor = auth.Actor(None, role, frozenset({role}))
    for write in (lambda: meetings.save_meeting(database, _meeting()),
                  lambda: meetings.mark_action_done(database, action_id, TODAY)):
        with pytest.raises(PermissionDenied) as info:
            write()
        assert info.value.permission == "deliberation.edit"
    database.actor = admin
    assert _count(database, DeliberationMeeting) == 1
    assert _detail(database, meeting_id).actions[0].done_on is None


def test_a_confidential_matter_keeps_its_text_and_link_but_takes_its_new_place(
        database: Database) -> None:
    counselling = _visit(database, 42, "心理咨询室", "因家庭变故情绪低落")
    meeting_id = meetings.save_meeting(database, _meeting(matters=[
        MatterInput("情绪疏导需求", "转介心理咨询", counselling), MatterInput("楼道", "清理")]))
    admin = database.actor
    database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    detail = _detail(database, meeting_id)
    hidden, plain = detail.matters
    assert hidden.hidden and not plain.hidden
    data = detail.as_input()
    data.matters[1] = MatterInput("楼道（一改）", "清理", "", plain.matter_id)
    meetings.save_meeting(database, data, meeting_id=meeting_id, version=detail.version)
    assert [m.subject for m in _detail(database, meeting_id).matters] == [
        privacy.CONFIDENTIAL_TEXT, "楼道（一改）"]
    detail = _detail(database, meeting_id)
    data = detail.as_input()
    data.matters = [MatterInput("楼道（改）", "清理", "", plain.matter_id),
                    MatterInput("改掉", "改掉", "", hidden.matter_id)]
    meetings.save_meeting(database, data, meeting_id=meeting_id, version=detail.version)
    database.actor = admin
    after = _detail(database, meeting_id).matters
    assert [(m.matter_id, m.subject, m.decision, m.visit_no) for m in after] == [
        (plain.matter_id, "楼道（改）", "清理", ""),
        (hidden.matter_id, "情绪疏导需求", "转介心理咨询", counselling)]
    # Who may read the counselling room's visits changes that matter like any other.
    detail = _detail(database, meeting_id)
    data = detail.as_input()
    data.matters[1] = MatterInput("改后议题", "改后议定", counselling, hidden.matter_id)
    meetings.save_meeting(database, data, meeting_id=meeting_id, version=detail.version)
    assert [(m.subject, m.decision) for m in _detail(database, meeting_id).matters] == [
        ("楼道（改）", "清理"), ("改后议题", "改后议定")]


def test_a_matter_of_another_meeting_is_not_taken_over(database: Database) -> None:
    other_id = meetings.save_meeting(database, _meeting())
    (other,) = _detail(database, other_id).matters
    meeting_id = meetings.save_meeting(database, _meeting(
        matters=[MatterInput("新议题", "议定", matter_id=other.matter_id)]))
    assert [(m.subject, m.decision) for m in _detail(database, other_id).matters] == [
        ("3号楼楼道堆放杂物", "物业一周内清理")]
    (mine,) = _detail(database, meeting_id).matters
    assert mine.matter_id != other.matter_id and mine.subject == "新议题"


def test_each_text_is_refused_over_its_length_by_its_own_name(database: Database) -> None:
    assert _errors(database, _meeting(
        place="长" * 129, host="长" * 65, topic="长" * 129,
        matters=[MatterInput("议题", visit_no="V" * 33)],
        actions=[ActionInput("清理", "长" * 65, HELD)])) == {
        "place": "会议地点过长（不超过128字，当前129字）",
        "host": "主持人过长（不超过64字，当前65字）",
        "topic": "会议主题过长（不超过128字，当前129字）",
        "matters.0.visit_no": "第1项议题：受理编号过长（不超过32字，当前33字）",
        "actions.0.owner": "第1项落实事项：责任人过长（不超过64字，当前65字）"}
    assert _count(database, DeliberationMeeting) == 0


def test_subjects_decisions_and_tasks_keep_their_lines_and_names_one(
        database: Database) -> None:
    meeting_id = meetings.save_meeting(database, _meeting(
        place=" 东林社区\n议事厅 ", host="赵\t书记", topic="楼道\n整治",
        matters=[MatterInput("第一行\n第二行", "议定一\n议定二")],
        actions=[ActionInput("清理\n复查", " 孙\n丽 ", HELD)]))
    detail = _detail(database, meeting_id)
    assert (detail.place, detail.host, detail.topic) == ("东林社区 议事厅", "赵 书记", "楼道 整治")
    assert [(m.subject, m.decision) for m in detail.matters] == [
        ("第一行\n第二行", "议定一\n议定二")]
    assert [(a.task, a.owner) for a in detail.actions] == [("清理\n复查", "孙 丽")]


def test_a_date_out_of_range_is_said_alone(database: Database) -> None:
    assert _errors(database, _meeting(held_on=date(2101, 1, 1), actions=[])) == {
        "held_on": "会议日期应在1900年至2100年之间"}
    assert _errors(database, _meeting(actions=[ActionInput(
        "清理", "孙丽", date(1899, 12, 31))])) == {
        "actions.0.due_on": "第1项落实事项：完成期限应在1900年至2100年之间"}
