"""The care register's visit rules one by one: when the next home visit is due, every
refusal of a visit with its field and message, the boundaries of its date, and what a
visit stores (``care/schedule``, ``care/visits``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import CareEntry, CareVisit
from desktop.services.care import entries, listing, schedule, visits
from desktop.services.care.visits import VisitInput
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from tests.care_helpers import care_entry, care_staff

TODAY = date(2026, 12, 2)
REGISTERED = date(2026, 11, 20)


def _entry(database: Database, **changes: object) -> int:
    return entries.register_entry(database, care_entry("李桂芝", 31, REGISTERED, **changes))


def _due(database: Database, entry_id: int) -> date:
    with database.read() as session:
        due = session.scalar(select(CareEntry.next_due_on).where(CareEntry.id == entry_id))
    assert due is not None
    return due


def _visit_errors(database: Database, entry_id: int, data: VisitInput,
                  **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        visits.add_visit(database, entry_id, data, **kw)  # type: ignore[arg-type]
    return info.value.errors


def _visits(database: Database, entry_id: int) -> list[listing.VisitData]:
    with database.read() as session:
        return listing.entry_detail(session, entry_id).visits


# -- when the next visit is due --------------------------------------------------------------


def test_the_next_visit_is_the_last_plus_the_frequency_in_calendar_days() -> None:
    assert schedule.next_visit_due(date(2026, 2, 27), 1) == date(2026, 2, 28)
    assert schedule.next_visit_due(date(2026, 2, 28), 1) == date(2026, 3, 1)
    assert schedule.next_visit_due(date(2026, 11, 20), 30) == date(2026, 12, 20)
    assert schedule.days_left(date(2026, 12, 5), TODAY) == 3
    assert schedule.days_left(TODAY, TODAY) == 0
    assert schedule.days_left(date(2026, 11, 30), TODAY) == -2


def test_without_visits_the_next_is_due_from_registration(database: Database) -> None:
    entry_id = _entry(database, frequency_days=10)
    assert _due(database, entry_id) == REGISTERED + timedelta(days=10)


def test_the_latest_visit_sets_the_next_whatever_the_order_they_are_typed_in(
        database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 28), "身体尚可"))
    assert _due(database, entry_id) == date(2026, 12, 12)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 24), "补录一次走访"))
    assert _due(database, entry_id) == date(2026, 12, 12)
    with database.read() as session:
        assert schedule.last_visit_on(session, entry_id) == date(2026, 11, 28)
        assert schedule.last_visit_on(session, entry_id + 1000) is None


def test_a_visit_on_the_day_of_registration_counts(database: Database) -> None:
    entry_id = _entry(database, frequency_days=7)
    visits.add_visit(database, entry_id, VisitInput(REGISTERED, "登记当天走访"))
    assert _due(database, entry_id) == REGISTERED + timedelta(days=7)


def test_a_new_frequency_moves_the_next_visit_from_the_last_one(database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"))
    with database.read() as session:
        detail = listing.entry_detail(session, entry_id)
    data = detail.data
    data.frequency_days = 3
    entries.update_entry(database, entry_id, data, version=detail.version)
    assert _due(database, entry_id) == date(2026, 11, 28)


def test_the_due_list_shows_a_week_ahead_and_everything_overdue(database: Database) -> None:
    soon = _entry(database, frequency_days=19)  # due 2026-12-09, seven days ahead
    later = entries.register_entry(database, care_entry("王秀英", 32, REGISTERED,
                                                        frequency_days=20))  # 2026-12-10
    late = entries.register_entry(database, care_entry("赵国强", 33, REGISTERED,
                                                       frequency_days=5))  # 2026-11-25
    with database.read() as session:
        rows = listing.due_visits(session, today=TODAY)
    assert [(r.entry_id, r.days_left) for r in rows] == [(late, -7), (soon, 7)]
    assert later not in [r.entry_id for r in rows]


# -- what a visit may not be, and the message -----------------------------------------------


def test_a_visit_is_refused_field_by_field() -> None:
    assert visits.validate_visit(VisitInput(TODAY, ""), TODAY) == {
        "findings": "请填写走访情况"}
    assert visits.validate_visit(VisitInput(TODAY, "走访", help_kind="现金",
                                            help_text="一百元"), TODAY) == {
        "help_kind": "帮扶类型不正确"}
    assert visits.validate_visit(VisitInput(TODAY, "走访", help_kind="资金"), TODAY) == {
        "help_text": "请填写帮扶内容"}
    assert visits.validate_visit(VisitInput(TODAY, "走访", help_text="慰问金"), TODAY) == {
        "help_kind": "请选择帮扶类型"}
    assert visits.validate_visit(VisitInput(TODAY, "走访", staff_id=0), TODAY) == {
        "staff_id": "所选走访人不存在"}
    assert visits.validate_visit(VisitInput(date(1899, 12, 31), "走访"), TODAY) == {
        "visited_on": "走访日期应在1900年至2100年之间"}
    assert visits.validate_visit(VisitInput(date(2101, 1, 1), "走访"), TODAY) == {
        "visited_on": "走访日期应在1900年至2100年之间"}


def test_every_kind_of_help_is_taken_with_what_it_was() -> None:
    for kind in ("物资", "资金", "政策", "心理", "其他"):
        assert visits.validate_visit(VisitInput(TODAY, "走访", help_kind=kind,
                                                help_text="写明内容"), TODAY) == {}
    assert visits.validate_visit(VisitInput(TODAY, "走访", staff_id=3), TODAY) == {}


def test_a_visit_is_dated_up_to_today_which_the_caller_may_give(database: Database) -> None:
    assert visits.validate_visit(VisitInput(TODAY, "走访"), TODAY) == {}
    assert visits.validate_visit(VisitInput(TODAY + timedelta(days=1), "走访"), TODAY) == {
        "visited_on": "走访日期不能晚于今天"}
    entry_id = _entry(database)
    assert _visit_errors(database, entry_id, VisitInput(TODAY + timedelta(days=1), "走访")) \
        == {"visited_on": "走访日期不能晚于今天"}
    visits.add_visit(database, entry_id, VisitInput(TODAY + timedelta(days=1), "走访"),
                     today=TODAY + timedelta(days=1))
    assert _visit_errors(database, entry_id, VisitInput(TODAY, "走访"),
                         today=TODAY - timedelta(days=1)) == {
        "visited_on": "走访日期不能晚于今天"}


def test_a_visit_falls_between_registration_and_the_end_of_care(database: Database) -> None:
    entry_id = _entry(database)
    assert _visit_errors(database, entry_id, VisitInput(REGISTERED - timedelta(days=1),
                                                        "走访")) == {
        "visited_on": "走访日期不能早于登记日期 2026-11-20"}
    with database.read() as session:
        version = listing.entry_detail(session, entry_id).version
    entries.end_entry(database, entry_id, date(2026, 11, 30), "迁出本市", version=version)
    assert _visit_errors(database, entry_id, VisitInput(date(2026, 12, 1), "走访")) == {
        "visited_on": "该对象已于 2026-11-30 结束关爱"}
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 30), "结束当天走访"))
    visits.add_visit(database, entry_id, VisitInput(REGISTERED, "登记当天走访"))
    assert [v.visited_on for v in _visits(database, entry_id)] == [
        date(2026, 11, 30), REGISTERED]


def test_a_visit_by_someone_unknown_or_to_no_entry_is_refused(database: Database) -> None:
    entry_id = _entry(database)
    assert _visit_errors(database, entry_id, VisitInput(TODAY, "走访", staff_id=999_999)) == {
        "staff_id": "所选走访人不存在"}
    for missing in (0, entry_id + 1000):
        with pytest.raises(NotFoundError, match=r"^没有找到该关爱对象$"):
            visits.add_visit(database, missing, VisitInput(TODAY, "走访"))
    with database.read() as session:
        assert session.scalar(select(CareVisit)) is None


# -- what a visit stores -------------------------------------------------------------------


def test_a_visit_is_by_the_signed_in_account_unless_someone_else_is_named(
        database: Database) -> None:
    entry_id = _entry(database)
    other = care_staff(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"))
    visits.add_visit(database, entry_id, VisitInput(
        date(2026, 11, 28), "暖气不热", staff_id=other, help_kind="物资", help_text="棉被一床"))
    latest, first = _visits(database, entry_id)
    assert database.actor is not None and database.actor.staff_id is not None
    assert (first.staff_id, first.findings, first.help_kind, first.help_text) == (
        database.actor.staff_id, "身体尚可", None, "")
    assert (latest.staff_id, latest.staff, latest.findings, latest.help_kind,
            latest.help_text) == (other, "周敏", "暖气不热", "物资", "棉被一床")
    with database.read() as session:
        stored = session.scalars(select(CareVisit.help_text).order_by(CareVisit.id)).all()
    assert stored == [None, "棉被一床"]


def test_a_corrected_visit_takes_every_new_value_and_moves_the_due_day(
        database: Database) -> None:
    entry_id = _entry(database, frequency_days=14)
    other = care_staff(database)
    visits.add_visit(database, entry_id, VisitInput(
        date(2026, 11, 25), "身体尚可", help_kind="物资", help_text="米面油"))
    (visit,) = _visits(database, entry_id)
    visits.update_visit(database, visit.visit_id, VisitInput(
        date(2026, 11, 27), "血压偏高", staff_id=other), version=visit.version)
    (changed,) = _visits(database, entry_id)
    assert (changed.visited_on, changed.findings, changed.staff_id, changed.help_kind,
            changed.help_text) == (date(2026, 11, 27), "血压偏高", other, None, "")
    assert _due(database, entry_id) == date(2026, 12, 11)


def test_a_bad_correction_changes_nothing(database: Database) -> None:
    entry_id = _entry(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"))
    (visit,) = _visits(database, entry_id)
    with pytest.raises(ValidationError) as info:
        visits.update_visit(database, visit.visit_id, VisitInput(
            REGISTERED - timedelta(days=1), "改"), version=visit.version)
    assert info.value.errors == {"visited_on": "走访日期不能早于登记日期 2026-11-20"}
    with pytest.raises(ValidationError) as info:
        visits.update_visit(database, visit.visit_id, VisitInput(
            TODAY + timedelta(days=1), "改"), version=visit.version)
    assert info.value.errors == {"visited_on": "走访日期不能晚于今天"}
    visits.update_visit(database, visit.visit_id, VisitInput(
        TODAY + timedelta(days=1), "改"), version=visit.version, today=TODAY + timedelta(days=1))
    assert _visits(database, entry_id)[0].visited_on == TODAY + timedelta(days=1)


def test_a_visit_gone_or_changed_is_not_saved_or_deleted(database: Database) -> None:
    entry_id = _entry(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"))
    (visit,) = _visits(database, entry_id)
    for missing in (0, visit.visit_id + 1000):
        with pytest.raises(StaleEditError, match=r"^该走访记录已被他人删除，请重新载入$"):
            visits.update_visit(database, missing, VisitInput(TODAY, "走访"), version=1)
        with pytest.raises(StaleEditError, match=r"^该走访记录已被他人删除，请重新载入$"):
            visits.delete_visit(database, missing, version=1)
    with pytest.raises(StaleEditError, match=r"^该走访记录已被他人修改.*请重新载入后再删除$"):
        visits.delete_visit(database, visit.visit_id, version=visit.version + 1)
    visits.delete_visit(database, visit.visit_id, version=visit.version)
    assert _visits(database, entry_id) == []
    assert _due(database, entry_id) == REGISTERED + timedelta(days=14)


def test_a_stale_correction_is_refused_with_what_differs_unless_it_writes_the_same(
        database: Database) -> None:
    entry_id = _entry(database)
    visits.add_visit(database, entry_id, VisitInput(date(2026, 11, 25), "身体尚可"))
    (loaded,) = _visits(database, entry_id)
    visits.update_visit(database, loaded.visit_id, VisitInput(date(2026, 11, 25), "血压偏高"),
                        version=loaded.version)
    with pytest.raises(StaleEditError) as info:
        visits.update_visit(database, loaded.visit_id, VisitInput(
            date(2026, 11, 25), "身体尚可，家中整洁"), version=loaded.version)
    assert info.value.record == "走访记录"
    assert [(c.field, c.label, c.yours, c.current) for c in info.value.changes] == [
        ("findings", "走访情况", "身体尚可，家中整洁", "血压偏高")]
    assert _visits(database, entry_id)[0].findings == "血压偏高"
    # The old form writing exactly what is stored now has nothing to overwrite.
    visits.update_visit(database, loaded.visit_id, VisitInput(date(2026, 11, 25), "血压偏高"),
                        version=loaded.version)
