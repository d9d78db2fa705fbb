"""台账统计: today at a glance with charts, register and report exports, list imports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.exports.monthly import export_monthly
from desktop.exports.registers import REGISTERS, checked_reveal_reason, export_register
from desktop.exports.templates import write_template
from desktop.services import files, reference
from desktop.services.admin import auth
from desktop.services.admin.imports import IMPORTS, ImportRejected, import_file
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.failures import user_message
from desktop.services.registers import dashboard
from desktop.services.registers.rows import Period
from desktop.views import dialogs
from desktop.views.db_status import report_anywhere
from desktop.views.page_lists import PageLists
from desktop.views.record_list import refresh_when_shown
from desktop.views.tasks import Task, run_with_progress
from desktop.views.widgets import named

log = logging.getLogger(__name__)

DASH = "—"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
NO_CLOSED_CASES = "近12个月没有结案的调解案件"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _xlsx(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


# The rooms' table: today's desk figures, then each room's own work (its list's red rows).
ROOM_COLUMNS = ["室／窗口", "今日接待", "等候中", "平均等候（分钟）", "在办", "超期",
                "本月满意率（%）"]
OVERDUE_COLUMN = ROOM_COLUMNS.index("超期")
OVERDUE_RED = QColor("#d93025")


class Tile(QFrame):
    """One figure of today's overview: a big number and its caption."""

    def __init__(self, *, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("Tile { background: #f7f9fc; border: 1px solid #d5dbe5; "
                           "border-radius: 6px; }")
        self.value = named(QLabel(DASH), f"reports.tile.{key}", caption)
        self.value.setStyleSheet("font-size: 26px; font-weight: bold; color: #1a4f8b;")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel("")
        self.note.setStyleSheet("color: #777; font-size: 11px;")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)
        self.note.setVisible(bool(note))


def day_label_positions(days: int, most: int = 8) -> list[int]:
    """Which of ``days`` consecutive days get a date label: every k-th, ending on the last."""
    if days <= 0:
        return []
    step = -(-days // most)  # ceiling: at most ``most`` labels
    return list(range((days - 1) % step, days, step))


class ReportsPage(QWidget):
    """The 台账统计 section."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_task: Task | None = None
        self.last_export: Path | None = None
        named(self, "reports", self.tr("台账统计"))
        self._add_widgets()
        self._connect_signals()
        self.reload_choices()
        self.lists = PageLists(self, database)
        self.lists.add("figures", self._reading, self._show_figures)
        self.lists.reading_started.connect(
            lambda: self.dashboard_status.setText(self.tr("正在更新统计…")))
        self.lists.reading_finished.connect(self._on_read_finished)
        self.refresh()
        refresh_when_shown(self, self.refresh)

    # -- building ---------------------------------------------------------------------------
    def _add_widgets(self) -> None:
        self.tabs = named(QTabWidget(), "reports.tabs", self.tr("台账统计分页"))
        self.tabs.addTab(self._overview_tab(), self.tr("统计概览"))
        self.tabs.addTab(self._export_tab(), self.tr("台账导出"))
        self.tabs.addTab(self._import_tab(), self.tr("基础数据导入"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def _date_edit(self, key: str, name: str, day: date) -> QDateEdit:
        edit = named(QDateEdit(_qdate(day)), key, name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _overview_tab(self) -> QWidget:
        today = date.today()
        self.date_from = self._date_edit("reports.date_from", self.tr("起始日期"),
                                         today - timedelta(days=29))
        self.date_to = self._date_edit("reports.date_to", self.tr("截止日期"), today)
        self.community = named(QComboBox(), "reports.community", self.tr("社区"))
        self.refresh_button = named(QPushButton(self.tr("刷新")), "reports.refresh",
                                    self.tr("刷新统计"))
        filters = QHBoxLayout()
        for label, widget in ((self.tr("起始日期"), self.date_from),
                              (self.tr("截止日期"), self.date_to),
                              (self.tr("社区"), self.community)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.refresh_button)
        self.dashboard_status = named(QLabel(), "reports.dashboard_status",
                                      self.tr("统计更新状态"))
        filters.addWidget(self.dashboard_status)
        filters.addStretch(1)

        self.tiles = {
            "visits": Tile(key="visits", caption=self.tr("今日来访（件）")),
            "waiting": Tile(key="waiting", caption=self.tr("当前等候（人）")),
            "average_wait": Tile(key="average_wait", caption=self.tr("平均等候（分钟）")),
            "cases_open": Tile(key="cases_open", caption=self.tr("在办案件")),
            "cases_overdue": Tile(key="cases_overdue", caption=self.tr("超期案件")),
            "follow_ups": Tile(key="follow_ups", caption=self.tr("待回访")),
            "satisfaction": Tile(key="satisfaction", caption=self.tr("本月满意率（%）")),
            "overdue_replies": Tile(key="overdue_replies", caption=self.tr("超时限未回复")),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)

        self.rooms_table = named(QTableWidget(0, len(ROOM_COLUMNS)), "reports.rooms",
                                 self.tr("各室今日接待和在办事项"))
        self.rooms_table.setHorizontalHeaderLabels([self.tr(c) for c in ROOM_COLUMNS])
        self.rooms_table.verticalHeader().setVisible(False)
        self.rooms_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.rooms_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rooms_table.setFixedWidth(560)

        self.visits_chart = self._chart_view("reports.chart.visits", self.tr("每日来访"))
        self.category_chart = self._chart_view("reports.chart.categories",
                                               self.tr("事项类别"))
        self.success_chart = self._chart_view("reports.chart.success",
                                              self.tr("调解成功率（按月）"))
        top = QHBoxLayout()
        top.addWidget(self.rooms_table)
        top.addWidget(self.visits_chart, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.category_chart, 3)
        bottom.addWidget(self.success_chart, 2)
        charts = QVBoxLayout()
        charts.addLayout(top, 1)
        charts.addLayout(bottom, 1)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(filters)
        layout.addLayout(tiles)
        layout.addLayout(charts, 1)
        return tab

    def _chart_view(self, key: str, title: str) -> QChartView:
        chart = QChart()
        chart.setTitle(title)
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        view = named(QChartView(chart), key, title)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(230)
        return view

    def _export_tab(self) -> QWidget:
        today = date.today()
        self.export_from = self._date_edit("reports.export_from", self.tr("台账起始日期"),
                                           today.replace(day=1))
        self.export_to = self._date_edit("reports.export_to", self.tr("台账截止日期"), today)
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
        self.month = named(QDateEdit(_qdate(today.replace(day=1))), "reports.month",
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

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(register_box)
        layout.addWidget(monthly_box)
        layout.addWidget(self.export_status)
        layout.addStretch(1)
        return tab

    def _import_tab(self) -> QWidget:
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
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr(
            "先导出模板（含现有数据），在 Excel 或 WPS 中修改后导入。导入前检查每一行，"
            "只要有一行有问题，整个文件都不导入，并在下表列出所有问题。")))
        layout.addLayout(row)
        layout.addWidget(self.import_status)
        layout.addWidget(self.problems, 1)
        return tab

    def _connect_signals(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self.community.currentIndexChanged.connect(self.refresh)
        self.export_visits_button.clicked.connect(self.on_export_visits)
        self.export_visits_full_button.clicked.connect(self.on_export_visits_full)
        self.export_disputes_button.clicked.connect(self.on_export_disputes)
        for key, button in self.export_room_buttons.items():
            button.clicked.connect(lambda _checked=False, key=key: self._export_register(key))
        self.export_monthly_button.clicked.connect(self.on_export_monthly)
        self.template_button.clicked.connect(self.on_template)
        self.import_button.clicked.connect(self.on_import)

    def reload_choices(self) -> None:
        with self.database.read() as session:
            communities = reference.communities(session)
        self.community.blockSignals(True)
        current = self.community.currentData()
        self.community.clear()
        self.community.addItem(self.tr("全部社区"), None)
        for choice in communities:
            self.community.addItem(choice.name, choice.id)
        index = self.community.findData(current)
        self.community.setCurrentIndex(max(index, 0))
        self.community.blockSignals(False)

    # -- the overview -------------------------------------------------------------------------
    def period(self) -> Period:
        start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
        if end < start:
            start, end = end, start
        return Period(start, end)

    @property
    def refreshing(self) -> bool:
        """Whether the figures are being read again (the last ones are shown meanwhile)."""
        return self.lists.busy

    def refresh(self) -> Task:
        """Read the figures again off the GUI thread; the last ones stay on screen meanwhile.

        At a million visits they take a good part of a second to read. A refresh asked for
        while one runs (刷新 pressed twice, the community changed) runs once more after it,
        with the filters as they are then.
        """
        return self.lists.later()

    def _reading(self) -> Callable[[Session], dashboard.Figures]:
        day, period, community_id = date.today(), self.period(), self.community.currentData()
        return lambda session: dashboard.figures(session, day, period,
                                                 community_id=community_id)

    def _show_figures(self, figures: dashboard.Figures) -> None:
        self._show_today(figures.today)
        self._show_per_day(figures.per_day)
        self._show_categories(figures.categories)
        self._show_success(figures.success)

    def _on_read_finished(self, shown: bool) -> None:
        self.dashboard_status.setText(
            self.tr("统计于 {0} 更新").format(datetime.now().strftime("%H:%M:%S")) if shown
            else self.tr("统计未能更新，显示的是上次的数字"))

    def _show_today(self, today: dashboard.TodayOverview) -> None:
        def number(value: int | float | None) -> str:
            return DASH if value is None else f"{value:g}"

        self.tiles["visits"].set(str(today.visits),
                                 self.tr(f"{today.visitors} 人次") if today.visitors else "")
        self.tiles["waiting"].set(str(today.waiting))
        self.tiles["average_wait"].set(number(today.average_wait_minutes),
                                       "" if today.average_wait_minutes is not None
                                       else self.tr("今日尚无叫号"))
        self.tiles["cases_open"].set(str(today.cases_open))
        self.tiles["cases_overdue"].set(str(today.cases_overdue),
                                        self.tr("超过30日调解期限") if today.cases_overdue
                                        else "")
        self.tiles["follow_ups"].set(str(today.follow_ups_due))
        self.tiles["satisfaction"].set(number(today.satisfaction_rate),
                                       self.tr("评价 {0} 件").format(today.rated)
                                       if today.rated else self.tr("本月尚无评价"))
        self.tiles["overdue_replies"].set(
            str(today.overdue_replies),
            self.tr("整改超期 {0} 件").format(today.overdue_rectifications)
            if today.overdue_rectifications else "")
        late = today.overdue_replies or today.overdue_rectifications
        self.tiles["overdue_replies"].value.setStyleSheet(
            f"font-size: 26px; font-weight: bold; color: {'#b3261e' if late else '#1a4f8b'};")
        rows = [[room.room, str(room.visitors), str(room.waiting),
                 number(room.average_wait_minutes), number(room.open), number(room.overdue),
                 number(room.satisfaction_rate)] for room in today.rooms]
        rows.append([self.tr(dashboard.DELIBERATION), DASH, DASH, DASH,
                     str(today.actions_open), str(today.actions_overdue), DASH])
        self.rooms_table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column == OVERDUE_COLUMN and text not in (DASH, "0"):
                    item.setForeground(OVERDUE_RED)
                self.rooms_table.setItem(row, column, item)

    def _reset(self, view: QChartView) -> QChart:
        chart = view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _show_per_day(self, per_day: list[tuple[date, int]]) -> None:
        chart = self._reset(self.visits_chart)
        series = QLineSeries()
        series.setName(self.tr("来访（件）"))
        for index, (_day, count) in enumerate(per_day):
            series.append(float(index), float(count))
        chart.addSeries(series)
        # One x step per day and a label on a day every few days, evenly spaced: a
        # date-time axis put its ticks at equal fractions of the range, between days.
        x_axis = QCategoryAxis()
        x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for index in day_label_positions(len(per_day)):
            x_axis.append(f"{per_day[index][0]:%m-%d}", float(index))
        x_axis.setRange(0.0, float(max(len(per_day) - 1, 1)))
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x_axis)
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%d")
        y_axis.setRange(0, max([c for _d, c in per_day] + [1]) * 1.1)
        y_axis.applyNiceNumbers()
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y_axis)
        chart.setTitle(self.tr(f"每日来访（{per_day[0][0]:%m-%d} 至 {per_day[-1][0]:%m-%d}）")
                       if per_day else self.tr("每日来访"))

    def _show_categories(self, categories: list[tuple[str, int]], top: int = 8) -> None:
        chart = self._reset(self.category_chart)
        shown = list(reversed(categories[:top]))  # the largest at the top
        bar_set = QBarSet(self.tr("来访（件）"))
        for _name, count in shown:
            bar_set.append(float(count))
        bar_set.setLabelColor(Qt.GlobalColor.black)
        series = QHorizontalBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([name for name, _count in shown])
        names.setTruncateLabels(False)
        # Ten names in a short chart: a smaller font, or Qt leaves every other one out.
        small = names.labelsFont()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        names.setLabelsFont(small)
        bar_set.setLabelFont(small)
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(names)
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setRange(0, max([c for _n, c in shown] + [1]) * 1.15)
        values.applyNiceNumbers()
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        suffix = self.tr(f"（前{top}类）") if len(categories) > top else ""
        chart.setTitle(self.tr("事项类别") + suffix)

    def _show_success(self, success: list[tuple[str, float | None]]) -> None:
        chart = self._reset(self.success_chart)
        if not any(value is not None for _month, value in success):
            chart.setTitle(self.tr("调解成功率（按月）") + "\n" + self.tr(NO_CLOSED_CASES))
            return
        bar_set = QBarSet(self.tr("成功率（%）"))
        for _month, value in success:
            bar_set.append(value or 0.0)
        series = QBarSeries()
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(3)  # 64.3, 100
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        bar_set.setLabelColor(Qt.GlobalColor.black)
        small = bar_set.labelFont()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        bar_set.setLabelFont(small)
        chart.addSeries(series)
        months = QBarCategoryAxis()
        # 2026-11 → 11月; the title gives the years.
        months.append([f"{int(month[5:])}月" for month, _v in success])
        months.setTruncateLabels(False)
        months.setLabelsFont(small)
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(months)
        values = QValueAxis()
        # Room above a 100% bar for its label, but the scale itself ends at 100%.
        values.setRange(0, 116)
        values.setTickType(QValueAxis.TickType.TicksDynamic)
        values.setTickAnchor(0)
        values.setTickInterval(20)
        values.setLabelFormat("%d")
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        chart.setTitle(self.tr(f"调解成功率（{success[0][0]} 至 {success[-1][0]}，%）"))

    # -- exports ------------------------------------------------------------------------------
    def export_period(self) -> Period:
        start, end = _pydate(self.export_from.date()), _pydate(self.export_to.date())
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

        self._run_export(definition.title, _xlsx(path), work_for)

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

        self._run_export(self.tr(f"{period.label()}月报"), _xlsx(path), work_for)

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
            self.reload_choices()

    # -- imports ------------------------------------------------------------------------------
    def on_template(self) -> None:
        key = self.import_kind.currentData()
        spec = IMPORTS[key]
        path = dialogs.ask_save_path(self, self.tr(f"导出{spec.title}模板"),
                                     f"{spec.title}导入模板.xlsx", XLSX_FILTER)
        if path is None:
            return
        path = _xlsx(path)
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
        self.reload_choices()
        self.refresh()

    def _show_problems(self, problems: list[Any]) -> None:
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            for column, text in enumerate(
                (str(problem.row) if problem.row else "", problem.column, problem.message)
            ):
                self.problems.setItem(row, column, QTableWidgetItem(text))
