"""scripts/bootstrap.py: where PostgreSQL is found, and a server start that cannot hang.

On Windows ``pg_ctl start`` hands its stdout and stderr to the server it starts; given a
pipe (``capture_output``), the bootstrap waited for the pipe's end, which comes only when
the server stops: forever. Linux shows the same with a stand-in ``pg_ctl`` that leaves a
child holding its output, as the server does.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

posix_only = pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for pg_ctl")


@functools.cache
def _bootstrap() -> ModuleType:
    spec = importlib.util.spec_from_file_location("desk_bootstrap",
                                                  ROOT / "scripts" / "bootstrap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["desk_bootstrap"] = module
    spec.loader.exec_module(module)
    return module


def _install(folder: Path, version: str) -> Path:
    bindir = folder / "PostgreSQL" / version / "bin"
    bindir.mkdir(parents=True)
    (bindir / "initdb.exe").write_bytes(b"")
    return bindir


def test_postgres_is_found_under_program_files(tmp_path: Path) -> None:
    bootstrap = _bootstrap()
    program_files = tmp_path / "Program Files"
    _install(program_files, "15")
    newest = _install(program_files, "16")
    _install(tmp_path / "elsewhere", "17")
    found = bootstrap.find_postgres_bin(windows=True, linux=False,
                                        environ={"ProgramFiles": str(program_files)})
    assert found == newest.resolve()


def test_the_64_bit_program_folder_is_looked_in_too(tmp_path: Path) -> None:
    """A 32-bit Python sees "Program Files (x86)" as ProgramFiles; the server is in the other."""
    bootstrap = _bootstrap()
    x64, x86 = tmp_path / "Program Files", tmp_path / "Program Files (x86)"
    x86.mkdir()
    wanted = _install(x64, "16")
    found = bootstrap.find_postgres_bin(
        windows=True, linux=False,
        environ={"ProgramFiles": str(x86), "ProgramW6432": str(x64)})
    assert found == wanted.resolve()
    assert bootstrap.program_files({}) == [r"C:\Program Files"]


def test_the_readme_and_the_code_agree_on_where_postgres_is_looked_for() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert r"C:\Program Files\PostgreSQL" in readme
    assert "only if PostgreSQL's `bin` folder (`initdb`, `pg_ctl`) is on PATH" not in readme


STAND_IN = """#!/bin/sh
# Like pg_ctl start: leaves a "server" behind that keeps this script's stdout open.
sleep 30 &
echo $! > "{pid}"
echo "waiting for server to start.... done"
echo "server started"
exit 0
"""


@posix_only
def test_the_start_does_not_wait_for_the_servers_output(tmp_path: Path) -> None:
    bootstrap = _bootstrap()
    pid_file = tmp_path / "server.pid"
    pg_ctl = tmp_path / "pg_ctl"
    pg_ctl.write_text(STAND_IN.format(pid=pid_file), encoding="utf-8")
    pg_ctl.chmod(0o755)
    begun = time.monotonic()
    try:
        result = bootstrap.run_pg([str(pg_ctl), "start"], cwd=tmp_path,
                                  output=tmp_path / "pg_ctl.log")
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)  # the stand-in server
    assert time.monotonic() - begun < 10  # not the 30 s the "server" runs
    assert result.returncode == 0 and "server started" in result.stdout


def test_the_bootstraps_start_call_passes_no_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The throwaway server's ``pg_ctl start`` writes to a file; initdb's output may be read."""
    bootstrap = _bootstrap()
    calls: list[tuple[list[str], dict[str, object]]] = []

    def fake_run(cmd: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append((list(cmd), kwargs))
        return subprocess.CompletedProcess(list(cmd), 0, "", "")

    monkeypatch.delenv("DESKTOP_TEST_PG_URL", raising=False)
    monkeypatch.setattr(bootstrap, "find_postgres_bin", lambda: tmp_path)
    monkeypatch.setattr(bootstrap.subprocess, "run", fake_run)
    monkeypatch.setattr(bootstrap.shutil, "chown", lambda *a, **k: None)
    monkeypatch.setattr(bootstrap, "say", lambda _m: None)
    with bootstrap.throwaway_postgres() as url:
        assert url is not None and url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    (start,) = [(cmd, kw) for cmd, kw in calls if "pg_ctl" in " ".join(cmd) and "start" in cmd]
    cmd, kwargs = start
    assert "capture_output" not in kwargs
    assert kwargs.get("stdout") not in (None, subprocess.PIPE)
    assert kwargs.get("stderr") == subprocess.STDOUT
    assert kwargs.get("stdin") == subprocess.DEVNULL
    assert "-l" in cmd  # the server's own log


def test_the_windows_workflow_runs_the_readmes_commands() -> None:
    """It cannot run here; at least it runs what the README tells a Windows user to run."""
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in workflow
    assert r"scripts\bootstrap.py test" in workflow and r"installer\build.py" in workflow
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".github/workflows/windows.yml" in readme
