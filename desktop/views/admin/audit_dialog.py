"""审计日志: the admin reads, filters, exports and checks the audit log (from 系统设置)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.exports.audit import export_audit
from desktop.services.admin import audit
from desktop.services.admin.audit import ACTIONS, AuditFilter, ChainCheck
from desktop.services.errors import ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs
from desktop.views.db_status import report_anywhere
from desktop.views.form_widgets import DateEdit
from desktop.views.tasks import Task, run_with_progress
from desktop.views.widgets import named

log = logging.getLogger(__name__)


# The window lists this many entries at most; the export has them all.
SHOWN = 500
HEADERS = ("序号", "时间", "操作人", "电脑", "操作", "对象", "内容")
DEFAULT_DAYS = 30


class AuditLogDialog(QDialog):
    """Entries newest first, filtered by dates, who and what; 导出 and 校验 off the GUI thread."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_task: Task | None = None
        self.last_export: Path | None = None
        named(self, "audit_dialog", self.tr("审计日志"))
        self.setWindowTitle(self.tr("审计日志"))
        self.resize(1100, 640)
        self._add_widgets()
        self.search_button.clicked.connect(self.refresh)
        self.actor.returnPressed.connect(self.refresh)
        self.export_button.clicked.connect(self.on_export)
        self.verify_button.clicked.connect(self.on_verify)
        self.close_button.clicked.connect(self.accept)
        self.refresh()

    def _add_widgets(self) -> None:
        today = date.today()
        self.date_from = named(DateEdit(), "audit.from", self.tr("起始日期"))
        self.date_from.set_value(today - timedelta(days=DEFAULT_DAYS))
        self.date_to = named(DateEdit(), "audit.to", self.tr("截止日期"))
        self.actor = named(QLineEdit(), "audit.actor", self.tr("操作人"),
                           self.tr("操作人姓名中的字，留空为全部"))
        self.actor.setPlaceholderText(self.tr("操作人姓名"))
        self.action = named(QComboBox(), "audit.action", self.tr("操作"))
        self.action.addItem(self.tr("全部操作"), "")
        for key, label in ACTIONS.items():
            self.action.addItem(self.tr(label), key)
        self.search_button = named(QPushButton(self.tr("查询")), "audit.search", self.tr("查询"))
        self.table = named(QTableWidget(0, len(HEADERS)), "audit.table", self.tr("审计记录"))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.count_label = named(QLabel(), "audit.count", self.tr("记录条数"))
        self.status = named(QLabel(), "audit.status", self.tr("导出和校验结果"))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = named(QPushButton(self.tr("导出…")), "audit.export",
                                   self.tr("导出"), self.tr("按当前条件导出为 Excel 工作簿"))
        self.verify_button = named(QPushButton(self.tr("校验")), "audit.verify",
                                   self.tr("校验"), self.tr("逐条校验审计日志是否被删改"))
        self.close_button = named(QPushButton(self.tr("关闭")), "audit.close", self.tr("关闭"))

        filters = QHBoxLayout()
        for label, widget in ((self.tr("从"), self.date_from), (self.tr("至"), self.date_to),
                              (self.tr("操作人"), self.actor), (self.tr("操作"), self.action)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def selection(self) -> AuditFilter:
        """What the filters ask for (the dates in either order)."""
        start, end = self.date_from.value(), self.date_to.value()
        return AuditFilter(start=min(start, end), end=max(start, end), actor=self.actor.text(),
                           action=self.action.currentData() or "")

    def refresh(self) -> None:
        try:
            where = self.selection()
        except ValidationError as exc:
            self.status.setText("；".join(exc.errors.values()))
            return
        with self.database.read() as session:
            total = audit.count_entries(session, where)
            rows = audit.list_entries(session, where, limit=SHOWN)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (str(row.id), f"{row.at:%Y-%m-%d %H:%M:%S}", row.staff_name, row.desk,
                      row.action_label, row.target, row.detail)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == len(values) - 1:
                    item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        shown = self.tr("，显示最新 {0} 条（全部请导出）").format(SHOWN) if total > SHOWN else ""
        self.count_label.setText(self.tr("共 {0} 条").format(total) + shown)

    # -- export and check, off the GUI thread ------------------------------------------------
    def on_export(self) -> Task | None:
        where = self.selection()
        suggested = f"审计日志_{where.start:%Y%m%d}-{where.end:%Y%m%d}.xlsx"
        path = dialogs.ask_save_path(self, self.tr("导出审计日志"), suggested, dialogs.XLSX_FILTER)
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        database = self.database

        def work(progress: Any, cancelled: Any) -> Any:
            return export_audit(database, path, where, progress=progress, cancelled=cancelled)

        def done(result: Any) -> None:
            self.last_export = path
            rows = sum(result.rows.values())
            self._finish(self.tr("已导出审计日志（{0} 条）：{1}").format(rows, path))

        return self._run(self.tr("正在导出审计日志…"), work, done)

    def on_verify(self) -> Task:
        database = self.database

        def work(_progress: Any, _cancelled: Any) -> ChainCheck:
            with database.read() as session:
                result = audit.verify_chain(session)
            audit.log_event(database, "verify", "audit_entry", None,
                            {"结果": "完整" if result.ok else "被删改",
                             "已校验": result.checked})
            return result

        def done(result: ChainCheck) -> None:
            self._finish(result.message())
            if not result.ok:
                dialogs.warn(self, self.tr("审计日志被删改"), result.message())

        return self._run(self.tr("正在校验审计日志…"), work, done)

    def _run(self, label: str, work: Any, done: Any) -> Task:
        self.status.setText(label)
        self._set_busy(True)

        def on_failure(exc: BaseException) -> None:
            report_anywhere(exc)
            message = user_message(exc)
            if message is None:
                log.error("audit log task failed", exc_info=exc)
                message = self.tr("操作失败，详情见日志。")
            self._finish(message)
            dialogs.warn(self, self.tr("审计日志"), message)

        def on_cancel() -> None:
            self._finish(self.tr("已取消，未生成文件。"))

        self.last_task = run_with_progress(self, self.tr("审计日志"), label, work,
                                           on_success=done, on_failure=on_failure,
                                           on_cancel=on_cancel)
        return self.last_task

    def _finish(self, message: str) -> None:
        self._set_busy(False)
        self.status.setText(message)
        self.refresh()  # the export or check is itself an entry

    def _set_busy(self, busy: bool) -> None:
        for button in (self.export_button, self.verify_button, self.search_button):
            button.setEnabled(not busy)
