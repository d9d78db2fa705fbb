"""政策宣传 notices: kept by the administrator, checked, audited, shown between their dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from desktop.db import Database
from desktop.models import Notice
from desktop.services.admin import audit, auth
from desktop.services.admin.audit import AuditFilter
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.services.reception import notices
from desktop.services.reception.notices import NoticeInput

TODAY = date(2026, 12, 2)


def _save(database: Database, data: NoticeInput, notice_id: int | None = None) -> int:
    with database.write() as session:
        return notices.save_notice(session, notice_id, data)


def _count(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(Notice)) or 0)


def test_only_the_notices_whose_dates_include_the_day_are_current(database: Database) -> None:
    day = timedelta(days=1)
    ids = {
        "running": _save(database, NoticeInput("调解不收费", "人民调解不收费。", TODAY - day,
                                               TODAY + day)),
        "open": _save(database, NoticeInput("依法反映诉求", "请先登记取号。", TODAY - 30 * day)),
        "today": _save(database, NoticeInput("今日讲座", "下午三点。", TODAY, TODAY)),
        "later": _save(database, NoticeInput("元旦安排", "元旦休息。", TODAY + day)),
        "over": _save(database, NoticeInput("国庆安排", "照常值班。", TODAY - 9 * day,
                                            TODAY - day)),
    }
    with database.read() as session:
        shown = [n.id for n in notices.current_notices(session, TODAY)]
        tomorrow = [n.id for n in notices.current_notices(session, TODAY + day)]
        listed = notices.all_notices(session)
    # In the order they started showing.
    assert shown == [ids["open"], ids["running"], ids["today"]]
    assert tomorrow == [ids["open"], ids["running"], ids["later"]]
    assert listed[0].id == ids["later"] and len(listed) == 5
    assert listed[0].period_text == "2026-12-03 至 长期"


@pytest.mark.parametrize(("data", "errors"), [
    (NoticeInput("", "内容", TODAY), {"title": "请填写标题"}),
    (NoticeInput("标题", " \n ", TODAY), {"body": "请填写内容"}),
    (NoticeInput("标题", "内容", None), {"shown_from": "请填写展示开始日期"}),
    (NoticeInput("标题", "内容", TODAY, TODAY - timedelta(days=1)),
     {"shown_until": "展示结束日期不能早于开始日期"}),
    (NoticeInput("标" * 41, "内容", TODAY), {"title": "标题过长（不超过40字，当前41字）"}),
    (NoticeInput("标题", "字" * 301, TODAY), {"body": "内容过长（不超过300字，当前301字）"}),
    (NoticeInput("标题", "内容", date(1899, 12, 31)),
     {"shown_from": "展示开始日期应在1900年至2100年之间"}),
    (NoticeInput("标题", "内容", "2026-12-02"),  # type: ignore[arg-type]
     {"shown_from": "展示开始日期不是有效的日期"}),
    # Each date refused under its own field and no order compared with a refused one.
    (NoticeInput("标题", "内容", TODAY, date(1899, 12, 31)),
     {"shown_until": "展示结束日期应在1900年至2100年之间"}),
    (NoticeInput("标题", "内容", date(2101, 1, 1), TODAY),
     {"shown_from": "展示开始日期应在1900年至2100年之间"}),
    (NoticeInput("标题", "内容", "2026-12-02", TODAY),  # type: ignore[arg-type]
     {"shown_from": "展示开始日期不是有效的日期"}),
])
def test_bad_notices_are_refused_and_nothing_is_written(
    database: Database, data: NoticeInput, errors: dict[str, str]
) -> None:
    with pytest.raises(ValidationError) as refused:
        _save(database, data)
    assert refused.value.errors == errors
    assert _count(database) == 0


def test_the_longest_notice_that_fits_is_kept(database: Database) -> None:
    notice_id = _save(database, NoticeInput("  " + "标" * 40, "字" * 300 + "\n", TODAY))
    with database.read() as session:
        row = session.get(Notice, notice_id)
        assert row is not None and len(row.body) == 300 and row.title == "标" * 40


def test_only_the_administrator_keeps_notices(database: Database) -> None:
    notice_id = _save(database, NoticeInput("调解不收费", "人民调解不收费。", TODAY))
    admin = database.actor
    database.actor = auth.Actor(None, "接待员", frozenset({"receptionist"}))
    try:
        with pytest.raises(PermissionDenied):
            _save(database, NoticeInput("别的", "内容", TODAY))
        with pytest.raises(PermissionDenied), database.write() as session:
            notices.delete_notice(session, notice_id)
        with pytest.raises(PermissionDenied):
            _save(database, NoticeInput("改标题", "内容", TODAY), notice_id)
    finally:
        database.actor = admin
    assert _count(database) == 1


def test_changes_and_deletions_are_audited(database: Database) -> None:
    notice_id = _save(database, NoticeInput("调解不收费", "人民调解不收费。", TODAY))
    _save(database, NoticeInput("调解不收费", "人民调解委员会调解纠纷不收费。", TODAY,
                                TODAY + timedelta(days=30)), notice_id)
    with database.write() as session:
        notices.delete_notice(session, notice_id)
    with database.read() as session:
        rows = audit.list_entries(session, AuditFilter(target_type="notice"), limit=None,
                                  newest_first=False)
    assert [row.action for row in rows] == ["create", "change", "delete"]
    assert all(row.target.startswith("政策宣传") for row in rows)
    assert rows[1].raw_detail["changes"]["shown_until"] == {"old": None, "new": "2027-01-01"}
    assert rows[2].raw_detail["values"]["title"] == "调解不收费"
    assert _count(database) == 0


def test_a_notice_that_is_gone_is_said_so(database: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^该公告不存在或已被删除$"):
        _save(database, NoticeInput("标题", "内容", TODAY), 4242)
    with pytest.raises(NotFoundError, match=r"^该公告不存在或已被删除$"), \
            database.write() as session:
        notices.delete_notice(session, 4242)
