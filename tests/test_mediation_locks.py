"""Two desks on one case on PostgreSQL, each step of the race made to happen in order:
a desk saving a party waits for another desk that is closing the case or removing that
party, then is refused in words. (SQLite takes the whole database's write lock at the
start of every write, so no such interleaving exists there.)

The other desk is a raw connection holding its rows; the waiting is watched through
``pg_stat_activity``, not timed.
"""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.services import mediation
from desktop.services.errors import StaleEditError, ValidationError
from tests import mediation_helpers as h
from tests.rules_helpers import waits_then


@pytest.fixture
def pg_database(database: Database) -> Database:
    if database.is_sqlite:
        pytest.skip("SQLite writers take the whole database's write lock: no row locks")
    return database


def _party_saved_while(database: Database, hold: list[str]
                       ) -> tuple[object, mediation.CaseRef, mediation.PartyData]:
    """The first party of a new case saved (a new phone) while another desk holds ``hold``
    (``:case``, ``:party``): what the save returned or raised, the case, the party before."""
    ref = h.make_case(database)
    with database.read() as session:
        party = mediation.case_detail(session, ref.case_id).parties[0]
    outcome = waits_then(database, hold, {"case": ref.case_id, "party": party.id},
                          lambda: mediation.update_party(
                              database, party.id, h.person(1, phone="13911112222"),
                              version=party.version))
    return outcome, ref, party


def test_a_party_saved_while_another_desk_closes_the_case_waits_and_is_refused(
        pg_database: Database) -> None:
    database = pg_database
    outcome, ref, party = _party_saved_while(database, [
        "SELECT id FROM mediation_case WHERE id = :case FOR UPDATE",
        "UPDATE mediation_case SET outcome = '终止调解', closed_on = accepted_on WHERE id = :case",
    ])
    assert isinstance(outcome, ValidationError) and set(outcome.errors) == {"closed"}
    with database.read() as session:
        assert mediation.case_detail(session, ref.case_id).parties[0].phone == party.phone


def test_a_party_saved_while_another_desk_removes_it_waits_and_is_told_it_is_gone(
        pg_database: Database) -> None:
    outcome, _, _ = _party_saved_while(pg_database, [
        "SELECT id FROM mediation_case WHERE id = :case FOR UPDATE",
        "DELETE FROM case_party WHERE id = :party",
    ])
    assert isinstance(outcome, StaleEditError)
    assert outcome.deleted and str(outcome) == "该当事人已被他人删除，请重新载入"
