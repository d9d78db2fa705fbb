"""Which of a case's papers may be printed, in the words that say why not, and the audit
entry of each print: the rules of ``mediation.documents`` one by one.

Each paper printed is read back (pdftotext) for its own title, so a paper printed in
another's place is caught; each refusal names the field the window shows it next to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from sqlalchemy import delete

from desktop.db import Database
from desktop.models import CentreSetting
from desktop.services import mediation
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.mediation import documents
from tests import mediation_helpers as h
from tests import poppler
from tests.rules_helpers import logged

NO_AGREEMENT = "尚未填写协议内容"
WRITTEN_NOT_ORAL = "达成的是书面协议：请打印人民调解协议书，而不是口头调解协议登记表"
ORAL_NOT_WRITTEN = "达成的是口头协议：请打印口头调解协议登记表，而不是人民调解协议书"
ORAL_NOT_JUDICIAL = ("达成的是口头协议：司法确认只适用于书面人民调解协议书"
                     "（人民调解法第三十三条），不能生成司法确认申请书")
# The papers that fit every case, whatever it holds.
ALWAYS = ("application", "acceptance", "rights", "followups")


def _title_of(pdf: bytes) -> str:
    """The first page's text without spaces (titles are letter-spaced)."""
    return re.sub(r"\s+", "", poppler.text_of(pdf).split("\f")[0])


def _prints(database: Database, case_id: int) -> list[Mapping[str, object]]:
    return logged(database, "print", "mediation_case", case_id)


def _outcome(database: Database, document: str, case_no: str) -> str | dict[str, str]:
    """The paper's title as printed, or the refusal's errors."""
    try:
        pdf = documents.render(database, document, case_no)
    except ValidationError as refused:
        return refused.errors
    title = documents.DOCUMENT_TITLES[document]
    assert title in _title_of(pdf), (document, _title_of(pdf)[:80])
    return title


def test_each_paper_fits_the_case_it_is_printed_for_or_is_refused_in_its_words(
        database: Database) -> None:
    ref = h.make_case(database)
    no = ref.case_no
    bare = {doc: _outcome(database, doc, no) for doc in documents.DOCUMENT_TITLES
            if doc != "casefile"}
    assert bare == {
        **{doc: documents.DOCUMENT_TITLES[doc] for doc in ALWAYS},
        "agreement": {"agreement": f"案件 {no} {NO_AGREEMENT}"},
        "oral": {"agreement": f"案件 {no} {NO_AGREEMENT}"},
        "judicial": {"agreement": f"案件 {no} {NO_AGREEMENT}"},
        "sessions": {"sessions": f"案件 {no} 尚无调解记录"},
    }
    # Each paper printed is logged with its title and the case's number; refusals are not.
    assert _prints(database, ref.case_id) == [
        {"文书": documents.DOCUMENT_TITLES[doc], "案号": no} for doc in ALWAYS]

    mediation.add_session(database, ref.case_id, h.session_input())
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    written = {doc: _outcome(database, doc, no) for doc in ("agreement", "oral", "judicial",
                                                            "sessions")}
    assert written == {"agreement": "人民调解协议书",
                       "oral": {"agreement": f"案件 {no} {WRITTEN_NOT_ORAL}"},
                       "judicial": "司法确认申请书", "sessions": "调解记录"}

    oral = h.make_case(database)
    mediation.save_agreement(database, oral.case_id, h.agreement(kind="oral"), version=None)
    said = {doc: _outcome(database, doc, oral.case_no) for doc in ("agreement", "oral",
                                                                   "judicial")}
    assert said == {"agreement": {"agreement": f"案件 {oral.case_no} {ORAL_NOT_WRITTEN}"},
                    "oral": "口头调解协议登记表",
                    "judicial": {"agreement": f"案件 {oral.case_no} {ORAL_NOT_JUDICIAL}"}}


def test_a_paper_the_program_does_not_have_is_not_found(database: Database) -> None:
    ref = h.make_case(database)
    with pytest.raises(NotFoundError, match=r"^没有名为 minutes 的文书$"):
        documents.render(database, "minutes", ref.case_no)
    assert _prints(database, ref.case_id) == []


def test_no_paper_is_printed_before_the_committee_is_named(database: Database) -> None:
    """Every paper is issued in the committee's name: each one, the 卷宗 too, is refused
    until the centre's settings name it."""
    ref = h.make_case(database)
    mediation.add_session(database, ref.case_id, h.session_input())
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    with database.write() as session:  # as a database from before the wizard asked for it
        session.execute(delete(CentreSetting).where(CentreSetting.key == "committee_name"))
    unnamed = "打印调解文书前请先设置调委会名称（系统设置 → 中心信息，或首次使用时的设置向导）"
    for doc in documents.DOCUMENT_TITLES:
        field = "sessions" if doc == "sessions" else "agreement"
        assert _outcome(database, doc, ref.case_no) == {field: unnamed}, doc
    for draft in (True, False):
        with pytest.raises(ValidationError) as refused:
            documents.render(database, "casefile", ref.case_no, draft=draft)
        assert refused.value.errors == {"outcome": unnamed}
    assert _prints(database, ref.case_id) == []


def test_the_case_file_from_the_command_line_is_a_draft_only_when_asked(
        database: Database) -> None:
    """``print casefile`` of a closed case: the final 卷宗, or a marked draft with
    ``--draft``; of an open case only the draft."""
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    with pytest.raises(ValidationError) as refused:
        documents.render(database, "casefile", ref.case_no)
    assert refused.value.errors == {"outcome": (
        f"案件 {ref.case_no} 尚未结案，卷宗不完整：只能打印标明“草稿”的卷宗（命令行加 --draft）")}
    mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
        "调解成功", reason="", guided_to=""))
    documents.render(database, "casefile", ref.case_no, draft=True)
    documents.render(database, "casefile", ref.case_no)
    assert _prints(database, ref.case_id) == [
        {"文书": "人民调解卷宗（草稿）", "案号": ref.case_no},
        {"文书": "人民调解卷宗", "案号": ref.case_no}]
