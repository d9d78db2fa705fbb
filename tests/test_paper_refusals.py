"""A document that does not fit the case is refused, on the command line with exit 2."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.db import Database
from desktop.services import mediation
from tests import mediation_helpers as h
from tests import poppler


def _text(path: Path) -> str:
    return poppler.text_of(path)


def _print(database: Database, document: str, case_no: str, out: Path, *extra: str) -> int:
    url = database.engine.url.render_as_string(hide_password=False)
    return main(["--db", url, "print", document, case_no, "--out", str(out), *extra])


def test_oral_and_written_agreements_get_only_their_own_papers(
        database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    oral = h.make_case(database)
    mediation.save_agreement(database, oral.case_id, h.agreement(kind="oral"), version=None)
    written = h.make_case(database)
    mediation.save_agreement(database, written.case_id, h.agreement(), version=None)
    out = tmp_path / "x.pdf"
    assert _print(database, "judicial", oral.case_no, out) == 2
    assert "司法确认只适用于书面人民调解协议书" in capsys.readouterr().err
    assert _print(database, "agreement", oral.case_no, out) == 2
    assert "口头协议" in capsys.readouterr().err
    assert _print(database, "oral", written.case_no, out) == 2
    assert "书面协议" in capsys.readouterr().err
    assert not out.exists()
    assert _print(database, "oral", oral.case_no, out) == 0
    assert "口头调解协议登记表" in _text(out)
    assert _print(database, "judicial", written.case_no, out) == 0


def test_case_file_of_an_open_case_is_only_a_marked_draft(
        database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = h.make_case(database)
    out = tmp_path / "casefile.pdf"
    assert _print(database, "casefile", ref.case_no, out) == 2
    assert "尚未结案" in capsys.readouterr().err and not out.exists()
    assert _print(database, "casefile", ref.case_no, out, "--draft") == 0
    pages = _text(out).split("\f")[:-1]
    assert all("草稿" in page for page in pages)
    # The file says what it still lacks: no 身份证明 scanned, no record, no outcome.
    back = re.sub(r"\s", "", pages[-1])
    assert "□当事人身份证明（缺）" in back and "□调解记录（缺）" in back
    assert "卷内备考表" in pages[1]


def test_closed_case_file_is_not_a_draft_and_lists_what_is_missing(
        database: Database, tmp_path: Path) -> None:
    ref = h.make_case(database)
    mediation.add_session(database, ref.case_id, h.session_input(1))
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    out = tmp_path / "casefile.pdf"
    assert _print(database, "casefile", ref.case_no, out) == 0
    text = _text(out)
    assert "草稿" not in text
    toc = re.sub(r"\s", "", text.split("\f")[1])
    assert "当事人身份证明" in toc and "缺" in toc
