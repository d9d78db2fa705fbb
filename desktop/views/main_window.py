"""The main window: navigation on the left, one page per section on the right.

Only 接待登记 is built with the window: the receptionist types into it at once.
Every other page is built the first time it is opened (or asked for through
:meth:`MainWindow.page`), so a start on a database with a million visits does not
wait for the registers, the case list and the dashboard nobody has looked at yet,
nor for the modules (QtCharts, openpyxl) only they need.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_TITLE
from desktop.config import WindowState, save_window_state, window_state
from desktop.db import Database
from desktop.services import organisations
from desktop.services.admin import auth, setup
from desktop.services.admin.settings import idle_minutes, load_settings
from desktop.services.care import access as care_access
from desktop.services.connection import describe_database, shown_url
from desktop.services.reception.idcard import CardReader
from desktop.views.db_status import DatabaseBanner, status_for
from desktop.views.notifications import NotificationIndicator
from desktop.views.reception.registration import RegistrationPage
from desktop.views.sign_in import IdleWatcher, SignInDialog
from desktop.views.widgets import named

if TYPE_CHECKING:
    from desktop.views.about_dialog import AboutDialog
    from desktop.views.admin.settings_page import SettingsPage
    from desktop.views.admin.setup_wizard import SetupWizard
    from desktop.views.closure.page import ClosurePage
    from desktop.views.counselling.cases_page import CounsellingPage
    from desktop.views.mediation.cases import CasesPage
    from desktop.views.reception.queue_page import QueuePage
    from desktop.views.registers.reports_page import ReportsPage

log = logging.getLogger(__name__)


def _scrolled(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area: a 1366x768 laptop with a taskbar leaves about
    700 px of height, less than the case editor needs; the page scrolls instead of being
    cut off."""
    scroll = QScrollArea()
    scroll.setObjectName(f"{page.objectName()}_scroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(page)
    return scroll


class MainWindow(QMainWindow):
    def __init__(self, *, database: Database, reader: CardReader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.reader = reader
        self._built: dict[str, QWidget] = {}
        named(self, "main_window", APP_TITLE)
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 680)
        self._add_widgets()
        self._connect_signals()
        self.navigation.setCurrentRow(0)
        # The receptionist starts typing at once: the focus waits in 姓名.
        self.registration.name.setFocus()
        self.lock_dialog: SignInDialog | None = None
        with self.database.read() as session:
            minutes = idle_minutes(load_settings(session))
        self.idle = IdleWatcher(minutes, self)
        self.idle.idle.connect(self.lock)
        self.show_account()
        self.restore_state()

    def _add_widgets(self) -> None:
        self.navigation = named(QListWidget(), "navigation", self.tr("功能导航"))
        self.navigation.setFixedWidth(150)
        self.navigation.setStyleSheet(
            "QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 8px; }"
        )
        self.pages = named(QStackedWidget(), "pages", self.tr("功能页面"))
        self.registration = RegistrationPage(database=self.database, reader=self.reader)
        self._built["registration"] = self.registration
        # (title, key, builder): a page is built by its builder when first needed.
        self.sections: list[tuple[str, str, Callable[[], QWidget]]] = [
            (self.tr("接待登记"), "registration", lambda: self.registration),
            (self.tr("分流队列"), "queue", self._build_queue),
            (self.tr("调解案件"), "cases", self._build_cases),
            (self.tr("心理咨询"), "counselling", self._build_counselling),
            (self.tr("警民联络"), "police", self._build_police),
            (self.tr("关爱帮扶"), "care", self._build_care),
            (self.tr("社会组织"), "social", self._build_social),
            (self.tr("议事协商"), "deliberation", self._build_deliberation),
            (self.tr("回复评价"), "closure", self._build_closure),
            (self.tr("台账统计"), "reports", self._build_reports),
            (self.tr("系统设置"), "settings", self._build_settings),
        ]
        for title, key, _build in self.sections:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
            self.navigation.addItem(item)
            built = self._built.get(key)
            self.pages.addWidget(_scrolled(built) if built is not None else QWidget())
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
        self.account_label = named(QLabel(), "status.account", self.tr("当前账号"))
        self.switch_button = named(QPushButton(self.tr("切换用户")), "status.switch_user",
                                   self.tr("切换用户"))
        self.lock_button = named(QPushButton(self.tr("锁定")), "status.lock",
                                 self.tr("锁定窗口"))
        self.about_button = named(QPushButton(self.tr("关于")), "status.about",
                                  self.tr("关于本程序"))
        self.notifications = NotificationIndicator(database=self.database)
        self.statusBar().addPermanentWidget(self.notifications)
        self.statusBar().addPermanentWidget(self.account_label)
        self.statusBar().addPermanentWidget(self.lock_button)
        self.statusBar().addPermanentWidget(self.switch_button)
        self.statusBar().addPermanentWidget(self.database_label)
        self.statusBar().addPermanentWidget(self.about_button)

    def _connect_signals(self) -> None:
        self.navigation.currentRowChanged.connect(self.on_section_changed)
        self.about_button.clicked.connect(self.on_about)
        self.registration.registered.connect(lambda _r: self._refresh_queue_if_built())
        new = QShortcut(QKeySequence("Ctrl+N"), self)
        new.activated.connect(self.on_new_registration)
        self.switch_button.clicked.connect(self.switch_user)
        self.lock_button.clicked.connect(self.lock)

    # -- the signed-in account ------------------------------------------------------------

    # The permission a section needs; a section the account may not use is greyed out
    # (the services refuse regardless).
    SECTION_PERMISSIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        "registration": ("visit.register",),
        "queue": ("queue.room", "queue.hall"),
        "cases": ("case.read",),
        "counselling": ("counselling.read",),
        "care": ("care.read",),
        "deliberation": ("deliberation.read",),
        "police": ("police.read",),
        "social": ("organisations.read",),
        "closure": ("closure.reply", "closure.rate"),
        "reports": ("report.read", "register.export"),
        "settings": ("settings.manage", "staff.manage"),
    }

    # A finer check a section's own service makes after the role's permission (a room's
    # page for the staff of that room only).
    SECTION_CHECKS: ClassVar[dict[str, Callable[[Database], bool]]] = {
        "care": care_access.may_use,
        "social": organisations.may_use,
    }

    # Sections not even listed for an account that may not open them (confidential rooms).
    HIDDEN_UNLESS_ALLOWED: ClassVar[frozenset[str]] = frozenset({"counselling"})

    def _cover(self, shown: bool) -> None:
        """Hide the pages (locked, or nobody signed in) without touching what they hold."""
        central = self.centralWidget()
        if central is not None:
            central.setVisible(shown)

    def show_account(self) -> None:
        """The account in the status bar, and the sections it may open."""
        actor = self.database.actor
        self.account_label.setText(
            self.tr("当前账号：{0}（{1}）").format(actor.name, auth.roles_label(actor.roles))
            if actor is not None else self.tr("未登录"))
        for row, (_title, key, _build) in enumerate(self.sections):
            item = self.navigation.item(row)
            allowed = any(auth.may(self.database, p) for p in self.SECTION_PERMISSIONS[key])
            check = self.SECTION_CHECKS.get(key)
            if allowed and check is not None:
                allowed = check(self.database)
            flags = item.flags()
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if allowed
                          else flags & ~Qt.ItemFlag.ItemIsEnabled)
            if key in self.HIDDEN_UNLESS_ALLOWED:
                item.setHidden(not allowed)
        self.registration.setEnabled(auth.may(self.database, "visit.register"))

    def lock(self) -> SignInDialog | None:
        """Nobody at the desk: cover the window until the same account's password is typed.

        The pages are left as they are, so whatever was half-typed is there on unlock.
        """
        actor = self.database.actor
        if actor is None or self.lock_dialog is not None:
            return self.lock_dialog
        self.lock_dialog = SignInDialog(database=self.database, parent=self,
                                        login=actor.login, unlock=True)
        self.lock_dialog.finished.connect(self._lock_finished)
        self._cover(False)
        self.lock_dialog.open()
        return self.lock_dialog

    def _lock_finished(self, result: int) -> None:
        dialog, self.lock_dialog = self.lock_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result != SignInDialog.DialogCode.Accepted:
            # 切换用户 from the lock: the next account signs in (or the window stays covered).
            self.switch_user()
            return
        self._cover(True)
        self.idle.timer.start()

    def switch_user(self) -> SignInDialog:
        """Another account signs in without closing the program."""
        self.registration.save_draft()
        self.save_state()
        auth.sign_out(self.database)
        self._forget_pages()
        self.show_account()
        self._cover(False)
        dialog = SignInDialog(database=self.database, parent=self)
        dialog.finished.connect(lambda _r: self._switched(dialog))
        dialog.open()
        self.switch_dialog = dialog
        return dialog

    def _switched(self, dialog: SignInDialog) -> None:
        dialog.deleteLater()
        if self.database.actor is None:
            self.close()
            return
        self.show_account()
        self.notifications.refresh()
        self.restore_state(geometry=False)  # the window stays where it is on the screen
        current = self.navigation.currentItem()
        if current is not None and not current.flags() & Qt.ItemFlag.ItemIsEnabled:
            allowed = [row for row in range(self.navigation.count())
                       if self.navigation.item(row).flags() & Qt.ItemFlag.ItemIsEnabled]
            if allowed:
                self.navigation.setCurrentRow(allowed[0])
        self._cover(True)
        self.idle.timer.start()

    # -- pages, built on demand -----------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page ``key`` ("queue", "cases", ...), built and put in place on first use."""
        page = self._built.get(key)
        if page is not None:
            return page
        for row, (_title, name, build) in enumerate(self.sections):
            if name == key:
                page = build()
                self._built[key] = page
                placeholder = self.pages.widget(row)
                current = self.pages.currentIndex()
                self.pages.insertWidget(row, _scrolled(page))
                if placeholder is not None:
                    self.pages.removeWidget(placeholder)
                    placeholder.deleteLater()
                self.pages.setCurrentIndex(current)
                return page
        raise KeyError(key)

    def _forget_pages(self) -> None:
        """Drop the pages built for the account that left (all but 接待登记).

        What they show was read under that account's rights; the next account's pages
        are built afresh, under its own, when it opens them.
        """
        for row, (_title, key, _build) in enumerate(self.sections):
            page = self._built.get(key)
            if page is None or page is self.registration:
                continue
            del self._built[key]
            stop = getattr(page, "stop", None)
            if callable(stop):
                stop()
            shown = self.pages.widget(row)
            current = self.pages.currentIndex()
            self.pages.insertWidget(row, QWidget())
            if shown is not None:
                self.pages.removeWidget(shown)
                shown.deleteLater()
            self.pages.setCurrentIndex(current)

    def current_page(self) -> QWidget | None:
        """The page shown (inside the scroll area that lets it fit a small screen)."""
        shown = self.pages.currentWidget()
        return shown.widget() if isinstance(shown, QScrollArea) else shown

    def is_built(self, key: str) -> bool:
        return key in self._built

    @property
    def queue(self) -> QueuePage:
        from desktop.views.reception.queue_page import QueuePage

        page = self.page("queue")
        assert isinstance(page, QueuePage)
        return page

    @property
    def cases(self) -> CasesPage:
        from desktop.views.mediation.cases import CasesPage

        page = self.page("cases")
        assert isinstance(page, CasesPage)
        return page

    @property
    def counselling(self) -> CounsellingPage:
        from desktop.views.counselling.cases_page import CounsellingPage

        page = self.page("counselling")
        assert isinstance(page, CounsellingPage)
        return page

    @property
    def closure(self) -> ClosurePage:
        from desktop.views.closure.page import ClosurePage

        page = self.page("closure")
        assert isinstance(page, ClosurePage)
        return page

    @property
    def reports(self) -> ReportsPage:
        from desktop.views.registers.reports_page import ReportsPage

        page = self.page("reports")
        assert isinstance(page, ReportsPage)
        return page

    @property
    def settings(self) -> SettingsPage:
        from desktop.views.admin.settings_page import SettingsPage

        page = self.page("settings")
        assert isinstance(page, SettingsPage)
        return page

    def _build_queue(self) -> QWidget:
        from desktop.views.reception.queue_page import QueuePage

        queue = QueuePage(database=self.database)
        queue.case_requested.connect(self.on_case_requested)
        return queue

    def _build_cases(self) -> QWidget:
        from desktop.views.mediation.cases import CasesPage

        return CasesPage(database=self.database)

    def _build_counselling(self) -> QWidget:
        from desktop.views.counselling.cases_page import CounsellingPage

        return CounsellingPage(database=self.database)

    def _build_care(self) -> QWidget:
        from desktop.views.care.page import CarePage

        return CarePage(database=self.database)

    def _build_deliberation(self) -> QWidget:
        from desktop.views.deliberation.page import DeliberationPage

        return DeliberationPage(database=self.database)

    def _build_police(self) -> QWidget:
        from desktop.views.police.handovers_page import PolicePage

        return PolicePage(database=self.database)

    def _build_social(self) -> QWidget:
        from desktop.views.organisations.organisations_page import OrganisationsPage

        return OrganisationsPage(database=self.database)

    def _build_closure(self) -> QWidget:
        from desktop.views.closure.page import ClosurePage

        return ClosurePage(database=self.database)

    def _build_reports(self) -> QWidget:
        from desktop.views.registers.reports_page import ReportsPage

        return ReportsPage(database=self.database)

    def _build_settings(self) -> QWidget:
        from desktop.views.admin.settings_page import SettingsPage

        settings = SettingsPage(database=self.database)
        settings.dictionaries_changed.connect(self.registration.reload_choices)
        settings.idle_minutes_changed.connect(self.idle.set_minutes)
        return settings

    def _refresh_queue_if_built(self) -> None:
        # A queue not built yet reads the new visit when it is first opened.
        if self.is_built("queue"):
            self.queue.refresh()

    # -- navigation -----------------------------------------------------------------------

    def on_case_requested(self, visit_id: int) -> None:
        """转入调解立案 in a queue: go straight to accepting the case, pre-filled."""
        self.show_section(self.tr("调解案件"))
        self.cases.accept_visit(visit_id)

    def on_section_changed(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.page(self.sections[row][1])
        self.pages.setCurrentIndex(row)
        if self.current_page() is self.registration and not self.navigation.hasFocus():
            self.registration.name.setFocus()

    def on_new_registration(self) -> None:
        """Ctrl+N from anywhere: go to 接待登记 with an empty form, focus in 姓名."""
        self.show_section(self.tr("接待登记"))
        self.registration.on_new()

    def show_section(self, title: str) -> QWidget:
        for row, (name, key, _build) in enumerate(self.sections):
            if name == title:
                self.navigation.setCurrentRow(row)
                return self.page(key)
        raise KeyError(title)

    def open_setup_wizard(self) -> SetupWizard:
        """The set-up wizard over 系统设置 (at the first start, or on the admin's request)."""
        self.show_section(self.tr("系统设置"))
        return self.settings.on_wizard()

    def open_setup_wizard_if_needed(self) -> SetupWizard | None:
        """At start: a centre that has not said who it is is set up first."""
        with self.database.read() as session:
            if not setup.needs_wizard(session):
                return None
        return self.open_setup_wizard()

    # -- where each account left the window ---------------------------------------------

    def _login(self) -> str | None:
        actor = self.database.actor
        return actor.login if actor is not None and actor.login else None

    def restore_state(self, *, geometry: bool = True) -> None:
        """The size, position and page the signed-in account left on this PC."""
        login = self._login()
        if login is None:
            return
        state = window_state(login)
        if geometry and state.geometry:
            self.restoreGeometry(QByteArray.fromBase64(state.geometry.encode("ascii")))
        for row, (_title, key, _build) in enumerate(self.sections):
            item = self.navigation.item(row)
            if key == state.page and item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.navigation.setCurrentRow(row)

    def save_state(self) -> None:
        login = self._login()
        if login is None:
            return
        row = self.navigation.currentRow()
        page = self.sections[row][1] if 0 <= row < len(self.sections) else None
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        try:
            save_window_state(login, WindowState(geometry, page))
        except OSError as exc:  # a full or read-only data folder: the window closes anyway
            log.warning("window state not saved: %s", exc)

    def on_about(self) -> AboutDialog:
        from desktop.views.about_dialog import AboutDialog

        dialog = AboutDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        # Whatever is typed but not saved is kept as a draft and restored at the next start.
        self.registration.save_draft()
        self.save_state()
        self.idle.stop()
        self.notifications.stop()
        self.registration.stop_card_reader()
        if self.is_built("queue"):
            self.queue.stop()
        status_for(self.database).stop()
        super().closeEvent(event)
