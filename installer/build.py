"""Build the one-folder bundle, smoke-test it headless, then (on Windows) the installer.

    python installer/build.py                  build dist/zongzhi-desk and test it
    python installer/build.py --skip-build     only test an existing dist/zongzhi-desk
    python installer/build.py --no-installer   do not run Inno Setup (Windows)

Run it with a Python that has the project and PyInstaller installed, e.g. a
separate build venv: ``pip install -e . pyinstaller``. It refuses to build with
another Python or Qt binding than pyproject.toml pins (scripts/qt_binding.py, the
check the bootstrap makes too), so the bundle ships what the tests ran on. The smoke test runs the
frozen program as a user would, in a temporary data folder: ``--help``;
``db upgrade``, after which the new database must stand at the head revision of
the migration scripts (``desktop.db.script_heads()``); ``demo-data --visits 5``,
which must write those visits; ``print receipt`` of one of them on both papers
(a PDF that says 受理回执 and the visit number); an unknown number refused with
exit code 2; and a start of the window on the offscreen platform, which must get
as far as its sign-in dialog and still be running.

On Windows the installer is then made with Inno Setup's ISCC from
installer/zongzhi-desk.iss; without Inno Setup the build fails (exit code 1)
unless ``--no-installer`` says the bundle is all that is wanted. With
``DESKTOP_SIGN_COMMAND`` set (a signtool command line that signs ``$f``) the
programs, the setup program and its uninstaller are signed; without it nothing is. On Linux and
macOS only the bundle is built and tested: there is no installer to make there.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "zongzhi-desk"
WINDOWS = sys.platform == "win32"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


class SmokeTestFailed(Exception):
    pass


def check_environment() -> list[str]:
    """The bundle must hold the Python and Qt binding that pyproject.toml pins, the
    ones scripts/bootstrap.py installs (6.12.0 aborts the interpreter on Python 3.11)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import qt_binding

    return qt_binding.examine(sys.executable).problems


def build(dist: Path, work: Path) -> None:
    say("running PyInstaller")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(ROOT / "installer" / "desktop.spec"),
         "--noconfirm", "--clean", "--distpath", str(dist), "--workpath", str(work)],
        check=True, cwd=ROOT,
    )


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def smoke_test(bundle: Path) -> None:
    cli = bundle / (f"{NAME}-cli.exe" if WINDOWS else NAME)
    gui = bundle / (f"{NAME}.exe" if WINDOWS else NAME)
    if not cli.exists():
        raise SmokeTestFailed(f"{cli} does not exist")
    with tempfile.TemporaryDirectory(prefix="desk-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "DESKTOP_DATA_DIR": str(tmp / "data"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONIOENCODING": "utf-8",
        }
        for inherited in ("DESKTOP_DB_URL", "DESKTOP_USER", "DESKTOP_PASSWORD"):
            env.pop(inherited, None)

        def run(*args: str, expect: str = "") -> str:
            say(f"smoke test: {cli.name} {' '.join(args)}")
            result = subprocess.run(
                [str(cli), *args], env=env, cwd=tmp, capture_output=True, text=True,
                encoding="utf-8", errors="replace", timeout=300,
            )
            output = result.stdout + result.stderr
            if result.returncode != 0 or expect not in output:
                raise SmokeTestFailed(
                    f"{cli.name} {' '.join(args)} exited {result.returncode}"
                    f" (expected {expect!r} in its output):\n{output}"
                )
            return output

        run("--help", expect="demo-data")
        database = tmp / "data" / "desk.sqlite3"
        head = head_revision()
        run("db", "upgrade", expect=head)
        stored = query(database, "SELECT version_num FROM alembic_version")
        if stored != [(head,)]:
            raise SmokeTestFailed(f"after db upgrade the database stands at {stored}, "
                                  f"not at the head revision {head}")
        demo = run("demo-data", "--visits", "5", expect="接待员")
        # Commands that read records sign in (README, 命令行): as the 接待员 demo-data made.
        account = re.search(r"接待员：账号 (\S+)\s+密码 (\S+?)（", demo)
        if account is None:
            raise SmokeTestFailed(f"demo-data printed no 接待员 account:\n{demo}")
        env["DESKTOP_USER"], env["DESKTOP_PASSWORD"] = account.groups()
        visits = query(database, "SELECT visit_no FROM visit ORDER BY id")
        if len(visits) < 5:
            raise SmokeTestFailed(f"demo-data --visits 5 wrote {len(visits)} visits")
        visit_no = str(visits[0][0])
        for paper in ("a5", "80mm"):
            pdf = tmp / f"receipt-{paper}.pdf"
            run("print", "receipt", visit_no, "--out", str(pdf), "--paper", paper)
            check_pdf(pdf, visit_no)
        expect_failure(cli, env, tmp)
        start_window(gui, env, tmp)


def head_revision() -> str:
    """The single head of the migration scripts the bundle was built from."""
    sys.path.insert(0, str(ROOT))
    from desktop.db import script_heads

    heads = script_heads()
    if len(heads) != 1:
        raise SmokeTestFailed(f"the migration scripts have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` on the SQLite file, the connection closed again at once.

    ``with sqlite3.connect()`` only commits: the file would stay open, and on
    Windows the temporary folder could not be removed (WinError 32).
    """
    if not database.exists():
        raise SmokeTestFailed(f"{database} does not exist")
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql).fetchall()


def expect_failure(cli: Path, env: dict[str, str], tmp: Path) -> None:
    """An unknown visit number is refused with exit code 2 (errors reach the user)."""
    say(f"smoke test: {cli.name} print receipt <unknown number>")
    result = subprocess.run(
        [str(cli), "print", "receipt", "J199901019999", "--out", str(tmp / "x.pdf")],
        env=env, cwd=tmp, capture_output=True, text=True, encoding="utf-8", errors="replace",
        timeout=300,
    )
    if result.returncode != 2:
        raise SmokeTestFailed(f"unknown visit number: exit {result.returncode}, expected 2:\n"
                              f"{result.stdout}{result.stderr}")


def check_pdf(pdf: Path, visit_no: str) -> None:
    """A PDF whose text says 受理回执 and the visit number (read with pypdf, a dependency)."""
    from pypdf import PdfReader

    if not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF"):
        raise SmokeTestFailed(f"{pdf.name} is not a PDF")
    text = "".join("".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())
    if "受理回执" not in text or visit_no not in text:
        raise SmokeTestFailed(f"{pdf.name} lacks 受理回执 or {visit_no}:\n{text}")


WINDOW_STARTED = "sign-in dialog opened"  # desktop/views/app.py logs it


def start_window(gui: Path, env: dict[str, str], tmp: Path, *, limit: float = 120,
                 settle: float = 3) -> None:
    """Start the window offscreen: it must reach its sign-in dialog (the demo data has
    accounts) and still be running a few seconds later."""
    say(f"smoke test: {gui.name} (window, offscreen)")
    output = tmp / "gui.log"
    desk_log = tmp / "data" / "logs" / "desk.log"
    before = desk_log.read_text(encoding="utf-8", errors="replace") if desk_log.exists() else ""

    def logged() -> str:
        text = desk_log.read_text(encoding="utf-8", errors="replace") \
            if desk_log.exists() else ""
        return text[len(before):]

    with output.open("wb") as out:
        proc = subprocess.Popen([str(gui), "--no-err-windows"], env=env, cwd=tmp,
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + limit
            while WINDOW_STARTED not in logged() and proc.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
            started = WINDOW_STARTED in logged()
            if started and proc.poll() is None:
                time.sleep(settle)
            code = proc.poll()
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    if not started or code is not None:
        what = (f"exited with code {code}" if code is not None
                else f"did not reach its sign-in dialog within {limit:.0f} s")
        raise SmokeTestFailed(
            f"the window {what}:\n{output.read_text(encoding='utf-8', errors='replace')}\n"
            f"{logged()[-3000:]}"
        )


def find_iscc() -> str | None:
    found = shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base:
            candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
            if candidate.exists():
                return str(candidate)
    return None


class InnoSetupMissing(Exception):
    pass


# Optional code signing (see installer/zongzhi-desk.iss): the command that signs $f.
SIGN_ENV = "DESKTOP_SIGN_COMMAND"
SIGN_TOOL = "desksign"


def build_installer(dist: Path) -> None:
    iscc = find_iscc()
    if iscc is None:
        raise InnoSetupMissing(
            "Inno Setup 6 (ISCC.exe) was not found on PATH nor under Program Files, so no "
            "installer was made. Install Inno Setup 6.5 or newer from jrsoftware.org, or run "
            "build.py with --no-installer to build and test only the bundle.")
    say("running Inno Setup")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "installer"))
    from versioninfo import numeric_version

    from desktop import APP_PUBLISHER, __version__

    command = [
        iscc, f"/DAppVersion={__version__}",
        f"/DAppNumericVersion={'.'.join(map(str, numeric_version(__version__)))}",
        f"/DAppPublisher={APP_PUBLISHER}", f"/DDistDir={dist / NAME}", f"/O{dist}",
    ]
    sign = os.environ.get(SIGN_ENV, "").strip()
    if sign:
        say(f"signing with {SIGN_ENV}")
        command += [f"/S{SIGN_TOOL}={sign}", f"/DSignToolName={SIGN_TOOL}"]
    subprocess.run([*command, str(ROOT / "installer" / "zongzhi-desk.iss")], check=True)
    setup = dist / f"{NAME}-setup-{__version__}.exe"
    if not setup.exists():
        raise InnoSetupMissing(f"Inno Setup ran but {setup} is not there")
    say(f"installer ready: {setup} ({setup.stat().st_size / 1e6:.0f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder")
    parser.add_argument("--skip-build", action="store_true", help="test an existing bundle")
    parser.add_argument("--no-installer", action="store_true", help="do not run Inno Setup")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    bundle = dist / NAME

    started = time.monotonic()
    if not args.skip_build:
        problems = check_environment()
        if problems:
            print("this environment is not the one pyproject.toml pins; build from a fresh "
                  "venv with `pip install -e . pyinstaller`:\n  " + "\n  ".join(problems),
                  file=sys.stderr)
            return 1
        build(dist, args.work.resolve())
        say(f"built {bundle} in {time.monotonic() - started:.0f} s, "
            f"{folder_size(bundle) / 1e6:.0f} MB")
    try:
        smoke_test(bundle)
    except SmokeTestFailed as exc:
        print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
        return 1
    say("smoke test passed")
    if not WINDOWS:
        say(f"bundle ready in {bundle}; the installer is made on Windows only")
        return 0
    if args.no_installer:
        say(f"bundle ready in {bundle}; no installer (--no-installer)")
        return 0
    try:
        build_installer(dist)
    except InnoSetupMissing as exc:
        print(f"INSTALLER NOT BUILT: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
