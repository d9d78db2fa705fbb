"""How fast the reception queries are on a big database (run by hand, not by pytest).

    python bench/bench_reception.py --db sqlite:////tmp/big.sqlite3 [--visits 1000000]

Generates the demo data first when the database has fewer visits than asked,
then times the queries the desk runs all day: the repeat-visitor lookup (as the
receptionist types), a room's queue and the hall display (every two seconds on
every PC), the centre board and the escalation list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from desktop.models import Person, Room, Visit
from desktop.services.bootstrap import open_database
from desktop.services.demo.generate import generate_demo_data
from desktop.services.reception import matching, queue


def timed(label: str, fn: Callable[[], object], runs: int = 20) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<36} median {statistics.median(times):7.2f} ms   max {max(times):7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--visits", type=int, default=1_000_000)
    args = parser.parse_args()
    database = open_database(args.db)
    with database.read() as session:
        have = session.scalar(select(func.count()).select_from(Visit)) or 0
    if have < args.visits:
        start = time.perf_counter()
        generate_demo_data(database, visits=args.visits - have)
        print(f"demo data: {args.visits - have} visits in {time.perf_counter() - start:.0f} s")
    with database.read() as session:
        print("visits:", session.scalar(select(func.count()).select_from(Visit)))
        person = session.scalars(
            select(Person).where(Person.id_number.is_not(None)).order_by(Person.id.desc())
        ).first()
        assert person is not None and person.id_number and person.phone
        mediation = session.scalar(select(Room.id).where(Room.code == "mediation"))
        assert mediation is not None
        number, phone, name = person.id_number, person.phone, person.name

        timed("match 身份证号 prefix (8 digits)", lambda: matching.find_people(session, number[:8]))
        timed("match 身份证号 (18 digits)", lambda: matching.find_people(session, number))
        timed("match phone prefix (7 digits)", lambda: matching.find_people(session, phone[:7]))
        timed("match name prefix (2 chars)", lambda: matching.find_people(session, name[:2]))
        timed("match name (full)", lambda: matching.find_people(session, name))
        timed("room queue (mediation)", lambda: queue.room_queue(session, mediation))
        timed("hall display", lambda: queue.hall_display(session))
        timed("centre board", lambda: queue.centre_board(session), runs=5)
        timed("open escalations", lambda: queue.open_escalations(session), runs=5)
        timed("overdue count", lambda: queue.overdue_count(session), runs=5)
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
