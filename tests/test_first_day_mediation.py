"""Mediation rules a real centre tripped over on its first day (issue 9)."""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.models import Staff
from desktop.services import mediation
from desktop.services.errors import ValidationError
from tests import mediation_helpers as h


def test_a_written_agreement_does_not_close_without_its_signing_date(
    database: Database,
) -> None:
    ref = h.make_case(database)
    mediation.save_agreement(database, ref.case_id, h.agreement(signed_on=None), version=None)
    with pytest.raises(ValidationError) as caught:
        mediation.close_case(database, ref.case_id, mediation.OutcomeInput("调解成功"))
    assert "签订日期" in caught.value.errors["outcome"]
    with database.read() as session:
        assert mediation.case_detail(session, ref.case_id).outcome is None


def test_only_mediators_can_be_chosen_as_mediators(database: Database) -> None:
    h.staff(database)
    with database.write() as session:
        receptionist = Staff(name="赵前台", role="receptionist", active=True)
        session.add(receptionist)
        session.flush()
        receptionist_id = receptionist.id
    data = mediation.CaseInput(facts="楼上装修噪音扰民。", matters="停止夜间施工",
                               mediator_ids=[receptionist_id])
    with pytest.raises(ValidationError) as caught:
        mediation.accept_case(database, data, [h.person(1), h.person(2, "被申请人")])
    assert "赵前台" in caught.value.errors["mediators"]
