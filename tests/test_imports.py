"""Importing the admin's lists: a bad file is refused as a whole, a good one is upserted."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.exports.templates import write_template
from desktop.models import Category, Community, Grid, Room, Staff
from desktop.services import mediation
from desktop.services.admin import auth, dictionaries
from desktop.services.admin.imports import (
    IMPORTS,
    ImportRejected,
    check_file,
    current_rows,
    import_file,
)
from desktop.services.admin.staff import save_staff
from tests.conftest import TEST_ADMIN_NAME


def _snapshot(database: Database) -> dict[str, list[tuple]]:
    queries = {
        "community": select(Community.name, Community.active),
        "grid": select(Grid.community_id, Grid.name, Grid.members),
        "staff": select(Staff.name, Staff.role, Staff.room_id, Staff.phone),
        "room": select(Room.code, Room.name, Room.ticket_prefix, Room.kind, Room.location),
        "category": select(Category.name, Category.suggested_room_id),
    }
    with database.read() as session:
        return {key: sorted((tuple(row) for row in session.execute(stmt)), key=str)
                for key, stmt in queries.items()}


def _workbook(path: Path, key: str, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = IMPORTS[key].sheet
    ws.append(list(IMPORTS[key].headers))
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _messages(exc: pytest.ExceptionInfo[ImportRejected]) -> set[tuple[int, str, str]]:
    return {(p.row, p.column, p.message) for p in exc.value.problems}


def test_bad_staff_file_is_refused_with_every_problem(database: Database,
                                                      tmp_path: Path) -> None:
    before = _snapshot(database)
    path = _workbook(tmp_path / "staff.xlsx", "staff", [
        ["周敏", "调解员", "矛盾纠纷调解室", "13800138000"],  # fine on its own
        ["", "接待员", "", ""],
        ["刘洋", "保安", "", ""],
        ["陈静", "接待员", "档案室", ""],
        ["黄磊", "管理员", "", "12345"],
        ["周敏", "接待员", "", ""],
        [None, None, None, None],  # empty rows are skipped
        ["孙丽", "", "", "010-62345678"],
    ])
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", path)
    assert _messages(exc) == {
        (3, "姓名", "必填，不能为空"),
        (4, "角色", "角色只能是：接待员、工作室人员、调解员、心理咨询师、驻点民警、中心管理员、"
                    "领导、管理员"),
        (5, "所在室", "系统中没有“档案室”，请先导入或添加该室"),
        (6, "电话", "手机号码应为11位"),
        (7, "姓名", "与第2行的姓名重复"),
        (9, "角色", "必填，不能为空"),
    }
    assert str(exc.value) == "文件有 6 处问题，未导入任何数据"
    assert exc.value.errors == {"file": "文件有 6 处问题，未导入任何数据"}
    assert str(exc.value.problems[0]) == "第3行「姓名」：必填，不能为空"
    assert _snapshot(database) == before  # nothing written, not even the good row
    assert check_file(database, "staff", path) == exc.value.problems


@pytest.mark.parametrize("key, rows, expected", [
    ("rooms", [["调解二室", "mediation2", "调", "工作室", ""],
               ["信访接待室", "Petition", "访", "办公室", ""],
               ["心理咨询室", "psy", "心理咨询", "工作室", ""]],
     {(2, "叫号前缀", "叫号前缀已被“矛盾纠纷调解室”使用"),
      (3, "编码", "编码须以小写英文字母开头，只含小写字母、数字和下划线"),
      (3, "类型", "类型只能是“工作室”或“窗口”"),
      (4, "名称", "名称已被编码为 counselling 的室使用"),
      (4, "叫号前缀", "叫号前缀应为1至2个汉字、字母或数字")}),
    ("categories", [["邻里", "不存在的室"], ["邻里", ""], ["", "心理咨询室"]],
     {(2, "建议分流去向", "系统中没有“不存在的室”"), (3, "名称", "与第2行的名称重复"),
      (4, "名称", "必填，不能为空")}),
    ("communities", [["东城社区", "第一网格", "张三"], ["东城社区", "第一网格", "李四"],
                     ["", "第二网格", ""]],
     {(3, "网格", "与第2行的社区和网格重复"), (4, "社区", "必填，不能为空")}),
])
def test_bad_files_of_each_list(database: Database, tmp_path: Path, key: str,
                                rows: list[list[object]],
                                expected: set[tuple[int, str, str]]) -> None:
    before = _snapshot(database)
    with pytest.raises(ImportRejected) as exc:
        import_file(database, key, _workbook(tmp_path / f"{key}.xlsx", key, rows))
    assert _messages(exc) == expected
    assert _snapshot(database) == before


def test_file_of_the_wrong_shape(database: Database, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["名字", "角色"])
    wb.active.append(["周敏", "调解员"])
    wb.save(tmp_path / "wrong.xlsx")
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", tmp_path / "wrong.xlsx")
    assert _messages(exc) == {(1, "姓名", "缺少此列，请使用系统导出的模板"),
                              (1, "所在室", "缺少此列，请使用系统导出的模板"),
                              (1, "电话", "缺少此列，请使用系统导出的模板")}
    (tmp_path / "not.xlsx").write_text("这不是表格")
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", tmp_path / "not.xlsx")
    assert _messages(exc) == {(0, "", "无法读取：不是有效的 Excel (.xlsx) 文件")}
    empty = _workbook(tmp_path / "empty.xlsx", "staff", [])
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", empty)
    assert _messages(exc) == {(2, "", "文件中没有数据行")}


def test_good_files_are_upserted(database: Database, tmp_path: Path) -> None:
    rooms = import_file(database, "rooms", _workbook(tmp_path / "r.xlsx", "rooms", [
        ["矛盾纠纷调解室", "mediation", "调", "工作室", "一楼东侧101"],
        ["法律援助工作站", "legal_aid", "法", "窗口", "大厅3号窗口"],
    ]))
    assert (rooms.created, rooms.updated) == (1, 1)
    staff = import_file(database, "staff", _workbook(tmp_path / "s.xlsx", "staff", [
        ["周敏", "调解员", "矛盾纠纷调解室", "138 0013 8000"],
        ["吴刚", "接待员", "法律援助工作站", 13912345678],  # typed as a number in Excel
    ]))
    assert (staff.created, staff.updated) == (2, 0)
    communities = import_file(database, "communities", _workbook(
        tmp_path / "c.xlsx", "communities", [
            ["东城社区", "第一网格", "张三、李四"], ["东城社区", "第二网格", ""],
            ["北关村", "", ""],
        ]))
    assert (communities.created, communities.updated) == (4, 0)
    categories = import_file(database, "categories", _workbook(
        tmp_path / "k.xlsx", "categories", [["法律咨询", "法律援助工作站"], ["邻里", ""]]))
    assert (categories.created, categories.updated) == (1, 1)

    with database.read() as session:
        legal = session.scalars(select(Room).where(Room.code == "legal_aid")).one()
        assert (legal.name, legal.ticket_prefix, legal.kind, legal.location) == (
            "法律援助工作站", "法", "window", "大厅3号窗口")
        mediation = session.scalars(select(Room).where(Room.code == "mediation")).one()
        assert mediation.location == "一楼东侧101"
        zhou = session.scalars(select(Staff).where(Staff.name == "周敏")).one()
        assert (zhou.role, zhou.room_id, zhou.phone) == ("mediator", mediation.id,
                                                          "13800138000")
        wu = session.scalars(select(Staff).where(Staff.name == "吴刚")).one()
        assert (wu.role, wu.room_id, wu.phone) == ("receptionist", legal.id, "13912345678")
        east = session.scalars(select(Community).where(Community.name == "东城社区")).one()
        assert [(g.name, g.members) for g in east.grids] == [("第一网格", "张三、李四"),
                                                             ("第二网格", None)]
        assert session.scalars(select(Community).where(Community.name == "北关村")).one()
        neighbours = session.scalars(select(Category).where(Category.name == "邻里")).one()
        assert neighbours.suggested_room_id is None
        law = session.scalars(select(Category).where(Category.name == "法律咨询")).one()
        assert law.suggested_room_id == legal.id


@pytest.mark.parametrize("key", list(IMPORTS))
def test_template_round_trip(database: Database, tmp_path: Path, key: str) -> None:
    """A template exported as it is imports back cleanly and changes nothing."""
    import_file(database, "communities", _workbook(tmp_path / "c.xlsx", "communities", [
        ["东城社区", "第一网格", "张三"], ["西园社区", "", ""]]))
    import_file(database, "staff", _workbook(tmp_path / "s.xlsx", "staff", [
        ["周敏", "调解员", "矛盾纠纷调解室", "13800138000"]]))
    before = _snapshot(database)
    template = write_template(database, key, tmp_path / f"{key}-template.xlsx")
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [IMPORTS[key].sheet, "填写说明"]
    assert [c.value for c in wb.active[1]] == list(IMPORTS[key].headers)
    assert check_file(database, key, template) == []
    result = import_file(database, key, template)
    assert result.created == 0 and result.updated == result.rows > 0
    assert _snapshot(database) == before


def test_import_reactivates_entries_and_adds_new_ones_at_the_end(database: Database,
                                                                 tmp_path: Path) -> None:
    """The bulk write does what the dictionary editor does, entry by entry."""
    with database.write() as session:
        east = dictionaries.save_community(session, None, "东城社区")
        grid = dictionaries.save_grid(session, None, east, "第一网格", "张三")
        dictionaries.save_grid(session, grid, east, "第一网格", "张三", active=False)
        dictionaries.save_community(session, east, "东城社区", active=False)
        neighbours = session.scalars(select(Category).where(Category.name == "邻里")).one()
        dictionaries.save_category(session, neighbours.id, "邻里", None, active=False)
        last_category = max(session.scalars(select(Category.sort_order)))
        last_grid = max(session.scalars(select(Grid.sort_order)))
    import_file(database, "communities", _workbook(tmp_path / "c.xlsx", "communities", [
        ["西园社区", "甲网格", ""], ["东城社区", "第一网格", "李四"],
        ["西园社区", "乙网格", "王五"],
    ]))
    import_file(database, "categories", _workbook(tmp_path / "k.xlsx", "categories", [
        ["物业费", "矛盾纠纷调解室"], ["邻里", ""], ["噪音", ""]]))
    with database.read() as session:
        communities = {c.name: c for c in session.scalars(select(Community))}
        assert communities["东城社区"].active
        assert communities["西园社区"].sort_order > communities["东城社区"].sort_order
        grids = {g.name: g for g in session.scalars(select(Grid))}
        assert (grids["第一网格"].active, grids["第一网格"].members) == (True, "李四")
        assert [(grids[n].sort_order, grids[n].members) for n in ("甲网格", "乙网格")] == [
            (last_grid + 1, None), (last_grid + 2, "王五")]
        categories = {c.name: c for c in session.scalars(select(Category))}
        assert categories["邻里"].active
        assert [categories[n].sort_order for n in ("物业费", "噪音")] == [
            last_category + 1, last_category + 2]
        assert categories["物业费"].suggested_room_id == session.scalar(
            select(Room.id).where(Room.name == "矛盾纠纷调解室"))


def test_problems_quote_the_bad_value(database: Database, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "staff.xlsx", "staff", [
        ["黄磊", "管理员", "", "12345"],
        ["陈静", "保安", "档案室", ""],
    ])
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", path)
    assert [str(p) for p in exc.value.problems] == [
        "第2行「电话」“12345”：手机号码应为11位",
        "第3行「所在室」“档案室”：系统中没有“档案室”，请先导入或添加该室",
        "第3行「角色」“保安”：角色只能是：接待员、工作室人员、调解员、心理咨询师、驻点民警、中心管理员、领导、管理员",
    ]


def _held(database: Database, name: str) -> tuple[str, list[str]]:
    with database.read() as session:
        person = session.scalars(select(Staff).where(Staff.name == name)).one()
        return person.role, sorted(r.role for r in person.roles)


def test_imported_staff_hold_the_role_the_file_gives(database: Database, tmp_path: Path) -> None:
    with database.write() as session:
        both = save_staff(session, None, "李慧敏", "receptionist", None)
        auth.set_account(session, both, "lihuimin", ["receptionist", "mediator"])
    import_file(database, "staff", _workbook(tmp_path / "s.xlsx", "staff", [
        ["赵国庆", "调解员", "", ""], ["李慧敏", "工作室人员", "", ""]]))
    # New: the role of the file is one they hold, so a mediator is offered as one.
    assert _held(database, "赵国庆") == ("mediator", ["mediator"])
    with database.read() as session:
        offered = {c.name: c.mediator for c in mediation.staff_choices(session)}
    assert offered["赵国庆"] and offered["李慧敏"]
    # Known: the main role changes, the other roles she holds stay (as in the window).
    assert _held(database, "李慧敏") == ("room_staff", ["mediator", "room_staff"])


def test_an_import_cannot_take_the_last_administrator_away(
    database: Database, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "s.xlsx", "staff", [[TEST_ADMIN_NAME, "调解员", "", ""],
                                                    ["赵国庆", "调解员", "", ""]])
    with pytest.raises(ImportRejected) as refused:
        import_file(database, "staff", path)
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "角色", "调解员")]
    assert "唯一可以登录的中心管理员" in refused.value.problems[0].message
    assert refused.value.errors == {"file": "文件有 1 处问题，未导入任何数据"}
    assert _held(database, TEST_ADMIN_NAME) == ("admin", sorted(auth.ALL_ROLES))
    with database.read() as session:
        assert session.scalar(select(Staff.id).where(Staff.name == "赵国庆")) is None


def test_a_list_that_cannot_be_imported_is_refused(database: Database, tmp_path: Path) -> None:
    before = _snapshot(database)
    path = _workbook(tmp_path / "s.xlsx", "staff", [["赵国庆", "调解员", "", ""]])
    message = "不能导入“poems”，可导入：communities、staff、rooms、categories"
    for call in (import_file, check_file):
        with pytest.raises(ValueError) as refused:
            call(database, "poems", path)
        assert str(refused.value) == message
    with database.read() as session, pytest.raises(ValueError) as refused:
        current_rows(session, "poems")
    assert str(refused.value) == "poems"
    assert _snapshot(database) == before
    # The same file is taken as the list it is.
    assert import_file(database, "staff", path).created == 1


# -- how the file is read ------------------------------------------------------------------------

def _edited(path: Path, edit: Callable[[str], str],
            part: str = "xl/worksheets/sheet1.xml") -> Path:
    """The workbook with one part of its XML rewritten, as another program might write it."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, edit(data.decode()).encode() if info.filename == part else data)
    return path


def test_every_row_is_read_whatever_size_the_file_states(database: Database,
                                                         tmp_path: Path) -> None:
    """Rows past the size the sheet states, and rows that stop before the last column."""
    path = _workbook(tmp_path / "s.xlsx", "staff", [["赵国庆", "调解员", "", "13800138000"],
                                                    ["钱进", "接待员"],
                                                    ["孙丽", "接待员", "心理咨询室"]])
    _edited(path, lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:D2"/>',
                                     xml))
    result = import_file(database, "staff", path)
    assert (result.rows, result.created) == (3, 3)
    with database.read() as session:
        people = session.execute(select(Staff.name, Staff.phone, Room.name).outerjoin(Staff.room)
                                 .where(Staff.name.in_(["赵国庆", "钱进", "孙丽"]))
                                 .order_by(Staff.id)).all()
    assert [tuple(p) for p in people] == [("赵国庆", "13800138000", None), ("钱进", None, None),
                                          ("孙丽", None, "心理咨询室")]

