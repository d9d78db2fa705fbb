"""Four desks on one database pressing the same button at the same instant.

Each desk is a separate process started with ``spawn`` (like a separate PC),
with its own ``Database`` on the same SQLite file or PostgreSQL database. The
desks prepare everything they need first, then wait at a barrier and go
together, so their transactions overlap as much as they can. Each desk sends
back what every press gave (a result, a refusal, or an unexpected error) and
the parent checks the outcome against the database.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import MediationCase, Person, Referral, SequenceCounter, Visit
from desktop.services import mediation
from desktop.services.admin.imports import IMPORTS, import_file
from desktop.services.bootstrap import open_database
from desktop.services.errors import ValidationError
from desktop.services.reception import queue
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests.conftest import as_test_admin, set_up_centre
from tests.factories import id_number
from tests.mediation_helpers import staff
from tests.reception_helpers import category_ids, register, room_ids

DESKS = 4
VISITS = 45
AT = datetime(2026, 11, 26, 9, 0)
TODAY = AT.date()
WAIT = 240  # seconds a burst may take at most before the test gives up

Outcome = tuple[Any, str, str]  # (what was pressed on, "ok" / "refused" / "error", detail)


def _press(out: list[Outcome], key: Any, action: Callable[[], Any], field: str) -> None:
    """Run one press and note how it went; only a ValidationError is a proper refusal."""
    try:
        out.append((key, "ok", str(getattr(action(), field))))
    except ValidationError as exc:
        out.append((key, "refused", "；".join(exc.errors.values())))
    except Exception as exc:  # an unexpected error is a result the parent checks
        out.append((key, "error", f"{type(exc).__name__}: {exc}"[:300]))


def _desk(target: Callable[..., list[Outcome]], url: str, desk: int, barrier: Any,
          results: Any, args: tuple[Any, ...]) -> None:
    """The body of one desk's process: open the database, run ``target``, send its outcomes."""
    database = as_test_admin(Database.open(url, migrate=False))
    try:
        results.put((desk, target(database, barrier, desk, *args)))
    except BaseException:
        results.put((desk, [(None, "crash", traceback.format_exc())]))
    finally:
        database.dispose()


def _burst(target: Callable[..., list[Outcome]], url: str, *args: Any) -> list[Outcome]:
    """Run ``target`` on DESKS processes at once; every outcome of every desk."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(DESKS)
    results = ctx.Queue()
    processes = [ctx.Process(target=_desk, args=(target, url, d, barrier, results, args))
                 for d in range(DESKS)]
    for p in processes:
        p.start()
    outcomes: list[Outcome] = []
    try:
        for _ in processes:
            _desk_no, desk_outcomes = results.get(timeout=WAIT)
            outcomes += desk_outcomes
    finally:
        for p in processes:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in processes] == [0] * DESKS
    crashes = [detail for _k, kind, detail in outcomes if kind == "crash"]
    assert not crashes, crashes[0]
    return outcomes


def _errors(outcomes: list[Outcome]) -> list[str]:
    return [detail for _k, kind, detail in outcomes if kind == "error"]


# ---------------------------------------------------------------------------
# (a) Four desks accept the same routed visits as cases


def _accept_all(database: Database, barrier: Any, _desk_no: int, visit_ids: list[int],
                mediator_id: int) -> list[Outcome]:
    drafts = []
    with database.read() as session:
        for visit_id in visit_ids:
            data, applicant = mediation.draft_from_visit(session, visit_id)
            data.mediator_ids = [mediator_id]
            drafts.append((visit_id, data, applicant))
    out: list[Outcome] = []
    barrier.wait(timeout=60)
    for visit_id, data, applicant in drafts:
        _press(out, visit_id,
               partial(mediation.accept_case, database, data, [applicant], today=TODAY),
               "case_no")
    return out


def test_one_case_per_visit_when_four_desks_accept_at_once(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        mediator_id = staff(database)[0]
        visit_ids = [register(database, n, now=AT).visit_id for n in range(1, VISITS + 1)]
        outcomes = _burst(_accept_all, db_url, visit_ids, mediator_id)
        errors = _errors(outcomes)
        assert not errors, f"{len(errors)} unexpected errors, first: {errors[0]}"
        accepted = {k: detail for k, kind, detail in outcomes if kind == "ok"}
        assert len([k for k, kind, _d in outcomes if kind == "ok"]) == VISITS
        assert set(accepted) == set(visit_ids)
        # The losers are told which case the visit already is.
        for visit_id, kind, detail in outcomes:
            if kind == "refused":
                assert detail == f"该来访已受理为案件{accepted[visit_id]}"
        assert len(outcomes) == DESKS * VISITS
        with database.read() as session:
            rows = session.execute(select(MediationCase.visit_id, MediationCase.seq,
                                          MediationCase.case_no)).all()
            counter = session.get(SequenceCounter, f"case:{TODAY.year}")
        assert sorted(v or 0 for v, _s, _n in rows) == sorted(visit_ids)
        assert sorted(s for _v, s, _n in rows) == list(range(1, VISITS + 1))  # no gap
        assert counter is not None and counter.value == VISITS
        assert {v: n for v, _s, n in rows} == accepted
    finally:
        database.dispose()


# ---------------------------------------------------------------------------
# (b) Four desks register visits of the same new residents at once


def _register_all(database: Database, barrier: Any, desk: int, room_id: int,
                  category_id: int) -> list[Outcome]:
    inputs = [
        # Each desk types another phone number, so each also updates the person.
        RegistrationInput(name=f"同号{n}", id_number=id_number(500 + n), phone=f"13{desk}{n:08d}",
                          summary=f"第{desk + 1}号窗口登记", room_id=room_id,
                          category_id=category_id)
        for n in range(VISITS)
    ]
    out: list[Outcome] = []
    barrier.wait(timeout=60)
    for data in inputs:
        _press(out, data.id_number, partial(register_visit, database, data, now=AT), "visit_no")
    return out


def test_four_desks_registering_the_same_new_person_share_one_record(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        rooms, categories = room_ids(database), category_ids(database)
        outcomes = _burst(_register_all, db_url, rooms["矛盾纠纷调解室"], categories["邻里"])
        failed = [(k, kind, d) for k, kind, d in outcomes if kind != "ok"]
        assert not failed, f"{len(failed)} of {len(outcomes)} failed, first: {failed[0]}"
        assert len(outcomes) == DESKS * VISITS
        numbers = {id_number(500 + n) for n in range(VISITS)}
        with database.read() as session:
            people = session.execute(
                select(Person.id_number, func.count(Visit.id))
                .join(Visit, Visit.person_id == Person.id).group_by(Person.id_number)
            ).all()
            visit_nos = list(session.scalars(select(Visit.visit_no)))
        assert dict(people) == {number: DESKS for number in numbers}
        assert len(set(visit_nos)) == DESKS * VISITS
    finally:
        database.dispose()


# ---------------------------------------------------------------------------
# (c) Four desks of one room press 叫下一位 at once


def _call_until_empty(database: Database, barrier: Any, _desk_no: int, room_id: int,
                      tickets: int) -> list[Outcome]:
    out: list[Outcome] = []
    barrier.wait(timeout=60)
    for press in range(tickets + 10):  # bounded even if the queue never empties
        try:
            referral = queue.call_next(database, room_id)
        except ValidationError as exc:
            out.append((press, "error", "；".join(exc.errors.values())))
            continue
        except Exception as exc:
            out.append((press, "error", f"{type(exc).__name__}: {exc}"[:300]))
            continue
        if referral is not None:
            out.append((press, "ok", referral.ticket_no))
            continue
        # "Nobody waits" must be true: wait for any desk still calling, then look.
        with database.write() as session:
            left = session.scalars(
                select(Referral.ticket_no)
                .where(Referral.room_id == room_id, Referral.status == "waiting")
                .with_for_update()
            ).all()
        out.append((press, "empty", "、".join(left)))
        break
    return out


def test_four_desks_calling_next_each_get_a_different_ticket(db_url: str) -> None:
    database = set_up_centre(open_database(db_url))
    try:
        waiting = DESKS * 10
        issued = sorted(register(database, n, now=AT).ticket_no for n in range(1, waiting + 1))
        room_id = room_ids(database)["矛盾纠纷调解室"]
        outcomes = _burst(_call_until_empty, db_url, room_id, waiting)
        errors = _errors(outcomes)
        assert not errors, f"{len(errors)} of {len(outcomes)} presses refused: {errors[0]}"
        called = sorted(detail for _k, kind, detail in outcomes if kind == "ok")
        assert called == issued  # each ticket called once, none skipped
        assert [detail for _k, kind, detail in outcomes if kind == "empty"] == [""] * DESKS
        with database.read() as session:
            states = session.execute(
                select(Referral.status, Referral.call_count).where(Referral.room_id == room_id)
            ).all()
        assert sorted(set(states)) == [("called", 1)]
    finally:
        database.dispose()


# ---------------------------------------------------------------------------
# (d) A 20,000-row import while another desk registers visits (SQLite)

IMPORT_COMMUNITIES = 200
IMPORT_GRIDS = 100  # per community: 20,000 rows


def _communities_file(path: Path) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(IMPORTS["communities"].sheet)
    ws.append(list(IMPORTS["communities"].headers))
    for c in range(IMPORT_COMMUNITIES):
        for g in range(IMPORT_GRIDS):
            ws.append([f"第{c + 1}社区", f"第{g + 1}网格", f"网格员{c}-{g}甲、网格员{c}-{g}乙"])
    wb.save(path)
    return path


def _register_while(database: Database, barrier: Any, _desk_no: int, room_id: int,
                    category_id: int, stop: Any) -> list[Outcome]:
    out: list[Outcome] = []
    barrier.wait(timeout=60)
    n = 0
    deadline = time.monotonic() + WAIT
    while not stop.is_set() and time.monotonic() < deadline:
        n += 1
        data = RegistrationInput(name=f"登记{n}", id_number=id_number(n), phone=f"135{n:08d}",
                                 summary="导入期间登记", room_id=room_id,
                                 category_id=category_id)
        _press(out, n, partial(register_visit, database, data, now=AT), "visit_no")
        time.sleep(0.05)
    return out


@pytest.mark.slow
def test_registration_goes_through_during_a_big_import(sqlite_db_url: str,
                                                       tmp_path: Path) -> None:
    database = set_up_centre(open_database(sqlite_db_url))
    path = _communities_file(tmp_path / "communities.xlsx")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)  # the registering desk and this one (the admin's)
    stop = ctx.Event()
    results = ctx.Queue()
    rooms, categories = room_ids(database), category_ids(database)
    desk = ctx.Process(target=_desk, args=(
        _register_while, sqlite_db_url, 0, barrier, results,
        (rooms["矛盾纠纷调解室"], categories["邻里"], stop)))
    desk.start()
    try:
        barrier.wait(timeout=60)
        time.sleep(0.5)  # the desk is registering before the import starts
        result = import_file(database, "communities", path)
        stop.set()
        _desk_no, outcomes = results.get(timeout=WAIT)
    finally:
        stop.set()
        desk.join(timeout=30)
        if desk.is_alive():
            desk.kill()
        database.dispose()
    assert desk.exitcode == 0
    assert (result.rows, result.created) == (20_000, IMPORT_COMMUNITIES * (1 + IMPORT_GRIDS))
    failed = [(k, kind, d) for k, kind, d in outcomes if kind != "ok"]
    assert not failed, f"{len(failed)} of {len(outcomes)} registrations failed: {failed[0]}"
    assert len(outcomes) > 1
