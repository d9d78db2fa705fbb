"""Whether a Python environment has the Python and the Qt binding that pyproject.toml pins.

PySide6 6.12.0 on CPython 3.11 loses a reference to ``None`` on every void Qt call
until the interpreter aborts, so pyproject.toml pins PySide6-Essentials and
PySide6-Addons to one good release. ``scripts/bootstrap.py`` (for ``.venv``) and
``installer/build.py`` (for the bundle) both check their environment with
:func:`examine`, so neither runs nor ships another binding by accident: a stale
``PySide6-Pdf`` (a separate wheel since 6.12) or a ``PySide6`` meta package would
put another release's files into the same ``PySide6`` folder.

Standard library only: the bootstrap runs before anything is installed.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
# The binding's runtime; each PySide6 wheel requires the shiboken6 of its own release.
RUNTIME = "shiboken6"

_PROBE = """
import importlib.metadata as md, json, re, sys
dists = {}
for dist in md.distributions():
    name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
    if name.startswith(("pyside6", "shiboken6")):
        dists[name] = dist.version
print(json.dumps({"python": list(sys.version_info[:3]), "dists": dists}))
"""


def normalize(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """The ``==`` pins of the Qt binding in pyproject.toml, by normalized name."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins: dict[str, str] = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s;,]+)\s*", requirement)
        if match and normalize(match.group(1)).startswith("pyside6"):
            pins[normalize(match.group(1))] = match.group(2)
    if not pins:
        raise ValueError(f"{pyproject} pins no PySide6 release (PySide6-Essentials==X.Y.Z)")
    return pins


def minimum_python(pyproject: Path = PYPROJECT) -> tuple[int, ...]:
    """The lowest Python that ``requires-python`` (``>=X.Y``) admits."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    match = re.fullmatch(r"\s*>=\s*(\d+(?:\.\d+)*)\s*", project["requires-python"])
    if match is None:
        raise ValueError(f"unexpected requires-python: {project['requires-python']!r}")
    return tuple(int(part) for part in match.group(1).split("."))


def installed(python: Path | str) -> tuple[tuple[int, ...], dict[str, str]]:
    """The version of ``python`` and its PySide6/shiboken6 distributions."""
    result = subprocess.run([str(python), "-c", _PROBE], capture_output=True, text=True,
                            check=True)
    data = json.loads(result.stdout)
    return tuple(data["python"]), dict(data["dists"])


@dataclass
class Examination:
    """How an environment differs from the pins; both lists empty when it does not."""

    problems: list[str]
    strays: list[str]  # PySide6 distributions pyproject.toml does not ask for


def examine(python: Path | str, pyproject: Path = PYPROJECT) -> Examination:
    """Compare the Python and the Qt binding of ``python``'s environment with the pins."""
    pins = pinned(pyproject)
    need = minimum_python(pyproject)
    version, dists = installed(python)
    found: list[str] = []
    if version < need:
        found.append(f"Python {'.'.join(map(str, version))} is older than "
                     f"{'.'.join(map(str, need))} (requires-python in pyproject.toml)")
    for name, wanted in pins.items():
        have = dists.get(name)
        if have != wanted:
            found.append(f"{name} {have or '(missing)'} is installed, {wanted} is pinned")
    releases = set(pins.values())
    if len(releases) == 1 and dists.get(RUNTIME) not in releases:
        found.append(f"{RUNTIME} {dists.get(RUNTIME, '(missing)')} is installed, "
                     f"{min(releases)} goes with the pinned binding")
    strays = sorted(name for name in dists if name not in pins and name != RUNTIME)
    found += [f"{name} {dists[name]} is installed but not pinned (another release's Qt files)"
              for name in strays]
    return Examination(found, strays)
