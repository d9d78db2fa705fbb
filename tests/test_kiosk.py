"""自助取号: the kiosk's numbers, the desk registering them, and what the kiosk may not do."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, KioskTicket, Referral
from desktop.printing.kiosk_ticket import render_kiosk_ticket
from desktop.services import mediation
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.reception import kiosk, matching, queue
from desktop.services.reception.registration import (
    RegistrationInput,
    register_visit,
    tickets_held_today,
)
from tests.conftest import as_test_admin
from tests.factories import id_number
from tests.reception_helpers import category_ids, register, room_ids
from tests.test_accounts import _actions, _known


def _kiosk(database: Database) -> Database:
    """Another PC on the same database: the kiosk, signed in as nobody but itself."""
    url = database.engine.url.render_as_string(hide_password=False)
    other = Database.open(url, migrate=False, desk="自助取号机")
    other.actor = auth.KIOSK_ACTOR
    return other


def _take(database: Database, category: str = "邻里", **kw: object) -> kiosk.KioskTicketData:
    return kiosk.take_ticket(database, category_ids(database)[category], **kw)  # type: ignore[arg-type]


def _input(n: int, room_id: int, category_id: int, **changes: object) -> RegistrationInput:
    values: dict[str, object] = dict(
        name=f"自助{n}号", id_number=id_number(300 + n), phone=f"136{n:08d}",
        summary="邻居装修噪音", room_id=room_id, category_id=category_id)
    values.update(changes)
    return RegistrationInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def kiosk_db(database: Database) -> Iterator[Database]:
    other = _kiosk(database)
    yield other
    other.dispose()


def test_kiosk_numbers_come_from_the_rooms_counter(database: Database,
                                                   kiosk_db: Database) -> None:
    first = _take(kiosk_db)
    assert (first.ticket_no, first.room_name, first.waiting_before) == (
        "调-001", "矛盾纠纷调解室", 0)
    assert first.centre_phone == "010-62345678" and first.centre_name == "东林街道综治中心"
    desk = register(database, 1)  # the desk's next number of the room follows the kiosk's
    assert desk.ticket_no == "调-002"
    # One registered ticket and one kiosk ticket not registered yet wait before the next.
    second = _take(kiosk_db)
    assert (second.ticket_no, second.waiting_before) == ("调-003", 2)
    # A category without a room of its own leads to the reception window.
    other = _take(kiosk_db, "其他")
    assert (other.ticket_no, other.room_name, other.waiting_before) == ("综-001", "综合受理窗口", 0)
    with kiosk_db.read() as session:
        choices = {c.category: c for c in kiosk.kiosk_choices(session)}
    assert choices["邻里"].waiting == 3 and choices["心理疏导"].waiting == 0
    assert choices["其他"].room_name == "综合受理窗口"


def test_the_desk_completes_the_registration_and_the_number_stays(
    database: Database, kiosk_db: Database
) -> None:
    taken = _take(kiosk_db)
    rooms, categories = room_ids(database), category_ids(database)
    with database.read() as session:
        (waiting,) = kiosk.waiting_tickets(session)
    assert (waiting.ticket_no, waiting.category, waiting.room_name) == (
        "调-001", "邻里", "矛盾纠纷调解室")
    later = register(database, 2)  # a resident registered at the desk meanwhile: 调-002
    result = register_visit(database, _input(1, rooms["矛盾纠纷调解室"], categories["邻里"],
                                             kiosk_ticket_id=waiting.id))
    assert result.ticket_no == taken.ticket_no == result.kiosk_ticket_no
    with database.read() as session:
        ticket = session.get_one(KioskTicket, waiting.id)
        assert (ticket.status, ticket.visit_id, ticket.referral_id) == (
            "registered", result.visit_id, result.referral_id)
        referral = session.get_one(Referral, result.referral_id)
        assert (referral.ticket_date, referral.ticket_seq) == (ticket.ticket_date, 1)
        assert referral.created_at == ticket.taken_at  # the wait counts from the kiosk
        assert kiosk.waiting_tickets(session) == []
        rows = queue.room_queue(session, rooms["矛盾纠纷调解室"])
    # The kiosk number keeps its place: called before the desk's 调-002, and marked 自助.
    assert [(r.ticket_no, r.self_service) for r in rows] == [("调-001", True), ("调-002", False)]
    assert queue.call_next(database, rooms["矛盾纠纷调解室"]).ticket_no == "调-001"  # type: ignore[union-attr]
    assert later.ticket_no == "调-002"
    # The same kiosk number is not registered twice.
    with pytest.raises(ValidationError) as again:
        register_visit(database, _input(3, rooms["矛盾纠纷调解室"], categories["邻里"],
                                        kiosk_ticket_id=waiting.id))
    assert "自助号 调-001 已登记" in again.value.errors["kiosk_ticket"]


def test_routed_elsewhere_the_visit_gets_that_rooms_number(database: Database,
                                                           kiosk_db: Database) -> None:
    taken = _take(kiosk_db)
    rooms, categories = room_ids(database), category_ids(database)
    result = register_visit(database, _input(1, rooms["心理咨询室"], categories["心理疏导"],
                                             kiosk_ticket_id=taken.ticket_id))
    assert (result.ticket_no, result.kiosk_ticket_no) == ("心-001", "调-001")
    with database.read() as session:
        assert session.get_one(KioskTicket, taken.ticket_id).status == "registered"
    # The kiosk's number is not reused by the mediation room.
    assert register(database, 2).ticket_no == "调-002"


def test_a_resident_who_never_came_is_cancelled(database: Database,
                                                kiosk_db: Database) -> None:
    taken = _take(kiosk_db)
    kiosk.cancel_ticket(database, taken.ticket_id)
    with database.read() as session:
        assert kiosk.waiting_tickets(session) == []
        assert session.get_one(KioskTicket, taken.ticket_id).status == "cancelled"
    with pytest.raises(ValidationError):
        kiosk.cancel_ticket(database, taken.ticket_id)
    rooms, categories = room_ids(database), category_ids(database)
    with pytest.raises(ValidationError) as refused:
        register_visit(database, _input(1, rooms["矛盾纠纷调解室"], categories["邻里"],
                                        kiosk_ticket_id=taken.ticket_id))
    assert "已作废" in refused.value.errors["kiosk_ticket"]
    # Cancelled tickets no longer count as waiting.
    assert _take(kiosk_db).waiting_before == 0


def test_a_kiosk_ticket_of_yesterday_is_not_offered_today(database: Database,
                                                          kiosk_db: Database) -> None:
    _take(kiosk_db, now=datetime(2026, 12, 1, 16, 50))
    with database.read() as session:
        assert kiosk.waiting_tickets(session) == []
    # Today's numbering starts again at 001 and counts no stale kiosk ticket.
    today = _take(kiosk_db)
    assert (today.ticket_no, today.waiting_before) == ("调-001", 0)


def test_concurrent_kiosk_and_desks_never_share_a_number(database: Database) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    rooms, categories = room_ids(database), category_ids(database)
    room, category = rooms["矛盾纠纷调解室"], categories["邻里"]
    at = datetime(2026, 12, 2, 10, 0)
    per_worker, desks = 5, 3
    barrier = threading.Barrier(desks + 1)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def kiosk_worker() -> None:
        db = _kiosk(database)
        try:
            barrier.wait(timeout=30)
            for _ in range(per_worker):
                numbers.append(kiosk.take_ticket(db, category, now=at).ticket_no)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            db.dispose()

    def desk_worker(desk: int) -> None:
        db = as_test_admin(Database.open(url, migrate=False, desk=f"{desk}号窗口"))
        try:
            barrier.wait(timeout=30)
            for i in range(per_worker):
                n = desk * per_worker + i
                numbers.append(register_visit(db, _input(n, room, category), now=at).ticket_no)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=kiosk_worker)] + [
        threading.Thread(target=desk_worker, args=(d,)) for d in range(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    total = per_worker * (desks + 1)
    assert sorted(numbers) == [f"调-{n:03d}" for n in range(1, total + 1)]
    # The kiosk numbers, registered at the desk, keep them: still no two alike.
    with database.read() as session:
        waiting = kiosk.waiting_tickets(session, today=at.date())
    for n, ticket in enumerate(waiting):
        register_visit(database, _input(100 + n, room, category, kiosk_ticket_id=ticket.id),
                       now=at)
    with database.read() as session:
        seqs = list(session.scalars(select(Referral.ticket_seq).where(Referral.room_id == room)))
    assert sorted(seqs) == list(range(1, total + 1))


def test_the_kiosk_is_refused_everything_else(database: Database, tmp_path: Path) -> None:
    known = _known(database)
    rooms = room_ids(database)
    visit = register(database, 5, room="关爱工作室")
    kiosk_db = _kiosk(database)
    waiting = _take(kiosk_db)
    try:
        refused: list[str] = []
        for permission, action in _actions(tmp_path).items():
            if permission == "kiosk.ticket":
                continue
            with pytest.raises(PermissionDenied):
                action(kiosk_db, known)
            refused.append(permission)
        assert set(refused) == set(auth.MATRIX) - {"kiosk.ticket", "counselling.read"}
        # Reading anything personal: the desk's lookups, the queues, the parties of a case.
        data = _input(5, rooms["关爱工作室"], category_ids(database)["困难帮扶"])
        reads: dict[str, Callable[..., object]] = {
            "find_people": lambda s: matching.find_people(s, id_number(5)),
            "person_match": lambda s: matching.person_match(s, 1),
            "tickets_held_today": lambda s: tickets_held_today(s, data),
            "tickets_in_hand": lambda s: queue.tickets_in_hand(s, rooms["关爱工作室"]),
            "room_queue": lambda s: queue.room_queue(s, rooms["关爱工作室"]),
            "centre_board": queue.centre_board,
            "visit_route": lambda s: queue.visit_route(s, visit.visit_id),
            "search_persons": lambda s: mediation.search_persons(s, "测试"),
            "person_as_party": lambda s: mediation.person_as_party(s, 1, "申请人"),
            "waiting_tickets": kiosk.waiting_tickets,
        }
        for name, read in reads.items():
            with kiosk_db.read() as session, pytest.raises(PermissionDenied):
                read(session)
                pytest.fail(f"the kiosk read {name}")
        # Nor may it finish the registration of its own ticket, or cancel one.
        with pytest.raises(PermissionDenied):
            register_visit(kiosk_db, _input(6, rooms["矛盾纠纷调解室"],
                                            category_ids(database)["邻里"],
                                            kiosk_ticket_id=waiting.ticket_id))
        with pytest.raises(PermissionDenied):
            kiosk.cancel_ticket(kiosk_db, waiting.ticket_id)
        # What it did is recorded under its own name.
        with database.read() as session:
            assert kiosk.waiting_tickets(session)[0].ticket_no == waiting.ticket_no
            assert session.scalar(select(AuditEntry.staff_name).where(
                AuditEntry.target_type == "kiosk_ticket")) == "自助取号机"
    finally:
        kiosk_db.dispose()


def test_nobody_signed_in_takes_no_ticket(database: Database) -> None:
    database.actor = None
    with pytest.raises(PermissionDenied):
        _take(database)
    with database.read() as session, pytest.raises(PermissionDenied):
        kiosk.kiosk_choices(session)


def test_the_kiosk_is_no_role_a_member_of_staff_can_hold() -> None:
    assert auth.KIOSK_ROLE not in auth.ALL_ROLES
    assert [p for p, roles in auth.MATRIX.items() if auth.KIOSK_ROLE in roles] == ["kiosk.ticket"]


def test_the_printed_ticket(database: Database, kiosk_db: Database, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    register(database, 1)
    data = _take(kiosk_db)
    out = tmp_path / "ticket.pdf"
    out.write_bytes(render_kiosk_ticket(data))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("调-002", "矛盾纠纷调解室（一楼东侧）", "您前面还有 1 人等候",
                     "中心电话：010-62345678", "东林街道综治中心", "办理事项：邻里"):
        assert expected in text, (expected, text)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout
    assert "Helvetica" not in fonts and "yes yes" in fonts  # embedded, subset
