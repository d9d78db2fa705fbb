"""Hostile command lines: each ends with exit code 2 and a Chinese message, never a traceback.

Every call runs ``python -m desktop`` in a subprocess with a timeout (a command
that reads ``/dev/zero`` for ever or builds 10^20 visits must not hang), in a
data folder of its own, against a SQLite file made once for the module. The
calls are the mistakes a user can make and fix: a wrong database address, a
server that is down, dates out of range, an output path in a missing folder,
a directory or a device, an input that is a directory, a device or not a
workbook, numbers out of range, options mistyped.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook

from desktop.config import sqlite_url
from desktop.services.bootstrap import open_database
from tests.conftest import add_test_admin_to, test_clock_start

ROOT = Path(__file__).resolve().parent.parent
HANZI = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT = 60
BAD_UTF8 = os.fsdecode(b"J2026\xff\xfe")  # a surrogate-escaped argument (not UTF-8)


class Place:
    """The files a command line may point at, made fresh for the module."""

    def __init__(self, tmp: Path, db_url: str) -> None:
        self.tmp = tmp
        self.db_url = db_url
        self.missing_dir = tmp / "no-such-folder"
        self.folder = tmp / "a-folder"
        self.device = tmp / "full-device"
        self.fifo = tmp / "a-fifo"
        self.text_file = tmp / "notes.txt"
        self.not_a_database = tmp / "not-a-database.sqlite3"
        self.truncated = tmp / "truncated.xlsx"
        self.zip_not_xlsx = tmp / "just-a-zip.xlsx"
        self.bad_xml = tmp / "bad-xml.xlsx"


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Place:
    tmp = tmp_path_factory.mktemp("hostile-cli")
    url = sqlite_url(tmp / "desk.sqlite3")
    # Made before the test's own clock starts (a module's fixture comes first): on it too.
    with time_machine.travel(test_clock_start().astimezone(), tick=True):
        open_database(url).dispose()
        add_test_admin_to(url)
    p = Place(tmp, url)
    make_files(p)
    return p


def make_files(p: Place) -> None:
    """The folder, special files and broken workbooks (scripts/hostile_counts.py uses it too)."""
    p.folder.mkdir()
    make_special_files(p)
    p.text_file.write_text("姓名,角色\n张三,调解员\n", encoding="utf-8")
    p.not_a_database.write_bytes(b"this is not a SQLite database" * 100)
    wb = Workbook()
    ws = wb.active
    ws.title = "工作人员"
    ws.append(["姓名", "角色", "所在室", "电话"])
    ws.append(["张PLACEHOLDER三", "调解员", "", ""])
    good = p.tmp / "staff.xlsx"
    wb.save(good)
    p.truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with zipfile.ZipFile(p.zip_not_xlsx, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(p.bad_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"PLACEHOLDER", b"&#1;")
            dst.writestr(item, data)


def make_special_files(p: Place) -> None:
    """A character device like /dev/full (root only) and a FIFO, (re)made before each call."""
    for path in (p.device, p.fifo):
        if path.exists() and not (stat.S_ISCHR(path.stat().st_mode)
                                  or stat.S_ISFIFO(path.stat().st_mode)):
            path.unlink()
    if not p.device.exists():
        with contextlib.suppress(OSError):
            os.mknod(p.device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    if not p.fifo.exists():
        os.mkfifo(p.fifo)


def run_cli(place: Place, args: list[str], *, db: str | None = None,
            timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8",
           "DESKTOP_DATA_DIR": str(place.tmp / "data")}
    env.pop("DESKTOP_DB_URL", None)
    argv = [sys.executable, "-m", "desktop", "--no-err-windows", "--db", db or place.db_url,
            *args]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)


PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]
Args = Callable[[Place], list[str]]

# name -> (database URL or None for the module's file, the arguments)
CASES: dict[str, tuple[Callable[[Place], str] | None, Args]] = {
    # The database address and the server.
    "db_not_a_url": (lambda p: "this is not a url", lambda p: ["db", "upgrade"]),
    "db_unknown_driver": (lambda p: "mysql://user@127.0.0.1/zongzhi", lambda p: ["db", "upgrade"]),
    "db_bad_port": (lambda p: "postgresql+psycopg://u@127.0.0.1:notaport/x",
                    lambda p: ["db", "upgrade"]),
    "db_server_down": (lambda p: "postgresql+psycopg://postgres@127.0.0.1:1/zongzhi",
                       lambda p: ["db", "upgrade"]),
    "db_server_down_export": (lambda p: "postgresql+psycopg://postgres@127.0.0.1:1/zongzhi",
                              lambda p: ["export", "visits", *PERIOD, "--out",
                                         str(p.tmp / "x.xlsx")]),
    "db_sqlite_is_a_folder": (lambda p: sqlite_url(p.folder), lambda p: ["db", "upgrade"]),
    "db_sqlite_not_a_database": (lambda p: sqlite_url(p.not_a_database),
                                 lambda p: ["db", "upgrade"]),
    "db_sqlite_in_proc": (lambda p: "sqlite:////proc/zongzhi.sqlite3",
                          lambda p: ["db", "upgrade"]),
    "db_sqlite_read_only": (lambda p: f"sqlite:///file:{p.tmp / 'desk.sqlite3'}?mode=ro&uri=true",
                            lambda p: ["demo-data", "--visits", "5"]),
    "gui_bad_db": (lambda p: "this is not a url", lambda p: []),
    "hall_display_server_down": (lambda p: "postgresql+psycopg://postgres@127.0.0.1:1/zongzhi",
                                 lambda p: ["hall-display", "--windowed"]),
    # Dates.
    "export_to_9999": (None, lambda p: ["export", "visits", "--from", "2026-11-01", "--to",
                                        "9999-12-31", "--out", str(p.tmp / "x.xlsx")]),
    "export_from_0001": (None, lambda p: ["export", "visits", "--from", "0001-01-01", "--to",
                                          "2026-11-30", "--out", str(p.tmp / "x.xlsx")]),
    "export_monthly_year_1": (None, lambda p: ["export", "monthly", "--from", "0001-01-01",
                                               "--to", "0001-01-31", "--out",
                                               str(p.tmp / "x.xlsx")]),
    "export_disputes_to_9999": (None, lambda p: ["export", "disputes", "--from", "9999-12-01",
                                                 "--to", "9999-12-31", "--out",
                                                 str(p.tmp / "x.xlsx")]),
    "export_bad_date": (None, lambda p: ["export", "visits", "--from", "2026-02-30", "--to",
                                         "2026-11-30", "--out", str(p.tmp / "x.xlsx")]),
    "export_reversed": (None, lambda p: ["export", "visits", "--from", "2026-11-30", "--to",
                                         "2026-11-01", "--out", str(p.tmp / "x.xlsx")]),
    # Where the output goes.
    "export_out_missing_folder": (None, lambda p: ["export", "visits", *PERIOD, "--out",
                                                   str(p.missing_dir / "x.xlsx")]),
    "export_out_is_a_folder": (None, lambda p: ["export", "visits", *PERIOD, "--out",
                                                str(p.folder)]),
    "export_out_under_a_file": (None, lambda p: ["export", "visits", *PERIOD, "--out",
                                                 str(p.text_file / "x.xlsx")]),
    "export_out_device": (None, lambda p: ["export", "visits", *PERIOD, "--out",
                                           str(p.device if p.device.exists() else p.fifo)]),
    "export_out_fifo": (None, lambda p: ["export", "monthly", *PERIOD, "--out", str(p.fifo)]),
    "export_out_empty": (None, lambda p: ["export", "visits", *PERIOD, "--out", ""]),
    "export_out_name_too_long": (None, lambda p: ["export", "visits", *PERIOD, "--out",
                                                  str(p.tmp / ("长" * 120 + ".xlsx"))]),
    "template_out_missing_folder": (None, lambda p: ["template", "staff", "--out",
                                                     str(p.missing_dir / "t.xlsx")]),
    "template_out_is_a_folder": (None, lambda p: ["template", "staff", "--out", str(p.folder)]),
    "template_out_device": (None, lambda p: ["template", "rooms", "--out",
                                             str(p.device if p.device.exists() else p.fifo)]),
    "receipt_out_missing_folder": (None, lambda p: ["print", "receipt", "J202611260001",
                                                    "--out", str(p.missing_dir / "r.pdf")]),
    "receipt_unknown_visit": (None, lambda p: ["print", "receipt", "J209911260001", "--out",
                                               str(p.tmp / "r.pdf")]),
    "receipt_not_utf8": (None, lambda p: ["print", "receipt", BAD_UTF8, "--out",
                                          str(p.tmp / "r.pdf")]),
    "case_document_not_utf8": (None, lambda p: ["print", "agreement", BAD_UTF8, "--out",
                                                str(p.tmp / "a.pdf")]),
    "case_document_unknown": (None, lambda p: ["print", "casefile", "（2026）东人调字第9999号",
                                               "--out", str(p.tmp / "a.pdf")]),
    # What is read.
    "import_directory": (None, lambda p: ["import", "staff", str(p.folder)]),
    "import_dev_zero": (None, lambda p: ["import", "staff", "/dev/zero"]),
    "import_fifo": (None, lambda p: ["import", "staff", str(p.fifo)]),
    "import_missing": (None, lambda p: ["import", "staff", str(p.tmp / "missing.xlsx")]),
    "import_text_file": (None, lambda p: ["import", "staff", str(p.text_file)]),
    "import_truncated_xlsx": (None, lambda p: ["import", "staff", str(p.truncated)]),
    "import_zip_not_xlsx": (None, lambda p: ["import", "staff", str(p.zip_not_xlsx)]),
    "import_bad_xml": (None, lambda p: ["import", "staff", str(p.bad_xml)]),
    # Numbers and options.
    "demo_visits_huge": (None, lambda p: ["demo-data", "--visits", str(10**20)]),
    "demo_visits_negative": (None, lambda p: ["demo-data", "--visits", "-5"]),
    "demo_visits_not_a_number": (None, lambda p: ["demo-data", "--visits", "many"]),
    "demo_seed_not_a_number": (None, lambda p: ["demo-data", "--seed", "x"]),
    "receipt_bad_paper": (None, lambda p: ["print", "receipt", "J202611260001", "--paper", "a4",
                                           "--out", str(p.tmp / "r.pdf")]),
    "unknown_command": (None, lambda p: ["frobnicate"]),
    "export_unknown_register": (None, lambda p: ["export", "payroll", *PERIOD, "--out",
                                                 str(p.tmp / "x.xlsx")]),
    "export_missing_out": (None, lambda p: ["export", "visits", *PERIOD]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_command_line(place: Place, name: str) -> None:
    url, args = CASES[name]
    make_special_files(place)
    device_before = place.device.stat().st_mode if place.device.exists() else None
    try:
        result = run_cli(place, args(place), db=url(place) if url else None)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still running after {TIMEOUT} s")
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert HANZI.search(result.stderr), result.stderr
    assert place.folder.is_dir()
    assert stat.S_ISFIFO(place.fifo.stat().st_mode), "the FIFO was replaced by a file"
    if device_before is not None:
        assert place.device.stat().st_mode == device_before, "the device was replaced"


def test_a_defect_exits_1_with_the_log_path_and_no_personal_data(
    place: Place, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    fresh_logging: None,
) -> None:
    """Not the user's fault: exit 1, a short message naming the log; the log has the place."""
    from desktop import cli, paths

    secret = "".join(["张秀兰 ", "11010519491231002X"])

    def broken(_args: object) -> int:
        raise KeyError(secret)

    monkeypatch.setattr(cli, "cmd_db_upgrade", broken)
    assert cli.main(["--db", place.db_url, "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and secret not in err
    assert "命令执行失败" in err and "cli.log" in err
    log_text = (paths.log_dir() / "cli.log").read_text(encoding="utf-8")
    assert "builtins.KeyError" in log_text and "test_cli_hostile.py" in log_text
    assert secret not in log_text and "11010519491231002X" not in log_text


def test_export_replaces_a_regular_file_whole(place: Place, tmp_path: Path) -> None:
    target = tmp_path / "old.xlsx"
    target.write_bytes(b"an older export")
    result = run_cli(place, ["export", "visits", *PERIOD, "--out", str(target)])
    assert result.returncode == 0, result.stderr
    assert target.read_bytes()[:4] == b"PK\x03\x04"
    assert [p.name for p in tmp_path.iterdir()] == ["old.xlsx"]  # no temporary file left
