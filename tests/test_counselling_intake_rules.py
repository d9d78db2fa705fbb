"""The counselling room's cases one rule at a time: what waits to be taken up, taking up
with every refusal's field and message, what a case stores, the 主诉 saved over a stale
form, the list's filters, search, order and overdue bound, the counts, the whole case
read back and logged (``counselling/cases``), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    AuditEntry,
    CounsellingCase,
    CounsellingSession,
    Person,
    Referral,
    RiskAssessment,
    Visit,
)
from desktop.services.counselling import (
    CLOSED_MESSAGE,
    cases,
    closing,
    referral_letter,
    sessions,
)
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import FieldChange, NotFoundError, StaleEditError, ValidationError
from desktop.services.reception.registration import Registration
from tests.counselling_helpers import (
    INTERVENTION,
    PLAN_SECRET,
    SECRET,
    SESSION_SECRET,
    as_role,
    routed_visit,
    session_input,
)
from tests.factories import id_number
from tests.reception_helpers import register
from tests.rules_helpers import PUBLISHED_ID, snapshot

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 30)
HIGH = RiskInput("高", "低", "低", crisis_step="陪同就医")


def _draft(database: Database, visit_id: int) -> cases.CaseInput:
    with database.read() as session:
        return cases.draft_from_visit(session, visit_id)


def _case(database: Database, n: int, opened_on: date | None = None,
          risk: RiskInput | None = None) -> cases.CaseRef:
    draft = _draft(database, routed_visit(database, n).visit_id)
    draft.opened_on = opened_on
    if risk is not None:
        draft.risk = risk
    return cases.take_up(database, draft)


def _errors(database: Database, data: cases.CaseInput, **kw: object) -> dict[str, str]:
    before = snapshot(database, CounsellingCase, RiskAssessment)
    with pytest.raises(ValidationError) as info:
        cases.take_up(database, data, **kw)  # type: ignore[arg-type]
    assert snapshot(database, CounsellingCase, RiskAssessment) == before
    return info.value.errors


def _person(database: Database, visit: Registration) -> int:
    with database.read() as session:
        person_id = session.scalar(select(Visit.person_id).where(Visit.id == visit.visit_id))
        assert person_id is not None
        return person_id


def _stored(database: Database, case_id: int) -> CounsellingCase:
    with database.read() as session:
        row = session.get(CounsellingCase, case_id)
        assert row is not None
        session.expunge(row)
        return row


def _version(database: Database, case_id: int) -> int:
    with database.read() as session:
        return cases.case_detail(session, case_id).version


def _routed(database: Database, **kw: object) -> list[cases.RoutedVisit]:
    with database.read() as session:
        return cases.routed_visits(session, **kw)  # type: ignore[arg-type]


def _set_ticket(database: Database, referral_id: int, **values: object) -> None:
    with database.write() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        for key, value in values.items():
            setattr(referral, key, value)


def _list(database: Database, **kw: object) -> list[cases.CaseRow]:
    with database.read() as session:
        return cases.case_list(session, **kw)  # type: ignore[arg-type]


# -- the labels ----------------------------------------------------------------------------


def test_case_numbers_and_the_labels_read_as_the_desk_shows_them() -> None:
    assert cases.format_case_no(2026, 7) == "心2026-0007"
    assert cases.format_case_no(2027, 12345) == "心2027-12345"
    visit = cases.RoutedVisit(1, 2, "心-003", datetime(2026, 3, 4, 9, 5), "王芳", "失眠")
    assert visit.label() == "03-04 09:05 心-003 王芳"
    assert cases.PersonChoice(1, "王芳", "11010519491231002X", "13912345678").label() == \
        "王芳  110105********002X  139****5678"
    assert cases.PersonChoice(1, "王芳", None, None).label() == "王芳  无证件号  "


@pytest.mark.parametrize(("status", "risk", "overdue", "attention"), [
    ("咨询中", "高", False, True), ("咨询中", "低", True, True), ("咨询中", "中", False, False),
    ("已结案", "高", True, False),
])
def test_a_row_is_red_while_open_with_a_high_risk_or_overdue(
        status: str, risk: str, overdue: bool, attention: bool) -> None:
    row = cases.CaseRow(1, "心2026-0001", "王芳", TODAY, 0, TODAY, risk, status, overdue)
    assert row.attention is attention


# -- what waits to be taken up -------------------------------------------------------------


def test_a_finished_ticket_waits_90_days_and_an_open_one_always(database: Database) -> None:
    done_90 = routed_visit(database, 1)
    _set_ticket(database, done_90.referral_id, status="done",
                ticket_date=TODAY - timedelta(days=90))
    done_91 = routed_visit(database, 2)
    _set_ticket(database, done_91.referral_id, status="done",
                ticket_date=TODAY - timedelta(days=91))
    old_open = routed_visit(database, 3)
    _set_ticket(database, old_open.referral_id, status="on_hold",
                ticket_date=TODAY - timedelta(days=400))
    no_show = routed_visit(database, 4)
    _set_ticket(database, no_show.referral_id, status="no_show")
    shown = {v.visit_id for v in _routed(database, today=TODAY)}
    assert shown == {done_90.visit_id, old_open.visit_id}
    shown = {v.visit_id for v in _routed(database, today=TODAY - timedelta(days=1))}
    assert shown == {done_90.visit_id, done_91.visit_id, old_open.visit_id}
    for status in ("waiting", "called", "serving"):
        _set_ticket(database, no_show.referral_id, status=status)
        assert no_show.visit_id in {v.visit_id for v in _routed(database, today=TODAY)}


def test_waiting_visits_are_newest_first_once_each_and_cut_at_the_limit(
        database: Database) -> None:
    # Registered later but visited earlier: the order is by the visit's time, not its id.
    newer = register(database, 2, room="心理咨询室", category="心理疏导", summary="失眠",
                     now=NOW - timedelta(hours=1))
    older = register(database, 1, room="心理咨询室", category="心理疏导", summary="考试焦虑",
                     now=NOW - timedelta(hours=2))
    same_a = register(database, 3, room="心理咨询室", category="心理疏导", now=NOW)
    same_b = register(database, 4, room="心理咨询室", category="心理疏导", now=NOW)
    register(database, 5)  # another room's ticket
    removed = routed_visit(database, 6)
    with database.write() as session:
        visit = session.get(Visit, removed.visit_id)
        assert visit is not None
        visit.deleted_at = NOW
    with database.write() as session:  # a second ticket of one visit to the room
        first = session.get(Referral, older.referral_id)
        assert first is not None
        session.add(Referral(visit_id=older.visit_id, room_id=first.room_id,
                             ticket_date=TODAY, ticket_seq=999, ticket_no="心-999",
                             status="waiting"))
    shown = _routed(database)
    assert [v.visit_id for v in shown] == [same_b.visit_id, same_a.visit_id, newer.visit_id,
                                           older.visit_id]
    assert shown[3] == cases.RoutedVisit(older.visit_id, older.referral_id, older.ticket_no,
                                         NOW - timedelta(hours=2), "测试1号", "考试焦虑")
    assert (shown[2].summary, shown[2].person_name) == ("失眠", "测试2号")
    assert [v.visit_id for v in _routed(database, limit=2)] == [same_b.visit_id,
                                                                same_a.visit_id]
    cases.take_up(database, _draft(database, newer.visit_id))
    assert newer.visit_id not in {v.visit_id for v in _routed(database)}


def test_a_draft_carries_the_resident_what_they_said_and_the_latest_ticket(
        database: Database) -> None:
    visit = register(database, 1, room="心理咨询室", category="心理疏导", summary=SECRET,
                     request="希望有人倾听")
    with database.write() as session:
        first = session.get(Referral, visit.referral_id)
        assert first is not None
        again = Referral(visit_id=visit.visit_id, room_id=first.room_id, ticket_date=TODAY,
                         ticket_seq=999, ticket_no="心-999", status="waiting")
        session.add(again)
        session.flush()
        again_id = again.id
    draft = _draft(database, visit.visit_id)
    assert (draft.person_id, draft.intake_problem, draft.visit_id, draft.referral_id) == (
        _person(database, visit), f"{SECRET}\n希望有人倾听", visit.visit_id, again_id)
    plain = _draft(database, routed_visit(database, 2).visit_id)
    assert plain.intake_problem == SECRET
    assert _draft(database, visit.visit_id).referral_id == again_id  # not the later visit's
    other_room = register(database, 3)
    assert _draft(database, other_room.visit_id).referral_id is None
    for missing in (0, 999_999):
        with database.read() as session, pytest.raises(NotFoundError,
                                                       match=r"^所选来访登记不存在$"):
            cases.draft_from_visit(session, missing)


def test_residents_are_found_by_name_phone_or_id_number(database: Database) -> None:
    a = _person(database, register(database, 1, name="王芳", phone="13900000001"))
    b = _person(database, register(database, 2, name="王芳", phone="13900000002"))
    c = _person(database, register(database, 3, name="李王", phone="13900000003",
                                   id_number=PUBLISHED_ID))
    gone = _person(database, register(database, 4, name="王小丫", phone="13900000004"))
    with database.write() as session:
        person = session.get(Person, gone)
        assert person is not None
        person.deleted_at = NOW
    with database.read() as session:
        found = cases.search_persons(session, " 王 ")
        assert [p.person_id for p in found] == [c, a, b]
        assert found[1] == cases.PersonChoice(a, "王芳", id_number(1), "13900000001")
        assert [p.person_id for p in cases.search_persons(session, "王", limit=2)] == [c, a]
        assert [p.person_id for p in cases.search_persons(session, "13900000002")] == [b]
        assert cases.search_persons(session, "1390000000") == []
        assert [p.person_id for p in cases.search_persons(session, PUBLISHED_ID.lower())] \
            == [c]
        assert cases.search_persons(session, "  ") == []
        assert cases.person_name(session, a) == "王芳"
        assert cases.person_name(session, 999_999) == ""


# -- taking up -----------------------------------------------------------------------------


def test_a_case_without_resident_problem_or_a_real_date_is_refused_field_by_field(
        database: Database) -> None:
    assert cases.validate_case(cases.CaseInput(None, " ", date(1899, 12, 31))) == {
        "person": "请选择来访人", "intake_problem": "请填写来访人的主诉",
        "opened_on": "接案日期应在1900年至2100年之间"}
    assert cases.validate_case(cases.CaseInput(0, "失眠", risk=RiskInput("高", "低", "低"))) \
        == {"person": "请选择来访人",
            "crisis_step": "评估为高风险，须选择已采取的危机处置措施"}
    assert cases.validate_case(cases.CaseInput(1, "失眠")) == {}
    person_id = _person(database, register(database, 1))
    assert _errors(database, cases.CaseInput(person_id, "失眠", TODAY + timedelta(days=1))) \
        == {"opened_on": "接案日期不能晚于今天"}
    assert _errors(database, cases.CaseInput(person_id, "失眠", TODAY),
                   today=TODAY - timedelta(days=1)) == {"opened_on": "接案日期不能晚于今天"}
    assert _errors(database, cases.CaseInput(999_999, "失眠")) == {
        "person": "所选来访人不存在"}


def test_a_visit_that_is_gone_of_someone_else_or_taken_up_is_refused(
        database: Database) -> None:
    visit = routed_visit(database, 1)
    person_id, other_id = _person(database, visit), _person(database, register(database, 2))
    draft = _draft(database, visit.visit_id)
    assert _errors(database, cases.CaseInput(person_id, "失眠", visit_id=999_999)) == {
        "visit": "所选来访登记不存在"}
    assert _errors(database, cases.CaseInput(other_id, "失眠",
                                             visit_id=visit.visit_id)) == {
        "person": "来访人与所选来访登记不一致"}
    assert _errors(database, cases.CaseInput(_person(database, visit), "失眠",
                                             referral_id=999_999)) == {
        "visit": "所选来访登记不存在"}
    ref = cases.take_up(database, draft)
    assert _errors(database, draft) == {"visit": f"该来访已接案为{ref.case_no}"}


def test_a_case_stores_its_number_resident_visit_ticket_counsellor_and_day(
        database: Database) -> None:
    visit = routed_visit(database, 1)
    draft = _draft(database, visit.visit_id)
    draft.intake_problem = "  夜里睡不着\n\n白天心慌 "
    draft.risk = RiskInput("中", "低", "低")
    ref = cases.take_up(database, draft)
    row = _stored(database, ref.case_id)
    assert database.actor is not None and database.actor.staff_id is not None
    assert (row.case_no, row.year, row.seq, row.person_id, row.visit_id, row.referral_id,
            row.counsellor_id, row.opened_on, row.intake_problem, row.status,
            row.highest_risk) == (
        "心2026-0001", 2026, 1, _person(database, visit), visit.visit_id, visit.referral_id,
        database.actor.staff_id, TODAY, "夜里睡不着\n\n白天心慌", "open", "中")
    assert ref == cases.CaseRef(ref.case_id, "心2026-0001")
    with database.read() as session:
        referral = session.get(Referral, visit.referral_id)
        assert referral is not None and referral.result == "case_opened"
        (intake,) = session.scalars(select(RiskAssessment))
        assert (intake.case_id, intake.session_id, intake.level) == (ref.case_id, None, "中")
    direct = cases.take_up(database, cases.CaseInput(
        _person(database, register(database, 2)), "失眠"))
    row = _stored(database, direct.case_id)
    assert (row.case_no, row.visit_id, row.referral_id, row.highest_risk) == (
        "心2026-0002", None, None, "低")


def test_a_case_without_an_opening_day_opens_on_the_day_given(database: Database) -> None:
    """``today`` (a case typed in the next morning for the day before, a test's day) rules
    both the opening day left blank and the check that it is not after today."""
    draft = _draft(database, routed_visit(database, 1).visit_id)
    yesterday = TODAY - timedelta(days=1)
    ref = cases.take_up(database, draft, today=yesterday)
    assert _stored(database, ref.case_id).opened_on == yesterday
    late = _draft(database, routed_visit(database, 2).visit_id)
    late.opened_on = TODAY
    assert _errors(database, late, today=yesterday) == {"opened_on": "接案日期不能晚于今天"}


def test_case_numbers_run_by_the_year_the_case_was_opened(database: Database) -> None:
    last_year = _case(database, 1, opened_on=date(2025, 12, 31))
    this_year = _case(database, 2, opened_on=date(2026, 1, 1))
    again = _case(database, 3, opened_on=date(2025, 6, 1))
    assert (last_year.case_no, this_year.case_no, again.case_no) == (
        "心2025-0001", "心2026-0001", "心2025-0002")
    row = _stored(database, again.case_id)
    assert (row.year, row.seq, row.opened_on) == (2025, 2, date(2025, 6, 1))
    counters = snapshot(database)["counters"]
    assert (counters["counselling:2025"], counters["counselling:2026"]) == (2, 1)


# -- the 主诉 ------------------------------------------------------------------------------


def test_the_intake_problem_is_saved_cleaned_and_never_blank(database: Database) -> None:
    ref = _case(database, 1)
    version = _version(database, ref.case_id)
    for blank in ("", " \n ", None):
        with pytest.raises(ValidationError) as info:
            cases.update_intake(database, ref.case_id, blank, version=version)  # type: ignore[arg-type]
        assert info.value.errors == {"intake_problem": "请填写来访人的主诉"}
    cases.update_intake(database, ref.case_id, "  失眠\n\n心慌 ", version=version)
    assert _stored(database, ref.case_id).intake_problem == "失眠\n\n心慌"


def test_a_stale_intake_is_refused_with_what_differs_unless_it_is_the_same(
        database: Database) -> None:
    ref = _case(database, 1)
    version = _version(database, ref.case_id)
    cases.update_intake(database, ref.case_id, "另一台电脑写的", version=version)
    with pytest.raises(StaleEditError) as info:
        cases.update_intake(database, ref.case_id, "我写的", version=version)
    assert info.value.record == "咨询个案"
    assert info.value.changes == [FieldChange("intake_problem", "主诉", "我写的", "另一台电脑写的")]
    assert _stored(database, ref.case_id).intake_problem == "另一台电脑写的"
    cases.update_intake(database, ref.case_id, "另一台电脑写的", version=version)
    closing.close_case(database, ref.case_id, TODAY, "咨询目标达成",
                       version=_version(database, ref.case_id))
    with pytest.raises(ValidationError) as closed:
        cases.update_intake(database, ref.case_id, "改", version=_version(database, ref.case_id))
    assert closed.value.errors == {"closed": CLOSED_MESSAGE}
    with pytest.raises(NotFoundError, match=r"^没有找到该咨询个案$"):
        cases.update_intake(database, 999_999, "改", version=1)


# -- the list and the counts ---------------------------------------------------------------


def test_the_list_filters_searches_and_puts_open_cases_first(database: Database) -> None:
    new = _case(database, 2, opened_on=date(2026, 11, 20))
    old = _case(database, 1, opened_on=date(2026, 11, 1))  # taken up later, opened earlier
    same_day = _case(database, 3, opened_on=date(2026, 11, 20))
    closed = _case(database, 4, opened_on=date(2026, 11, 25), risk=HIGH)
    closing.close_case(database, closed.case_id, TODAY, "咨询目标达成",
                       version=_version(database, closed.case_id))
    opened = [same_day.case_no, new.case_no, old.case_no]
    assert [r.case_no for r in _list(database)] == opened
    assert [r.case_no for r in _list(database, status="closed")] == [closed.case_no]
    assert [r.case_no for r in _list(database, status="all")] == [*opened, closed.case_no]
    assert [r.case_no for r in _list(database, status="all", limit=2)] == opened[:2]
    assert [r.case_no for r in _list(database, search=" 测试2 ")] == [new.case_no]
    assert [r.case_no for r in _list(database, search="-0003")] == [same_day.case_no]
    assert [r.case_no for r in _list(database, search="13900000001")] == [old.case_no]
    assert _list(database, search="1390000000") == []
    (row,) = _list(database, status="closed")
    assert (row.case_id, row.person_name, row.opened_on, row.sessions, row.last_contact,
            row.highest_risk, row.status, row.overdue) == (
        closed.case_id, "测试4号", date(2026, 11, 25), 0, date(2026, 11, 25), "高", "已结案",
        False)


def test_a_case_is_overdue_after_14_days_without_contact(database: Database) -> None:
    quiet = _case(database, 1, opened_on=TODAY - timedelta(days=14))
    late = _case(database, 2, opened_on=TODAY - timedelta(days=30))
    sessions.add_session(database, late.case_id, session_input(
        held_on=TODAY - timedelta(days=20)))
    sessions.add_session(database, late.case_id, session_input(
        held_on=TODAY - timedelta(days=15)))
    high = _case(database, 3, opened_on=TODAY, risk=HIGH)
    rows = {r.case_no: r for r in _list(database, today=TODAY)}
    assert (rows[quiet.case_no].last_contact, rows[quiet.case_no].overdue) == (
        TODAY - timedelta(days=14), False)
    assert (rows[late.case_no].sessions, rows[late.case_no].last_contact,
            rows[late.case_no].overdue) == (2, TODAY - timedelta(days=15), True)
    assert [r.case_no for r in _list(database, status="attention", today=TODAY)] == [
        high.case_no, late.case_no]
    with database.read() as session:
        assert cases.open_counts(session, today=TODAY) == {
            "open": 3, "high": 1, "overdue": 1, "closed": 0}
        assert cases.case_counts(session, today=TODAY + timedelta(days=1)) == {
            "open": 3, "high": 1, "overdue": 2, "closed": 0}
    closing.close_case(database, late.case_id, TODAY, "失去联系",
                       version=_version(database, late.case_id))
    closing.close_case(database, high.case_id, TODAY, "咨询目标达成",
                       version=_version(database, high.case_id))
    assert not {r.case_no: r for r in _list(database, status="all")}[late.case_no].overdue
    assert _list(database, status="attention", today=TODAY) == []
    with database.read() as session:
        assert cases.open_counts(session, today=TODAY) == {
            "open": 1, "high": 0, "overdue": 0, "closed": 2}


# -- the whole case ------------------------------------------------------------------------


def test_the_whole_case_reads_back_with_its_sessions_and_is_logged_when_opened(
        database: Database) -> None:
    visit = routed_visit(database, 1)
    draft = _draft(database, visit.visit_id)
    draft.opened_on = date(2026, 11, 20)
    draft.risk = RiskInput("中", "低", "低")
    ref = cases.take_up(database, draft)
    later = sessions.add_session(database, ref.case_id, session_input(
        held_on=date(2026, 11, 28), minutes=40, scales={"GAD-7": [1] * 7}))
    first = sessions.add_session(database, ref.case_id, session_input(
        held_on=date(2026, 11, 21), risk=RiskInput("低", "中", "低")))
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
        assert detail.version == session.get(CounsellingCase, ref.case_id).version  # type: ignore[union-attr]
    assert (detail.case_id, detail.case_no, detail.person_id, detail.person_name,
            detail.phone, detail.opened_on, detail.counsellor, detail.intake_problem,
            detail.highest_risk, detail.status, detail.closed) == (
        ref.case_id, ref.case_no, _person(database, visit), "测试1号", "13900000001",
        date(2026, 11, 20), "测试管理员", SECRET, "中", "咨询中", False)
    assert detail.visit_no == visit.visit_no and detail.visit_no and detail.gender == ""
    assert detail.intake_risk is not None and detail.intake_risk.level == "中"
    assert [s.id for s in detail.sessions] == [first, later]
    one, two = detail.sessions
    assert (one.held_on, one.counsellor, one.scales) == (date(2026, 11, 21), "测试管理员", [])
    assert (one.problem, one.intervention, one.plan) == (SESSION_SECRET, INTERVENTION,
                                                         PLAN_SECRET)
    assert one.risk is not None and one.risk.suicide == "中"
    assert (two.minutes, two.risk is not None and two.risk.level,
            [(s.scale, s.answers, s.total, s.band, s.flagged) for s in two.scales]) == (
        40, "低", [("GAD-7", (1,) * 7, 7, "轻度焦虑", False)])
    with database.read() as session:
        for data in detail.sessions:
            row = session.get(CounsellingSession, data.id)
            assert row is not None
            risk_row, scale_rows = sessions._parts(session, data.id)
            assert data.version == sessions.version_of(
                sessions.session_values(row, risk_row, scale_rows))
    assert (detail.referred_to, detail.referred_kind, detail.referred_on,
            detail.referral_reason, detail.closed_on, detail.close_reason) == (
        "", "", None, "", None, "")
    closing.close_case(database, ref.case_id, TODAY, "咨询目标达成", version=detail.version)
    with database.read() as session:
        closed = cases.case_detail(session, ref.case_id)
    assert (closed.status, closed.closed, closed.closed_on, closed.close_reason) == (
        "已结案", True, TODAY, "咨询目标达成")
    cases.log_opened(database, closed)
    with database.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert (entry.action, entry.target_type, entry.target_id) == (
            "open_record", "counselling_case", str(ref.case_id))
        assert json.loads(entry.detail) == {"编号": ref.case_no}
    for missing in (0, 999_999):
        with database.read() as session, pytest.raises(NotFoundError,
                                                       match=r"^没有找到该咨询个案$"):
            cases.case_detail(session, missing)


def test_a_case_opened_directly_reads_back_without_visit_or_intake_risk(
        database: Database) -> None:
    person_id = _person(database, register(database, 1, gender="女"))
    ref = cases.take_up(database, cases.CaseInput(person_id, "考试焦虑", TODAY))
    with database.write() as session:
        person = session.get(Person, person_id)
        assert person is not None
        person.phone = None
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
    assert (detail.visit_no, detail.gender, detail.phone, detail.sessions) == ("", "女", "", [])
    assert detail.intake_risk is not None and detail.intake_risk.level == "低"


def test_a_case_and_session_by_an_account_without_staff_show_no_counsellor(
        database: Database) -> None:
    visit = routed_visit(database, 1)
    admin = database.actor
    as_role(database, {"counsellor"}, staff_id=None)
    ref = cases.take_up(database, _draft(database, visit.visit_id))
    sessions.add_session(database, ref.case_id, session_input(held_on=TODAY))
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
    database.actor = admin
    assert detail.counsellor == "" and [s.counsellor for s in detail.sessions] == [""]


def test_a_referred_case_reads_back_where_when_and_why(database: Database) -> None:
    ref = _case(database, 1, opened_on=date(2026, 11, 20))
    referral_letter.save_referral(database, ref.case_id, referral_letter.ReferralInput(
        "市精神卫生中心", "精神卫生中心", date(2026, 11, 30), "需要进一步诊断"))
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
    assert (detail.referred_to, detail.referred_kind, detail.referred_on,
            detail.referral_reason) == ("市精神卫生中心", "精神卫生中心", date(2026, 11, 30),
                                        "需要进一步诊断")
