"""Benchmark: a 20,000-row base-data import, and a desk registering visits meanwhile.

    python bench/bench_import.py [--grids 100] [--communities 200] [--db-dir DIR]

Builds a 社区和网格 workbook of communities x grids rows (default 200 x 100 =
20,000), then on fresh SQLite files of the same schema times:

(a) baseline: a raw DB-API executemany of the same rows (communities, then
    grids) in one transaction, the least any import of them can cost;
(b) reading and checking the file (``check_file``: no write, no lock);
(c) ``import_file`` on an empty list (every row created), while a second
    process registers a visit every 50 ms; the longest registration is how
    long a desk waited for the import's write lock, and any registration
    that failed ("database is locked") is counted;
(d) ``import_file`` of the same file again (every row updated).

It prints each time, the ratios (c)/(a) and (d)/(a) on the writing part
(the import minus reading and checking the file), and the desk's wait.
Targets: no registration fails, the longest wait is a couple of seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl

from desktop.config import sqlite_url
from desktop.db import Database
from desktop.services import reference
from desktop.services.admin.imports import IMPORTS, check_file, import_file
from desktop.services.bootstrap import open_database
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.services.validation import make_id_number


def build_file(path: Path, communities: int, grids: int) -> list[tuple[str, str, str]]:
    rows = [(f"第{c + 1}社区", f"第{g + 1}网格", f"网格员{c}-{g}甲、网格员{c}-{g}乙")
            for c in range(communities) for g in range(grids)]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(IMPORTS["communities"].sheet)
    ws.append(list(IMPORTS["communities"].headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return rows


def baseline(url: str, rows: list[tuple[str, str, str]]) -> float:
    """Raw executemany of the same rows in one transaction, on a fresh database."""
    database = open_database(url)
    names = list(dict.fromkeys(c for c, _g, _m in rows))
    start = time.perf_counter()
    with database.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO community (name, sort_order, active) VALUES (?, ?, 1)",
            [(name, i) for i, name in enumerate(names, 1)],
        )
        ids = dict(conn.exec_driver_sql("SELECT name, id FROM community").all())
        conn.exec_driver_sql(
            "INSERT INTO grid (community_id, name, members, sort_order, active)"
            " VALUES (?, ?, ?, ?, 1)",
            [(ids[c], g, m, i) for i, (c, g, m) in enumerate(rows, 1)],
        )
    elapsed = time.perf_counter() - start
    database.dispose()
    return elapsed


def desk(url: str, ready: Any, stop: Any, results: Any) -> None:
    """A desk registering a visit every 50 ms until told to stop: (seconds, error) each."""
    database = Database.open(url, migrate=False)
    with database.read() as session:
        room_id = next(r.id for r in reference.rooms(session) if r.name == "矛盾纠纷调解室")
        category_id = reference.categories(session)[0].id
    out: list[tuple[float, str]] = []
    n = 0
    ready.set()
    while not stop.is_set():
        n += 1
        data = RegistrationInput(
            name=f"登记{n}", id_number=make_id_number("110105", date(1985, 3, 14), n),
            phone=f"135{n:08d}", summary="导入期间登记", room_id=room_id,
            category_id=category_id,
        )
        start = time.perf_counter()
        try:
            register_visit(database, data)
            out.append((time.perf_counter() - start, ""))
        except Exception as exc:  # measured, not hidden
            error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            out.append((time.perf_counter() - start, error))
        time.sleep(0.05)
    database.dispose()
    results.put(out)


def timed_import(url: str, path: Path, with_desk: bool) -> tuple[float, list[tuple[float, str]]]:
    database = Database.open(url, migrate=False)
    ctx = multiprocessing.get_context("spawn")
    ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    process = None
    if with_desk:
        process = ctx.Process(target=desk, args=(url, ready, stop, results))
        process.start()
        if not ready.wait(60):
            raise SystemExit("the registering desk did not start")
        time.sleep(0.5)
    start = time.perf_counter()
    result = import_file(database, "communities", path)
    elapsed = time.perf_counter() - start
    print(f"    {result.summary()}")
    registrations: list[tuple[float, str]] = []
    if process is not None:
        time.sleep(0.5)
        stop.set()
        registrations = results.get(timeout=120)
        process.join(60)
    database.dispose()
    return elapsed, registrations


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--grids", type=int, default=100)
    parser.add_argument("--db-dir", type=Path)
    args = parser.parse_args()
    folder = Path(args.db_dir or tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.sqlite3*"):
        old.unlink()  # every run starts from empty databases
    path = folder / "communities.xlsx"
    rows = build_file(path, args.communities, args.grids)
    print(f"{len(rows)} rows, databases in {folder}")

    base = baseline(sqlite_url(folder / "baseline.sqlite3"), rows)
    print(f"(a) raw executemany of the rows        {base:8.2f} s")

    url = sqlite_url(folder / "import.sqlite3")
    open_database(url).dispose()
    database = Database.open(url, migrate=False)
    start = time.perf_counter()
    problems = check_file(database, "communities", path)
    check = time.perf_counter() - start
    database.dispose()
    assert not problems, problems[:3]
    print(f"(b) read and check the file (no lock)   {check:8.2f} s")

    created, registrations = timed_import(url, path, with_desk=True)
    print(f"(c) import, every row created           {created:8.2f} s")
    updated, _ = timed_import(url, path, with_desk=False)
    print(f"(d) import again, every row updated     {updated:8.2f} s")

    write_created, write_updated = max(created - check, 0.0), max(updated - check, 0.0)
    print(f"writing (import minus reading/checking): created {write_created:.2f} s "
          f"= {write_created / base:.1f} x baseline; updated {write_updated:.2f} s "
          f"= {write_updated / base:.1f} x baseline")
    waits = [s for s, _error in registrations]
    failed = [error for _s, error in registrations if error]
    if waits:
        print(f"desk during the import: {len(registrations)} registrations, "
              f"median {statistics.median(waits):.3f} s, longest {max(waits):.2f} s "
              f"(failed ones included), failed {len(failed)}")
    for error in failed[:3]:
        print(f"    {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
