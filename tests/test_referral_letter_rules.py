"""The 转介 of a counselling case and its 转介单, rule by rule: each refusal in its own words
and on both sides of each bound, what is saved (cleaned), what the letter shows (the
centre, the resident, the latest risk assessment, the four newest scales) and the print
kept in the audit log.

Every person and place is invented; the tests' clock stands at 2026-12-02 10:30.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from desktop.db import Database
from desktop.models import AuditEntry, CounsellingCase, RiskAssessment, ScaleResult
from desktop.services.counselling import cases, sessions
from desktop.services.counselling.referral_letter import (
    KINDS,
    LetterData,
    ReferralInput,
    letter_data,
    log_printed,
    save_referral,
    validate_referral,
)
from desktop.services.errors import NotFoundError, ValidationError
from tests.counselling_helpers import SECRET, routed_visit, session_input

TODAY = date(2026, 12, 2)
OPENED = date(2026, 11, 20)
NOT_SAVED = {"referred_to": "请先填写并保存转介信息，再打印转介单"}


def _input(**changes: object) -> ReferralInput:
    values: dict[str, object] = dict(referred_to="市精神卫生中心", kind="精神卫生中心",
                                     referred_on=date(2026, 11, 30), reason="需要进一步诊断")
    values.update(changes)
    return ReferralInput(**values)  # type: ignore[arg-type]


def _case(database: Database, n: int = 7) -> cases.CaseRef:
    """A case opened on :data:`OPENED`, without the risk assessment taken at intake (each
    test gives the assessments it needs)."""
    with database.read() as session:
        draft = cases.draft_from_visit(session, routed_visit(database, n).visit_id)
    draft.opened_on = OPENED
    ref = cases.take_up(database, draft)
    with database.write() as session:
        session.execute(delete(RiskAssessment).where(RiskAssessment.case_id == ref.case_id))
    return ref


# -- validate_referral ------------------------------------------------------------------------

def test_the_kinds_of_receiving_institution() -> None:
    assert KINDS == ["精神卫生中心", "综合医院心理科", "综合医院精神科", "其他医疗机构"]
    for kind in KINDS:
        assert validate_referral(_input(kind=kind), TODAY) == {}


def test_everything_missing_is_named_field_by_field() -> None:
    assert validate_referral(ReferralInput(" \t", "诊所", None, " \n "), TODAY) == {
        "referred_to": "请填写转介机构名称", "referred_kind": "请选择机构类别",
        "referred_on": "请填写转介日期", "referral_reason": "请填写转介原因"}
    assert validate_referral(ReferralInput("", "", None, ""), TODAY)["referred_kind"] == \
        "请选择机构类别"


def test_the_institutions_name_up_to_64_characters() -> None:
    assert validate_referral(_input(referred_to="院" * 64), TODAY) == {}
    assert validate_referral(_input(referred_to=f"  {'院' * 64}  "), TODAY) == {}  # trimmed
    assert validate_referral(_input(referred_to="院" * 65), TODAY) == {
        "referred_to": "机构名称不能超过 64 个字"}


def test_the_date_up_to_today_and_within_the_years_allowed() -> None:
    assert validate_referral(_input(referred_on=TODAY), TODAY) == {}
    assert validate_referral(_input(referred_on=TODAY + timedelta(days=1)), TODAY) == {
        "referred_on": "转介日期不能晚于今天"}
    assert validate_referral(_input(referred_on=date(2101, 1, 1)), date(2101, 6, 1)) == {
        "referred_on": "转介日期应在1900年至2100年之间"}
    assert validate_referral(_input(referred_on=date(1899, 12, 31)), TODAY) == {
        "referred_on": "转介日期应在1900年至2100年之间"}


def test_the_reason_up_to_1000_characters() -> None:
    assert validate_referral(_input(reason="失" * 1000), TODAY) == {}
    assert validate_referral(_input(reason="失" * 1001), TODAY) == {
        "referral_reason": "转介原因不能超过 1000 个字"}
    assert validate_referral(_input(reason="持续失眠\n伴消极念头"), TODAY) == {}


# -- save_referral ----------------------------------------------------------------------------

def _saved(database: Database, case_id: int) -> tuple[object, ...]:
    with database.read() as session:
        row = session.get(CounsellingCase, case_id)
        assert row is not None
        return (row.referred_to, row.referred_kind, row.referred_on, row.referral_reason)


def test_a_referral_is_saved_cleaned(database: Database) -> None:
    ref = _case(database)
    save_referral(database, ref.case_id, _input(
        referred_to="  市精神卫生中心\t门诊部 ", kind="综合医院精神科", referred_on=OPENED,
        reason="  持续失眠\r\n伴消极念头\t建议专科评估  "))
    assert _saved(database, ref.case_id) == (
        "市精神卫生中心 门诊部", "综合医院精神科", OPENED, "持续失眠\n伴消极念头\t建议专科评估")


def test_a_refused_referral_saves_nothing(database: Database) -> None:
    ref = _case(database)
    with pytest.raises(ValidationError) as refused:
        save_referral(database, ref.case_id, _input(referred_to="", reason=""))
    assert refused.value.errors == {"referred_to": "请填写转介机构名称",
                                    "referral_reason": "请填写转介原因"}
    with pytest.raises(ValidationError) as early:
        save_referral(database, ref.case_id, _input(referred_on=OPENED - timedelta(days=1)))
    assert early.value.errors == {"referred_on": "转介日期不能早于接案日期"}
    assert _saved(database, ref.case_id) == (None, None, None, None)


def test_today_is_the_clocks_unless_given(database: Database) -> None:
    ref = _case(database)
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        save_referral(database, ref.case_id, _input(referred_on=tomorrow))
    assert refused.value.errors == {"referred_on": "转介日期不能晚于今天"}
    save_referral(database, ref.case_id, _input(referred_on=TODAY))
    save_referral(database, ref.case_id, _input(referred_on=tomorrow), today=tomorrow)
    assert _saved(database, ref.case_id)[2] == tomorrow


# -- letter_data ------------------------------------------------------------------------------

def test_no_letter_before_the_referral_is_saved(database: Database) -> None:
    ref = _case(database)
    with database.read() as session, pytest.raises(ValidationError) as refused:
        letter_data(session, ref.case_id)
    assert refused.value.errors == NOT_SAVED
    for values in ({"referred_to": "市精神卫生中心"}, {"referred_on": OPENED},
                   {"referred_to": "", "referred_on": OPENED}):
        with database.write() as session:
            session.execute(update(CounsellingCase).where(CounsellingCase.id == ref.case_id)
                            .values({"referred_to": None, "referred_on": None, **values}))
        with database.read() as session, pytest.raises(ValidationError) as refused:
            letter_data(session, ref.case_id)
        assert refused.value.errors == NOT_SAVED, values
    with database.read() as session, pytest.raises(NotFoundError, match=r"^没有找到该咨询个案$"):
        letter_data(session, ref.case_id + 100)


def _assessment(database: Database, case_id: int, at: datetime, levels: str) -> int:
    with database.write() as session:
        row = RiskAssessment(case_id=case_id, assessed_at=at, self_harm=levels[0],
                             suicide=levels[1], harm_others=levels[2], level="高")
        session.add(row)
        session.flush()
        return row.id


def test_the_letter_shows_the_centre_the_resident_and_the_referral(database: Database) -> None:
    ref = _case(database)
    save_referral(database, ref.case_id, _input(reason="持续失眠\n伴消极念头"))
    with database.read() as session:
        data = letter_data(session, ref.case_id)
        counsellor = cases.case_detail(session, ref.case_id).counsellor
    assert counsellor  # the test account took the case up
    assert data == LetterData(
        centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
        case_no=ref.case_no, person_name="测试7号", gender=data.gender, phone="13900000007",
        opened_on=OPENED, referred_to="市精神卫生中心", referred_kind="精神卫生中心",
        referred_on=date(2026, 11, 30), reason="持续失眠\n伴消极念头", intake_problem=SECRET,
        risk="", scales=[], counsellor=counsellor)


def test_a_kind_or_reason_missing_from_an_old_record_is_blank(database: Database) -> None:
    ref = _case(database)
    with database.write() as session:
        session.execute(update(CounsellingCase).where(CounsellingCase.id == ref.case_id)
                        .values(referred_to="市精神卫生中心", referred_on=OPENED,
                                referred_kind=None, referral_reason=None))
    with database.read() as session:
        data = letter_data(session, ref.case_id)
    assert (data.referred_kind, data.reason) == ("", "")


def test_the_latest_risk_assessment_is_shown(database: Database) -> None:
    ref = _case(database)
    save_referral(database, ref.case_id, _input())
    _assessment(database, ref.case_id, datetime(2026, 11, 28, 9, 0), "高高高")
    _assessment(database, ref.case_id, datetime(2026, 11, 30, 15, 0), "低高中")  # the latest
    _assessment(database, ref.case_id, datetime(2026, 11, 29, 9, 0), "中中中")  # entered last
    other = _case(database, 8)
    _assessment(database, other.case_id, datetime(2026, 12, 1, 9, 0), "高中低")  # not this case
    with database.read() as session:
        assert letter_data(session, ref.case_id).risk == "自伤：低　自杀：高　伤人：中"


def test_assessments_of_the_same_minute_the_later_entered_is_shown(database: Database) -> None:
    ref = _case(database)
    save_referral(database, ref.case_id, _input())
    first = _assessment(database, ref.case_id, datetime(2026, 11, 30, 15, 0), "高高高")
    later = _assessment(database, ref.case_id, datetime(2026, 11, 30, 15, 0), "低低中")
    # Each order of updating both: on PostgreSQL the row updated last lies at the end.
    for n, one, other in [(1, later, first), (2, first, later)]:
        at = datetime(2026, 11, 30, 16, n)
        for row_id in (one, other):
            with database.write() as session:
                session.execute(update(RiskAssessment).where(RiskAssessment.id == row_id)
                                .values(assessed_at=at))
        with database.read() as session:
            assert letter_data(session, ref.case_id).risk == "自伤：低　自杀：低　伤人：中", n


def test_the_four_newest_scales_newest_first(database: Database) -> None:
    ref = _case(database)
    save_referral(database, ref.case_id, _input())
    session_id = sessions.add_session(database, ref.case_id, session_input(held_on=OPENED))
    with database.write() as session:
        for scale, total, band in [("PHQ-9", 3, "无抑郁"), ("GAD-7", 6, "轻度焦虑"),
                                   ("PHQ-9", 12, "中度抑郁"), ("GAD-7", 11, "中度焦虑"),
                                   ("PHQ-9", 21, "重度抑郁")]:
            session.add(ScaleResult(case_id=ref.case_id, session_id=session_id, scale=scale,
                                    answers="0", total=total, band=band))
            session.flush()
    other = _case(database, 8)
    other_session = sessions.add_session(database, other.case_id, session_input(held_on=OPENED))
    with database.write() as session:  # another case's, entered last
        session.add(ScaleResult(case_id=other.case_id, session_id=other_session, scale="GAD-7",
                                answers="0", total=18, band="重度焦虑"))
    with database.read() as session:
        assert letter_data(session, ref.case_id).scales == [
            "PHQ-9：21 分（重度抑郁）", "GAD-7：11 分（中度焦虑）", "PHQ-9：12 分（中度抑郁）",
            "GAD-7：6 分（轻度焦虑）"]


def test_a_printed_letter_is_logged(database: Database) -> None:
    ref = _case(database)
    log_printed(database, ref.case_id, ref.case_no)
    with database.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).one()
    assert (entry.target_type, entry.target_id) == ("counselling_case", str(ref.case_id))
    assert json.loads(entry.detail) == {"文书": "心理咨询转介单", "编号": ref.case_no}
