"""A save refused because another desk changed the record: what differs, and what to do.

The dialog lists every field where the form and the record differ now (your
value beside the saved one). 重新载入 replaces the form with the saved record;
the user's own text stays in this dialog afterwards, to copy back what is still
wanted. 取消 closes it and leaves the form as typed, to go on editing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import StaleEditError
from desktop.views.widgets import named


class StaleEditDialog(QDialog):
    """Shows a :class:`StaleEditError`; ``reload_requested`` when the user picks 重新载入."""

    reload_requested = Signal()

    def __init__(self, *, error: StaleEditError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        named(self, "stale_edit", self.tr("保存冲突"))
        self.setWindowTitle(self.tr("未保存：{0}已被他人修改").format(error.record)
                            if not error.deleted else self.tr("未保存：{0}已被删除")
                            .format(error.record))
        self.resize(640, 420)
        self.message = named(QLabel(str(error)), "stale_edit.message", self.tr("冲突说明"))
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-weight: bold; color: #8a4b00;")
        self.table = named(QTableWidget(len(error.changes), 3), "stale_edit.changes",
                           self.tr("内容不同的项目"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("项目"), self.tr("您填写的内容"), self.tr("现在保存的内容")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, change in enumerate(error.changes):
            for column, text in enumerate((change.label, change.yours, change.current)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.yours = named(QPlainTextEdit(self.yours_text()), "stale_edit.yours",
                           self.tr("您填写的内容（可复制）"))
        self.yours.setReadOnly(True)
        self.yours.setMaximumHeight(110)
        self.hint = named(QLabel(self.tr(
            "“重新载入”以现在保存的内容替换您的修改；您填写的内容仍留在本窗口，可复制后再粘贴。"
            "“取消”保留您的修改，继续编辑。")), "stale_edit.hint", self.tr("操作说明"))
        self.hint.setWordWrap(True)
        self.copy_button = named(QPushButton(self.tr("复制我的内容")), "stale_edit.copy",
                                 self.tr("复制我填写的内容"))
        self.reload_button = named(QPushButton(self.tr("重新载入")), "stale_edit.reload",
                                   self.tr("重新载入已保存的内容"))
        self.reload_button.setDefault(True)
        self.cancel_button = named(QPushButton(self.tr("取消")), "stale_edit.cancel",
                                   self.tr("取消，继续编辑"))
        has_changes = bool(error.changes)
        self.table.setVisible(has_changes)
        self.yours.setVisible(has_changes)
        self.copy_button.setVisible(has_changes)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.yours)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)

        self.copy_button.clicked.connect(self.on_copy)
        self.reload_button.clicked.connect(self.on_reload)
        self.cancel_button.clicked.connect(self.reject)

    def yours_text(self) -> str:
        return "\n".join(f"{c.label}：{c.yours}" for c in self.error.changes)

    def on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.yours_text())

    def on_reload(self) -> None:
        """Reload the record; keep the dialog (with the user's text) open to copy from."""
        self.reload_requested.emit()
        self.reload_button.setEnabled(False)
        self.reload_button.setText(self.tr("已重新载入"))
        self.cancel_button.setText(self.tr("关闭"))
        self.cancel_button.setAccessibleName(self.tr("关闭"))
        self.hint.setText(self.tr("已重新载入现在保存的内容。您原来填写的内容仍在上方，"
                                  "需要时可复制后粘贴，再保存。"))
        if not self.error.changes:
            self.accept()


def open_stale_dialog(parent: QWidget, error: StaleEditError,
                      on_reload: Callable[[], None]) -> StaleEditDialog:
    """Open the dialog over ``parent`` (window-modal); ``on_reload`` runs on 重新载入."""
    dialog = StaleEditDialog(error=error, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.reload_requested.connect(on_reload)
    dialog.open()
    return dialog
