"""Importing the admin's lists: a bad file is refused as a whole, a good one is upserted."""

from __future__ import annotations

import json
import logging
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, event, select

from desktop.db import Database
from desktop.exports.templates import write_template
from desktop.models import AuditEntry, Category, Community, Grid, Room, Staff, StaffRole
from desktop.services import mediation
from desktop.services.admin import auth, dictionaries, imports
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


def _texts(exc: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def _refused(database: Database, key: str, path: Path) -> list[str]:
    """The problems the import of ``path`` is refused with, as the admin reads them; the
    refusal writes nothing."""
    before = _snapshot(database)
    with pytest.raises(ImportRejected) as exc:
        import_file(database, key, path)
    assert _snapshot(database) == before
    return _texts(exc)


def test_problems_of_the_whole_file_or_row_name_no_column(
    database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = _snapshot(database)
    (tmp_path / "not.xlsx").write_text("这不是表格")
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", tmp_path / "not.xlsx")
    assert _texts(exc) == ["文件：无法读取：不是有效的 Excel (.xlsx) 文件"]
    assert check_file(database, "staff", tmp_path / "not.xlsx") == exc.value.problems

    # Starts like a zip but is none: openpyxl fails, the log says how (not what the file holds).
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04" + "这不是表格".encode() * 20)
    with caplog.at_level(logging.INFO, logger="desktop.services.admin.imports"), \
            pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", tmp_path / "broken.xlsx")
    assert [(p.row, p.column, p.value) for p in exc.value.problems] == [(0, "", "")]
    assert _texts(exc) == ["文件：无法读取：不是有效的 Excel (.xlsx) 文件"]
    assert ("desktop.services.admin.imports", logging.INFO,
            "workbook could not be read: BadZipFile") in caplog.record_tuples

    # A real workbook behind a few other bytes: zip readers would find it; it is still refused.
    good = _workbook(tmp_path / "good.xlsx", "staff", [["赵国庆", "调解员", "", ""]])
    (tmp_path / "prefixed.xlsx").write_bytes(b"MZ\x90\x00" + good.read_bytes())
    assert _refused(database, "staff", tmp_path / "prefixed.xlsx") == [
        "文件：无法读取：不是有效的 Excel (.xlsx) 文件"]

    empty = _workbook(tmp_path / "empty.xlsx", "staff", [[None] * 4])
    assert _refused(database, "staff", empty) == ["第2行：文件中没有数据行"]
    assert _snapshot(database) == before


def test_quoted_values_are_cut_after_30_characters(database: Database, tmp_path: Path) -> None:
    thirty = "东城街道综合治理中心" * 3
    path = _workbook(tmp_path / "s.xlsx", "staff", [["赵国庆", "调解员", thirty, ""],
                                                    ["钱进", "调解员", thirty + "室", ""]])
    assert _refused(database, "staff", path) == [
        f"第2行「所在室」“{thirty}”：系统中没有“{thirty}”，请先导入或添加该室",
        f"第3行「所在室」“{thirty}…”：系统中没有“{thirty}室”，请先导入或添加该室",
    ]


def test_cells_longer_than_their_column_are_refused(database: Database,
                                                    tmp_path: Path) -> None:
    name = "欧阳" * 16 + "娜"  # 33 characters; a name has at most 32
    path = _workbook(tmp_path / "s.xlsx", "staff", [[name, "调解员", "", ""],
                                                    ["钱进", "调解员", "", ""]])
    assert _refused(database, "staff", path) == [
        f"第2行「姓名」“{name[:30]}…”：内容过长（不超过32字，当前33字）"]


def test_cells_are_read_as_the_text_they_show(database: Database, tmp_path: Path) -> None:
    # A phone number stored as 13800138000.0 (as some programs save a number) and a name
    # worked out by a formula (its result is read, not the formula).
    path = _workbook(tmp_path / "s.xlsx", "staff", [['="周"&"敏"', "调解员", "", 13800138000]])
    _edited(path, lambda xml: xml.replace("<v>13800138000</v>", "<v>13800138000.0</v>")
            .replace('<c r="A2"><f>', '<c r="A2" t="str"><f>').replace("<v></v>", "<v>周敏</v>"))
    assert import_file(database, "staff", path).created == 1
    with database.read() as session:
        assert session.execute(select(Staff.name, Staff.phone).where(
            Staff.phone == "13800138000")).one() == ("周敏", "13800138000")

    # Line breaks stay only where several lines are kept (the grid members);
    # in a name they become a space.
    import_file(database, "communities", _workbook(tmp_path / "c.xlsx", "communities", [
        ["东城\n社区", "第一\t网格", "张三\n李四\t王五"]]))
    with database.read() as session:
        grid = session.scalars(select(Grid)).one()
        assert (grid.community.name, grid.name, grid.members) == (
            "东城 社区", "第一 网格", "张三\n李四\t王五")


def test_the_sheet_of_the_list_is_read_wherever_it_is(database: Database,
                                                      tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填写说明"
    wb.active.append(["姓名：必填"])
    sheet = wb.create_sheet(IMPORTS["staff"].sheet)
    sheet.append(list(IMPORTS["staff"].headers))
    sheet.append(["赵国庆", "调解员", "", ""])
    wb.save(tmp_path / "s.xlsx")
    assert import_file(database, "staff", tmp_path / "s.xlsx").created == 1

    wb = openpyxl.Workbook()
    wb.active.title = IMPORTS["staff"].sheet  # nothing in it, not even the header row
    wb.save(tmp_path / "blank.xlsx")
    assert _refused(database, "staff", tmp_path / "blank.xlsx") == [
        f"第1行「{name}」：缺少此列，请使用系统导出的模板"
        for name in sorted(IMPORTS["staff"].headers)]


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


def test_a_file_of_too_many_rows_is_refused(database: Database, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 3)
    before = _snapshot(database)
    path = _workbook(tmp_path / "s.xlsx", "staff", [
        ["赵国庆", "调解员", "", ""], ["钱进", "接待员", "", ""], ["孙丽", "接待员", "", ""],
        [None] * 4, ["李娜", "接待员", "", ""], ["周杰", "接待员", "", ""]])
    with pytest.raises(ImportRejected) as exc:
        import_file(database, "staff", path)
    assert [(p.row, p.column) for p in exc.value.problems] == [(6, "")]
    assert _texts(exc) == ["第6行：行数过多（最多 3 行）"]
    assert _snapshot(database) == before


# -- the checks of each list ---------------------------------------------------------------------

def test_empty_names_are_not_reported_as_repeated(database: Database, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "s.xlsx", "staff", [["", "接待员", "", ""],
                                                    ["", "调解员", "", ""]])
    assert _refused(database, "staff", path) == [
        "第2行「姓名」：必填，不能为空", "第3行「姓名」：必填，不能为空"]


def test_a_name_two_people_in_the_system_share_is_refused(database: Database,
                                                          tmp_path: Path) -> None:
    with database.write() as session:
        for _ in range(2):
            save_staff(session, None, "王芳", "receptionist", None)
    path = _workbook(tmp_path / "s.xlsx", "staff", [["赵国庆", "调解员", "", ""],
                                                    ["王芳", "调解员", "", ""]])
    assert _refused(database, "staff", path) == [
        "第3行「姓名」“王芳”：系统中有多名同名工作人员，无法确定更新哪一位"]


def test_imported_staff_are_active_and_hold_their_role(database: Database,
                                                      tmp_path: Path) -> None:
    with database.write() as session:
        away = save_staff(session, None, "钱进", "receptionist", None, active=False)
        save_staff(session, None, "孙丽", "receptionist", None)
        # A main role without its row of staff_role (as older data may have it).
        session.execute(delete(StaffRole).where(
            StaffRole.staff_id == select(Staff.id).where(Staff.name == "孙丽").scalar_subquery()))
    result = import_file(database, "staff", _workbook(tmp_path / "s.xlsx", "staff", [
        ["钱进", "接待员", "", ""], ["孙丽", "接待员", "", ""]]))
    assert (result.created, result.updated) == (0, 2)
    with database.read() as session:
        assert session.scalar(select(Staff.active).where(Staff.id == away)) is True
    assert _held(database, "孙丽") == ("receptionist", ["receptionist"])


def test_rooms_repeated_in_the_file(database: Database, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "r.xlsx", "rooms", [
        ["调解二室", "mediation2", "二", "工作室", ""],
        ["调解二室", "mediation2", "二", "工作室", ""]])
    assert _refused(database, "rooms", path) == ["第3行「叫号前缀」“二”：与第2行的叫号前缀重复",
                           "第3行「名称」“调解二室”：与第2行的名称重复",
                           "第3行「编码」“mediation2”：与第2行的编码重复"]


def test_a_ticket_prefix_has_one_or_two_characters(database: Database, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "r3.xlsx", "rooms", [
        ["调解三室", "mediation3", "调三室", "工作室", ""]])
    assert _refused(database, "rooms", path) == [
        "第2行「叫号前缀」“调三室”：叫号前缀应为1至2个汉字、字母或数字"]
    assert import_file(database, "rooms", _workbook(tmp_path / "r2.xlsx", "rooms", [
        ["调解二室", "mediation2", "调二", "工作室", ""]])).created == 1


def test_two_rooms_can_swap_names_and_prefixes(database: Database, tmp_path: Path) -> None:
    result = import_file(database, "rooms", _workbook(tmp_path / "r.xlsx", "rooms", [
        ["心理咨询室", "mediation", "心", "工作室", "一楼东侧"],
        ["矛盾纠纷调解室", "counselling", "调", "工作室", "二楼"]]))
    assert (result.created, result.updated) == (0, 2)
    with database.read() as session:
        rooms = dict(session.execute(select(Room.code, Room.name + Room.ticket_prefix)).all())
    assert (rooms["mediation"], rooms["counselling"]) == ("心理咨询室心", "矛盾纠纷调解室调")


def test_a_room_cannot_take_the_name_of_a_room_the_file_leaves(database: Database,
                                                              tmp_path: Path) -> None:
    """Every room the file does not list is checked, after any room it does list."""
    path = _workbook(tmp_path / "r.xlsx", "rooms", [
        ["社会组织工作室", "window", "综", "窗口", "群众接待大厅"]])
    assert _refused(database, "rooms", path) == [
        "第2行「名称」“社会组织工作室”：名称已被编码为 social 的室使用"]


def test_new_rooms_come_last_and_every_imported_room_is_active(database: Database,
                                                              tmp_path: Path) -> None:
    with database.write() as session:
        count = len(session.scalars(select(Room)).all())
        session.scalars(select(Room).where(Room.code == "social")).one().active = False
    result = import_file(database, "rooms", _workbook(tmp_path / "r.xlsx", "rooms", [
        ["社会组织工作室", "social", "社", "工作室", "二楼"],
        ["调解二室", "mediation2", "二", "工作室", ""],
        ["信访接待窗口", "petition", "访", "窗口", "大厅"]]))
    assert (result.created, result.updated) == (2, 1)
    assert result.summary() == "已导入 3 行：新增 2 条，更新 1 条。"
    with database.read() as session:
        rooms = {r.code: (r.sort_order, r.kind, r.active) for r in session.scalars(select(Room))}
    assert rooms["social"][2] is True
    assert (rooms["mediation2"], rooms["petition"]) == ((count + 1, "room", True),
                                                        (count + 2, "window", True))


def test_communities_already_there_are_counted_as_updated(database: Database,
                                                          tmp_path: Path) -> None:
    path = _workbook(tmp_path / "c.xlsx", "communities", [["北关村", "", ""], ["南庄村", "", ""]])
    assert import_file(database, "communities", path).summary() == (
        "已导入 2 行：新增 2 条，更新 0 条。")
    assert import_file(database, "communities", path).summary() == (
        "已导入 2 行：新增 0 条，更新 2 条。")


@pytest.mark.parametrize("key, row", [
    ("communities", ["东城社区", "第一网格", "张三"]),
    ("staff", ["赵国庆", "调解员", "矛盾纠纷调解室", ""]),
    ("rooms", ["调解二室", "mediation2", "二", "工作室", ""]),
    ("categories", ["物业费", "矛盾纠纷调解室"]),
])
def test_checking_a_good_file_writes_nothing(database: Database, tmp_path: Path, key: str,
                                            row: list[object]) -> None:
    """The check reads only: it takes no write lock from the desks."""
    path = _workbook(tmp_path / f"{key}.xlsx", key, [row])
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        assert check_file(database, key, path) == []
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert writes == []


def test_an_import_is_recorded_in_the_audit_log(database: Database, tmp_path: Path) -> None:
    import_file(database, "staff", _workbook(tmp_path / "工作人员名单.xlsx", "staff", [
        ["赵国庆", "调解员", "", ""], ["钱进", "接待员", "", ""]]))
    with database.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
        assert (entry.target_type, entry.target_id, json.loads(entry.detail)) == (
            "list", "staff", {"名单": "工作人员", "文件": "工作人员名单.xlsx", "行数": 2})


def test_a_template_holds_each_list_as_it_is_now_in_the_program_s_order(
    database: Database, tmp_path: Path
) -> None:
    """What the admin exports to edit: the active entries only, blanks where nothing is set,
    in the order the lists show them (two desks adding at once may give two entries the
    same place: then by name for communities, by when they were added otherwise)."""
    with database.write() as session:
        west = dictionaries.save_community(session, None, "西园社区")
        dictionaries.save_grid(session, None, west, "第一网格", "张三")
        dictionaries.save_grid(session, None, west, "第二网格", "")
        dictionaries.save_grid(session, None, west, "旧网格", "李四", active=False)
        east = dictionaries.save_community(session, None, "东城社区")
        dictionaries.save_grid(session, None, east, "旧网格", "", active=False)
        north = dictionaries.save_community(session, None, "北关村")
        dictionaries.save_community(session, None, "南庄村", active=False)
        session.get(Community, north).sort_order = session.get(Community, west).sort_order
        mediation_room = session.scalars(select(Room.id).where(Room.code == "mediation")).one()
        zhao = save_staff(session, None, "赵国庆", "mediator", mediation_room, "13800138000")
        save_staff(session, None, "钱进", "receptionist", None)
        save_staff(session, None, "孙丽", "receptionist", None, active=False)
        # An earlier entry changed after later ones were added keeps its place.
        save_staff(session, zhao, "赵国庆", "mediator", mediation_room, "13800138001")
        added = dictionaries.save_category(session, None, "物业费", None)
        neighbours = session.scalars(select(Category).where(Category.name == "邻里")).one()
        session.get(Category, added).sort_order = neighbours.sort_order
        dictionaries.save_category(session, neighbours.id, "邻里纠纷", neighbours.suggested_room_id)
    # Rooms imported in three files: a new room's place follows the rooms already there and
    # its row in the file, so a later one can come first or share a place.
    import_file(database, "rooms", _workbook(tmp_path / "r1.xlsx", "rooms", [
        ["综合受理窗口", "window", "综", "窗口", "群众接待大厅"],
        ["矛盾纠纷调解室", "mediation", "调", "工作室", "一楼东侧"],
        ["调解二室", "mediation2", "二", "工作室", ""]]))
    import_file(database, "rooms", _workbook(tmp_path / "r2.xlsx", "rooms", [
        ["法律援助工作站", "legal_aid", "法", "窗口", "大厅3号窗口"]]))
    import_file(database, "rooms", _workbook(tmp_path / "r3.xlsx", "rooms", [
        ["信访接待室", "petition", "访", "工作室", ""],
        ["调解二室", "mediation2", "二", "工作室", "一楼东侧102"]]))
    with database.read() as session:
        lists = {key: current_rows(session, key) for key in IMPORTS}
    assert lists["communities"] == [
        ("北关村", "", ""), ("西园社区", "第一网格", "张三"), ("西园社区", "第二网格", ""),
        ("东城社区", "", "")]
    assert lists["staff"] == [
        (TEST_ADMIN_NAME, "中心管理员", "", ""),
        ("赵国庆", "调解员", "矛盾纠纷调解室", "13800138001"), ("钱进", "接待员", "", "")]
    assert lists["rooms"] == [
        ("综合受理窗口", "window", "综", "窗口", "群众接待大厅"),
        ("矛盾纠纷调解室", "mediation", "调", "工作室", "一楼东侧"),
        ("心理咨询室", "counselling", "心", "工作室", "二楼"),
        ("警民联络室", "police", "警", "工作室", "一楼西侧"),
        ("关爱工作室", "care", "爱", "工作室", "二楼"),
        ("社会组织工作室", "social", "社", "工作室", "二楼"),
        ("法律援助工作站", "legal_aid", "法", "窗口", "大厅3号窗口"),
        ("调解二室", "mediation2", "二", "工作室", "一楼东侧102"),
        ("信访接待室", "petition", "访", "工作室", "")]
    categories = lists["categories"]
    assert categories[:3] == [("婚姻家庭", "矛盾纠纷调解室"), ("邻里纠纷", "矛盾纠纷调解室"),
                              ("物业费", "")]
    assert len(categories) == 18 and categories[-1] == ("其他", "综合受理窗口")
