"""Changing and deleting a saved counselling session, and reopening a closed case."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    AuditEntry,
    CounsellingCase,
    CounsellingSession,
    Notification,
    RiskAssessment,
    ScaleResult,
    Visit,
)
from desktop.services.counselling import cases, closing, sessions
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from tests.counselling_helpers import (
    INTERVENTION,
    PLAN_SECRET,
    SESSION_SECRET,
    as_role,
    session_input,
    take_up,
)

HIGH = RiskInput("低", "高", "低", crisis_step="通知监护人")


def _case_with_session(database: Database, **changes: object) -> tuple[int, int]:
    ref = take_up(database)
    session_id = sessions.add_session(database, ref.case_id, session_input(**changes))
    return ref.case_id, session_id


def _loaded(database: Database, case_id: int, session_id: int) -> cases.SessionData:
    with database.read() as session:
        detail = cases.case_detail(session, case_id)
    (found,) = [s for s in detail.sessions if s.id == session_id]
    return found


def _count(database: Database, model: type) -> int:
    with database.read() as session:
        return len(session.scalars(select(model)).all())


def _audit(database: Database, action: str, table: str) -> list[dict[str, object]]:
    with database.read() as session:
        return [json.loads(e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == action,
                                     AuditEntry.target_type == table).order_by(AuditEntry.id))]


def _visit_risk(database: Database) -> str | None:
    with database.read() as session:
        return session.scalar(select(Visit.risk_level))


# -- changing a session -----------------------------------------------------------------

def test_a_session_is_changed_with_its_risk_and_scales(database: Database) -> None:
    case_id, session_id = _case_with_session(
        database, risk=RiskInput("中", "低", "低"),
        scales={"PHQ-9": [1] * 9, "GAD-7": [0] * 7})
    loaded = _loaded(database, case_id, session_id)
    sessions.update_session(database, session_id, session_input(
        held_on=date.today() - timedelta(days=0), minutes=90, problem="睡眠有所改善",
        intervention="放松训练", plan="两周后复谈", risk=RiskInput("低", "低", "低"),
        scales={"PHQ-9": [0] * 9}), version=loaded.version)
    after = _loaded(database, case_id, session_id)
    assert (after.minutes, after.problem, after.intervention, after.plan) == (
        90, "睡眠有所改善", "放松训练", "两周后复谈")
    assert after.risk is not None and after.risk.level == "低"
    assert [(s.scale, s.total, s.band) for s in after.scales] == [("PHQ-9", 0, "无抑郁症状")]
    assert after.version != loaded.version
    assert _count(database, ScaleResult) == 1 and _count(database, RiskAssessment) == 2
    # Lowering a 中 leaves the case's highest risk where it was.
    with database.read() as session:
        assert session.scalar(select(CounsellingCase.highest_risk)) == "中"
    # Audited like every write, without the content.
    (change,) = _audit(database, "change", "counselling_session")
    changes = change["changes"]
    assert isinstance(changes, dict) and {"minutes", "problem", "plan"} <= set(changes)
    assert "睡眠有所改善" not in json.dumps(change, ensure_ascii=False)
    assert _audit(database, "change", "counselling_risk")
    assert _audit(database, "delete", "counselling_scale")


def test_saving_a_session_unchanged_writes_nothing_new(database: Database) -> None:
    case_id, session_id = _case_with_session(database, scales={"GAD-7": [2] * 7})
    loaded = _loaded(database, case_id, session_id)
    sessions.update_session(database, session_id, session_input(scales={"GAD-7": [2] * 7}),
                            version=loaded.version)
    assert _loaded(database, case_id, session_id).version == loaded.version
    assert _audit(database, "change", "counselling_session") == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"minutes": 0}, "minutes"), ({"problem": " "}, "problem"),
    ({"held_on": timedelta(days=1)}, "held_on"),  # after today
    ({"held_on": timedelta(days=-3)}, "held_on"),  # before the case was opened
    ({"risk": RiskInput("高", "低", "低")}, "crisis_step"),
    ({"risk": RiskInput("高", "低", "低", crisis_step="其他")}, "crisis_note"),
    ({"scales": {"PHQ-9": [4] * 9}}, "scale.PHQ-9"),
])
def test_a_bad_change_is_refused_and_nothing_is_written(
        database: Database, changes: dict[str, object], field: str) -> None:
    case_id, session_id = _case_with_session(database)
    loaded = _loaded(database, case_id, session_id)
    changes = {k: date.today() + v if isinstance(v, timedelta) else v
               for k, v in changes.items()}
    with pytest.raises(ValidationError) as refused:
        sessions.update_session(database, session_id, session_input(**changes),
                                version=loaded.version)
    assert field in refused.value.errors
    assert _loaded(database, case_id, session_id) == loaded
    assert _count(database, Notification) == 0 and _visit_risk(database) != "红"


def test_a_risk_changed_to_high_raises_the_matter_once(database: Database) -> None:
    case_id, session_id = _case_with_session(database)
    assert _visit_risk(database) != "红"
    version = _loaded(database, case_id, session_id).version
    sessions.update_session(database, session_id, session_input(risk=HIGH), version=version)
    assert _visit_risk(database) == "红"
    with database.read() as session:
        assert session.scalar(select(CounsellingCase.highest_risk)) == "高"
        (notice,) = session.scalars(select(Notification))
        case_no = session.scalar(select(CounsellingCase.case_no))
    assert notice.role == "leader" and case_no is not None and case_no in notice.text
    for secret in (SESSION_SECRET, INTERVENTION, PLAN_SECRET, "通知监护人"):
        assert secret not in notice.text
    # Still 高 after another change: the leaders were told already.
    version = _loaded(database, case_id, session_id).version
    sessions.update_session(database, session_id, session_input(
        minutes=60, risk=RiskInput("高", "高", "低", crisis_step="陪同就医")), version=version)
    assert _count(database, Notification) == 1
    # Lowered later: the visit stays red, the case stays 高.
    version = _loaded(database, case_id, session_id).version
    sessions.update_session(database, session_id, session_input(), version=version)
    loaded = _loaded(database, case_id, session_id)
    assert loaded.risk is not None and loaded.risk.level == "低" and not loaded.risk.crisis_step
    assert _visit_risk(database) == "红"
    with database.read() as session:
        assert session.scalar(select(CounsellingCase.highest_risk)) == "高"
    assert _count(database, Notification) == 1


# -- two desks --------------------------------------------------------------------------

def test_a_stale_save_is_refused_with_what_differs(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    case_id, session_id = _case_with_session(one)
    loaded = _loaded(one, case_id, session_id)
    sessions.update_session(two, session_id, session_input(minutes=70, plan="二号窗口的计划"),
                            version=loaded.version)
    with pytest.raises(StaleEditError) as refused:
        sessions.update_session(one, session_id, session_input(minutes=45, plan=PLAN_SECRET),
                                version=loaded.version)
    labels = {c.label: (c.yours, c.current) for c in refused.value.changes}
    assert labels == {"时长（分钟）": ("45", "70"), "后续计划": (PLAN_SECRET, "二号窗口的计划")}
    after = _loaded(one, case_id, session_id)
    assert (after.minutes, after.plan) == (70, "二号窗口的计划")
    # A stale form that writes what the record holds now overwrites nothing: saved.
    sessions.update_session(one, session_id, session_input(minutes=70, plan="二号窗口的计划"),
                            version=loaded.version)
    # Reloaded, the save goes through.
    sessions.update_session(one, session_id, session_input(minutes=45),
                            version=_loaded(one, case_id, session_id).version)
    assert _loaded(one, case_id, session_id).minutes == 45


def test_a_stale_change_of_risk_or_scales_is_refused(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    case_id, session_id = _case_with_session(one)
    loaded = _loaded(one, case_id, session_id)
    sessions.update_session(two, session_id, session_input(scales={"GAD-7": [1] * 7}),
                            version=loaded.version)
    with pytest.raises(StaleEditError) as refused:
        sessions.update_session(one, session_id, session_input(risk=HIGH),
                                version=loaded.version)
    assert {c.label for c in refused.value.changes} == {"风险评估", "量表"}
    assert _count(one, Notification) == 0 and _visit_risk(one) != "红"


def test_a_stale_delete_is_refused_and_a_deleted_session_is_not_saved(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    case_id, session_id = _case_with_session(one)
    loaded = _loaded(one, case_id, session_id)
    sessions.update_session(two, session_id, session_input(minutes=70), version=loaded.version)
    with pytest.raises(StaleEditError) as refused:
        sessions.delete_session(one, session_id, version=loaded.version)
    assert "删除" in str(refused.value)
    assert _count(one, CounsellingSession) == 1
    sessions.delete_session(two, session_id,
                            version=_loaded(two, case_id, session_id).version)
    with pytest.raises(StaleEditError) as refused:
        sessions.update_session(one, session_id, session_input(), version=loaded.version)
    assert refused.value.deleted


# -- deleting ---------------------------------------------------------------------------

def test_a_session_is_deleted_with_its_risk_and_scales_and_the_red_stays(
        database: Database) -> None:
    case_id, session_id = _case_with_session(database, risk=HIGH,
                                             scales={"PHQ-9": [3] * 9})
    kept = sessions.add_session(database, case_id, session_input(minutes=30))
    sessions.delete_session(database, session_id,
                            version=_loaded(database, case_id, session_id).version)
    with database.read() as session:
        detail = cases.case_detail(session, case_id)
        assert [s.id for s in detail.sessions] == [kept]
        assert session.scalar(select(RiskAssessment.id).where(
            RiskAssessment.session_id == session_id)) is None
        assert detail.highest_risk == "高"
    assert _count(database, ScaleResult) == 0 and _visit_risk(database) == "红"
    deleted = {json.dumps(d, ensure_ascii=False) for d in
               _audit(database, "delete", "counselling_session")
               + _audit(database, "delete", "counselling_risk")
               + _audit(database, "delete", "counselling_scale")}
    assert len(deleted) == 3
    for secret in (SESSION_SECRET, INTERVENTION, PLAN_SECRET):
        assert all(secret not in d for d in deleted)


# -- closed cases and reopening ---------------------------------------------------------

def _close(database: Database, case_id: int) -> None:
    with database.read() as session:
        version = cases.case_detail(session, case_id).version
    closing.close_case(database, case_id, date.today(), "咨询目标达成", version=version)


def test_a_closed_case_refuses_session_changes_until_reopened(database: Database) -> None:
    case_id, session_id = _case_with_session(database)
    _close(database, case_id)
    version = _loaded(database, case_id, session_id).version
    with pytest.raises(ValidationError) as refused:
        sessions.update_session(database, session_id, session_input(minutes=20),
                                version=version)
    assert "撤销结案" in refused.value.errors["closed"]
    with pytest.raises(ValidationError) as refused:
        sessions.delete_session(database, session_id, version=version)
    assert "closed" in refused.value.errors
    assert _loaded(database, case_id, session_id).minutes == 50

    closing.reopen_case(database, case_id)
    with database.read() as session:
        detail = cases.case_detail(session, case_id)
    assert not detail.closed and detail.closed_on is None and detail.close_reason == ""
    sessions.update_session(database, session_id, session_input(minutes=20), version=version)
    assert _loaded(database, case_id, session_id).minutes == 20
    # Audited: the status went back to 咨询中, the reason stays unread in the log.
    reopened = [c["changes"] for c in _audit(database, "change", "counselling_case")
                if isinstance(c["changes"], dict) and "status" in c["changes"]]
    assert reopened[-1]["status"] == {"old": "closed", "new": "open"}
    assert "咨询目标达成" not in json.dumps(reopened, ensure_ascii=False)
    # Reopening an open case changes nothing.
    closing.reopen_case(database, case_id)
    assert len([c for c in _audit(database, "change", "counselling_case")
                if "status" in c["changes"]]) == 2  # type: ignore[operator]


@pytest.mark.parametrize("roles", [{"receptionist"}, {"admin"}, {"leader"}, {"mediator"}])
def test_only_a_counsellor_changes_deletes_or_reopens(database: Database,
                                                     roles: set[str]) -> None:
    case_id, session_id = _case_with_session(database)
    version = _loaded(database, case_id, session_id).version
    _close(database, case_id)
    counsellor = database.actor
    as_role(database, roles)
    for write in (lambda: closing.reopen_case(database, case_id),
                  lambda: sessions.update_session(database, session_id, session_input(minutes=9),
                                                  version=version),
                  lambda: sessions.delete_session(database, session_id, version=version)):
        with pytest.raises(PermissionDenied):
            write()
    database.actor = counsellor
    with database.read() as session:
        assert cases.case_detail(session, case_id).closed
    assert _loaded(database, case_id, session_id).minutes == 50
