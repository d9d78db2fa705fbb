"""上报与移送: the open escalations as a table model, drawn only as far as it is seen.

A table of items built 4,500 ``QTableWidgetItem`` objects at every refresh of 500
rows on the GUI thread; the model keeps the rows the service returned and answers
the view for the cells it paints.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.services.reception.queue import EscalationRow
from desktop.views.widgets import RISK_COLOURS, RISK_TEXT_COLOURS

OVERDUE = QColor("#fde0dc")
ID_ROLE = Qt.ItemDataRole.UserRole
RISK_COLUMN, REASON_COLUMN = 2, 5
Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("EscalationModel", text)


class EscalationModel(QAbstractTableModel):
    HEADERS = ("受理编号", "来访人", "风险", "类型", "上报层级/承办部门", "事由", "发起时间",
               "办理期限", "状态")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[EscalationRow] = []
        self._overdue = QBrush(OVERDUE)
        self._risk = {level: (QBrush(QColor(colour)), QBrush(QColor(RISK_TEXT_COLOURS[level])))
                      for level, colour in RISK_COLOURS.items()}
        self._states = (_tr("办理中"), _tr("已逾期"))

    def set_rows(self, rows: list[EscalationRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(self.HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def text(self, row: EscalationRow, column: int) -> str:
        if column == 0:
            return row.visit_no
        if column == 1:
            return row.person_name
        if column == RISK_COLUMN:
            return row.risk_level
        if column == 3:
            return row.kind_name
        if column == 4:
            return row.target
        if column == REASON_COLUMN:
            return row.reason
        if column == 6:
            return f"{row.raised_at:%Y-%m-%d %H:%M}"
        if column == 7:
            return f"{row.due_date:%Y-%m-%d}" if row.due_date else ""
        return self._states[row.overdue]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and column == REASON_COLUMN:
            return row.reason
        if column == RISK_COLUMN:
            colours = self._risk.get(row.risk_level)
            if role == Qt.ItemDataRole.BackgroundRole and colours:
                return colours[0]
            if role == Qt.ItemDataRole.ForegroundRole and colours:
                return colours[1]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
        elif role == Qt.ItemDataRole.BackgroundRole and row.overdue:
            return self._overdue
        return None
