"""Two desks on one case: a save over a record changed since the form loaded it is refused.

Each test opens two ``Database`` objects on the same database (two desks), on
SQLite and on PostgreSQL. The first desk loads a form, the second saves the
same record, then the first saves what it loaded: refused, nothing written,
and the refusal says what differs. A closed case refuses edits until reopened.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from PIL import Image
from sqlalchemy import event, func, select, text

from desktop.db import Database
from desktop.models import (
    Agreement,
    CaseParty,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    Person,
    Staff,
    Visit,
)
from desktop.services import mediation, reference
from desktop.services.care import entries as care_entries
from desktop.services.care import listing as care_listing
from desktop.services.errors import StaleEditError, ValidationError
from desktop.services.reception.matching import PersonMatch, find_people
from desktop.services.reception.registration import RegistrationInput, register_visit
from tests import mediation_helpers as h
from tests.care_helpers import care_entry
from tests.factories import id_number
from tests.reception_helpers import person_of, register
from tests.rules_helpers import acting_as


def detail(database: Database, case_id: int) -> mediation.CaseDetail:
    with database.read() as session:
        return mediation.case_detail(session, case_id)


def version_of(database: Database, model: type, row_id: int) -> int:
    with database.read() as session:
        return int(session.scalar(select(model.version).where(model.id == row_id)))


def changes(error: StaleEditError) -> dict[str, tuple[str, str]]:
    return {c.label: (c.yours, c.current) for c in error.changes}


def edited(data: mediation.CaseInput, **values: object) -> mediation.CaseInput:
    for key, value in values.items():
        setattr(data, key, value)
    return data


# ---------------------------------------------------------------------------- the case


def test_a_stale_case_save_is_refused_and_writes_nothing(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    loaded = detail(one, ref.case_id)  # both desks open the case
    theirs = detail(two, ref.case_id)
    mediation.update_case(two, ref.case_id, edited(mediation.case_input(theirs),
                                                   facts="二号窗口补充了事实。"),
                          version=theirs.version)
    after_two = detail(one, ref.case_id)
    assert after_two.version == loaded.version + 1

    with pytest.raises(StaleEditError) as caught:
        mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                       matters="一号窗口改了争议事项"),
                              version=loaded.version)
    error = caught.value
    assert str(error).startswith("该案件已被他人修改（二号窗口 于 ")
    assert str(error).endswith("），请重新载入后再保存")
    assert error.changed_by == "二号窗口"
    assert changes(error) == {
        "纠纷主要事实": (loaded.facts, "二号窗口补充了事实。"),
        "争议事项": ("一号窗口改了争议事项", loaded.matters),
    }
    now = detail(one, ref.case_id)
    assert (now.facts, now.matters, now.version) == (
        "二号窗口补充了事实。", loaded.matters, after_two.version)

    # Reloaded, the same edit goes through and counts as one more change.
    mediation.update_case(one, ref.case_id, edited(mediation.case_input(now),
                                                   matters="一号窗口改了争议事项"),
                          version=now.version)
    saved = detail(one, ref.case_id)
    assert (saved.facts, saved.matters) == ("二号窗口补充了事实。", "一号窗口改了争议事项")
    assert saved.version == now.version + 1
    with one.read() as session:
        row = session.get(MediationCase, ref.case_id)
        assert row is not None and row.changed_by == "一号窗口"
        assert row.changed_at is not None and row.changed_at.date() == date.today()


def test_changing_only_the_mediators_counts_as_a_change(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    loaded = detail(one, ref.case_id)
    m1, _m2, m3 = h.staff(one)
    mediation.update_case(two, ref.case_id, edited(mediation.case_input(loaded),
                                                   mediator_ids=[m1, m3]),
                          version=loaded.version)
    assert detail(two, ref.case_id).version == loaded.version + 1
    with pytest.raises(StaleEditError) as caught:
        mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                       facts="新的事实"),
                              version=loaded.version)
    assert set(changes(caught.value)) == {"调解员", "纠纷主要事实"}
    assert detail(one, ref.case_id).mediators == ["王志刚", "李慧敏"]


def test_a_stale_form_that_would_change_nothing_passes(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    loaded = detail(one, ref.case_id)
    mediation.update_case(two, ref.case_id, edited(mediation.case_input(loaded),
                                                   facts="两个窗口改成同样的内容"),
                          version=loaded.version)
    # The first desk typed the very same text: nothing to overwrite, nothing refused.
    mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                   facts="两个窗口改成同样的内容"),
                          version=loaded.version)
    assert detail(one, ref.case_id).version == loaded.version + 1


@contextmanager
def losing_every_flush(database: Database, table: str, row_id: int) -> Iterator[list[str]]:
    """The row changes between the check and the flush's UPDATE or DELETE (SQLAlchemy's
    ``StaleDataError``), here inside the transaction itself, every time it is tried.

    Yields the statements it got in ahead of."""
    fired: list[str] = []

    def bump_first(conn, _cursor, statement, _params, _context,  # type: ignore[no-untyped-def]
                   _executemany) -> None:
        if (statement.startswith((f"UPDATE {table} SET", f"DELETE FROM {table} "))
                and "version + 1" not in statement):
            fired.append(statement)
            conn.execute(text(f"UPDATE {table} SET version = version + 1 WHERE id = :id"),
                         {"id": row_id})

    event.listen(database.engine, "before_cursor_execute", bump_first)
    try:
        yield fired
    finally:
        event.remove(database.engine, "before_cursor_execute", bump_first)


def test_a_write_that_loses_at_the_flush_is_refused(database: Database) -> None:
    """Refused, nothing written."""
    ref = h.make_case(database)
    loaded = detail(database, ref.case_id)
    with losing_every_flush(database, "mediation_case", ref.case_id) as fired, \
            pytest.raises(StaleEditError) as caught:
        mediation.update_case(database, ref.case_id, edited(
            mediation.case_input(loaded), facts="一号窗口的事实"), version=loaded.version)
    assert len(fired) == 2  # tried, and tried once more on what is there now
    assert str(caught.value) == "该案件已被他人修改，请重新载入后再保存"
    now = detail(database, ref.case_id)
    assert (now.facts, now.version) == (loaded.facts, loaded.version)


def _closed_with_agreement(database: Database) -> mediation.CaseDetail:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    mediation.save_judicial_confirmation(database, ref.case_id,
                                         mediation.JudicialInput(court="东城区人民法院"),
                                         version=None)
    return detail(database, ref.case_id)


def _party_write(database: Database, removing: bool) -> tuple[str, int, Callable[[], object]]:
    party = detail(database, h.make_case(database).case_id).parties[0]
    if removing:
        return "case_party", party.id, lambda: mediation.remove_party(
            database, party.id, version=party.version)
    return "case_party", party.id, lambda: mediation.update_party(
        database, party.id, h.person(1, phone="13911112222"), version=party.version)


def _session_write(database: Database, deleting: bool) -> tuple[str, int, Callable[[], object]]:
    case_id = h.make_case(database).case_id
    session_id = mediation.add_session(database, case_id, h.session_input(1))
    version = detail(database, case_id).sessions[0].version
    if deleting:
        return "mediation_session", session_id, lambda: mediation.delete_session(
            database, session_id, version=version)
    changed = h.session_input(1)
    changed.place = "社区调解室"
    return "mediation_session", session_id, lambda: mediation.update_session(
        database, session_id, changed, version=version)


def _agreement_write(database: Database) -> tuple[str, int, Callable[[], object]]:
    case_id = h.make_case(database).case_id
    mediation.save_agreement(database, case_id, h.agreement(), version=None)
    loaded = detail(database, case_id).agreement
    assert loaded is not None
    with database.read() as session:
        agreement_id = session.scalar(select(Agreement.id).where(Agreement.case_id == case_id))
    return "agreement", int(agreement_id), lambda: mediation.save_agreement(
        database, case_id, h.agreement(["被申请人当面道歉。"]), version=loaded.version)


def _follow_up_write(database: Database) -> tuple[str, int, Callable[[], object]]:
    follow_up = _closed_with_agreement(database).follow_ups[0]
    return "follow_up", follow_up.id, lambda: mediation.update_follow_up(
        database, follow_up.id, mediation.FollowUpInput(
            planned_on=follow_up.planned_on, notes="一号窗口的备注"), version=follow_up.version)


def _judicial_write(database: Database) -> tuple[str, int, Callable[[], object]]:
    loaded = _closed_with_agreement(database)
    judicial = loaded.judicial
    assert judicial is not None
    with database.read() as session:
        judicial_id = session.scalar(select(JudicialConfirmation.id).where(
            JudicialConfirmation.case_id == loaded.id))
    return "judicial_confirmation", int(judicial_id), lambda: (
        mediation.save_judicial_confirmation(database, loaded.id, mediation.JudicialInput(
            court="东城区人民法院", notes="一号窗口"), version=judicial.version))


def _person_write(database: Database) -> tuple[str, int, Callable[[], object]]:
    visit = _registration(database)
    register_visit(database, visit())
    with database.read() as session:
        (chosen,) = find_people(session, id_number(7))
    return "person", chosen.person_id, lambda: register_visit(
        database, visit(chosen, address="建设路12号3单元", summary="第二次来访"))


def _care_write(database: Database, step: str) -> tuple[str, int, Callable[[], object]]:
    """An entry of the 关爱 register edited, ended, or taken back after it was ended."""
    day = date(2026, 11, 20)
    entry_id = care_entries.register_entry(database, care_entry("李桂芝", 8, day),
                                           today=date(2026, 12, 2))
    if step == "reopen":
        care_entries.end_entry(database, entry_id, date(2026, 11, 30), "迁出",
                               version=_care_version(database, entry_id),
                               today=date(2026, 12, 2))
    version = _care_version(database, entry_id)
    calls: dict[str, Callable[[], object]] = {
        "edit": lambda: care_entries.update_entry(
            database, entry_id, care_entry("李桂芝", 8, day, phone="13912340009"),
            version=version, today=date(2026, 12, 2)),
        "end": lambda: care_entries.end_entry(database, entry_id, date(2026, 11, 30), "迁出",
                                              version=version, today=date(2026, 12, 2)),
        "reopen": lambda: care_entries.reopen_entry(database, entry_id, version=version),
    }
    return "care_entry", entry_id, calls[step]


def _care_version(database: Database, entry_id: int) -> int:
    with database.read() as session:
        return care_listing.entry_detail(session, entry_id).version


@pytest.mark.parametrize(("write", "message"), [
    (lambda db: _party_write(db, removing=False), "该当事人已被他人修改，请重新载入后再保存"),
    (lambda db: _party_write(db, removing=True), "该当事人已被他人修改，请重新载入后再删除"),
    (lambda db: _session_write(db, deleting=False), "该调解记录已被他人修改，请重新载入后再保存"),
    (lambda db: _session_write(db, deleting=True), "该调解记录已被他人修改，请重新载入后再删除"),
    (_agreement_write, "该调解协议已被他人修改，请重新载入后再保存"),
    (_follow_up_write, "该回访记录已被他人修改，请重新载入后再保存"),
    (_judicial_write, "该司法确认已被他人修改，请重新载入后再保存"),
    (_person_write, "该来访人信息已被他人修改，请重新载入后再保存"),
    (lambda db: _care_write(db, "edit"), "该关爱对象已被他人修改，请重新载入后再保存"),
    (lambda db: _care_write(db, "end"), "该关爱对象已被他人修改，请重新载入后再保存"),
    (lambda db: _care_write(db, "reopen"), "该关爱对象已被他人修改，请重新载入后再保存"),
], ids=["party", "party removed", "session", "session deleted", "agreement", "follow-up",
        "judicial confirmation", "resident at registration", "care entry",
        "care entry ended", "care entry taken back"])
def test_a_write_that_loses_at_the_flush_twice_names_its_record_and_what_was_done(
        database: Database, write: Callable[[Database], tuple[str, int, Callable[[], object]]],
        message: str) -> None:
    """Each try refuses in its own words when it sees the change; a flush lost twice has
    only the record's name left to say, and what the user was doing. Nothing is written."""
    table, row_id, attempt = write(database)
    with database.read() as session:
        before = session.execute(text(f"SELECT * FROM {table} WHERE id = :id"),
                                 {"id": row_id}).one()
    with losing_every_flush(database, table, row_id) as fired, \
            pytest.raises(StaleEditError) as caught:
        attempt()
    assert len(fired) >= 2
    assert str(caught.value) == message
    with database.read() as session:
        assert session.execute(text(f"SELECT * FROM {table} WHERE id = :id"),
                               {"id": row_id}).one() == before


# ---------------------------------------------------------------------------- the person


def _registration(database: Database) -> Callable[..., RegistrationInput]:
    with database.read() as session:
        room = next(r.id for r in reference.rooms(session) if r.name == "矛盾纠纷调解室")
        category = next(c.id for c in reference.categories(session) if c.name == "邻里")

    def visit(person: PersonMatch | None = None, **changes: object) -> RegistrationInput:
        values: dict[str, object] = dict(
            name="王秀英", id_number=id_number(7), phone="13912345678", gender="女",
            address="建设路12号", summary="楼道堆放杂物", room_id=room, category_id=category)
        if person is not None:
            values.update(person_id=person.person_id, person_version=person.version)
        values.update(changes)
        return RegistrationInput(**values)  # type: ignore[arg-type]

    return visit


def test_a_person_changed_by_another_desk_is_not_overwritten_at_registration(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    visit = _registration(one)
    register_visit(one, visit())
    with one.read() as session:
        (chosen,) = find_people(session, id_number(7))  # both desks pick the resident
    register_visit(two, visit(chosen, phone="13700001111", summary="又来反映噪音"))
    with pytest.raises(StaleEditError) as caught:
        register_visit(one, visit(chosen, address="建设路12号3单元", summary="第三次来访"))
    assert "来访人信息已被他人修改（二号窗口" in str(caught.value)
    assert changes(caught.value) == {
        "联系电话": ("13912345678", "13700001111"), "住址": ("建设路12号3单元", "建设路12号")}
    with one.read() as session:
        person = session.scalar(select(Person))
        assert person is not None and person.phone == "13700001111"
        assert session.scalar(select(func.count()).select_from(Visit)) == 2
        (fresh,) = find_people(session, id_number(7))
    assert fresh.version == chosen.version + 1
    # Re-chosen (reloaded), the visit is registered and the address updated.
    register_visit(one, visit(fresh, phone="13700001111", address="建设路12号3单元",
                              summary="第三次来访"))
    with one.read() as session:
        person = session.scalar(select(Person))
        assert person is not None and person.address == "建设路12号3单元"
        assert person.changed_by == "一号窗口"


def test_a_person_changed_between_the_check_and_the_write(
        desks: tuple[Database, Database]) -> None:
    """On PostgreSQL the other desk commits its change just before this desk locks the
    person row (``FOR NO KEY UPDATE``): the check under the lock sees the newer version."""
    one, two = desks
    if one.is_sqlite:
        pytest.skip("SQLite writers hold the write lock from the start: no such interleaving")
    visit = _registration(one)
    register_visit(one, visit())
    with one.read() as session:
        (chosen,) = find_people(session, id_number(7))
    fired: list[str] = []

    def other_desk_commits_first(_conn, _cursor, statement, _params,  # type: ignore[no-untyped-def]
                                 _context, _executemany) -> None:
        if not fired and "FROM person" in statement and "FOR NO KEY UPDATE" in statement:
            fired.append(statement)
            with two.write() as session:
                session.execute(text(
                    "UPDATE person SET phone = '13700001111', version = version + 1,"
                    " changed_by = '二号窗口' WHERE id = :id"), {"id": chosen.person_id})

    event.listen(one.engine, "before_cursor_execute", other_desk_commits_first)
    try:
        with pytest.raises(StaleEditError) as caught:
            register_visit(one, visit(chosen, address="建设路12号3单元", summary="第二次来访"))
    finally:
        event.remove(one.engine, "before_cursor_execute", other_desk_commits_first)
    assert fired
    assert caught.value.changed_by == "二号窗口"
    assert changes(caught.value) == {
        "联系电话": ("13912345678", "13700001111"), "住址": ("建设路12号3单元", "建设路12号")}
    with one.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 1


# ---------------------------------------------------------------------------- parties


def test_stale_party_edits_and_removals_are_refused(desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    party = detail(one, ref.case_id).parties[0]
    with one.read() as session:
        form, version = mediation.party_form(session, party.id)
    assert version == party.version
    mediation.update_party(two, party.id, h.person(1, phone="13911112222"), version=version)
    assert version_of(one, CaseParty, party.id) == version + 1

    with pytest.raises(StaleEditError) as caught:
        mediation.update_party(one, party.id, h.person(1, address="东城区新地址8号"),
                               version=version)
    assert changes(caught.value) == {
        "住址/住所": ("东城区新地址8号", "东城区建设路1号"),
        "联系电话": ("13800130001", "13911112222"),
    }
    assert str(caught.value).startswith("该当事人已被他人修改（二号窗口 于 ")
    with pytest.raises(StaleEditError) as caught:
        mediation.remove_party(one, party.id, version=version)
    assert str(caught.value).startswith("该当事人已被他人修改（二号窗口 于 ")
    assert str(caught.value).endswith("），请重新载入后再删除")
    now = detail(one, ref.case_id).parties[0]
    assert (now.id, now.phone, now.address) == (party.id, "13911112222", "东城区建设路1号")

    # With the version it shows now, the first desk's edit and then removal go through.
    mediation.update_party(one, party.id, h.person(1, phone="13911112222",
                                                  address="东城区新地址8号"),
                           version=now.version)
    assert version_of(one, CaseParty, party.id) == now.version + 1
    mediation.remove_party(one, party.id, version=now.version + 1)
    assert [p.name for p in detail(one, ref.case_id).parties] == ["当事人2"]
    # The second desk's form on the removed party: refused as deleted.
    with pytest.raises(StaleEditError) as caught:
        mediation.update_party(two, party.id, form, version=now.version)
    assert caught.value.deleted and str(caught.value) == "该当事人已被他人删除，请重新载入"


def test_a_stale_party_names_its_kind_and_link_in_words(
        desks: tuple[Database, Database]) -> None:
    """Another desk made the party a company, or linked it to a resident on record: the
    refusal says 自然人 / 法人或其他组织 and 已关联（编号…）, not the stored codes."""
    one, two = desks
    visit = register(one, 9)
    person_id = person_of(one, visit.visit_id)
    ref = h.make_case(one)
    first, second = detail(one, ref.case_id).parties
    mediation.update_party(two, first.id, h.organisation(side="申请人"), version=first.version)
    with one.read() as session:
        linked, _ = mediation.party_form(session, second.id)
    linked.person_id = person_id
    mediation.update_party(two, second.id, linked, version=second.version)

    with pytest.raises(StaleEditError) as caught:
        mediation.update_party(one, first.id, h.person(1, phone="13911112222"),
                               version=first.version)
    assert changes(caught.value)["类型"] == ("自然人", "法人或其他组织")
    with pytest.raises(StaleEditError) as caught:
        mediation.update_party(one, second.id, h.person(2, "被申请人", phone="13911112222"),
                               version=second.version)
    assert changes(caught.value) == {
        "关联来访人": ("", f"已关联（编号{person_id}）"),
        "联系电话": ("13911112222", "13800130002")}


# ---------------------------------------------------------------------------- sessions


def test_stale_session_edits_and_deletions_are_refused(desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    session_id = mediation.add_session(one, ref.case_id, h.session_input(1))
    loaded = detail(one, ref.case_id).sessions[0]
    theirs = h.session_input(1)
    theirs.record = "二号窗口补记：双方同意下周再谈。"
    mediation.update_session(two, session_id, theirs, version=loaded.version)

    mine = h.session_input(1)
    mine.place = "社区调解室"
    with pytest.raises(StaleEditError) as caught:
        mediation.update_session(one, session_id, mine, version=loaded.version)
    assert changes(caught.value) == {
        "调解地点": ("社区调解室", "矛盾纠纷调解室"),
        "调解记录": (loaded.record, "二号窗口补记：双方同意下周再谈。"),
    }
    assert str(caught.value).startswith("该调解记录已被他人修改（二号窗口 于 ")
    with pytest.raises(StaleEditError) as caught:
        mediation.delete_session(one, session_id, version=loaded.version)
    assert str(caught.value).startswith("该调解记录已被他人修改（二号窗口 于 ")
    assert str(caught.value).endswith("），请重新载入后再删除")
    now = detail(one, ref.case_id).sessions[0]
    assert (now.place, now.record, now.version) == (
        "矛盾纠纷调解室", "二号窗口补记：双方同意下周再谈。", loaded.version + 1)
    mediation.delete_session(one, session_id, version=now.version)
    assert detail(one, ref.case_id).sessions == []


def test_a_stale_session_names_its_mediator_and_recorder(
        desks: tuple[Database, Database]) -> None:
    """Another desk named who held and who wrote the session; this desk's form names
    nobody: the refusal gives both by name, and an empty side as empty."""
    one, two = desks
    ref = h.make_case(one)
    mediator, _, recorder = h.staff(one)
    session_id = mediation.add_session(one, ref.case_id, h.session_input(1))
    loaded = detail(one, ref.case_id).sessions[0]
    theirs = h.session_input(1)
    theirs.mediator_id, theirs.recorder_id = mediator, recorder
    mediation.update_session(two, session_id, theirs, version=loaded.version)

    mine = h.session_input(1)
    mine.place = "社区调解室"
    # An account of no member of staff: the form's empty names stay empty.
    with acting_as(one, {"mediator"}), pytest.raises(StaleEditError) as caught:
        mediation.update_session(one, session_id, mine, version=loaded.version)
    assert changes(caught.value) == {
        "调解地点": ("社区调解室", "矛盾纠纷调解室"),
        "调解员": ("", "王志刚"), "记录人": ("", "李慧敏")}


# ---------------------------------------------------------------------------- agreement


def test_a_stale_agreement_does_not_overwrite_the_other_desks_clauses(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    mediation.save_agreement(one, ref.case_id, h.agreement(), version=None)
    loaded = detail(one, ref.case_id).agreement
    assert loaded is not None and loaded.version is not None
    # Only the clauses change: the agreement row itself still counts one more version.
    theirs = ["被申请人于2026年12月31日前赔偿申请人损失人民币5000元。"]
    mediation.save_agreement(two, ref.case_id, h.agreement(theirs), version=loaded.version)
    assert version_of(one, Agreement, ref.case_id) == loaded.version + 1

    mine = h.agreement(["被申请人当面道歉。", *loaded.clauses])
    with pytest.raises(StaleEditError) as caught:
        mediation.save_agreement(one, ref.case_id, mine, version=loaded.version)
    assert "调解协议已被他人修改（二号窗口" in str(caught.value)
    assert changes(caught.value) == {
        "协议条款": ("\n".join(mine.clauses), theirs[0])}
    saved = detail(one, ref.case_id).agreement
    assert saved is not None and saved.clauses == theirs


def test_a_stale_agreement_names_its_form_in_words(desks: tuple[Database, Database]) -> None:
    """The other desk recorded the agreement as oral: the refusal says 协议形式 changed from
    书面协议 to 口头协议, in the words of the form, not the stored codes."""
    one, two = desks
    ref = h.make_case(one)
    mediation.save_agreement(one, ref.case_id, h.agreement(), version=None)
    loaded = detail(one, ref.case_id).agreement
    assert loaded is not None
    mediation.save_agreement(two, ref.case_id, h.agreement(kind="oral"), version=loaded.version)
    with pytest.raises(StaleEditError) as caught:
        mediation.save_agreement(one, ref.case_id, h.agreement(copies=3),
                                 version=loaded.version)
    assert changes(caught.value) == {"协议形式": ("书面协议", "口头协议"), "协议份数": ("3", "")}
    assert str(caught.value).startswith("该调解协议已被他人修改（二号窗口 于 ")


def test_two_desks_writing_the_first_agreement(desks: tuple[Database, Database]) -> None:
    """Both forms were loaded when the case had no agreement; the second save is refused."""
    one, two = desks
    ref = h.make_case(one)
    assert detail(one, ref.case_id).agreement is None
    mediation.save_agreement(two, ref.case_id, h.agreement(["二号窗口的条款"]), version=None)
    with pytest.raises(StaleEditError) as caught:
        mediation.save_agreement(one, ref.case_id, h.agreement(["一号窗口的条款"]), version=None)
    assert changes(caught.value)["协议条款"] == ("一号窗口的条款", "二号窗口的条款")
    saved = detail(one, ref.case_id).agreement
    assert saved is not None and saved.clauses == ["二号窗口的条款"]


# ---------------------------------------------------------------------------- follow-ups


def test_stale_follow_ups_and_judicial_confirmations_are_refused(
        desks: tuple[Database, Database]) -> None:
    one, two = desks
    ref = h.make_case(one)
    mediation.save_agreement(one, ref.case_id, h.agreement(signed_on=date(2026, 11, 20)),
                             version=None)
    mediation.close_case(one, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    mediation.save_judicial_confirmation(one, ref.case_id,
                                         mediation.JudicialInput(court="东城区人民法院"),
                                         version=None)
    loaded = detail(one, ref.case_id)
    follow_up, judicial = loaded.follow_ups[0], loaded.judicial
    assert judicial is not None
    visitor = h.staff(one)[0]
    done = mediation.FollowUpInput(planned_on=follow_up.planned_on, done_on=date(2026, 11, 25),
                                   method="电话", visitor_id=visitor, performance="已履行",
                                   satisfaction="满意", notes="二号窗口回访")
    mediation.update_follow_up(two, follow_up.id, done, version=follow_up.version)
    mediation.save_judicial_confirmation(two, ref.case_id, mediation.JudicialInput(
        court="东城区人民法院", applied_on=date(2026, 11, 24)), version=judicial.version)

    with pytest.raises(StaleEditError) as caught:
        mediation.update_follow_up(one, follow_up.id, mediation.FollowUpInput(
            planned_on=follow_up.planned_on, notes="一号窗口的备注"), version=follow_up.version)
    assert changes(caught.value) == {
        "回访日期": ("", "2026-11-25"), "回访方式": ("", "电话"), "回访人": ("", "王志刚"),
        "履行情况": ("", "已履行"), "满意度": ("", "满意"),
        "回访情况": ("一号窗口的备注", "二号窗口回访"),
    }
    assert str(caught.value).startswith("该回访记录已被他人修改（二号窗口 于 ")
    with pytest.raises(StaleEditError) as caught:
        mediation.save_judicial_confirmation(one, ref.case_id, mediation.JudicialInput(
            court="东城区人民法院", notes="一号窗口"), version=judicial.version)
    assert set(changes(caught.value)) == {"申请日期", "备注"}
    assert str(caught.value).startswith("该司法确认已被他人修改（二号窗口 于 ")
    now = detail(one, ref.case_id)
    assert now.follow_ups[0].notes == "二号窗口回访"
    assert now.judicial is not None and now.judicial.applied_on == date(2026, 11, 24)
    assert now.follow_ups[0].version == follow_up.version + 1
    assert now.judicial.version == judicial.version + 1


def test_the_judicial_deadline_follows_the_agreement_without_making_its_form_stale(
        database: Database) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=date(2026, 11, 20)),
                             version=None)
    mediation.save_judicial_confirmation(database, ref.case_id,
                                         mediation.JudicialInput(court="东城区人民法院"),
                                         version=None)
    loaded = detail(database, ref.case_id)
    assert loaded.agreement is not None and loaded.judicial is not None
    mediation.save_agreement(database, ref.case_id, h.agreement(
        signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 25)),
        version=loaded.agreement.version)
    now = detail(database, ref.case_id)
    assert now.judicial is not None and now.judicial.deadline_on == date(2026, 12, 25)
    assert now.judicial.version == loaded.judicial.version
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="东城区人民法院", applied_on=date(2026, 12, 1)), version=loaded.judicial.version)
    assert version_of(database, JudicialConfirmation,
                      _judicial_id(database, ref.case_id)) == loaded.judicial.version + 1


def _judicial_id(database: Database, case_id: int) -> int:
    with database.read() as session:
        return int(session.scalar(select(JudicialConfirmation.id)
                                  .where(JudicialConfirmation.case_id == case_id)))


# ---------------------------------------------------------------------------- closed cases


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_closed_case_refuses_edits_until_reopened(database: Database) -> None:
    ref = h.make_case(database)
    session_id = mediation.add_session(database, ref.case_id, h.session_input(1))
    mediation.save_agreement(database, ref.case_id, h.agreement(), version=None)
    mediation.close_case(database, ref.case_id,
                         mediation.OutcomeInput("调解成功", closed_on=date(2026, 11, 20)))
    closed = detail(database, ref.case_id)
    party, record = closed.parties[0], closed.sessions[0]
    assert closed.agreement is not None and closed.is_closed

    refusals = [
        lambda: mediation.update_case(database, ref.case_id, edited(
            mediation.case_input(closed), facts="结案后改写的事实"), version=closed.version),
        lambda: mediation.add_party(database, ref.case_id, h.person(5)),
        lambda: mediation.update_party(database, party.id, h.person(1, phone="13911112222"),
                                       version=party.version),
        lambda: mediation.remove_party(database, party.id, version=party.version),
        lambda: mediation.add_session(database, ref.case_id, h.session_input(2)),
        lambda: mediation.update_session(database, session_id, h.session_input(3),
                                         version=record.version),
        lambda: mediation.delete_session(database, session_id, version=record.version),
        lambda: mediation.save_agreement(database, ref.case_id, h.agreement(["改写的条款"]),
                                         version=closed.agreement.version),  # type: ignore[union-attr]
    ]
    for refuse in refusals:
        with pytest.raises(ValidationError) as caught:
            refuse()
        assert caught.value.errors == {"closed": "该案件已结案，如需修改请先“重新打开”"}
    with pytest.raises(ValidationError) as caught:
        mediation.close_case(database, ref.case_id, mediation.OutcomeInput(
            "终止调解", reason="重复结案"))
    assert "已于2026-11-20结案（调解成功）" in caught.value.errors["outcome"]
    same = detail(database, ref.case_id)
    assert (same.facts, same.outcome, same.version) == (closed.facts, "调解成功", closed.version)
    assert [(p.id, p.phone) for p in same.parties] == [(p.id, p.phone) for p in closed.parties]
    assert same.sessions == closed.sessions and same.agreement == closed.agreement

    # What comes after closing stays open: the 立卷 fields, 回访, 司法确认 and scans.
    m1 = h.staff(database)[0]
    mediation.update_case(database, ref.case_id, edited(
        mediation.case_input(closed), archive_no="2026-卷-007", filed_by_id=m1,
        filed_on=date(2026, 11, 30), retention="永久"), version=closed.version)
    follow_up = same.follow_ups[0]
    mediation.update_follow_up(database, follow_up.id, mediation.FollowUpInput(
        planned_on=follow_up.planned_on, done_on=date(2026, 11, 28), method="上门",
        visitor_id=m1, performance="已履行", satisfaction="满意"), version=follow_up.version)
    mediation.add_follow_up(database, ref.case_id,
                            mediation.FollowUpInput(planned_on=date(2026, 12, 28)))
    mediation.save_judicial_confirmation(database, ref.case_id, mediation.JudicialInput(
        court="东城区人民法院", applied_on=date(2026, 11, 29)), version=None)
    mediation.add_attachment(database, ref.case_id, kind="履行凭证", filename="收条.png",
                             content=_png())
    filed = detail(database, ref.case_id)
    assert (filed.archive_no, filed.retention, filed.filed_on) == (
        "2026-卷-007", "永久", date(2026, 11, 30))
    assert len(filed.follow_ups) == 2 and filed.judicial is not None
    assert [a.kind for a in filed.attachments] == ["履行凭证"]

    # Reopened, the case takes edits again (reopening twice changes nothing).
    mediation.reopen_case(database, ref.case_id)
    mediation.reopen_case(database, ref.case_id)
    reopened = detail(database, ref.case_id)
    assert not reopened.is_closed
    mediation.update_case(database, ref.case_id, edited(
        mediation.case_input(reopened), facts="重新打开后补充的事实"), version=reopened.version)
    mediation.add_session(database, ref.case_id, h.session_input(2))
    assert detail(database, ref.case_id).facts == "重新打开后补充的事实"


def test_a_stale_form_saved_after_closing_is_refused(desks: tuple[Database, Database]) -> None:
    """The form was loaded while the case was open; another desk closed it since."""
    one, two = desks
    ref = h.make_case(one)
    mediation.add_session(one, ref.case_id, h.session_input(1))
    loaded = detail(one, ref.case_id)
    mediation.close_case(two, ref.case_id, mediation.OutcomeInput(
        "调解不成功", reason="双方分歧较大", guided_to="诉讼", closed_on=date(2026, 11, 10)))

    with pytest.raises(ValidationError) as caught:
        mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                       facts="结案前打开的旧表单"),
                              version=loaded.version)
    assert "已结案" in caught.value.errors["closed"]
    with pytest.raises(ValidationError):
        mediation.update_session(one, loaded.sessions[0].id, h.session_input(1),
                                 version=loaded.sessions[0].version)
    with pytest.raises(ValidationError):
        mediation.save_agreement(one, ref.case_id, h.agreement(), version=None)
    now = detail(one, ref.case_id)
    assert (now.facts, now.outcome, now.agreement) == (loaded.facts, "调解不成功", None)
    # Even the 立卷 fields: the form is stale (the closing made a new version).
    with pytest.raises(StaleEditError):
        mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                       archive_no="旧表单卷号"),
                              version=loaded.version)
    assert detail(one, ref.case_id).archive_no is None


def test_versions_start_at_one_and_rows_say_who_made_them(database: Database) -> None:
    ref = h.make_case(database)
    mediation.add_session(database, ref.case_id, h.session_input(1))
    with database.read() as session:
        for model in (MediationCase, CaseParty, MediationSession):
            rows = session.scalars(select(model)).all()
            assert rows and {r.version for r in rows} == {1}, model
            assert all(isinstance(r.changed_at, datetime) for r in rows)
            assert {r.changed_by for r in rows} == {database.desk}
        assert session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_deleting_a_record_changed_since_the_list_says_who_changed_it_and_when() -> None:
    from types import SimpleNamespace

    from desktop.services.versions import refuse_stale_delete

    row = SimpleNamespace(version=3, changed_by="二号窗口",
                          changed_at=datetime(2026, 12, 1, 16, 20))
    refuse_stale_delete("调解案件", row, 3)  # type: ignore[arg-type]  # unchanged: goes on
    with pytest.raises(StaleEditError) as refused:
        refuse_stale_delete("调解案件", row, 2)  # type: ignore[arg-type]
    assert str(refused.value) == (
        "该调解案件已被他人修改（二号窗口 于 2026-12-01 16:20），请重新载入后再删除")
    assert refused.value.changes == []


def test_a_refused_save_names_each_field_by_its_key_and_label() -> None:
    from desktop.services.versions import Loaded, refuse_stale

    with pytest.raises(StaleEditError) as refused:
        refuse_stale("来访登记", Loaded(4, "一号窗口", None), 3,
                     before={"phone": "13900000000", "summary": "噪音"},
                     after={"phone": "13911111111", "summary": "噪音"},
                     labels={"phone": "联系电话", "summary": "事项摘要"})
    assert [(c.field, c.label, c.yours, c.current) for c in refused.value.changes] == [
        ("phone", "联系电话", "13911111111", "13900000000")]
    assert str(refused.value) == "该来访登记已被他人修改（一号窗口），请重新载入后再保存"


def test_a_stale_case_save_names_the_category_recorder_and_mediators_in_words(
        desks: tuple[Database, Database]) -> None:
    """What the other desk changed is shown as the form shows it: the category's name,
    the recorder's and the mediators' names in their order, not their ids."""
    one, two = desks
    ref = h.make_case(one)
    loaded = detail(one, ref.case_id)
    m1, m2, m3 = h.staff(one)
    with two.read() as session:
        categories = {c.name: c.id for c in reference.categories(session)}
    theirs = mediation.case_input(detail(two, ref.case_id))
    mediation.update_case(two, ref.case_id, edited(
        theirs, category_id=categories["邻里"], recorder_id=m1, mediator_ids=[m3, m2],
        filed_by_id=m2),
        version=loaded.version)
    with pytest.raises(StaleEditError) as caught:
        mediation.update_case(one, ref.case_id, edited(mediation.case_input(loaded),
                                                       facts="一号窗口的事实"),
                              version=loaded.version)
    with one.read() as session:
        staff = {s.id: s.name for s in session.scalars(select(Staff))}
    found = changes(caught.value)
    assert found["纠纷类别"] == (loaded.category or "", "邻里")
    assert found["记录人"][1] == staff[m1]
    assert found["调解员"][1] == "、".join(staff[i] for i in sorted([m2, m3]))
    assert found["立卷人"][1] == staff[m2]
    assert found["纠纷主要事实"] == ("一号窗口的事实", loaded.facts)
