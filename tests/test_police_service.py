"""警民联络室 through the service: hand-overs both ways, replies, 警调联动, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from desktop.services.police import handovers, routed
from tests import mediation_helpers as mh
from tests.police_helpers import handover, police_visit
from tests.reception_helpers import room_ids


def test_a_routed_visit_is_taken_up_and_leaves_the_waiting_list(database: Database) -> None:
    visit = police_visit(database)
    with database.read() as session:
        waiting = routed.routed_visits(session)
        assert [v.visit_id for v in waiting] == [visit.visit_id]
        draft = routed.draft_from_visit(session, visit.visit_id)
    assert draft.person_name == "测试3号" and "饮酒滋事" in draft.matter
    assert draft.referral_id == visit.referral_id
    draft.station, draft.officer_name, draft.officer_phone = "东林派出所", "赵建国", "13811112222"
    ref = handovers.record_handover(database, draft)
    assert ref.handover_no == "2026警联0001"
    with database.read() as session:
        assert routed.routed_visits(session) == []
        detail = handovers.handover_detail(session, ref.handover_id)
    assert detail.visit_no == visit.visit_no and detail.direction == "移交公安"
    assert detail.data.reply_due == date(2026, 12, 2) + timedelta(days=handovers.REPLY_DAYS)


def test_both_directions_numbers_and_overdue(database: Database) -> None:
    first = handovers.record_handover(database, handover(reply_due=date(2026, 11, 25)))
    second = handovers.record_handover(database, handover(
        kind="110非警务警情", matter="110转来：邻里因停车位发生口角，非警务警情",
        reply_due=date(2026, 12, 10)))
    assert (first.handover_no, second.handover_no) == ("2026警联0001", "2026警联0002")
    with database.read() as session:
        rows = {r.handover_no: r for r in handovers.handover_list(session, status="all")}
        counts = handovers.handover_counts(session)
        overdue = handovers.handover_list(session, status="overdue")
    assert rows["2026警联0001"].overdue and not rows["2026警联0002"].overdue
    assert rows["2026警联0002"].direction == "公安移交"
    assert counts == {"open": 2, "overdue": 1, "replied": 0}
    assert [r.handover_no for r in overdue] == ["2026警联0001"]


def test_reply_received_and_linked_to_a_mediation_case(database: Database) -> None:
    case = mh.make_case(database)
    ref = handovers.record_handover(database, handover(
        kind="公安移交调解", reply_due=date(2026, 11, 25)))
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    data = detail.data
    data.reply_on, data.reply_content = date(2026, 11, 24), "派出所已受理，民警上门调查"
    data.case_no = case.case_no
    handovers.update_handover(database, ref.handover_id, data, version=detail.version)
    with database.read() as session:
        row = handovers.handover_list(session, status="replied")[0]
        assert handovers.handover_list(session, status="open") == []
    assert row.case_no == case.case_no and not row.overdue
    assert row.reply_on == date(2026, 11, 24)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"station": ""}, "station", "请填写派出所"),
    ({"officer_name": ""}, "officer_name", "请填写民警姓名"),
    ({"officer_phone": "12345"}, "officer_phone", "号码"),
    ({"officer_badge": "警号12"}, "officer_badge", "警号"),
    ({"kind": "其他"}, "kind", "请选择移交类型"),
    ({"matter": "  "}, "matter", "请填写移交事项"),
    ({"handed_at": None}, "handed_at", "请填写移交时间"),
    ({"handed_at": datetime(2026, 12, 3, 9, 0)}, "handed_at", "不能晚于现在"),
    ({"handed_at": datetime(1800, 1, 1)}, "handed_at", "1900"),
    ({"reply_due": date(2026, 11, 19)}, "reply_due", "不能早于移交日期"),
    ({"reply_on": date(2026, 11, 19), "reply_content": "已处理"}, "reply_on",
     "不能早于移交日期"),
    ({"reply_on": date(2026, 12, 3), "reply_content": "已处理"}, "reply_on", "不能晚于今天"),
    ({"reply_on": date(2026, 11, 22)}, "reply_content", "请填写回复内容"),
    ({"reply_content": "已处理"}, "reply_on", "请填写回复日期"),
    ({"case_no": "（2026）东人调字第0999号"}, "case_no", "没有案号"),
    ({"person_phone": "123"}, "person_phone", "号码"),
])
def test_refusals_write_nothing(database: Database, changes: dict[str, object], field: str,
                                message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        handovers.record_handover(database, handover(**changes))
    assert message in refused.value.errors[field]
    with database.read() as session:
        assert handovers.handover_list(session, status="all") == []


def test_missing_visit_is_refused(database: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        handovers.record_handover(database, handover(visit_id=999_999))
    assert "visit" in refused.value.errors


def test_a_reply_before_the_hand_over_is_refused_on_update(database: Database) -> None:
    ref = handovers.record_handover(database, handover())
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    data = detail.data
    data.reply_on, data.reply_content = date(2026, 11, 1), "已处理"
    with pytest.raises(ValidationError) as refused:
        handovers.update_handover(database, ref.handover_id, data, version=detail.version)
    assert "不能早于移交日期" in refused.value.errors["reply_on"]
    with database.read() as session:
        assert handovers.handover_detail(session, ref.handover_id).data.reply_on is None


def test_a_stale_form_is_refused(database: Database) -> None:
    ref = handovers.record_handover(database, handover())
    with database.read() as session:
        detail = handovers.handover_detail(session, ref.handover_id)
    first = detail.data
    first.station = "西城派出所"
    handovers.update_handover(database, ref.handover_id, first, version=detail.version)
    first.station = "南湖派出所"
    with pytest.raises(StaleEditError):
        handovers.update_handover(database, ref.handover_id, first, version=detail.version)


@pytest.mark.parametrize("role", sorted(auth.ALL_ROLES - {"police"}))
def test_only_the_police_role_records(database: Database, role: str) -> None:
    admin = database.actor
    database.actor = auth.Actor(None, "测试", frozenset({role}),
                                room_id=room_ids(database)["警民联络室"])
    try:
        with pytest.raises(PermissionDenied):
            handovers.record_handover(database, handover())
        if role in {"admin", "leader"}:
            with database.read() as session:
                handovers.handover_list(session)
        else:
            with database.read() as session, pytest.raises(PermissionDenied):
                handovers.handover_list(session)
    finally:
        database.actor = admin


def test_counselling_visit_matter_stays_masked(database: Database) -> None:
    from desktop.services.reception import queue

    visit = police_visit(database)
    queue.route_again(database, visit.visit_id, room_ids(database)["心理咨询室"], "需要疏导")
    ref = handovers.record_handover(database, handover(visit_id=visit.visit_id,
                                                       matter="内心秘密的话"))
    admin = database.actor
    database.actor = auth.Actor(None, "民警", frozenset({"police"}),
                                room_id=room_ids(database)["警民联络室"])
    try:
        with database.read() as session:
            shown = repr(handovers.handover_list(session, status="all"))
            detail = handovers.handover_detail(session, ref.handover_id)
            draft = routed.draft_from_visit(session, visit.visit_id)
        assert "内心秘密" not in shown and "内容保密" in shown
        assert detail.data.matter == "（心理咨询，内容保密）" and draft.matter == ""
        # Saving the form with the mark keeps what was written.
        detail.data.station = "西城派出所"
        handovers.update_handover(database, ref.handover_id, detail.data,
                                  version=detail.version)
    finally:
        database.actor = admin
    with database.read() as session:
        from desktop.models import PoliceHandover

        row = session.get(PoliceHandover, ref.handover_id)
        assert row is not None and row.matter == "内心秘密的话"
