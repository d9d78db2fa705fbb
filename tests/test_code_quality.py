"""Lint, type and architecture checks, run as part of the test suite.

Each runs the tool on the whole project with its settings in pyproject.toml:
ruff (style and likely bugs), mypy (types) and import-linter (the business
code imports no Qt). A failure shows the tool's own report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())"
)


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    # The checked-out sources, even when the project is not installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
        encoding="utf-8", errors="replace", timeout=900,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(result.args[1:])} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )


def test_ruff() -> None:
    assert_clean(run_tool("-m", "ruff", "check", "--no-cache", "desktop", "tests"))


def test_mypy() -> None:
    assert_clean(run_tool("-m", "mypy"))


def test_import_contracts() -> None:
    assert_clean(run_tool("-c", LINT_IMPORTS, "--no-cache", "--no-logo"))


def test_no_reference_count_surgery() -> None:
    """A leaking binding is fixed by pinning a good release (pyproject.toml), never by
    patching reference counts by hand: that hides the defect and breaks on a fixed binding."""
    import re

    root = Path(__file__).resolve().parent.parent / "desktop"
    offenders = [
        f"{path.relative_to(root.parent)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"Py_X?(?:Inc|Dec)Ref|\bctypes\.pythonapi\b", line)
    ]
    assert not offenders, offenders
