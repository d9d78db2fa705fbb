"""字典维护: the admin keeps the categories of matters, communities and grids.

Entries are edited or deactivated, never deleted, so old visits keep their names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import reference
from desktop.services.admin import dictionaries
from desktop.services.admin.dictionaries import Entry
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.views.record_list import Record, fill_records, selected_row
from desktop.views.widgets import FieldError, named


class EditableEntry(Protocol):
    """What the editor needs of an entry: the rest is read by the names of the extra fields."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...


class EntryEditor(QWidget):
    """A list of entries and a small form below it: pick one to edit, or start a new one."""

    changed = Signal()

    def __init__(self, *, key: str, database: Database, columns: list[str],
                 load: Callable[[], Sequence[Any]], cells: Callable[[Any], list[str]],
                 save: Callable[[int | None, dict[str, Any]], int],
                 extra: list[tuple[str, str, QWidget]] | None = None,
                 can_add: bool = True, name_label: str = "名称",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.database = database
        self.load = load
        self.cells = cells
        self.save = save
        self.entries: list[EditableEntry] = []
        self.current_id: int | None = None
        self.table = named(QTableWidget(0, len(columns) + 1), f"{key}.table", key)
        self.table.setHorizontalHeaderLabels([*columns, self.tr("状态")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.name = named(QLineEdit(), f"{key}.name", self.tr(name_label))
        self.active = named(QCheckBox(self.tr("启用")), f"{key}.active", self.tr("启用"))
        self.active.setChecked(True)
        self.extra = {name: named(widget, f"{key}.{name}", label)
                      for name, label, widget in (extra or [])}
        self.error = FieldError(f"{key}.error")
        self.new_button = named(QPushButton(self.tr("新增")), f"{key}.new", self.tr("新增"))
        self.save_button = named(QPushButton(self.tr("保存")), f"{key}.save", self.tr("保存"))
        self.new_button.setVisible(can_add)
        form = QFormLayout()
        form.addRow(self.tr(name_label), self.name)
        for name, label, _widget in (extra or []):
            form.addRow(label, self.extra[name])
        form.addRow("", self.active)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self.on_selected)
        self.new_button.clicked.connect(self.on_new)
        self.save_button.clicked.connect(self.on_save)
        self.name.returnPressed.connect(self.on_save)
        self.refresh()

    def refresh(self) -> None:
        self.entries = list(self.load())
        fill_records(self.table, [Record(None, [
            *self.cells(entry), self.tr("启用") if entry.active else self.tr("已停用")],
            muted=not entry.active) for entry in self.entries])

    def selected(self) -> EditableEntry | None:
        row = selected_row(self.table)
        return None if row is None else self.entries[row]

    def on_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self.current_id = entry.id
        self.name.setText(entry.name)
        self.active.setChecked(entry.active)
        for name, widget in self.extra.items():
            value = getattr(entry, name, None)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))
        self.error.show_message(None)

    def on_new(self) -> None:
        self.table.clearSelection()
        self.current_id = None
        self.name.clear()
        self.active.setChecked(True)
        for widget in self.extra.values():
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(0)
            elif isinstance(widget, QLineEdit):
                widget.clear()
        self.error.show_message(None)
        self.name.setFocus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name.text(), "active": self.active.isChecked()}
        for name, widget in self.extra.items():
            if isinstance(widget, QComboBox):
                out[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                out[name] = widget.text()
        return out

    def on_save(self) -> None:
        try:
            saved = self.save(self.current_id, self.values())
        except ValidationError as exc:
            self.error.show_message("；".join(exc.errors.values()))
            return
        except (NotFoundError, PermissionDenied) as exc:
            self.error.show_message(str(exc))
            return
        self.error.show_message(None)
        self.refresh()
        for row, entry in enumerate(self.entries):
            if entry.id == saved:
                self.table.selectRow(row)
        self.changed.emit()


def reader(database: Database, function: Callable[[Any], Sequence[Any]]
           ) -> Callable[[], Sequence[Any]]:
    """``function(session)`` in a read of its own, for an editor's list."""
    def load() -> Sequence[Any]:
        with database.read() as session:
            return function(session)
    return load


def writer(database: Database, function: Callable[..., int]) -> Callable[..., int]:
    """``function(session, *args)`` in one write, for an editor's 保存."""
    def write(*args: Any) -> int:
        with database.write() as session:
            return function(session, *args)
    return write


class PlacesEditor(QWidget):
    """Communities (社区/村) beside the grids of the one picked."""

    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.communities = EntryEditor(
            key="dictionaries.community", database=database, columns=[self.tr("社区/村")],
            load=reader(database, dictionaries.communities), cells=lambda e: [e.name],
            save=lambda i, v: writer(database, dictionaries.save_community)(
                i, v["name"], v["active"]),
        )
        self.grids = EntryEditor(
            key="dictionaries.grid", database=database,
            columns=[self.tr("网格"), self.tr("网格员")],
            load=self._grid_entries, cells=lambda e: [e.name, e.members],
            save=lambda i, v: writer(database, dictionaries.save_grid)(
                i, self.communities.current_id, v["name"], v["members"], v["active"]),
            extra=[("members", self.tr("网格员"), QLineEdit())],
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.communities, 1)
        row.addWidget(self.grids, 1)
        self.communities.table.itemSelectionChanged.connect(self.grids.refresh)
        for editor in (self.communities, self.grids):
            editor.changed.connect(self.changed)

    def _grid_entries(self) -> list[Entry]:
        community = self.communities.selected() if hasattr(self, "communities") else None
        if community is None:
            return []
        with self.database.read() as session:
            return dictionaries.grids(session, community.id)


class DictionaryDialog(QDialog):
    """Categories (with the room each is routed to first), communities and their grids."""

    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "dictionaries", self.tr("字典维护"))
        self.setWindowTitle(self.tr("字典维护：事项类别、社区、网格"))
        self.resize(860, 620)
        with database.read() as session:
            rooms = reference.rooms(session)
        time_limit = QLineEdit()
        time_limit.setPlaceholderText(self.tr("留空为不设时限"))
        room = QComboBox()
        room.addItem(self.tr("（不建议）"), None)
        for choice in rooms:
            room.addItem(choice.name, choice.id)
        self.categories = EntryEditor(
            key="dictionaries.category", database=database,
            columns=[self.tr("事项类别"), self.tr("建议分流去向"), self.tr("服务时限")],
            load=reader(database, dictionaries.categories),
            cells=lambda e: [e.name, e.suggested_room,
                             self.tr("{0} 个工作日").format(e.time_limit_days)
                             if e.time_limit_days else self.tr("不限")],
            save=lambda i, v: writer(database, dictionaries.save_category)(
                i, v["name"], v["suggested_room_id"], v["active"], v["time_limit_days"]),
            extra=[("suggested_room_id", self.tr("建议分流去向"), room),
                   ("time_limit_days", self.tr("服务时限（工作日）"), time_limit)],
        )
        self.places = PlacesEditor(database=database)
        self.communities, self.grids = self.places.communities, self.places.grids
        self.tabs = named(QTabWidget(), "dictionaries.tabs", self.tr("字典"))
        self.tabs.addTab(self.categories, self.tr("事项类别"))
        self.tabs.addTab(self.places, self.tr("社区与网格"))
        close = named(QPushButton(self.tr("关闭")), "dictionaries.close", self.tr("关闭"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        close.clicked.connect(self.accept)
        self.categories.changed.connect(self.changed)
        self.places.changed.connect(self.changed)
