"""Notifications to a role: each account reads (dismisses) its own, nobody else's; an
account without a staff record (the kiosk) or without a role has none; the text is cleaned
and bounded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Notification, NotificationRead, Staff
from desktop.services import notifications
from desktop.services.admin import auth
from desktop.services.errors import ValidationError
from tests.counselling_helpers import as_role


def _leaders(database: Database) -> tuple[int, int]:
    with database.write() as session:
        rows = [Staff(name=name, role="leader", active=True) for name in ("钱卫东", "孙丽")]
        session.add_all(rows)
        session.flush()
        return rows[0].id, rows[1].id


def _notices(database: Database) -> list[int]:
    with database.write() as session:
        return [notifications.create(session, "leader", "risk", "个案 XL-1 评估为高风险"),
                notifications.create(session, "receptionist", "queue", "3号窗口待开启"),
                notifications.create(session, "leader", "risk", "个案 XL-2 评估为高风险")]


def _seen(database: Database) -> tuple[int, list[int]]:
    with database.read() as session:
        return (notifications.unread_count(session),
                [n.id for n in notifications.unread(session)])


def test_each_leader_reads_the_leaders_notices_newest_first(database: Database) -> None:
    first, for_desk, second = _notices(database)
    leader, other_leader = _leaders(database)
    as_role(database, {"leader"}, leader)
    assert _seen(database) == (2, [second, first])
    notifications.mark_read(database, [second, for_desk])  # not addressed to a leader
    assert _seen(database) == (1, [first])
    with database.read() as session:  # when, to the second (as every time the desk shows)
        (read,) = session.execute(select(NotificationRead.notification_id,
                                         NotificationRead.staff_id, NotificationRead.read_at))
        created = session.scalar(select(Notification.created_at).where(Notification.id == first))
    assert read[:2] == (second, leader) and created is not None
    for moment in (read[2], created):
        assert moment.date() == date(2026, 12, 2) and moment.microsecond == 0
    as_role(database, {"receptionist"}, leader)
    assert _seen(database) == (1, [for_desk])  # the desk's notice is still unread
    as_role(database, {"leader"}, other_leader)
    assert _seen(database) == (2, [second, first])  # read by one account only
    as_role(database, {"leader", "receptionist"}, other_leader)
    with database.read() as session:
        assert [n.id for n in notifications.unread(session, limit=2)] == [second, for_desk]


@pytest.mark.parametrize("account", ["none", "no staff record", "no role"])
def test_an_account_without_a_staff_record_or_a_role_has_no_notices(
    database: Database, account: str
) -> None:
    first, _, second = _notices(database)
    leader, _ = _leaders(database)
    database.actor = {
        "none": None,
        "no staff record": auth.Actor(None, "自助服务终端", frozenset({"leader"})),
        "no role": auth.Actor(leader, "无角色账户", frozenset()),
    }[account]
    assert _seen(database) == (0, [])
    notifications.mark_read(database, [first, second])  # writes nothing
    as_role(database, {"leader"}, leader)
    assert _seen(database) == (2, [second, first])


def test_a_notice_is_for_a_known_role_and_one_to_200_characters(database: Database) -> None:
    with database.write() as session:
        with pytest.raises(ValidationError) as refused:
            notifications.create(session, "mayor", "risk", "x")
        assert refused.value.errors == {"role": "没有这个角色：mayor"}
        for text in ("", " \n\t", "字" * 201):
            with pytest.raises(ValidationError) as refused:
                notifications.create(session, "leader", "risk", text)
            assert refused.value.errors == {"text": "通知内容应为 1～200 个字"}
        longest = notifications.create(session, "leader", "risk", "字" * 200)
        spaced = notifications.create(session, "leader", "risk", "  个案\nXL-3 \t 高风险 ")
    as_role(database, {"leader"}, _leaders(database)[0])
    with database.read() as session:
        texts = {n.id: n.text for n in notifications.unread(session)}
    assert texts == {longest: "字" * 200, spaced: "个案 XL-3 高风险"}


def test_the_newest_hundred_are_listed_and_every_one_counted(database: Database) -> None:
    with database.write() as session:
        ids = [notifications.create(session, "leader", "risk", f"个案 XL-{n} 评估为高风险")
               for n in range(101)]
    as_role(database, {"leader"}, _leaders(database)[0])
    with database.read() as session:
        assert notifications.unread_count(session) == 101
        assert [n.id for n in notifications.unread(session)] == ids[:0:-1]


def test_a_notice_reads_back_whole_and_none_is_left_once_all_are_read(
        database: Database) -> None:
    first, _, second = _notices(database)
    leader, _ = _leaders(database)
    as_role(database, {"leader"}, leader)
    with database.read() as session:
        shown = notifications.unread(session)
        created = session.scalar(select(Notification.created_at).where(Notification.id == first))
    assert [(n.id, n.kind, n.text) for n in shown] == [
        (second, "risk", "个案 XL-2 评估为高风险"), (first, "risk", "个案 XL-1 评估为高风险")]
    assert shown[-1].created_at == created
    notifications.mark_read(database, [first, second])
    assert _seen(database) == (0, [])
