"""The words of mediation's refusals, each under the field the form shows it next to:
amounts, copies and dates of an agreement, the court's dates, a session's time, the
visitor of a follow-up, a case number that is not there. Nothing is written when refused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from desktop.db import Database
from desktop.models import (
    Agreement,
    CaseAttachment,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
)
from desktop.services import mediation
from desktop.services.errors import NotFoundError
from desktop.services.mediation import documents
from desktop.services.reception import queue
from tests import mediation_helpers as h
from tests.reception_helpers import person_of, register, room_ids
from tests.rules_helpers import PUBLISHED_ID, acting_as, snapshot
from tests.rules_helpers import refused as _refused

NOT_A_NUMBER = "金额应为数字，如 12000 或 3500.50"
COPIES = "协议份数应在1到50之间"
TABLES = (Agreement, MediationSession, FollowUp, JudicialConfirmation)


@pytest.mark.parametrize(("amount", "message"), [
    ("三千元", NOT_A_NUMBER), ("NaN", NOT_A_NUMBER), ("Infinity", NOT_A_NUMBER),
    ("-1", "金额不能为负数"), ("1e12", "金额过大，请核对"),
    ("1,000,000,000,000", "金额过大，请核对"),
])
def test_an_agreement_s_amount_is_refused_in_its_words(
        database: Database, amount: str, message: str) -> None:
    ref = h.make_case(database)
    before = snapshot(database, *TABLES)
    assert _refused(mediation.save_agreement, database, ref.case_id,
                    h.agreement(amount=amount), version=None) == {"amount": message}
    assert snapshot(database, *TABLES) == before


@pytest.mark.parametrize("copies", [0, 51, -3, True, 2.5, "3"])
def test_copies_are_a_whole_number_from_1_to_50(database: Database, copies: object) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.save_agreement, database, ref.case_id,
                    h.agreement(copies=copies), version=None) == {"copies": COPIES}


def test_copies_of_1_and_50_and_none_given_are_kept(database: Database) -> None:
    ref = h.make_case(database)
    for copies in (1, 50, None):
        with database.read() as session:
            version = mediation.case_detail(session, ref.case_id).agreement
        mediation.save_agreement(database, ref.case_id, h.agreement(copies=copies),
                                 version=version.version if version else None)
        with database.read() as session:
            saved = mediation.case_detail(session, ref.case_id).agreement
        assert saved is not None and saved.copies == copies


def test_the_dates_of_papers_and_sessions_are_refused_outside_1900_to_2100(
        database: Database) -> None:
    ref = h.make_case(database)
    far = date(2101, 1, 1)
    assert _refused(mediation.save_agreement, database, ref.case_id,
                    h.agreement(signed_on=date(1899, 12, 31), effective_on=far),
                    version=None) == {
        "signed_on": "签订日期应在1900年至2100年之间",
        "effective_on": "生效日期应在1900年至2100年之间"}
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    assert _refused(mediation.save_judicial_confirmation, database, ref.case_id,
                    mediation.JudicialInput(court="东城区人民法院", applied_on=far,
                                            result="确认有效", result_on=far),
                    version=None) == {
        "applied_on": "申请日期应在1900年至2100年之间",
        "result_on": "裁定日期应在1900年至2100年之间"}
    late = h.session_input()
    late.held_at = datetime(1899, 5, 1, 9, 30)
    assert _refused(mediation.add_session, database, ref.case_id, late) == {
        "held_at": "调解时间应在1900年至2100年之间"}
    with database.read() as session:
        assert mediation.case_detail(session, ref.case_id).sessions == []


def test_a_session_s_time_is_kept_to_the_minute(database: Database) -> None:
    ref = h.make_case(database)
    held = h.session_input()
    held.held_at = datetime(2026, 11, 6, 9, 30, 41, 123456)
    mediation.add_session(database, ref.case_id, held)
    with database.read() as session:
        [saved] = mediation.case_detail(session, ref.case_id).sessions
    assert saved.held_at == datetime(2026, 11, 6, 9, 30)


def test_a_follow_up_s_visitor_not_on_record_is_refused_next_to_the_visitor(
        database: Database) -> None:
    ref = h.make_case(database)
    planned = date(2026, 11, 30)
    for visitor in (999_999, 0):
        assert _refused(mediation.add_follow_up, database, ref.case_id, mediation.FollowUpInput(
            planned_on=planned, visitor_id=visitor)) == {"visitor": "所选回访人不存在"}
    with database.read() as session:
        assert mediation.case_detail(session, ref.case_id).follow_ups == []


def test_a_case_number_that_is_not_there_is_not_found_in_words(database: Database) -> None:
    ref = h.make_case(database)
    with pytest.raises(NotFoundError, match=r"^没有这个案号的调解案件，请核对案号$"):
        documents.render(database, "application", "（2026）东人调字第\ud8000001号")
    with pytest.raises(NotFoundError, match=r"^没有这个案号的调解案件，请核对案号$"):
        documents.render(database, "application", "号" * 200)
    with pytest.raises(NotFoundError, match=r"^没有案号为 （2026）东人调字第9999号 的调解案件$"):
        documents.render(database, "application", "（2026）东人调字第9999号")
    # Typed with half-width brackets and spaces, the number still finds its case.
    typed = ref.case_no.replace("（", "(").replace("）", ") ")
    assert documents.render(database, "application", typed)[:5] == b"%PDF-"


def test_a_case_that_is_not_there_is_not_found_in_words(database: Database) -> None:
    with database.read() as session, pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
        mediation.agreement_input(session, 999_999)


# ---------------------------------------------------------------------------
# The forms read back what was saved, empty fields empty


def test_an_oral_agreement_with_its_terms_left_empty_reads_back_as_saved(
        database: Database) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(
        kind="oral", performance_method="", performance_place="", performance_deadline="",
        amount=""), version=None)
    with database.read() as session:
        form = mediation.agreement_input(session, ref.case_id)
    assert form is not None
    assert (form.kind, form.performance_method, form.performance_place,
            form.performance_deadline, form.amount) == ("oral", "", "", "", "")


def test_a_resident_with_no_number_phone_or_address_becomes_a_party_with_those_empty(
        database: Database) -> None:
    """An anonymous visitor (no 身份证号, no phone) chosen as a party, then read back from
    the party's form: still linked to the resident, the empty fields empty."""
    visit = register(database, 1, name=" ", anonymous=True, id_number="", phone="")
    ref = h.make_case(database)
    person_id = person_of(database, visit.visit_id)
    with database.read() as session:
        party = mediation.person_as_party(session, person_id, "被申请人")
    assert (party.person_id, party.side, party.id_number, party.phone, party.address) == (
        person_id, "被申请人", "", "", "")
    added = mediation.add_party(database, ref.case_id, party)
    with database.read() as session:
        form = mediation.party_input(session, added.party_id)
    assert (form.person_id, form.side, form.kind, form.id_number, form.phone, form.address,
            form.credit_code) == (person_id, "被申请人", "person", "", "", "", "")


def test_a_case_opened_from_a_visit_keeps_the_visit_on_its_form(database: Database) -> None:
    visit = register(database, 1)
    with database.read() as session:
        draft, applicant = mediation.draft_from_visit(session, visit.visit_id)
    m1, _m2, rec = h.staff(database)
    draft.mediator_ids, draft.recorder_id = [m1], rec
    ref = mediation.accept_case(database, draft, [applicant, h.person(2, "被申请人")])
    with database.read() as session:
        form = mediation.case_input(mediation.case_detail(session, ref.case_id))
    assert (form.visit_id, form.archive_no, form.source) == (visit.visit_id, "", "当事人申请")


def test_a_draft_from_a_counselling_visit_leaves_what_was_said_out_for_a_mediator(
        database: Database) -> None:
    """What the resident told the counsellor stays out of the mediator's draft: facts and
    matters start empty (not marked, not shown) for the mediator to write."""
    visit = register(database, 1, room="心理咨询室", category="心理疏导",
                     summary="长期失眠，与配偶矛盾", request="希望调解家庭纠纷")
    queue.route_again(database, visit.visit_id, room_ids(database)["矛盾纠纷调解室"], "另需调解")
    with acting_as(database, {"mediator"}), database.read() as session:
        hidden, _ = mediation.draft_from_visit(session, visit.visit_id)
    assert (hidden.facts, hidden.matters) == ("", "")
    with acting_as(database, {"mediator", "counsellor"}), database.read() as session:
        shown, _ = mediation.draft_from_visit(session, visit.visit_id)
    assert (shown.facts, shown.matters) == ("长期失眠，与配偶矛盾", "希望调解家庭纠纷")


def test_a_draft_for_an_anonymous_visitor_leaves_the_phone_empty(database: Database) -> None:
    visit = register(database, 1, name=" ", anonymous=True, id_number="", phone="",
                     request="")
    with database.read() as session:
        draft, applicant = mediation.draft_from_visit(session, visit.visit_id)
    assert (applicant.phone, applicant.id_number, applicant.side, applicant.kind,
            draft.matters) == ("", "", "申请人", "person", "")


# ---------------------------------------------------------------------------
# Ids of the wrong type, scans read back, the case list


@pytest.mark.parametrize("recorder", [True, "1", 2.0])
def test_a_session_s_recorder_that_is_no_id_is_refused(
        database: Database, recorder: object) -> None:
    ref = h.make_case(database)
    held = h.session_input()
    held.recorder_id = recorder  # type: ignore[assignment]
    assert _refused(mediation.add_session, database, ref.case_id, held) == {
        "recorder": "所选记录人不存在"}


def test_a_party_linked_to_a_resident_not_on_record_is_refused_next_to_the_name(
        database: Database) -> None:
    ref = h.make_case(database)
    assert _refused(mediation.add_party, database, ref.case_id,
                    h.person(3, side="被申请人", person_id=999_999)) == {
        "name": "所选来访人不存在"}


def test_a_scan_reads_back_with_its_id_kind_title_and_bytes(database: Database) -> None:
    ref = h.make_case(database)
    pdf = b"%PDF-1.4\n%scan\n"
    added = mediation.add_attachment(database, ref.case_id, kind="证据材料", filename="收条.pdf",
                                     content=pdf, title="收条")
    with database.read() as session:
        data, content = mediation.attachment(session, added)
    assert (data.id, data.kind, data.title, data.filename, content) == (
        added, "证据材料", "收条", "收条.pdf", pdf)


def test_the_case_list_finds_a_party_s_number_typed_with_a_small_x(database: Database) -> None:
    ref = h.make_case(database, parties=[h.person(1, id_number=PUBLISHED_ID),
                                         h.person(2, "被申请人")])
    with database.read() as session:
        found = mediation.case_list(session, status="all", search=PUBLISHED_ID.lower())
    assert [row.case_id for row in found] == [ref.case_id]


def test_a_case_without_a_category_is_titled_by_its_parties_alone(database: Database) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        [row] = mediation.case_list(session, status="all")
    assert (row.case_id, row.title, row.category) == (ref.case_id, "当事人1与当事人2纠纷", "")


def test_a_case_id_of_the_wrong_type_is_not_found(database: Database) -> None:
    ref = h.make_case(database)
    for wrong in (str(ref.case_id), 2**70):
        with pytest.raises(NotFoundError, match=r"^没有找到该调解案件$"):
            mediation.add_session(database, wrong, h.session_input())  # type: ignore[arg-type]
    with database.read() as session:
        assert mediation.case_detail(session, ref.case_id).sessions == []


def test_a_scan_s_file_name_is_kept_up_to_1024_characters(database: Database) -> None:
    """The name of the file it came from (a path from a scanner's deep folders) may be
    long; a longer one is refused next to the file, and nothing is written."""
    ref = h.make_case(database)
    pdf = b"%PDF-1.4\n%scan\n"
    folder = "扫" * 1017 + "/"
    added = mediation.add_attachment(database, ref.case_id, kind="证据材料",
                                     filename=folder + "收条.pdf", content=pdf)
    with database.read() as session:
        data, _ = mediation.attachment(session, added)
    assert (len(folder + "收条.pdf"), data.filename, data.title) == (1024, "收条.pdf", "收条")
    before = snapshot(database, CaseAttachment)
    assert _refused(mediation.add_attachment, database, ref.case_id, kind="证据材料",
                    filename="扫" + folder + "收条.pdf", content=pdf) == {
        "file": "文件名过长（不超过1024字，当前1025字）"}
    assert snapshot(database, CaseAttachment) == before


def test_a_resident_found_without_a_document_number_says_so(database: Database) -> None:
    register(database, 1, name="李桂芝", id_number="", id_type="无证件", no_id_reason="证件遗失",
             phone="13912345678")
    with database.read() as session:
        [found] = mediation.search_persons(session, "李桂芝")
    assert found.label() == "李桂芝  无证件号  139****5678"


def test_a_resident_named_like_a_company_is_no_company_of_the_same_name(
        database: Database) -> None:
    """Only a company of the same name in another case is 同名单位; a resident who happens
    to carry the name (a 个体户 named after its owner) is not."""
    h.make_case(database, parties=[h.person(1, name="李建国"), h.person(2, "被申请人")])
    other = h.make_case(database, parties=[h.person(3), h.organisation(name="李建国")])
    with database.read() as session:
        found = mediation.case_conflicts(session, other.case_id)
    assert found == {}


def test_the_live_preview_shows_the_agreement_as_typed_on_the_case_as_saved(
        database: Database) -> None:
    ref = h.make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    preview = detail.with_agreement(h.agreement(["被申请人当面道歉。"], copies=4))
    assert preview.agreement is not None
    assert (preview.agreement.clauses, preview.agreement.copies,
            preview.agreement.performance_method) == (["被申请人当面道歉。"], 4, "银行转账")
    assert detail.agreement is None  # the case as saved is left as it was
    assert replace(preview, agreement=None) == detail
