"""The drop-down lists every form offers: only what is in use, in the admin's order.

A deactivated room, category, community, grid or member of staff stays in the records
that name it but is offered no more; ties in the admin's order fall back to a fixed one,
so two desks show the same list.
"""

from __future__ import annotations

from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import Category, Community, Grid, Room, Staff
from desktop.services import reference


def stored_id(database: Database, table: type[Room], name: str) -> int:
    with database.read() as session:
        return session.scalars(select(table.id).where(table.name == name)).one()


def _communities_and_grids(database: Database) -> dict[str, int]:
    with database.write() as session:
        east = Community(name="东城社区", sort_order=2, active=True)
        west = Community(name="西城社区", sort_order=1, active=True)
        north = Community(name="北城社区", sort_order=1, active=True)
        gone = Community(name="已撤并社区", sort_order=0, active=False)
        session.add_all([east, west, north, gone])
        session.flush()
        session.add_all([
            Grid(community_id=east.id, name="第二网格", sort_order=1, active=True),
            Grid(community_id=east.id, name="第一网格", sort_order=2, active=True),
            Grid(community_id=east.id, name="第三网格", sort_order=1, active=True),
            Grid(community_id=east.id, name="旧网格", sort_order=0, active=False),
            Grid(community_id=west.id, name="西一网格", sort_order=0, active=True),
        ])
        return {"east": east.id, "west": west.id, "north": north.id, "gone": gone.id}


def test_grids_of_one_community_in_use_in_the_admins_order(database: Database) -> None:
    ids = _communities_and_grids(database)
    with database.read() as session:
        east = reference.grids(session, ids["east"])
        west = reference.grids(session, ids["west"])
        stored = {g.name: g.id for g in session.scalars(select(Grid))}
    # sort order 1 (第三, 第二: by name), then 2; the inactive 旧网格 is not offered.
    assert [(g.id, g.name) for g in east] == [
        (stored[name], name) for name in [*sorted(["第三网格", "第二网格"]), "第一网格"]]
    assert [g.name for g in west] == ["西一网格"]
    with database.read() as session:
        assert reference.grids(session, ids["north"]) == []


def test_communities_in_use_in_the_admins_order_then_by_name(database: Database) -> None:
    _communities_and_grids(database)
    with database.read() as session:
        names = [c.name for c in reference.communities(session)]
        stored = {c.name: c.id for c in session.scalars(select(Community))}
        ids = [c.id for c in reference.communities(session)]
    ours = [n for n in names if n in ("东城社区", "西城社区", "北城社区", "已撤并社区")]
    assert ours == [*sorted(["北城社区", "西城社区"]), "东城社区"]
    assert ids == [stored[n] for n in names]


def test_rooms_in_use_in_the_admins_order_windows_only_when_asked(database: Database) -> None:
    with database.write() as session:
        rooms = list(session.scalars(select(Room).order_by(Room.id)))
        windows = {r.name for r in rooms if r.kind == "window"}
        first, second, retired = [r for r in rooms if r.kind == "room"][:3]
        second.sort_order = 99  # a tie at the end: the older first, although
        retired.active = False
        tied, retired_name = [first.name, second.name], retired.name
    with database.write() as session:  # PostgreSQL now keeps the older row last
        session.get_one(Room, stored_id(database, Room, tied[0])).sort_order = 99
    with database.read() as session:
        every = reference.rooms(session)
        rooms_only = reference.rooms(session, include_windows=False)
        stored = {r.name: (r.id, r.sort_order, r.kind, r.active)
                  for r in session.scalars(select(Room))}
    assert windows and {r.name for r in every} >= windows
    assert not {r.name for r in rooms_only} & windows
    assert retired_name not in {r.name for r in every}
    expected = sorted((name for name, (_, _, _, active) in stored.items() if active),
                      key=lambda name: (stored[name][1], stored[name][0]))
    assert [(r.id, r.name) for r in every] == [(stored[n][0], n) for n in expected]
    assert [r.name for r in rooms_only] == [n for n in expected if stored[n][2] == "room"]
    assert [r.name for r in rooms_only][-2:] == tied


def test_categories_in_use_in_the_admins_order_with_their_room(database: Database) -> None:
    with database.write() as session:
        categories = list(session.scalars(select(Category).order_by(Category.id)))
        categories[0].active = False
        categories[2].sort_order = 99  # a tie at the end: the older first, although
        older, gone = categories[1].id, categories[0].name
    with database.write() as session:  # PostgreSQL now keeps the older row last
        session.get_one(Category, older).sort_order = 99
    with database.read() as session:
        offered = reference.categories(session)
        stored = {c.id: (c.sort_order, c.name, c.suggested_room_id, c.active)
                  for c in session.scalars(select(Category))}
    assert gone not in {c.name for c in offered}
    expected = sorted((i for i, row in stored.items() if row[3]), key=lambda i: (stored[i][0], i))
    assert [(c.id, c.name, c.suggested_room_id) for c in offered] == [
        (i, stored[i][1], stored[i][2]) for i in expected]
    assert any(c.suggested_room_id is not None for c in offered)


def test_staff_in_use_those_of_the_room_first(database: Database) -> None:
    with database.read() as session:
        rooms = {r.name: r.id for r in reference.rooms(session)}
    mediation, care = rooms["矛盾纠纷调解室"], rooms["关爱工作室"]
    with database.write() as session:
        session.add_all([
            Staff(name="甲调解员", room_id=mediation, active=True),
            Staff(name="乙关爱员", room_id=care, active=True),
            Staff(name="丙调解员", room_id=mediation, active=True),
            Staff(name="丁离职", room_id=mediation, active=True),
            Staff(name="戊前台", room_id=None, active=True),
        ])
        session.flush()
        session.execute(update(Staff).where(Staff.name == "丁离职").values(active=False))
    with database.write() as session:  # PostgreSQL now keeps 甲's row last
        session.execute(update(Staff).where(Staff.name == "甲调解员").values(phone="13900000001"))
    with database.read() as session:
        every = reference.staff(session)
        for_mediation = reference.staff(session, room_id=mediation)
        stored = {s.name: s.id for s in session.scalars(select(Staff))}
    ours = ["甲调解员", "乙关爱员", "丙调解员", "戊前台"]
    assert [s.name for s in every if s.name in stored and s.name in ours] == ours
    assert "丁离职" not in {s.name for s in every}
    assert [s.id for s in every] == sorted(s.id for s in every)
    names = [s.name for s in for_mediation]
    assert names[:2] == ["甲调解员", "丙调解员"]  # the room's own, in their order
    assert [n for n in names if n in ours][2:] == ["乙关爱员", "戊前台"]
    assert [(s.id, s.name) for s in for_mediation[:2]] == [
        (stored["甲调解员"], "甲调解员"), (stored["丙调解员"], "丙调解员")]
