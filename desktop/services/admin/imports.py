"""Importing the admin's lists from .xlsx: communities and grids, staff, rooms, categories.

The app exports a template of each list (the current entries, ready to edit;
see :mod:`desktop.exports.templates`); the admin edits it in Excel or WPS and
imports it back. Every row is checked first; a file with any bad row is
refused as a whole with every problem listed (row, column, reason in
Chinese), and nothing is written. A clean file is written in one short
transaction of bulk statements (no ORM object per row): entries are matched
by name (rooms by code) and updated, new ones are added; nothing is deleted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from desktop.db import Database
from desktop.models import Category, Community, Grid, Room, Staff
from desktop.services import files, validation
from desktop.services.admin import audit, auth, dictionaries
from desktop.services.admin.staff import ROLE_CODES, ROLE_LABELS, ROOM_KIND_LABELS
from desktop.services.errors import ValidationError

log = logging.getLogger(__name__)

ROOM_KIND_CODES = {"工作室": "room", "室": "room", "窗口": "window"}
ROOM_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# An admin's list is hundreds of rows (the bench imports 20,000); far more is not a list.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000


@dataclass(frozen=True)
class ImportSpec:
    key: str  # the command-line name
    title: str  # 社区和网格
    sheet: str  # the template's sheet
    headers: tuple[str, ...]
    required: tuple[str, ...]
    widths: tuple[int, ...]
    help: tuple[str, ...]  # the template's 填写说明, one line per column
    columns: tuple[Any, ...] = ()  # the model column each column is stored in (its length)


IMPORTS: dict[str, ImportSpec] = {
    "communities": ImportSpec(
        "communities", "社区和网格", "社区和网格", ("社区", "网格", "网格员"), ("社区",),
        (18, 18, 30),
        ("社区：社区或村的名称，必填，最多64字。",
         "网格：该社区内的网格名称；一个社区有多个网格时每个网格一行，社区名重复填写。",
         "网格员：该网格的网格员姓名，多人用顿号分隔。"),
        (Community.name, Grid.name, Grid.members)),
    "staff": ImportSpec(
        "staff", "工作人员", "工作人员", ("姓名", "角色", "所在室", "电话"), ("姓名", "角色"),
        (12, 14, 20, 16),
        ("姓名：必填，按姓名匹配已有人员并更新。",
         "角色：接待员、调解员、工作室人员、管理员 之一。",
         "所在室：须为系统中已有的室或窗口名称，可留空。",
         "电话：手机11位或座机（如 010-62345678），可留空。"),
        (Staff.name, Staff.role, Room.name, Staff.phone)),
    "rooms": ImportSpec(
        "rooms", "室和窗口", "室和窗口", ("名称", "编码", "叫号前缀", "类型", "位置"),
        ("名称", "编码", "叫号前缀", "类型"), (20, 14, 10, 10, 20),
        ("名称：如 矛盾纠纷调解室，必填，不可与其他室重名。",
         "编码：小写英文字母开头，可含数字和下划线，如 mediation；按编码匹配已有的室并更新。",
         "叫号前缀：打在排队号前的1至2个字，如 调（排队号 调-007），各室不可相同。",
         "类型：工作室 或 窗口。",
         "位置：如 一楼东侧，可留空。"),
        (Room.name, Room.code, Room.ticket_prefix, Room.kind, Room.location)),
    "categories": ImportSpec(
        "categories", "事项类别", "事项类别", ("名称", "建议分流去向"), ("名称",), (20, 20),
        ("名称：事项类别名称，必填；按名称匹配已有类别并更新。",
         "建议分流去向：登记时默认推荐的室或窗口名称，须为系统中已有的名称，可留空。"),
        (Category.name, Room.name)),
}


@dataclass(frozen=True)
class ImportProblem:
    row: int  # the Excel row number (1 is the header row)
    column: str  # the header of the column ("" for the whole row or file)
    message: str
    # What the cell held, quoted in the message so the user finds it without opening Excel.
    value: str = ""

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        column = f"「{self.column}」" if self.column else ""
        value = f"“{_shortened(self.value)}”" if self.value else ""
        return f"{where}{column}{value}：{self.message}"


def _shortened(value: str, limit: int = 30) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def in_order(problems: list[ImportProblem]) -> list[ImportProblem]:
    """By row, then by the column's header."""
    return sorted(problems, key=lambda p: (p.row, p.column))


class ImportRejected(ValidationError):
    """The file has problems; nothing was imported. ``problems`` lists them all."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = in_order(problems)
        message = f"文件有 {len(self.problems)} 处问题，未导入任何数据"
        super().__init__({"file": message})
        self.args = (message,)


@dataclass
class ImportResult:
    key: str
    created: int = 0
    updated: int = 0
    rows: int = 0

    def summary(self) -> str:
        return f"已导入 {self.rows} 行：新增 {self.created} 条，更新 {self.updated} 条。"


@dataclass
class _Rows:
    spec: ImportSpec
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def problem(self, row: int, column: str, message: str) -> None:
        cells = next((cells for number, cells in self.rows if number == row), {})
        self.problems.append(ImportProblem(row, column, message, cells.get(column, "")))


def _text(value: Any, *, multiline: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return validation.clean_text(str(value), multiline=multiline)


NOT_A_WORKBOOK = "无法读取：不是有效的 Excel (.xlsx) 文件"


def read_rows(path: str | Path, spec: ImportSpec) -> _Rows:
    """The data rows of the file as {header: text}, and problems with its shape.

    Only a regular file that starts like a zip is opened (a folder, ``/dev/zero``
    or a pipe is refused at once), and a file openpyxl cannot parse, however it
    fails, is reported as not a workbook.
    """
    out = _Rows(spec)
    try:
        files.check_input_file(path, max_bytes=MAX_IMPORT_BYTES,
                               signature=files.XLSX_SIGNATURE, kind="Excel (.xlsx) 文件")
    except ValidationError as exc:
        out.problem(0, "", "；".join(exc.errors.values()))
        return out
    try:
        _read_sheet(path, spec, out)
    except Exception as exc:  # a malformed file can fail anywhere inside openpyxl
        log.info("workbook could not be read: %s", type(exc).__name__)
        out.rows.clear()
        out.problem(0, "", NOT_A_WORKBOOK)
        return out
    if out.problems:
        return out
    if not out.rows:
        out.problem(2, "", "文件中没有数据行")
    return out


def _read_sheet(path: str | Path, spec: ImportSpec, out: _Rows) -> None:
    from openpyxl import load_workbook  # openpyxl is slow to import; only here

    multiline = {name for name, column in zip(spec.headers, spec.columns, strict=True)
                 if validation.is_multiline(column)}
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[spec.sheet] if spec.sheet in wb.sheetnames else wb.worksheets[0]
        # Read every row the sheet holds, not only those within the size the file states:
        # a file whose stated size is out of date would otherwise lose its last rows unseen.
        # Rows then end at their last filled cell.
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, ())]
        positions = {name: header.index(name) for name in spec.headers if name in header}
        for name in spec.headers:
            if name not in positions:
                out.problem(1, name, "缺少此列，请使用系统导出的模板")
        if out.problems:
            return
        for number, values in enumerate(rows, 2):
            cells = {name: _text(values[i], multiline=name in multiline)
                     if i < len(values) else "" for name, i in positions.items()}
            if any(cells.values()):
                if len(out.rows) == MAX_IMPORT_ROWS:
                    out.problem(number, "", f"行数过多（最多 {MAX_IMPORT_ROWS} 行）")
                    return
                out.rows.append((number, cells))
    finally:
        wb.close()


def _common_checks(data: _Rows) -> None:
    limits = {name: validation.column_limit(column) or validation.TEXT_LIMIT
              for name, column in zip(data.spec.headers, data.spec.columns, strict=True)}
    for number, cells in data.rows:
        for name in data.spec.required:
            if not cells[name]:
                data.problem(number, name, "必填，不能为空")
        for name, value in cells.items():
            message = validation.text_error(value, "内容", limits[name])
            if message:
                data.problem(number, name, message)


def _duplicates(data: _Rows, key: Callable[[dict[str, str]], Any], column: str,
                what: str) -> None:
    seen: dict[Any, int] = {}
    for number, cells in data.rows:
        k = key(cells)
        if not k or (isinstance(k, tuple) and not all(k)):
            continue
        if k in seen:
            data.problem(number, column, f"与第{seen[k]}行{what}重复")
        else:
            seen[k] = number


def _room_ids(session: Session) -> dict[str, int]:
    return {name: id_ for id_, name in session.execute(select(Room.id, Room.name))}


# -- one validate+apply pair per list --------------------------------------------------------

def _communities(session: Session, data: _Rows, result: ImportResult, apply: bool) -> None:
    _duplicates(data, lambda c: (c["社区"], c["网格"]), "网格", "的社区和网格")
    if not apply or data.problems:
        return
    # The same writes the dictionary editor makes (ordering, members, reactivation), in bulk.
    ids, new = dictionaries.upsert_communities(session, [c["社区"] for _n, c in data.rows])
    seen: set[str] = set()
    for _number, cells in data.rows:
        if cells["社区"] in new and cells["社区"] not in seen:
            result.created += 1
        elif not cells["网格"]:
            result.updated += 1
        seen.add(cells["社区"])
    grids = [(ids[c["社区"]], c["网格"], c["网格员"]) for _n, c in data.rows if c["网格"]]
    new_grids = dictionaries.upsert_grids(session, grids)
    result.created += len(new_grids)
    result.updated += len(grids) - len(new_grids)


def _staff(session: Session, data: _Rows, result: ImportResult, apply: bool) -> None:
    rooms = _room_ids(session)
    _duplicates(data, lambda c: c["姓名"], "姓名", "的姓名")
    existing: dict[str, list[int]] = {}
    for staff_id, name in session.execute(select(Staff.id, Staff.name).order_by(Staff.id)):
        existing.setdefault(name, []).append(staff_id)
    for number, cells in data.rows:
        if cells["角色"] and cells["角色"] not in ROLE_CODES:
            data.problem(number, "角色", "角色只能是：" + "、".join(ROLE_CODES))
        if cells["所在室"] and cells["所在室"] not in rooms:
            data.problem(number, "所在室", f"系统中没有“{cells['所在室']}”，请先导入或添加该室")
        if cells["电话"]:
            message = validation.phone_error(cells["电话"])
            if message:
                data.problem(number, "电话", message)
        if len(existing.get(cells["姓名"], [])) > 1:
            data.problem(number, "姓名", "系统中有多名同名工作人员，无法确定更新哪一位")
    if not apply or data.problems:
        return
    new: list[dictionaries.Row] = []
    known: list[dictionaries.Row] = []
    for _number, cells in data.rows:
        values: dictionaries.Row = {
            "role": ROLE_CODES[cells["角色"]],
            "room_id": rooms.get(cells["所在室"]) if cells["所在室"] else None,
            "phone": validation.normalize_phone(cells["电话"]) if cells["电话"] else None,
            "active": True,
        }
        if cells["姓名"] in existing:
            known.append({"id": existing[cells["姓名"]][0], **values})
        else:
            new.append({"name": cells["姓名"], **values})
    was = dict(session.execute(select(Staff.id, Staff.role)
                               .where(Staff.id.in_([row["id"] for row in known]))).all())
    admins = {name for _id, name in auth.administrators(session)}
    try:
        with auth.keeping_an_administrator(session, "role"):
            dictionaries.bulk_save(session, Staff, new, known)
            _hold_main_roles(session, was, [str(row["name"]) for row in new])
    except ValidationError as exc:  # the caller refuses the file and rolls the writes back
        for number, cells in data.rows:
            if cells["姓名"] in admins:
                data.problem(number, "角色", exc.errors["role"])
        return
    result.created += len(new)
    result.updated += len(known)


def _hold_main_roles(session: Session, was: dict[int, str], new_names: list[str]) -> None:
    """Each imported person holds the main role the file gives (a row of ``staff_role``,
    which the bulk statements do not write), as :func:`staff.save_staff` does it."""
    changed = select(Staff).where(or_(Staff.id.in_(list(was)), Staff.name.in_(new_names)))
    for person in session.scalars(changed.options(selectinload(Staff.roles))
                                  .execution_options(populate_existing=True)):
        if was.get(person.id) != person.role or not auth.holds(person, person.role):
            auth.change_main_role(person, person.role, was=was.get(person.id))


def _rooms(session: Session, data: _Rows, result: ImportResult, apply: bool) -> None:
    _duplicates(data, lambda c: c["编码"], "编码", "的编码")
    _duplicates(data, lambda c: c["名称"], "名称", "的名称")
    _duplicates(data, lambda c: c["叫号前缀"], "叫号前缀", "的叫号前缀")
    by_code = {room.code: room for room in session.scalars(select(Room))}
    file_codes = {cells["编码"] for _n, cells in data.rows}
    for number, cells in data.rows:
        code = cells["编码"]
        if code and not ROOM_CODE_RE.match(code):
            data.problem(number, "编码", "编码须以小写英文字母开头，只含小写字母、数字和下划线")
        prefix = cells["叫号前缀"]
        if prefix and (len(prefix) > 2 or not re.fullmatch(r"[\w]+", prefix)):
            data.problem(number, "叫号前缀", "叫号前缀应为1至2个汉字、字母或数字")
        if cells["类型"] and cells["类型"] not in ROOM_KIND_CODES:
            data.problem(number, "类型", "类型只能是“工作室”或“窗口”")
        for other in by_code.values():
            if other.code == code or other.code in file_codes:
                continue  # the row updates that room, or the file renames the other
            if cells["名称"] and other.name == cells["名称"]:
                data.problem(number, "名称", f"名称已被编码为 {other.code} 的室使用")
            if prefix and other.ticket_prefix == prefix:
                data.problem(number, "叫号前缀", f"叫号前缀已被“{other.name}”使用")
    if not apply or data.problems:
        return
    # A handful of rows (each room has its own ticket prefix): written one by one.
    # Free the names first, so two rooms can swap names in one file.
    for _number, cells in data.rows:
        room = by_code.get(cells["编码"])
        if room is not None and room.name != cells["名称"]:
            room.name = f"~{room.code}~"
    session.flush()
    for order, (_number, cells) in enumerate(data.rows):
        room = by_code.get(cells["编码"])
        if room is None:
            room = Room(code=cells["编码"], sort_order=len(by_code) + order, active=True)
            session.add(room)
            result.created += 1
        else:
            result.updated += 1
        room.name = cells["名称"]
        room.ticket_prefix = cells["叫号前缀"]
        room.kind = ROOM_KIND_CODES[cells["类型"]]
        room.location = cells["位置"] or None
        room.active = True
    session.flush()


def _categories(session: Session, data: _Rows, result: ImportResult, apply: bool) -> None:
    rooms = _room_ids(session)
    _duplicates(data, lambda c: c["名称"], "名称", "的名称")
    for number, cells in data.rows:
        if cells["建议分流去向"] and cells["建议分流去向"] not in rooms:
            data.problem(number, "建议分流去向", f"系统中没有“{cells['建议分流去向']}”")
    if not apply or data.problems:
        return
    new = dictionaries.upsert_categories(session, [
        (c["名称"], rooms[c["建议分流去向"]] if c["建议分流去向"] else None)
        for _n, c in data.rows
    ])
    result.created += len(new)
    result.updated += len(data.rows) - len(new)


_HANDLERS = {
    "communities": _communities,
    "staff": _staff,
    "rooms": _rooms,
    "categories": _categories,
}


def import_spec(key: str) -> ImportSpec:
    try:
        return IMPORTS[key]
    except KeyError:
        raise ValueError(f"不能导入“{key}”，可导入：{'、'.join(IMPORTS)}") from None


def check_file(database: Database, key: str, path: str | Path) -> list[ImportProblem]:
    """Every problem of the file (empty when it can be imported); writes nothing."""
    auth.require(database, "imports.run")
    data = read_rows(path, import_spec(key))
    if data.problems:
        return in_order(data.problems)
    with database.read() as session:
        _validate(session, key, data)
    return in_order(data.problems)


def _validate(session: Session, key: str, data: _Rows) -> None:
    _common_checks(data)
    _HANDLERS[key](session, data, ImportResult(key), False)


def import_file(database: Database, key: str, path: str | Path) -> ImportResult:
    """Import the file, or raise :class:`ImportRejected` and write nothing.

    The whole file is read and checked first, on a read-only session: a bad
    file never holds up the desks. The write transaction then repeats the few
    checks that depend on the database (another admin may have changed a list
    meanwhile) and writes in bulk statements, so even 20,000 rows hold the
    write lock for a second or two, not for minutes.
    """
    auth.require(database, "imports.run")
    data = read_rows(path, import_spec(key))
    if not data.problems:
        with database.read() as session:
            _validate(session, key, data)
    if data.problems:
        raise ImportRejected(data.problems)
    result = ImportResult(key, rows=len(data.rows))
    with database.write() as session:
        _HANDLERS[key](session, data, result, True)
        if data.problems:
            raise ImportRejected(data.problems)
        audit.record(session, "import", "list", key,
                     {"名单": import_spec(key).title, "文件": Path(path).name,
                      "行数": len(data.rows)})
    return result


# -- what the template is filled with ------------------------------------------------------------

def current_rows(session: Session, key: str) -> list[tuple[str, ...]]:
    """The list as it is now, in the template's columns (the admin edits and imports it back)."""
    if key == "communities":
        rows: list[tuple[str, ...]] = []
        for community in session.scalars(
            select(Community).where(Community.active)
            .order_by(Community.sort_order, Community.name)
        ):
            grids = [g for g in community.grids if g.active]
            if not grids:
                rows.append((community.name, "", ""))
            rows.extend((community.name, g.name, g.members or "") for g in grids)
        return rows
    if key == "staff":
        return [
            (s.name, ROLE_LABELS.get(s.role, s.role), s.room.name if s.room else "",
             s.phone or "")
            for s in session.scalars(select(Staff).where(Staff.active).order_by(Staff.id))
        ]
    if key == "rooms":
        return [
            (r.name, r.code, r.ticket_prefix, ROOM_KIND_LABELS.get(r.kind, r.kind),
             r.location or "")
            for r in session.scalars(select(Room).where(Room.active)
                                     .order_by(Room.sort_order, Room.id))
        ]
    if key == "categories":
        return [
            (c.name, c.suggested_room.name if c.suggested_room else "")
            for c in session.scalars(select(Category).where(Category.active)
                                     .order_by(Category.sort_order, Category.id))
        ]
    raise ValueError(key)
