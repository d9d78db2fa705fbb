"""事项类别, 社区 and 网格: the rules of ``admin/dictionaries`` one by one (the order of the
lists, the 服务时限, what is stored, what is refused and with which message, the bulk
writes of an import), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import AuditEntry, Category, Community, Grid
from desktop.services import reference, seed
from desktop.services.admin import auth, dictionaries
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError

LIMIT = "服务时限请填写 1～250 之间的工作日数，不设时限请留空"


def _errors(call: Callable[..., object], *args: object, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return info.value.errors


def _rooms(database: Database) -> dict[str, int]:
    with database.read() as session:
        return {r.name: r.id for r in reference.rooms(session)}


def _category(database: Database, ident: int) -> tuple[object, ...]:
    with database.read() as session:
        row = session.get_one(Category, ident)
        return (row.name, row.suggested_room_id, row.active, row.sort_order,
                row.time_limit_days)


@pytest.mark.parametrize(("typed", "days"), [
    (None, None), ("", None), ("  ", None), ("1", 1), (" 15 ", 15), (15, 15), (250, 250),
    ("250", 250),
])
def test_a_time_limit_is_1_to_250_working_days_or_none(typed: object, days: int | None) -> None:
    assert dictionaries.checked_time_limit(typed) == days


@pytest.mark.parametrize("typed", [0, "0", 251, "251", -1, "abc", "1.5", True, False, 1.5])
def test_a_time_limit_outside_is_refused_word_for_word(typed: object) -> None:
    assert _errors(dictionaries.checked_time_limit, typed) == {"time_limit_days": LIMIT}


def test_a_category_is_added_at_the_end_and_keeps_its_time_limit(database: Database) -> None:
    rooms = _rooms(database)
    with database.read() as session:
        last = max(e.sort_order for e in dictionaries.categories(session))
    with database.write() as session:
        new = dictionaries.save_category(session, None, " 噪声扰民 ", rooms["矛盾纠纷调解室"],
                                         time_limit_days="15")
    assert _category(database, new) == ("噪声扰民", rooms["矛盾纠纷调解室"], True, last + 1, 15)
    # Left out, the time limit stays; given, it changes; blank, it goes.
    with database.write() as session:
        assert dictionaries.save_category(session, new, "噪声扰民", None, False) == new
    assert _category(database, new) == ("噪声扰民", None, False, last + 1, 15)
    with database.write() as session:
        dictionaries.save_category(session, new, "噪声", rooms["心理咨询室"],
                                   time_limit_days=30)
    assert _category(database, new) == ("噪声", rooms["心理咨询室"], True, last + 1, 30)
    with database.write() as session:
        dictionaries.save_category(session, new, "噪声", None, time_limit_days="")
    assert _category(database, new)[4] is None
    # The list reads back what was saved, in its order.
    with database.read() as session:
        entries = dictionaries.categories(session)
    assert entries[-1] == dictionaries.Entry(new, "噪声", True, last + 1, None, "",
                                             time_limit_days=None)
    first = entries[0]
    assert (first.name, first.suggested_room, first.suggested_room_id) == (
        "婚姻家庭", "矛盾纠纷调解室", rooms["矛盾纠纷调解室"])
    assert [e.sort_order for e in entries] == sorted(e.sort_order for e in entries)


def test_a_category_is_refused_word_for_word(database: Database) -> None:
    with database.write() as session:
        ident = dictionaries.save_category(session, None, "噪声扰民", None)
    cases = [
        ((None, " ", None), {"name": "请填写名称"}),
        ((None, "类" * 65, None), {"name": "名称过长（不超过64字，当前65字）"}),
        ((0, "噪声", None), {"name": "要修改的条目不存在"}),
        ((None, "邻里", None), {"name": "已有名为“邻里”的事项类别"}),
        ((ident, "邻里", None), {"name": "已有名为“邻里”的事项类别"}),
        ((None, "新类别", 999_999), {"suggested_room": "所选科室不存在"}),
        ((None, "新类别", 0), {"suggested_room": "所选科室不存在"}),
    ]
    for args, errors in cases:
        with database.write() as session:
            assert _errors(dictionaries.save_category, session, *args) == errors, args
    with database.write() as session:
        assert _errors(dictionaries.save_category, session, None, "新类别", None,
                       time_limit_days=0) == {"time_limit_days": LIMIT}
        with pytest.raises(NotFoundError, match=r"^该事项类别不存在$"):
            dictionaries.save_category(session, 999_999, "某类别", None)
        # Its own name is no clash.
        assert dictionaries.save_category(session, ident, "噪声扰民", None) == ident
    with database.read() as session:
        assert session.scalar(select(Category).where(Category.name == "新类别")) is None


def test_communities_and_grids_are_added_at_the_end_in_their_order(
        database: Database) -> None:
    with database.write() as session:
        b = dictionaries.save_community(session, None, "乙社区")
        a = dictionaries.save_community(session, None, " 甲社区 ")
        off = dictionaries.save_community(session, None, "丙社区", active=False)
    with database.read() as session:
        listed = dictionaries.communities(session)
    tail = listed[-3:]
    assert [(e.id, e.name, e.active) for e in tail] == [(b, "乙社区", True), (a, "甲社区", True),
                                                         (off, "丙社区", False)]
    assert [e.sort_order for e in tail] == [tail[0].sort_order + i for i in range(3)]
    with database.write() as session:
        session.get_one(Community, a).sort_order = tail[0].sort_order
        session.get_one(Community, off).sort_order = tail[0].sort_order
    with database.read() as session:
        order = [e.name for e in dictionaries.communities(session)][-3:]
    assert order == sorted(["乙社区", "甲社区", "丙社区"])  # same place: by name
    with database.write() as session:
        assert dictionaries.save_community(session, a, "甲社区", active=False) == a
        with pytest.raises(NotFoundError, match=r"^该社区不存在$"):
            dictionaries.save_community(session, 999_999, "某社区")
        assert _errors(dictionaries.save_community, session, -1, "某社区") == {
            "name": "要修改的条目不存在"}
    with database.read() as session:
        assert not session.get_one(Community, a).active
    with database.write() as session:
        g2 = dictionaries.save_grid(session, None, b, "第二网格", " 张三、李四 ")
        g1 = dictionaries.save_grid(session, None, b, "第一网格")
        other = dictionaries.save_grid(session, None, a, "第二网格", active=False)
    with database.read() as session:
        grids = dictionaries.grids(session, b)
        theirs = dictionaries.grids(session, a)
    assert [(e.id, e.name, e.members, e.community_id, e.active) for e in grids] == [
        (g2, "第二网格", "张三、李四", b, True), (g1, "第一网格", "", b, True)]
    assert grids[1].sort_order == grids[0].sort_order + 1
    assert [(e.id, e.active) for e in theirs] == [(other, False)]
    with database.write() as session:
        session.get_one(Grid, g1).sort_order = grids[0].sort_order
    with database.read() as session:
        assert [e.name for e in dictionaries.grids(session, b)] == sorted(["第一网格", "第二网格"])


def test_a_grid_is_refused_word_for_word(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东花市社区")
        grid = dictionaries.save_grid(session, None, community, "第一网格", "张三")
    for bad in (None, 0, -1, "1", 999_999):
        with database.write() as session:
            assert _errors(dictionaries.save_grid, session, None, bad, "第二网格") == {
                "community": "请先选择所属社区"}
    cases = [
        ((None, community, " "), {"name": "请填写名称"}),
        ((0, community, "第二网格"), {"name": "要修改的条目不存在"}),
        ((None, community, "第二网格", "员" * 20001),
         {"members": "网格员过长（不超过20000字，当前20001字）"}),
        ((None, community, "第一网格"), {"name": "该社区已有名为“第一网格”的网格"}),
    ]
    for args, errors in cases:
        with database.write() as session:
            assert _errors(dictionaries.save_grid, session, *args) == errors, args[:3]
    with database.write() as session:
        with pytest.raises(NotFoundError, match=r"^该网格不存在$"):
            dictionaries.save_grid(session, 999_999, community, "某网格")
        assert dictionaries.save_grid(session, grid, community, "一网格", "", False) == grid
    with database.read() as session:
        row = session.get_one(Grid, grid)
        assert (row.name, row.members, row.active, row.community_id) == (
            "一网格", None, False, community)


def test_only_the_administrator_keeps_the_lists(database: Database) -> None:
    with database.write() as session:
        community = dictionaries.save_community(session, None, "东花市社区")
    database.actor = auth.Actor(None, "接待", frozenset({"receptionist"}))
    for call in (lambda s: dictionaries.save_category(s, None, "新类别", None),
                 lambda s: dictionaries.save_community(s, None, "新社区"),
                 lambda s: dictionaries.save_grid(s, None, community, "新网格")):
        with database.write() as session, pytest.raises(PermissionDenied) as refused:
            call(session)
        assert str(refused.value) == "当前账号无权维护事项类别、社区和网格"


# -- in bulk (the import) ---------------------------------------------------------------------


def test_communities_in_bulk_add_the_new_and_reactivate_the_known(database: Database) -> None:
    with database.write() as session:
        known = dictionaries.save_community(session, None, "乙社区", active=False)
    with database.read() as session:
        last = max(e.sort_order for e in dictionaries.communities(session))
    with database.write() as session:
        ids, new = dictionaries.upsert_communities(
            session, [" 甲社区 ", "乙社区", "丙社区", "甲社区"])
    assert new == {"甲社区", "丙社区"} and list(ids) == ["甲社区", "乙社区", "丙社区"]
    assert ids["乙社区"] == known
    with database.read() as session:
        rows = {c.name: (c.id, c.sort_order, c.active)
                for c in session.scalars(select(Community))}
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "community").order_by(AuditEntry.id)).all()
    assert rows["甲社区"] == (ids["甲社区"], last + 1, True)
    assert rows["丙社区"] == (ids["丙社区"], last + 2, True)
    assert rows["乙社区"] == (known, last, True)
    assert [e.action for e in entries][-2:] == ["create", "change"]
    with database.write() as session:
        assert _errors(dictionaries.upsert_communities, session, ["丁社区", " "]) == {
            "name": "请填写名称"}
        assert dictionaries.upsert_communities(session, ["甲社区"]) == (
            {"甲社区": ids["甲社区"]}, set())


def test_grids_in_bulk_match_by_name_in_their_community(database: Database) -> None:
    with database.write() as session:
        a = dictionaries.save_community(session, None, "甲社区")
        b = dictionaries.save_community(session, None, "乙社区")
        known = dictionaries.save_grid(session, None, a, "第一网格", "张三", active=False)
    with database.write() as session:
        created = dictionaries.upsert_grids(session, [
            (a, " 第一网格 ", " 李四 "), (b, "第一网格", ""), (a, "第二网格", "王五")])
    assert created == {(b, "第一网格"), (a, "第二网格")}
    with database.read() as session:
        rows = {(g.community_id, g.name): (g.id, g.members, g.active, g.sort_order)
                for g in session.scalars(select(Grid))}
    first = rows[(a, "第一网格")][3]
    assert rows[(a, "第一网格")] == (known, "李四", True, first)
    assert rows[(b, "第一网格")] == (rows[(b, "第一网格")][0], None, True, first + 1)
    assert rows[(a, "第二网格")][1:] == ("王五", True, first + 2)
    with database.write() as session:
        assert _errors(dictionaries.upsert_grids, session, [(a, "第三网格", "员" * 20001)]) == {
            "members": "网格员过长（不超过20000字，当前20001字）"}
        assert dictionaries.upsert_grids(session, []) == set()


def test_categories_in_bulk_take_the_room_and_reactivate_the_known(database: Database) -> None:
    rooms = _rooms(database)
    with database.write() as session:
        known = dictionaries.save_category(session, None, "噪声", None, active=False)
    with database.read() as session:
        last = max(e.sort_order for e in dictionaries.categories(session))
    with database.write() as session:
        new = dictionaries.upsert_categories(session, [
            ("噪声", rooms["心理咨询室"]), ("新甲", None), (" 新乙 ", rooms["警民联络室"])])
    assert new == {"新甲", "新乙"}
    assert _category(database, known) == ("噪声", rooms["心理咨询室"], True, last, None)
    with database.read() as session:
        rows = {c.name: (c.suggested_room_id, c.active, c.sort_order)
                for c in session.scalars(select(Category))}
    assert rows["新甲"] == (None, True, last + 1)
    assert rows["新乙"] == (rooms["警民联络室"], True, last + 2)
    with database.write() as session:
        assert _errors(dictionaries.upsert_categories, session,
                       [("新丙", None), ("新丁", 999_999)]) == {"suggested_room": "所选科室不存在"}
    with database.read() as session:
        assert session.scalar(select(Category).where(Category.name == "新丙")) is None


def test_categories_are_listed_by_their_place_then_as_added(database: Database) -> None:
    with database.write() as session:
        added = [dictionaries.save_category(session, None, name, None)
                 for name in ("噪音扰民", "宠物纠纷", "高空抛物")]
        for entry_id, place in zip(added, (-1, -2, -1), strict=True):
            session.get_one(Category, entry_id).sort_order = place
    with database.read() as session:
        listed = dictionaries.categories(session)
    # The lowest place first; the same place as added.
    assert [e.id for e in listed[:3]] == [added[1], added[0], added[2]]
    assert [e.name for e in listed[3:]] == [name for name, _room in seed.CATEGORIES]


def test_names_in_bulk_fit_their_columns_and_nothing_is_written(database: Database) -> None:
    long = "长" * 65
    with database.write() as session:
        community = dictionaries.save_community(session, None, "甲社区")
    with database.write() as session:
        assert _errors(dictionaries.upsert_communities, session, ["乙社区", long]) == {
            "name": "名称过长（不超过64字，当前65字）"}
        assert _errors(dictionaries.upsert_grids, session,
                       [(community, "第一网格", ""), (community, long, "")]) == {
            "name": "名称过长（不超过64字，当前65字）"}
        assert _errors(dictionaries.upsert_categories, session,
                       [("噪音扰民", None), (long, None)]) == {
            "name": "名称过长（不超过64字，当前65字）"}
        assert dictionaries.upsert_communities(session, ["长" * 64])[1] == {"长" * 64}
    with database.read() as session:
        assert [c.name for c in session.scalars(select(Community))] == ["甲社区", "长" * 64]
        assert session.scalars(select(Grid)).all() == []


def test_a_bulk_import_logs_the_rows_it_created_and_changed(database: Database) -> None:
    with database.write() as session:
        known = dictionaries.save_community(session, None, "乙社区", active=False)
    with database.write() as session:
        ids, _new = dictionaries.upsert_communities(session, ["甲社区", "乙社区"])
    with database.read() as session:
        created, changed = session.scalars(select(AuditEntry).where(
            AuditEntry.target_type == "community").order_by(AuditEntry.id)).all()[-2:]
    assert (created.action, changed.action) == ("create", "change")
    assert json.loads(created.detail)["rows"] == [
        {"name": "甲社区", "sort_order": 2, "active": True}]  # after 乙社区
    assert json.loads(changed.detail)["rows"] == [{"id": known, "active": True}]
    assert ids["乙社区"] == known
