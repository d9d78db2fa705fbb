#!/usr/bin/env python3
"""Set up this repository on a fresh machine and run the app or the tests.

    python3 scripts/bootstrap.py app  [ARGS...]   start the window (ARGS go to the app)
    python3 scripts/bootstrap.py test [ARGS...]   run the test suite (ARGS go to pytest)

Options before the sub-command:

    --skip-system    do not check or install system packages (no apt-get)

On Debian 12 / Ubuntu 24.04 the missing system packages are installed with
apt-get (as root, or through sudo). Then a virtual environment is made in
``.venv`` and the project is installed into it in editable mode. ``test``
also starts a throwaway PostgreSQL server on 127.0.0.1 for the duration of the
run, unless ``DESKTOP_TEST_PG_URL`` already names one.

On Windows (``py scripts\\bootstrap.py app``) there is no apt-get: install
Python 3.11+ from python.org. For the PostgreSQL tests, PostgreSQL's ``bin``
folder (initdb, pg_ctl) is looked for in ``C:\\Program Files\\PostgreSQL\\<version>\\bin``
(the newest version; where the EDB installer puts it), else on PATH; without
it they are skipped.

Standard library only; safe to run again (a second run installs nothing).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 - this check is the point
    sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qt_binding  # after the check above: it needs tomllib (3.11)

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
IS_WINDOWS = os.name == "nt"
IS_LINUX = sys.platform.startswith("linux")

# Each requirement is a group of alternatives: any one installed satisfies it;
# to install, the first that the package archive offers is taken.
QT_RUNTIME: list[tuple[str, ...]] = [
    ("libegl1",), ("libgl1",), ("libxkbcommon0",), ("libfontconfig1",), ("libfreetype6",),
    ("libdbus-1-3",),
    # Ubuntu 24.04 renamed it in the 64-bit time_t transition.
    ("libglib2.0-0t64", "libglib2.0-0"),
    ("libx11-6",), ("libxcb1",), ("libxcb-cursor0",), ("libxcb-icccm4",), ("libxcb-keysyms1",),
    ("libxcb-image0",), ("libxcb-randr0",), ("libxcb-render-util0",), ("libxcb-shape0",),
    ("libxcb-sync1",), ("libxcb-xfixes0",), ("libxcb-xkb1",), ("libxcb-util1",),
    ("libxkbcommon-x11-0",), ("libx11-xcb1",),
    # QtTextToSpeech (the hall's spoken calls) links against PulseAudio's client library.
    ("libpulse0",),
]
APP_PACKAGES: list[tuple[str, ...]] = [("python3-venv",), *QT_RUNTIME]
TEST_PACKAGES: list[tuple[str, ...]] = [
    *APP_PACKAGES, ("postgresql",), ("poppler-utils",), ("xvfb",), ("xauth",),
    # The bundle build (tests/test_bundle_build.py) compiles the smaller ICU data library.
    ("gcc",),
]
# Needed only to convert an exported .xlsx headless; installed without the
# recommended packages to keep it small.
TEST_LEAN_PACKAGES: list[tuple[str, ...]] = [("libreoffice-calc-nogui", "libreoffice-calc")]


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


class BootstrapError(Exception):
    """A step failed in a way the user has to fix; the message says how."""


def run(cmd: Sequence[str], **kwargs: object) -> None:
    """Run a command, failing with its command line if it fails."""
    result = subprocess.run(list(cmd), check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise BootstrapError(f"command failed (exit {result.returncode}): {' '.join(cmd)}")


# --- system packages ---------------------------------------------------------------------------


def installed_packages(names: Sequence[str]) -> set[str]:
    """Which of ``names`` dpkg knows as installed."""
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${db:Status-Status}\n", *names],
        capture_output=True, text=True, check=False,
    )
    found = set()
    for line in result.stdout.splitlines():
        name, _, status = line.partition("\t")
        if status.strip() == "installed":
            found.add(name.split(":")[0])
    return found


def has_candidate(name: str) -> bool:
    """Whether the package archive offers ``name`` (after apt-get update)."""
    result = subprocess.run(
        ["apt-cache", "policy", name], capture_output=True, text=True, check=False
    )
    match = re.search(r"^\s*Candidate:\s*(\S+)", result.stdout, re.MULTILINE)
    return match is not None and match.group(1) != "(none)"


def privileged() -> list[str]:
    """The prefix that runs apt-get as root ([] when we are root)."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo"]
    raise BootstrapError(
        "system packages are missing and this is not root and there is no sudo; "
        "install them as root, or rerun with --skip-system"
    )


def ensure_system_packages(
    groups: Sequence[tuple[str, ...]], lean: Sequence[tuple[str, ...]] = ()
) -> None:
    if not IS_LINUX:
        return
    if not shutil.which("dpkg-query") or not shutil.which("apt-get"):
        warn("not a Debian/Ubuntu system: install Qt's runtime libraries (and PostgreSQL "
             "for the tests) with this system's package manager")
        return
    say("checking system packages")
    all_names = [name for group in [*groups, *lean] for name in group]
    have = installed_packages(all_names)
    missing = [g for g in groups if not have.intersection(g)]
    missing_lean = [g for g in lean if not have.intersection(g)]
    if not missing and not missing_lean:
        return
    # sudo resets the environment, so the variable goes on the command line.
    apt = [*privileged(), "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    say("installing system packages: " + " ".join(g[0] for g in [*missing, *missing_lean]))
    run([*apt, "update", "-q"])

    def pick(group: tuple[str, ...]) -> str:
        if len(group) == 1:
            return group[0]
        for name in group:
            if has_candidate(name):
                return name
        raise BootstrapError(f"none of these packages is available: {', '.join(group)}")

    if missing:
        run([*apt, "install", "-y", "-q", *[pick(g) for g in missing]])
    if missing_lean:
        run([*apt, "install", "-y", "-q", "--no-install-recommends",
             *[pick(g) for g in missing_lean]])


# --- virtual environment -----------------------------------------------------------------------


def venv_python() -> Path:
    if IS_WINDOWS:
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_venv() -> Path:
    python = venv_python()
    need = qt_binding.minimum_python()
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", "import sys; print(*sys.version_info[:3], sep='.')"],
            capture_output=True, text=True, check=False,
        )
        found = probe.stdout.strip()
        if probe.returncode == 0 and tuple(map(int, found.split("."))) >= need:
            return python
        state = f"has Python {found}" if probe.returncode == 0 else "does not start"
        warn(f"{VENV} {state}; pyproject.toml requires Python {'.'.join(map(str, need))} or "
             f"newer: making it again with {sys.executable}")
        shutil.rmtree(VENV)
    say(f"creating virtual environment {VENV.relative_to(ROOT)}")
    run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    return python


def ensure_project(python: Path, extras: str) -> None:
    """``pip install -e .[extras]``, skipped while the stamp is newer than pyproject.toml."""
    stamp = VENV / f".bootstrap-{extras or 'app'}.stamp"
    # The test install includes everything the app needs.
    enough = [stamp] if extras else [stamp, VENV / ".bootstrap-test.stamp"]
    changed = (ROOT / "pyproject.toml").stat().st_mtime
    if any(s.exists() and s.stat().st_mtime >= changed for s in enough):
        return
    target = f".[{extras}]" if extras else "."
    say(f"installing the project into .venv (pip install -e \"{target}\")")
    run([str(python), "-m", "pip", "install", "-q", "-e", target], cwd=ROOT)
    stamp.write_text(f"pip install -e {target}\n", encoding="utf-8")


def ensure_binding(python: Path) -> None:
    """Exactly the Python and Qt binding pyproject.toml pins, as the installer bundles.

    pip leaves wheels that pyproject.toml no longer asks for (PySide6-Pdf, a separate
    wheel of 6.12, writes into the same PySide6 folder as PySide6-Addons): those are
    removed and the pinned wheels installed again over whatever they overwrote.
    """
    found = qt_binding.examine(python)
    if not found.problems:
        return
    for problem in found.problems:
        warn(problem)
    if found.strays:
        say("removing Qt wheels that pyproject.toml does not pin: " + " ".join(found.strays))
        run([str(python), "-m", "pip", "uninstall", "-q", "-y", *found.strays])
    pins = qt_binding.pinned()
    wheels = [f"{name}=={version}" for name, version in pins.items()]
    wheels.append(f"{qt_binding.RUNTIME}=={min(pins.values())}")
    say("installing the pinned Qt binding again: " + " ".join(wheels))
    run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", *wheels])
    left = qt_binding.examine(python).problems
    if left:
        raise BootstrapError(f"{VENV} does not have what pyproject.toml asks for:\n  "
                             + "\n  ".join(left) + f"\ndelete {VENV} and run this again")


# --- throwaway PostgreSQL ----------------------------------------------------------------------


def _by_version(path: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", Path(path).parent.parent.name)]


def program_files(environ: dict[str, str] | os._Environ[str] | None = None) -> list[str]:
    """Windows' program folders (64-bit first), from the environment, else the usual one."""
    environ = os.environ if environ is None else environ
    found = [environ[k] for k in ("ProgramW6432", "ProgramFiles", "ProgramFiles(x86)")
             if environ.get(k)]
    return list(dict.fromkeys(found)) or [r"C:\Program Files"]


def find_postgres_bin(*, windows: bool = IS_WINDOWS, linux: bool = IS_LINUX,
                      environ: dict[str, str] | None = None) -> Path | None:
    """The folder with initdb and pg_ctl: the newest version installed in the usual place
    (Debian: /usr/lib/postgresql/N/bin; Windows: the EDB installer's
    C:\\Program Files\\PostgreSQL\\N\\bin), else the one on PATH."""
    candidates: list[str] = []
    if linux:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_by_version)
    elif windows:
        candidates = sorted(
            (found for folder in program_files(environ)
             for found in glob.glob(os.path.join(glob.escape(folder), "PostgreSQL", "*", "bin",
                                                 "initdb.exe"))),
            key=_by_version,
        )
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        candidates.insert(0, on_path)  # tried last
    return Path(candidates[-1]).resolve().parent if candidates else None


def run_pg(cmd: Sequence[str], *, cwd: Path,
           output: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool and wait for it.

    With ``output`` its stdout and stderr go to that file and the result carries the
    file's text: ``pg_ctl start`` must not be given a pipe, since the server it starts
    inherits it and on Windows keeps it open, so waiting for the pipe's end never ends.
    """
    if output is None:
        return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)
    with open(output, "ab") as out:
        result = subprocess.run(list(cmd), cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, check=False)
    text = output.read_text(encoding="utf-8", errors="replace")
    return subprocess.CompletedProcess(result.args, result.returncode, text, "")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """Yield the admin URL of a fresh PostgreSQL server, or None when there is none."""
    existing = os.environ.get("DESKTOP_TEST_PG_URL")
    if existing:
        say("using the PostgreSQL server in DESKTOP_TEST_PG_URL")
        yield existing
        return
    bindir = find_postgres_bin()
    if bindir is None:
        warn("PostgreSQL (initdb, pg_ctl) not found: the PostgreSQL tests will be skipped")
        yield None
        return

    # initdb refuses to run as root: then the server runs as the postgres user.
    as_root = not IS_WINDOWS and os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="desk-pg-", dir="/tmp" if as_root else None))

    def pg(*args: str, check: bool = True,
           output: Path | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [str(bindir / args[0]), *args[1:]]
        if as_root and shutil.which("runuser"):
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        elif as_root:
            cmd = ["su", "-s", "/bin/sh", "-c", shlex.join(cmd), "postgres"]
        result = run_pg(cmd, cwd=tmp, output=output)
        if check and result.returncode != 0:
            raise BootstrapError(
                f"{args[0]} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
            )
        return result

    data = tmp / "data"
    started = False
    try:
        if as_root:
            shutil.chown(tmp, user="postgres", group="postgres")
        say(f"starting a throwaway PostgreSQL server ({bindir})")
        locale = "C" if IS_WINDOWS else "C.UTF-8"
        pg("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
           f"--locale={locale}", "--no-instructions")
        for attempt in range(3):
            port = free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -c max_connections=200"
            if not IS_WINDOWS:
                options += f" -k {shlex.quote(str(tmp))}"
            result = pg("pg_ctl", "-D", str(data), "-l", str(tmp / "server.log"),
                        "-o", options, "-w", "-t", "60", "start", check=False,
                        output=tmp / "pg_ctl.log")
            if result.returncode == 0:
                started = True
                break
            log = tmp / "server.log"
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else result.stdout
            if attempt == 2:
                raise BootstrapError(f"PostgreSQL did not start:\n{detail}")
            time.sleep(1)
        say(f"PostgreSQL is listening on 127.0.0.1:{port}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            say("stopping PostgreSQL")
            pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(tmp, ignore_errors=True)


# --- sub-commands ------------------------------------------------------------------------------


def cmd_app(args: list[str], *, skip_system: bool) -> int:
    if not skip_system:
        ensure_system_packages(APP_PACKAGES)
    python = ensure_venv()
    ensure_project(python, "")
    ensure_binding(python)
    no_window = {"-h", "--help", "--version", "db", "demo-data", "print"}
    opens_window = not no_window.intersection(args)
    has_screen = any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if IS_LINUX and opens_window and not has_screen:
        warn("no DISPLAY: the window needs a desktop session (or xvfb-run)")
    say("starting the app: python -m desktop " + " ".join(args))
    return subprocess.call([str(python), "-m", "desktop", *args], cwd=ROOT)


def cmd_test(args: list[str], *, skip_system: bool) -> int:
    if not skip_system:
        ensure_system_packages(TEST_PACKAGES, TEST_LEAN_PACKAGES)
    python = ensure_venv()
    ensure_project(python, "test")
    ensure_binding(python)
    with throwaway_postgres() as pg_url:
        env = dict(os.environ)
        if pg_url:
            env["DESKTOP_TEST_PG_URL"] = pg_url
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        say("running pytest " + " ".join(args))
        code = subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        print("pytest collected no tests: counted as a failure", file=sys.stderr)
        return 1
    return code


COMMANDS = {"app": cmd_app, "test": cmd_test}


def main(argv: list[str]) -> int:
    skip_system = False
    while argv and argv[0].startswith("-"):
        option = argv.pop(0)
        if option in ("-h", "--help"):
            print(__doc__)
            return 0
        if option == "--skip-system":
            skip_system = True
        else:
            print(f"unknown option {option}\n{__doc__}", file=sys.stderr)
            return 2
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]

    def on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    # Let `finally` stop the PostgreSQL server when CI or the user ends us.
    signal.signal(signal.SIGTERM, on_term)
    try:
        return COMMANDS[command](rest, skip_system=skip_system)
    except BootstrapError as exc:
        print(f"bootstrap: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
