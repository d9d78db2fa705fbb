"""Benchmark: the 来访登记台账 of 100,000 visits, against a plain openpyxl loop, and the UI stall.

    QT_QPA_PLATFORM=offscreen /tmp/venv/bin/python bench/export_visits.py [--repeat 3]

(``--visits N`` seeds and exports another number of visits; default 100,000.)

1. Seeds ``--visits`` invented visits with the demo-data generator, once; the
   SQLite file is cached as ``.bench/visits-<N>.sqlite3`` (git-ignored).
2. Fetches the register's rows into a list, then times, alternately and
   ``--repeat`` times each:
   (a) baseline: a plain openpyxl write-only loop (``ws.append(row)`` for
       every row of that list, unstyled, then ``save``);
   (b) the app: ``export_register(database, "visits", ...)`` — query,
       streaming, the full printed-register styling, the atomic rename.
   It prints both medians and their ratio (target: b / a ≤ 1.2).
3. Runs the same export through the real Qt task machinery
   (``desktop.views.tasks.run_with_progress``, progress dialog included) while
   a QTimer ticks every 10 ms on the GUI thread, and prints the longest gap
   between two ticks minus the 10 ms interval: the longest stall of the event
   loop (target: ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def seeded_database(visits: int):  # type: ignore[no-untyped-def]
    from desktop.config import sqlite_url
    from desktop.services.bootstrap import open_database
    from desktop.services.demo.generate import generate_demo_data

    cache = ROOT / ".bench"
    cache.mkdir(exist_ok=True)
    path = cache / f"visits-{visits}.sqlite3"
    ready = path.with_suffix(".ready")
    if not ready.exists():
        for stale in cache.glob(f"visits-{visits}.sqlite3*"):
            stale.unlink()
        print(f"seeding {visits} visits into {path} (once) ...", flush=True)
        started = time.perf_counter()
        database = open_database(sqlite_url(path))
        generate_demo_data(database, visits=visits)
        database.dispose()
        ready.touch()
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    return open_database(sqlite_url(path))


def whole_period(database):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from desktop.models import Visit
    from desktop.services.registers.rows import Period

    with database.read() as session:
        first, last = session.execute(
            select(func.min(Visit.visited_at), func.max(Visit.visited_at))).one()
    return Period(first.date(), last.date())


def baseline(rows: list, out: Path) -> float:
    from openpyxl import Workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("来访登记台账")
    for row in rows:
        ws.append(row)
    wb.save(out)
    return time.perf_counter() - started


def app_export(database, period, out: Path) -> float:  # type: ignore[no-untyped-def]
    from desktop.exports.registers import export_register

    started = time.perf_counter()
    export_register(database, "visits", period, out)
    return time.perf_counter() - started


def stall_during_export(database, period, out: Path):  # type: ignore[no-untyped-def]
    """(longest stall in ms, when it began in s, export time in s, ticks), real task runner."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.exports.registers import export_register
    from desktop.views.tasks import run_with_progress

    app = QApplication.instance() or QApplication([])
    interval_ms = 10
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    outcome: dict[str, object] = {}

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        return export_register(database, "visits", period, out, progress=progress,
                               cancelled=cancelled)

    def finish(key: str, value: object = None) -> None:
        outcome[key] = value
        outcome["ended"] = time.perf_counter()
        QTimer.singleShot(50, app.quit)

    pauses: list[tuple[float, int]] = []
    gc_started: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started.append(time.perf_counter())
        elif gc_started:
            pauses.append((time.perf_counter() - gc_started.pop(), info["generation"]))

    gc.callbacks.append(on_gc)
    timer.start()
    started = time.perf_counter()
    ticks.append(started)
    run_with_progress(None, "导出", "正在导出来访登记台账…", work,
                      on_success=lambda r: finish("result", r),
                      on_failure=lambda e: finish("error", e))
    app.exec()
    timer.stop()
    gc.callbacks.remove(on_gc)
    if pauses:
        longest, generation = max(pauses)
        print(f"  garbage collections during the export: {len(pauses)}, longest "
              f"{longest * 1000:.0f} ms (generation {generation})")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    ended = float(outcome["ended"])  # type: ignore[arg-type]
    during = [t for t in ticks if t <= ended + 0.05]
    gaps = sorted(((b - a, a - started) for a, b in itertools.pairwise(during)),
                  reverse=True)
    print("  longest gaps between ticks: " + ", ".join(
        f"{gap * 1000:.0f} ms at {at:.2f} s" for gap, at in gaps[:5]))
    worst, at = max(gaps) if gaps else (float("nan"), 0.0)
    return max(0.0, worst * 1000 - interval_ms), at, ended - started, len(during)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from desktop.services.registers.rows import visit_register_rows

    database = seeded_database(args.visits)
    period = whole_period(database)
    with database.read() as session:
        rows = list(visit_register_rows(session, period))
    print(f"rows: {len(rows)} ({period.label()}), columns: {len(rows[0])}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        folder = Path(tmp)
        base_times, app_times = [], []
        for i in range(args.repeat):
            base_times.append(baseline(rows, folder / f"baseline-{i}.xlsx"))
            app_times.append(app_export(database, period, folder / f"app-{i}.xlsx"))
            print(f"  run {i + 1}: baseline {base_times[-1]:.2f} s, app {app_times[-1]:.2f} s",
                  flush=True)
        base, app = statistics.median(base_times), statistics.median(app_times)
        print(f"baseline (plain openpyxl write-only loop over the fetched rows): {base:.2f} s")
        print(f"app export (query + styled register + atomic rename):          {app:.2f} s")
        print(f"ratio app / baseline: {app / base:.2f}   (target ≤ 1.2)")
        del rows  # the baseline's list; a real session does not hold one
        gc.collect()
        stall_ms, at, seconds, ticks = stall_during_export(database, period,
                                                           folder / "qt.xlsx")
        print(f"export through the Qt task runner: {seconds:.2f} s, {ticks} timer ticks")
        print(f"longest event-loop stall: {stall_ms:.0f} ms, {at:.2f} s into the export"
              "   (target ≤ 100 ms)")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
