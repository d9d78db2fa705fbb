"""Mediation cases through the service: numbering, parties and conflicts, outcome, follow-ups."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import CaseParty, MediationCase, Referral, SequenceCounter
from desktop.services import mediation, reference
from desktop.services.admin.settings import load_settings, save_settings
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests import mediation_helpers as h
from tests.conftest import as_test_admin
from tests.factories import id_number


def _register(database: Database, name: str = "王秀英", n: int = 7, room: str = "矛盾纠纷调解室",
              category: str = "邻里") -> str:
    with database.read() as session:
        room_id = next(r.id for r in reference.rooms(session) if r.name == room)
        category_id = next(c.id for c in reference.categories(session) if c.name == category)
    result = register_visit(database, RegistrationInput(
        name=name, id_number=id_number(n), phone="13912345678", summary="邻居长期占用楼道堆放杂物",
        request="希望清理楼道", room_id=room_id, category_id=category_id, gender="女",
        address="建设路12号",
    ))
    return result.visit_no


def test_case_numbers_run_per_year_in_the_committee_form(database: Database) -> None:
    with database.write() as session:
        settings = load_settings(session)
        settings.committee_short_name = "东"
        save_settings(session, settings)
    first = h.make_case(database, accepted_on=date(2026, 1, 5))
    second = h.make_case(database, accepted_on=date(2026, 12, 31))
    next_year = h.make_case(database, accepted_on=date(2027, 1, 2))
    assert first.case_no == "（2026）东人调字第0001号"
    assert second.case_no == "（2026）东人调字第0002号"
    assert next_year.case_no == "（2027）东人调字第0001号"
    with database.read() as session:
        case_ = session.get(MediationCase, first.case_id)
        assert case_ is not None
        assert case_.due_on == date(2026, 2, 4)  # accepted + 30 days
        assert len(case_.mediators) == 2


def test_a_refused_acceptance_leaves_no_gap(database: Database) -> None:
    h.make_case(database)
    m1, _, _ = h.staff(database)
    bad = mediation.CaseInput(facts="事实", mediator_ids=[m1, 999_999],
                              accepted_on=date(2026, 11, 2))
    with pytest.raises(ValidationError) as caught:
        mediation.accept_case(database, bad, [h.person(1)])
    assert "调解员" in caught.value.errors["mediators"]
    assert h.make_case(database).case_no.endswith("第0002号")
    with database.read() as session:
        assert session.get(SequenceCounter, "case:2026").value == 2  # type: ignore[union-attr]


def _accept_many(url: str, per_thread: int, results: list[str], errors: list[BaseException],
                 mediator: int) -> None:
    database = as_test_admin(Database.open(url, migrate=False))
    try:
        for _ in range(per_thread):
            ref = mediation.accept_case(database, mediation.CaseInput(
                facts="并发受理", mediator_ids=[mediator], accepted_on=date(2026, 11, 26)))
            results.append(ref.case_no)
    except BaseException as exc:  # pragma: no cover - reported by the assertion below
        errors.append(exc)
    finally:
        database.dispose()


def test_concurrent_acceptance_gives_distinct_numbers_without_gaps(database: Database) -> None:
    mediator, _, _ = h.staff(database)
    url = database.engine.url.render_as_string(hide_password=False)
    results: list[str] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_accept_many, args=(url, 6, results, errors, mediator))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(results) == 48
    assert len(set(results)) == 48
    short = "东"
    assert sorted(results) == [f"（2026）{short}人调字第{n:04d}号" for n in range(1, 49)]
    with database.read() as session:
        seqs = sorted(session.scalars(select(MediationCase.seq)))
    assert seqs == list(range(1, 49))


def test_case_from_a_routed_visit_prefills_the_applicant(database: Database) -> None:
    visit_no = _register(database)
    _register(database, name="周建华", n=8, room="心理咨询室", category="心理疏导")
    with database.read() as session:
        routed = mediation.routed_visits(session)
        assert [r.visit_no for r in routed] == [visit_no]
        data, applicant = mediation.draft_from_visit(session, routed[0].visit_id)
    assert "楼道" in data.facts and data.matters == "希望清理楼道"
    assert data.category_id is not None and data.referral_id is not None
    assert (applicant.name, applicant.gender, applicant.id_number) == ("王秀英", "女", id_number(7))
    assert applicant.phone == "13912345678" and applicant.address == "建设路12号"
    assert applicant.person_id is not None
    data.mediator_ids = [h.staff(database)[0]]
    ref = mediation.accept_case(database, data, [applicant])
    with database.read() as session:
        assert mediation.routed_visits(session) == []
        detail = mediation.case_detail(session, ref.case_id)
        referral = session.get(Referral, data.referral_id)
        assert referral is not None and referral.result == "case_opened"
    assert detail.visit_no == visit_no
    assert detail.category == "邻里"
    assert [p.name for p in detail.applicants] == ["王秀英"]
    with pytest.raises(ValidationError) as caught:
        mediation.accept_case(database, data, [applicant])
    assert "已受理" in caught.value.errors["visit"]


def test_adding_a_party_shows_other_cases_of_the_same_person(database: Database) -> None:
    first = h.make_case(database, parties=[h.person(1), h.organisation()])
    second = h.make_case(database, parties=[h.person(5)])
    # The same 身份证号, now on the other side.
    result = mediation.add_party(database, second.case_id, h.person(1, "被申请人", name="当事人壹"))
    assert [(c.case_no, c.side, c.reason) for c in result.conflicts] == [
        (first.case_no, "申请人", "同一身份证号")]
    # An organisation found by its credit code, and by its name without a code.
    by_code = mediation.add_party(database, second.case_id, h.organisation(name="改名后的公司"))
    assert [c.reason for c in by_code.conflicts] == ["同一信用代码"]
    by_name = mediation.add_party(database, second.case_id, h.organisation(credit_code=""))
    assert by_name.conflicts[0].case_no == first.case_no
    with database.read() as session:
        conflicts = mediation.case_conflicts(session, first.case_id)
    assert {c.case_no for found in conflicts.values() for c in found} == {second.case_no}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": "110105198503140010"}, "id_number", "校验位"),
        ({"phone": "8888"}, "phone", "电话号码格式不正确"),
        ({"name": " "}, "name", "姓名或名称"),
        ({"side": "第三人"}, "side", "申请人或被申请人"),
        ({"agent_name": "李律师", "agent_phone": "123"}, "agent_phone", "代理人"),
    ],
)
def test_bad_party_input_is_refused(database: Database, changes: dict, field: str,
                                    message: str) -> None:
    ref = h.make_case(database)
    with pytest.raises(ValidationError) as caught:
        mediation.add_party(database, ref.case_id, h.person(3, **changes))
    assert message in caught.value.errors[field]


def test_organisation_needs_a_valid_credit_code_and_representative(database: Database) -> None:
    ref = h.make_case(database)
    with pytest.raises(ValidationError) as caught:
        mediation.add_party(database, ref.case_id,
                            h.organisation(credit_code="91110108551385082A", legal_rep=""))
    assert "统一社会信用代码" in caught.value.errors["credit_code"]
    assert "法定代表人" in caught.value.errors["legal_rep"]
    with database.read() as session:
        count = session.scalar(select(func.count()).select_from(CaseParty))
    assert count == 2


def test_sessions_agreement_outcome_and_follow_up(database: Database) -> None:
    ref = h.make_case(database)
    for n in (1, 2):
        mediation.add_session(database, ref.case_id, h.session_input(n))
    with pytest.raises(ValidationError) as caught:
        mediation.close_case(database, ref.case_id, mediation.OutcomeInput("调解成功"))
    assert "协议" in caught.value.errors["outcome"]
    mediation.save_agreement(database, ref.case_id, h.agreement(amount="12,000.50"), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        due = mediation.due_follow_ups(session, today=date(2026, 12, 10))
    assert [s.held_at for s in detail.sessions] == [datetime(2026, 11, 6, 9, 30),
                                                     datetime(2026, 11, 7, 9, 30)]
    assert detail.agreement is not None
    assert detail.agreement.amount == Decimal("12000.50")
    assert detail.agreement.clauses[0].startswith("被申请人于2026年12月10日前")
    assert detail.outcome == "调解成功"
    # Closing a success plans a follow-up two weeks on, which then falls due.
    assert [f.planned_on for f in detail.follow_ups] == [date(2026, 12, 4)]
    assert [(d.case_no, d.days_late) for d in due] == [(ref.case_no, 6)]
    follow_up = detail.follow_ups[0]
    with pytest.raises(ValidationError) as caught:
        mediation.update_follow_up(database, follow_up.id, mediation.FollowUpInput(
            planned_on=follow_up.planned_on, done_on=date(2026, 11, 25)),
            version=follow_up.version)
    assert {"performance", "satisfaction", "visitor"} <= set(caught.value.errors)
    mediation.update_follow_up(database, follow_up.id, mediation.FollowUpInput(
        planned_on=follow_up.planned_on, done_on=date(2026, 11, 25), method="电话",
        visitor_id=h.staff(database)[0], performance="已履行", satisfaction="满意"),
        version=follow_up.version)
    with database.read() as session:
        assert mediation.due_follow_ups(session, today=date(2026, 12, 10)) == []


def test_unsuccessful_mediation_needs_reason_and_guidance(database: Database) -> None:
    ref = h.make_case(database)
    with pytest.raises(ValidationError) as caught:
        mediation.close_case(database, ref.case_id, mediation.OutcomeInput("调解不成功"))
    assert set(caught.value.errors) == {"reason", "guided_to"}
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解不成功", reason="双方分歧较大", guided_to="诉讼", closed_on=date(2026, 11, 10)))
    with database.read() as session:
        rows = mediation.case_list(session, status="closed", today=date(2026, 11, 26))
    assert [(r.case_no, r.status, r.days_left) for r in rows] == [
        (ref.case_no, "调解不成功", None)]


def test_judicial_confirmation_deadline_follows_the_agreement(database: Database) -> None:
    ref = h.make_case(database)
    with pytest.raises(ValidationError):
        mediation.save_judicial_confirmation(database, ref.case_id,
                                             mediation.JudicialInput(court="东城区人民法院"),
                                             version=None)
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=date(2026, 11, 20)),
                             version=None)
    mediation.save_judicial_confirmation(database, ref.case_id,
                                         mediation.JudicialInput(court="东城区人民法院"),
                                         version=None)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    judicial = detail.judicial
    assert judicial is not None and judicial.deadline_on == date(2026, 12, 20)
    with pytest.raises(ValidationError) as caught:
        mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
            court="东城区人民法院", applied_on=date(2026, 12, 21)), version=judicial.version)
    assert "申请期限" in caught.value.errors["applied_on"]
    # A later effective date moves the deadline with it.
    assert detail.agreement is not None
    mediation.save_agreement(database, ref.case_id, h.agreement(
        signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 22)),
        version=detail.agreement.version)
    with database.read() as session:
        judicial = mediation.case_detail(session, ref.case_id).judicial
    assert judicial is not None and judicial.deadline_on == date(2026, 12, 22)


def test_case_list_shows_days_left_and_overdue(database: Database) -> None:
    today = date(2026, 11, 26)
    late = h.make_case(database, accepted_on=today - timedelta(days=35))
    soon = h.make_case(database, accepted_on=today - timedelta(days=25),
                       parties=[h.person(3, name="赵六"), h.person(4, "被申请人")])
    with database.read() as session:
        open_rows = mediation.case_list(session, status="open", today=today)
        overdue = mediation.case_list(session, status="overdue", today=today)
        found = mediation.case_list(session, status="all", search="赵六", today=today)
        counts = mediation.case_counts(session, today=today)
    assert [(r.case_no, r.days_left, r.overdue) for r in open_rows] == [
        (late.case_no, -5, True), (soon.case_no, 5, False)]
    assert [r.case_no for r in overdue] == [late.case_no]
    assert [r.case_no for r in found] == [soon.case_no]
    assert found[0].title == "赵六与当事人4纠纷"
    assert counts == {"open": 2, "overdue": 1, "closed": 0, "all": 2}


def test_attachments_are_kept_in_the_database(database: Database) -> None:
    ref = h.make_case(database)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(buffer, "PNG")
    attachment_id = mediation.add_attachment(database, ref.case_id, kind="身份证明",
                                             filename="身份证.png", content=buffer.getvalue())
    with pytest.raises(ValidationError) as caught:
        mediation.add_attachment(database, ref.case_id, kind="证据材料", filename="a.exe",
                                 content=b"MZ")
    assert "PDF、JPG 或 PNG" in caught.value.errors["file"]
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
        contents = mediation.attachment_contents(session, ref.case_id)
    assert [(a.kind, a.title, a.mime) for a in detail.attachments] == [
        ("身份证明", "身份证", "image/png")]
    assert contents[attachment_id] == buffer.getvalue()


def test_unknown_case_number_is_reported(database: Database) -> None:
    with database.read() as session, pytest.raises(NotFoundError):
        mediation.case_id_for(session, "（2026）东人调字第9999号")


def test_demo_data_opens_cases_with_consistent_numbers(database: Database) -> None:
    from desktop.services.demo.generate import generate_demo_data

    summary = generate_demo_data(database, visits=400, seed=7)
    assert summary.counts["调解案件"] > 10
    with database.read() as session:
        by_year: dict[int, list[int]] = {}
        for year, seq in session.execute(select(MediationCase.year, MediationCase.seq)):
            by_year.setdefault(year, []).append(seq)
        for year, seqs in by_year.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))
            counter = session.get(SequenceCounter, f"case:{year}")
            assert counter is not None and counter.value == len(seqs)
        routed = mediation.routed_visits(session)
        assert all(r.visit_id for r in routed)
        assert session.scalar(select(func.count()).select_from(CaseParty)) >= 2 * summary.counts[
            "调解案件"]
    # The next acceptance continues the series.
    year = date.today().year
    ref = h.make_case(database, accepted_on=date.today())
    assert ref.case_no.endswith(f"第{len(by_year.get(year, [])) + 1:04d}号")


def test_a_session_names_its_own_mediator_and_recorder(database: Database) -> None:
    """Who wrote a 调解记录 comes from the account; its 调解员 is one of the case's."""
    from dataclasses import replace

    from desktop.services.admin import auth
    from tests import pdf_checks

    ref = h.make_case(database)
    m1, m2, other = h.staff(database)
    admin = database.actor
    assert admin is not None
    # The test account mediates nothing here: it writes the record, nobody is named to lead.
    first = mediation.add_session(database, ref.case_id, h.session_input(1))
    database.actor = auth.Actor(m2, "陈秀兰", frozenset({"mediator"}))
    second = mediation.add_session(database, ref.case_id, h.session_input(2))
    with pytest.raises(ValidationError) as caught:
        mediation.add_session(database, ref.case_id,
                              replace(h.session_input(3), mediator_id=other))
    assert caught.value.errors == {"mediator": "调解员应为本案的调解员之一"}
    with pytest.raises(ValidationError) as caught:
        mediation.add_session(database, ref.case_id,
                              replace(h.session_input(3), recorder_id=987654))
    assert caught.value.errors == {"recorder": "所选记录人不存在"}
    with database.read() as session:
        sessions = mediation.case_detail(session, ref.case_id).sessions
    assert len(sessions) == 2  # the refused ones left nothing behind
    assert [(s.id, s.mediator_id, s.recorder_id) for s in sessions] == [
        (first, None, admin.staff_id), (second, m2, m2)]
    assert (sessions[1].mediator, sessions[1].recorder) == ("陈秀兰", "陈秀兰")
    # Chosen by hand, the choice is kept; the printed record names them.
    mediation.update_session(database, second,
                             replace(h.session_input(2), mediator_id=m1, recorder_id=other),
                             version=sessions[1].version)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    assert (detail.sessions[1].mediator, detail.sessions[1].recorder) == ("王志刚", "李慧敏")
    from desktop.services.mediation.documents import render_detail

    text = pdf_checks.flat("".join(g.text for page in pdf_checks.read(
        render_detail(detail, "sessions")) for g in page.glyphs))
    assert "调解员王志刚记录人李慧敏" in text
