"""The 警民联络室's rules one by one: every refusal of a hand-over with its field and
message, the boundaries of its dates, what is stored, when a reply is overdue, which
hand-overs each list and count holds, and the monthly figures (``police/handovers``,
``police/figures``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import MediationCase, PoliceHandover, Staff
from desktop.services import privacy
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.police import figures, handovers
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from tests import mediation_helpers as mh
from tests.police_helpers import handover, police_visit
from tests.reception_helpers import room_ids

NOW = datetime(2026, 12, 2, 10, 0)
HANDED = datetime(2026, 11, 20, 9, 30)
TODAY = date(2026, 12, 2)
WEEK_ON = date(2026, 11, 27)  # the reply asked for a week after HANDED


def _errors(**changes: object) -> dict[str, str]:
    return handovers.validate(handover(**changes), now=NOW)


def _stored(database: Database, handover_id: int) -> PoliceHandover:
    with database.read() as session:
        row = session.get(PoliceHandover, handover_id)
        assert row is not None
        session.expunge(row)
        return row


def _numbers(rows: list[handovers.HandoverRow]) -> list[str]:
    return [r.handover_no for r in rows]


# -- what is refused, with which message ---------------------------------------------------


def test_an_empty_form_is_refused_field_by_field() -> None:
    empty = handovers.HandoverInput(kind="", matter="", handed_at=None, station="",
                                    officer_name="", officer_phone="")
    assert handovers.validate(empty, now=NOW) == {
        "kind": "请选择移交类型", "matter": "请填写移交事项", "handed_at": "请填写移交时间",
        "station": "请填写派出所", "officer_name": "请填写民警姓名",
        "officer_phone": "请填写民警电话"}


def test_a_filled_form_is_accepted_and_each_kind_is_known() -> None:
    assert _errors() == {}
    for kind in ("移交派出所", "110非警务警情", "公安移交调解"):
        assert _errors(kind=kind) == {}
    assert _errors(kind="其他") == {"kind": "请选择移交类型"}


def test_the_officer_s_and_the_person_s_phones_say_what_is_wrong() -> None:
    assert _errors(officer_phone="0012345") == {
        "officer_phone": "电话号码格式不正确（手机11位，座机如 010-62345678）"}
    assert _errors(officer_phone="1381111222") == {"officer_phone": "手机号码应为11位"}
    assert _errors(officer_phone="010-62345678") == {}
    assert _errors(person_phone="") == {}
    assert _errors(person_phone="1381111222") == {"person_phone": "手机号码应为11位"}
    assert _errors(person_phone="13811112222") == {}


@pytest.mark.parametrize(("badge", "ok"), [
    ("", True), ("0123", True), ("A1b2C3d4E5f6", True), ("012", False),
    ("A1b2C3d4E5f6g", False), ("警号1234", False), ("0123-4", False),
])
def test_a_badge_is_4_to_12_letters_or_digits(badge: str, ok: bool) -> None:
    assert _errors(officer_badge=badge) == ({} if ok else {
        "officer_badge": "警号应为4至12位数字或字母"})


def test_a_hand_over_may_be_dated_up_to_five_minutes_ahead() -> None:
    assert _errors(handed_at=NOW + timedelta(minutes=5)) == {}
    assert _errors(handed_at=NOW + timedelta(minutes=5, seconds=1)) == {
        "handed_at": "移交时间不能晚于现在"}


def test_without_now_the_clock_is_read() -> None:
    now = datetime.now()
    assert handovers.validate(handover(handed_at=now + timedelta(minutes=4))) == {}
    assert handovers.validate(handover(handed_at=now + timedelta(minutes=6))) == {
        "handed_at": "移交时间不能晚于现在"}


def test_a_year_out_of_range_is_said_alone() -> None:
    assert _errors(handed_at=datetime(2101, 1, 1), reply_due=date(2026, 11, 1)) == {
        "handed_at": "移交时间应在1900年至2100年之间"}
    assert _errors(reply_due=date(1899, 12, 31)) == {
        "reply_due": "回复期限应在1900年至2100年之间"}
    assert _errors(reply_on=date(1899, 12, 31), reply_content="已处理") == {
        "reply_on": "回复日期应在1900年至2100年之间"}


def test_the_reply_is_due_on_or_after_the_day_of_the_hand_over() -> None:
    assert _errors(reply_due=HANDED.date()) == {}
    assert _errors(reply_due=HANDED.date() - timedelta(days=1)) == {
        "reply_due": "回复期限不能早于移交日期"}


def test_a_reply_is_dated_from_the_hand_over_to_today() -> None:
    reply = {"reply_content": "已处理"}
    assert _errors(reply_on=HANDED.date(), **reply) == {}
    assert _errors(reply_on=NOW.date(), **reply) == {}
    assert _errors(reply_on=HANDED.date() - timedelta(days=1), **reply) == {
        "reply_on": "回复日期不能早于移交日期"}
    assert _errors(reply_on=NOW.date() + timedelta(days=1), **reply) == {
        "reply_on": "回复日期不能晚于今天"}
    assert _errors(handed_at=None, reply_on=NOW.date() + timedelta(days=1), **reply) == {
        "handed_at": "请填写移交时间", "reply_on": "回复日期不能晚于今天"}


def test_a_reply_has_a_date_and_a_content() -> None:
    assert _errors(reply_on=HANDED.date()) == {"reply_content": "请填写回复内容"}
    assert _errors(reply_content="已处理") == {"reply_on": "请填写回复日期"}
    # Given before the hand-over and without content: both are said.
    assert _errors(reply_on=HANDED.date() - timedelta(days=1)) == {
        "reply_on": "回复日期不能早于移交日期", "reply_content": "请填写回复内容"}


@pytest.mark.parametrize("key", ["visit_id", "referral_id"])
def test_a_visit_that_cannot_be_is_refused(key: str) -> None:
    assert _errors(**{key: 0}) == {"visit": "所选来访登记不存在"}
    assert _errors(**{key: 5}) == {}


def test_a_visit_or_referral_that_does_not_exist_is_refused(database: Database) -> None:
    for key in ("visit_id", "referral_id"):
        with pytest.raises(ValidationError) as info:
            handovers.record_handover(database, handover(**{key: 999_999}))
        assert info.value.errors == {"visit": "所选来访登记不存在"}
    with database.read() as session:
        assert session.scalar(select(PoliceHandover)) is None


# -- what is stored ------------------------------------------------------------------------


def test_a_hand_over_is_stored_as_typed_with_the_minute_and_normalised_phones(
        database: Database) -> None:
    visit = police_visit(database)
    ref = handovers.record_handover(database, handover(
        handed_at=datetime(2026, 11, 20, 9, 30, 42, 500), officer_phone="138 1111 2222",
        person_phone=" 010－6234 5678", officer_badge="A1234", visit_id=visit.visit_id,
        referral_id=visit.referral_id, kind="公安移交调解", reply_due=date(2026, 11, 30)))
    row = _stored(database, ref.handover_id)
    assert row.handed_at == HANDED and row.kind == "公安移交调解"
    assert row.direction == handovers.FROM_POLICE
    assert (row.officer_phone, row.person_phone) == ("13811112222", "010-62345678")
    assert row.officer_badge == "A1234" and row.person_name == "测试3号"
    assert (row.station, row.officer_name) == ("东林派出所", "赵建国")
    assert (row.visit_id, row.referral_id) == (visit.visit_id, visit.referral_id)
    assert row.reply_due == date(2026, 11, 30) and row.reply_on is None
    assert row.reply_content is None and row.case_id is None
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    assert detail.recorded_by != "" and row.recorded_by_id is not None
    assert detail.visit_no == visit.visit_no and detail.centre_name == "东林街道综治中心"
    assert detail.direction == "公安移交" and detail.data.officer_badge == "A1234"


def test_what_is_left_blank_is_stored_as_nothing_and_the_reply_is_due_in_a_week(
        database: Database) -> None:
    ref = handovers.record_handover(database, handover(person_name="", officer_badge=""))
    row = _stored(database, ref.handover_id)
    assert row.person_name is None and row.person_phone is None and row.officer_badge is None
    assert row.reply_due == HANDED.date() + timedelta(days=7) == date(2026, 11, 27)
    assert row.direction == handovers.TO_POLICE
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    assert detail.data.person_name == "" and detail.data.officer_badge == ""
    assert detail.data.reply_content == "" and detail.data.case_no == ""
    assert detail.visit_no == ""


def test_a_reply_is_stored_with_its_content(database: Database) -> None:
    ref = handovers.record_handover(database, handover(
        reply_on=date(2026, 11, 22), reply_content="派出所已受理"))
    row = _stored(database, ref.handover_id)
    assert (row.reply_on, row.reply_content) == (date(2026, 11, 22), "派出所已受理")


def test_hand_overs_are_numbered_by_the_year_they_were_made(database: Database) -> None:
    numbers = [handovers.record_handover(database, handover(handed_at=at)).handover_no
               for at in (datetime(2025, 12, 31, 16, 0), HANDED, datetime(2025, 6, 1, 9, 0),
                          HANDED)]
    assert numbers == ["2025警联0001", "2026警联0001", "2025警联0002", "2026警联0002"]
    assert handovers.format_handover_no(2026, 12345) == "2026警联12345"


def test_a_case_is_linked_by_its_number_however_the_brackets_are_typed(
        database: Database) -> None:
    case = mh.make_case(database)
    typed = case.case_no.replace("（", "(").replace("）", ")").replace("第", " 第 ")
    ref = handovers.record_handover(database, handover(case_no=typed))
    with database.read() as session:
        assert handovers.handover_detail(session, ref.handover_id).data.case_no == case.case_no
    with pytest.raises(ValidationError) as info:
        handovers.record_handover(database, handover(case_no="（2026）东人调字第0999号"))
    assert info.value.errors == {"case_no": "没有案号为 （2026）东人调字第0999号 的调解案件"}


def test_a_deleted_case_is_not_linked(database: Database) -> None:
    case = mh.make_case(database)
    with database.write() as session:
        row = session.get(MediationCase, case.case_id)
        assert row is not None
        row.deleted_at = NOW
    with pytest.raises(ValidationError) as info:
        handovers.record_handover(database, handover(case_no=case.case_no))
    assert info.value.errors == {"case_no": f"没有案号为 {case.case_no} 的调解案件"}


def test_a_form_showing_the_confidential_mark_keeps_the_stored_matter(
        database: Database) -> None:
    ref = handovers.record_handover(database, handover(matter="原来的事项"))
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    data = detail.data
    data.matter = privacy.CONFIDENTIAL_TEXT
    data.station = "西城派出所"
    handovers.update_handover(database, ref.handover_id, data, version=detail.version)
    row = _stored(database, ref.handover_id)
    assert (row.matter, row.station) == ("原来的事项", "西城派出所")
    data.matter = "改过的事项"
    handovers.update_handover(database, ref.handover_id, data, version=row.version)
    assert _stored(database, ref.handover_id).matter == "改过的事项"


def test_a_stale_save_that_changes_only_the_linked_case_is_refused_naming_it(
        database: Database) -> None:
    case = mh.make_case(database)
    ref = handovers.record_handover(database, handover(case_no=case.case_no))
    with database.read() as session:
        loaded = handovers.handover_detail(session, ref.handover_id)
    mine = loaded.data
    mine.station = "西城派出所"
    handovers.update_handover(database, ref.handover_id, mine, version=loaded.version)
    with database.read() as session:
        second = handovers.handover_detail(session, ref.handover_id)
    assert second.data.case_no == case.case_no and second.version != loaded.version
    unlinked = second.data
    unlinked.case_no = ""
    handovers.update_handover(database, ref.handover_id, unlinked, version=second.version)
    # A form loaded before both saves: the same station, the case still linked.
    with pytest.raises(StaleEditError) as info:
        handovers.update_handover(database, ref.handover_id, handover(
            station="西城派出所", case_no=case.case_no, reply_due=WEEK_ON),
            version=loaded.version)
    assert info.value.record == "移交记录"
    assert [(c.field, c.label, c.yours, c.current) for c in info.value.changes] == [
        ("case_no", "关联案号", case.case_no, "")]
    # The same form without the case writes what is stored: nothing to refuse.
    handovers.update_handover(database, ref.handover_id, handover(
        station="西城派出所", reply_due=WEEK_ON), version=loaded.version)
    assert _stored(database, ref.handover_id).case_id is None


def test_the_form_reads_back_every_field_and_who_recorded_it(database: Database) -> None:
    visit = police_visit(database)
    ref = handovers.record_handover(database, handover(
        visit_id=visit.visit_id, referral_id=visit.referral_id, person_phone="13800001111",
        reply_on=date(2026, 11, 22), reply_content="派出所已受理"))
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
        assert database.actor is not None
        recorder = session.get(Staff, database.actor.staff_id)
        assert recorder is not None
    assert (detail.handover_id, detail.handover_no) == (ref.handover_id, ref.handover_no)
    assert detail.recorded_by == recorder.name != ""
    data = detail.data
    assert (data.kind, data.handed_at, data.station, data.officer_name, data.officer_phone) == (
        "移交派出所", HANDED, "东林派出所", "赵建国", "13811112222")
    assert (data.person_name, data.person_phone, data.officer_badge) == (
        "测试3号", "13800001111", "012345")
    assert (data.reply_due, data.reply_on, data.reply_content) == (
        WEEK_ON, date(2026, 11, 22), "派出所已受理")
    assert (data.visit_id, data.referral_id) == (visit.visit_id, visit.referral_id)
    assert data.matter == handover().matter  # a visit the counselling room did not hear


def test_a_hand_over_recorded_by_no_member_of_staff_names_nobody(database: Database) -> None:
    visit = police_visit(database)  # heard by the police room only: nothing to hide
    admin = database.actor
    database.actor = auth.Actor(None, "民警", frozenset({"police"}))
    try:
        ref = handovers.record_handover(database, handover(visit_id=visit.visit_id))
        with database.read() as session:
            detail = handovers.handover_detail(session, ref.handover_id)
            (row,) = handovers.handover_list(session, status="all")
    finally:
        database.actor = admin
    assert detail.recorded_by == "" and _stored(database, ref.handover_id).recorded_by_id is None
    assert row.matter == handover().matter and detail.data.matter == handover().matter


def test_a_counsellor_reads_the_matter_of_a_visit_the_counselling_room_heard(
        database: Database) -> None:
    visit = police_visit(database)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导")
    handovers.record_handover(database, handover(visit_id=visit.visit_id, matter="内心的话"))
    with database.read() as session:  # the test account holds the counsellor's role
        (row,) = handovers.handover_list(session, status="all")
    assert row.matter == "内心的话"


def test_an_unknown_hand_over_is_not_found(database: Database) -> None:
    for handover_id in (0, 999_999):
        with pytest.raises(NotFoundError, match=r"^没有找到该移交记录$"):
            handovers.update_handover(database, handover_id, handover(), version=1)
        with database.read() as session, pytest.raises(NotFoundError,
                                                       match=r"^没有找到该移交记录$"):
            handovers.handover_detail(session, handover_id)


def test_a_bad_update_changes_nothing(database: Database) -> None:
    ref = handovers.record_handover(database, handover())
    with pytest.raises(ValidationError) as info:
        handovers.update_handover(database, ref.handover_id, handover(station=""), version=1)
    assert info.value.errors == {"station": "请填写派出所"}
    assert _stored(database, ref.handover_id).station == "东林派出所"


# -- overdue, the lists and the counts -----------------------------------------------------


def test_a_reply_is_overdue_only_after_its_day_and_never_once_replied() -> None:
    assert not handovers.is_overdue(TODAY, None, TODAY)
    assert handovers.is_overdue(TODAY - timedelta(days=1), None, TODAY)
    assert not handovers.is_overdue(TODAY - timedelta(days=1), TODAY, TODAY)
    assert not handovers.is_overdue(None, None, TODAY)


def _three(database: Database) -> dict[str, str]:
    """Due today (open, not overdue), replied late, due yesterday (overdue): recorded in
    that order, the last made first (so the list's order is not the order of recording)."""
    due_today = handovers.record_handover(database, handover(
        reply_due=TODAY, handed_at=HANDED + timedelta(days=1), person_name="孙小美",
        station="西城派出所", officer_name="钱建军"))
    replied = handovers.record_handover(database, handover(
        reply_due=date(2026, 11, 21), handed_at=HANDED + timedelta(days=1),
        reply_on=date(2026, 11, 25), reply_content="已处理", person_name="",
        station="南湖派出所", officer_name="孙卫国"))
    late = handovers.record_handover(database, handover(
        reply_due=TODAY - timedelta(days=1), person_name="钱多多", station="东林派出所",
        officer_name="赵建国"))
    return {"late": late.handover_no, "due_today": due_today.handover_no,
            "replied": replied.handover_no}


def test_each_list_holds_its_hand_overs_newest_first(database: Database) -> None:
    made = _three(database)
    with database.read() as session:
        lists = {status: handovers.handover_list(session, status=status, today=TODAY)
                 for status in ("open", "overdue", "replied", "all")}
        default = handovers.handover_list(session, today=TODAY)
    # The two made on the 21st: the later-recorded first; the 20th's last.
    assert _numbers(lists["all"]) == [made["replied"], made["due_today"], made["late"]]
    assert _numbers(lists["open"]) == [made["due_today"], made["late"]] == _numbers(default)
    assert _numbers(lists["overdue"]) == [made["late"]]
    assert _numbers(lists["replied"]) == [made["replied"]]
    with database.read() as session:
        for row in lists["all"]:
            assert handovers.handover_detail(session, row.handover_id).handover_no == \
                row.handover_no
    overdue = {r.handover_no: r.overdue for r in lists["all"]}
    assert overdue == {made["late"]: True, made["due_today"]: False, made["replied"]: False}
    (row,) = lists["replied"]
    assert (row.direction, row.kind, row.person_name, row.station, row.officer) == (
        "移交公安", "移交派出所", "", "南湖派出所", "孙卫国")
    assert (row.reply_due, row.reply_on, row.case_no) == (
        date(2026, 11, 21), date(2026, 11, 25), "")
    assert row.handed_at == HANDED + timedelta(days=1) and "饮酒滋事" in row.matter


def test_the_list_is_searched_by_number_person_station_and_officer(
        database: Database) -> None:
    made = _three(database)
    with database.read() as session:
        def found(text: str) -> list[str]:
            return _numbers(handovers.handover_list(session, status="all", search=text))
        assert found(made["late"]) == [made["late"]]
        assert found("孙小美") == [made["due_today"]]
        assert found("南湖") == [made["replied"]]
        assert found("钱") == [made["due_today"], made["late"]]  # 钱建军, 钱多多
        assert found("赵建国") == [made["late"]]
        assert found("饮酒滋事") == []  # the matter is not searched
        assert found("  ") == found("")
        assert len(found("")) == 3
        assert _numbers(handovers.handover_list(session, status="all", limit=1)) == [
            made["replied"]]


def test_the_counts_and_the_overdue_day_follow_today(database: Database) -> None:
    _three(database)
    with database.read() as session:
        assert handovers.handover_counts(session, today=TODAY) == {
            "open": 2, "overdue": 1, "replied": 1}
        assert handovers.handover_counts(session, today=TODAY + timedelta(days=1)) == {
            "open": 2, "overdue": 2, "replied": 1}
        assert handovers.handover_counts(session) == {"open": 2, "overdue": 1, "replied": 1}
        assert _numbers(handovers.handover_list(
            session, status="overdue", today=TODAY + timedelta(days=1))) != []
        assert len(handovers.handover_list(session, status="overdue")) == 1


# -- the monthly figures -------------------------------------------------------------------


def test_the_month_counts_hand_overs_made_replies_received_and_replies_late(
        database: Database) -> None:
    for handed, kind, due, reply_on in [
        (datetime(2026, 10, 20, 9, 0), "移交派出所", date(2026, 10, 31), date(2026, 11, 1)),
        (datetime(2026, 10, 20, 9, 0), "移交派出所", date(2026, 10, 25), date(2026, 10, 31)),
        (datetime(2026, 10, 31, 23, 59), "移交派出所", date(2026, 11, 1), None),  # late
        (datetime(2026, 11, 1, 0, 0), "移交派出所", date(2026, 11, 8), date(2026, 11, 8)),
        (datetime(2026, 11, 10, 9, 0), "公安移交调解", date(2026, 11, 17),
         date(2026, 11, 18)),  # replied a day late
        (datetime(2026, 11, 20, 9, 0), "移交派出所", date(2026, 11, 30), None),  # late
        (datetime(2026, 11, 25, 9, 0), "移交派出所", date(2026, 12, 1), None),  # due after
        (datetime(2026, 11, 30, 23, 59), "110非警务警情", date(2026, 11, 30),
         date(2026, 11, 30)),
        (datetime(2026, 12, 1, 0, 0), "移交派出所", date(2026, 12, 1), date(2026, 12, 1)),
    ]:
        handovers.record_handover(database, handover(
            handed_at=handed, kind=kind, reply_due=due, reply_on=reply_on,
            reply_content="已处理" if reply_on else ""))
    with database.read() as session:
        counts = figures.monthly_counts(session, Period.month(2026, 11))
        empty = figures.monthly_counts(session, Period.month(2026, 8))
    # Made in November: to the police on the 1st, 20th and 25th, from them on the 10th and
    # 30th; replies on the 1st, 8th, 18th and 30th; due in it and late: the 1st (none yet),
    # the 17th (replied on the 18th), the 30th (none yet).
    assert counts == {"to_police": 3, "from_police": 2, "replied": 4, "overdue": 3}
    assert empty == {"to_police": 0, "from_police": 0, "replied": 0, "overdue": 0}
    assert [key for _label, key, _note in figures.LINES] == [
        "to_police", "from_police", "replied", "overdue"]


def test_hand_overs_of_the_same_minute_list_the_later_recorded_first(
    database: Database
) -> None:
    """Newest first, and of two handed over in the same minute the one recorded last."""
    same = datetime(2026, 11, 30, 9, 15)
    first = handovers.record_handover(database, handover(handed_at=same, person_name="甲"))
    second = handovers.record_handover(database, handover(handed_at=same, person_name="乙"))
    earlier = handovers.record_handover(
        database, handover(handed_at=same - timedelta(minutes=1), person_name="丙"))
    with database.read() as session:
        rows = handovers.handover_list(session, status="all")
    assert [row.handover_id for row in rows] == [
        second.handover_id, first.handover_id, earlier.handover_id]
    assert [row.person_name for row in rows] == ["乙", "甲", "丙"]
