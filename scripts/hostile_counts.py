"""Count how a checkout of the desk copes with hostile input: the reliability figures.

Run it with this tree's virtualenv, naming the checkout to measure (its own
``.venv/bin/python`` runs the code under test)::

    .venv/bin/python scripts/hostile_counts.py /path/to/checkout [--json out.json]

Two measurements, both on the checkout's own code, which is never changed:

1. Command line: every case of ``CASES`` in this tree's ``tests/test_cli_hostile.py`` runs
   as ``python -m desktop --no-err-windows --db URL ...`` in a subprocess of the checkout,
   with a 120 s timeout, a fresh data folder per call and a SQLite file the checkout itself
   made. Counted: calls that print a traceback, exit codes (0, 1, 2, other), timeouts,
   whether the character device standing in for /dev/full (a node 1,7 in the temp folder),
   the FIFO and the folder survived. As root, one more call writes to the literal path
   ``/dev/full`` inside a private mount namespace whose /dev is a fresh tmpfs, so the
   machine's /dev/full is never at risk; the script checks it afterwards all the same.
2. Registration fuzz: a fixed list of hostile inputs (the table of
   ``tests/test_fuzz_services.py``: every text field with every shape of ``tests/hostile.py``,
   no_id_reason, ids zero/negative/unknown/out of range, headcounts; then seeded random
   text and ids) goes through the checkout's ``register_visit`` on SQLite and on
   PostgreSQL (``DESKTOP_TEST_PG_URL``, a database of its own, dropped afterwards).
   Counted: inputs that raise anything but ``ValidationError`` (crashes), and inputs
   after whose refusal the row counts or sequence counters changed (half-written).

The fuzz runs in a worker process of the checkout's Python (this same file, ``fuzz-worker``),
which imports nothing from this tree's ``tests`` so that older code can be measured.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120.0
SEED = 20261126
LOOPBACK = {"127.0.0.1", "localhost", None}
MEMORY_CAP = 8 * 2**30  # address space per CLI call: a runaway read must not starve the machine
DEVFULL = os.makedev(1, 7)
# Device nodes a Python program expects in /dev; all else stays hidden in the namespace.
DEV_NODES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8),
             "urandom": (1, 9), "tty": (5, 0)}


# -- shared ----------------------------------------------------------------------------------

def checkout_python(checkout: Path) -> Path:
    python = checkout / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{checkout}: no .venv/bin/python (make its virtualenv first)")
    return python


def require_loopback(url: str) -> None:
    """Only addresses on this machine: a database URL with another host is refused."""
    if "://" not in url:
        return
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return
    if host not in LOOPBACK:
        raise SystemExit(f"refusing a non-loopback address: {url}")


# -- 1. the command line ---------------------------------------------------------------------

@dataclasses.dataclass
class CliResult:
    name: str
    exit: str  # "0", "1", "2", "other:N" or "timeout"
    traceback: bool
    chinese: bool
    seconds: float
    damaged: list[str]  # the folder, FIFO or device node that did not survive
    tail: str

    @property
    def passes(self) -> bool:
        """What the current test asks: exit 2, a Chinese message, no traceback, no damage."""
        return self.exit == "2" and self.chinese and not self.traceback and not self.damaged


def _limits() -> None:
    """In the child: lower priority, capped address space, a process group of its own."""
    os.nice(10)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_desk(python: Path, checkout: Path, argv: list[str], data_dir: Path,
             timeout: float = TIMEOUT) -> tuple[str, str, float]:
    """Run ``python -m desktop ARGV``; the exit as a word, the output, the seconds taken."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8",
           "DESKTOP_DATA_DIR": str(data_dir)}
    env.pop("DESKTOP_DB_URL", None)
    started = time.monotonic()
    proc = subprocess.Popen([str(python), "-m", "desktop", *argv], cwd=checkout, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, preexec_fn=_limits,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        code = proc.returncode
        word = str(code) if code in (0, 1, 2) else f"other:{code}"
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        word = "timeout"
    text = out.decode("utf-8", errors="replace")
    return word, text, time.monotonic() - started


def make_place(tmp: Path, python: Path, checkout: Path) -> Any:
    """The files of the test's ``place`` fixture; the database made by the checkout itself."""
    from desktop.config import sqlite_url
    from tests.test_cli_hostile import Place, make_files

    url = sqlite_url(tmp / "desk.sqlite3")
    word, out, _ = run_desk(python, checkout, ["--db", url, "db", "upgrade"], tmp / "data-setup")
    if word != "0":
        raise SystemExit(f"the checkout could not make its database ({word}):\n{out[-2000:]}")
    p = Place(tmp, url)
    make_files(p)
    return p


def common_options(python: Path, checkout: Path) -> list[str]:
    """Shim: ``--no-err-windows`` only where the checkout knows the option."""
    with tempfile.TemporaryDirectory(prefix="hostile-help-") as data_dir:
        _, out, _ = run_desk(python, checkout, ["--help"], Path(data_dir), 60)
    return ["--no-err-windows"] if "--no-err-windows" in out else []


def run_cli_cases(checkout: Path, only: list[str] | None = None) -> list[CliResult]:
    from tests.test_cli_hostile import CASES, HANZI, make_special_files

    python = checkout_python(checkout)
    results: list[CliResult] = []
    with tempfile.TemporaryDirectory(prefix="hostile-cli-") as tmp_name:
        tmp = Path(tmp_name)
        place = make_place(tmp, python, checkout)
        options = common_options(python, checkout)
        for n, (name, (url_of, args_of)) in enumerate(CASES.items()):
            if only and name not in only:
                continue
            make_special_files(place)
            device_before = place.device.stat().st_mode if place.device.exists() else None
            url = url_of(place) if url_of else place.db_url
            require_loopback(url)
            argv = [*options, "--db", url, *args_of(place)]
            word, out, seconds = run_desk(python, checkout, argv, tmp / f"data-{n}")
            damaged = []
            if not place.folder.is_dir():
                damaged.append("folder")
            if not stat.S_ISFIFO(place.fifo.stat().st_mode):
                damaged.append("fifo")
            if device_before is not None and (
                    not place.device.exists() or place.device.stat().st_mode != device_before):
                damaged.append("device")
            results.append(CliResult(name, word, "Traceback" in out, bool(HANZI.search(out)),
                                     round(seconds, 1), damaged, out[-300:]))
            print(f"  cli {name}: exit {word}{' traceback' if results[-1].traceback else ''}"
                  f"{' damaged ' + ','.join(damaged) if damaged else ''} ({seconds:.1f} s)",
                  file=sys.stderr, flush=True)
        if os.geteuid() == 0 and shutil.which("unshare") and (not only or "dev_full" in only):
            results.append(run_dev_full(python, checkout, place, options, tmp / "data-devfull"))
    return results


def dev_full_is_intact() -> bool:
    st = os.stat("/dev/full")
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == DEVFULL


def run_dev_full(python: Path, checkout: Path, place: Any, options: list[str],
                 data_dir: Path) -> CliResult:
    """``export --out /dev/full`` in a private mount namespace with a tmpfs /dev."""
    from tests.test_cli_hostile import HANZI, PERIOD

    argv = [*options, "--db", place.db_url, "export", "visits", *PERIOD, "--out", "/dev/full"]
    inner = [shutil.which("unshare") or "unshare", "--mount", "--propagation", "private", "--",
             sys.executable, str(Path(__file__).resolve()), "dev-full-inner",
             str(python), str(checkout), str(data_dir), json.dumps(argv)]
    done = subprocess.run(inner, capture_output=True, text=True, timeout=TIMEOUT + 60)
    if not dev_full_is_intact():
        raise SystemExit("/dev/full of this machine is no longer a character device 1,7!")
    if done.returncode != 0:
        raise SystemExit(f"the /dev/full namespace run failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    out = report["out"]
    damaged = [] if report["intact"] else [f"/dev/full became {report['kind']}"]
    print(f"  cli dev_full (namespace): exit {report['exit']} "
          f"/dev/full {'kept' if report['intact'] else report['kind']}", file=sys.stderr)
    return CliResult("dev_full_literal", report["exit"], "Traceback" in out,
                     bool(HANZI.search(out)), report["seconds"], damaged, out[-300:])


def dev_full_inner(python: str, checkout: str, data_dir: str, argv_json: str) -> None:
    """Inside ``unshare --mount``: a fresh /dev on tmpfs, one call, what became of /dev/full."""
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "hostile-dev", "/dev"], check=True)
    for name, (major, minor) in DEV_NODES.items():
        os.mknod(f"/dev/{name}", stat.S_IFCHR | 0o666, os.makedev(major, minor))
        os.chmod(f"/dev/{name}", 0o666)
    os.mkdir("/dev/shm", 0o1777)
    os.symlink("/proc/self/fd", "/dev/fd")
    word, out, seconds = run_desk(Path(python), Path(checkout), json.loads(argv_json),
                                  Path(data_dir))
    st = os.lstat("/dev/full")
    kind = ("character device" if stat.S_ISCHR(st.st_mode) else
            "a regular file" if stat.S_ISREG(st.st_mode) else oct(st.st_mode))
    intact = stat.S_ISCHR(st.st_mode) and st.st_rdev == DEVFULL
    print(json.dumps({"exit": word, "out": out[-3000:], "seconds": round(seconds, 1),
                      "intact": intact, "kind": kind}))


def cli_summary(results: list[CliResult]) -> dict[str, Any]:
    exits = Counter(r.exit if not r.exit.startswith("other") else "other" for r in results)
    return {
        "total": len(results),
        "tracebacks": sum(r.traceback for r in results),
        "exit_0": exits["0"], "exit_1": exits["1"], "exit_2": exits["2"],
        "exit_other": exits["other"], "timeouts": exits["timeout"],
        "damaged": {r.name: r.damaged for r in results if r.damaged},
        "pass_test": sum(r.passes for r in results),
        "traceback_cases": [r.name for r in results if r.traceback],
        "exit_0_cases": [r.name for r in results if r.exit == "0"],
        "timeout_cases": [r.name for r in results if r.exit == "timeout"],
        "not_exit_2_cases": {r.name: r.exit for r in results if r.exit != "2"},
    }


# -- 2. the registration fuzz -----------------------------------------------------------------

def fuzz_inputs(extra: int, seed: int) -> list[dict[str, Any]]:
    """The fixed hostile inputs: the table of the fuzz test, then ``extra`` seeded ones.

    Each is a label and the changes to a valid registration (a fresh person each time).
    """
    from desktop.models import Person
    from tests.hostile import HOSTILE_IDS, HOSTILE_TEXT, text_shapes
    from tests.test_fuzz_services import REGISTRATION_IDS, REGISTRATION_TEXT, limit_of

    no_id = {"id_type": "无证件", "id_number": ""}
    texts = {**REGISTRATION_TEXT, "no_id_reason": Person.no_id_reason}
    inputs: list[dict[str, Any]] = []

    def text_change(field: str, value: str) -> dict[str, Any]:
        return {**no_id, field: value} if field == "no_id_reason" else {field: value}

    for field, column in texts.items():
        for shape, value in text_shapes(limit_of(column)).items():
            inputs.append({"label": f"{field}={shape}", "changes": text_change(field, value)})
    for field in REGISTRATION_IDS:
        for shape, ident in HOSTILE_IDS.items():
            inputs.append({"label": f"{field}={shape}", "changes": {field: ident}})
    for shape, count in {"negative": -5, "huge": 10**20, "int32": 2**31}.items():
        inputs.append({"label": f"headcount={shape}", "changes": {
            "visit_type": "集体", "representative_name": "代表甲", "headcount": count}})

    # Seeded extras shaped like tests.hostile.hostile_text and hostile_ids.
    rng = random.Random(seed)
    invisible = "\u200b\u200c\u200d\u2060\ufeff\u3000\u00a0\u180e\u3164 "
    bad_values = list(HOSTILE_TEXT.values())

    def any_text(size: int) -> str:
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randint(0, size)))

    def random_text(kind: int, limit: int) -> str:
        """The five pieces of ``hostile_text``, taken in turn."""
        if kind == 0:
            return any_text(40)
        if kind == 1:
            return rng.choice(bad_values)
        if kind == 2:
            return "".join(rng.choice(invisible) for _ in range(rng.randint(1, 8)))
        if kind == 3:
            return any_text(5) + rng.choice(bad_values)
        return "字" * rng.randint(limit - 2, limit + 3)

    fields = sorted(texts)
    for i in range(extra):
        field = rng.choice(fields)
        value = random_text(i % 5, limit_of(texts[field]) or 64)
        inputs.append({"label": f"random{i}.{field}", "changes": text_change(field, value)})
        id_field = rng.choice(REGISTRATION_IDS)
        ident = (rng.choice(list(HOSTILE_IDS.values())) if rng.random() < 0.3
                 else rng.randint(-(2**70), 2**70))
        inputs.append({"label": f"random{i}.{id_field}", "changes": {id_field: ident}})
    return inputs


def digest(inputs: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:12]


def fuzz_worker(checkout: str, url: str, inputs_file: str) -> None:
    """In the checkout's Python: every input through its register_visit on ``url``."""
    sys.path.insert(0, checkout)
    import logging

    from sqlalchemy import func, select

    import desktop
    from desktop.models import Base, SequenceCounter
    from desktop.services import reference
    from desktop.services.bootstrap import open_database
    from desktop.services.errors import ValidationError
    from desktop.services.reception.registration import RegistrationInput, register_visit
    from desktop.services.validation import make_id_number

    if not Path(desktop.__file__).resolve().is_relative_to(Path(checkout).resolve()):
        raise SystemExit(f"imported {desktop.__file__}, not the checkout {checkout}")
    logging.disable(logging.CRITICAL)
    inputs = json.loads(Path(inputs_file).read_text(encoding="ascii"))
    database = open_database(url)
    with database.read() as session:
        room = {c.name: c.id for c in reference.rooms(session)}["矛盾纠纷调解室"]
        category = {c.name: c.id for c in reference.categories(session)}["邻里"]
    known = {f.name for f in dataclasses.fields(RegistrationInput)}
    counts = select(*(select(func.count()).select_from(t).scalar_subquery()
                      for t in Base.metadata.sorted_tables),
                    select(func.coalesce(func.sum(SequenceCounter.value), 0)).scalar_subquery())

    def fingerprint() -> tuple[int, ...]:
        with database.read() as session:
            return tuple(int(n) for n in session.execute(counts).one())

    def registration(n: int, changes: dict[str, Any]) -> Any:
        """The fuzz test's ``registration_input``, through the checkout's own dataclass."""
        values: dict[str, Any] = dict(
            name=f"测试{n}号", id_number=make_id_number("110105", date(1985, 3, 14), n),
            phone=f"139{n:08d}", summary="楼上装修噪音扰民", room_id=room,
            category_id=category)
        values.update(changes)
        if changes.get("visit_type") is None and "representative_name" in changes:
            values.update(visit_type="集体", headcount=3)
        if "representative_phone" in changes:
            values.update(visit_type="集体", headcount=3, representative_name="代表甲")
        unknown = set(values) - known
        if unknown:
            raise KeyError(f"this checkout's RegistrationInput has no {sorted(unknown)}")
        return RegistrationInput(**values)

    rows: list[dict[str, Any]] = []
    for n, item in enumerate(inputs, start=1000):
        before = fingerprint()
        outcome, error = "accepted", ""
        try:
            register_visit(database, registration(n, item["changes"]))
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # the measurement: anything else is a crash
            outcome, error = "crash", f"{type(exc).__module__}.{type(exc).__name__}"
        changed = outcome != "accepted" and fingerprint() != before
        rows.append({"label": item["label"], "outcome": outcome, "error": error,
                     "changed": changed})
    database.dispose()
    print(json.dumps(rows))


def run_fuzz(checkout: Path, inputs: list[dict[str, Any]], url: str) -> list[dict[str, Any]]:
    python = checkout_python(checkout)
    require_loopback(url)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="ascii", delete=False) as f:
        json.dump(inputs, f)
    try:
        done = subprocess.run([str(python), str(Path(__file__).resolve()), "fuzz-worker",
                               str(checkout), url, f.name], cwd=checkout, capture_output=True,
                              text=True, timeout=3600, preexec_fn=lambda: os.nice(10))
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        raise SystemExit(f"fuzz worker failed on {url}:\n{done.stderr[-3000:]}")
    rows: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


@contextlib.contextmanager
def postgres_database(admin_url: str, tag: str) -> Any:
    """A database of our own on the test server, dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    require_loopback(admin_url)
    name = f"hostile_counts_{tag}_{os.getpid()}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def fuzz_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    crashes = [r for r in rows if r["outcome"] == "crash"]
    return {
        "total": len(rows),
        "accepted": sum(r["outcome"] == "accepted" for r in rows),
        "refused": sum(r["outcome"] == "refused" for r in rows),
        "crashes": len(crashes),
        "half_written": sum(r["changed"] for r in rows),
        "half_written_after_refusal": sum(r["changed"] and r["outcome"] == "refused"
                                          for r in rows),
        "crash_types": dict(Counter(r["error"] for r in crashes)),
        "crash_labels": [r["label"] for r in crashes],
    }


# -- the report -------------------------------------------------------------------------------

def measure(args: argparse.Namespace) -> dict[str, Any]:
    checkout = Path(args.checkout).resolve()
    report: dict[str, Any] = {"checkout": str(checkout), "commit": subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True,
        text=True).stdout.strip()}
    if not args.skip_cli:
        results = run_cli_cases(checkout, args.only)
        report["cli"] = cli_summary(results)
        report["cli_cases"] = [dataclasses.asdict(r) for r in results]
    if not args.skip_fuzz:
        inputs = fuzz_inputs(args.extra, args.seed)
        report["fuzz_inputs"] = {"count": len(inputs), "sha256": digest(inputs)}
        with tempfile.TemporaryDirectory(prefix="hostile-fuzz-") as tmp:
            from desktop.config import sqlite_url
            print("  fuzz on SQLite ...", file=sys.stderr, flush=True)
            report["fuzz_sqlite"] = fuzz_summary(
                run_fuzz(checkout, inputs, sqlite_url(Path(tmp) / "fuzz.sqlite3")))
        pg = os.environ.get("DESKTOP_TEST_PG_URL")
        if pg and not args.no_postgres:
            print("  fuzz on PostgreSQL ...", file=sys.stderr, flush=True)
            with postgres_database(pg, report["commit"] or "checkout") as url:
                report["fuzz_postgres"] = fuzz_summary(run_fuzz(checkout, inputs, url))
    return report


def print_table(report: dict[str, Any]) -> None:
    print(f"checkout {report['checkout']} at {report['commit']}")
    if "cli" in report:
        c = report["cli"]
        print(f"CLI: {c['total']} calls, {c['tracebacks']} tracebacks, exit 0/1/2/other "
              f"{c['exit_0']}/{c['exit_1']}/{c['exit_2']}/{c['exit_other']}, "
              f"{c['timeouts']} timeouts, damaged {c['damaged'] or 'none'}, "
              f"{c['pass_test']} as the test wants")
        for key in ("traceback_cases", "exit_0_cases", "timeout_cases", "not_exit_2_cases"):
            print(f"  {key}: {c[key]}")
    for db in ("fuzz_sqlite", "fuzz_postgres"):
        if db in report:
            f = report[db]
            print(f"{db}: {f['total']} inputs ({report['fuzz_inputs']['sha256']}), "
                  f"{f['crashes']} crashes, {f['half_written']} half-written "
                  f"({f['half_written_after_refusal']} after a refusal), "
                  f"{f['accepted']} accepted, {f['refused']} refused")
            print(f"  crash types: {f['crash_types']}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    workers: dict[str, Callable[..., None]] = {
        "fuzz-worker": fuzz_worker, "dev-full-inner": dev_full_inner}
    if argv and argv[0] in workers:
        workers[argv[0]](*argv[1:])
        return 0
    sys.path[:0] = [str(ROOT)]
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("checkout", help="the checkout to measure (with its own .venv)")
    parser.add_argument("--json", help="also write the full report here")
    parser.add_argument("--extra", type=int, default=30,
                        help="seeded random inputs (each gives a text and an id input)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--only", nargs="*", help="only these CLI cases (dev_full: the literal)")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    report = measure(args)
    print_table(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    if not dev_full_is_intact():
        print("WARNING: /dev/full is not the character device 1,7", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
