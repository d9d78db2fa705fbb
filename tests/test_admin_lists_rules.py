"""The admin's lists (staff, categories, grids): refusals in words, what each entry shows,
and the order they are listed in."""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.models import Category, Grid
from desktop.services.admin import dictionaries
from desktop.services.admin.staff import save_staff, staff_entries
from tests.rules_helpers import refused


def test_a_member_of_staff_s_phone_and_room_are_refused_at_once_in_words(
        database: Database) -> None:
    with database.write() as session:
        assert refused(save_staff, session, None, "王芳", "receptionist", "x",
                       phone="12345") == {"phone": "手机号码应为11位", "room": "所选的室不存在"}
        assert refused(save_staff, session, None, "王芳", "receptionist", None,
                       phone="1" * 33) == {"phone": "电话过长（不超过32字，当前33字）"}


def test_a_member_of_staff_s_phone_is_kept_without_its_spaces(database: Database) -> None:
    with database.write() as session:
        saved = save_staff(session, None, "王芳", "receptionist", None, phone=" 139 1234 5678 ")
    with database.read() as session:
        [entry] = [e for e in staff_entries(session) if e.id == saved]
    assert (entry.name, entry.phone) == ("王芳", "13912345678")


def test_a_category_lists_with_its_time_limit(database: Database) -> None:
    with database.write() as session:
        category = session.query(Category).filter_by(name="邻里").one()
        dictionaries.save_category(session, category.id, "邻里", category.suggested_room_id,
                                   time_limit_days=15)
    with database.read() as session:
        [entry] = [e for e in dictionaries.categories(session) if e.name == "邻里"]
    assert entry.time_limit_days == 15


@pytest.fixture
def community(database: Database) -> int:
    with database.write() as session:
        return dictionaries.save_community(session, None, "建设路社区")


def test_grids_of_one_place_in_the_list_are_listed_by_name(database: Database,
                                                           community: int) -> None:
    with database.write() as session:
        for name in ("乙网格", "甲网格", "丙网格"):
            grid = session.get_one(Grid, dictionaries.save_grid(session, None, community, name))
            grid.sort_order = 1  # the admin moved them to one place
    with database.read() as session:
        names = [g.name for g in dictionaries.grids(session, community)]
    assert names == sorted(names) and len(names) >= 3


def test_a_grid_name_longer_than_64_characters_is_refused(database: Database,
                                                          community: int) -> None:
    with database.write() as session:
        assert refused(dictionaries.save_grid, session, None, community, "网" * 65) == {
            "name": "名称过长（不超过64字，当前65字）"}
