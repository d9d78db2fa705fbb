"""What the tabs of the case editor share: a tab's base class and small widget builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.mediation import CaseDetail
from desktop.views.widgets import FieldError, named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class CaseTab(QWidget):
    """One tab of the case editor: its widgets and its slots.

    The case itself (its id, what was loaded, the status line, saving with the
    stale-edit check) stays with the editor, which every tab reaches as ``editor``.
    Each tab builds its widgets and wires them in its own ``__init__``.
    """

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__()
        self.editor = editor

    @property
    def database(self) -> Database:
        return self.editor.database

    @property
    def case_id(self) -> int | None:
        """The case shown (None while a new case waits to be accepted)."""
        return self.editor.case_id

    @property
    def detail(self) -> CaseDetail | None:
        """The case as last loaded."""
        return self.editor.detail

    def run_save(self, action: Callable[[], object], errors: dict[str, FieldError], done: str,
                 *, form: str | None = None) -> bool:
        """Save through the editor: field errors shown, a stale save answered, ``done`` said."""
        return self.editor.run_save(action, errors, done, form=form)


def text_edit(object_name: str, accessible: str, height: int | None = None) -> QPlainTextEdit:
    edit = named(QPlainTextEdit(), object_name, accessible)
    edit.setTabChangesFocus(True)
    if height:
        edit.setMinimumHeight(height)
    return edit


def cell(widget: QWidget, error: FieldError) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(1)
    box.addWidget(widget)
    box.addWidget(error)
    return box


def table_widget(object_name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(headers)), object_name, accessible)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def set_row(table: QTableWidget, row: int, values: list[str], data: object = None) -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem(value)
        if column == 0:
            item.setData(Qt.ItemDataRole.UserRole, data)
        table.setItem(row, column, item)
