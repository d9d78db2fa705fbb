"""Accepting a case (受理) and its parties: every refusal in its words under its field, all
at once; staff and tickets not on record; the ticket a case was opened from; what a party
of each kind keeps; a case read back.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from desktop.db import Database
from desktop.models import CaseParty, CentreSetting, MediationCase, Referral, Staff
from desktop.services import mediation
from desktop.services.errors import NotFoundError
from tests import mediation_helpers as h
from tests.reception_helpers import person_of, register, set_referral
from tests.rules_helpers import acting_as, snapshot
from tests.rules_helpers import refused as _refused

OUT_OF_RANGE = "应在1900年至2100年之间"
TABLES = (MediationCase, CaseParty)


def test_every_problem_with_a_case_and_its_parties_is_refused_at_once(
        database: Database) -> None:
    before = snapshot(database, *TABLES)
    data = mediation.CaseInput(
        facts=" ", source="来信", retention="十年", category_id=0, recorder_id=True,
        visit_id=-1, referral_id=0, filed_by_id=0, mediator_ids=[0],
        accepted_on=date(1899, 12, 31), filed_on=date(2101, 1, 1))
    first = h.person(1, side="第三人", gender="未知", age=200, birth_date=date(1800, 1, 1),
                     person_id=0)
    second = h.organisation(name="某" * 129, legal_rep=" ", agent_name="周律师",
                            agent_type="朋友", agent_phone="123")
    assert _refused(mediation.accept_case, database, data, [first, second]) == {
        "facts": "请填写纠纷主要事实", "source": "案件来源不正确",
        "retention": "保管期限只能是永久、长期或短期", "category": "所选纠纷类别不存在",
        "recorder": "所选记录人不存在", "visit": "所选来访登记不存在",
        "filed_by": "所选立卷人不存在", "mediators": "所选调解员或记录人不存在",
        "accepted_on": "受理日期" + OUT_OF_RANGE, "filed_on": "归档日期" + OUT_OF_RANGE,
        # The first party's problems under the fields' own names, the others' numbered.
        "side": "当事人身份只能是申请人或被申请人", "gender": "性别只能是男或女",
        "age": "年龄不正确", "birth_date": "出生日期" + OUT_OF_RANGE, "name": "所选来访人不存在",
        "party.1.name": "姓名或名称过长（不超过128字，当前129字）",
        "party.1.legal_rep": "请填写法定代表人或主要负责人",
        "party.1.agent_type": "代理人类型只能是委托代理人或法定代理人",
        "party.1.agent_phone": "代理人手机号码应为11位",
    }
    assert _refused(mediation.accept_case, database, mediation.CaseInput(facts="事实"),
                    [h.person(1, name=" ")]) == {
        "mediators": "请至少选择一名调解员", "name": "请填写当事人姓名或名称"}
    assert snapshot(database, *TABLES) == before


def test_staff_and_tickets_not_on_record_are_refused_under_their_fields(
        database: Database) -> None:
    m1, m2, rec = h.staff(database)
    with database.write() as session:
        clerks = [Staff(name=name, role="receptionist", active=True)
                  for name in ("赵前台", "钱前台")]
        session.add_all(clerks)
        session.flush()
        clerk_ids = [c.id for c in clerks]
    before = snapshot(database, *TABLES)

    def accept(**values: object) -> dict[str, str]:
        data = mediation.CaseInput(facts="事实", mediator_ids=[m1], recorder_id=rec)
        for key, value in values.items():
            setattr(data, key, value)
        return _refused(mediation.accept_case, database, data, [h.person(1)])

    assert accept(filed_by_id=999_999) == {"filed_by": "所选立卷人不存在"}
    assert accept(referral_id=999_999) == {"visit": "所选来访登记不存在"}
    assert accept(visit_id=999_999) == {"visit": "所选来访登记不存在"}
    assert accept(mediator_ids=[m2, *clerk_ids]) == {
        "mediators": "赵前台、钱前台 不是调解员，不能担任本案调解员"}
    assert snapshot(database, *TABLES) == before


def test_no_case_is_numbered_before_the_committee_s_short_name_is_set(
        database: Database) -> None:
    with database.write() as session:  # as a database from before the wizard asked for it
        session.execute(delete(CentreSetting).where(
            CentreSetting.key == "committee_short_name"))
    m1, _, rec = h.staff(database)
    assert _refused(mediation.accept_case, database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], recorder_id=rec), [h.person(1)]) == {
        "setup": "受理案件（生成案号）前请先设置调委会简称"
                 "（系统设置 → 中心信息，或首次使用时的设置向导）"}


@pytest.mark.parametrize(("status", "result"), [
    ("waiting", "case_opened"), ("called", "case_opened"), ("serving", "case_opened"),
    ("done", "case_opened"), ("on_hold", None), ("no_show", "no_show"),
])
def test_a_case_opened_from_a_ticket_marks_it_and_keeps_it(
        database: Database, status: str, result: str | None) -> None:
    """A ticket still in the room or finished becomes 立案调解; one on hold or missed stays
    as it was (the room decides what happens to it)."""
    visit = register(database, 1)
    set_referral(database, visit.referral_id, status=status,
                 result="no_show" if status == "no_show" else None)
    m1, _, rec = h.staff(database)
    ref = mediation.accept_case(database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], recorder_id=rec, visit_id=visit.visit_id,
        referral_id=visit.referral_id), [h.person(1)])
    with database.read() as session:
        referral = session.get(Referral, visit.referral_id)
        case_ = session.get(MediationCase, ref.case_id)
        assert referral is not None and case_ is not None
        assert (referral.result, case_.referral_id, case_.visit_id) == (
            result, visit.referral_id, visit.visit_id)


def test_each_kind_of_party_keeps_only_its_own_fields(database: Database) -> None:
    """A company keeps no person's fields, a person no company's, and a party without an
    agent no agent's, whatever the form sent along."""
    ref = h.make_case(database)
    company = mediation.add_party(database, ref.case_id, h.organisation(
        person_id=None, gender="男", ethnicity="汉", birth_date=date(1980, 1, 1), age=46,
        occupation="经理", agent_id_number=h.person(9).id_number, agent_phone="13800000000",
        agent_relation="员工"))
    person = mediation.add_party(database, ref.case_id, h.person(
        3, side="被申请人", credit_code=h.CREDIT_CODE, legal_rep="周建国"))
    with database.read() as session:
        c = session.get(CaseParty, company.party_id)
        p = session.get(CaseParty, person.party_id)
        assert c is not None and p is not None
        assert (c.gender, c.ethnicity, c.birth_date, c.age, c.occupation, c.agent_id_number,
                c.agent_phone, c.agent_relation) == (None,) * 8
        assert (c.credit_code, c.legal_rep) == (h.CREDIT_CODE, "周建国")
        assert (p.credit_code, p.legal_rep, p.ethnicity, p.occupation) == (
            None, None, "汉", "个体经营")


def test_a_case_reads_back_with_its_links_and_names(database: Database) -> None:
    """The party linked to its resident, a session written by an account of nobody on
    record (no 记录人 name), a follow-up's visitor."""
    visit = register(database, 1)
    person_id = person_of(database, visit.visit_id)
    with database.read() as session:
        party = mediation.person_as_party(session, person_id, "申请人")
    ref = h.make_case(database, parties=[party, h.person(2, "被申请人")])
    held = h.session_input()
    with acting_as(database, {"mediator"}):
        mediation.add_session(database, ref.case_id, held)
    visitor = h.staff(database)[0]
    mediation.add_follow_up(database, ref.case_id, mediation.FollowUpInput(
        planned_on=date(2026, 11, 30), visitor_id=visitor))
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert detail.parties[0].person_id == person_id
    assert (detail.sessions[0].recorder_id, detail.sessions[0].recorder,
            detail.sessions[0].mediator) == (None, "", "")
    assert [(f.visitor_id, f.visitor) for f in detail.follow_ups] == [(visitor, "王志刚")]
    with database.read() as session, pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.case_detail(session, 999_999)


def test_a_visit_that_is_no_id_is_refused_before_anything_is_read(database: Database) -> None:
    m1, _, rec = h.staff(database)
    assert _refused(mediation.accept_case, database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], recorder_id=rec, visit_id=0), [h.person(1)]) == {
        "visit": "所选来访登记不存在"}


def test_a_party_s_name_the_papers_cannot_print_is_refused_in_words(
        database: Database) -> None:
    m1, _, rec = h.staff(database)
    assert _refused(mediation.accept_case, database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], recorder_id=rec), [h.person(1, name="张\U0001F600")]) == {
        "name": "“\U0001F600” 无法在打印的文书中显示，请删去或换用常用字"}


def test_other_cases_of_the_same_resident_or_company_are_found_for_each_party(
        database: Database) -> None:
    """The same resident (linked, even with no 身份证号), a company of the same name with no
    credit code, a company of another name with the same credit code; a company is never
    linked to a resident."""
    visit = register(database, 1, name=" ", anonymous=True, id_number="", phone="")
    person_id = person_of(database, visit.visit_id)
    with database.read() as session:
        resident = mediation.person_as_party(session, person_id, "申请人")
    first = h.make_case(database, parties=[resident, h.organisation()])
    second = h.make_case(database, parties=[resident, h.organisation(credit_code="")])
    third = h.make_case(database, parties=[
        h.person(5), h.organisation(name="另一家物业公司", person_id=person_id)])
    with database.read() as session:
        found = {case: {party: [(c.case_id, c.reason) for c in conflicts]
                        for party, conflicts in mediation.case_conflicts(session, case).items()}
                 for case in (second.case_id, third.case_id)}
        parties = {case: [p.id for p in mediation.case_detail(session, case).parties]
                   for case in (second.case_id, third.case_id)}
        company = session.get(CaseParty, parties[third.case_id][1])
        assert company is not None and company.person_id is None
    assert found[second.case_id] == {
        parties[second.case_id][0]: [(first.case_id, "同一人员")],
        parties[second.case_id][1]: [(first.case_id, "同名单位")]}
    assert found[third.case_id] == {
        parties[third.case_id][1]: [(first.case_id, "同一信用代码")]}


def test_a_case_accepted_without_parties_takes_its_first_party_first(
        database: Database) -> None:
    m1, _, rec = h.staff(database)
    ref = mediation.accept_case(database, mediation.CaseInput(
        facts="事实", mediator_ids=[m1], recorder_id=rec))
    first = mediation.add_party(database, ref.case_id, h.person(1))
    second = mediation.add_party(database, ref.case_id, h.person(2, "被申请人"))
    with database.read() as session:
        positions = [(p.id, p.position) for p in session.scalars(
            select(CaseParty).where(CaseParty.case_id == ref.case_id)
            .order_by(CaseParty.position))]
    assert positions == [(first.party_id, 0), (second.party_id, 1)]
