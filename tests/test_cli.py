"""The command line: ``python -m desktop db upgrade | demo-data | print receipt``."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from pypdf import PdfReader
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from desktop.cli import main
from desktop.db import MIGRATIONS_DIR, Database
from desktop.models import Staff, Visit
from tests import poppler

ROOT = Path(__file__).resolve().parent.parent
HANZI = re.compile(r"[\u4e00-\u9fff]")
VISIT_NO = re.compile(r"^J\d{8}\d{4}$")
MM = 72 / 25.4


@pytest.fixture(autouse=True)
def drop_cli_log_handlers() -> Iterator[None]:
    """``main()`` sets up logging once per process; undo it so tests stay independent."""
    root = logging.getLogger()
    level = root.level
    yield
    for handler in list(root.handlers):
        if getattr(handler, "_desk_handler", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def engine_for(url: str) -> Engine:
    return create_engine(url)


def first_visit_no(url: str) -> str:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return str(conn.scalar(select(Visit.visit_no).order_by(Visit.id).limit(1)))
    finally:
        engine.dispose()


def visit_count(url: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Visit)) or 0)
    finally:
        engine.dispose()


def pdf_text(path: Path) -> str:
    """The text of every page, without whitespace (titles may be letter-spaced)."""
    text = "".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", text)


def test_help_in_a_subprocess() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for command in ("db", "demo-data", "print"):
        assert command in result.stdout
    assert "--db" in result.stdout


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_db_upgrade_prints_the_revision(
    sqlite_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head

    assert main(["--db", sqlite_db_url, "db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert head in out

    # A second run finds the schema up to date and changes nothing.
    assert main(["--db", sqlite_db_url, "db", "upgrade"]) == 0
    assert head in capsys.readouterr().out


def test_db_upgrade_uses_the_environment_variable(
    sqlite_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKTOP_DB_URL", sqlite_db_url)
    assert main(["db", "upgrade"]) == 0
    assert "test.sqlite3" in capsys.readouterr().out


DEMO_ACCOUNT = re.compile(r"^\s*(\S+)：账号 (\S+)  密码 (\S+)（", re.MULTILINE)


def use_demo_account(output: str, role_label: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign the next commands in with the demo account of a role, as printed by demo-data."""
    accounts = {label: (login, password) for label, login, password
                in DEMO_ACCOUNT.findall(output)}
    login, password = accounts[role_label]
    monkeypatch.setenv("DESKTOP_USER", login)
    monkeypatch.setenv("DESKTOP_PASSWORD", password)


@pytest.fixture
def demo_sqlite(sqlite_db_url: str, capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database filled by ``demo-data --visits 50``; its receptionist signed in."""
    assert main(["--db", sqlite_db_url, "demo-data", "--visits", "50"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip(), "demo-data printed no summary"
    assert visit_count(sqlite_db_url) == 50
    use_demo_account(captured.out, "接待员", monkeypatch)
    return sqlite_db_url


def test_demo_data_prints_one_account_per_role_once(
    sqlite_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", sqlite_db_url, "demo-data", "--visits", "5"]) == 0
    first = capsys.readouterr().out
    labels = [label for label, _login, _password in DEMO_ACCOUNT.findall(first)]
    assert sorted(labels) == sorted(
        ["接待员", "工作室人员", "调解员", "心理咨询师", "驻点民警", "中心管理员", "领导"])
    passwords = [password for _l, _n, password in DEMO_ACCOUNT.findall(first)]
    database = Database.open(sqlite_db_url)
    try:
        with database.read() as session:
            stored = " ".join(h or "" for h in session.scalars(select(Staff.password_hash)))
    finally:
        database.dispose()
    assert not any(password in stored for password in passwords)  # hashes only
    # A second run is the administrator's (signed in), and shows no password again.
    assert main(["--db", sqlite_db_url, "demo-data", "--visits", "5"]) == 2
    assert "账号或密码不正确" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("paper", "width_mm"),
    [("a5", 148), ("80mm", 80)],
)
def test_print_receipt(
    demo_sqlite: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    paper: str,
    width_mm: int,
) -> None:
    visit_no = first_visit_no(demo_sqlite)
    assert VISIT_NO.match(visit_no), visit_no
    out = tmp_path / f"receipt-{paper}.pdf"

    code = main(["--db", demo_sqlite, "print", "receipt", visit_no, "--out", str(out),
                 "--paper", paper])

    assert code == 0, capsys.readouterr().err
    assert str(out) in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "受理回执" in text
    assert visit_no in text
    page = PdfReader(out).pages[0]
    assert float(page.mediabox.width) == pytest.approx(width_mm * MM, abs=1)


def test_print_receipt_of_an_unknown_visit_fails_with_a_chinese_message(
    demo_sqlite: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.pdf"

    code = main(["--db", demo_sqlite, "print", "receipt", "J199901019999", "--out", str(out)])

    assert code == 2
    err = capsys.readouterr().err
    assert "J199901019999" in err
    assert HANZI.search(err), err
    assert not out.exists()


def test_print_receipt_rejects_an_unknown_paper(
    sqlite_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", sqlite_db_url, "print", "receipt", "J202611260001",
              "--out", str(tmp_path / "x.pdf"), "--paper", "a4"])
    assert exit_info.value.code == 2
    assert "--paper" in capsys.readouterr().err


@pytest.mark.postgres
def test_demo_data_on_postgresql(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", postgres_url, "demo-data", "--visits", "30"]) == 0
    assert capsys.readouterr().out.strip()
    assert visit_count(postgres_url) == 30
    assert VISIT_NO.match(first_visit_no(postgres_url))


def test_demo_data_then_receipt_with_pdftotext(
    demo_sqlite: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The font is embedded so that a plain PDF reader extracts the Chinese text too."""
    poppler.tool("pdftotext")
    visit_no = first_visit_no(demo_sqlite)
    out = tmp_path / "receipt.pdf"
    assert main(["--db", demo_sqlite, "print", "receipt", visit_no, "--out", str(out)]) == 0
    capsys.readouterr()
    text = re.sub(r"\s+", "", poppler.text_of(out))
    assert "受理回执" in text
    assert visit_no in text



def test_receipt_lines_never_start_with_chinese_punctuation(
    sqlite_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The narrow roll wraps often: a line must not begin with ，。；：！？ or a closing bracket."""
    assert main(["--db", sqlite_db_url, "demo-data", "--visits", "30"]) == 0
    use_demo_account(capsys.readouterr().out, "接待员", monkeypatch)
    database = Database.open(sqlite_db_url)
    with database.read() as session:
        visit_nos = list(session.scalars(select(Visit.visit_no).limit(10)))
    database.dispose()
    for visit_no in visit_nos:
        out = tmp_path / f"{visit_no}.pdf"
        assert main(["--db", sqlite_db_url, "print", "receipt", visit_no, "--out", str(out),
                     "--paper", "80mm"]) == 0
        text = poppler.text_of(out)
        starts = [line for line in text.splitlines() if line and line[0] in "，。；：！？）》”"]
        assert not starts, starts
