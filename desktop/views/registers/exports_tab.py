"""台账统计's 台账导出 tab: the registers over a date range and the monthly report, each
written off the GUI thread behind a progress dialog with a cancel button."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.exports.registers import REGISTERS, checked_reveal_reason, export_register
from desktop.services import files
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.failures import user_message
from desktop.services.registers.rows import Period
from desktop.views import dialogs
from desktop.views.db_status import report_anywhere
from desktop.views.dialogs import XLSX_FILTER, with_xlsx_suffix
from desktop.views.form_widgets import date_edit, from_qdate, to_qdate
from desktop.views.tasks import Task, run_with_progress
from desktop.views.widgets import named

log = logging.getLogger(__name__)


class ExportsTab(QWidget):
    """台账导出: 来访登记台账, 矛盾纠纷排查化解台账, the rooms' registers and the 月报."""

    finished = Signal()  # an export ended (written, failed or cancelled)

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_task: Task | None = None
        self.last_export: Path | None = None
        self._add_widgets()
        self.export_visits_button.clicked.connect(self.on_export_visits)
        self.export_visits_full_button.clicked.connect(self.on_export_visits_full)
        self.export_disputes_button.clicked.connect(self.on_export_disputes)
        for key, button in self.export_room_buttons.items():
            button.clicked.connect(lambda _checked=False, key=key: self._export_register(key))
        self.export_monthly_button.clicked.connect(self.on_export_monthly)

    def _add_widgets(self) -> None:
        today = date.today()
        self.export_from = named(date_edit(today.replace(day=1)), "reports.export_from",
                                 self.tr("台账起始日期"))
        self.export_to = named(date_edit(today), "reports.export_to", self.tr("台账截止日期"))
        self.export_visits_button = named(
            QPushButton(self.tr("导出来访登记台账…")), "reports.export_visits",
            self.tr("导出来访登记台账"))
        self.export_visits_full_button = named(
            QPushButton(self.tr("导出含完整号码的来访登记台账…")), "reports.export_visits_full",
            self.tr("导出含完整身份证号和电话的来访登记台账"))
        self.export_visits_full_button.setToolTip(self.tr(
            "须填写理由，导出记入审计日志；仅限有权查看完整号码的账号"))
        self.export_visits_full_button.setVisible(auth.may(self.database, "personal.reveal"))
        self.export_disputes_button = named(
            QPushButton(self.tr("导出矛盾纠纷排查化解台账…")), "reports.export_disputes",
            self.tr("导出矛盾纠纷排查化解台账"))
        # The rooms' own registers (警民联络台账, 关爱对象名册, 社会组织转介台账), offered
        # to those who may export them.
        self.export_room_buttons = {
            key: named(QPushButton(self.tr("导出{0}…").format(REGISTERS[key].title)),
                       f"reports.export_{key}", self.tr("导出{0}").format(REGISTERS[key].title))
            for key in ("police", "care", "social")
        }
        for key, button in self.export_room_buttons.items():
            button.setVisible(REGISTERS[key].available(self.database))
        self.export_care_button = self.export_room_buttons["care"]
        self.month = named(QDateEdit(to_qdate(today.replace(day=1))), "reports.month",
                           self.tr("月报月份"))
        self.month.setDisplayFormat("yyyy年MM月")
        self.export_monthly_button = named(
            QPushButton(self.tr("导出月报…")), "reports.export_monthly", self.tr("导出月报"))
        self.export_status = named(QLabel(), "reports.export_status", self.tr("导出结果"))
        self.export_status.setWordWrap(True)

        registers = QFormLayout()
        registers.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        registers.addRow(self.tr("起始日期"), self.export_from)
        registers.addRow(self.tr("截止日期"), self.export_to)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_visits_button)
        buttons.addWidget(self.export_visits_full_button)
        buttons.addWidget(self.export_disputes_button)
        for button in self.export_room_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch(1)
        registers.addRow(buttons)
        self.disputes_note = QLabel(self.tr(
            "来访登记台账按来访时间、矛盾纠纷排查化解台账按受理日期列出该期间的记录。"))
        self.disputes_note.setWordWrap(True)
        self.disputes_note.setStyleSheet("color: #777;")
        registers.addRow(self.disputes_note)
        register_box = QGroupBox(self.tr("台账（按日期范围）"))
        register_box.setLayout(registers)

        monthly = QFormLayout()
        monthly.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        monthly.addRow(self.tr("月份"), self.month)
        monthly.addRow(QLabel(self.tr(
            "月报含“人民调解月报”和“综治中心来访统计”两张表，各项数据附环比（上月）和"
            "同比（上年同月）。")))
        monthly_buttons = QHBoxLayout()
        monthly_buttons.addWidget(self.export_monthly_button)
        monthly_buttons.addStretch(1)
        monthly.addRow(monthly_buttons)
        monthly_box = QGroupBox(self.tr("月报"))
        monthly_box.setLayout(monthly)

        layout = QVBoxLayout(self)
        layout.addWidget(register_box)
        layout.addWidget(monthly_box)
        layout.addWidget(self.export_status)
        layout.addStretch(1)

    def export_period(self) -> Period:
        start, end = from_qdate(self.export_from.date()), from_qdate(self.export_to.date())
        return Period(min(start, end), max(start, end))

    def on_export_visits(self) -> None:
        self._export_register("visits")

    def on_export_disputes(self) -> None:
        self._export_register("disputes")

    def on_export_visits_full(self) -> None:
        """The visits register with full numbers: asks for the reason the audit log keeps."""
        reason = dialogs.ask_text(self, self.tr("导出完整号码"), self.tr(
            "导出的台账将含完整的身份证号和电话号码。请填写导出理由（记入审计日志）："),
            key="reveal_reason")
        if reason is None:
            return
        try:
            reason = checked_reveal_reason(self.database, reason)
        except (ValidationError, PermissionDenied) as exc:
            dialogs.warn(self, self.tr("不能导出完整号码"), user_message(exc) or str(exc))
            return
        self._export_register("visits", reveal_reason=reason)

    def _export_register(self, key: str, *, reveal_reason: str | None = None) -> None:
        definition = REGISTERS[key]
        period = self.export_period()
        path = dialogs.ask_save_path(self, self.tr(f"导出{definition.title}"),
                                     definition.file_name(period), XLSX_FILTER)
        if path is None:
            return
        database = self.database

        def work_for(path: Path) -> Any:
            def work(progress: Any, cancelled: Any) -> Any:
                return export_register(database, key, period, path, progress=progress,
                                       cancelled=cancelled, reveal_reason=reveal_reason)
            return work

        self._run_export(definition.title, with_xlsx_suffix(path), work_for)

    def on_export_monthly(self) -> None:
        month = self.month.date()
        period = Period.month(month.year(), month.month())
        path = dialogs.ask_save_path(self, self.tr("导出月报"),
                                     f"月报_{period.start:%Y年%m月}.xlsx", XLSX_FILTER)
        if path is None:
            return
        database = self.database

        def work_for(path: Path) -> Any:
            def work(progress: Any, cancelled: Any) -> Any:
                return export_monthly(database, period, path, progress=progress,
                                      cancelled=cancelled)
            return work

        self._run_export(self.tr(f"{period.label()}月报"), with_xlsx_suffix(path), work_for)

    def _run_export(self, what: str, path: Path, work_for: Callable[[Path], Any]) -> None:
        """Export to ``path`` off the GUI thread; held open elsewhere, offer another name."""
        work = work_for(path)
        self.export_status.setText(self.tr(f"正在导出{what}…"))
        self._set_exporting(True)

        def on_success(result: Any) -> None:
            self._set_exporting(False)
            self.last_export = path
            rows = sum(result.rows.values())
            self.export_status.setText(self.tr(f"已导出{what}（{rows} 行）：{path}"))

        def on_failure(exc: BaseException) -> None:
            self._set_exporting(False)
            if isinstance(exc, files.FileInUseError) and dialogs.save_elsewhere(self, exc):
                self._run_export(what, exc.suggested, work_for)
                return
            report_anywhere(exc)
            message = user_message(exc)
            if message is None:
                log.error("export failed", exc_info=exc)
                message = self.tr("导出失败，详情见日志。")
            self.export_status.setText(self.tr(f"{what}未导出：{message}"))
            dialogs.warn(self, self.tr("导出失败"), message)

        def on_cancel() -> None:
            self._set_exporting(False)
            self.export_status.setText(self.tr(f"已取消导出{what}，未生成文件。"))

        self.last_task = run_with_progress(
            self, self.tr("正在导出"), self.tr(f"正在导出{what}…"), work,
            on_success=on_success, on_failure=on_failure, on_cancel=on_cancel,
        )

    def _set_exporting(self, busy: bool) -> None:
        for button in (self.export_visits_button, self.export_visits_full_button,
                       self.export_disputes_button, self.export_care_button,
                       self.export_monthly_button):
            button.setEnabled(not busy)
        if not busy:
            self.finished.emit()

