"""Build the one-folder bundle, smoke-test it headless, then (on Windows) the installer.

    python installer/build.py                  build dist/zongzhi-desk and test it
    python installer/build.py --skip-build     only test an existing dist/zongzhi-desk
    python installer/build.py --no-installer   do not run Inno Setup (Windows)

Run it with a Python that has the project and PyInstaller installed, e.g. a
separate build venv: ``pip install -e . pyinstaller``. It refuses to build with
another Python or Qt binding than pyproject.toml pins (scripts/qt_binding.py, the
check the bootstrap makes too), so the bundle ships what the tests ran on. The smoke test runs the
frozen program as a user would, in a temporary data folder: ``--help``,
``db upgrade``, ``demo-data --visits 5``, ``print receipt`` of one of those
visits, and a start of the window on the offscreen platform. On Windows the
installer is then made with Inno Setup's ISCC from installer/zongzhi-desk.iss.
"""

from __future__ import annotations

import argparse
import os
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
        env.pop("DESKTOP_DB_URL", None)

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
        run("db", "upgrade", expect="0001")
        run("demo-data", "--visits", "5")
        database = tmp / "data" / "desk.sqlite3"
        with sqlite3.connect(database) as conn:
            row = conn.execute("SELECT visit_no FROM visit ORDER BY id LIMIT 1").fetchone()
        if row is None:
            raise SmokeTestFailed("demo-data wrote no visit")
        visit_no = str(row[0])
        for paper in ("a5", "80mm"):
            pdf = tmp / f"receipt-{paper}.pdf"
            run("print", "receipt", visit_no, "--out", str(pdf), "--paper", paper)
            check_pdf(pdf, visit_no)
        expect_failure(cli, env, tmp)
        start_window(gui, env, tmp)


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
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise SmokeTestFailed(f"{pdf.name} is not a PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, check=True).stdout.decode("utf-8")
        text = "".join(text.split())
        if "受理回执" not in text or visit_no not in text:
            raise SmokeTestFailed(f"{pdf.name} lacks 受理回执 or {visit_no}:\n{text}")


def start_window(gui: Path, env: dict[str, str], tmp: Path, seconds: float = 8) -> None:
    """Start the window offscreen; it must still be running after a few seconds."""
    say(f"smoke test: {gui.name} (window, offscreen, {seconds:.0f} s)")
    log = tmp / "gui.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(gui), "--no-err-windows"], env=env, cwd=tmp,
                                stdout=out, stderr=subprocess.STDOUT)
        try:
            code = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    if code is not None:
        desk_log = tmp / "data" / "logs" / "desk.log"
        detail = desk_log.read_text(encoding="utf-8", errors="replace")[-3000:] \
            if desk_log.exists() else ""
        raise SmokeTestFailed(
            f"the window exited with code {code} within {seconds:.0f} s:\n"
            f"{log.read_text(encoding='utf-8', errors='replace')}\n{detail}"
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


def build_installer(dist: Path) -> None:
    iscc = find_iscc()
    if iscc is None:
        say("Inno Setup (ISCC.exe) not found: skipping the installer")
        return
    say("running Inno Setup")
    sys.path.insert(0, str(ROOT))
    from desktop import __version__

    subprocess.run(
        [iscc, f"/DAppVersion={__version__}", f"/DDistDir={dist / NAME}",
         f"/O{dist}", str(ROOT / "installer" / "zongzhi-desk.iss")],
        check=True,
    )


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
    if WINDOWS and not args.no_installer:
        build_installer(dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
