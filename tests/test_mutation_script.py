"""scripts/mutation.py finds the modules a name means, however the name is written."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mutation.py"
QUEUE = ["desktop.services.reception.queue." + name for name in
         ("actions", "board", "common", "escalations", "listing", "route", "states")]


@pytest.fixture(scope="module")
def mutation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["queue", "reception/queue", "services/queue",
                                  "services/reception/queue", "desktop/services/reception/queue"])
def test_a_package_is_each_of_its_modules(mutation: ModuleType, name: str) -> None:
    assert mutation.module_names(name) == QUEUE


@pytest.mark.parametrize(("name", "expected"), [
    ("validation", "desktop.services.validation"),
    ("desktop/services/validation.py", "desktop.services.validation"),
    ("closure/replies", "desktop.services.closure.replies"),
    ("services/closure/replies", "desktop.services.closure.replies"),
    ("reception/queue/actions", "desktop.services.reception.queue.actions"),
    ("agreement", "desktop.printing.agreement"),
    ("printing/agreement", "desktop.printing.agreement"),
])
def test_a_module_is_itself(mutation: ModuleType, name: str, expected: str) -> None:
    assert mutation.module_names(name) == [expected]


def test_a_room_s_package_comes_before_demo_data_of_the_same_name(
        mutation: ModuleType) -> None:
    names = mutation.module_names("mediation")
    assert "desktop.services.mediation.cases" in names
    assert all(name.startswith("desktop.services.mediation.") for name in names)


def test_an_unknown_name_is_refused_in_words(mutation: ModuleType) -> None:
    with pytest.raises(SystemExit, match="no module 'nowhere'"):
        mutation.module_names("nowhere")


def test_a_package_s_own_code_goes_by_the_package_s_name(mutation: ModuleType) -> None:
    """mutmut names the mutants of organisations/__init__.py desktop.services.organisations.x_…"""
    names = mutation.module_names("organisations")
    assert names[0] == "desktop.services.organisations"
    assert "desktop.services.organisations.referrals" in names
    assert mutation._source("desktop.services.organisations") == (
        "desktop/services/organisations/__init__.py")
    assert mutation._source("desktop.services.organisations.referrals") == (
        "desktop/services/organisations/referrals.py")


def test_survivors_of_a_package_are_its_own_not_its_modules(
        mutation: ModuleType, tmp_path: Path) -> None:
    meta = tmp_path / "mutants" / "desktop" / "services" / "organisations"
    meta.mkdir(parents=True)
    (meta / "__init__.py.meta").write_text(json.dumps({"exit_code_by_key": {
        "desktop.services.organisations.x_require__mutmut_1": 0,
        "desktop.services.organisations.x_require__mutmut_2": 1}}), encoding="utf-8")
    (meta / "referrals.py.meta").write_text(json.dumps({"exit_code_by_key": {
        "desktop.services.organisations.referrals.x_record__mutmut_1": 0}}), encoding="utf-8")
    package = ["desktop.services.organisations"]
    assert mutation.survivors(tmp_path, package) == [
        "desktop.services.organisations.x_require__mutmut_1"]
    counts = mutation.results(tmp_path, package)
    assert list(counts) == package
    assert counts["desktop.services.organisations"]["killed"] == 1


def test_a_run_of_what_was_not_killed_clears_only_those_verdicts(
        mutation: ModuleType, tmp_path: Path) -> None:
    meta = tmp_path / "mutants" / "desktop" / "services" / "care"
    meta.mkdir(parents=True)
    (meta / "entries.py.meta").write_text(json.dumps({"exit_code_by_key": {
        "desktop.services.care.entries.x_end_entry__mutmut_1": 0,
        "desktop.services.care.entries.x_end_entry__mutmut_2": 1,
        "desktop.services.care.entries.x_end_entry__mutmut_3": None,
        "desktop.services.care.entries.x_end_entry__mutmut_4": 33,
        "desktop.services.care.entries.x_reopen_entry__mutmut_1": 0}}), encoding="utf-8")
    kept, names = mutation.unkilled_verdicts(tmp_path)
    # The one not checked (a run stopped before it) is named too, or it is never run.
    assert names == ["desktop.services.care.entries.x_end_entry__mutmut_1",
                     "desktop.services.care.entries.x_end_entry__mutmut_3",
                     "desktop.services.care.entries.x_end_entry__mutmut_4",
                     "desktop.services.care.entries.x_reopen_entry__mutmut_1"]
    codes = kept[Path("mutants/desktop/services/care/entries.py.meta")]["exit_code_by_key"]
    assert codes == {"desktop.services.care.entries.x_end_entry__mutmut_1": None,
                     "desktop.services.care.entries.x_end_entry__mutmut_2": 1,
                     "desktop.services.care.entries.x_end_entry__mutmut_3": None,
                     "desktop.services.care.entries.x_end_entry__mutmut_4": None,
                     "desktop.services.care.entries.x_reopen_entry__mutmut_1": None}


def test_named_test_files_run_as_the_quick_selection_does(mutation: ModuleType) -> None:
    selection = mutation.files_selection(["tests/test_printing_linebreak_rules.py"])
    assert selection == ["tests/test_printing_linebreak_rules.py", "-m", "not gui", "-k",
                         "not postgresql and not concurrent_processes and not libreoffice"]


def test_a_test_file_that_is_not_there_is_refused(mutation: ModuleType) -> None:
    with pytest.raises(SystemExit, match=r"no test file tests/test_nowhere\.py"):
        mutation.files_selection(["tests/test_printing_linebreak_rules.py",
                                  "tests/test_nowhere.py"])
