"""台账统计's 基础数据导入 tab: a template with the data there now, and its import back,
refused as a whole with every problem listed when any row is wrong."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.exports.templates import write_template
from desktop.services import files
from desktop.services.admin.imports import IMPORTS, ImportRejected, import_file
from desktop.services.errors import ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs
from desktop.views.dialogs import XLSX_FILTER, with_xlsx_suffix
from desktop.views.widgets import named


class ImportsTab(QWidget):
    """基础数据导入: communities, grids, categories, staff ... from a filled-in template."""

    imported = Signal()  # a file was imported: the lists that offer those data change

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._add_widgets()
        self.template_button.clicked.connect(self.on_template)
        self.import_button.clicked.connect(self.on_import)

    def _add_widgets(self) -> None:
        self.import_kind = named(QComboBox(), "reports.import_kind", self.tr("基础数据种类"))
        for key, spec in IMPORTS.items():
            self.import_kind.addItem(spec.title, key)
        self.template_button = named(QPushButton(self.tr("导出模板…")), "reports.template",
                                     self.tr("导出模板"))
        self.import_button = named(QPushButton(self.tr("导入…")), "reports.import",
                                   self.tr("导入"))
        self.import_status = named(QLabel(), "reports.import_status", self.tr("导入结果"))
        self.import_status.setWordWrap(True)
        self.problems = named(QTableWidget(0, 3), "reports.import_problems",
                              self.tr("导入问题列表"))
        self.problems.setHorizontalHeaderLabels([self.tr("行号"), self.tr("列"),
                                                 self.tr("问题")])
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.problems.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("种类")))
        row.addWidget(self.import_kind)
        row.addWidget(self.template_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr(
            "先导出模板（含现有数据），在 Excel 或 WPS 中修改后导入。导入前检查每一行，"
            "只要有一行有问题，整个文件都不导入，并在下表列出所有问题。")))
        layout.addLayout(row)
        layout.addWidget(self.import_status)
        layout.addWidget(self.problems, 1)

    def on_template(self) -> None:
        key = self.import_kind.currentData()
        spec = IMPORTS[key]
        path = dialogs.ask_save_path(self, self.tr(f"导出{spec.title}模板"),
                                     f"{spec.title}导入模板.xlsx", XLSX_FILTER)
        if path is None:
            return
        path = with_xlsx_suffix(path)
        while True:
            try:
                path = write_template(self.database, key, path)
                break
            except files.FileInUseError as exc:
                if not dialogs.save_elsewhere(self, exc):
                    self.import_status.setText(self.tr("模板未导出：文件正被其他程序打开。"))
                    return
                path = exc.suggested
            except ValidationError as exc:
                self.import_status.setText(self.tr("模板未导出：") + (user_message(exc) or ""))
                return
        self.import_status.setText(self.tr(f"已导出模板：{path}"))

    def on_import(self) -> None:
        key = self.import_kind.currentData()
        spec = IMPORTS[key]
        path = dialogs.ask_open_path(self, self.tr(f"导入{spec.title}"), XLSX_FILTER)
        if path is None:
            return
        self._show_problems([])
        try:
            result = import_file(self.database, key, path)
        except ImportRejected as exc:
            self._show_problems(exc.problems)
            self.import_status.setText(self.tr(f"{spec.title}未导入：{exc}。请修改后重新导入。"))
            return
        self.import_status.setText(self.tr(f"{spec.title}：{result.summary()}"))
        self.imported.emit()

    def _show_problems(self, problems: list[Any]) -> None:
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            for column, text in enumerate(
                (str(problem.row) if problem.row else "", problem.column, problem.message)
            ):
                self.problems.setItem(row, column, QTableWidgetItem(text))
