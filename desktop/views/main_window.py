"""The main window: navigation on the left, one page per section on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_TITLE
from desktop.db import Database
from desktop.services.connection import describe_database, shown_url
from desktop.services.settings import load_settings
from desktop.views.cases import CasesPage
from desktop.views.db_status import DatabaseBanner, status_for
from desktop.views.queue_page import QueuePage
from desktop.views.registration import RegistrationPage
from desktop.views.reports_page import ReportsPage
from desktop.views.settings_page import SettingsPage
from desktop.views.widgets import named


class MainWindow(QMainWindow):
    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "main_window", APP_TITLE)
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 820)
        self._add_widgets()
        self._connect_signals()
        self.navigation.setCurrentRow(0)
        # The receptionist starts typing at once: the focus waits in 姓名.
        self.registration.name.setFocus()

    def _add_widgets(self) -> None:
        self.navigation = named(QListWidget(), "navigation", self.tr("功能导航"))
        self.navigation.setFixedWidth(150)
        self.navigation.setStyleSheet(
            "QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 8px; }"
        )
        self.pages = named(QStackedWidget(), "pages", self.tr("功能页面"))
        self.registration = RegistrationPage(database=self.database)
        self.settings = SettingsPage(database=self.database)
        self.queue = QueuePage(database=self.database)
        self.cases = CasesPage(database=self.database)
        self.reports = ReportsPage(database=self.database)
        self.sections: list[tuple[str, QWidget]] = [
            (self.tr("接待登记"), self.registration),
            (self.tr("分流队列"), self.queue),
            (self.tr("调解案件"), self.cases),
            (self.tr("台账统计"), self.reports),
            (self.tr("系统设置"), self.settings),
        ]
        for title, page in self.sections:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
            self.navigation.addItem(item)
            self.pages.addWidget(page)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        # One line, shown only while the database cannot be used (the pages keep their input).
        self.database_banner = DatabaseBanner(status_for(self.database))
        outer.addWidget(self.database_banner)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.pages, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)
        with self.database.read() as session:
            centre = load_settings(session).centre_name
        self.database_label = named(
            QLabel(f"{centre} · {describe_database(self.database.url)}"), "status.database",
            self.tr("当前数据库"))
        self.database_label.setToolTip(shown_url(self.database.url))
        self.statusBar().addPermanentWidget(self.database_label)

    def _connect_signals(self) -> None:
        self.navigation.currentRowChanged.connect(self.on_section_changed)
        self.registration.registered.connect(lambda _r: self.queue.refresh())
        self.settings.dictionaries_changed.connect(self.registration.reload_choices)
        self.queue.case_requested.connect(self.on_case_requested)
        new = QShortcut(QKeySequence("Ctrl+N"), self)
        new.activated.connect(self.on_new_registration)

    def on_case_requested(self, visit_id: int) -> None:
        """转入调解立案 in a queue: go straight to accepting the case, pre-filled."""
        self.show_section(self.tr("调解案件"))
        self.cases.accept_visit(visit_id)

    def on_section_changed(self, row: int) -> None:
        self.pages.setCurrentIndex(row)
        if self.pages.currentWidget() is self.registration and not self.navigation.hasFocus():
            self.registration.name.setFocus()

    def on_new_registration(self) -> None:
        """Ctrl+N from anywhere: go to 接待登记 with an empty form, focus in 姓名."""
        self.show_section(self.tr("接待登记"))
        self.registration.on_new()

    def show_section(self, title: str) -> QWidget:
        for row, (name, page) in enumerate(self.sections):
            if name == title:
                self.navigation.setCurrentRow(row)
                return page
        raise KeyError(title)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Whatever is typed but not saved is kept as a draft and restored at the next start.
        self.registration.save_draft()
        self.queue.stop()
        status_for(self.database).stop()
        super().closeEvent(event)
