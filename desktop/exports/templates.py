"""Import templates (.xlsx): the admin's list as it is now, ready to edit and import back."""

from __future__ import annotations

import contextlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.db import Database
from desktop.exports.workbook import BORDER, FONT_NAME, HEADER_FILL
from desktop.services import files
from desktop.services.admin import audit, auth
from desktop.services.admin.imports import current_rows, import_spec
from desktop.services.admin.staff import ROLE_CODES, ROOM_KIND_LABELS
from desktop.services.reference import rooms as room_choices

# How many rows the drop-down lists cover (the template's rows plus room to add).
VALIDATION_ROWS = 500


def write_template(database: Database, key: str, out: str | Path) -> Path:
    auth.require(database, "imports.run")
    spec = import_spec(key)
    target = files.check_output_path(out)
    with database.read() as session:
        rows = current_rows(session, key)
        room_names = [c.name for c in room_choices(session)]
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    ws.append(list(spec.headers))
    header_font = Font(name=FONT_NAME, bold=True)
    for i, width in enumerate(spec.widths, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = header_font
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            cell.number_format = "@"  # phone numbers stay text, leading zeros kept
    ws.freeze_panes = "A2"

    def choice_list(header: str, values: list[str]) -> None:
        if header not in spec.headers or not values:
            return
        formula = '"' + ",".join(values) + '"'
        if len(formula) > 255:  # Excel's limit for an inline list
            return
        letter = get_column_letter(spec.headers.index(header) + 1)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=True, errorTitle="输入有误",
                            error=f"请从列表中选择{header}")
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
        ws.add_data_validation(dv)

    if key == "staff":
        choice_list("角色", list(ROLE_CODES))
        choice_list("所在室", room_names)
    elif key == "rooms":
        choice_list("类型", list(ROOM_KIND_LABELS.values()))
    elif key == "categories":
        choice_list("建议分流去向", room_names)

    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    notes.append([f"{spec.title}导入模板 填写说明"])
    notes["A1"].font = Font(name=FONT_NAME, bold=True, size=14)
    for line in (
        f"1. 在“{spec.sheet}”表中每行填写一条，第一行表头不要修改。",
        *(f"   {text}" for text in spec.help),
        "2. 已有的条目按名称（室按编码）匹配并更新，新的条目会新增；导入不会删除任何条目。",
        "3. 导入前会检查每一行；只要有一行有问题，整个文件都不会导入，并列出所有问题的行号和原因。",
    ):
        notes.append([line])
    tmp = files.temp_path(target)
    try:
        wb.save(tmp)
        files.replace_into(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    audit.log_event(database, "export", "list", key,
                    {"名单": spec.title, "条数": len(rows), "文件": target.name})
    return target
