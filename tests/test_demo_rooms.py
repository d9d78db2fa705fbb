"""Demo data fills every room: the invented records follow the rooms' own rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import (
    CareEntry,
    CounsellingCase,
    CounsellingSession,
    DeliberationMeeting,
    Notification,
    Person,
    Referral,
    RiskAssessment,
    SequenceCounter,
    Visit,
    VisitRating,
)
from desktop.services import privacy
from desktop.services.care import entries as entries_service
from desktop.services.care import listing
from desktop.services.care import visits as visits_service
from desktop.services.care.entries import GROUPS, EntryInput
from desktop.services.care.schedule import next_visit_due
from desktop.services.care.visits import HELP_KINDS, VisitInput
from desktop.services.deliberation.listing import meeting_list
from desktop.services.deliberation.meetings import MatterInput, MeetingInput, save_meeting
from desktop.services.demo.generate import generate_demo_data
from tests.counselling_helpers import take_up


def test_demo_counselling_cases_follow_the_rooms_rules(database: Database) -> None:
    summary = generate_demo_data(database, visits=3000, seed=11)
    assert summary.counts["心理咨询个案"] > 0
    assert summary.counts["心理咨询记录"] >= summary.counts["心理咨询个案"]
    with database.read() as session:
        cases = session.scalars(select(CounsellingCase)).all()
        # Every case has its intake assessment and at least one session.
        intakes = set(session.scalars(select(RiskAssessment.case_id)
                                      .where(RiskAssessment.session_id.is_(None))))
        with_sessions = set(session.scalars(select(CounsellingSession.case_id)))
        assert {c.id for c in cases} == intakes == with_sessions
        # A high assessment carries its crisis step, raised the visit to 红 and told
        # the leaders, without a word of what was said.
        highs = session.execute(select(RiskAssessment.crisis_step, Visit.risk_level)
                                .join(CounsellingCase,
                                      CounsellingCase.id == RiskAssessment.case_id)
                                .join(Visit, Visit.id == CounsellingCase.visit_id)
                                .where(RiskAssessment.level == "高")).all()
        assert highs and all(step and level == "红" for step, level in highs)
        notices = session.scalars(select(Notification.text)).all()
        assert len(notices) == len(highs)
        assert all(text.startswith("心理咨询室有一名来访人评估为高风险") for text in notices)
        closed = [c for c in cases if c.status == "closed"]
        assert closed and all(c.closed_on and c.close_reason for c in closed)
        # The counter stands at the last number used, so the room's next case follows it.
        year = max(c.year for c in cases)
        last = session.scalar(select(func.max(CounsellingCase.seq))
                              .where(CounsellingCase.year == year))
        assert session.get_one(SequenceCounter, f"counselling:{year}").value == last
    ref = take_up(database, 901)
    assert ref.case_no not in {c.case_no for c in cases}


def test_demo_care_register_follows_the_rooms_rules(database: Database) -> None:
    summary = generate_demo_data(database, visits=3000, seed=11)
    assert summary.counts["关爱对象"] > 0
    assert summary.counts["关爱走访"] > summary.counts["关爱对象"]
    today = date.today()
    with database.read() as session:
        entries = session.scalars(select(CareEntry)).all()
        assert len({e.person_id for e in entries}) == len(entries)
        assert any(e.visit_id for e in entries) and any(e.visit_id is None for e in entries)
        for entry in entries:
            assert entry.groups and all(g.name in GROUPS for g in entry.groups)
            days = [v.visited_on for v in entry.visits]
            assert all(entry.registered_on <= d <= today for d in days)
            if entry.ended_on is not None:
                assert entry.end_reason and all(d <= entry.ended_on for d in days)
                assert entry.registered_on <= entry.ended_on <= today
            # next_due_on is the room's rule applied to the last visit (or registration).
            last = max([*days, entry.registered_on])
            assert entry.next_due_on == next_visit_due(last, entry.frequency_days)
            for visit in entry.visits:
                assert visit.findings
                assert (visit.help_kind is None) == (visit.help_text is None)
                assert visit.help_kind is None or visit.help_kind in HELP_KINDS
        assert any(v.help_kind for e in entries for v in e.visits)
        assert any(e.ended_on for e in entries)
        due = listing.due_visits(session)
        assert any(r.overdue for r in due)
        assert any(r.days_left == 0 for r in due)
        assert any(r.days_left > 0 for r in due)
    # The ids follow on: the room's own writes after the demo do not clash.
    person = entries[0].person_id
    with database.read() as session:
        taken = set(session.scalars(select(CareEntry.person_id)))
        free = session.scalar(select(Person.id).where(Person.id.not_in(taken)).limit(1))
    assert free is not None and free != person
    entry_id = entries_service.register_entry(
        database, EntryInput(groups=["残疾人"], person_id=free, frequency_days=30))
    visit_id = visits_service.add_visit(database, entry_id, VisitInput(today, "家中整洁"))
    assert entry_id > max(e.id for e in entries)
    assert visit_id > max(v.id for e in entries for v in e.visits)


def test_demo_meetings_follow_the_rooms_rules(database: Database) -> None:
    summary = generate_demo_data(database, visits=3000, seed=11)
    assert summary.counts["议事会议"] >= 24
    today = date.today()
    with database.read() as session:
        meetings = session.scalars(select(DeliberationMeeting)).all()
        assert all(m.held_on <= today and m.held_on.weekday() < 5 for m in meetings)
        assert len({(m.held_on.year, m.held_on.month) for m in meetings}) >= 12
        linked = [x for m in meetings for x in m.matters if x.visit_id]
        assert linked
        assert len({x.visit_id for x in linked}) == len(linked)
        visits = {v.id: v for v in session.scalars(
            select(Visit).where(Visit.id.in_([x.visit_id for x in linked])))}
        for meeting in meetings:
            assert meeting.matters and meeting.actions and meeting.participants
            for matter in meeting.matters:
                if matter.visit_id:
                    assert visits[matter.visit_id].visited_at.date() < meeting.held_on
                    assert matter.subject == visits[matter.visit_id].summary
            for action in meeting.actions:
                # Actions are not due before their meeting, nor done before it or after today.
                assert action.due_on >= meeting.held_on
                assert action.done_on is None or meeting.held_on <= action.done_on <= today
        # Nothing the counselling room heard is put before a meeting.
        assert not privacy.counselling_visit_ids(session, list(visits))
        actions = [a for m in meetings for a in m.actions]
        assert any(a.done_on for a in actions)
        assert any(a.done_on is None and a.due_on < today for a in actions)
        assert any(a.done_on is None and a.due_on >= today for a in actions)
        overdue = [r for r in meeting_list(session) if r.overdue]
        assert overdue
    # The ids follow on: a meeting recorded after the demo gets a new one.
    new_id = save_meeting(database, MeetingInput(
        held_on=today, place="议事厅", host="王志刚", participants="王志刚（主持人）",
        matters=[MatterInput("路灯损坏")]))
    assert new_id > max(m.id for m in meetings)


def test_demo_pad_ratings_rate_served_tickets_and_their_staff(database: Database) -> None:
    summary = generate_demo_data(database, visits=600, seed=5)
    assert summary.counts["评价器评价"] > 0
    with database.read() as session:
        rows = session.execute(
            select(VisitRating, Referral)
            .join(Referral, Referral.id == VisitRating.referral_id)).all()
        assert len(rows) == summary.counts["评价器评价"]
        referral_ids = [referral.id for _rating, referral in rows]
        assert len(referral_ids) == len(set(referral_ids))  # one tap per ticket
        for rating, referral in rows:
            assert rating.channel == "窗口评价器" and rating.recorded_by_id is None
            assert referral.status == "done" and rating.staff_id == referral.handled_by_id
            assert rating.visit_id == referral.visit_id
            assert referral.finished_at <= rating.rated_at
        # The matters' own ratings come from the 回访 or in person, never the pad.
        assert session.scalar(select(func.count(VisitRating.id)).where(
            VisitRating.referral_id.is_(None), VisitRating.channel == "窗口评价器")) == 0
