"""Ticket numbers stay unique and consecutive when several desks save at the same moment.

Each "desk" is its own ``Database`` (own engine, own connections) on the same
SQLite file or PostgreSQL database, as on separate PCs. Threads start together
behind a barrier; processes are started with ``spawn`` like separate programs.
"""

from __future__ import annotations

import multiprocessing
import threading
from datetime import datetime

from sqlalchemy import select

from desktop.db import Database
from desktop.models import Referral, Visit
from desktop.services.bootstrap import open_database
from desktop.services.reception import queue
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.conftest import as_test_admin, set_up_centre
from tests.factories import id_number
from tests.reception_helpers import category_ids, room_ids

DESKS = 6
PER_DESK = 5
AT = datetime(2026, 11, 26, 10, 0)


def _input(n: int, room_id: int, category_id: int) -> RegistrationInput:
    return RegistrationInput(
        name=f"并发{n}号", id_number=id_number(100 + n), phone=f"137{n:08d}",
        summary="并发登记测试", room_id=room_id, category_id=category_id,
    )


def _desk(url: str, desk: int, room_id: int, category_id: int,
          barrier: threading.Barrier | None, out: list[str]) -> None:
    database = as_test_admin(Database.open(url, migrate=False))
    try:
        if barrier is not None:
            barrier.wait(timeout=30)
        for i in range(PER_DESK):
            n = desk * PER_DESK + i
            out.append(register_visit(database, _input(n, room_id, category_id), now=AT).ticket_no)
    finally:
        database.dispose()


def _process_desk(url: str, desk: int, room_id: int, category_id: int, queue_: object) -> None:
    tickets: list[str] = []
    _desk(url, desk, room_id, category_id, None, tickets)
    queue_.put(tickets)  # type: ignore[attr-defined]


def _assert_consecutive(database: Database, tickets: list[str], room: str) -> None:
    total = DESKS * PER_DESK
    assert len(tickets) == total
    assert len(set(tickets)) == total, "a ticket number was handed out twice"
    assert sorted(tickets) == [f"{room}-{n:03d}" for n in range(1, total + 1)]
    with database.read() as session:
        seqs = sorted(session.scalars(select(Referral.ticket_seq)))
        visit_nos = list(session.scalars(select(Visit.visit_no)))
    assert seqs == list(range(1, total + 1))
    assert len(set(visit_nos)) == total


def test_concurrent_threads_get_distinct_consecutive_tickets(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        room_id = room_ids(database)["矛盾纠纷调解室"]
        category_id = category_ids(database)["邻里"]
        barrier = threading.Barrier(DESKS)
        tickets: list[str] = []
        errors: list[BaseException] = []

        def run(desk: int) -> None:
            try:
                _desk(db_url, desk, room_id, category_id, barrier, tickets)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(d,)) for d in range(DESKS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        _assert_consecutive(database, tickets, "调")
    finally:
        database.dispose()


def test_concurrent_processes_get_distinct_consecutive_tickets(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        room_id = room_ids(database)["心理咨询室"]
        category_id = category_ids(database)["心理疏导"]
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        processes = [
            ctx.Process(target=_process_desk, args=(db_url, d, room_id, category_id, results))
            for d in range(DESKS)
        ]
        for p in processes:
            p.start()
        tickets: list[str] = []
        for _ in processes:
            tickets += results.get(timeout=120)
        for p in processes:
            p.join(timeout=60)
            assert p.exitcode == 0
        _assert_consecutive(database, tickets, "心")
    finally:
        database.dispose()


def test_concurrent_transfers_into_one_room_get_distinct_tickets(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        rooms = room_ids(database)
        category_id = category_ids(database)["邻里"]
        referral_ids = [
            register_visit(database, _input(n, rooms["矛盾纠纷调解室"], category_id), now=AT)
            .referral_id for n in range(DESKS)
        ]
        barrier = threading.Barrier(DESKS)
        tickets: list[str] = []
        errors: list[BaseException] = []

        def run(referral_id: int) -> None:
            desk = as_test_admin(Database.open(db_url, migrate=False))
            try:
                barrier.wait(timeout=30)
                tickets.append(queue.transfer(desk, referral_id, rooms["关爱工作室"],
                                              "需要关爱帮扶", now=AT).ticket_no)
            except BaseException as exc:
                errors.append(exc)
            finally:
                desk.dispose()

        threads = [threading.Thread(target=run, args=(r,)) for r in referral_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert sorted(tickets) == [f"爱-{n:03d}" for n in range(1, DESKS + 1)]
    finally:
        database.dispose()
