"""Every refusal rule of the mediation room, and every function that edits a case.

Dates are checked against the test clock (2026-12-02 unless DESKTOP_TEST_CLOCK says
otherwise), never the day the suite happens to run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import (
    Agreement,
    CaseAttachment,
    CaseParty,
    FollowUp,
    MediationCase,
    MediationSession,
    SequenceCounter,
)
from desktop.services import mediation
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from tests import mediation_helpers as h
from tests.conftest import TEST_ADMIN_LOGIN, TEST_ADMIN_NAME, TEST_CENTRE
from tests.factories import id_number
from tests.reception_helpers import register
from tests.rules_helpers import PUBLISHED_ID, snapshot
from tests.rules_helpers import logged as _logged

CASE_TABLES = (MediationCase, CaseParty, MediationSession, Agreement, FollowUp, CaseAttachment)
PDF = b"%PDF-1.4\n%test\n"


def _detail(database: Database, case_id: int) -> mediation.CaseDetail:
    with database.read() as session:
        return mediation.case_detail(session, case_id)


def _agreement_version(database: Database, case_id: int) -> int | None:
    """The version the agreement form loads with (None: no agreement yet)."""
    agreement = _detail(database, case_id).agreement
    return None if agreement is None else agreement.version


def _refused(call: object, *args: object, **kwargs: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.errors


# ---------------------------------------------------------------------------
# Accepting and editing a case


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"facts": " "}, {"facts": "请填写纠纷主要事实"}),
        ({"source": "路人"}, {"source": "案件来源不正确"}),
        ({"retention": "十年"}, {"retention": "保管期限只能是永久、长期或短期"}),
        ({"mediator_ids": []}, {"mediators": "请至少选择一名调解员"}),
    ],
)
def test_case_form_rules(database: Database, changes: dict[str, object],
                         errors: dict[str, str]) -> None:
    m1, _, rec = h.staff(database)
    values: dict[str, object] = dict(facts="噪音扰民", mediator_ids=[m1], recorder_id=rec)
    values.update(changes)
    data = mediation.CaseInput(**values)  # type: ignore[arg-type]
    before = snapshot(database, *CASE_TABLES)
    assert _refused(mediation.accept_case, database, data) == errors
    assert snapshot(database, *CASE_TABLES) == before
    ref = h.make_case(database)
    assert _refused(mediation.update_case, database, ref.case_id, data,
                    version=_detail(database, ref.case_id).version) == errors


def test_refusals_inside_the_acceptance_leave_no_case_and_no_number(database: Database) -> None:
    m1, _, _ = h.staff(database)
    before = snapshot(database, *CASE_TABLES)
    cases = [
        (mediation.CaseInput(facts="事实", mediator_ids=[m1], category_id=999_999),
         {"category": "所选纠纷类别不存在"}),
        (mediation.CaseInput(facts="事实", mediator_ids=[m1], recorder_id=999_999),
         {"mediators": "所选调解员或记录人不存在"}),
        (mediation.CaseInput(facts="事实", mediator_ids=[m1], visit_id=999_999),
         {"visit": "所选来访登记不存在"}),
    ]
    for data, errors in cases:
        assert _refused(mediation.accept_case, database, data, [h.person(1)]) == errors
        assert snapshot(database, *CASE_TABLES) == before


def test_party_errors_are_numbered_after_the_first_party(database: Database) -> None:
    m1, _, _ = h.staff(database)
    data = mediation.CaseInput(facts="事实", mediator_ids=[m1])
    errors = _refused(mediation.accept_case, database, data,
                      [h.person(1, name=" "), h.person(2, "被申请人", phone="8888")])
    assert set(errors) == {"name", "party.1.phone"}


def test_acceptance_dates_the_case_on_the_day(database: Database) -> None:
    m1, m2, rec = h.staff(database)
    ref = mediation.accept_case(database, mediation.CaseInput(
        facts=" 噪音扰民 ", matters=" 赔偿 ", mediator_ids=[m2, m1, m2], recorder_id=rec,
        source_detail=" ", archive_no=" A-1 "))
    detail = _detail(database, ref.case_id)
    assert (detail.accepted_on, detail.due_on) == (date.today(),
                                                   date.today() + timedelta(days=30))
    assert (detail.facts, detail.matters, detail.source_detail, detail.archive_no) == (
        "噪音扰民", "赔偿", None, "A-1")
    assert detail.mediator_ids == sorted({m1, m2}) and detail.recorder_id == rec
    explicit = mediation.accept_case(database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1]), today=date(2026, 3, 1))
    assert _detail(database, explicit.case_id).accepted_on == date(2026, 3, 1)


def test_update_case_changes_the_case_and_keeps_its_number(database: Database) -> None:
    ref = h.make_case(database)
    m1, m2, rec = h.staff(database)
    with database.read() as session:
        loaded = mediation.case_detail(session, ref.case_id)
    data = mediation.case_input(loaded)
    data.facts = "改写后的事实"
    data.mediator_ids = [m2]
    data.retention = "永久"
    data.filed_by_id = m1
    data.filed_on = date(2026, 11, 30)
    mediation.update_case(database, ref.case_id, data, version=loaded.version)
    detail = _detail(database, ref.case_id)
    assert (detail.case_no, detail.facts, detail.mediators, detail.retention) == (
        ref.case_no, "改写后的事实", ["陈秀兰"], "永久")
    assert (detail.filed_by, detail.filed_on, detail.recorder_id) == (
        "王志刚", date(2026, 11, 30), rec)
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.update_case(database, 999_999, data, version=detail.version)
    with database.read() as session:
        assert mediation.case_detail_by_no(session, f" {ref.case_no} ").id == ref.case_id


def test_a_case_from_a_referral_marks_it_case_opened(database: Database) -> None:
    reg = register(database, 1, now=datetime(2026, 11, 26, 9, 0))
    m1, _, _ = h.staff(database)
    mediation.accept_case(database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], visit_id=reg.visit_id, referral_id=reg.referral_id))
    from desktop.models import Referral

    with database.read() as session:
        referral = session.get(Referral, reg.referral_id)
        assert referral is not None and referral.result == "case_opened"


# ---------------------------------------------------------------------------
# Parties


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "名" * 129}, "name", "姓名或名称过长"),
        ({"gender": "未知"}, "gender", "性别只能是男或女"),
        ({"age": -1}, "age", "年龄不正确"),
        ({"age": 131}, "age", "年龄不正确"),
        ({"agent_name": "李律师", "agent_type": "朋友"}, "agent_type", "委托代理人或法定代理人"),
        ({"agent_name": "李律师", "agent_id_number": "123"}, "agent_id_number", "代理人身份证号"),
    ],
)
def test_party_rules(changes: dict[str, object], field: str, message: str) -> None:
    errors = mediation.validate_party(h.person(1, **changes))
    assert list(errors) == [field] and message in errors[field]


def test_a_party_of_an_unknown_kind_is_refused() -> None:
    errors = mediation.validate_party(h.person(1, kind="robot"))
    assert errors["kind"] == "当事人类型不正确"


def test_a_party_born_in_the_future_is_refused() -> None:
    today = date.today()
    assert mediation.validate_party(h.person(1, birth_date=today)) == {}
    errors = mediation.validate_party(h.person(1, birth_date=today + timedelta(days=1)))
    assert errors == {"birth_date": "出生日期晚于今天"}


@pytest.mark.parametrize(
    "changes",
    [{"name": "名" * 128}, {"age": 0}, {"age": 130}, {"gender": ""}, {"id_number": ""},
     {"id_number": PUBLISHED_ID.lower()}, {"agent_name": "李律师", "agent_type": "法定代理人",
                                          "agent_id_number": PUBLISHED_ID,
                                          "agent_phone": "13700001111"},
     {"agent_name": "", "agent_type": "朋友", "agent_phone": "1"}],
)
def test_party_values_at_the_limits_are_accepted(changes: dict[str, object]) -> None:
    assert mediation.validate_party(h.person(1, **changes)) == {}


def test_an_organisation_party_keeps_only_organisation_fields(database: Database) -> None:
    assert mediation.validate_party(h.organisation(credit_code="")) == {}
    assert mediation.validate_party(h.organisation(legal_rep=" ")) == {
        "legal_rep": "请填写法定代表人或主要负责人"}
    ref = h.make_case(database)
    added = mediation.add_party(database, ref.case_id, h.organisation(
        credit_code="91110108551385082q", gender="男", id_number=PUBLISHED_ID,
        legal_rep_title=" "))
    with database.read() as session:
        party = mediation.party_input(session, added.party_id)
    assert (party.kind, party.credit_code, party.gender, party.id_number) == (
        "organisation", "91110108551385082Q", None, "")
    assert (party.legal_rep, party.legal_rep_title) == ("周建国", "法定代表人")


def test_parties_are_updated_removed_and_read_back(database: Database) -> None:
    ref = h.make_case(database)
    added = mediation.add_party(database, ref.case_id, h.person(3, "被申请人"))
    changed = h.person(3, "被申请人", name="改名", id_number=PUBLISHED_ID.lower(),
                       phone=" 138 0013 8000 ", agent_name="李律师", agent_relation="律师",
                       agent_id_number=PUBLISHED_ID.lower())
    with database.read() as session:
        version = mediation.party_form(session, added.party_id)[1]
    mediation.update_party(database, added.party_id, changed, version=version)
    with database.read() as session:
        party, version = mediation.party_form(session, added.party_id)
    assert (party.name, party.id_number, party.phone, party.agent_type) == (
        "改名", PUBLISHED_ID, "13800138000", "委托代理人")
    assert (party.agent_id_number, party.agent_relation) == (PUBLISHED_ID, "律师")
    assert _refused(mediation.update_party, database, added.party_id,
                    h.person(3, side="证人"), version=version) == {
        "side": "当事人身份只能是申请人或被申请人"}
    mediation.remove_party(database, added.party_id, version=version)
    assert [p.name for p in _detail(database, ref.case_id).parties] == ["当事人1", "当事人2"]
    # A party that is gone was removed at another desk after the form loaded it.
    gone = r"^该当事人已被他人删除，请重新载入$"
    with pytest.raises(StaleEditError, match=gone):
        mediation.remove_party(database, added.party_id, version=version)
    with pytest.raises(StaleEditError, match=gone):
        mediation.update_party(database, added.party_id, changed, version=version)
    with database.read() as session, pytest.raises(StaleEditError, match=gone):
        mediation.party_form(session, added.party_id)
    with database.read() as session, pytest.raises(NotFoundError, match=r"^没有找到该当事人$"):
        mediation.party_input(session, added.party_id)
    for bad_id in (0, -1):
        with pytest.raises(NotFoundError, match=r"^没有找到该当事人$"):
            mediation.remove_party(database, bad_id, version=version)


def test_a_party_updated_to_a_known_number_shows_the_conflict(database: Database) -> None:
    first = h.make_case(database, parties=[h.person(1), h.person(2, "被申请人")])
    second = h.make_case(database, parties=[h.person(5), h.person(6, "被申请人")])
    party = _detail(database, second.case_id).parties[0]
    result = mediation.update_party(database, party.id, h.person(5, id_number=h.person(1)
                                                                 .id_number),
                                    version=party.version)
    assert [(c.case_no, c.reason, c.status) for c in result.conflicts] == [
        (first.case_no, "同一身份证号", "办理中")]
    assert "办理中" in result.conflicts[0].describe()


def test_an_unknown_chosen_person_is_refused(database: Database) -> None:
    ref = h.make_case(database)
    before = snapshot(database, *CASE_TABLES)
    assert _refused(mediation.add_party, database, ref.case_id,
                    h.person(3, person_id=999_999)) == {"name": "所选来访人不存在"}
    assert snapshot(database, *CASE_TABLES) == before
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.add_party(database, 999_999, h.person(3))


def test_known_residents_are_found_and_made_parties(database: Database) -> None:
    register(database, 1, name="王秀英", id_number=PUBLISHED_ID, gender="女",
             address="建设路1号", now=datetime(2026, 11, 26, 9, 0))
    with database.read() as session:
        by_name = mediation.search_persons(session, "秀英")
        by_id = mediation.search_persons(session, PUBLISHED_ID.lower())
        by_phone = mediation.search_persons(session, "13900000001")
        assert mediation.search_persons(session, "  ") == []
        party = mediation.person_as_party(session, by_name[0].person_id, "被申请人")
        with pytest.raises(NotFoundError, match=r"^没有找到该来访人$"):
            mediation.person_as_party(session, 999_999, "申请人")
    assert [p.name for p in by_name] == [p.name for p in by_id] == [
        p.name for p in by_phone] == ["王秀英"]
    assert by_name[0].label() == "王秀英  110105********002X  139****0001"
    assert (party.side, party.id_number, party.birth_date, party.gender, party.address) == (
        "被申请人", PUBLISHED_ID, date(1949, 12, 31), "女", "建设路1号")


def test_staff_choices_list_mediators_first(database: Database) -> None:
    from desktop.models import Staff

    with database.write() as session:
        clerk = Staff(name="前台甲", role="receptionist", active=True)
        auth.set_roles(clerk, ["receptionist"])
        session.add(clerk)
    h.staff(database)
    with database.write() as session:
        gone = Staff(name="离职者", role="mediator", active=False)
        auth.set_roles(gone, ["mediator"])
        session.add(gone)
    with database.read() as session:
        names = [(c.name, c.mediator) for c in mediation.staff_choices(session)]
    # The test account holds every role, the mediator's among them.
    assert names == [(TEST_ADMIN_NAME, True), ("王志刚", True), ("陈秀兰", True),
                     ("李慧敏", True), ("前台甲", False)]


# ---------------------------------------------------------------------------
# Sessions


def test_session_rules_and_a_session_on_a_future_day(database: Database) -> None:
    ref = h.make_case(database)
    good = h.session_input(1)
    for field, message in (("place", "请填写调解地点"), ("attendees", "请填写参加人员"),
                           ("record", "请填写调解记录")):
        bad = mediation.SessionInput(**{**good.__dict__, field: " "})
        assert _refused(mediation.add_session, database, ref.case_id, bad) == {field: message}
    tomorrow = datetime.combine(date.today() + timedelta(days=1), datetime.min.time())
    late = mediation.SessionInput(**{**good.__dict__, "held_at": tomorrow})
    assert _refused(mediation.add_session, database, ref.case_id, late) == {
        "held_at": "调解时间不能晚于今天"}
    tonight = mediation.SessionInput(**{**good.__dict__, "held_at": tomorrow - timedelta(
        minutes=1)})
    assert mediation.validate_session(tonight) == {}
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.add_session(database, 999_999, good)


def test_sessions_are_updated_and_deleted(database: Database) -> None:
    ref = h.make_case(database)
    first = mediation.add_session(database, ref.case_id, h.session_input(1))
    second = mediation.add_session(database, ref.case_id, h.session_input(2))
    changed = mediation.SessionInput(held_at=datetime(2026, 11, 9, 14, 45, 31), place=" 会议室 ",
                                     attendees=" 双方 ", record=" 记录 ", next_steps=" ")
    versions = {s.id: s.version for s in _detail(database, ref.case_id).sessions}
    mediation.update_session(database, first, changed, version=versions[first])
    (now_first, _) = _detail(database, ref.case_id).sessions
    assert _refused(mediation.update_session, database, first, mediation.SessionInput(
        **{**changed.__dict__, "record": ""}), version=now_first.version) == {
        "record": "请填写调解记录"}
    mediation.delete_session(database, second, version=versions[second])
    sessions = _detail(database, ref.case_id).sessions
    assert [(s.id, s.held_at, s.place, s.attendees, s.record, s.next_steps)
            for s in sessions] == [
        (first, datetime(2026, 11, 9, 14, 45), "会议室", "双方", "记录", None)]
    gone = r"^该调解记录已被他人删除，请重新载入$"
    with pytest.raises(StaleEditError, match=gone):
        mediation.delete_session(database, second, version=versions[second])
    with pytest.raises(StaleEditError, match=gone):
        mediation.update_session(database, second, changed, version=versions[second])
    with pytest.raises(NotFoundError, match=r"^没有找到该调解记录$"):
        mediation.update_session(database, 0, changed, version=1)


# ---------------------------------------------------------------------------
# Agreement and outcome


@pytest.mark.parametrize(
    ("text", "amount"),
    [("3000", Decimal("3000.00")), ("￥12,000.50元", Decimal("12000.50")),
     ("¥1，000", Decimal("1000.00")), ("0", Decimal("0.00")), ("  ", None),
     ("999999999999.99", Decimal("999999999999.99"))],
)
def test_amounts_as_typed(text: str, amount: Decimal | None) -> None:
    assert mediation.parse_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [("-0.01", "金额不能为负数"), ("-3000", "金额不能为负数"), ("三千", "金额应为数字"),
     ("1e12", "金额过大"), ("1000000000000", "金额过大")],
)
def test_bad_amounts_are_refused(database: Database, text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        mediation.parse_amount(text)
    assert message in caught.value.errors["amount"]
    ref = h.make_case(database)
    errors = _refused(mediation.save_agreement, database, ref.case_id, h.agreement(amount=text),
                      version=None)
    assert list(errors) == ["amount"]
    assert _detail(database, ref.case_id).agreement is None


@pytest.mark.parametrize("copies", [0, -1, 51])
def test_agreement_copies_are_one_to_fifty(copies: int) -> None:
    assert mediation.validate_agreement(h.agreement(copies=copies)) == {
        "copies": "协议份数应在1到50之间"}


@pytest.mark.parametrize("copies", [1, 50, None])
def test_agreement_copies_at_the_limits(copies: int | None) -> None:
    assert mediation.validate_agreement(h.agreement(copies=copies)) == {}


def test_agreement_rules(database: Database) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.save_agreement, database, ref.case_id, h.agreement(
        kind="verbal"), version=None) == {"kind": "协议形式只能是书面协议或口头协议"}
    assert _refused(mediation.save_agreement, database, ref.case_id, h.agreement(
        clauses=[" ", ""]), version=None) == {"clauses": "请至少填写一条协议内容"}
    assert _refused(mediation.save_agreement, database, ref.case_id, h.agreement(
        signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 19)), version=None) == {
        "effective_on": "生效日期不能早于签订日期"}
    assert mediation.validate_agreement(h.agreement(
        signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 20))) == {}
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.save_agreement(database, 999_999, h.agreement(), version=None)


def test_an_agreement_is_saved_and_read_back(database: Database) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        assert mediation.agreement_input(session, ref.case_id) is None
    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=[" 第一条 ", "", "第二条"], copies=4, amount="3000", performance_place=" "),
        version=None)
    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=["只剩一条"], copies=5, amount=""),
        version=_agreement_version(database, ref.case_id))
    with database.read() as session:
        saved = mediation.agreement_input(session, ref.case_id)
    assert saved is not None
    assert (saved.clauses, saved.copies, saved.amount, saved.effective_on) == (
        ["只剩一条"], 5, "", date(2026, 11, 20))
    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=[" 第一条 ", "", "第二条"], copies=4, amount="3000", performance_place=" "),
        version=_agreement_version(database, ref.case_id))
    with database.read() as session:
        saved = mediation.agreement_input(session, ref.case_id)
    assert saved is not None
    assert (saved.clauses, saved.amount, saved.performance_place) == (
        ["第一条", "第二条"], "3000.00", "")
    preview = mediation.agreement_data_from_input(h.agreement(amount="abc", copies=3))
    assert (preview.amount, preview.copies, preview.effective_on) == (
        None, 3, date(2026, 11, 20))


def test_clauses_typed_with_numbers_lose_them() -> None:
    text = "一、赔偿3000元\n\n2. 不再施工\n（3）互不追究\n  4）其他  \n十一．补充"
    assert mediation.clauses_from_text(text) == ["赔偿3000元", "不再施工", "互不追究", "其他",
                                                 "补充"]


def test_a_case_does_not_close_before_it_was_accepted(database: Database) -> None:
    ref = h.make_case(database, accepted_on=date(2026, 11, 2))
    before = snapshot(database, *CASE_TABLES)
    assert _refused(mediation.close_case, database, ref.case_id, mediation.OutcomeInput(
        "终止调解", reason="当事人撤回", closed_on=date(2026, 11, 1))) == {
        "closed_on": "结案日期不能早于受理日期"}
    assert snapshot(database, *CASE_TABLES) == before
    assert _detail(database, ref.case_id).outcome is None
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "终止调解", reason=" 当事人撤回 ", closed_on=date(2026, 11, 2)))
    detail = _detail(database, ref.case_id)
    assert (detail.outcome, detail.outcome_reason, detail.closed_on, detail.guided_to) == (
        "终止调解", "当事人撤回", date(2026, 11, 2), None)
    assert detail.follow_ups == []  # only a success plans a follow-up


def test_outcome_rules(database: Database) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.close_case, database, ref.case_id,
                    mediation.OutcomeInput("和解")) == {"outcome": "请选择调解结果"}
    assert _refused(mediation.close_case, database, ref.case_id,
                    mediation.OutcomeInput("终止调解", reason=" ")) == {
        "reason": "请填写终止调解的原因"}
    assert _refused(mediation.close_case, database, ref.case_id, mediation.OutcomeInput(
        "调解不成功", reason="分歧大", guided_to="上访")) == {
        "guided_to": "请选择引导当事人的途径（诉讼、仲裁或行政）"}
    no_parties = h.make_case(database)
    for party in _detail(database, no_parties.case_id).parties:
        mediation.remove_party(database, party.id, version=party.version)
    mediation.save_agreement(database, no_parties.case_id, h.agreement(), version=None)
    assert _refused(mediation.close_case, database, no_parties.case_id,
                    mediation.OutcomeInput("调解成功")) == {"outcome": "请先添加当事人"}
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.close_case(database, 999_999, mediation.OutcomeInput("终止调解", reason="撤回"))


def test_a_case_closed_without_a_date_closes_today_and_reopens(database: Database) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解成功", reason="", guided_to="诉讼"))
    detail = _detail(database, ref.case_id)
    assert (detail.outcome, detail.closed_on, detail.guided_to, detail.outcome_reason) == (
        "调解成功", date.today(), None, None)
    assert [f.planned_on for f in detail.follow_ups] == [date.today() + timedelta(days=14)]
    mediation.reopen_case(database, ref.case_id)
    reopened = _detail(database, ref.case_id)
    assert (reopened.outcome, reopened.closed_on, reopened.guided_to,
            reopened.outcome_reason) == (None, None, None, None)
    # Closed again: the follow-up already planned is not planned twice.
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解不成功", reason="反悔", guided_to="仲裁"), today=date(2026, 11, 30))
    closed = _detail(database, ref.case_id)
    assert (closed.closed_on, closed.guided_to, len(closed.follow_ups)) == (
        date(2026, 11, 30), "仲裁", 1)
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.reopen_case(database, 999_999)


# ---------------------------------------------------------------------------
# Follow-ups and judicial confirmation


def test_a_follow_up_dated_in_the_future_is_refused(database: Database) -> None:
    ref = h.make_case(database)
    visitor = h.staff(database)[0]
    done = mediation.FollowUpInput(planned_on=date(2026, 11, 20), done_on=date.today(),
                                   method="电话", visitor_id=visitor, performance="已履行",
                                   satisfaction="满意", notes=" 很好 ")
    made = mediation.add_follow_up(database, ref.case_id, done)
    late = mediation.FollowUpInput(**{**done.__dict__,
                                      "done_on": date.today() + timedelta(days=1)})
    assert _refused(mediation.add_follow_up, database, ref.case_id, late) == {
        "done_on": "回访日期不能晚于今天"}
    (loaded,) = _detail(database, ref.case_id).follow_ups
    assert _refused(mediation.update_follow_up, database, made, late,
                    version=loaded.version) == {"done_on": "回访日期不能晚于今天"}
    (saved,) = _detail(database, ref.case_id).follow_ups
    assert (saved.done_on, saved.visitor, saved.notes, saved.method) == (
        date.today(), "王志刚", "很好", "电话")


def test_follow_up_rules(database: Database) -> None:
    ref = h.make_case(database)
    planned = mediation.FollowUpInput(planned_on=date(2026, 12, 20), method="飞鸽")
    assert _refused(mediation.add_follow_up, database, ref.case_id, planned) == {
        "method": "回访方式不正确"}
    only_planned = mediation.add_follow_up(database, ref.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 12, 20)))
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.add_follow_up(database, 999_999, mediation.FollowUpInput(date(2026, 12, 1)))
    with pytest.raises(StaleEditError, match=r"^该回访记录已被他人删除，请重新载入$"):
        mediation.update_follow_up(database, 999_999, mediation.FollowUpInput(date(2026, 12, 1)),
                                   version=1)
    with pytest.raises(NotFoundError, match=r"^没有找到该回访记录$"):
        mediation.update_follow_up(database, 0, mediation.FollowUpInput(date(2026, 12, 1)),
                                   version=1)
    with database.read() as session:
        assert mediation.count_due_follow_ups(session, today=date(2026, 12, 19)) == 0
        assert mediation.count_due_follow_ups(session, today=date(2026, 12, 20)) == 1
        assert mediation.count_due_follow_ups(session, today=date(2026, 12, 13),
                                              within_days=7) == 1
        (due,) = mediation.due_follow_ups(session, today=date(2026, 12, 22))
    assert (due.follow_up_id, due.days_late, due.planned_on) == (
        only_planned, 2, date(2026, 12, 20))


def test_judicial_confirmation_rules(database: Database) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.save_judicial_confirmation, database, ref.case_id,
                    mediation.JudicialInput(court=" "), version=None) == {
        "court": "请填写受理司法确认申请的人民法院"}
    assert _refused(mediation.save_judicial_confirmation, database, ref.case_id,
                    mediation.JudicialInput(court="东城区人民法院", result="确认有效"),
                    version=None) == {"applied_on": "请先填写申请日期"}
    assert _refused(mediation.save_judicial_confirmation, database, ref.case_id,
                    mediation.JudicialInput(court="东城区人民法院", result="胜诉",
                                            applied_on=date(2026, 11, 22)), version=None) == {
        "result": "司法确认结果不正确"}
    mediation.save_agreement(database, ref.case_id, h.agreement(
        kind="oral", clauses=["三日内清理杂物"]), version=None)
    assert _refused(mediation.save_judicial_confirmation, database, ref.case_id,
                    mediation.JudicialInput(court="东城区人民法院"), version=None) == {
        "court": "只有书面调解协议可以申请司法确认"}
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=date(2026, 11, 20)),
                             version=_agreement_version(database, ref.case_id))
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court=" 东城区人民法院 ", applied_on=date(2026, 12, 20), result="确认有效",
        result_on=date(2026, 12, 28), notes=" "), version=None)
    judicial = _detail(database, ref.case_id).judicial
    assert judicial is not None
    assert (judicial.court, judicial.applied_on, judicial.deadline_on, judicial.result,
            judicial.result_on, judicial.notes) == (
        "东城区人民法院", date(2026, 12, 20), date(2026, 12, 20), "确认有效",
        date(2026, 12, 28), None)
    assert mediation.judicial_deadline(None) is None
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.save_judicial_confirmation(database, 999_999,
                                             mediation.JudicialInput(court="法院"), version=None)


# ---------------------------------------------------------------------------
# Attachments


@pytest.mark.parametrize(
    ("kind", "filename", "content", "errors"),
    [
        ("照片", "a.pdf", PDF, {"kind": "材料类别不正确"}),
        ("证据材料", "a.docx", b"PK", {"file": "只能添加 PDF、JPG 或 PNG 文件"}),
        ("证据材料", "a.pdf", b"", {"file": "文件是空的"}),
        ("证据材料", "a.pdf", b"<html>", {"file": "文件不是有效的 PDF"}),
        ("证据材料", "a.png", b"x" * (mediation.MAX_ATTACHMENT_BYTES + 1),
         {"file": "文件超过 30 MB，请压缩或分页扫描后再添加"}),
    ],
)
def test_attachment_rules(database: Database, kind: str, filename: str, content: bytes,
                          errors: dict[str, str]) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.add_attachment, database, ref.case_id, kind=kind,
                    filename=filename, content=content) == errors
    assert _detail(database, ref.case_id).attachments == []


def test_attachments_are_added_read_and_removed(database: Database, tmp_path: Path) -> None:
    ref = h.make_case(database)
    path = tmp_path / "调解申请书.pdf"
    path.write_bytes(PDF)
    first = mediation.add_attachment_file(database, ref.case_id, path, kind="证据材料")
    limit = mediation.add_attachment(database, ref.case_id, kind="其他材料",
                                     filename="大.jpg", title=" 现场照片 ",
                                     content=b"\xff" * mediation.MAX_ATTACHMENT_BYTES)
    with database.read() as session:
        data, content = mediation.attachment(session, first)
    assert (data.title, data.filename, data.mime, data.size, content) == (
        "调解申请书", "调解申请书.pdf", "application/pdf", len(PDF), PDF)
    assert data.added_at == datetime.now().replace(microsecond=0) or data.added_at <= (
        datetime.now())
    mediation.remove_attachment(database, first)
    assert [(a.id, a.title, a.mime) for a in _detail(database, ref.case_id).attachments] == [
        (limit, "现场照片", "image/jpeg")]
    with pytest.raises(NotFoundError, match=r"^没有找到该材料$"):
        mediation.remove_attachment(database, first)
    with database.read() as session, pytest.raises(NotFoundError, match=r"^没有找到该材料$"):
        mediation.attachment(session, first)
    with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.add_attachment(database, 999_999, kind="证据材料", filename="a.pdf",
                                 content=PDF)
    assert mediation.guess_mime("扫描件.JPG") == "image/jpeg"
    assert mediation.guess_mime("无后缀") == "application/octet-stream"


# ---------------------------------------------------------------------------
# Numbers and names


def test_case_numbers_and_titles() -> None:
    assert mediation.format_case_no(2026, "东", 7) == "（2026）东人调字第0007号"
    assert mediation.case_title(["张三", "王五"], ["李四"], "邻里") == "张三等与李四邻里纠纷"
    assert mediation.case_title(["张三"], [], "劳动争议/欠薪") == "张三劳动争议、欠薪纠纷"
    assert mediation.case_title([], [], "") == "纠纷"
    assert mediation.case_title([], ["李四"], "合同纠纷") == "李四合同纠纷"


def test_a_refused_acceptance_does_not_move_the_case_counter(database: Database) -> None:
    h.make_case(database)
    m1, _, _ = h.staff(database)
    with pytest.raises(ValidationError):
        mediation.accept_case(database, mediation.CaseInput(
            facts="事实", mediator_ids=[m1], category_id=999_999), today=date(2026, 11, 5))
    with database.read() as session:
        assert session.scalar(select(SequenceCounter.value).where(
            SequenceCounter.key == "case:2026")) == 1


# ---------------------------------------------------------------------------
# The case list, numbers typed by hand, conflicts


def test_the_case_list_in_each_view(database: Database) -> None:
    today = date(2026, 12, 2)
    late = h.make_case(database, accepted_on=today - timedelta(days=31),
                       parties=[h.person(1, name="赵一"), h.organisation()])
    due = h.make_case(database, accepted_on=today - timedelta(days=30),
                      parties=[h.person(3, name="钱三"), h.person(4, "被申请人", name="孙四")],
                      facts="借款到期未还")
    closed = h.make_case(database, accepted_on=today - timedelta(days=40),
                         parties=[h.person(5, name="李五"), h.person(6, "被申请人")])
    mediation.close_case(database, closed.case_id, mediation.OutcomeInput(
        "终止调解", reason="撤回", closed_on=today - timedelta(days=3)))
    older = h.make_case(database, accepted_on=today - timedelta(days=50),
                        parties=[h.person(7, name="周七"), h.person(8, "被申请人")])
    mediation.close_case(database, older.case_id, mediation.OutcomeInput(
        "终止调解", reason="撤回", closed_on=today - timedelta(days=10)))
    with database.read() as session:
        def view(status: str, search: str = "", limit: int = 500) -> list[tuple[object, ...]]:
            return [(r.case_no, r.title, r.category, r.mediators, r.accepted_on, r.due_on,
                     r.outcome, r.closed_on, r.days_left, r.overdue, r.status)
                    for r in mediation.case_list(session, status=status, search=search,
                                                 today=today, limit=limit)]
        open_rows = view("open")
        overdue = view("overdue")
        closed_rows = view("closed")
        every = view("all")
        counts = mediation.case_counts(session, today=today)
        searches = {text: [row[0] for row in view("all", text)] for text in (
            "钱", "借款", due.case_no[-6:], h.person(3).id_number.lower(), h.person(1).phone,
            h.CREDIT_CODE.lower(), "无此人")}
        assert [row[0] for row in view("all", limit=2)] == [due.case_no, late.case_no]
    assert open_rows == [
        (late.case_no, "赵一与某某物业服务有限公司纠纷", "", "王志刚、陈秀兰",
         today - timedelta(days=31), today - timedelta(days=1), None, None, -1, True, "已超期"),
        (due.case_no, "钱三与孙四纠纷", "", "王志刚、陈秀兰", today - timedelta(days=30), today,
         None, None, 0, False, "办理中"),
    ]
    assert overdue == open_rows[:1]
    assert [(row[0], row[6], row[7], row[8], row[9], row[10]) for row in closed_rows] == [
        (closed.case_no, "终止调解", today - timedelta(days=3), None, False, "终止调解"),
        (older.case_no, "终止调解", today - timedelta(days=10), None, False, "终止调解"),
    ]
    assert [row[0] for row in every] == [due.case_no, late.case_no, closed.case_no,
                                         older.case_no]
    assert counts == {"open": 2, "overdue": 1, "closed": 2, "all": 4}
    assert searches == {
        "钱": [due.case_no], "借款": [due.case_no], due.case_no[-6:]: [due.case_no],
        h.person(3).id_number.lower(): [due.case_no], h.person(1).phone: [late.case_no],
        h.CREDIT_CODE.lower(): [late.case_no], "无此人": []}


def test_a_case_number_typed_with_ascii_brackets_and_spaces_is_found(database: Database) -> None:
    ref = h.make_case(database)
    typed = ref.case_no.replace("（", "(").replace("）", ")")
    with database.read() as session:
        assert mediation.case_id_for(session, f" {typed[:4]} {typed[4:]} ") == ref.case_id
        with pytest.raises(NotFoundError, match="没有案号为 X 的调解案件"):
            mediation.case_id_for(session, "X")


def test_conflicts_name_the_other_cases_newest_first(database: Database) -> None:
    old = h.make_case(database, accepted_on=date(2026, 10, 1),
                      parties=[h.person(1), h.organisation("申请人")])
    new = h.make_case(database, accepted_on=date(2026, 11, 1),
                      parties=[h.person(2), h.person(1, "被申请人")])
    mediation.close_case(database, old.case_id, mediation.OutcomeInput(
        "终止调解", reason="撤回", closed_on=date(2026, 10, 5)))
    with database.read() as session:
        same_person = mediation.find_conflicts(session, h.person(1))
        elsewhere = mediation.find_conflicts(session, h.person(1), exclude_case_id=new.case_id)
        company = mediation.find_conflicts(session, h.organisation(credit_code=""))
        unnamed = mediation.find_conflicts(session, h.organisation(name=" ", credit_code=""))
        by_person = mediation.find_conflicts(session, mediation.PartyInput(
            name="某人", person_id=None))
        conflicts = mediation.case_conflicts(session, new.case_id)
    assert [(c.case_no, c.side, c.status, c.reason) for c in same_person] == [
        (new.case_no, "被申请人", "办理中", "同一身份证号"),
        (old.case_no, "申请人", "终止调解", "同一身份证号")]
    assert [c.case_no for c in elsewhere] == [old.case_no]
    assert [(c.case_no, c.reason, c.name) for c in company] == [
        (old.case_no, "同名单位", "某某物业服务有限公司")]
    assert unnamed == [] and by_person == []
    assert [c.case_no for found in conflicts.values() for c in found] == [old.case_no]
    assert elsewhere[0].describe() == f"{old.case_no}（终止调解，作为申请人，同一身份证号）"


def test_long_attachment_names_are_cut_to_fit(database: Database) -> None:
    ref = h.make_case(database)
    made = mediation.add_attachment(database, ref.case_id, kind="身份证明",
                                    filename="/扫描/" + "名" * 300 + ".pdf", content=PDF,
                                    mime="application/pdf")
    with database.read() as session:
        data, _ = mediation.attachment(session, made)
    assert (len(data.title), len(data.filename)) == (128, 255)
    assert data.filename.startswith("名") and data.title == "名" * 128


def test_parties_added_later_come_after_the_first_ones(database: Database) -> None:
    ref = h.make_case(database)
    third = mediation.add_party(database, ref.case_id, h.person(3))
    fourth = mediation.add_party(database, ref.case_id, h.person(4))
    with database.read() as session:
        positions = dict(session.execute(
            select(CaseParty.id, CaseParty.position).where(CaseParty.case_id == ref.case_id)
        ).all())
    assert sorted(positions.values()) == [0, 1, 2, 3]
    assert (positions[third.party_id], positions[fourth.party_id]) == (2, 3)
    assert [p.name for p in _detail(database, ref.case_id).applicants] == [
        "当事人1", "当事人3", "当事人4"]


def test_a_draft_from_a_visit_offers_its_mediator_ticket_and_birth_date(
    database: Database
) -> None:
    from desktop.models import Staff

    now = datetime(2026, 11, 26, 9, 0)
    reg = register(database, 1, id_number=PUBLISHED_ID, now=now)
    with database.write() as session:
        mediator = Staff(name="王志刚", role="mediator", active=True)
        clerk = Staff(name="前台甲", role="receptionist", active=True)
        auth.set_roles(mediator, ["mediator"])
        auth.set_roles(clerk, ["receptionist"])
        session.add_all([mediator, clerk])
        session.flush()
        mediator_id, clerk_id = mediator.id, clerk.id
    from desktop.services.reception import queue

    queue.start(database, reg.referral_id, staff_id=mediator_id, now=now)
    queue.transfer(database, reg.referral_id, _room(database, "心理咨询室"), "先疏导", now=now)
    later = queue.route_again(database, reg.visit_id, _room(database, "矛盾纠纷调解室"), "再调解",
                              staff_id=clerk_id, now=now + timedelta(hours=1))
    queue.start(database, later.id, staff_id=clerk_id, now=now + timedelta(hours=1))
    with database.read() as session:
        data, applicant = mediation.draft_from_visit(session, reg.visit_id)
        with pytest.raises(NotFoundError, match=r"^没有找到该来访登记$"):
            mediation.draft_from_visit(session, 999_999)
    assert data.source_detail == f"综治中心接待分流（{reg.visit_no}，调-002）"
    assert (data.referral_id, data.mediator_ids, data.visit_id) == (later.id, [], reg.visit_id)
    assert (applicant.birth_date, applicant.id_number, applicant.side) == (
        date(1949, 12, 31), PUBLISHED_ID, "申请人")
    with database.read() as session:
        served, _ = mediation.draft_from_visit(session, register(
            database, 2, now=now).visit_id)
    assert served.mediator_ids == [] and served.source_detail.endswith("，调-003）")
    reg3 = register(database, 3, now=now, id_type="护照", id_number="E12345678")
    queue.start(database, reg3.referral_id, staff_id=mediator_id, now=now)
    with database.read() as session:
        passport, holder = mediation.draft_from_visit(session, reg3.visit_id)
    assert (passport.mediator_ids, holder.birth_date, holder.id_number) == (
        [mediator_id], None, "E12345678")


def _room(database: Database, name: str) -> int:
    from tests.reception_helpers import room_ids

    return room_ids(database)[name]


def test_a_visit_sent_on_to_mediation_long_after_it_came_waits_for_its_case_too(
        database: Database) -> None:
    """A resident came 120 days ago (to the counselling room); ten days ago the visit was
    sent on to mediation (另派) and the room finished the ticket as 立案调解: it waits
    for its case like any other, its ticket's day counting, not the visit's."""
    from desktop.services.reception import queue

    today = date(2026, 12, 20)
    came = datetime(2026, 8, 22, 9, 0)
    visit = register(database, 1, now=came, room="心理咨询室", category="心理疏导")
    sent = datetime(2026, 12, 10, 9, 0)
    ticket = queue.route_again(database, visit.visit_id, _room(database, "矛盾纠纷调解室"),
                               "另需调解家庭纠纷", now=sent)
    queue.start(database, ticket.id, now=sent)
    queue.finish(database, ticket.id, "case_opened", now=sent)
    with database.read() as session:
        assert [r.visit_id for r in mediation.routed_visits(session, today=today)] == [
            visit.visit_id]
        later = today + timedelta(days=81)  # 91 days after the ticket: no longer waiting
        assert mediation.routed_visits(session, today=later) == []


def test_visits_waiting_for_a_case(database: Database) -> None:
    from desktop.services.reception import queue

    today = date(2026, 12, 20)  # not the clock's day: the function must use the one given
    at = datetime(2026, 12, 1, 9, 0)
    register(database, 8, now=at)  # routed at the same minute, registered before
    waiting = register(database, 1, now=at, summary="楼上漏水" * 10)
    held = register(database, 2, now=at + timedelta(minutes=1), category="物业")
    queue.hold(database, held.referral_id, "补材料", now=at)
    opened = register(database, 3, now=datetime.combine(today - timedelta(days=90),
                                                         datetime.min.time()))
    queue.start(database, opened.referral_id, now=at)
    queue.finish(database, opened.referral_id, "case_opened", now=at)
    too_old = register(database, 4, now=datetime.combine(today - timedelta(days=91),
                                                          datetime.max.time()))
    queue.start(database, too_old.referral_id, now=at)
    queue.finish(database, too_old.referral_id, "case_opened", now=at)
    resolved = register(database, 5, now=at)
    queue.start(database, resolved.referral_id, now=at)
    queue.finish(database, resolved.referral_id, "resolved", now=at)
    register(database, 6, now=at, room="心理咨询室", category="心理疏导")
    has_case = register(database, 7, now=at + timedelta(minutes=2))
    m1, _, _ = h.staff(database)
    mediation.accept_case(database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], visit_id=has_case.visit_id))
    with database.read() as session:
        routed = mediation.routed_visits(session, today=today)
        first = mediation.routed_visits(session, today=today, limit=1)
    assert [(r.visit_no, r.ticket_no, r.person_name, r.category) for r in routed] == [
        (held.visit_no, "调-003", "测试2号", "物业"),
        (waiting.visit_no, "调-002", "测试1号", "邻里"),
        (routed[2].visit_no, "调-001", "测试8号", "邻里"),
        (opened.visit_no, "调-001", "测试3号", "邻里")]
    assert [r.visit_id for r in first] == [held.visit_id]
    row = routed[1]
    assert (row.visit_id, row.referral_id, row.visited_at) == (
        waiting.visit_id, waiting.referral_id, at)
    assert row.label() == "12-01 09:00 调-002 测试1号（邻里）" + ("楼上漏水" * 6)
    assert replace_category(row).label().startswith("12-01 09:00 调-002 测试1号（未分类）")


def test_visits_waiting_for_a_case_are_read_through_indexes(sqlite_database: Database) -> None:
    """The 待立案 list reads tickets by index, never every ticket the mediation room ever had
    (at a million visits that read took 1.7 s)."""
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def grab(_conn: object, _cursor: object, statement: str, parameters: object,
             _context: object, _many: bool) -> None:
        if "UNION ALL" in statement:
            statements.append((statement, parameters))

    engine = sqlite_database.engine
    event.listen(engine, "before_cursor_execute", grab)
    try:
        with sqlite_database.read() as session:
            mediation.routed_visits(session)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    [(statement, parameters)] = statements
    with engine.connect() as conn:
        plan = [str(row[3]) for row in
                conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
    assert any("ix_referral_room_status" in step for step in plan), plan
    assert any("ix_referral_room_result_day" in step for step in plan), plan
    assert any("ix_referral_visit_room" in step for step in plan), plan
    assert not any(step.startswith("SCAN referral") for step in plan), plan
    assert not any("ix_referral_room_id " in step for step in plan), plan


def replace_category(row: mediation.RoutedVisit) -> mediation.RoutedVisit:
    return replace(row, category="")


def test_every_field_of_a_case_comes_back_as_written(database: Database) -> None:
    m1, m2, rec = h.staff(database)
    reg = register(database, 1, now=datetime(2026, 11, 26, 9, 0))
    ref = mediation.accept_case(database, mediation.CaseInput(
        facts="事实", matters="事项", source="公安移交", source_detail="派出所转来",
        category_id=2, mediator_ids=[m1, m2], recorder_id=rec, accepted_on=date(2026, 11, 2),
        visit_id=reg.visit_id, referral_id=reg.referral_id, retention="短期", archive_no="A-7",
        filed_by_id=m2, filed_on=date(2026, 11, 30)),
        [h.person(1, age=52, agent_name="李律师", agent_type="法定代理人",
                  agent_id_number=PUBLISHED_ID, agent_phone="13700001111", agent_relation="父子",
                  person_id=None),
         h.organisation()])
    mediation.add_session(database, ref.case_id, h.session_input(1))
    mediation.save_agreement(database, ref.case_id, h.agreement(
        copies=3, effective_on=date(2026, 11, 21), performance_method="现金"), version=None)
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="东城区人民法院", applied_on=date(2026, 11, 25), result="驳回申请",
        result_on=date(2026, 11, 28), notes="材料不全"), version=None)
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解成功", closed_on=date(2026, 11, 21)))
    mediation.add_attachment(database, ref.case_id, kind="履行凭证", filename="收据.pdf",
                             content=PDF)
    detail = _detail(database, ref.case_id)
    assert (detail.case_no, detail.committee_name, detail.centre_name, detail.centre_address) == (
        ref.case_no, TEST_CENTRE.committee_name, TEST_CENTRE.centre_name,
        TEST_CENTRE.centre_address)
    assert (detail.source, detail.source_detail, detail.category_id, detail.category) == (
        "公安移交", "派出所转来", 2, "邻里")
    assert (detail.facts, detail.matters, detail.mediator_ids, detail.mediators) == (
        "事实", "事项", [m1, m2], ["王志刚", "陈秀兰"])
    assert (detail.recorder_id, detail.recorder, detail.accepted_on, detail.due_on) == (
        rec, "李慧敏", date(2026, 11, 2), date(2026, 12, 2))
    assert (detail.outcome, detail.outcome_reason, detail.guided_to, detail.closed_on) == (
        "调解成功", None, None, date(2026, 11, 21))
    assert (detail.archive_no, detail.filed_by_id, detail.filed_by, detail.filed_on,
            detail.retention) == ("A-7", m2, "陈秀兰", date(2026, 11, 30), "短期")
    assert (detail.visit_id, detail.visit_no) == (reg.visit_id, reg.visit_no)
    person, company = detail.parties
    expected = h.person(1)
    assert (person.side, person.kind, person.name, person.person_id, person.gender,
            person.ethnicity, person.birth_date, person.age, person.id_number,
            person.occupation, person.address, person.phone) == (
        "申请人", "person", "当事人1", None, "男", "汉", expected.birth_date, 52,
        expected.id_number, "个体经营", "东城区建设路1号", "13800130001")
    assert (person.credit_code, person.legal_rep, person.legal_rep_title,
            person.is_organisation) == (None, None, None, False)
    assert (person.agent_type, person.agent_name, person.agent_id_number, person.agent_phone,
            person.agent_relation) == ("法定代理人", "李律师", PUBLISHED_ID, "13700001111",
                                       "父子")
    assert (company.side, company.kind, company.credit_code, company.legal_rep,
            company.legal_rep_title, company.is_organisation, company.gender,
            company.birth_date, company.agent_name, company.agent_type) == (
        "被申请人", "organisation", h.CREDIT_CODE, "周建国", "法定代表人", True, None, None,
        None, None)
    assert [p.name for p in detail.applicants] == ["当事人1"]
    assert [p.name for p in detail.respondents] == ["某某物业服务有限公司"]
    assert detail.title == "当事人1与某某物业服务有限公司邻里纠纷"
    (meeting,) = detail.sessions
    assert (meeting.held_at, meeting.place, meeting.next_steps) == (
        datetime(2026, 11, 6, 9, 30), "矛盾纠纷调解室", "约定下次调解时间")
    agreement = detail.agreement
    assert agreement is not None
    assert (agreement.kind, agreement.copies, agreement.amount, agreement.signed_on,
            agreement.effective_on, agreement.performance_method, agreement.performance_place,
            agreement.performance_deadline) == (
        "written", 3, Decimal("3000.00"), date(2026, 11, 20), date(2026, 11, 21), "现金",
        "东城区综治中心", "2026年12月10日前")
    assert agreement.clauses[1] == "被申请人今后不在22时至次日7时之间施工。"
    judicial = detail.judicial
    assert judicial is not None
    assert (judicial.court, judicial.deadline_on, judicial.applied_on, judicial.result,
            judicial.result_on, judicial.notes) == (
        "东城区人民法院", date(2026, 12, 21), date(2026, 11, 25), "驳回申请",
        date(2026, 11, 28), "材料不全")
    (follow_up,) = detail.follow_ups
    assert (follow_up.planned_on, follow_up.done_on, follow_up.visitor, follow_up.method) == (
        date(2026, 12, 5), None, None, None)
    (scan,) = detail.attachments
    assert (scan.kind, scan.title, scan.filename, scan.mime, scan.size) == (
        "履行凭证", "收据", "收据.pdf", "application/pdf", len(PDF))
    assert mediation.case_input(detail).archive_no == "A-7"


def test_follow_up_done_needs_performance_satisfaction_and_visitor() -> None:
    assert mediation.validate_follow_up(mediation.FollowUpInput(
        planned_on=date(2026, 11, 20), done_on=date(2026, 11, 21))) == {
        "performance": "请选择履行情况", "satisfaction": "请选择当事人满意度",
        "visitor": "请选择回访人"}
    assert mediation.validate_follow_up(mediation.FollowUpInput(
        planned_on=date(2026, 11, 20), method="电话")) == {}


def test_forms_read_back_exactly_what_was_saved(database: Database) -> None:
    m1, m2, rec = h.staff(database)
    data = mediation.CaseInput(
        facts="事实", matters="事项", source="法院委托", source_detail="委托函", category_id=3,
        mediator_ids=[m2, m1], recorder_id=rec, accepted_on=date(2026, 11, 2), retention="永久",
        archive_no="A-1", filed_by_id=m1, filed_on=date(2026, 11, 30))
    person = h.person(1, age=52, agent_type="法定代理人", agent_name="李律师",
                      agent_id_number=PUBLISHED_ID, agent_phone="13700001111",
                      agent_relation="父子")
    company = mediation.PartyInput(
        name="某某公司", side="被申请人", kind="organisation", credit_code=h.CREDIT_CODE,
        legal_rep="周建国", legal_rep_title="负责人", address="人民路1号", phone="010-62345678")
    ref = mediation.accept_case(database, data, [person, company])
    agreement = mediation.AgreementInput(
        clauses=["第一条", "第二条"], kind="written", performance_method="转账",
        performance_place="中心", performance_deadline="月底前", copies=3, amount="3000.50",
        signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 21))
    mediation.save_agreement(database, ref.case_id, agreement, version=None)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        read_case = mediation.case_input(detail)
        read_parties = [mediation.party_input(session, p.id) for p in detail.parties]
        read_agreement = mediation.agreement_input(session, ref.case_id)
    assert read_case == mediation.CaseInput(**{**data.__dict__,
                                               "mediator_ids": sorted([m1, m2])})
    assert read_parties == [person, company]
    assert read_agreement == agreement
    assert detail.agreement is not None
    assert mediation.agreement_data_from_input(agreement) == replace(detail.agreement,
                                                                     version=None)


def test_residents_are_offered_by_name_with_their_details(database: Database) -> None:
    at = datetime(2026, 11, 26, 9, 0)
    register(database, 2, name="王秀英", gender="女", address="建设路2号", now=at)
    register(database, 1, name="王秀兰", gender="女", address="建设路1号", now=at)
    register(database, 3, name="王秀兰", now=at)
    with database.read() as session:
        found = mediation.search_persons(session, "王秀")
        limited = mediation.search_persons(session, "王秀", limit=1)
        first = mediation.person_as_party(session, found[0].person_id, "申请人")
    assert [(p.name, p.gender, p.id_number, p.phone, p.address) for p in found] == [
        ("王秀兰", "女", id_number(1), "13900000001", "建设路1号"),
        ("王秀兰", None, id_number(3), "13900000003", None),
        ("王秀英", "女", id_number(2), "13900000002", "建设路2号")]
    assert found[0].person_id < found[1].person_id
    assert [p.person_id for p in limited] == [found[0].person_id]
    assert first == mediation.PartyInput(
        name="王秀兰", side="申请人", person_id=found[0].person_id, gender="女",
        id_number=id_number(1), phone="13900000001", address="建设路1号",
        birth_date=date(1985, 3, 14))


def test_a_draft_from_a_visit_not_routed_to_mediation(database: Database) -> None:
    reg = register(database, 1, now=datetime(2026, 11, 26, 9, 0), room="心理咨询室",
                   category="心理疏导", request="希望调解", id_type="无证件", id_number="",
                   no_id_reason="未带", phone="13900000001")
    with database.read() as session:
        data, applicant = mediation.draft_from_visit(session, reg.visit_id)
    assert data == mediation.CaseInput(
        facts="楼上装修噪音扰民", matters="希望调解", source="当事人申请",
        source_detail=f"综治中心接待分流（{reg.visit_no}）", category_id=data.category_id,
        visit_id=reg.visit_id, referral_id=None, mediator_ids=[])
    assert applicant == mediation.PartyInput(
        name="测试1号", side="申请人", kind="person", person_id=applicant.person_id,
        gender=None, id_number="", phone="13900000001", address="")


def test_staff_are_offered_mediators_first_then_by_id(database: Database) -> None:
    from desktop.models import Staff

    with database.write() as session:
        rows = [Staff(name=n, role=r, active=True) for n, r in (
            ("甲", "receptionist"), ("乙", "mediator"), ("丙", "admin"), ("丁", "mediator"))]
        for row in rows:
            auth.set_roles(row, [row.role])
        session.add_all(rows)
        session.flush()
        ids = [r.id for r in rows]
    with database.read() as session:
        choices = mediation.staff_choices(session)
        admin = session.scalar(select(Staff.id).where(Staff.login == TEST_ADMIN_LOGIN))
    assert admin is not None and admin < ids[0]  # the test account, made with the database
    # The test account holds every role, the mediator's among them.
    assert choices == [mediation.StaffChoice(admin, TEST_ADMIN_NAME, True),
                       mediation.StaffChoice(ids[1], "乙", True),
                       mediation.StaffChoice(ids[3], "丁", True),
                       mediation.StaffChoice(ids[0], "甲", False),
                       mediation.StaffChoice(ids[2], "丙", False)]


def test_due_follow_ups_oldest_first_with_their_case(database: Database) -> None:
    first = h.make_case(database, parties=[h.person(1, name="赵一"), h.person(2, "被申请人",
                                                                           name="钱二")])
    second = h.make_case(database)
    late = mediation.add_follow_up(database, second.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 11, 28)))
    later = mediation.add_follow_up(database, first.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 11, 30)))
    soon = mediation.add_follow_up(database, first.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 12, 5)))
    mediation.add_follow_up(database, first.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 11, 1), done_on=date(2026, 11, 2), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意"))
    with database.read() as session:
        due = mediation.due_follow_ups(session, today=date(2026, 12, 2))
        ahead = mediation.due_follow_ups(session, today=date(2026, 12, 2), within_days=3)
        assert mediation.count_due_follow_ups(session, today=date(2026, 12, 2),
                                              within_days=3) == 3
        assert mediation.count_due_follow_ups(session) == 2  # the clock's day
    assert due == [
        mediation.DueFollowUp(late, second.case_id, second.case_no, "当事人1与当事人2纠纷",
                              date(2026, 11, 28), 4),
        mediation.DueFollowUp(later, first.case_id, first.case_no, "赵一与钱二纠纷",
                              date(2026, 11, 30), 2)]
    assert [(d.follow_up_id, d.days_late) for d in ahead] == [(late, 4), (later, 2), (soon, -3)]


def test_the_judicial_deadline_follows_the_agreement_and_the_log_says_so(
        database: Database) -> None:
    """The 司法确认 application is due 30 days after the agreement takes effect: when the
    agreement's dates change the deadline moves with them, the log tells the old and new
    deadline on the 司法确认 record, and an agreement saved again with the same dates
    logs no such change. The clauses are kept numbered from 1 in the order typed."""
    from desktop.models import AgreementClause, JudicialConfirmation

    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=["一", "二", "三"], signed_on=date(2026, 11, 20)), version=None)
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="东城区人民法院"), version=None)
    judicial = _detail(database, ref.case_id).judicial
    assert judicial is not None and judicial.deadline_on == date(2026, 12, 20)
    with database.read() as session:
        judicial_id = session.scalar(select(JudicialConfirmation.id))

    def deadline_changes() -> list[Mapping[str, object]]:
        return _logged(database, "change", "judicial_confirmation", judicial_id)

    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=["一", "二", "三"], signed_on=date(2026, 11, 25)),
        version=_agreement_version(database, ref.case_id))
    moved = _detail(database, ref.case_id).judicial
    assert moved is not None and moved.deadline_on == date(2026, 12, 25)
    assert deadline_changes() == [{"changes": {"deadline_on": {
        "old": "2026-12-20", "new": "2026-12-25"}}}]
    mediation.save_agreement(database, ref.case_id, h.agreement(
        clauses=["三", "一"], signed_on=date(2026, 11, 25)),
        version=_agreement_version(database, ref.case_id))
    assert len(deadline_changes()) == 1
    with database.read() as session:
        clauses = session.execute(select(AgreementClause.position, AgreementClause.text)
                                  .order_by(AgreementClause.position)).all()
    assert [tuple(c) for c in clauses] == [(1, "三"), (2, "一")]


def test_a_case_file_is_a_marked_draft_while_the_case_is_open_and_final_once_closed(
        database: Database) -> None:
    """The 卷宗 from the window or the command line: an open case gives a draft marked as
    such, or a refusal when a final one is asked for; a closed case gives the final one.
    Each print is logged under its title; a refusal logs nothing."""
    from desktop.services.mediation import documents
    from tests.test_paper_letters_rules import page_lines

    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)

    def printed() -> list[object]:
        return [d["文书"] for d in _logged(database, "print", "mediation_case", ref.case_id)]

    steps: list[tuple[int, int]] = []
    draft = documents.render_casefile(database, ref.case_id,
                                      progress=lambda done, total: steps.append((done, total)))
    assert "草稿" in " ".join(page_lines(draft)[0]) and steps and steps[-1][0] == steps[-1][1]
    assert documents.render(database, "casefile", ref.case_no, draft=True)[:5] == b"%PDF-"
    assert _refused(documents.render_casefile, database, ref.case_id, draft=False) == {
        "outcome": f"案件 {ref.case_no} 尚未结案，卷宗不完整：只能打印标明“草稿”的卷宗"
                   "（命令行加 --draft）"}
    assert printed() == ["人民调解卷宗（草稿）", "人民调解卷宗（草稿）"]
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解成功", reason="", guided_to=""))
    final = documents.render_casefile(database, ref.case_id)
    assert "草稿" not in " ".join(page_lines(final)[0])
    assert printed()[-1] == "人民调解卷宗"


def test_a_scan_s_name_and_title_are_refused_under_their_own_fields(
        database: Database, tmp_path: Path) -> None:
    """An unreadable file name or title, a title longer than its column, a folder or a
    missing file: each refused under the field the dialog shows it next to, nothing
    added. A file added from disk keeps the title typed and the time to the second."""
    ref = h.make_case(database)
    unreadable = "含有无法识别的字符，请删除后重新输入"

    def add(**kwargs: object) -> dict[str, str]:
        values: dict[str, object] = dict(kind="证据材料", filename="收条.pdf", content=PDF)
        values.update(kwargs)
        return _refused(mediation.add_attachment, database, ref.case_id, **values)

    before = snapshot(database)
    assert add(filename="收条\ud800.pdf") == {"file": "文件名" + unreadable}
    assert add(title="题" * 200) == {"title": "材料名称过长（不超过128字，当前200字）"}
    assert add(title="题\ud800") == {"title": "材料名称" + unreadable}
    assert _refused(mediation.add_attachment_file, database, ref.case_id, tmp_path,
                    kind="证据材料") == {"file": f"{tmp_path} 是一个文件夹，请选择 文件"}
    assert _refused(mediation.add_attachment_file, database, ref.case_id,
                    tmp_path / "没有.pdf", kind="证据材料") == {
        "file": f"找不到文件：{tmp_path / '没有.pdf'}"}
    assert snapshot(database) == before
    (tmp_path / "收条.pdf").write_bytes(PDF)
    added = mediation.add_attachment_file(database, ref.case_id, tmp_path / "收条.pdf",
                                          kind="证据材料", title="房租收条")
    with database.read() as session:
        data, content = mediation.attachment(session, added)
    assert (data.title, data.filename, content) == ("房租收条", "收条.pdf", PDF)
    assert data.added_at.microsecond == 0


def test_a_party_linked_to_a_known_resident_finds_the_resident_s_other_cases(
        database: Database) -> None:
    """A party chosen from the residents on record (no 身份证号 typed) is the same person
    in every case that links the same resident; a company is the same only by its own
    name. Linking a party to a resident who is not on record is refused next to the name."""
    from desktop.models import Visit

    visit = register(database, 30)
    with database.read() as session:
        resident = session.get_one(Visit, visit.visit_id).person_id
    linked = h.person(31, person_id=resident, id_number="")
    first = h.make_case(database, accepted_on=date(2026, 10, 8),
                        parties=[linked, h.organisation(name="甲物业公司", credit_code="")])
    second = h.make_case(database, accepted_on=date(2026, 11, 2),
                         parties=[h.person(32), h.organisation(name="乙物业公司", credit_code="")])
    with database.read() as session:
        same = mediation.find_conflicts(session, mediation.PartyInput(
            name="另一个名字", person_id=resident))
        company = mediation.find_conflicts(session, h.organisation(name="乙物业公司",
                                                                   credit_code=""))
        form, version = mediation.party_form(
            session, _detail(database, second.case_id).parties[0].id)
    assert same == [mediation.Conflict(first.case_id, first.case_no, "申请人", "当事人31", "办理中",
                                       date(2026, 10, 8), "同一人员")]
    assert [(c.case_id, c.name, c.reason) for c in company] == [
        (second.case_id, "乙物业公司", "同名单位")]
    party_id = _detail(database, second.case_id).parties[0].id
    assert _refused(mediation.update_party, database, party_id,
                    replace(form, person_id=999_999, id_number=""), version=version) == {
        "name": "所选来访人不存在"}
    result = mediation.update_party(database, party_id,
                                    replace(form, person_id=resident, id_number=""),
                                    version=version)
    assert result.party_id == party_id
    assert [(c.case_id, c.reason) for c in result.conflicts] == [(first.case_id, "同一人员")]


@pytest.mark.parametrize(("changes", "errors"), [
    (dict(visitor_id=0), {"visitor": "所选回访人不存在"}),
    (dict(planned_on=date(3000, 12, 1)), {"planned_on": "计划回访日期应在1900年至2100年之间"}),
    (dict(done_on=date(1800, 1, 1), method="电话", visitor_id=1, performance="已履行",
          satisfaction="满意"), {"done_on": "回访日期应在1900年至2100年之间"}),
])
def test_a_follow_up_s_visitor_and_dates_are_refused_in_their_own_words(
        changes: dict[str, object], errors: dict[str, str]) -> None:
    values: dict[str, object] = dict(planned_on=date(2026, 12, 1))
    values.update(changes)
    data = mediation.FollowUpInput(**values)  # type: ignore[arg-type]
    assert mediation.validate_follow_up(data) == errors


def test_the_case_list_titles_each_case_by_its_parties_and_its_category(
        database: Database) -> None:
    """张三与李四邻里纠纷: the first applicant and respondent (等 for more) and the
    category, as the list and the file cover show it."""
    from desktop.services import reference

    with database.read() as session:
        categories = {c.name: c.id for c in reference.categories(session)}
    ref = h.make_case(database, parties=[h.person(1), h.person(3), h.person(2, "被申请人")])
    data = mediation.case_input(_detail(database, ref.case_id))
    data.category_id = categories["邻里"]
    mediation.update_case(database, ref.case_id, data,
                          version=_detail(database, ref.case_id).version)
    with database.read() as session:
        (row,) = mediation.case_list(session)
    assert (row.title, row.category) == ("当事人1等与当事人2邻里纠纷", "邻里")


def test_each_refusal_to_close_a_case_is_said_in_its_own_words(database: Database) -> None:
    """No reason for a failure, no agreement for a success, no signing date on a written
    agreement, a date outside 1900–2100, a case already closed: each refused in its own
    words under its field, the case left open. An oral agreement needs no signing date."""
    def close(case_id: int, outcome: str, **kwargs: object) -> dict[str, str]:
        return _refused(mediation.close_case, database, case_id,
                        mediation.OutcomeInput(outcome, **kwargs))  # type: ignore[arg-type]

    ref = h.make_case(database)
    assert close(ref.case_id, "调解不成功", reason="", guided_to="诉讼") == {
        "reason": "请填写调解不成功的原因"}
    assert close(ref.case_id, "调解成功") == {"outcome": "调解成功的案件请先填写并保存协议内容"}
    assert close(ref.case_id, "终止调解", reason="撤回", closed_on=date(3000, 1, 1)) == {
        "closed_on": "结案日期应在1900年至2100年之间"}
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=None), version=None)
    assert close(ref.case_id, "调解成功") == {"outcome": "书面协议请先填写签订日期再结案"}
    assert _detail(database, ref.case_id).outcome is None
    oral = h.make_case(database)
    mediation.save_agreement(database, oral.case_id, h.agreement(kind="oral", signed_on=None),
                             version=None)
    mediation.close_case(database, oral.case_id, mediation.OutcomeInput(
        "调解成功", closed_on=date(2026, 11, 25)))
    assert close(oral.case_id, "调解成功", closed_on=date(2026, 11, 26)) == {
        "outcome": "该案件已于2026-11-25结案（调解成功），如需修改请先“重新打开”"}


def test_the_case_file_checklist_follows_the_outcome_and_the_kind_of_agreement(
        database: Database) -> None:
    """The 卷宗 list (MoJ order): an oral agreement's 登记表 in place of the 协议书, a
    履行凭证 asked for (not required) once the agreement was performed, the 终结情况说明
    of a case that failed, present only with its reason; a 司法确认申请书 only for a
    written agreement."""
    from dataclasses import replace as changed

    from desktop.services.mediation import documents
    from desktop.services.mediation.forms import (
        AgreementData,
        CaseDetail,
        FollowUpData,
        JudicialData,
    )

    def items(detail: CaseDetail) -> list[tuple[str, bool, bool]]:
        found = [(i.title, i.present, i.required) for i in documents.casefile_checklist(detail)]
        return found[[title for title, _, _ in found].index("调解记录"):]

    oral = AgreementData("oral", ["三日内清理杂物"], None, None, None, None, None, None, None)
    performed = FollowUpData(1, date(2026, 12, 1), date(2026, 12, 1), "电话", "王志刚", 1,
                             "已履行", "满意", None)
    judicial = JudicialData("东城区人民法院", None, None, None, None, None)
    base = _detail(database, h.make_case(database).case_id)
    assert items(changed(base, outcome="调解成功", agreement=oral, follow_ups=[performed])) == [
        ("调解记录", False, True), ("口头调解协议登记表", True, True), ("回访记录", True, True),
        ("履行凭证", False, False), ("结案", True, True)]
    assert items(changed(base, outcome="调解不成功", outcome_reason="双方分歧过大")) == [
        ("调解记录", False, True), ("调解终结情况说明", True, True), ("结案", True, True)]
    assert items(changed(base, outcome="终止调解", outcome_reason=None))[1] == (
        "调解终结情况说明", False, True)
    assert items(changed(base, agreement=oral, judicial=judicial))[3] == (
        "司法确认申请书", False, True)
    written = changed(oral, kind="written")
    assert items(changed(base, agreement=written, judicial=judicial))[1:4] == [
        ("人民调解协议书", True, True), ("回访记录", False, True),
        ("司法确认申请书", True, True)]
