"""台账统计's first tab: today at a glance, each room's work in hand, and the charts.

The figures are read off the GUI thread (:class:`desktop.views.page_lists.PageLists`): at a
million visits they take a good part of a second, and the figures of before stay on
screen meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

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
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services import reference
from desktop.services.registers import dashboard
from desktop.services.registers.rows import Period
from desktop.views.form_widgets import date_edit, from_qdate
from desktop.views.page_lists import PageLists
from desktop.views.tasks import Task
from desktop.views.widgets import named

DASH = "—"
NO_CLOSED_CASES = "近12个月没有结案的调解案件"


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


def _smaller(font: QFont) -> QFont:
    """``font`` at four fifths of its size: chart labels that would not all fit."""
    font.setPointSizeF(font.pointSizeF() * 0.8)
    return font


class DashboardTab(QWidget):
    """统计概览: the tiles, the rooms' table and three charts, over a period and a community."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._add_widgets()
        self.reload_choices()
        self.lists = PageLists(self, database)
        self.lists.add("figures", self._reading, self._show_figures)
        self.lists.reading_started.connect(
            lambda: self.dashboard_status.setText(self.tr("正在更新统计…")))
        self.lists.reading_finished.connect(self._on_read_finished)
        self.refresh_button.clicked.connect(self.refresh)
        self.community.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def _add_widgets(self) -> None:
        today = date.today()
        self.date_from = named(date_edit(today - timedelta(days=29)), "reports.date_from",
                               self.tr("起始日期"))
        self.date_to = named(date_edit(today), "reports.date_to", self.tr("截止日期"))
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

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(tiles)
        layout.addLayout(charts, 1)

    def _chart_view(self, key: str, title: str) -> QChartView:
        chart = QChart()
        chart.setTitle(title)
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        view = named(QChartView(chart), key, title)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(230)
        return view

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

    def period(self) -> Period:
        start, end = from_qdate(self.date_from.date()), from_qdate(self.date_to.date())
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
        small = _smaller(names.labelsFont())
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
        small = _smaller(bar_set.labelFont())
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

