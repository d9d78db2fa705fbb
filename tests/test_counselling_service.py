"""The counselling room's rules: taking up, sessions, risk, scales, referral, closure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    CounsellingCase,
    CounsellingSession,
    Notification,
    RiskAssessment,
    ScaleResult,
    Staff,
    Visit,
)
from desktop.printing.counselling_referral import render_referral
from desktop.services import notifications
from desktop.services.admin import auth
from desktop.services.counselling import cases, closing, referral_letter, risk, scales, sessions
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import PermissionDenied, ValidationError
from tests.counselling_helpers import (
    SECRET,
    SESSION_SECRET,
    as_role,
    routed_visit,
    session_input,
    take_up,
)
from tests.poppler import text_of
from tests.reception_helpers import register

HIGH = RiskInput("高", "低", "低", crisis_step="陪同就医")


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return len(session.scalars(select(model)).all())


def _leader(database: Database, name: str = "钱卫东") -> int:
    with database.write() as session:
        staff = Staff(name=name, role="leader", active=True, login=f"leader{len(name)}")
        auth.set_roles(staff, ["leader"])
        session.add(staff)
        session.flush()
        return staff.id


# -- taking up --------------------------------------------------------------------------

def test_a_routed_visit_is_taken_up_once(database: Database) -> None:
    visit = routed_visit(database)
    with database.read() as session:
        (waiting,) = cases.routed_visits(session)
        draft = cases.draft_from_visit(session, visit.visit_id)
    assert waiting.visit_id == visit.visit_id and SECRET in draft.intake_problem
    ref = cases.take_up(database, draft)
    assert ref.case_no == f"心{date.today().year}-0001"
    with database.read() as session:
        assert cases.routed_visits(session) == []
    with pytest.raises(ValidationError) as refused:
        cases.take_up(database, draft)
    assert ref.case_no in refused.value.errors["visit"]
    assert _count(database, CounsellingCase) == 1


def test_a_visit_to_another_room_is_not_waiting(database: Database) -> None:
    register(database, 3)
    with database.read() as session:
        assert cases.routed_visits(session) == []


def test_a_case_opened_directly_needs_a_resident_and_a_problem(database: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        cases.take_up(database, cases.CaseInput(person_id=None, intake_problem=" "))
    assert set(refused.value.errors) == {"person", "intake_problem"}
    visit = register(database, 4)
    with database.read() as session:
        (person,) = cases.search_persons(session, "测试4号")
    ref = cases.take_up(database, cases.CaseInput(person.person_id, "考试焦虑"))
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
    assert detail.person_name == "测试4号" and detail.visit_no == ""
    assert visit.visit_id  # the visit stays as it was


def test_opening_date_must_be_real_and_not_in_the_future(database: Database) -> None:
    visit = routed_visit(database)
    with database.read() as session:
        draft = cases.draft_from_visit(session, visit.visit_id)
    draft.opened_on = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        cases.take_up(database, draft)
    assert "opened_on" in refused.value.errors
    draft.opened_on = date(1800, 1, 1)
    with pytest.raises(ValidationError):
        cases.take_up(database, draft)
    assert _count(database, CounsellingCase) == 0


# -- permissions ------------------------------------------------------------------------

@pytest.mark.parametrize("roles", [{"receptionist"}, {"mediator"}, {"admin"}, {"leader"},
                                   {"room_staff"}, {"police"}])
def test_every_read_and_write_needs_the_counsellors_role(database: Database,
                                                         roles: set[str]) -> None:
    ref = take_up(database)
    admin = database.actor
    as_role(database, roles)
    reads = [
        lambda s: cases.routed_visits(s), lambda s: cases.case_list(s),
        lambda s: cases.case_detail(s, ref.case_id), lambda s: cases.case_counts(s),
        lambda s: cases.draft_from_visit(s, 1), lambda s: cases.search_persons(s, "测试"),
        lambda s: referral_letter.letter_data(s, ref.case_id),
    ]
    for read in reads:
        with database.read() as session, pytest.raises(PermissionDenied):
            read(session)
    writes = [
        lambda: cases.take_up(database, cases.CaseInput(1, "失眠")),
        lambda: sessions.add_session(database, ref.case_id, session_input()),
        lambda: cases.update_intake(database, ref.case_id, "改", version=1),
        lambda: closing.close_case(database, ref.case_id, date.today(), "目标达成", version=1),
        lambda: referral_letter.save_referral(database, ref.case_id, referral_letter.ReferralInput(
            "市精神卫生中心", "精神卫生中心", date.today(), "需要诊断")),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    database.actor = admin
    assert _count(database, CounsellingSession) == 0


def test_counsellors_hold_read_edit_and_print() -> None:
    for permission in ("counselling.read", "counselling.edit", "counselling.print"):
        assert auth.MATRIX[permission] == frozenset({"counsellor"})


# -- sessions and risk ------------------------------------------------------------------

def test_a_session_is_recorded_with_its_risk_and_scales(database: Database) -> None:
    ref = take_up(database)
    phq = [1, 1, 2, 1, 0, 1, 1, 0, 0]
    sessions.add_session(database, ref.case_id, session_input(
        risk=RiskInput("中", "低", "低"), scales={"PHQ-9": phq, "GAD-7": [3] * 7}))
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
        (stored,) = detail.sessions
        assert stored.minutes == 50 and stored.problem == SESSION_SECRET
        assert stored.risk is not None and stored.risk.level == "中"
        by_code = {s.scale: s for s in stored.scales}
        assert by_code["PHQ-9"].total == 7 and by_code["PHQ-9"].band == "轻度抑郁"
        assert by_code["PHQ-9"].answers == tuple(phq) and not by_code["PHQ-9"].flagged
        assert by_code["GAD-7"].total == 21 and by_code["GAD-7"].band == "重度焦虑"
        assert detail.highest_risk == "中"
        assert session.scalar(select(Visit.risk_level)) != "红"


@pytest.mark.parametrize(("changes", "field"), [
    ({"minutes": 0}, "minutes"), ({"minutes": -5}, "minutes"), ({"minutes": 481}, "minutes"),
    ({"minutes": None}, "minutes"), ({"held_on": None}, "held_on"),
    ({"held_on": date(1800, 1, 1)}, "held_on"),
    ({"held_on": timedelta(days=1)}, "held_on"),
    ({"problem": "  "}, "problem"), ({"intervention": ""}, "intervention"),
    ({"scales": {"PHQ-9": [0, 1, 2, 3, 4, 0, 0, 0, 0]}}, "scale.PHQ-9"),
    ({"scales": {"PHQ-9": [0, 1, -1, 0, 0, 0, 0, 0, 0]}}, "scale.PHQ-9"),
    ({"scales": {"GAD-7": [0, 1, 2]}}, "scale.GAD-7"),
    ({"scales": {"BDI": [0]}}, "scale"),
    ({"risk": RiskInput("极高", "低", "低")}, "risk.self_harm"),
])
def test_bad_sessions_are_refused_and_nothing_is_written(
        database: Database, changes: dict[str, object], field: str) -> None:
    ref = take_up(database)
    changes = {k: date.today() + v if isinstance(v, timedelta) else v  # the test's clock
               for k, v in changes.items()}
    with pytest.raises(ValidationError) as refused:
        sessions.add_session(database, ref.case_id, session_input(**changes))
    assert field in refused.value.errors
    assert _count(database, CounsellingSession) == 0
    assert _count(database, ScaleResult) == 0


def test_a_session_before_the_case_was_opened_is_refused(database: Database) -> None:
    ref = take_up(database)
    with pytest.raises(ValidationError) as refused:
        sessions.add_session(database, ref.case_id,
                             session_input(held_on=date.today() - timedelta(days=3)))
    assert "held_on" in refused.value.errors


@pytest.mark.parametrize("levels", [("高", "低", "低"), ("低", "高", "低"), ("低", "低", "高")])
def test_high_risk_without_a_crisis_step_is_refused(database: Database,
                                                    levels: tuple[str, str, str]) -> None:
    ref = take_up(database)
    with pytest.raises(ValidationError) as refused:
        sessions.add_session(database, ref.case_id, session_input(risk=RiskInput(*levels)))
    assert "crisis_step" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        sessions.add_session(database, ref.case_id, session_input(
            risk=RiskInput(*levels, crisis_step="其他")))
    assert "crisis_note" in refused.value.errors
    assert _count(database, CounsellingSession) == 0
    assert _count(database, Notification) == 0
    with database.read() as session:
        assert session.scalar(select(Visit.risk_level)) != "红"


def test_high_risk_raises_the_visit_and_tells_the_leaders_without_content(
        database: Database) -> None:
    leader_id = _leader(database)
    ref = take_up(database)
    sessions.add_session(database, ref.case_id, session_input(
        risk=RiskInput("低", "高", "中", crisis_step="其他", crisis_note="联系社区网格员上门")))
    with database.read() as session:
        assert session.scalar(select(Visit.risk_level)) == "红"
        assert session.scalar(select(CounsellingCase.highest_risk)) == "高"
        (row,) = session.scalars(select(Notification))
    assert row.role == "leader" and ref.case_no in row.text
    for secret in (SECRET, SESSION_SECRET, "联系社区网格员", "测试7号"):
        assert secret not in row.text
    as_role(database, {"leader"}, leader_id)
    with database.read() as session:
        assert notifications.unread_count(session) == 1
        (shown,) = notifications.unread(session)
    assert shown.text == risk.leader_notice(ref.case_no)
    notifications.mark_read(database, [shown.id])
    with database.read() as session:
        assert notifications.unread_count(session) == 0
    as_role(database, {"receptionist"}, leader_id)
    with database.read() as session:
        assert notifications.unread_count(session) == 0  # not addressed to that role


def test_high_risk_at_intake_raises_at_once(database: Database) -> None:
    take_up(database, risk=RiskInput("低", "低", "高", crisis_step="移交公安"))
    with database.read() as session:
        assert session.scalar(select(Visit.risk_level)) == "红"
        (assessment,) = session.scalars(select(RiskAssessment))
    assert assessment.session_id is None and assessment.crisis_step == "移交公安"
    assert _count(database, Notification) == 1


def test_intake_high_risk_without_a_step_writes_nothing(database: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        take_up(database, risk=RiskInput("高", "低", "低"))
    assert "crisis_step" in refused.value.errors
    assert _count(database, CounsellingCase) == 0


# -- scales -----------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "band"), [(0, "无抑郁症状"), (4, "无抑郁症状"),
                                             (5, "轻度抑郁"), (9, "轻度抑郁"),
                                             (10, "中度抑郁"), (14, "中度抑郁"),
                                             (15, "中重度抑郁"), (19, "中重度抑郁"),
                                             (20, "重度抑郁"), (27, "重度抑郁")])
def test_phq9_bands(total: int, band: str) -> None:
    answers = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    answers[-1] = total - sum(answers[:-1])
    assert scales.score("PHQ-9", answers).band == band


@pytest.mark.parametrize(("total", "band"), [(0, "无焦虑症状"), (4, "无焦虑症状"),
                                             (5, "轻度焦虑"), (9, "轻度焦虑"),
                                             (10, "中度焦虑"), (14, "中度焦虑"),
                                             (15, "重度焦虑"), (21, "重度焦虑")])
def test_gad7_bands(total: int, band: str) -> None:
    answers = [min(3, max(0, total - 3 * i)) for i in range(7)]
    assert sum(answers) == total
    assert scales.score("GAD-7", answers).band == band


def test_phq9_item_nine_flags_risk() -> None:
    assert scales.score("PHQ-9", [0] * 8 + [1]).flagged
    assert not scales.score("PHQ-9", [3] * 8 + [0]).flagged
    assert not scales.score("GAD-7", [3] * 7).flagged
    assert len(scales.PHQ9.items) == 9 and len(scales.GAD7.items) == 7
    assert scales.PHQ9.max_total == 27 and scales.GAD7.max_total == 21


def test_scale_answers_must_be_whole_numbers_0_to_3() -> None:
    for bad in ([0] * 8 + [True], [0] * 8 + [1.5], [0] * 10):
        with pytest.raises(ValidationError):
            scales.score("PHQ-9", bad)  # type: ignore[arg-type]


# -- referral and closure ---------------------------------------------------------------

def test_referral_letter_prints_in_chinese(database: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ref = take_up(database)
    with database.read() as session, pytest.raises(ValidationError):
        referral_letter.letter_data(session, ref.case_id)  # nothing referred yet
    referral_letter.save_referral(database, ref.case_id, referral_letter.ReferralInput(
        "市精神卫生中心", "精神卫生中心", date.today(), "持续失眠伴消极念头，建议专科评估"))
    with database.read() as session:
        data = referral_letter.letter_data(session, ref.case_id)
    path = tmp_path / "referral.pdf"
    path.write_bytes(render_referral(data))
    text = text_of(path)
    for expected in ("心理咨询转介单", "市精神卫生中心", ref.case_no, "持续失眠伴消极念头",
                     "转介回执", "东林街道综治中心"):
        assert expected in text.replace(" ", "").replace("\n", ""), expected


@pytest.mark.parametrize(("changes", "field"), [
    ({"referred_to": ""}, "referred_to"), ({"kind": "诊所"}, "referred_kind"),
    ({"referred_on": None}, "referred_on"),
    ({"referred_on": timedelta(days=2)}, "referred_on"),
    ({"reason": " "}, "referral_reason"),
])
def test_bad_referrals_are_refused(database: Database, changes: dict[str, object],
                                   field: str) -> None:
    ref = take_up(database)
    values: dict[str, object] = dict(referred_to="市精神卫生中心", kind="精神卫生中心",
                                     referred_on=date.today(), reason="需要诊断")
    values.update({k: date.today() + v if isinstance(v, timedelta) else v
                   for k, v in changes.items()})
    with pytest.raises(ValidationError) as refused:
        referral_letter.save_referral(database, ref.case_id,
                                      referral_letter.ReferralInput(**values))  # type: ignore[arg-type]
    assert field in refused.value.errors


def test_closure_needs_date_and_reason_and_ends_the_case(database: Database) -> None:
    ref = take_up(database)
    sessions.add_session(database, ref.case_id, session_input())
    for closed_on, reason, field in ((None, "目标达成", "closed_on"),
                                     (date.today(), "", "close_reason"),
                                     (date.today() + timedelta(days=1), "目标达成", "closed_on"),
                                     (date.today() - timedelta(days=1), "目标达成", "closed_on")):
        with pytest.raises(ValidationError) as refused:
            closing.close_case(database, ref.case_id, closed_on, reason, version=1)
        assert field in refused.value.errors
    with database.read() as session:
        version = cases.case_detail(session, ref.case_id).version
    closing.close_case(database, ref.case_id, date.today(), "咨询目标达成", version=version)
    with database.read() as session:
        detail = cases.case_detail(session, ref.case_id)
        assert detail.closed and detail.close_reason == "咨询目标达成"
        assert [r.case_no for r in cases.case_list(session, status="closed")] == [ref.case_no]
    with pytest.raises(ValidationError) as refused:
        sessions.add_session(database, ref.case_id, session_input())
    assert "closed" in refused.value.errors


def test_the_list_marks_high_risk_and_overdue(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    quiet = take_up(database, 1)
    high = take_up(database, 2, risk=HIGH)
    with database.read() as session:
        rows = {r.case_no: r for r in cases.case_list(session)}
        assert rows[high.case_no].attention and not rows[quiet.case_no].attention
        later = date.today() + timedelta(days=15)
        rows = {r.case_no: r for r in cases.case_list(session, today=later)}
        assert rows[quiet.case_no].overdue and rows[quiet.case_no].attention
        attention = cases.case_list(session, status="attention")
        assert [r.case_no for r in attention] == [high.case_no]
        assert cases.case_counts(session) == {"open": 2, "high": 1, "overdue": 0, "closed": 0}
