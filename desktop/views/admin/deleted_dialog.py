"""已删除的记录: the admin sees which persons, visits and cases were removed, by whom and why."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.admin import deletion
from desktop.views.widgets import named

HEADERS = ("删除时间", "类别", "记录", "删除人", "理由")


class DeletedRecordsDialog(QDialog):
    """A read-only list: removed records stay out of every other list."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "deleted_dialog", self.tr("已删除的记录"))
        self.setWindowTitle(self.tr("已删除的记录"))
        self.resize(800, 480)
        self.table = named(QTableWidget(0, len(HEADERS)), "deleted.table",
                           self.tr("已删除的记录"))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.summary = named(QLabel(), "deleted.summary", self.tr("已删除记录数"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons.button(QDialogButtonBox.StandardButton.Close), "deleted.close",
              self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        with self.database.read() as session:
            records = deletion.deleted_records(session)
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for column, text in enumerate((f"{record.deleted_at:%Y-%m-%d %H:%M}",
                                           record.kind_label, record.label, record.deleted_by,
                                           record.reason)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.summary.setText(self.tr("共 {0} 条已删除的记录（不出现在名单、台账和统计中）")
                             .format(len(records)))
