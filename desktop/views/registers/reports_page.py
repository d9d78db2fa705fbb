"""台账统计: today at a glance with charts, register and report exports, list imports.

One widget per tab: :mod:`.dashboard_tab`, :mod:`.exports_tab`, :mod:`.imports_tab`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.db import Database
from desktop.views.record_list import refresh_when_shown
from desktop.views.registers.dashboard_tab import (
    OVERDUE_COLUMN as OVERDUE_COLUMN,
)
from desktop.views.registers.dashboard_tab import (
    OVERDUE_RED as OVERDUE_RED,
)
from desktop.views.registers.dashboard_tab import (
    DashboardTab,
)
from desktop.views.registers.dashboard_tab import (
    day_label_positions as day_label_positions,
)
from desktop.views.registers.exports_tab import ExportsTab
from desktop.views.registers.imports_tab import ImportsTab
from desktop.views.tasks import Task
from desktop.views.widgets import named


class ReportsPage(QWidget):
    """The 台账统计 section: 统计概览, 台账导出 and 基础数据导入."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "reports", self.tr("台账统计"))
        self.overview = DashboardTab(database=database)
        self.exports = ExportsTab(database=database)
        self.imports = ImportsTab(database=database)
        self.tabs = named(QTabWidget(), "reports.tabs", self.tr("台账统计分页"))
        self.tabs.addTab(self.overview, self.tr("统计概览"))
        self.tabs.addTab(self.exports, self.tr("台账导出"))
        self.tabs.addTab(self.imports, self.tr("基础数据导入"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        # Communities added by an import (or since) are offered by the filter.
        self.exports.finished.connect(self.overview.reload_choices)
        self.imports.imported.connect(self.overview.reload_choices)
        self.imports.imported.connect(self.refresh)
        refresh_when_shown(self, self.refresh)

    @property
    def refreshing(self) -> bool:
        """Whether the figures are being read again (the last ones are shown meanwhile)."""
        return self.overview.refreshing

    def refresh(self) -> Task:
        return self.overview.refresh()
