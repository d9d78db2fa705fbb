"""What the 社会组织工作室's lists, counts, 台账 and monthly figures hold: each filter and its
bound, the order, the search, the visits waiting to be referred, what is masked or kept
confidential (``organisations/referrals``, ``organisations/register``,
``organisations/figures``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from desktop.db import Database
from desktop.services import privacy
from desktop.services.organisations import activities, directory, figures, referrals, register
from desktop.services.reception import queue
from desktop.services.registers.rows import Period
from tests.police_helpers import (
    activity_input,
    organisation,
    referral_input,
    referrals_in_four_states,
    social_visit,
)
from tests.reception_helpers import register as register_visit
from tests.reception_helpers import room_ids, sent_again, tickets_in_every_state
from tests.rules_helpers import acting_as

TODAY = date(2026, 12, 2)  # the fixed clock's day
YESTERDAY = TODAY - timedelta(days=1)


def _ids(rows: list[referrals.ReferralRow]) -> list[int]:
    return [r.referral_id for r in rows]


# -- the referral list and its counts -------------------------------------------------------


def test_each_list_holds_its_referrals_newest_first(database: Database) -> None:
    _org, made = referrals_in_four_states(database)
    with database.read() as session:
        lists = {status: _ids(referrals.referral_list(session, status=status))
                 for status in ("pending", "overdue", "delivered", "all", "其他")}
        default = _ids(referrals.referral_list(session))
        counts = referrals.referral_counts(session)
    # The two of 11-10 in the order recorded, the later first.
    assert lists == {
        "pending": [made["later"], made["today"], made["overdue"]],
        "overdue": [made["overdue"]],
        "delivered": [made["served"]],
        "all": [made["later"], made["today"], made["overdue"], made["served"]],
        "其他": [made["later"], made["today"], made["overdue"], made["served"]],
    }
    assert default == lists["pending"]
    assert counts == {"pending": 3, "overdue": 1, "delivered": 1}


def test_a_referral_is_overdue_only_after_its_day_and_never_once_served(
        database: Database) -> None:
    assert not referrals.is_overdue(TODAY, None, TODAY)
    assert referrals.is_overdue(YESTERDAY, None, TODAY)
    assert not referrals.is_overdue(YESTERDAY, YESTERDAY, TODAY)
    assert not referrals.is_overdue(None, None, TODAY)
    _org, made = referrals_in_four_states(database)
    with database.read() as session:
        flags = {r.referral_id: r.overdue
                 for r in referrals.referral_list(session, status="all")}
        tomorrow = referrals.referral_list(session, status="overdue",
                                           today=TODAY + timedelta(days=1))
        counted = referrals.referral_counts(session, today=TODAY + timedelta(days=1))
        open_now = referrals.open_counts(session)
    assert flags == {made["later"]: False, made["overdue"]: True, made["today"]: False,
                     made["served"]: False}
    assert _ids(tomorrow) == [made["today"], made["overdue"]]
    assert all(r.overdue for r in tomorrow)
    assert counted == {"pending": 3, "overdue": 2, "delivered": 1}
    assert open_now == {"pending": 3, "overdue": 1, "delivered": 1}


def test_a_listed_referral_reads_back_every_field(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    visit = social_visit(database)
    referral_id = referrals.record_referral(database, referral_input(
        org, person_phone="13900003333", due_on=date(2026, 11, 30), delivered_on=TODAY,
        delivered="上门陪伴", feedback="满意", visit_id=visit.visit_id,
        referral_id=visit.referral_id))
    bare = referrals.record_referral(database, referral_input(org))
    with database.read() as session:
        rows = referrals.referral_list(session, status="all")
    assert rows == [
        referrals.ReferralRow(bare, 1, "东林社区志愿服务队", referrals.ReferralInput(
            org, "测试4号", date(2026, 11, 10), "每周上门陪伴一次", "", date(2026, 11, 25),
            None, "", "", None, None), True),
        referrals.ReferralRow(referral_id, 1, "东林社区志愿服务队", referrals.ReferralInput(
            org, "测试4号", date(2026, 11, 10), "每周上门陪伴一次", "13900003333",
            date(2026, 11, 30), TODAY, "上门陪伴", "满意", visit.visit_id,
            visit.referral_id), False),
    ]


def test_the_list_is_searched_by_person_and_organisation_only(database: Database) -> None:
    first = directory.save_organisation(database, None, organisation("1号志愿服务队"))
    second = directory.save_organisation(database, None, organisation("2号助老服务社"))
    zhang = referrals.record_referral(database, referral_input(first, person_name="张桂兰",
                                                          service_asked="助老"))
    li = referrals.record_referral(database, referral_input(second, person_name="李秀珍"))
    with database.read() as session:
        def found(text: str, **kw: object) -> list[int]:
            return _ids(referrals.referral_list(session, search=text, **kw))  # type: ignore[arg-type]

        assert found("桂兰") == [zhang]
        assert found("助老") == [li]  # the organisation's name, not what was asked
        assert found(" 1号志愿 ") == [zhang]
        assert found("王") == []
        assert found("") == [li, zhang]
        assert found("", organisation_id=first) == [zhang]
        assert found("李", organisation_id=first) == []
        assert _ids(referrals.referral_list(session, limit=1)) == [li]


def test_a_non_counsellor_reads_the_confidential_mark_for_what_was_asked(
        database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    visit = register_visit(database, 7, room="心理咨询室", category="心理疏导",
                           summary="独居后情绪低落")
    queue.route_again(database, visit.visit_id, room_ids(database)["社会组织工作室"],
                      "需要志愿者上门陪伴")
    plain = social_visit(database)
    hidden = referrals.record_referral(database, referral_input(org, visit_id=visit.visit_id,
                                                           service_asked="上门陪伴"))
    shown = referrals.record_referral(database, referral_input(org, visit_id=plain.visit_id,
                                                          service_asked="代购"))
    typed = referrals.record_referral(database, referral_input(org, service_asked="助餐"))
    with acting_as(database, {"room_staff"}, "社会组织工作室"), database.read() as session:
        asked = {r.referral_id: r.data.service_asked
                 for r in referrals.referral_list(session, status="all")}
        rows = list(register.referral_register_rows(session, Period(TODAY - timedelta(30),
                                                                    TODAY)))
    assert asked == {hidden: privacy.CONFIDENTIAL_TEXT, shown: "代购", typed: "助餐"}
    assert sorted(r.service_asked for r in rows) == sorted(
        [privacy.CONFIDENTIAL_TEXT, "代购", "助餐"])
    with database.read() as session:  # the test administrator is also a counsellor
        rows = list(register.referral_register_rows(session, Period(TODAY - timedelta(30),
                                                                    TODAY)))
    assert sorted(r.service_asked for r in rows) == sorted(["上门陪伴", "代购", "助餐"])


# -- visits waiting to be referred ----------------------------------------------------------


def test_visits_waiting_are_open_or_served_within_thirty_days_newest_first(
        database: Database) -> None:
    shown = tickets_in_every_state(database, social_visit, referrals.PENDING_DAYS,
                                   datetime(2026, 12, 2, 10, 0))
    register_visit(database, 30)  # another room's
    taken = social_visit(database, 31)
    org = directory.save_organisation(database, None, organisation())
    referrals.record_referral(database, referral_input(org, visit_id=taken.visit_id,
                                                  referral_id=taken.referral_id))
    with database.read() as session:
        waiting = [v.visit_id for v in referrals.routed_visits(session)]
        two = [v.visit_id for v in referrals.routed_visits(session, limit=2)]
        a_day_on = [v.visit_id for v in referrals.routed_visits(
            session, today=TODAY + timedelta(days=1))]
    assert waiting == shown
    assert two == shown[:2]
    assert a_day_on == [*shown[:3], shown[4]]


def test_a_visit_taken_up_only_by_a_referral_without_its_ticket_still_waits(
        database: Database) -> None:
    visit = social_visit(database)
    org = directory.save_organisation(database, None, organisation())
    referrals.record_referral(database, referral_input(org, visit_id=visit.visit_id))
    with database.read() as session:
        (waiting,) = referrals.routed_visits(session)
    assert (waiting.visit_id, waiting.referral_id, waiting.person_name, waiting.summary) == (
        visit.visit_id, visit.referral_id, "测试4号", "独居老人希望有志愿者定期上门")


def test_visits_of_the_same_minute_wait_the_later_registered_first(database: Database) -> None:
    at = datetime(2026, 12, 2, 9, 0)
    first = social_visit(database, 1, now=at)
    second = social_visit(database, 2, now=at)
    with database.read() as session:
        waiting = [v.visit_id for v in referrals.routed_visits(session)]
    assert waiting == [second.visit_id, first.visit_id]


def test_a_visit_sent_to_the_room_again_waits_with_both_tickets_the_latest_first(
        database: Database) -> None:
    at = datetime(2026, 12, 2, 9, 0)
    older = social_visit(database, 1, now=at - timedelta(hours=1))
    visit = social_visit(database, 2, now=at)
    again = sent_again(database, visit, "社会组织工作室", at)
    with database.read() as session:
        waiting = referrals.routed_visits(session)
    assert [(v.visit_id, v.referral_id) for v in waiting] == [
        (visit.visit_id, again), (visit.visit_id, visit.referral_id),
        (older.visit_id, older.referral_id)]


# -- the 台账 and the monthly figures -------------------------------------------------------


def test_the_register_holds_the_period_s_referrals_by_day_masked(database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    made = {day: referrals.record_referral(database, referral_input(
        org, person_name=f"测试{day}号", referred_on=date(2026, 11, day),
        person_phone="13900003333" if day == 20 else ""))
        for day in (9, 10, 20, 21)}
    referrals.record_referral(database, referral_input(
        org, person_name="测试15号", referred_on=date(2026, 11, 15), due_on=date(2026, 11, 16),
        delivered_on=date(2026, 11, 16), delivered="代购", feedback="满意"))
    referrals.record_referral(database, referral_input(
        org, person_name="测试16号", referred_on=date(2026, 11, 15), due_on=TODAY))
    period = Period(date(2026, 11, 10), date(2026, 11, 20))
    with database.read() as session:
        count = register.count_referrals(session, period)
        rows = list(register.referral_register_rows(session, period))
    assert count == 4 and len(made) == 4
    with database.read() as session:
        assert register.count_referrals(session, Period.month(2026, 9)) == 0
        assert list(register.referral_register_rows(session, Period.month(2026, 9))) == []
    assert rows == [
        register.ReferralRegisterRow(1, date(2026, 11, 10), "测试10号", "",
                                     "东林社区志愿服务队", "每周上门陪伴一次", date(2026, 11, 25),
                                     None, "", "", "超期未服务"),
        register.ReferralRegisterRow(2, date(2026, 11, 15), "测试15号", "",
                                     "东林社区志愿服务队", "每周上门陪伴一次",
                                     date(2026, 11, 16), date(2026, 11, 16), "代购", "满意",
                                     "已服务"),
        register.ReferralRegisterRow(3, date(2026, 11, 15), "测试16号", "",
                                     "东林社区志愿服务队", "每周上门陪伴一次", TODAY, None, "",
                                     "", "待服务"),
        register.ReferralRegisterRow(4, date(2026, 11, 20), "测试20号", "139****3333",
                                     "东林社区志愿服务队", "每周上门陪伴一次", date(2026, 12, 5),
                                     None, "", "", "待服务"),
    ]


def test_the_month_counts_referrals_services_activities_and_participants(
        database: Database) -> None:
    org = directory.save_organisation(database, None, organisation())
    for referred, delivered in [((10, 31), (11, 1)), ((11, 1), None), ((11, 30), (11, 30)),
                                ((11, 30), (12, 1)), ((10, 1), (10, 31))]:
        referrals.record_referral(database, referral_input(
            org, referred_on=date(2026, *referred), due_on=date(2026, *referred),
            delivered_on=date(2026, *delivered) if delivered else None,
            delivered="上门陪伴" if delivered else ""))
    for day, participants in [((10, 31), 1), ((11, 1), 2), ((11, 30), 4), ((12, 1), 8)]:
        activities.add_activity(database, activity_input(org, held_on=date(2026, *day),
                                                    participants=participants))
    with database.read() as session:
        november = figures.monthly_counts(session, Period.month(2026, 11))
        september = figures.monthly_counts(session, Period.month(2026, 9))
    assert november == {"referred": 3, "delivered": 2, "activities": 2, "participants": 6}
    assert september == {"referred": 0, "delivered": 0, "activities": 0, "participants": 0}
