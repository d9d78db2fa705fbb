"""A register (台账) workbook writer: streams rows into .xlsx with the look of a printed register.

Built on openpyxl's write-only mode, so a million rows never sit in memory.
Each sheet gets a merged title row (centre name, register name, period), a
subtitle row (export time, row count), bold bordered headers that stay frozen
and repeat on every printed page, column widths, wrapped text, date formats,
an autofilter, a totals row where the columns ask for one, notes under the
table, and an A4 landscape page setup that fits the width.

Columns are data (:class:`Column`): header, width, kind (number format), a
value getter. The header, title and totals rows go through openpyxl's public
cell API; the data rows are serialised by :func:`_row_element` straight into
openpyxl's sheet stream (one lxml element per row, cells styled with the
column's style id), which costs less than openpyxl's own per-cell path and so
keeps a fully styled register as fast as a plain unstyled dump. That hook
(:class:`_RegisterSheet`) relies on openpyxl 3.1's write-only internals;
pyproject pins ``openpyxl<3.2`` and the tests read every exported cell back.

The file is written to a temporary file beside the target and renamed into
place only when complete: a cancelled or failed export leaves no file behind.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from lxml.etree import Element, SubElement
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.services.errors import Cancelled

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

# Rows between two progress reports / cancel checks.
PROGRESS_STEP = 500

FONT_NAME = "宋体"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NUMBER_FORMATS = {
    "text": "General",
    "int": "0",
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "money": "#,##0.00",
    "percent": "0.0%",
    "decimal": "0.0",
    # A difference of two rates, in percentage points (value 3.2 → +3.2个百分点).
    "points": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
    # A relative change (value 0.125 → +12.5%).
    "change": "+0.0%;-0.0%;0.0%",
}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3


@dataclass(frozen=True)
class Column:
    """One column of a register: what it is called, how wide, how shown, where its value is.

    ``value`` is the name of an attribute of the row (rows are named tuples or
    dataclasses) or a function of the row. ``kind`` picks the number format
    (see ``NUMBER_FORMATS``). ``missing`` is written when the value is
    ``None`` (e.g. "—" for a figure that is not available). ``total`` asks
    for a sum (``"sum"``) or a row count (``"count"``) in the totals row.
    """

    header: str
    width: float
    value: str | Callable[[Any], Any]
    kind: str = "text"
    wrap: bool = False
    align: str = "left"  # left, center, right
    missing: str | None = None
    total: str | None = None
    total_format: str | None = None

    def getter(self) -> Callable[[Any], Any]:
        return attrgetter(self.value) if isinstance(self.value, str) else self.value

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS.get(self.kind, self.kind)


@dataclass(frozen=True)
class SectionRow:
    """A heading inside a sheet's data (e.g. 按分流去向统计): bold, shaded, merged across."""

    text: str


@dataclass
class SheetSpec:
    """One sheet: a register (many rows) or a report table (a few)."""

    name: str  # the tab
    title: str  # the register's name, printed in the title row
    columns: Sequence[Column]
    rows: Iterable[Any]
    expected_rows: int | None = None  # for progress and the subtitle ("共 N 条")
    period: str = ""
    totals: bool = False
    totals_label: str = "合计"
    notes: Sequence[str] = ()
    subtitle: str | None = None  # replaces the default "导出时间 … 共 N 条"
    autofilter: bool = True


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # data rows written, per sheet


class _Raw:
    """A data row already serialised as an lxml ``<row>`` element."""

    __slots__ = ("element",)

    def __init__(self, element: Any) -> None:
        self.element = element


class _RegisterSheet(WriteOnlyWorksheet):
    """A write-only sheet that also takes ready-made ``<row>`` elements."""

    def _write_rows(self):  # type: ignore[no-untyped-def]
        # openpyxl 3.1's WriteOnlyWorksheet._write_rows, plus the _Raw branch.
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if type(row) is _Raw:
                        xf.write(row.element)
                    else:
                        cells = self._values_to_row(row, row_idx)
                        self._writer.write_row(xf, cells, row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def append_element(self, element: Any) -> None:
        self.append(_Raw(element))  # type: ignore[arg-type]

    def append(self, row: Any) -> None:
        if type(row) is _Raw:
            self._get_writer()
            rows: Any = self._rows  # type: ignore[has-type]
            if rows is None:
                rows = self._rows = self._write_rows()
                next(rows)
            rows.send(row)
        else:
            super().append(row)

    def discard(self) -> None:
        """Drop the half-written sheet stream and its temporary file."""
        writer = self._writer
        if writer is None:
            return
        with contextlib.suppress(Exception):
            if self._rows is not None:
                self._rows.close()
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text) if ILLEGAL_CHARACTERS_RE.search(text) else text


class _Styles:
    """Style ids of one workbook, made once through openpyxl's cell API."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._cache: dict[tuple, int] = {}

    def cell(self, value: Any = None, **style: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        for key, val in style.items():
            setattr(cell, key, val)
        return cell

    def data_style_id(self, column: Column) -> str:
        key = ("data", column.kind, column.wrap, column.align)
        if key not in self._cache:
            probe = self.cell(
                font=Font(name=FONT_NAME, size=10),
                border=BORDER,
                number_format=column.number_format,
                alignment=Alignment(horizontal=column.align, vertical="center",
                                    wrap_text=column.wrap),
            )
            self._cache[key] = probe.style_id
        return str(self._cache[key])


def _alignment(column: Column) -> Alignment:
    return Alignment(horizontal=column.align, vertical="center", wrap_text=column.wrap)


class _SheetWriter:
    def __init__(self, wb: Workbook, spec: SheetSpec, centre_name: str, exported_at: datetime):
        self.spec = spec
        self.ws = _RegisterSheet(parent=wb, title=spec.name[:31])
        wb._add_sheet(self.ws)
        self.styles = _Styles(self.ws)
        self.centre_name = centre_name
        self.exported_at = exported_at
        self.columns = list(spec.columns)
        self.n_cols = len(self.columns)
        self.letters = [get_column_letter(i + 1) for i in range(self.n_cols)]
        self.last_letter = self.letters[-1]
        self.getters = [c.getter() for c in self.columns]
        self.style_ids = [self.styles.data_style_id(c) for c in self.columns]
        self.epoch = wb.epoch
        self.row_idx = 0
        self.data_rows = 0
        self.sums: list[Any] = [0] * self.n_cols

    # -- layout -----------------------------------------------------------------
    def setup(self) -> None:
        ws = self.ws
        for letter, column in zip(self.letters, self.columns, strict=True):
            ws.column_dimensions[letter].width = column.width
        ws.row_dimensions[TITLE_ROW].height = 30
        ws.row_dimensions[HEADER_ROW].height = 32
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = 0.6
        ws.page_margins.bottom = 0.7
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.evenFooter.center.text = "第 &P 页 共 &N 页"

    def _merged_row(self, text: str, **style: Any) -> None:
        self.row_idx += 1
        cell = self.styles.cell(text, **style)
        # Border the whole merged range so it prints as one box when asked for.
        rest = []
        if "border" in style:
            rest = [self.styles.cell(None, border=style["border"])
                    for _ in range(self.n_cols - 1)]
        self.ws.append([cell, *rest])
        if self.n_cols > 1:
            self.ws.merged_cells.add(f"A{self.row_idx}:{self.last_letter}{self.row_idx}")

    def write_head(self) -> None:
        spec = self.spec
        title = f"{self.centre_name}{spec.title}"
        if spec.period:
            title += f"（{spec.period}）"
        self._merged_row(title, font=Font(name=FONT_NAME, size=16, bold=True),
                         alignment=Alignment(horizontal="center", vertical="center"))
        subtitle = spec.subtitle
        if subtitle is None:
            subtitle = f"导出时间：{self.exported_at:%Y-%m-%d %H:%M}"
            if spec.expected_rows is not None:
                subtitle += f"    共 {spec.expected_rows} 条"
        self._merged_row(subtitle, font=Font(name=FONT_NAME, size=10),
                         alignment=Alignment(horizontal="right", vertical="center"))
        header_font = Font(name=FONT_NAME, size=10.5, bold=True)
        header_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.row_idx += 1
        self.ws.append([
            self.styles.cell(c.header, font=header_font, fill=HEADER_FILL, border=BORDER,
                             alignment=header_align)
            for c in self.columns
        ])

    # -- data ---------------------------------------------------------------------
    def write_data(self, row: Any) -> None:
        self.row_idx += 1
        r = str(self.row_idx)
        element = Element("row", r=r)
        for j, getter in enumerate(self.getters):
            value = getter(row)
            column = self.columns[j]
            if column.total == "sum" and value is not None:
                self.sums[j] += value
            if value is None and column.missing is not None:
                value = column.missing
            _cell(element, self.letters[j] + r, self.style_ids[j], value, self.epoch)
        self.ws.append_element(element)
        self.data_rows += 1

    def write_section(self, text: str) -> None:
        self._merged_row(text, font=Font(name=FONT_NAME, size=10.5, bold=True),
                         fill=SECTION_FILL, border=BORDER,
                         alignment=Alignment(horizontal="left", vertical="center"))

    # -- tail ------------------------------------------------------------------------
    def write_totals(self) -> None:
        font = Font(name=FONT_NAME, size=10.5, bold=True)
        cells = []
        for j, column in enumerate(self.columns):
            value: Any = None
            fmt = column.total_format or column.number_format
            if j == 0:
                value, fmt = self.spec.totals_label, "General"
            elif column.total == "sum":
                value = self.sums[j]
            elif column.total == "count":
                value = self.data_rows
                fmt = column.total_format or "0"
            cells.append(self.styles.cell(
                value, font=font, border=BORDER, number_format=fmt,
                alignment=Alignment(horizontal="center" if j == 0 else column.align,
                                    vertical="center"),
            ))
        self.row_idx += 1
        self.ws.append(cells)

    def write_notes(self) -> None:
        for note in self.spec.notes:
            self._merged_row(note, font=Font(name=FONT_NAME, size=9, italic=True,
                                             color="595959"),
                             alignment=Alignment(horizontal="left", vertical="center",
                                                 wrap_text=True))

    def finish_layout(self, last_data_row: int) -> None:
        if self.spec.autofilter:
            self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{last_data_row}"


def _cell(row: Any, ref: str, style: str, value: Any, epoch: Any) -> None:
    """Append one ``<c>`` to ``row`` (what openpyxl's cell writer emits, minus its overhead)."""
    kind = type(value)
    if value is None:
        SubElement(row, "c", r=ref, s=style)
    elif kind is str:
        if value == "":
            SubElement(row, "c", r=ref, s=style)
            return
        c = SubElement(row, "c", r=ref, s=style, t="inlineStr")
        t = SubElement(SubElement(c, "is"), "t")
        text = _clean(value)
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
    elif kind is bool:
        c = SubElement(row, "c", r=ref, s=style, t="b")
        SubElement(c, "v").text = "1" if value else "0"
    elif kind is int or kind is float:
        c = SubElement(row, "c", r=ref, s=style, t="n")
        SubElement(c, "v").text = repr(value)
    elif kind is datetime or kind is date:
        c = SubElement(row, "c", r=ref, s=style, t="n")
        SubElement(c, "v").text = repr(to_excel(value, epoch))
    elif isinstance(value, Decimal):
        c = SubElement(row, "c", r=ref, s=style, t="n")
        SubElement(c, "v").text = str(value)
    elif isinstance(value, int | float):  # numpy-like or int subclasses
        c = SubElement(row, "c", r=ref, s=style, t="n")
        SubElement(c, "v").text = repr(value)
    elif isinstance(value, datetime | date):
        c = SubElement(row, "c", r=ref, s=style, t="n")
        SubElement(c, "v").text = repr(to_excel(value, epoch))
    else:
        _cell(row, ref, style, str(value), epoch)


def _temp_path(path: Path) -> Path:
    return path.with_name(f".~{path.stem}.{uuid.uuid4().hex[:8]}.part")


def write_register_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[SheetSpec],
    *,
    centre_name: str,
    exported_at: datetime | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> WorkbookResult:
    """Write ``sheets`` to ``path`` as one workbook; nothing is left behind if it fails.

    ``progress(done, total)`` is called every ``PROGRESS_STEP`` data rows (total
    is the sum of the sheets' ``expected_rows``, 0 when unknown) and ``cancelled()``
    is checked as often; when it returns true, :class:`Cancelled` is raised.
    """
    target = Path(path)
    exported_at = exported_at or datetime.now().replace(microsecond=0)
    total = sum(s.expected_rows or 0 for s in sheets)
    done = 0
    wb = Workbook(write_only=True)
    writers: list[_SheetWriter] = []
    tmp = _temp_path(target)
    counts: dict[str, int] = {}

    def check() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()

    try:
        for spec in sheets:
            writer = _SheetWriter(wb, spec, centre_name, exported_at)
            writers.append(writer)
            writer.setup()
            writer.write_head()
            step = 0
            for row in spec.rows:
                if type(row) is SectionRow:
                    writer.write_section(row.text)
                    continue
                writer.write_data(row)
                done += 1
                step += 1
                if step == PROGRESS_STEP:
                    step = 0
                    check()
                    if progress is not None:
                        progress(done, total)
            last_data_row = writer.row_idx
            if spec.totals:
                writer.write_totals()
            writer.write_notes()
            writer.finish_layout(last_data_row)
            counts[spec.name] = writer.data_rows
        check()
        wb.save(tmp)
        check()
        os.replace(tmp, target)
    except BaseException:
        for writer in writers:
            writer.ws.discard()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if progress is not None:
        progress(done, max(total, done))
    return WorkbookResult(target, counts)
