"""分流队列's 上报与移送 tab: the open escalations, overdue in red, and closing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.reception import queue
from desktop.services.reception.queue import EscalationRow
from desktop.views.reception.action_dialog import ActionDialog
from desktop.views.reception.escalation_table import EscalationModel
from desktop.views.widgets import named


class EscalationsTab(QWidget):
    """``open_dialog`` shows a dialog the page keeps track of (its ``active_dialog``)."""

    def __init__(self, database: Database, open_dialog: Callable[[ActionDialog], ActionDialog],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.open_dialog = open_dialog
        self.rows: list[EscalationRow] = []
        self.overdue_only = named(QCheckBox(self.tr("只看逾期")), "escalations.overdue_only",
                                  self.tr("只看逾期"))
        self.close_button = named(QPushButton(self.tr("办结…")), "escalations.close",
                                  self.tr("办结上报/移送事项"))
        self.summary = named(QLabel(), "escalations.summary", self.tr("逾期情况"))
        self.model = EscalationModel(self)
        self.table = named(QTableView(), "escalations.table", self.tr("上报与移送"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        # Columns fit the first rows, not all 500 measured at every refresh.
        header.setResizeContentsPrecision(50)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.overdue_only)
        top.addWidget(self.close_button)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.overdue_only.toggled.connect(lambda _checked: self.refresh())
        self.close_button.clicked.connect(self.on_close)

    def refresh(self) -> None:
        overdue_only = self.overdue_only.isChecked()
        with self.database.read() as session:
            self.rows = queue.open_escalations(session, overdue_only=overdue_only)
            overdue = queue.overdue_count(session)
        self.summary.setText(self.tr("未办结 {0} 件，其中逾期 {1} 件（红底）").format(
            "—" if overdue_only else len(self.rows), overdue))
        self.model.set_rows(self.rows)

    def on_close(self) -> None:
        chosen = self.table.selectionModel().selectedRows()
        if not chosen:
            return
        escalation_id = self.model.rows[chosen[0].row()].id

        def submit(values: dict[str, Any]) -> None:
            queue.close_escalation(self.database, escalation_id, values["outcome"])
            self.refresh()

        self.open_dialog(ActionDialog(
            key="close_escalation", title=self.tr("办结上报/移送事项"),
            fields=[("outcome", self.tr("办理结果"), QPlainTextEdit())],
            submit=submit, parent=self))
