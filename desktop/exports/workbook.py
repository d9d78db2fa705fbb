"""A register (台账) workbook writer: streams rows into .xlsx with the look of a printed register.

Built on openpyxl's write-only mode, so a million rows never sit in memory.
Each sheet gets a merged title row (centre name, register name, period), a
subtitle row (export time, row count), bold bordered headers that stay frozen
and repeat on every printed page, column widths, wrapped text, date formats,
an autofilter, a totals row where the columns ask for one, notes under the
table, and an A4 landscape page setup that fits the width.

Columns are data (:class:`Column`): header, width, kind (number format), a
value getter. Styles are registered through openpyxl's cell API, and
openpyxl writes every part of the workbook except the rows themselves: those
are streamed as XML text into a file of their own and spliced into the sheet
when openpyxl closes it (:class:`_RegisterSheet`). Serialising a row as text
costs a fraction of openpyxl's per-cell path (or of building lxml elements),
so a fully styled register is written faster than a plain unstyled openpyxl
dump of the same rows. The splice relies on openpyxl 3.1's write-only sheet
writer; pyproject pins ``openpyxl<3.2`` and the tests read exported cells back.

The file is written to a temporary file beside the target and renamed into
place only when complete: a cancelled or failed export leaves no file behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import ALL_TEMP_FILES, create_temporary_file
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.printing.linebreak import break_lines
from desktop.services import files
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
    # Lines under the notes where a hand fills in (填报单位（盖章）, 负责人, …).
    sign_lines: Sequence[str] = ()
    # A report of a few dozen lines prints on one portrait page.
    one_page: bool = False


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # data rows written, per sheet


_SHEET_DATA = b"<sheetData></sheetData>"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Rows are joined and written in chunks of this many.
_WRITE_CHUNK = 200


class _RegisterSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are streamed as XML text into a file of their own.

    openpyxl writes everything else of the sheet (views, columns, merged cells,
    autofilter, page setup, footer) with an empty ``<sheetData>``; on ``close``
    that empty element is replaced by the rows file. openpyxl then zips the
    result as it would its own sheet.
    """

    rows_path: str | None = None

    def close(self) -> None:
        super().close()
        if self.rows_path is None:
            return
        writer = self._writer
        old = writer.out
        with open(old, "rb") as f:
            skeleton = f.read()  # a few kilobytes: the sheet without its rows
        before, marker, after = skeleton.partition(_SHEET_DATA)
        if not marker:
            raise RuntimeError("unexpected worksheet layout from openpyxl")
        spliced = create_temporary_file(suffix=".xml")
        with open(spliced, "wb") as out:
            out.write(before)
            out.write(b"<sheetData>")
            with open(self.rows_path, "rb") as rows:
                shutil.copyfileobj(rows, out, 1 << 20)
            out.write(b"</sheetData>")
            out.write(after)
        writer.cleanup()  # the skeleton
        writer.out = spliced
        _remove(self.rows_path)
        self.rows_path = None

    def discard(self) -> None:
        """Drop the half-written sheet and its temporary files."""
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
            with contextlib.suppress(Exception):
                writer.cleanup()
        if self.rows_path is not None:
            _remove(self.rows_path)
            self.rows_path = None


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
    with contextlib.suppress(ValueError):
        ALL_TEMP_FILES.remove(path)


def _clean(text: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.translate(_ESCAPES)


# Points per line of the 10-point data font, for rows whose text wraps.
DATA_LINE_HEIGHT = 13.5
# The most lines one row holds (a spreadsheet row is at most 409 points tall); a longer
# text goes on in continuation rows below, so nothing is cut on paper.
MAX_ROW_LINES = 28


def _units(ch: str) -> float:
    """Width in column units (one digit of the sheet's default font, 7 px): a 10-point
    Chinese character is 13.3 px, a digit or letter at most one unit."""
    return 1.95 if ord(ch) >= 0x2E80 else 1.0


def wrapped_lines(text: str, width: float) -> list[str]:
    """``text`` as a spreadsheet wraps it in a column ``width`` digits wide, by the same
    Chinese line-breaking rules as the printed documents (a little of the width goes to
    the cell's margins). A line that ends a typed paragraph keeps its "\\n"."""
    usable = max(width - 1.0, 2.0)
    lines: list[str] = []
    for part in text.split("\n"):
        if sum(_units(c) for c in part) <= usable:
            lines.append(part + "\n")
            continue
        wrapped = [line for line, _ in break_lines(part, lambda t: [_units(c) for c in t],
                                                   usable)]
        wrapped[-1] += "\n"
        lines += wrapped
    lines[-1] = lines[-1][:-1]
    return lines


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped column ``width`` characters wide."""
    return len(wrapped_lines(text, width))


def _joined(lines: list[str]) -> str:
    """Wrapped lines back into the cell's text (a Chinese line wraps without a space)."""
    out = ""
    for line in lines:
        if out and out[-1].isascii() and line[:1].isascii() and not out[-1].isspace():
            out += " "  # the space the line was broken at
        out += line
    return out.removesuffix("\n")


def _cell_xml(ref: str, style: str, value: Any, epoch: Any) -> str:
    """One ``<c>`` element as text: what openpyxl's cell writer emits, without its overhead."""
    kind = type(value)
    if kind is str:
        if not value:
            return f'<c r="{ref}" s="{style}"/>'
        text = _clean(value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if kind is int or kind is float:
        return f'<c r="{ref}" s="{style}" t="n"><v>{value!r}</v></c>'
    if kind is datetime or kind is date:
        return f'<c r="{ref}" s="{style}" t="n"><v>{to_excel(value, epoch)!r}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}" s="{style}" t="n"><v>{value}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{style}" t="n"><v>{value!r}</v></c>'
    if isinstance(value, datetime | date):
        return f'<c r="{ref}" s="{style}" t="n"><v>{to_excel(value, epoch)!r}</v></c>'
    return _cell_xml(ref, style, str(value), epoch)


class _Styles:
    """Style ids of one workbook, registered through openpyxl's cell API."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._cache: dict[tuple, str] = {}

    def style_id(self, key: tuple, **style: Any) -> str:
        if key not in self._cache:
            cell = WriteOnlyCell(self.ws)
            for name, value in style.items():
                setattr(cell, name, value)
            self._cache[key] = str(cell.style_id)
        return self._cache[key]

    def data(self, column: Column) -> str:
        return self.style_id(
            ("data", column.kind, column.wrap, column.align),
            font=Font(name=FONT_NAME, size=10), border=BORDER,
            number_format=column.number_format,
            alignment=Alignment(horizontal=column.align, vertical="center",
                                wrap_text=column.wrap),
        )


class _SheetWriter:
    def __init__(self, wb: Workbook, spec: SheetSpec, centre_name: str, exported_at: datetime):
        self.spec = spec
        self.ws = _RegisterSheet(parent=wb, title=spec.name[:31])
        wb._add_sheet(self.ws)
        fd, rows_path = tempfile.mkstemp(prefix="register.", suffix=".rows.xml")
        os.close(fd)
        self.ws.rows_path = rows_path
        self.out = open(rows_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.pending: list[str] = []
        self.styles = _Styles(self.ws)
        self.centre_name = centre_name
        self.exported_at = exported_at
        self.columns = list(spec.columns)
        self.n_cols = len(self.columns)
        self.letters = [get_column_letter(i + 1) for i in range(self.n_cols)]
        self.last_letter = self.letters[-1]
        self.getters = [c.getter() for c in self.columns]
        self.style_ids = [self.styles.data(c) for c in self.columns]
        self.missing = [c.missing for c in self.columns]
        self.sum_columns = [j for j, c in enumerate(self.columns) if c.total == "sum"]
        self.wrap_columns = [(j, c.width) for j, c in enumerate(self.columns) if c.wrap]
        self.epoch = wb.epoch
        self.row_idx = 0
        self.data_rows = 0
        self.sums: list[Any] = [0] * self.n_cols

    # -- layout -----------------------------------------------------------------
    def setup(self) -> None:
        ws = self.ws
        for letter, column in zip(self.letters, self.columns, strict=True):
            ws.column_dimensions[letter].width = column.width
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "portrait" if self.spec.one_page else "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if self.spec.one_page else 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = 0.6
        ws.page_margins.bottom = 0.7
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        ws.evenFooter.center.text = "第 &P 页 共 &N 页"

    def _emit(self, cells: list[str], height: float | None = None) -> None:
        self.row_idx += 1
        attrs = f' ht="{height}" customHeight="1"' if height else ""
        self.pending.append(f'<row r="{self.row_idx}"{attrs}>{"".join(cells)}</row>')
        if len(self.pending) >= _WRITE_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.out.write("".join(self.pending))
            self.pending.clear()

    def _merged_row(self, text: str, key: str, height: float | None = None,
                    **style: Any) -> None:
        r = self.row_idx + 1
        first = self.styles.style_id((key, "first"), **style)
        cells = [_cell_xml(f"A{r}", first, text, self.epoch)]
        if "border" in style:  # the whole merged range prints as one box
            rest = self.styles.style_id((key, "rest"), border=style["border"])
            cells += [f'<c r="{letter}{r}" s="{rest}"/>' for letter in self.letters[1:]]
        self._emit(cells, height)
        if self.n_cols > 1:
            self.ws.merged_cells.add(f"A{r}:{self.last_letter}{r}")

    def write_head(self) -> None:
        spec = self.spec
        title = f"{self.centre_name}{spec.title}"
        if spec.period:
            title += f"（{spec.period}）"
        self._merged_row(title, "title", 30, font=Font(name=FONT_NAME, size=16, bold=True),
                         alignment=Alignment(horizontal="center", vertical="center"))
        subtitle = spec.subtitle
        if subtitle is None:
            subtitle = f"导出时间：{self.exported_at:%Y-%m-%d %H:%M}"
            if spec.expected_rows is not None:
                subtitle += f"    共 {spec.expected_rows} 条"
        self._merged_row(subtitle, "subtitle", None, font=Font(name=FONT_NAME, size=10),
                         alignment=Alignment(horizontal="right", vertical="center"))
        header = self.styles.style_id(
            ("header",), font=Font(name=FONT_NAME, size=10.5, bold=True), fill=HEADER_FILL,
            border=BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        r = self.row_idx + 1
        self._emit([_cell_xml(f"{letter}{r}", header, c.header, self.epoch)
                    for letter, c in zip(self.letters, self.columns, strict=True)], 32)

    # -- data ---------------------------------------------------------------------
    def write_data(self, row: Any) -> None:
        values = [get(row) for get in self.getters]
        for j in self.sum_columns:
            if values[j] is not None:
                self.sums[j] += values[j]
        r = str(self.row_idx + 1)
        letters, styles, missing, epoch = self.letters, self.style_ids, self.missing, self.epoch
        cells = []
        for j, value in enumerate(values):
            if value is None and missing[j] is not None:
                value = missing[j]
            cells.append(_cell_xml(letters[j] + r, styles[j], value, epoch))
        lines = 1
        overflow: dict[int, list[str]] = {}
        for j, width in self.wrap_columns:
            value = values[j]
            if type(value) is str and value:
                wrapped = wrapped_lines(value, width)
                if len(wrapped) > MAX_ROW_LINES:
                    overflow[j] = wrapped
                    cells[j] = _cell_xml(letters[j] + r, styles[j],
                                         _joined(wrapped[:MAX_ROW_LINES]), epoch)
                lines = max(lines, min(len(wrapped), MAX_ROW_LINES))
        # Spreadsheets do not all size rows to wrapped text when they open a file
        # (LibreOffice keeps the default height), so a row that wraps says how tall it is.
        self._emit(cells, self._height(lines))
        self.data_rows += 1
        start = MAX_ROW_LINES
        while overflow:  # continuation rows: the rest of the long texts, other cells blank
            r = str(self.row_idx + 1)
            rest = {j: w[start:start + MAX_ROW_LINES] for j, w in overflow.items()
                    if len(w) > start}
            if not rest:
                break
            self._emit([_cell_xml(letters[j] + r, styles[j],
                                  _joined(rest[j]) if j in rest else None, epoch)
                        for j in range(self.n_cols)],
                       self._height(max(len(chunk) for chunk in rest.values())))
            start += MAX_ROW_LINES

    @staticmethod
    def _height(lines: int) -> float | None:
        return lines * DATA_LINE_HEIGHT + 2 if lines > 1 else None

    def write_section(self, text: str) -> None:
        self._merged_row(text, "section", None,
                         font=Font(name=FONT_NAME, size=10.5, bold=True),
                         fill=SECTION_FILL, border=BORDER,
                         alignment=Alignment(horizontal="left", vertical="center"))

    # -- tail ------------------------------------------------------------------------
    def write_totals(self) -> None:
        font = Font(name=FONT_NAME, size=10.5, bold=True)
        r = self.row_idx + 1
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
            align = "center" if j == 0 else column.align
            style = self.styles.style_id(
                ("total", fmt, align), font=font, border=BORDER, number_format=fmt,
                alignment=Alignment(horizontal=align, vertical="center"))
            cells.append(_cell_xml(f"{self.letters[j]}{r}", style, value, self.epoch))
        self._emit(cells)

    def write_notes(self) -> None:
        width = sum(c.width for c in self.columns)
        for note in self.spec.notes:
            lines = text_lines(note, width)
            self._merged_row(note, "note", self._height(lines),
                             font=Font(name=FONT_NAME, size=9, italic=True, color="595959"),
                             alignment=Alignment(horizontal="left", vertical="center",
                                                 wrap_text=True))
        for line in self.spec.sign_lines:
            self._merged_row(line, "sign", 30,
                             font=Font(name=FONT_NAME, size=11),
                             alignment=Alignment(horizontal="left", vertical="bottom"))

    def finish(self, last_data_row: int) -> None:
        self.flush()
        self.out.close()
        if self.spec.autofilter:
            self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{last_data_row}"

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            self.out.close()
        self.ws.discard()


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
    target = files.check_output_path(path)
    exported_at = exported_at or datetime.now().replace(microsecond=0)
    total = sum(s.expected_rows or 0 for s in sheets)
    done = 0
    wb = Workbook(write_only=True)
    writers: list[_SheetWriter] = []
    tmp = files.temp_path(target)
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
            writer.finish(last_data_row)
            counts[spec.name] = writer.data_rows
        check()
        wb.save(tmp)
        check()
        files.replace_into(tmp, target)
    except BaseException:
        for writer in writers:
            writer.discard()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if progress is not None:
        progress(done, max(total, done))
    return WorkbookResult(target, counts)
