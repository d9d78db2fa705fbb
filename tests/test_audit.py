"""The audit log: an entry for each kind of action, masked numbers, the chain check.

Tampering is done the way an intruder with the database's password would: raw
SQL, after disabling the trigger that refuses UPDATE and DELETE of the log.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import AuditEntry, AuditHead, Base, ReferralEvent, Staff, Visit
from desktop.services import mediation
from desktop.services.admin import audit, auth
from desktop.services.admin.audit import AuditFilter, AuditLogReadOnly, verify_chain
from desktop.services.admin.staff import save_staff
from desktop.services.errors import ValidationError
from tests.conftest import TEST_ADMIN_LOGIN, TEST_ADMIN_NAME, TEST_ADMIN_PASSWORD
from tests.factories import id_number
from tests.mediation_helpers import make_case, person
from tests.reception_helpers import register


def entries(database: Database, **where: Any) -> list[audit.AuditRow]:
    with database.read() as session:
        return audit.list_entries(session, AuditFilter(**where), limit=None, newest_first=False)


def last_id(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
                   or 0)


def check(database: Database) -> audit.ChainCheck:
    with database.read() as session:
        return verify_chain(session)


def tamper(database: Database, statement: str, **params: object) -> None:
    """Run ``statement`` on the log with its guard trigger out of the way."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
        conn.execute(text(statement), params)
        if not database.is_sqlite:
            conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change"))


def test_a_registration_logs_each_new_record_with_numbers_masked(database: Database) -> None:
    before = last_id(database)
    visit = register(database, 7, summary="长期失眠，有自伤念头")
    new = [e for e in entries(database) if e.id > before]
    created = {(e.raw_detail and e.target.split()[0]) for e in new if e.action == "create"}
    assert {"来访人", "来访登记", "分流"} <= created
    person_entry = next(e for e in new if e.target.startswith("来访人"))
    values = person_entry.raw_detail["values"]
    assert values["id_number"] != id_number(7) and values["id_number"].endswith(id_number(7)[-4:])
    assert "*" in values["phone"]
    visit_entry = next(e for e in new if e.target == f"来访登记 {visit.visit_id}")
    assert visit_entry.raw_detail["values"]["summary"] == audit.CONFIDENTIAL_TEXT
    everything = json.dumps([e.raw_detail for e in entries(database)], ensure_ascii=False)
    assert id_number(7) not in everything and "自伤" not in everything
    # The test database works as the signed-in test administrator.
    assert all(e.staff_name == TEST_ADMIN_NAME and e.desk == database.desk for e in new)
    assert check(database).ok


def test_a_change_logs_old_and_new_value_and_a_delete_logs_what_was_removed(
        database: Database) -> None:
    case = make_case(database)
    with database.read() as session:
        detail = mediation.case_detail(session, case.case_id)
    party = detail.parties[0]
    changed = person(1, name="当事人一号", phone="13800139999")
    mediation.update_party(database, party.id, changed, version=party.version)
    change = entries(database, action="change", target_type="case_party")[-1]
    assert change.target == f"当事人 {party.id}"
    assert change.raw_detail["changes"]["name"] == {"old": "当事人1", "new": "当事人一号"}
    assert change.raw_detail["changes"]["phone"]["new"] == "138****9999"
    assert "version" not in change.raw_detail["changes"]
    assert "当事人1 → 当事人一号" in change.detail.replace("：", " ").replace("name ", "")

    with database.read() as session:
        party_now = next(p for p in mediation.case_detail(session, case.case_id).parties
                         if p.id == party.id)
    mediation.remove_party(database, party.id, version=party_now.version)
    removed = entries(database, action="delete")[-1]
    assert removed.target == f"当事人 {party.id}"
    assert removed.raw_detail["values"]["name"] == "当事人一号"
    assert check(database).ok


def test_every_kind_of_record_the_log_can_name_is_named_in_chinese() -> None:
    """The log's 对象 column says what was changed in words, never by its table's name."""
    tables = {mapper.local_table.name for mapper in Base.registry.mappers}
    audited = sorted(tables - audit.NOT_AUDITED)
    assert len(audited) > 30
    unnamed = [name for name in audited if not re.search(r"[\u4e00-\u9fff]",
                                                         audit.TARGETS.get(name, ""))]
    assert unnamed == []


def test_the_signed_in_account_and_explicit_events_are_recorded(database: Database) -> None:
    with database.write() as session:
        session.info[audit.ACTOR_KEY] = auth.Actor(3, "王芳", frozenset({"admin"}), "wangfang")
        staff_id = save_staff(session, None, "李明", "receptionist", None, "13900001111")
        audit.record(session, "sign_in", "staff", 3, {"结果": "成功"})
    *written, signed_in = entries(database)
    created = next(e for e in reversed(written) if e.target.startswith("工作人员 "))
    assert (created.action, created.target, created.staff_name, created.staff_id) == (
        "create", f"工作人员 {staff_id}", "王芳", 3)
    assert created.raw_detail["values"]["phone"] == "139****1111"
    assert (signed_in.action_label, signed_in.detail) == ("登录", "结果：成功")
    audit.log_event(database, "print", "visit", 12, {"文书": "受理回执"})
    assert entries(database)[-1].action_label == "打印"
    assert entries(database, actor="王")[-1].id == signed_in.id
    assert check(database).ok


def test_a_rolled_back_change_leaves_no_entry(database: Database) -> None:
    before = last_id(database)
    with pytest.raises(RuntimeError), database.write() as session:
        session.add(Staff(name="赵六", role="receptionist"))
        session.flush()
        audit.record(session, "export", "register", "visits")
        raise RuntimeError("the unit of work fails")
    assert last_id(database) == before
    with database.write() as session:
        session.add(Staff(name="赵六", role="receptionist"))
    assert last_id(database) == before + 1


READ_ONLY = "^审计日志只能追加，不能修改或删除$"  # the whole message


def test_the_program_cannot_change_or_remove_an_entry(database: Database) -> None:
    audit.log_event(database, "export", "register", "visits")
    entry_id = last_id(database)
    with pytest.raises(AuditLogReadOnly, match=READ_ONLY), database.write() as session:
        session.get_one(AuditEntry, entry_id).staff_name = "别人"
    with pytest.raises(AuditLogReadOnly, match=READ_ONLY), database.write() as session:
        session.delete(session.get_one(AuditEntry, entry_id))
    with pytest.raises(AuditLogReadOnly, match=READ_ONLY), database.write() as session:
        session.execute(update(AuditEntry).values(action="print"))
    with pytest.raises(AuditLogReadOnly, match=READ_ONLY), database.write() as session:
        session.execute(delete(AuditEntry))
    # Nor can plain SQL: the database refuses it.
    for statement in ("UPDATE audit_entry SET staff_name = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError), database.engine.begin() as conn:
            conn.execute(text(statement))
    assert check(database).ok


def _head(database: Database) -> tuple[int, str]:
    with database.read() as session:
        head = session.get_one(AuditHead, audit.HEAD_ID)
        return head.last_id, head.last_hash


@pytest.mark.parametrize("change", [
    lambda s: setattr(s.get_one(AuditHead, audit.HEAD_ID), "last_id", 0),
    lambda s: s.delete(s.get_one(AuditHead, audit.HEAD_ID)),
    lambda s: s.execute(update(AuditHead).values(last_id=0)),
    lambda s: s.execute(delete(AuditHead)),
], ids=["change", "delete", "bulk-update", "bulk-delete"])
def test_the_program_cannot_move_or_remove_the_end_of_the_chain(
    database: Database, change: Any
) -> None:
    """The head row (the last entry's id and hash) is written by appends alone: moved back,
    it would hide the newest entries' removal."""
    audit.log_event(database, "export", "register", "visits")
    before = _head(database)
    assert before[0] == last_id(database)
    with pytest.raises(AuditLogReadOnly, match=READ_ONLY), database.write() as session:
        change(session)
        session.flush()
    assert _head(database) == before
    assert check(database).ok


def forge_author(database: Database, entry_id: int, name: str) -> None:
    """Change an entry's author and store the hash of the changed entry with it, as a
    forger who knows the hashing would."""
    with database.read() as session:
        entry = session.get_one(AuditEntry, entry_id)
        content = {c: getattr(entry, c) for c in ("id", "at", "staff_id", "desk", "action",
                                                  "target_type", "target_id", "detail")}
        forged = audit.entry_hash(entry.prev_hash, {**content, "staff_name": name})
    tamper(database, "UPDATE audit_entry SET staff_name = :name, hash = :h WHERE id = :id",
           name=name, h=forged, id=entry_id)


def _some_entries(database: Database) -> int:
    for n in range(5):
        audit.log_event(database, "export", "register", f"visits-{n}")
    return last_id(database)


def test_the_check_finds_an_edited_entry(database: Database) -> None:
    last = _some_entries(database)
    assert check(database).ok
    tamper(database, "UPDATE audit_entry SET staff_name = '别人' WHERE id = :id", id=last - 2)
    result = check(database)
    assert not result.ok and result.entry_id == last - 2
    assert f"第 {last - 2} 条" in result.message() and "改动" in result.message()


def test_the_check_finds_an_edit_that_recomputed_the_hash(database: Database) -> None:
    last = _some_entries(database)
    forge_author(database, last - 2, "别人")
    result = check(database)
    assert not result.ok and result.entry_id == last - 1
    assert "衔接不上" in result.message()


def test_the_check_finds_a_deleted_entry(database: Database) -> None:
    last = _some_entries(database)
    tamper(database, "DELETE FROM audit_entry WHERE id = :id", id=last - 3)
    result = check(database)
    assert not result.ok and result.entry_id == last - 3
    assert result.message() == f"审计日志被删改：第 {last - 3} 条记录缺失（已被删除）。"


def test_the_check_finds_the_newest_entries_deleted(database: Database) -> None:
    last = _some_entries(database)
    tamper(database, "DELETE FROM audit_entry WHERE id >= :id", id=last - 1)
    result = check(database)
    assert not result.ok and result.entry_id == last - 1
    assert f"应有 {last} 条记录" in result.message()


def test_the_filter_takes_local_dates_actor_and_action(database: Database) -> None:
    audit.log_event(database, "export", "register", "visits")
    today = audit.local_time(audit.utc_now()).date()
    assert entries(database, start=today, end=today)
    assert not entries(database, end=date(2000, 1, 1))
    assert {e.action for e in entries(database, action="export")} == {"export"}
    assert not entries(database, actor="没有这个人")


def test_sign_ins_and_their_failures_are_logged_and_no_password_hash_is_shown(
    database: Database,
) -> None:
    with pytest.raises(ValidationError):
        auth.sign_in(database, TEST_ADMIN_LOGIN, "wrong-password-1")
    with pytest.raises(ValidationError):
        auth.sign_in(database, "nobody", "whatever1")
    auth.sign_in(database, TEST_ADMIN_LOGIN, TEST_ADMIN_PASSWORD)
    with database.write() as session:
        staff = session.scalar(select(Staff).where(Staff.login == TEST_ADMIN_LOGIN))
        assert staff is not None
        staff.password_hash = auth.hash_password("Another2026pw")
    with database.read() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert audit.verify_chain(session).ok
    actions = [(e.action, json.loads(e.detail).get("reason")) for e in entries
               if e.action.startswith("sign_in")]
    assert actions == [("sign_in_failed", "密码不正确"), ("sign_in_failed", "账号不存在或已停用"),
                       ("sign_in", None)]
    text = " ".join(str(e.detail) for e in entries)
    assert "argon2" not in text and "（已设置）" in text


@pytest.mark.parametrize(("start", "end"), [
    (date(1899, 12, 31), None), (None, date(1899, 12, 31)),
    (date(2101, 1, 1), None), (None, date(2101, 1, 1)),
    (date(2026, 12, 2), date(2101, 1, 1)),
], ids=["start-1899", "end-1899", "start-2101", "end-2101", "end-2101-after-start"])
def test_a_filter_date_outside_1900_to_2100_is_refused(start: date | None,
                                                       end: date | None) -> None:
    with pytest.raises(ValidationError) as refused:
        AuditFilter(start=start, end=end)
    assert refused.value.errors == {"period": "日期（起始和截止）应在1900年至2100年之间"}


def test_a_filter_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        AuditFilter(start=date(2026, 12, 2), end=date(2026, 12, 1))
    assert refused.value.errors == {"period": "截止日期不能早于起始日期"}


def test_filter_dates_from_1900_to_2100_ending_on_or_after_the_start_are_taken() -> None:
    for start, end in ((date(1900, 1, 1), date(2100, 12, 31)), (date(2100, 12, 31), None),
                       (None, date(1900, 1, 1)), (date(2026, 12, 2), date(2026, 12, 2))):
        where = AuditFilter(start=start, end=end)
        assert (where.start, where.end) == (start, end)


def test_an_edited_entry_is_named_by_its_time_author_and_action_in_words(
    database: Database,
) -> None:
    last = _some_entries(database)
    tamper(database, "UPDATE audit_entry SET staff_name = '别人' WHERE id = :id", id=last - 2)
    tamper(database, "UPDATE audit_entry SET action = 'archive' WHERE id = :id", id=last - 1)
    with database.read() as session:
        at = audit.local_time(session.get_one(AuditEntry, last - 2).at)
    message = check(database).message()
    assert f"第 {last - 2} 条（{at:%Y-%m-%d %H:%M:%S}，别人，导出）" in message
    # The first edited entry is reported; an action this version does not know (a later
    # version's) would be shown by its code.
    tamper(database, "UPDATE audit_entry SET staff_name = :name WHERE id = :id",
           name=TEST_ADMIN_NAME, id=last - 2)
    assert f"，{TEST_ADMIN_NAME}，archive）" in check(database).message()


@pytest.mark.parametrize(("where", "label"), [
    (AuditFilter(), "全部"),
    (AuditFilter(start=date(2026, 11, 1)), "2026-11-01 起"),
    (AuditFilter(end=date(2026, 11, 30)), "截至 2026-11-30"),
    (AuditFilter(start=date(2026, 11, 1), end=date(2026, 11, 30)), "2026-11-01 至 2026-11-30"),
    (AuditFilter(actor=" 王 "), "全部，操作人含“王”"),
    (AuditFilter(actor="  "), "全部"),
    (AuditFilter(action="export"), "全部，操作为“导出”"),
    (AuditFilter(action="archive"), "全部，操作为“archive”"),
    (AuditFilter(end=date(2026, 11, 30), actor="王", action="print"),
     "截至 2026-11-30，操作人含“王”，操作为“打印”"),
], ids=["all", "from", "until", "between", "actor", "blank-actor", "action",
        "unknown-action", "everything"])
def test_the_filter_says_in_words_what_it_selects(where: AuditFilter, label: str) -> None:
    assert where.label() == label


def test_a_filter_that_matches_nothing_counts_none(database: Database) -> None:
    audit.log_event(database, "export", "register", "visits")
    with database.read() as session:
        assert audit.count_entries(session, AuditFilter(actor="没有这个人")) == 0
        assert audit.count_entries(session, AuditFilter(action="export")) == 1


def test_rows_written_in_bulk_are_logged_once_with_what_may_be_shown(database: Database) -> None:
    before = last_id(database)
    with database.write() as session:
        audit.record_bulk(session, Visit, "import", [
            {"visit_no": "V-1", "summary": "邻里纠纷", "phone": "13900001234"},
            {"visit_no": "V-2", "summary": "", "phone": None}])
        audit.record_bulk(session, Visit, "import", [])  # nothing written, nothing logged
        audit.record_bulk(session, ReferralEvent, "import", [{"note": "x"}])  # not audited
    assert last_id(database) == before + 1
    with database.read() as session:
        entry = session.get_one(AuditEntry, before + 1)
    assert (entry.action, entry.target_type, entry.target_id) == ("import", "visit", None)
    assert json.loads(entry.detail) == {"rows": [
        {"visit_no": "V-1", "summary": "（内容保密）", "phone": "139****1234"},
        {"visit_no": "V-2", "summary": "", "phone": None}]}


def test_a_rolled_back_session_that_goes_on_logs_only_what_it_commits(
    database: Database,
) -> None:
    before = last_id(database)
    with Session(database.engine) as session:
        session.add(Staff(name="赵六", role="receptionist"))
        session.flush()
        audit.record(session, "export", "register", "visits")
        session.rollback()
        session.add(Staff(name="钱七", role="receptionist"))
        session.commit()
    assert last_id(database) == before + 1
    with database.read() as session:
        entry = session.get_one(AuditEntry, before + 1)
    assert entry.action == "create" and "钱七" in entry.detail and "赵六" not in entry.detail


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="the clock moves time zones with tzset")
def test_filter_dates_are_the_centre_s_local_days(
    database: Database, clock: time_machine.Coordinates,
) -> None:
    # 07:00 in Beijing is still the day before in UTC, which the log stores.
    clock.move_to(datetime(2026, 12, 2, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    audit.log_event(database, "export", "register", "early")
    today = entries(database, start=date(2026, 12, 2), end=date(2026, 12, 2))
    assert [e.at for e in today if e.action == "export"] == [datetime(2026, 12, 2, 7, 0)]
    assert not [e for e in entries(database, end=date(2026, 12, 1)) if e.action == "export"]


def test_an_intact_log_says_how_many_entries_were_checked(database: Database) -> None:
    last = _some_entries(database)
    result = check(database)
    assert (result.ok, result.checked, result.entry_id) == (True, last, None)
    assert result.message() == f"审计日志完整：共 {last} 条记录，逐条校验无误。"


def test_each_break_in_the_chain_is_reported_in_full_with_the_entries_checked_before(
    database: Database,
) -> None:
    last = _some_entries(database)
    tamper(database, "DELETE FROM audit_entry WHERE id IN (:a, :b)", a=last - 3, b=last - 2)
    result = check(database)
    assert (result.checked, result.entry_id) == (last - 4, last - 3)
    assert result.message() == (
        f"审计日志被删改：第 {last - 3} 至 {last - 2} 条记录缺失（已被删除）。")


def test_an_edited_entry_is_reported_with_the_entries_checked_before_it(
    database: Database,
) -> None:
    last = _some_entries(database)
    tamper(database, "UPDATE audit_entry SET desk = '别处' WHERE id = :id", id=last - 2)
    result = check(database)
    assert (result.checked, result.entry_id) == (last - 3, last - 2)
    assert result.message().endswith("的内容与其校验值不符，该记录被改动过。")


def test_an_entry_forged_with_its_hash_breaks_the_link_to_the_next(database: Database) -> None:
    last = _some_entries(database)
    forge_author(database, last - 2, "别人")
    result = check(database)
    assert (result.checked, result.entry_id) == (last - 2, last - 1)
    assert result.message().startswith(f"审计日志被删改：第 {last - 1} 条（")
    assert result.message().endswith("与前一条记录衔接不上，之前的记录被删除或改动过。")


def test_the_newest_entries_deleted_are_counted(database: Database) -> None:
    last = _some_entries(database)
    tamper(database, "DELETE FROM audit_entry WHERE id >= :id", id=last - 1)
    result = check(database)
    assert (result.checked, result.entry_id) == (last - 2, last - 1)
    assert result.message() == (f"审计日志被删改：应有 {last} 条记录，只找到 {last - 2} 条，"
                                f"第 {last - 1} 条及以后的记录已被删除。")


def test_the_last_entry_forged_with_its_hash_no_longer_matches_the_end_of_the_chain(
    database: Database,
) -> None:
    last = _some_entries(database)
    forge_author(database, last, "别人")
    result = check(database)
    assert (result.ok, result.checked, result.entry_id) == (False, last, last)
    assert result.message() == (f"审计日志被删改：第 {last} 条记录与链尾校验值不符，"
                                "该记录被改动或替换过。")


def test_the_filter_s_days_run_from_midnight_to_midnight(
    database: Database, clock: time_machine.Coordinates,
) -> None:
    for at in (datetime(2026, 12, 1, 23, 59, 59), datetime(2026, 12, 2, 0, 0),
               datetime(2026, 12, 3, 0, 0), datetime(2026, 12, 3, 12, 0)):
        clock.move_to(at.astimezone())
        audit.log_event(database, "export", "register", f"{at:%d %H:%M:%S}")
    day = entries(database, start=date(2026, 12, 2), end=date(2026, 12, 2), action="export")
    assert [e.target for e in day] == ["台账 02 00:00:00"]


def test_the_filter_takes_a_name_s_characters_literally_and_one_record(
    database: Database,
) -> None:
    audit.log_event(database, "export", "register", "visits")
    audit.log_event(database, "print", "case", "7")
    audit.log_event(database, "print", "case", "8")
    assert entries(database, actor="_") == [] and entries(database, actor="%") == []
    assert [(e.action, e.target) for e in entries(database, target_type="case", target_id="7")
            ] == [("print", "case 7")]


def test_a_detail_reads_as_changes_then_values_then_the_rest() -> None:
    assert audit.describe_detail({
        "note": "补记", "values": {"姓名": "张三", "电话": None},
        "changes": {"地址": {"old": "", "new": "东林路18号"}}}) == (
        "地址：（空） → 东林路18号；姓名：张三；电话：（空）；note：补记")


def test_the_list_shows_the_newest_entries_first_up_to_its_limit(database: Database) -> None:
    for n in range(3):
        audit.log_event(database, "export", "register", f"visits-{n}")
    last = last_id(database)
    with database.read() as session:
        assert [e.id for e in audit.list_entries(session, AuditFilter(), limit=2)] == [
            last, last - 1]
        assert [e.id for e in audit.list_entries(session, AuditFilter())][:3] == [
            last, last - 1, last - 2]
        oldest_first = audit.list_entries(session, AuditFilter(), limit=2, newest_first=False)
    assert [e.id for e in oldest_first] == [1, 2]


@pytest.mark.parametrize(("stored", "shown"), [
    ("not json", "内容：not json"),
    ('["甲", "乙"]', "内容：甲、乙"),
    ("[]", "内容：（无）"),
    ("", ""),
], ids=["not-json", "a-list", "an-empty-list", "empty"])
def test_a_detail_the_program_did_not_write_is_shown_as_it_is(
    database: Database, stored: str, shown: str,
) -> None:
    audit.log_event(database, "export", "register", "visits")
    last = last_id(database)
    tamper(database, "UPDATE audit_entry SET detail = :d, action = 'archive' WHERE id = :id",
           d=stored, id=last)
    [row] = [e for e in entries(database) if e.id == last]
    assert (row.action_label, row.detail) == ("archive", shown)


def test_a_resident_s_record_shows_its_creation_at_the_first_visit(database: Database) -> None:
    """The log of one record, asked for by its type and number, starts with the registration
    that created it (the resident's row is written in one statement, not by the ORM)."""
    visit = register(database, 31)
    register(database, 31, phone="13812340031")  # the second visit changes the phone
    with database.read() as session:
        person_id = session.scalars(select(Visit.person_id)
                                    .where(Visit.id == visit.visit_id)).one()
    history = entries(database, target_type="person", target_id=str(person_id))
    assert [(e.action, e.target) for e in history] == [
        ("create", f"来访人 {person_id}"), ("change", f"来访人 {person_id}")]
    assert history[0].raw_detail["values"]["name"] == "测试31号"


def test_a_change_of_a_case_s_mediators_logs_who_they_were_and_who_they_are(
        database: Database) -> None:
    """A many-to-many change (the case's 调解员) is logged on the case, as the ids before
    and after; its other relations and columns, unchanged, are not in the entry."""
    from tests.mediation_helpers import staff

    ref = make_case(database)
    first, second, third = staff(database)
    with database.read() as session:
        detail = mediation.case_detail(session, ref.case_id)
    data = mediation.CaseInput(facts=detail.facts, matters=detail.matters or "",
                               mediator_ids=[second, third], recorder_id=first,
                               accepted_on=detail.accepted_on)
    mediation.update_case(database, ref.case_id, data, version=detail.version)
    changed = entries(database, action="change", target_type="mediation_case")[-1]
    assert changed.target == f"调解案件 {ref.case_id}"
    old, new = sorted([str(first), str(second)]), sorted([str(second), str(third)])
    assert changed.raw_detail["changes"]["mediators"] == {"old": old, "new": new}
    assert f"mediators：{'、'.join(old)} → {'、'.join(new)}" in changed.detail
    assert set(changed.raw_detail["changes"]) == {"mediators", "recorder_id"}
    assert check(database).ok



def test_an_agreement_s_amount_is_logged_as_its_text_in_yuan(database: Database) -> None:
    """An amount is a ``Decimal``: the log keeps its digits as text, neither a float nor
    the word None, when the agreement is written and when the amount changes."""
    from tests.mediation_helpers import agreement

    ref = make_case(database)
    mediation.save_agreement(database, ref.case_id, agreement(amount="3000.5"), version=None)
    created = entries(database, action="create", target_type="agreement")[-1]
    logged = created.raw_detail["values"]["amount"]
    assert isinstance(logged, str) and Decimal(logged) == Decimal("3000.5")
    with database.read() as session:
        saved = mediation.case_detail(session, ref.case_id).agreement
    assert saved is not None
    mediation.save_agreement(database, ref.case_id, agreement(amount="1200"),
                             version=saved.version)
    changed = entries(database, action="change", target_type="agreement")[-1]
    old, new = (changed.raw_detail["changes"]["amount"][k] for k in ("old", "new"))
    assert isinstance(old, str) and isinstance(new, str)
    assert (Decimal(old), Decimal(new)) == (Decimal("3000.5"), Decimal(1200))
    assert check(database).ok


def test_an_added_scan_is_logged_with_its_name_size_and_time_but_not_its_bytes(
        database: Database) -> None:
    """The scan's bytes stay out of the log; the columns after them in the table (the time
    it was added) are still there."""
    ref = make_case(database)
    content = b"%PDF-1.4 \xe6\x94\xb6\xe6\x9d\xa1"
    scan = mediation.add_attachment(database, ref.case_id, kind="证据材料",
                                    filename="收条.pdf", content=content)
    with database.read() as session:
        added_at = mediation.attachment(session, scan)[0].added_at
    created = entries(database, action="create", target_type="case_attachment")[-1]
    assert created.target.endswith(str(scan))
    values = created.raw_detail["values"]
    assert values["filename"] == "收条.pdf" and values["size"] == len(content)
    assert values["added_at"] == added_at.isoformat()
    assert "content" not in values


def test_a_name_longer_than_the_log_keeps_is_cut_to_64_characters(database: Database) -> None:
    """What an entry is about is kept to the column's 64 characters (PostgreSQL refuses
    more): the export of a long file name is logged, not refused."""
    audit.log_event(database, "export", "", "台账" * 40)
    with database.read() as session:
        target_id = session.scalar(select(AuditEntry.target_id).order_by(AuditEntry.id.desc())
                                   .limit(1))
    assert target_id == ("台账" * 40)[:64]


def test_the_number_counters_are_not_logged_even_when_changed_row_by_row(
        database: Database) -> None:
    """A counter changed through the ORM (as on a database without upserts) is bookkeeping
    the log leaves out, like the log itself."""
    from desktop.models import SequenceCounter
    from desktop.services import numbering

    with database.write() as session:
        numbering.next_value(session, "test:counter")
    before = last_id(database)
    with database.write() as session:
        counter = session.get(SequenceCounter, "test:counter")
        assert counter is not None
        counter.value += 5
    assert last_id(database) == before
    with database.read() as session:
        assert session.get(SequenceCounter, "test:counter").value == 6  # type: ignore[union-attr]



def test_an_end_of_the_chain_removed_behind_the_program_s_back_is_made_again(
        database: Database) -> None:
    """Someone with the database's password deletes the chain's end row: the desks go on
    working (the next write starts a new end from nothing) and the check reports the
    break at the first entry written after it."""
    last = _some_entries(database)
    tamper(database, "DELETE FROM audit_head")
    missing = check(database)
    assert not missing.ok and missing.checked == last and missing.entry_id == last
    assert missing.message() == ("审计日志被删改：链尾记录已被删除，最新的记录是否也被删除"
                                 "已无法核实。")
    audit.log_event(database, "export", "register", "after-the-removal")
    assert last_id(database) == _head(database)[0] == last + 2
    rebuilt, written = entries(database)[-2:]
    assert (rebuilt.id, rebuilt.action, rebuilt.action_label) == (
        last + 1, audit.HEAD_REBUILT, "重建链尾")
    assert rebuilt.raw_detail == {"链尾": f"缺失，按第 {last} 条记录重建"}
    assert rebuilt.target == "审计日志"
    assert (written.id, written.action) == (last + 2, "export")
    with database.read() as session:
        assert session.get_one(AuditEntry, last + 1).prev_hash == session.get_one(
            AuditEntry, last).hash
    result = check(database)
    assert not result.ok and (result.entry_id, result.checked) == (last + 1, last)
    assert result.message().startswith(f"审计日志被删改：链尾记录被删除过，第 {last + 1} 条（")
    assert result.message().endswith("重建链尾）将其重建；此前最新的记录是否也被删除已无法核实。")
    audit.log_event(database, "export", "register", "later")  # the desks go on working
    assert last_id(database) == last + 3


def test_a_log_emptied_with_its_end_starts_again_from_nothing_and_says_so(
        database: Database) -> None:
    _some_entries(database)
    tamper(database, "DELETE FROM audit_entry")
    tamper(database, "DELETE FROM audit_head")
    assert check(database).ok  # nothing left to check: the entry below is what tells
    audit.log_event(database, "export", "register", "after-the-removal")
    rebuilt, written = entries(database)
    assert (rebuilt.id, rebuilt.action, written.id) == (1, audit.HEAD_REBUILT, 2)
    assert rebuilt.raw_detail == {"链尾": "缺失，按第 0 条记录重建"}
    with database.read() as session:
        assert session.get_one(AuditEntry, 1).prev_hash == audit.GENESIS
    result = check(database)
    assert not result.ok and (result.entry_id, result.checked) == (1, 0)
