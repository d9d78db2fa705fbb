"""The tests, the bootstrap and the installer bundle all use the one pinned Qt binding."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _qt_binding() -> ModuleType:
    """scripts/qt_binding.py, which the bootstrap and installer/build.py run."""
    spec = importlib.util.spec_from_file_location("qt_binding", ROOT / "scripts" / "qt_binding.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["qt_binding"] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_the_tests_run_on_the_pinned_binding() -> None:
    """A run on another PySide6 (6.12.0 aborts the interpreter) says so before anything else."""
    assert _qt_binding().examine(sys.executable).problems == []


def test_pins_are_read_from_pyproject(tmp_path: Path) -> None:
    qt_binding = _qt_binding()
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nrequires-python = ">=3.11"\n'
        'dependencies = ["PySide6_Essentials == 6.11.3", "PySide6-Addons==6.11.3", '
        '"SQLAlchemy>=2.0"]\n', encoding="utf-8")
    assert qt_binding.pinned(pyproject) == {"pyside6-essentials": "6.11.3",
                                            "pyside6-addons": "6.11.3"}
    assert qt_binding.minimum_python(pyproject) == (3, 11)
    pyproject.write_text('[project]\nrequires-python = ">=3.11"\n'
                         'dependencies = ["PySide6-Essentials>=6.8"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="pins no PySide6"):
        qt_binding.pinned(pyproject)


def test_the_bundle_leaves_out_the_addons_the_program_does_not_use() -> None:
    """PySide6-Addons brings QtWebEngine and thirty other modules; the spec excludes each
    one the program does not import, so a new Addons release cannot swell the bundle."""
    spec = (ROOT / "installer" / "desktop.spec").read_text(encoding="utf-8")
    listed = re.search(r"QT_UNUSED = \[(.*?)\]", spec, re.DOTALL)
    assert listed is not None
    excluded = set(re.findall(r'"(Qt\w+)"', listed.group(1)))
    used = {
        match for path in (ROOT / "desktop").rglob("*.py")
        for match in re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8"))
    }
    files = metadata.files("PySide6-Addons") or []
    addons = {re.sub(r"\..*", "", Path(str(f)).name) for f in files
              if re.fullmatch(r"PySide6/Qt\w+\.(abi3\.so|pyd)", str(f).replace("\\", "/"))}
    assert {"QtCharts", "QtPdf"} <= used & addons
    assert not used & excluded
    assert addons - used - excluded == set()
    assert not re.search(r"PySide6[-_]Pdf", spec, re.IGNORECASE)  # Addons has QtPdf


def test_reportlab_runs_with_its_c_accelerator() -> None:
    """The PDFs (receipts at the desk, the 卷宗) are timed with ReportLab's C accelerator;
    an environment without it is slower without saying so."""
    from reportlab.lib import rl_accel

    assert "fp_str" in rl_accel._c_funcs and not rl_accel._py_funcs
    assert rl_accel.fp_str(1.5, 2) == "1.5 2"
