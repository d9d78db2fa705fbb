"""What every room's list page shares: the read-only table of records (overdue rows in
red), the list of visits the desk routed to the room, and the row of filter, search and
buttons above the table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.views.widgets import filling, named

# One pair of colours for whatever is overdue or asks for attention, on every page.
OVERDUE_BG = QColor("#fde7e7")
OVERDUE_FG = QColor("#b3261e")
SOON_FG = QColor("#8a4b00")  # due in a few days
SEARCH_DELAY_MS = 300
ROWS_MEASURED = 100  # rows a column's width is fitted to


class _RefreshWhenShown(QObject):
    """Reads a page's lists again when it is shown (see :func:`refresh_when_shown`)."""

    def __init__(self, page: QWidget, refresh: Callable[[], object]) -> None:
        super().__init__(page)
        self.refresh = refresh
        # The page has just read its lists: the show that follows in the same turn of the
        # event loop (the window builds a page when it opens it) need not read them again.
        self.fresh = True
        QTimer.singleShot(0, self, self._went_stale)
        page.installEventFilter(self)

    def _went_stale(self) -> None:
        self.fresh = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            if self.fresh:
                self.fresh = False
            else:
                self.refresh()
        return False


def refresh_when_shown(page: QWidget, refresh: Callable[[], object]) -> None:
    """``page`` calls ``refresh`` each time it is shown: other desks write meanwhile (a
    ticket served at the queue, a reply at another desk). Call it once the page has read
    its lists; a show in the same turn of the event loop does not read them again."""
    _RefreshWhenShown(page, refresh)


class Record(NamedTuple):
    """One row of a record table: its id (kept on the first cell), its cells, red when
    overdue, the one cell shown brown when it falls due soon, grey when out of use."""

    key: int | None
    cells: Sequence[str]
    overdue: bool = False
    soon_column: int | None = None
    muted: bool = False


class Routed(Protocol):
    """A visit routed to a room, as the room's services give it."""

    @property
    def visit_id(self) -> int: ...

    @property
    def summary(self) -> str: ...

    def label(self) -> str: ...


def record_table(object_name: str, accessible_name: str, columns: Sequence[str], *,
                 stretch: int | None = None, stretch_last: bool = False) -> QTableWidget:
    """A table of records: whole rows selected one at a time, nothing edited in place,
    columns fit to their contents (``stretch`` takes the rest)."""
    table = named(QTableWidget(0, len(columns)), object_name, accessible_name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Columns fit the first rows, not all 500: measuring every row held the window for
    # twice as long as filling the table (the rows below are alike: dates, numbers, names).
    header.setResizeContentsPrecision(ROWS_MEASURED)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if stretch_last:
        header.setStretchLastSection(True)
    return table


def mark_overdue(item: QTableWidgetItem | QListWidgetItem) -> None:
    item.setBackground(OVERDUE_BG)
    item.setForeground(OVERDUE_FG)


def fill_records(table: QTableWidget, rows: Iterable[Record]) -> None:
    """Put ``rows`` in ``table``, each record's id on its first cell."""
    found = list(rows)
    with filling(table):
        table.setRowCount(len(found))
        for r, row in enumerate(found):
            for c, value in enumerate(row.cells):
                item = QTableWidgetItem(value)
                if c == 0 and row.key is not None:
                    item.setData(Qt.ItemDataRole.UserRole, row.key)
                if row.overdue:
                    mark_overdue(item)
                elif c == row.soon_column:
                    item.setForeground(SOON_FG)
                elif row.muted:
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(r, c, item)


def selected_key(table: QTableWidget) -> int | None:
    """The id of the record on the current row, if any."""
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def selected_row(table: QTableWidget) -> int | None:
    """The first selected row, if any."""
    rows = {index.row() for index in table.selectedIndexes()}
    return min(rows) if rows else None


def fill_routed(widget: QListWidget, visits: Sequence[Routed]) -> bool:
    """List the visits routed to the room (the summary as tooltip); whether there are any."""
    widget.clear()
    for visit in visits:
        item = QListWidgetItem(visit.label())
        item.setData(Qt.ItemDataRole.UserRole, visit.visit_id)
        item.setToolTip(visit.summary)
        widget.addItem(item)
    return bool(visits)


def routed_box(title: str, visits: QListWidget, take_up: QWidget) -> QGroupBox:
    """The box of the visits routed to the room, the button that takes one up below."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(visits)
    layout.addWidget(take_up)
    return box


def filter_box(object_name: str, accessible_name: str,
               choices: Mapping[str, str]) -> QComboBox:
    """The list filter: ``choices`` maps each key to its (translated) text."""
    box = named(QComboBox(), object_name, accessible_name)
    for key, text in choices.items():
        box.addItem(text, key)
    return box


def search_box(object_name: str, accessible_name: str, placeholder: str) -> QLineEdit:
    edit = named(QLineEdit(), object_name, accessible_name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def search_timer(parent: QObject) -> QTimer:
    """Searches a moment after the last key, not on every key."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    return timer


def tool_row(leading: Sequence[QWidget], search: QLineEdit | None,
             buttons: Sequence[QWidget]) -> QHBoxLayout:
    """Filters, the search field taking the room left (or a stretch), then the buttons."""
    row = QHBoxLayout()
    for widget in leading:
        row.addWidget(widget)
    if search is not None:
        row.addWidget(search, 1)
    else:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    return row
