"""The counselling room's risk and scale rules one by one: every refusal's field and
message, the boundaries, what an assessment stores, when a 高 tells the leaders and turns
the visit red, and the scores a counsellor reads (``counselling/risk``,
``counselling/scales``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import CounsellingCase, Notification, RiskAssessment, Visit
from desktop.services.counselling import cases, risk, scales
from desktop.services.counselling.risk import RiskInput
from desktop.services.errors import ValidationError
from tests.counselling_helpers import take_up
from tests.reception_helpers import register

AT = datetime(2026, 12, 1, 15, 20)
MESSAGES = {
    "risk.self_harm": "请选择自伤风险（低、中、高）",
    "risk.suicide": "请选择自杀风险（低、中、高）",
    "risk.harm_others": "请选择伤人风险（低、中、高）",
}
NO_STEP = "评估为高风险，须选择已采取的危机处置措施"


def _scale_errors(code: str, answers: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        scales.score(code, answers)  # type: ignore[arg-type]
    return info.value.errors


def _record(database: Database, case_id: int, data: RiskInput, **kw: object) -> int:
    with database.write() as session:
        case_ = session.get(CounsellingCase, case_id)
        assert case_ is not None
        return risk.record(session, case_, data, **kw).id  # type: ignore[arg-type]


def _revise(database: Database, case_id: int, row_id: int, data: RiskInput,
            **kw: object) -> None:
    with database.write() as session:
        case_ = session.get(CounsellingCase, case_id)
        row = session.get(RiskAssessment, row_id)
        assert case_ is not None and row is not None
        risk.revise(session, case_, row, data, **kw)  # type: ignore[arg-type]


def _assessment(database: Database, row_id: int) -> RiskAssessment:
    with database.read() as session:
        row = session.get(RiskAssessment, row_id)
        assert row is not None
        session.expunge(row)
        return row


def _case_state(database: Database) -> tuple[str, str | None, list[tuple[str, str, str]]]:
    """The case's highest risk, the visit's colour, the notifications (role, kind, text)."""
    with database.read() as session:
        highest = session.scalar(select(CounsellingCase.highest_risk))
        colour = session.scalar(select(Visit.risk_level))
        notices = [(n.role, n.kind, n.text) for n in session.scalars(
            select(Notification).order_by(Notification.id))]
    assert highest is not None
    return highest, colour, notices


# -- the levels -----------------------------------------------------------------------------


def test_the_highest_level_ignores_what_is_not_a_level() -> None:
    assert risk.highest() == "低"
    assert risk.highest("极高", "") == "低"
    assert risk.highest("低", "中") == "中"
    assert risk.highest("中", "低") == "中"
    assert risk.highest("高", "中", "低") == "高"
    assert risk.highest("极高", "中") == "中"
    assert RiskInput("低", "中", "低").level == "中"
    assert RiskInput("低", "低", "高").is_high
    assert not RiskInput("中", "中", "中").is_high


# -- what is refused, with which message ---------------------------------------------------


def test_each_unknown_level_is_named_under_its_own_field() -> None:
    assert risk.validate_risk(RiskInput("极高", "", "低")) == {
        "risk.self_harm": MESSAGES["risk.self_harm"], "risk.suicide": MESSAGES["risk.suicide"]}
    assert risk.validate_risk(RiskInput("低", "低", "很高")) == {
        "risk.harm_others": MESSAGES["risk.harm_others"]}


def test_an_unknown_level_is_said_alone_before_the_crisis_step() -> None:
    # A 高 beside an unknown level, without a step: only the level is asked for first.
    assert risk.validate_risk(RiskInput("极高", "高", "低", crisis_note="长" * 501)) == {
        "risk.self_harm": MESSAGES["risk.self_harm"]}


@pytest.mark.parametrize("step", ["", "报警", " 陪同就医"])
def test_a_high_risk_needs_a_step_from_the_list(step: str) -> None:
    assert risk.validate_risk(RiskInput("低", "高", "低", crisis_step=step)) == {
        "crisis_step": NO_STEP}


def test_other_needs_what_was_done_and_a_listed_step_does_not() -> None:
    assert risk.validate_risk(RiskInput("高", "低", "低", crisis_step="其他",
                                        crisis_note="  \n ")) == {
        "crisis_note": "选择“其他”时请写明采取的处置措施"}
    assert risk.validate_risk(RiskInput("高", "低", "低", crisis_step="其他",
                                        crisis_note="联系网格员")) == {}
    for step in ("陪同就医", "通知监护人", "移交公安"):
        assert risk.validate_risk(RiskInput("低", "低", "高", crisis_step=step)) == {}


def test_below_high_a_step_is_optional_but_must_be_from_the_list() -> None:
    assert risk.validate_risk(RiskInput("中", "低", "低")) == {}
    assert risk.validate_risk(RiskInput("中", "低", "低", crisis_step="通知监护人")) == {}
    assert risk.validate_risk(RiskInput("中", "低", "低", crisis_step="其他")) == {}
    assert risk.validate_risk(RiskInput("中", "低", "低", crisis_step="报警")) == {
        "crisis_step": "请从列表中选择危机处置措施"}


def test_what_was_done_is_at_most_500_characters() -> None:
    too_long = {"crisis_note": "处置说明不能超过 500 个字"}
    assert risk.validate_risk(RiskInput(crisis_note="长" * 500)) == {}
    assert risk.validate_risk(RiskInput(crisis_note="长" * 501)) == too_long
    # At 高 with 其他 the length is what is said.
    assert risk.validate_risk(RiskInput("高", "低", "低", crisis_step="其他",
                                        crisis_note="长" * 501)) == too_long


# -- what an assessment stores and sets off ------------------------------------------------


def test_an_assessment_stores_each_level_the_step_and_the_note_trimmed(
        database: Database) -> None:
    ref = take_up(database)
    row_id = _record(database, ref.case_id, RiskInput(
        "中", "高", "低", crisis_step="其他", crisis_note="  联系网格员上门 "), at=AT)
    row = _assessment(database, row_id)
    assert (row.case_id, row.session_id, row.assessed_at) == (ref.case_id, None, AT)
    assert (row.self_harm, row.suicide, row.harm_others, row.level) == ("中", "高", "低", "高")
    assert (row.crisis_step, row.crisis_note) == ("其他", "联系网格员上门")
    assert risk.risk_data(row) == risk.RiskData(AT, "中", "高", "低", "高", "其他",
                                                "联系网格员上门")


def test_an_assessment_without_a_step_stores_none_and_is_dated_now(
        database: Database) -> None:
    ref = take_up(database)
    before = datetime.now().replace(microsecond=0)
    row_id = _record(database, ref.case_id, RiskInput("低", "中", "低", crisis_note="  "))
    row = _assessment(database, row_id)
    assert row.crisis_step is None and row.crisis_note is None and row.level == "中"
    assert before <= row.assessed_at <= datetime.now() and row.assessed_at.microsecond == 0
    assert risk.risk_data(row).crisis_step == "" and risk.risk_data(row).crisis_note == ""


def test_a_lower_level_leaves_the_case_s_highest_risk(database: Database) -> None:
    ref = take_up(database)
    _record(database, ref.case_id, RiskInput("低", "中", "低"))
    assert _case_state(database)[0] == "中"
    _record(database, ref.case_id, RiskInput("低", "低", "低"))
    highest, colour, notices = _case_state(database)
    assert (highest, notices) == ("中", []) and colour != "红"


def test_a_high_tells_the_leaders_by_case_number_only_and_turns_the_visit_red(
        database: Database) -> None:
    ref = take_up(database)
    _record(database, ref.case_id, RiskInput("低", "低", "高", crisis_step="移交公安"))
    assert _case_state(database) == ("高", "红", [(
        "leader", "counselling_high_risk",
        f"心理咨询室有一名来访人评估为高风险，请关注（编号 {ref.case_no}）")])
    assert risk.leader_notice("XL-1") == "心理咨询室有一名来访人评估为高风险，请关注（编号 XL-1）"


def test_a_high_in_a_case_opened_without_a_visit_tells_the_leaders(
        database: Database) -> None:
    visit = register(database, 4)
    with database.read() as session:
        (person,) = cases.search_persons(session, "测试4号")
    ref = cases.take_up(database, cases.CaseInput(
        person.person_id, "考试焦虑", risk=RiskInput("高", "低", "低", crisis_step="陪同就医")))
    highest, _colour, notices = _case_state(database)
    assert highest == "高" and len(notices) == 1 and ref.case_no in notices[0][2]
    with database.read() as session:
        assert session.get(Visit, visit.visit_id).risk_level != "红"  # type: ignore[union-attr]


def test_a_high_of_one_case_leaves_another_case_s_visit(database: Database) -> None:
    first = take_up(database, 7)
    other = take_up(database, 8)
    _record(database, other.case_id, RiskInput("高", "低", "低", crisis_step="陪同就医"))
    with database.read() as session:
        colours = dict(session.execute(select(CounsellingCase.id, Visit.risk_level)
                                       .join(Visit, Visit.id == CounsellingCase.visit_id)).all())
    assert colours[other.case_id] == "红" and colours[first.case_id] != "红"


# -- changing an assessment ------------------------------------------------------------------


def test_an_unchanged_assessment_keeps_its_time(database: Database) -> None:
    ref = take_up(database)
    data = RiskInput("中", "低", "低", crisis_step="其他", crisis_note="联系网格员")
    row_id = _record(database, ref.case_id, data, at=AT)
    _revise(database, ref.case_id, row_id,
            RiskInput("中", "低", "低", crisis_step="其他", crisis_note=" 联系网格员 "),
            at=datetime(2026, 12, 2, 9, 0))
    assert _assessment(database, row_id).assessed_at == AT


@pytest.mark.parametrize(("change", "read"), [
    ({"self_harm": "中"}, "self_harm"), ({"suicide": "中"}, "suicide"),
    ({"harm_others": "中"}, "harm_others"), ({"crisis_step": "移交公安"}, "crisis_step"),
    ({"crisis_note": "改为家访"}, "crisis_note"),
])
def test_a_change_of_any_one_part_is_saved_and_dated(
        database: Database, change: dict[str, str], read: str) -> None:
    ref = take_up(database)
    values = {"self_harm": "低", "suicide": "低", "harm_others": "低",
              "crisis_step": "通知监护人", "crisis_note": "已电话联系"}
    row_id = _record(database, ref.case_id, RiskInput(**values), at=AT)
    later = datetime(2026, 12, 2, 9, 0)
    _revise(database, ref.case_id, row_id, RiskInput(**{**values, **change}), at=later)
    row = _assessment(database, row_id)
    assert getattr(row, read) == change[read] and row.assessed_at == later


def test_an_assessment_without_step_or_note_is_unchanged_when_saved_again(
        database: Database) -> None:
    ref = take_up(database)
    row_id = _record(database, ref.case_id, RiskInput("低", "中", "低"), at=AT)
    _revise(database, ref.case_id, row_id, RiskInput("低", "中", "低"),
            at=datetime(2026, 12, 2, 9, 0))
    assert _assessment(database, row_id).assessed_at == AT


def test_a_high_edited_in_tells_once_and_lowered_keeps_the_red(database: Database) -> None:
    ref = take_up(database)
    row_id = _record(database, ref.case_id, RiskInput("中", "低", "低"))
    _revise(database, ref.case_id, row_id, RiskInput("高", "低", "低", crisis_step="陪同就医"))
    highest, colour, notices = _case_state(database)
    assert (highest, colour, len(notices)) == ("高", "红", 1)
    _revise(database, ref.case_id, row_id, RiskInput("高", "高", "低", crisis_step="陪同就医"))
    _revise(database, ref.case_id, row_id, RiskInput("低", "低", "低"))
    highest, colour, notices = _case_state(database)
    assert (highest, colour, len(notices)) == ("高", "红", 1)
    assert _assessment(database, row_id).level == "低"


# -- what the counsellor reads ---------------------------------------------------------------


def test_an_assessment_reads_as_its_levels_and_step() -> None:
    data = risk.RiskData(AT, "低", "高", "中", "高", "其他", "联系网格员")
    assert data.label() == "自伤低、自杀高、伤人中；处置：其他：联系网格员"
    no_note = risk.RiskData(AT, "低", "高", "中", "高", "陪同就医", "")
    assert no_note.label() == "自伤低、自杀高、伤人中；处置：陪同就医"
    plain = risk.RiskData(AT, "中", "低", "低", "中", "", "")
    assert plain.label() == "自伤中、自杀低、伤人低"


# -- scales ----------------------------------------------------------------------------------


def test_a_scale_is_refused_with_the_message_of_what_is_wrong() -> None:
    assert _scale_errors("BDI", [0]) == {"scale": "没有这个量表：BDI"}
    assert _scale_errors("PHQ-9", [0] * 8) == {"scale.PHQ-9": "PHQ-9 应回答全部 9 题"}
    assert _scale_errors("GAD-7", [0] * 8) == {"scale.GAD-7": "GAD-7 应回答全部 7 题"}
    assert _scale_errors("PHQ-9", [4] + [0] * 8) == {
        "scale.PHQ-9": "PHQ-9 第 1 题的得分应为 0～3"}
    assert _scale_errors("GAD-7", [0] * 6 + [-1]) == {
        "scale.GAD-7": "GAD-7 第 7 题的得分应为 0～3"}
    for bad in (True, False, 1.0, "1", None):
        assert _scale_errors("PHQ-9", [0, 0, bad] + [0] * 6) == {
            "scale.PHQ-9": "PHQ-9 第 3 题的得分应为 0～3"}


def test_every_answer_from_0_to_3_is_taken() -> None:
    for answer in range(4):
        result = scales.score("GAD-7", [answer] * 7)
        assert result.total == 7 * answer and result.answers == (answer,) * 7


def test_a_score_carries_its_scale_answers_total_band_and_flag() -> None:
    assert scales.score("PHQ-9", [3, 2, 1, 0, 0, 0, 0, 0, 1]) == scales.ScaleScore(
        "PHQ-9", (3, 2, 1, 0, 0, 0, 0, 0, 1), 7, "轻度抑郁", True)
    assert scales.score("GAD-7", (1, 1, 1, 1, 1, 1, 1)) == scales.ScaleScore(
        "GAD-7", (1,) * 7, 7, "轻度焦虑", False)


def test_only_item_nine_above_0_flags() -> None:
    for item in range(8):
        answers = [0] * 9
        answers[item] = 3
        assert not scales.score("PHQ-9", answers).flagged
    for answer in (1, 2, 3):
        assert scales.score("PHQ-9", [0] * 8 + [answer]).flagged


def test_a_score_reads_as_total_band_and_the_flag() -> None:
    assert scales.score("GAD-7", [2] * 7).label() == "GAD-7 14 分（中度焦虑）"
    assert scales.score("PHQ-9", [0] * 8 + [2]).label() == \
        "PHQ-9 2 分（无抑郁症状）；第9题阳性，须评估自伤风险"


def test_a_total_outside_the_bands_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match=r"^28$"):
        scales.band(scales.PHQ9, 28)
    with pytest.raises(ValueError, match=r"^-1$"):
        scales.band(scales.GAD7, -1)


def test_answers_are_stored_as_text_and_read_back() -> None:
    assert scales.answers_text((0, 1, 2, 3)) == "0,1,2,3"
    assert scales.answers_text(()) == ""
    assert scales.parse_answers("0,1,2,3") == (0, 1, 2, 3)
    assert scales.parse_answers("") == ()
    assert scales.parse_answers("3,,1") == (3, 1)
