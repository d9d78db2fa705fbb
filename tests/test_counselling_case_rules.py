"""The counselling room's session and closing rules one by one: every refusal with its
field and message, the boundaries of the dates and the minutes, what a session stores
with its assessment and scales, and what closing and reopening change
(``counselling/sessions``, ``counselling/closing``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import CounsellingCase, CounsellingSession, RiskAssessment, ScaleResult
from desktop.services.counselling import CLOSED_MESSAGE, cases, closing, sessions
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from tests.counselling_helpers import (
    INTERVENTION,
    PLAN_SECRET,
    SESSION_SECRET,
    as_role,
    routed_visit,
    session_input,
)

TODAY = date(2026, 12, 2)
OPENED = date(2026, 11, 20)


def _case(database: Database, n: int = 7, opened_on: date = OPENED) -> int:
    visit = routed_visit(database, n)
    with database.read() as session:
        draft = cases.draft_from_visit(session, visit.visit_id)
    draft.opened_on = opened_on
    return cases.take_up(database, draft).case_id


def _session_errors(database: Database, case_id: int, **changes: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        sessions.add_session(database, case_id, session_input(**changes))
    return info.value.errors


def _close_errors(database: Database, case_id: int, closed_on: date | None, reason: str,
                  **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        closing.close_case(database, case_id, closed_on, reason, version=_version(
            database, case_id), **kw)  # type: ignore[arg-type]
    return info.value.errors


def _version(database: Database, case_id: int) -> int:
    with database.read() as session:
        return cases.case_detail(session, case_id).version


def _stored_case(database: Database, case_id: int) -> CounsellingCase:
    with database.read() as session:
        row = session.get(CounsellingCase, case_id)
        assert row is not None
        session.expunge(row)
        return row


def _scales(database: Database, session_id: int) -> list[tuple[int, str, str, int, str, bool]]:
    with database.read() as session:
        return [(r.id, r.scale, r.answers, r.total, r.band, r.flagged)
                for r in session.scalars(select(ScaleResult)
                                         .where(ScaleResult.session_id == session_id)
                                         .order_by(ScaleResult.scale))]


def _loaded(database: Database, case_id: int, session_id: int) -> cases.SessionData:
    with database.read() as session:
        (found,) = [s for s in cases.case_detail(session, case_id).sessions
                    if s.id == session_id]
    return found


# -- what a session may not be -------------------------------------------------------------


def test_an_empty_session_is_refused_field_by_field() -> None:
    data = sessions.SessionInput(held_on=None, minutes=None, problem=" ", intervention="")
    assert sessions.validate_session(data) == {
        "held_on": "请填写咨询日期", "minutes": "请填写咨询时长（分钟）",
        "problem": "请填写来访问题", "intervention": "请填写本次咨询做了什么"}


@pytest.mark.parametrize(("minutes", "message"), [
    (0, "咨询时长应为 1～480 分钟"), (481, "咨询时长应为 1～480 分钟"), (1, None), (480, None),
    (True, "请填写咨询时长（分钟）"), ("50", "请填写咨询时长（分钟）"),
    (50.0, "请填写咨询时长（分钟）"),
])
def test_a_session_lasts_1_to_480_whole_minutes(minutes: object, message: str | None) -> None:
    errors = sessions.validate_session(session_input(minutes=minutes, held_on=TODAY))
    assert errors == ({} if message is None else {"minutes": message})


def test_the_risk_and_the_scales_are_checked_with_the_session() -> None:
    errors = sessions.validate_session(session_input(
        held_on=TODAY, risk=RiskInput("高", "低", "低"),
        scales={"PHQ-9": [0] * 8, "GAD-7": [0] * 7}))
    assert errors == {"crisis_step": "评估为高风险，须选择已采取的危机处置措施",
                      "scale.PHQ-9": "PHQ-9 应回答全部 9 题"}


def test_a_session_is_dated_from_the_opening_of_the_case_to_today(database: Database) -> None:
    case_id = _case(database)
    assert _session_errors(database, case_id, held_on=date(1899, 12, 31)) == {
        "held_on": "咨询日期应在1900年至2100年之间"}
    assert _session_errors(database, case_id, held_on=date(2101, 1, 1)) == {
        "held_on": "咨询日期应在1900年至2100年之间"}
    assert _session_errors(database, case_id, held_on=TODAY + timedelta(days=1)) == {
        "held_on": "咨询日期不能晚于今天"}
    assert _session_errors(database, case_id, held_on=OPENED - timedelta(days=1)) == {
        "held_on": "咨询日期不能早于接案日期"}
    with pytest.raises(ValidationError) as info:
        sessions.add_session(database, case_id, session_input(held_on=TODAY),
                             today=TODAY - timedelta(days=1))
    assert info.value.errors == {"held_on": "咨询日期不能晚于今天"}
    first = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    later = sessions.add_session(database, case_id, session_input(
        held_on=TODAY + timedelta(days=1)), today=TODAY + timedelta(days=1))
    with database.read() as session:
        days = {row.id: row.held_on for row in session.execute(
            select(CounsellingSession.id, CounsellingSession.held_on))}
    assert days == {first: OPENED, later: TODAY + timedelta(days=1)}


def test_no_session_for_a_case_that_does_not_exist(database: Database) -> None:
    for case_id in (0, 999_999):
        with pytest.raises(NotFoundError, match=r"^没有找到该咨询个案$"):
            sessions.add_session(database, case_id, session_input())


# -- what a session stores -----------------------------------------------------------------


def test_a_session_stores_what_was_typed_its_counsellor_assessment_and_scales(
        database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=date(2026, 11, 25), minutes=45, plan="  一周后复谈 ",
        risk=RiskInput("中", "低", "低", crisis_step="通知监护人"),
        scales={"PHQ-9": [0, 0, 0, 0, 0, 0, 0, 0, 2], "GAD-7": [3] * 7}))
    with database.read() as session:
        row = session.get(CounsellingSession, session_id)
        risk_row = session.scalar(select(RiskAssessment).where(
            RiskAssessment.session_id == session_id))
        assert row is not None and risk_row is not None
        assert (row.case_id, row.held_on, row.minutes, row.plan) == (
            case_id, date(2026, 11, 25), 45, "一周后复谈")
        assert database.actor is not None
        assert row.counsellor_id == database.actor.staff_id is not None
        assert (risk_row.case_id, risk_row.level, risk_row.crisis_step) == (
            case_id, "中", "通知监护人")
        case_ids = set(session.scalars(select(ScaleResult.case_id)))
    assert case_ids == {case_id}
    assert [s[1:] for s in _scales(database, session_id)] == [
        ("GAD-7", "3,3,3,3,3,3,3", 21, "重度焦虑", False),
        ("PHQ-9", "0,0,0,0,0,0,0,0,2", 2, "无抑郁症状", True)]


def test_a_change_of_scales_keeps_the_unchanged_rewrites_the_changed_and_adds_or_drops(
        database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [1] * 9, "GAD-7": [1] * 7}))
    (gad_id, *_), (phq_id, *_) = _scales(database, session_id)
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [2] * 8 + [0], "GAD-7": [1] * 7}),
        version=_loaded(database, case_id, session_id).version)
    assert _scales(database, session_id) == [
        (gad_id, "GAD-7", "1,1,1,1,1,1,1", 7, "轻度焦虑", False),
        (phq_id, "PHQ-9", "2,2,2,2,2,2,2,2,0", 16, "中重度抑郁", False)]
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [0] * 8 + [1]}),
        version=_loaded(database, case_id, session_id).version)
    assert _scales(database, session_id) == [
        (phq_id, "PHQ-9", "0,0,0,0,0,0,0,0,1", 1, "无抑郁症状", True)]
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [0] * 8 + [1], "GAD-7": [0] * 7}),
        version=_loaded(database, case_id, session_id).version)
    (_gad, *new), phq = _scales(database, session_id)
    assert new == ["GAD-7", "0,0,0,0,0,0,0", 0, "无焦虑症状", False] and phq[0] == phq_id
    with database.read() as session:
        assert set(session.scalars(select(ScaleResult.case_id))) == {case_id}


def test_a_changed_session_takes_every_new_value(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED + timedelta(days=1), minutes=30, problem="新问题", intervention="新处理",
        plan="新计划"), version=_loaded(database, case_id, session_id).version)
    loaded = _loaded(database, case_id, session_id)
    assert (loaded.held_on, loaded.minutes, loaded.problem, loaded.intervention,
            loaded.plan) == (OPENED + timedelta(days=1), 30, "新问题", "新处理", "新计划")


def test_a_changed_session_is_refused_before_the_opening_or_after_today(
        database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    version = _loaded(database, case_id, session_id).version
    for held_on, message in ((OPENED - timedelta(days=1), "咨询日期不能早于接案日期"),
                             (TODAY + timedelta(days=1), "咨询日期不能晚于今天")):
        with pytest.raises(ValidationError) as info:
            sessions.update_session(database, session_id, session_input(held_on=held_on),
                                    version=version)
        assert info.value.errors == {"held_on": message}
    sessions.update_session(database, session_id, session_input(
        held_on=TODAY + timedelta(days=1)), version=version, today=TODAY + timedelta(days=1))
    assert _loaded(database, case_id, session_id).held_on == TODAY + timedelta(days=1)


def test_a_session_that_cannot_be_or_is_gone_is_not_changed_or_deleted(
        database: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^没有找到该咨询记录$"):
        sessions.update_session(database, 0, session_input(), version=1)
    with pytest.raises(NotFoundError, match=r"^没有找到该咨询记录$"):
        sessions.delete_session(database, -1, version=1)
    for write in (lambda: sessions.update_session(database, 999_999, session_input(),
                                                  version=1),
                  lambda: sessions.delete_session(database, 999_999, version=1)):
        with pytest.raises(StaleEditError) as info:
            write()
        assert info.value.deleted and info.value.record == "咨询记录"


def test_a_delete_over_a_changed_session_is_refused(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, scales={"GAD-7": [1] * 7}))
    version = _loaded(database, case_id, session_id).version
    with pytest.raises(StaleEditError, match="请重新载入后再删除") as info:
        sessions.delete_session(database, session_id, version=version + 1)
    assert str(info.value) == "该咨询记录已被他人修改，请重新载入后再删除"
    with database.read() as session:
        assert session.scalar(select(CounsellingSession.id)) == session_id
    sessions.delete_session(database, session_id, version=version)
    with database.read() as session:
        assert session.scalar(select(CounsellingSession.id)) is None
        assert session.scalar(select(ScaleResult.id)) is None


def test_a_stale_save_is_refused_naming_each_field_that_differs_and_writes_nothing(
        database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, risk=RiskInput("中", "低", "低"), scales={"GAD-7": [1] * 7}))
    version = _loaded(database, case_id, session_id).version
    theirs = session_input(held_on=OPENED + timedelta(days=1), minutes=70, problem="他们的问题",
                           intervention="他们的处理", plan="他们的计划",
                           risk=RiskInput("低", "低", "低"), scales={"GAD-7": [2] * 7})
    sessions.update_session(database, session_id, theirs, version=version)
    stored = _loaded(database, case_id, session_id)
    with pytest.raises(StaleEditError, match="请重新载入后再保存") as info:
        sessions.update_session(database, session_id, session_input(
            held_on=OPENED, risk=RiskInput("中", "低", "低"), scales={"PHQ-9": [0] * 9}),
            version=version)
    assert info.value.record == "咨询记录"
    assert [(c.field, c.label, c.yours, c.current) for c in info.value.changes] == [
        ("held_on", "咨询日期", "2026-11-20", "2026-11-21"),
        ("minutes", "时长（分钟）", "50", "70"),
        ("problem", "来访问题", SESSION_SECRET, "他们的问题"),
        ("intervention", "咨询处理", INTERVENTION, "他们的处理"),
        ("plan", "后续计划", PLAN_SECRET, "他们的计划"),
        ("risk", "风险评估", "自伤中、自杀低、伤人低", "自伤低、自杀低、伤人低"),
        ("scales", "量表", "PHQ-9 0,0,0,0,0,0,0,0,0", "GAD-7 2,2,2,2,2,2,2")]
    assert _loaded(database, case_id, session_id) == stored
    assert [s[1:3] for s in _scales(database, session_id)] == [("GAD-7", "2,2,2,2,2,2,2")]
    # A stale form that writes what the record now holds overwrites nothing: saved.
    sessions.update_session(database, session_id, theirs, version=version)
    assert _loaded(database, case_id, session_id) == stored


def test_a_session_without_an_assessment_gets_one_when_saved(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    with database.write() as session:
        for row in session.scalars(select(RiskAssessment).where(
                RiskAssessment.session_id == session_id)):
            session.delete(row)
    loaded = _loaded(database, case_id, session_id)
    assert loaded.risk is None
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED, risk=RiskInput("低", "中", "低")), version=loaded.version)
    with database.read() as session:
        (risk_row,) = session.scalars(select(RiskAssessment).where(
            RiskAssessment.session_id == session_id))
        assert (risk_row.case_id, risk_row.level, risk_row.suicide) == (case_id, "中", "中")
    assert _stored_case(database, case_id).highest_risk == "中"


def test_a_session_without_an_assessment_is_deleted(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    with database.write() as session:
        for row in session.scalars(select(RiskAssessment).where(
                RiskAssessment.session_id == session_id)):
            session.delete(row)
    sessions.delete_session(database, session_id,
                            version=_loaded(database, case_id, session_id).version)
    with database.read() as session:
        assert session.scalar(select(CounsellingSession.id)) is None
        assert list(session.scalars(select(RiskAssessment.session_id))) == [None]


def test_dropping_the_first_scale_still_rewrites_the_next(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [1] * 9, "GAD-7": [1] * 7}))
    (gad_id, *_), (phq_id, *_) = _scales(database, session_id)
    assert phq_id < gad_id
    sessions.update_session(database, session_id, session_input(
        held_on=OPENED, scales={"GAD-7": [2] * 7}),
        version=_loaded(database, case_id, session_id).version)
    assert _scales(database, session_id) == [
        (gad_id, "GAD-7", "2,2,2,2,2,2,2", 14, "中度焦虑", False)]


def test_a_session_is_deleted_with_its_own_assessment_and_scales_only(
        database: Database) -> None:
    case_id = _case(database)
    gone = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, risk=RiskInput("中", "低", "低"), scales={"GAD-7": [1] * 7}))
    kept = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, scales={"PHQ-9": [1] * 9}))
    sessions.delete_session(database, gone, version=_loaded(database, case_id, gone).version)
    with database.read() as session:
        assert list(session.scalars(select(CounsellingSession.id))) == [kept]
        assert sorted(session.scalars(select(RiskAssessment.session_id)),
                      key=lambda s: s or 0) == [None, kept]
        assert list(session.scalars(select(ScaleResult.session_id))) == [kept]


def test_a_closed_case_s_sessions_are_not_changed_or_deleted(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    version = _loaded(database, case_id, session_id).version
    closing.close_case(database, case_id, TODAY, "咨询目标达成",
                       version=_version(database, case_id))
    for write in (lambda: sessions.update_session(database, session_id,
                                                  session_input(held_on=OPENED, minutes=20),
                                                  version=version),
                  lambda: sessions.delete_session(database, session_id, version=version),
                  lambda: sessions.add_session(database, case_id,
                                               session_input(held_on=OPENED))):
        with pytest.raises(ValidationError) as info:
            write()
        assert info.value.errors == {"closed": CLOSED_MESSAGE}
    with database.read() as session:
        assert list(session.scalars(select(CounsellingSession.minutes))) == [50]


@pytest.mark.parametrize("roles", [{"receptionist"}, {"admin"}, {"leader"}])
def test_only_a_counsellor_records_changes_or_deletes_a_session(
        database: Database, roles: set[str]) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(held_on=OPENED))
    version = _loaded(database, case_id, session_id).version
    counsellor = database.actor
    as_role(database, roles)
    for write in (lambda: sessions.add_session(database, case_id, session_input()),
                  lambda: sessions.update_session(database, session_id,
                                                  session_input(minutes=20), version=version),
                  lambda: sessions.delete_session(database, session_id, version=version)):
        with pytest.raises(PermissionDenied) as info:
            write()
        assert info.value.permission == "counselling.edit"
    database.actor = counsellor
    with database.read() as session:
        assert list(session.scalars(select(CounsellingSession.minutes))) == [50]


# -- what the form shows and how a version is taken ----------------------------------------


def test_the_assessment_reads_as_its_levels_and_step() -> None:
    assert sessions.risk_text("低", "高", "中", "其他", "联系网格员") == \
        "自伤低、自杀高、伤人中；处置：其他：联系网格员"
    assert sessions.risk_text("低", "高", "中", "陪同就医", "") == \
        "自伤低、自杀高、伤人中；处置：陪同就医"
    assert sessions.risk_text("中", "低", "低", "", "") == "自伤中、自杀低、伤人低"


def test_the_form_values_name_every_field_and_the_scales_in_order(database: Database) -> None:
    case_id = _case(database)
    session_id = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, minutes=40, plan="复谈", risk=RiskInput("中", "低", "低"),
        scales={"PHQ-9": [1] * 9, "GAD-7": [0] * 7}))
    with database.read() as session:
        row = session.get(CounsellingSession, session_id)
        assert row is not None
        risk_row, scale_rows = sessions._parts(session, session_id)
        values = sessions.session_values(row, risk_row, list(reversed(scale_rows)))
        no_risk = sessions.session_values(row, None, [])
    assert values["held_on"] == "2026-11-20" and values["minutes"] == "40"
    assert values["plan"] == "复谈" and values["risk"] == "自伤中、自杀低、伤人低"
    assert values["scales"] == "GAD-7 0,0,0,0,0,0,0；PHQ-9 1,1,1,1,1,1,1,1,1"
    assert no_risk["risk"] == "" and no_risk["scales"] == ""
    assert set(values) == set(sessions.SESSION_LABELS)
    version = sessions.version_of(values)
    assert version == sessions.version_of(dict(reversed(values.items())))
    assert version != sessions.version_of({**values, "plan": "复谈。"})
    assert 0 <= version < 16 ** 12


def test_the_form_values_carry_the_crisis_step_and_what_was_done(database: Database) -> None:
    case_id = _case(database)
    with_note = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, risk=RiskInput("中", "低", "低", crisis_step="其他",
                                       crisis_note="联系网格员")))
    step_only = sessions.add_session(database, case_id, session_input(
        held_on=OPENED, risk=RiskInput("低", "中", "低", crisis_step="通知监护人")))
    with database.read() as session:
        values = []
        for session_id in (with_note, step_only):
            row = session.get(CounsellingSession, session_id)
            assert row is not None
            values.append(sessions.session_values(row, *sessions._parts(session, session_id)))
    assert [v["risk"] for v in values] == ["自伤中、自杀低、伤人低；处置：其他：联系网格员",
                                           "自伤低、自杀中、伤人低；处置：通知监护人"]


def test_minutes_are_read_as_typed() -> None:
    assert sessions.minutes_from_text("50") == 50
    assert sessions.minutes_from_text(" 50分钟 ") == 50
    assert sessions.minutes_from_text("50 分钟") == 50
    for text in ("", "分钟", "五十", "-5", "1.5"):
        assert sessions.minutes_from_text(text) is None


# -- closing and reopening -----------------------------------------------------------------


def test_closing_is_refused_field_by_field(database: Database) -> None:
    case_id = _case(database)
    assert _close_errors(database, case_id, None, " ") == {
        "closed_on": "请填写结案日期", "close_reason": "请填写结案原因"}
    assert _close_errors(database, case_id, date(1899, 12, 31), "咨询目标达成") == {
        "closed_on": "结案日期应在1900年至2100年之间"}
    assert _close_errors(database, case_id, TODAY + timedelta(days=1), "咨询目标达成") == {
        "closed_on": "结案日期不能晚于今天"}
    assert _close_errors(database, case_id, TODAY, "咨询目标达成",
                         today=TODAY - timedelta(days=1)) == {
        "closed_on": "结案日期不能晚于今天"}
    assert _close_errors(database, case_id, TODAY, "长" * 501) == {
        "close_reason": "结案原因不能超过 500 个字"}
    assert _close_errors(database, case_id, OPENED - timedelta(days=1), "咨询目标达成") == {
        "closed_on": "结案日期不能早于接案日期"}
    assert _stored_case(database, case_id).status == "open"


def test_a_case_closes_on_its_last_session_at_the_earliest(database: Database) -> None:
    case_id = _case(database)
    sessions.add_session(database, case_id, session_input(held_on=date(2026, 11, 25)))
    sessions.add_session(database, case_id, session_input(held_on=date(2026, 11, 22)))
    assert _close_errors(database, case_id, date(2026, 11, 24), "咨询目标达成") == {
        "closed_on": "结案日期不能早于最后一次咨询"}
    closing.close_case(database, case_id, date(2026, 11, 25), "长" * 500,
                       version=_version(database, case_id))
    row = _stored_case(database, case_id)
    assert (row.status, row.closed_on, row.close_reason) == (
        "closed", date(2026, 11, 25), "长" * 500)


def test_a_case_closes_on_its_opening_day_and_the_reason_is_cleaned(
        database: Database) -> None:
    case_id = _case(database)
    closing.close_case(database, case_id, OPENED, "  来访人要求结束\n\n已告知可再来 ",
                       version=_version(database, case_id))
    row = _stored_case(database, case_id)
    assert (row.closed_on, row.close_reason) == (OPENED, "来访人要求结束\n\n已告知可再来")


def test_a_closed_case_is_not_closed_again_and_a_stale_close_is_refused(
        database: Database) -> None:
    case_id = _case(database)
    version = _version(database, case_id)
    with pytest.raises(StaleEditError) as info:
        closing.close_case(database, case_id, TODAY, "咨询目标达成", version=version + 1)
    assert info.value.record == "咨询个案"
    assert _stored_case(database, case_id).status == "open"
    closing.close_case(database, case_id, TODAY, "咨询目标达成", version=version)
    assert _close_errors(database, case_id, TODAY, "失去联系") == {"closed": CLOSED_MESSAGE}
    for missing in (0, 999_999):
        with pytest.raises(NotFoundError, match=r"^没有找到该咨询个案$"):
            closing.close_case(database, missing, TODAY, "咨询目标达成", version=1)
        with pytest.raises(NotFoundError, match=r"^没有找到该咨询个案$"):
            closing.reopen_case(database, missing)


def test_reopening_clears_the_date_and_reason_and_leaves_an_open_case(
        database: Database) -> None:
    case_id = _case(database)
    open_version = _version(database, case_id)
    closing.reopen_case(database, case_id)
    assert _version(database, case_id) == open_version
    closing.close_case(database, case_id, TODAY, "咨询目标达成", version=open_version)
    closing.reopen_case(database, case_id)
    row = _stored_case(database, case_id)
    assert (row.status, row.closed_on, row.close_reason) == ("open", None, None)
