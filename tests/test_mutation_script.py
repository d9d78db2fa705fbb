"""scripts/mutation.py finds the modules a name means, however the name is written."""

from __future__ import annotations

import importlib.util
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
