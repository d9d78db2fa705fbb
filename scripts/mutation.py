"""Mutation testing of the services and the printing code, with mutmut.

    python scripts/mutation.py                      every module of services/ and printing/
    python scripts/mutation.py reception/queue      one module or package (or several)
    python scripts/mutation.py validation registration --tests rules --children 2
    python scripts/mutation.py counselling closure/replies --tests rules   (a room's package)
    python scripts/mutation.py queue --tests rules --keep-killed   (all but the last kills)
    python scripts/mutation.py queue --tests rules --not-killed   (survivors, no tests)
    python scripts/mutation.py printing --tests paper               (the documents)
    python scripts/mutation.py printing/linebreak --files tests/test_printing_linebreak_rules.py

mutmut changes the code one small step at a time (``>`` to ``>=``, a constant, a
removed line) and runs the tests that reach the changed function; a change no test
notices "survives". Each survivor is a rule no test proves: kill it with a test, or
list it with the reason it is harmless in ``tests/mutation-survivors.md``.

The run happens in a scratch copy (``.mutation/<tests>/``, ignored by git), so the
working tree is never touched and two selections do not mix. ``--tests quick`` (the
default) runs every quick test against each mutant: SQLite only, no widgets, linters,
migrations, second processes, LibreOffice or the installer's bundle (see ``[tool.mutmut]``
in pyproject.toml).
``--tests rules`` runs only the service and rule tests (``test_*service*``,
``test_rules_*``, ``test_*_rules``, the ticket concurrency threads): much faster for the
rule-heavy modules validation, registration, queue, mediation and the rooms' services,
useless for the others. ``--tests paper`` is the same for ``printing/``: the documents'
own tests (``paper``, ``printing``, ``documents``, ``casefile``, receipts, print sizes)
with the service and rule tests, which print each room's forms. ``--files`` runs only the
test files named (a module's own tests; SQLite, no widgets): far faster for a module that
every database or paper test reaches (seed, the line breaker), and its score is a floor,
as the rest of the suite may kill what these files let survive. Its scratch copy is named
after the first module, so runs of different modules can go side by side.

Two traps. A scratch copy resumed by hand (``mutmut run`` in it) after tests were added
keeps mutmut's record of which tests reach which function: delete
``mutants/mutmut-stats.json`` first, or the new tests never run against a mutant (this
script always starts from a fresh copy). And an object a test module makes at import (a
module-level ``Styles()``) is made before mutmut picks the mutant: make it in the test.

Not part of CI: the whole of services/ and printing/ is about 13,000 mutants, hours on
two cores. Needs Linux or macOS (mutmut forks) and ``pip install -e '.[test]'``.
The score printed is killed / (all mutants that tests reach); "no tests" are mutants
in code no quick test runs at all.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"
COPIED = ["desktop", "resources", "tests", "scripts", "installer", "pyproject.toml", "README.md",
          ".github", ".ci"]
# Never useful against a mutant: linters, migrations, the whole window, the bundle build (as
# in pyproject.toml's own selection).
IGNORED = ["--ignore=tests/test_code_quality.py", "--ignore=tests/test_migrations.py",
           "--ignore=tests/test_app_shell.py", "--ignore=tests/test_bundle_build.py"]
RULES_SELECTION = [
    "tests/", "-m", "not gui",
    "-k", "(service or _rules or ticket_concurrency) and not postgresql"
    " and not concurrent_processes",
    *IGNORED,
]
# The printing code: the documents' own tests (every paper, its layouts and refusals), the
# rooms' service tests (each prints its form) and the rule tests.
PAPER_SELECTION = [
    "tests/", "-m", "not gui",
    "-k", "(paper or printing or documents or casefile or print_sizes or printable"
    " or receipt or service or _rules) and not postgresql and not concurrent_processes"
    " and not libreoffice",
    *IGNORED,
]
SELECTIONS = {"rules": RULES_SELECTION, "paper": PAPER_SELECTION}
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout",
          None: "not checked"}


def module_names(text: str) -> list[str]:
    """``services/reception/queue``, ``reception/queue``, ``services/queue`` or ``queue`` ->
    that module, or each module of that package (``counselling``, ``services/mediation``).

    A name not found where it says is looked for by its last part under services/ and then
    printing/ (a room's package before a same-named module elsewhere: demo/mediation.py).
    """
    name = text.removesuffix(".py").replace("/", ".").replace("\\", ".").removeprefix("desktop.")
    parts = name.split(".")
    candidates = [parts] if parts[0] in ("services", "printing") else []
    candidates += [["services", *parts], ["printing", *parts]]
    for candidate in candidates:
        found = _modules_at(ROOT / "desktop" / Path(*candidate), ".".join(candidate))
        if found:
            return found
    for package in ("services", "printing"):
        base = ROOT / "desktop" / package
        hits = sorted([*base.rglob(parts[-1]), *base.rglob(f"{parts[-1]}.py")],
                      key=lambda f: ("demo" in f.parts, f.suffix == ".py", f))
        hits = [f for f in hits if f.is_dir() or f.suffix == ".py"]
        if hits:
            relative = hits[0].relative_to(ROOT / "desktop").with_suffix("")
            return _modules_at(hits[0].with_suffix(""), ".".join(relative.parts))
    raise SystemExit(f"no module {text!r} in desktop/services or desktop/printing")


def _modules_at(path: Path, dotted: str) -> list[str]:
    if path.is_dir():
        # mutmut names what a package's __init__ holds after the package itself.
        return [f"desktop.{dotted}" if f.stem == "__init__" else f"desktop.{dotted}.{f.stem}"
                for f in sorted(path.glob("*.py")) if f.stem != "__init__" or _has_code(f)]
    if path.with_suffix(".py").is_file():
        return [f"desktop.{dotted}"]
    return []


def _has_code(path: Path) -> bool:
    """Whether a package's ``__init__`` holds more than imports, names and constants."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.ClassDef)) for node in tree.body)


def prepare(work: Path, selection: list[str] | None, modules: list[str]) -> None:
    """A fresh copy of the code and tests; mutmut keeps its own state in work/mutants."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        else:
            shutil.copy2(source, work / name)
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if modules:  # mutate only these files (generating all 13,000 mutants takes minutes)
        files = [_source(m) for m in modules]
        text, count = re.subn(r"only_mutate = \[.*?\]", "only_mutate = " + json.dumps(files),
                              text)
        assert count == 1, "pyproject.toml has no only_mutate to replace"
    if selection is not None:
        setting = "pytest_add_cli_args_test_selection = " + json.dumps(
            selection, ensure_ascii=False)
        text, count = re.subn(r"pytest_add_cli_args_test_selection = \[.*?\n\]", setting,
                              text, flags=re.S)
        assert count == 1, "pyproject.toml has no mutmut test selection to replace"
    pyproject.write_text(text, encoding="utf-8")


def files_selection(files: list[str]) -> list[str]:
    """The named test files, as the quick selection runs them: SQLite, no widgets."""
    missing = [f for f in files if not (ROOT / f).is_file()]
    if missing:
        raise SystemExit(f"no test file {', '.join(missing)}")
    return [*files, "-m", "not gui",
            "-k", "not postgresql and not concurrent_processes and not libreoffice"]


def _source(module: str) -> str:
    """desktop.services.queue.actions -> desktop/services/queue/actions.py; a package's own
    code is its __init__.py."""
    path = module.replace(".", "/")
    return f"{path}/__init__.py" if (ROOT / path).is_dir() else f"{path}.py"


def killed_verdicts(work: Path) -> dict[Path, dict[str, object]]:
    """The .meta files of the last run, with every verdict but "killed" cleared."""
    kept: dict[Path, dict[str, object]] = {}
    for meta in (work / "mutants" / "desktop").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if STATUS.get(code) != "killed":
                codes[key] = None
        kept[meta.relative_to(work)] = data
    return kept


def unkilled_verdicts(work: Path) -> tuple[dict[Path, dict[str, object]], list[str]]:
    """The .meta files of the last run with the verdicts of the survivors, of the mutants
    no test reached and of those it did not come to (a run stopped before its end)
    cleared, and their names: mutmut runs only the mutants named."""
    kept: dict[Path, dict[str, object]] = {}
    names: list[str] = []
    for meta in (work / "mutants" / "desktop").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        for key, code in codes.items():
            if STATUS.get(code) in ("survived", "no tests", "not checked"):
                codes[key] = None
                names.append(key)
        kept[meta.relative_to(work)] = data
    return kept, sorted(names)


def restore(work: Path, kept: dict[Path, dict[str, object]]) -> None:
    """Put the kept verdicts back; mutmut regenerates the mutants and, for a function whose
    code changed since, clears them itself."""
    for relative, data in kept.items():
        (work / relative).parent.mkdir(parents=True, exist_ok=True)
        (work / relative).write_text(json.dumps(data), encoding="utf-8")


def results(work: Path, modules: list[str]) -> dict[str, Counter[str]]:
    """Per module, how many mutants ended in each state (from mutmut's .meta files)."""
    found: dict[str, Counter[str]] = {}
    for meta in sorted((work / "mutants" / "desktop").rglob("*.py.meta")):
        relative = meta.relative_to(work / "mutants").with_suffix("").with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        if modules and name not in modules:
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:
            found[name] = Counter(STATUS.get(code, "suspicious") for code in codes.values())
    return found


def survivors(work: Path, modules: list[str]) -> list[str]:
    names = []
    for meta in sorted((work / "mutants" / "desktop").rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        names += [key for key, code in codes.items()
                  if code == 0 and (not modules or any(key.startswith(m + ".x")
                                                         for m in modules))]
    return sorted(names)


def report(counts: dict[str, Counter[str]]) -> str:
    lines = [f"{'module':40} {'killed':>7} {'survived':>9} {'timeout':>8} {'no tests':>9}"
             f" {'score':>7}"]
    total: Counter[str] = Counter()
    for name, counter in counts.items():
        total.update(counter)
        lines.append(_line(name, counter))
    lines.append(_line("all", total))
    return "\n".join(lines)


def _line(name: str, counter: Counter[str]) -> str:
    killed = counter["killed"] + counter["timeout"]
    reached = killed + counter["survived"] + counter["suspicious"]
    score = f"{100 * killed / reached:.1f}%" if reached else "-"
    return (f"{name:40} {counter['killed']:>7} {counter['survived']:>9} "
            f"{counter['timeout']:>8} {counter['no tests']:>9} {score:>7}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="e.g. reception/queue; default: all")
    parser.add_argument("--tests", choices=["quick", "rules", "paper"], default="quick")
    parser.add_argument("--files", nargs="+", default=[], metavar="TEST_FILE",
                        help="run only these test files against each mutant (instead of --tests)")
    parser.add_argument("--children", type=int, default=2, help="parallel test runs")
    parser.add_argument("--keep-killed", action="store_true",
                        help="keep the mutants the last run of these modules killed and run "
                             "only the others again (after adding tests: tests only add kills)")
    parser.add_argument("--not-killed", action="store_true",
                        help="run again only what the last run did not kill: its survivors "
                             "and the mutants no test reached (after adding tests, when the "
                             "last run was stopped before its end)")
    parser.add_argument("--also", nargs="*", default=[], metavar="PATTERN",
                        help="with --not-killed: run these mutants too (a function changed "
                             "since the last run: 'desktop.services.care.routed.x_routed_visits*')")
    parser.add_argument("--report-only", action="store_true",
                        help="print the score of the last run without running again")
    args = parser.parse_args(argv)
    modules = [name for m in args.modules for name in module_names(m)]
    work = SCRATCH / args.tests
    selection = SELECTIONS.get(args.tests)
    if args.files:
        if not modules:
            parser.error("--files needs the modules its tests are for")
        work = SCRATCH / ("files-" + modules[0].rsplit(".", 1)[-1])
        selection = files_selection(args.files)
    killed: dict[Path, dict[str, object]] = {}
    again: list[str] = []
    if args.not_killed:
        killed, again = unkilled_verdicts(work)
        if not again:
            print("the last run left nothing unkilled to run again")
    if not args.report_only and (again or not args.not_killed):
        if args.keep_killed and not args.not_killed:
            killed = killed_verdicts(work)
        prepare(work, selection, modules)
        patterns = [f"{m}.x*" for m in modules]
        if killed:
            restore(work, killed)
            patterns = [*again, *args.also]  # none: every mutant without a verdict
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        env.pop("DESKTOP_TEST_PG_URL", None)
        mutmut = Path(sys.executable).with_name("mutmut")
        command = [str(mutmut), "run", "--max-children", str(args.children), *patterns]
        if hasattr(os, "nice"):
            command = ["nice", "-n", "10", *command]
        with (work / "mutmut.log").open("w", encoding="utf-8") as log:
            subprocess.run(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                           check=False)
    print(report(results(work, modules)))
    left = survivors(work, modules)
    (work / "survivors.txt").write_text("\n".join(left) + "\n", encoding="utf-8")
    print(f"\n{len(left)} survivors listed in {work / 'survivors.txt'}; "
          f"`cd {work} && mutmut show NAME` shows one")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
