"""Demo data: invented, consistent, repeatable, and it leaves the counters right."""

from __future__ import annotations

import time_machine
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import KioskTicket, Person, Referral, Visit
from desktop.services import reference
from desktop.services.demo.generate import generate_demo_data
from desktop.services.reception import notices
from desktop.services.reception.registration import RegistrationInput, register_visit
from desktop.services.validation import id_number_error, phone_error
from tests.factories import id_number


def test_a_demo_made_just_after_midnight_has_no_visit_of_today_yet(
    database: Database, clock: time_machine.Coordinates
) -> None:
    """Today's kiosk numbers registered at the desk need a visit of today: at 00:05 there
    is none yet, so only the numbers waiting and the one cancelled are there."""
    clock.move_to("2026-12-02 00:05")
    summary = generate_demo_data(database, visits=60, seed=7)
    assert summary.counts["自助取号"] == 3
    with database.read() as session:
        assert sorted(session.scalars(select(KioskTicket.status))) == [
            "cancelled", "waiting", "waiting"]


def test_demo_data_is_valid_and_new_registrations_follow_it(
    database: Database, clock: time_machine.Coordinates
) -> None:
    clock.move_to("2026-12-02 10:30")  # a working morning: today has its visits
    summary = generate_demo_data(database, visits=400, seed=7)
    assert summary.counts["来访登记"] == 400
    assert summary.counts["政策宣传"] == 6
    assert summary.counts["自助取号"] == 5
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 400
        # Every visit has its first ticket; transfers add more.
        assert session.scalar(select(func.count(func.distinct(Referral.visit_id)))) == 400
        assert session.scalar(select(func.count()).select_from(Referral)) >= 400
        numbers = session.scalars(select(Person.id_number).where(Person.id_number.is_not(None)))
        assert all(id_number_error(n) is None for n in numbers)
        phones = session.scalars(select(Person.phone))
        assert all(phone_error(p) is None for p in phones if p)
        # The kiosk's numbers of today: two wait for the desk, two were registered there
        # and kept their number, one was cancelled.
        kiosk_rows = session.execute(select(KioskTicket.status, KioskTicket.ticket_no,
                                            Referral.ticket_no)
                                     .outerjoin(Referral, Referral.id == KioskTicket.referral_id)
                                     ).all()
        assert sorted(r[0] for r in kiosk_rows) == [
            "cancelled", "registered", "registered", "waiting", "waiting"]
        assert all(r[1] == r[2] for r in kiosk_rows if r[0] == "registered")
        room_id = reference.rooms(session)[1].id
        category_id = reference.categories(session)[0].id
    # A second run adds to the first without clashing numbers (and keeps the notices).
    assert "政策宣传" not in generate_demo_data(database, visits=50, seed=8).counts
    with database.read() as session:
        assert len(notices.all_notices(session)) == 6
        assert 2 <= len(notices.current_notices(session)) < 6
    # The counters were raised past the generated numbers: a real registration
    # today gets the next free visit and ticket numbers, not a duplicate.
    result = register_visit(database, RegistrationInput(
        name="测试", id_number=id_number(999), phone="13500135000", summary="咨询",
        room_id=room_id, category_id=category_id))
    with database.read() as session:
        visit_nos = list(session.scalars(select(Visit.visit_no)))
        assert len(visit_nos) == len(set(visit_nos)) == 451
        tickets = session.execute(select(Referral.room_id, Referral.ticket_date,
                                         Referral.ticket_no)).all()
        assert len(tickets) == len(set(tickets))
    assert result.visit_no in visit_nos


def test_same_seed_same_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.config import sqlite_url
    from desktop.services.bootstrap import open_database

    names = []
    for n in (1, 2):
        db = open_database(sqlite_url(tmp_path / f"{n}.sqlite3"))
        generate_demo_data(db, visits=60, seed=42)
        with db.read() as session:
            names.append(list(session.scalars(select(Person.name).order_by(Person.id))))
        db.dispose()
    assert names[0] == names[1]


def test_the_fast_insert_stores_what_sqlalchemys_own_insert_stores(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """demo-data hands SQLite its rows already converted; the stored text must be the same
    as SQLAlchemy's executemany would have written, for every kind of column."""
    from datetime import date, datetime

    from sqlalchemy import (
        JSON,
        Boolean,
        Column,
        Date,
        DateTime,
        Integer,
        MetaData,
        Numeric,
        String,
        Table,
        create_engine,
    )
    from sqlalchemy.orm import Session

    from desktop.services.demo.generate import bulk_insert

    def table(name: str, metadata: MetaData) -> Table:
        return Table(name, metadata, Column("id", Integer, primary_key=True),
                     Column("at", DateTime), Column("day", Date), Column("flag", Boolean),
                     Column("data", JSON), Column("amount", Numeric(12, 2)),
                     Column("kind", String(8), default="来访"),
                     Column("version", Integer, nullable=False))

    metadata = MetaData()
    ours, theirs = table("ours", metadata), table("theirs", metadata)
    engine = create_engine(f"sqlite:///{tmp_path / 'insert.sqlite3'}")
    metadata.create_all(engine)
    rows = [
        {"id": 1, "at": datetime(2026, 12, 2, 10, 30), "day": date(2026, 12, 2),
         "flag": True, "data": {"姓名": "张三", "n": [1, 2]}, "amount": 1234.5},
        {"id": 2, "at": datetime(2026, 12, 2, 23, 59, 59, 999_999), "day": None,
         "flag": False, "data": None, "amount": None},
        {"id": 3, "at": None, "day": date(2024, 2, 29), "flag": None, "data": [],
         "amount": 0},
    ]
    with Session(engine) as session, session.begin():
        bulk_insert(session, ours, [dict(row) for row in rows])
        session.execute(theirs.insert(), [{**row, "version": 1} for row in rows])
    with engine.connect() as connection:
        stored = [connection.exec_driver_sql(
            f"SELECT id, at, day, flag, data, amount, kind, version FROM {name} ORDER BY id"
        ).all() for name in ("ours", "theirs")]
    engine.dispose()
    assert stored[0] == stored[1]
    assert stored[0][0][1] == "2026-12-02 10:30:00.000000" and stored[0][0][6] == "来访"
