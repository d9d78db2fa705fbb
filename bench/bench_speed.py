"""The figures of issue 12 (a centre with a million visits), each beside its baseline.

    QT_QPA_PLATFORM=offscreen python bench/bench_speed.py [--visits 1000000]
        [--cache ~/.cache/zongzhi-bench] [--pg postgresql+psycopg://user@127.0.0.1/bench]

Builds the demo database of ``--visits`` visits once (SQLite, cached under
``--cache``; with ``--pg`` also the given PostgreSQL database) plus a 500-visit
one, then prints for each backend one row per figure: the project's figure, its
baseline timed in the same run, the ratio and the goal. Run by hand, not by
pytest; the machine should be otherwise idle for figures worth comparing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from desktop.db import Database
from desktop.models import Person, Visit

HERE = Path(__file__).resolve()
SMALL_VISITS = 500


def times_ms(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def row(what: str, figure: float, baseline: float | None, goal: str, unit: str = "ms") -> None:
    ratio = f"{figure / baseline:6.1f}x" if baseline else "      "
    base = f"{baseline:9.2f} {unit}" if baseline is not None else " " * 12
    print(f"  {what:<44} {figure:9.2f} {unit}   baseline {base}   {ratio}   goal {goal}")


# -- building the databases --------------------------------------------------------------------

def ensure_database(url: str, visits: int, stamp: Path) -> float | None:
    """Fill ``url`` up to ``visits`` visits; the seconds the build took (None if it was there)."""
    from desktop.services.bootstrap import open_database
    from desktop.services.demo.generate import generate_demo_data

    database = open_database(url)
    try:
        with database.read() as session:
            have = session.scalar(select(func.count()).select_from(Visit)) or 0
        if have >= visits:
            if stamp.exists():
                return float(json.loads(stamp.read_text())["seconds"])
            return None
        start = time.perf_counter()
        generate_demo_data(database, visits=visits - have)
        seconds = time.perf_counter() - start
        if have == 0:
            stamp.write_text(json.dumps({"visits": visits, "seconds": seconds}))
        return seconds
    finally:
        database.dispose()


# -- start-up, timed in a fresh process --------------------------------------------------------

def sign_in_as_admin(database: Database) -> None:
    """Sign the demo's administrator in without its password (never kept: the demo shows it
    once), holding every role so that every page opens and shows all it can."""
    from dataclasses import replace

    from desktop.models import Staff
    from desktop.services.admin import auth

    with database.read() as session:
        staff = session.scalar(select(Staff).where(Staff.login == "demo_admin"))
        if staff is None:
            raise SystemExit("no demo_admin account: make the database with demo-data")
        database.actor = replace(auth.actor_for(staff), roles=frozenset(auth.ALL_ROLES))


def child(mode: str, url: str) -> int:
    """Run in a child process: print the wall clock once the first screen is idle.

    ``first``: the program's own start up to the sign-in dialog (the first screen taking
    keystrokes), the start check running beside it as in ``run_gui``. ``window``: the
    same start, signed in at once, up to the main window's first page (接待登记) idle.
    ``pages``: then every page opened in turn.
    """
    from PySide6.QtCore import QTimer

    check = None
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.show()
    else:
        from desktop.services.admin.auth import has_accounts
        from desktop.views.app import StartCheck, create_application, open_at_start

        app = create_application()
        database = open_at_start(url, show_dialogs=False)
        check = StartCheck(url)
        check.start()
        with database.read() as session:
            assert has_accounts(session)
        if mode == "first":
            from desktop.views.sign_in import SignInDialog

            window = SignInDialog(database=database)
            window.show()
        else:
            from desktop.views.main_window import MainWindow

            sign_in_as_admin(database)
            window = main = MainWindow(database=database)
            main.show()

    def idle() -> None:
        if mode == "pages":
            from desktop.views.page_lists import PageLists

            for title, *_ in main.sections:
                main.show_section(title)
                app.processEvents()
            # Every page with its lists on screen (the rooms read theirs in the background).
            while any(lists.busy for lists in main.findChildren(PageLists)):
                app.processEvents()
                time.sleep(0.002)
        print(time.time(), flush=True)
        if check is not None:  # as at exit: the check is stopped and its thread ended
            from PySide6.QtCore import QThreadPool

            check.stop()
            QThreadPool.globalInstance().waitForDone()
        app.quit()

    QTimer.singleShot(0, idle)
    app.exec()
    return 0


def start_seconds(mode: str, url: str, runs: int) -> float:
    """The median of ``runs`` starts, each as on a fresh PC: a data folder of its own, so
    no page, draft or window size left by an earlier run changes what the start builds."""
    best = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-data-") as data:
            begin = time.time()
            out = subprocess.run(
                [sys.executable, str(HERE), "--child", mode, "--child-db", url],
                capture_output=True, text=True, check=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_DATA_DIR": data})
        best.append(float(out.stdout.strip().splitlines()[-1]) - begin)
    return statistics.median(best)


# -- the figures -------------------------------------------------------------------------------

def lookup(database: Database) -> None:
    from desktop.services.reception.matching import find_people

    typed: list[tuple[Any, str]] = []  # (the indexed column, what the receptionist typed)
    with database.read() as session:
        for column, length in ((Person.name, 2), (Person.id_number, 5), (Person.phone, 7)):
            for value in session.scalars(select(column).where(column.is_not(None)).limit(30)):
                typed.append((column, (value or "")[:length]))
    figure: list[float] = []
    raw: list[float] = []
    with database.read() as session:
        for column, prefix in typed:
            def app_lookup(prefix: str = prefix) -> object:
                return find_people(session, prefix)

            def index_walk(column: Any = column, prefix: str = prefix) -> object:
                return session.execute(select(Person.id).where(column >= prefix)
                                       .order_by(column).limit(8)).all()

            figure += times_ms(app_lookup, 1)
            raw += times_ms(index_walk, 1)
    figure.sort()
    raw.sort()
    row("lookup as typed, median", statistics.median(figure), statistics.median(raw), "<= 2 ms")
    row("lookup as typed, p99", p99(figure), p99(raw), "<= 8 ms")


def register_and_receipt(database: Database) -> None:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    from desktop.models import Category, Room
    from desktop.printing import fonts
    from desktop.printing.receipt import render_receipt
    from desktop.services.reception.receipts import receipt_data
    from desktop.services.reception.registration import RegistrationInput, register_visit
    from desktop.services.validation import make_id_number

    with database.read() as session:
        room_id = session.scalar(select(Room.id).where(Room.active).order_by(Room.id))
        category_id = session.scalar(select(Category.id).order_by(Category.id))
    counter = iter(range(1_000_000))

    def register_one() -> None:
        n = next(counter)
        done = register_visit(database, RegistrationInput(
            name=f"基准{n}", phone=f"139{n:08d}", summary="测速登记", room_id=room_id,
            category_id=category_id,
            id_number=make_id_number("110105", date(1980, 1, 1), 900 + n % 99)))
        with database.read() as session:
            render_receipt(receipt_data(session, done.visit_no))

    with database.write() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS bench_insert (id INTEGER PRIMARY KEY, "
                             "name VARCHAR(64))"))

    def raw_one() -> None:
        n = next(counter)
        with database.write() as session:
            session.execute(text("INSERT INTO bench_insert (id, name) VALUES (:i, :n)"),
                            {"i": n, "n": f"基准{n}"})
        canvas = Canvas(str(os.devnull), pagesize=A5)
        canvas.setFont(fonts.sans(), 12)
        canvas.drawString(50, 500, f"受理回执 基准{n}")
        canvas.showPage()
        canvas.getpdfdata()

    register_one()
    raw_one()
    figure = statistics.median(times_ms(register_one, 15))
    baseline = statistics.median(times_ms(raw_one, 15))
    with database.write() as session:
        session.execute(text("DROP TABLE bench_insert"))
    row("register one visitor + A5 receipt", figure, baseline, "<= 2x")


def pages(database: Database, small: Database) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.views.app import create_application
    from desktop.views.reception.queue_page import QueuePage
    from desktop.views.registers.reports_page import ReportsPage

    create_application()

    def refreshed(page: ReportsPage) -> tuple[float, float]:
        """(ms until the new figures are shown, longest ms the GUI thread was held)."""
        start = time.perf_counter()
        page.refresh()
        held = time.perf_counter() - start
        while page.refreshing:
            turn = time.perf_counter()
            QApplication.processEvents()
            held = max(held, time.perf_counter() - turn)
            time.sleep(0.001)
        return (time.perf_counter() - start) * 1000, held * 1000

    big_reports = ReportsPage(database=database)
    small_reports = ReportsPage(database=small)
    refreshed(big_reports)
    refreshed(small_reports)
    big = [refreshed(big_reports) for _ in range(5)]
    small_runs = [refreshed(small_reports) for _ in range(5)]
    row("台账统计 dashboard: new figures shown", statistics.median(b[0] for b in big),
        statistics.median(s[0] for s in small_runs), "<= 100 ms, or off the GUI thread")
    row("台账统计 dashboard: GUI thread held, max", max(b[1] for b in big),
        max(s[1] for s in small_runs), "< 16 ms (a frame)")

    from desktop.views.app import freeze_startup_objects

    big_hold, big_shown = page_switches(database)
    small_hold, small_shown = page_switches(small)
    row("switching pages: lists shown, slowest page", big_shown, small_shown, "")
    row("switching pages: GUI thread held, max", big_hold, small_hold, "< 50 ms")

    queue_page = QueuePage(database=database)
    queue_page.stop()
    queue_page.resize(1300, 700)
    queue_page.show()
    queue_page.tabs.setCurrentIndex(2)
    QApplication.processEvents()
    freeze_startup_objects()  # as the window does once it has started

    def refresh_and_paint() -> None:
        queue_page.escalations_tab.refresh()
        QApplication.processEvents()

    escalations = times_ms(refresh_and_paint, 15)
    row("上报与移送 tab, median", statistics.median(escalations), None, "")
    row("上报与移送 tab, max", escalations[-1], None, "<= 50 ms")


def page_switches(database: Database) -> tuple[float, float]:
    """Each page shown again after the first (its lists read anew, as at the desk all day):
    (the longest the GUI thread was held in ms, the slowest page's lists shown in ms)."""
    from PySide6.QtWidgets import QApplication

    from desktop.views.main_window import MainWindow
    from desktop.views.page_lists import PageLists

    app = QApplication.instance()
    assert app is not None
    window = MainWindow(database=database)
    window.resize(1400, 900)
    window.show()
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]

    def busy() -> bool:
        return any(lists.busy for lists in window.findChildren(PageLists))

    def settle() -> None:
        while busy():
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()

    for title in titles:
        window.show_section(title)
        settle()
    from desktop.views.app import freeze_startup_objects

    freeze_startup_objects()  # as the window does once it has started
    held, slowest = 0.0, 0.0
    for title in titles[1:]:
        window.show_section(titles[0])
        settle()
        start = time.perf_counter()
        window.show_section(title)
        held = max(held, time.perf_counter() - start)
        while True:
            turn = time.perf_counter()
            app.processEvents()
            held = max(held, time.perf_counter() - turn)
            if not busy():
                break
            time.sleep(0.002)
        slowest = max(slowest, time.perf_counter() - start)
    window.close()
    return held * 1000, slowest * 1000


def casefile() -> None:
    """The 卷宗 of a 40-session case against the same texts as one plain platypus document."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from desktop.printing import fonts
    from desktop.printing.casefile import render_casefile
    from desktop.printing.textflow import esc
    from tests.case_shapes import COMPANY, PERSON, Shape, case_detail

    shape = Shape(applicants=[PERSON, PERSON], respondents=[PERSON, COMPANY], agents=0b0101,
                  sessions=40, clauses=7, agreement="written", outcome="调解成功",
                  follow_ups=2, judicial=True, scans=2, longest=600)
    detail, contents = case_detail(40, shape)
    texts = [detail.facts, detail.matters, *(p.address or "" for p in detail.parties)]
    for held in detail.sessions:
        texts += [held.place or "", held.attendees or "", held.record or "",
                  held.next_steps or ""]
    texts += detail.agreement.clauses if detail.agreement else []
    texts += [f.notes or "" for f in detail.follow_ups]
    style = ParagraphStyle("plain", fontName=fonts.serif(), fontSize=12, leading=20,
                           wordWrap="CJK")

    def plain() -> object:
        out = io.BytesIO()
        SimpleDocTemplate(out, pagesize=A4).build(
            [Paragraph(esc(t).replace("\n", "<br/>"), style) for t in texts if t])
        return out.getvalue()

    sizes: list[int] = []

    def whole() -> object:
        pdf = render_casefile(detail, contents)
        sizes.append(len(pdf))
        return pdf

    whole()
    plain()
    figure = statistics.median(times_ms(whole, 5)) / 1000
    baseline = statistics.median(times_ms(plain, 5)) / 1000
    row("卷宗 of a 40-session case", figure, baseline, "<= 0.3 s", unit="s")
    row("卷宗 of a 40-session case, size", sizes[-1] / 2**20, len(plain()) / 2**20,  # type: ignore[arg-type]
        "<= 1 MiB", unit="MiB")


def backend(label: str, url: str, small_url: str, visits: int, stamp: Path, runs: int) -> None:
    built = ensure_database(url, visits, stamp)
    ensure_database(small_url, SMALL_VISITS, stamp.with_suffix(".small.json"))
    print(f"\n{label}: {url} ({visits:,} visits), {date.today()}")
    bare = start_seconds("bare", url, runs)
    row("start -> sign-in dialog idle", start_seconds("first", url, runs) * 1000, bare * 1000,
        "<= 2x")
    row("start -> signed in, 接待登记 idle", start_seconds("window", url, runs) * 1000,
        bare * 1000, "<= 2x")
    row("start -> every page shown", start_seconds("pages", url, runs) * 1000, bare * 1000,
        "<= 4x")
    database = Database.open(url)
    small = Database.open(small_url)
    sign_in_as_admin(database)
    sign_in_as_admin(small)
    try:
        lookup(database)
        register_and_receipt(database)
        pages(database, small)
        casefile()
    finally:
        database.dispose()
        small.dispose()
    if built is not None:
        row(f"demo-data --visits {visits}", built, None, "<= 180 s", unit="s")
    else:
        print("  demo-data: the database was there already (time not recorded)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "zongzhi-bench")
    parser.add_argument("--pg", help="a PostgreSQL database for the big figures (127.0.0.1)")
    parser.add_argument("--runs", type=int, default=3, help="starts timed (the median is shown)")
    parser.add_argument("--pg-small", help="a PostgreSQL database for the 500-visit baseline")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.child_db)
    args.cache.mkdir(parents=True, exist_ok=True)
    big = args.cache / f"visits-{args.visits}.sqlite3"
    small = args.cache / f"visits-{SMALL_VISITS}.sqlite3"
    backend("SQLite", f"sqlite:///{big}", f"sqlite:///{small}", args.visits,
            big.with_suffix(".json"), args.runs)
    if args.pg:
        backend("PostgreSQL", args.pg, args.pg_small or args.pg + "_small", args.visits,
                args.cache / f"pg-{args.visits}.json", args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
