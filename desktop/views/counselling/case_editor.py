"""The counselling case editor: a tab container; each tab is its own widget with load/save."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.db import Database
from desktop.services.counselling import cases
from desktop.services.counselling.cases import CaseDetail, CaseInput
from desktop.views.counselling.intake_tab import IntakeTab
from desktop.views.counselling.referral_tab import ReferralTab
from desktop.views.counselling.sessions_tab import SessionsTab
from desktop.views.widgets import named


class CaseEditor(QWidget):
    back_requested = Signal()
    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.detail: CaseDetail | None = None
        named(self, "counselling.editor", self.tr("心理咨询个案"))
        self._add_widgets()
        self._connect_signals()

    def _add_widgets(self) -> None:
        self.back = named(QPushButton(self.tr("返回列表")), "counselling.back",
                          self.tr("返回个案列表"))
        self.heading = named(QLabel(), "counselling.heading", self.tr("个案标题"))
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.intake = IntakeTab(database=self.database)
        self.sessions = SessionsTab(database=self.database)
        self.referral = ReferralTab(database=self.database)
        self.tabs = named(QTabWidget(), "counselling.tabs", self.tr("个案内容"))
        self.tabs.addTab(self.intake, self.tr("基本信息"))
        self.tabs.addTab(self.sessions, self.tr("咨询记录"))
        self.tabs.addTab(self.referral, self.tr("转介与结案"))
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _connect_signals(self) -> None:
        self.back.clicked.connect(self.back_requested)
        for tab in (self.intake, self.sessions, self.referral):
            tab.saved.connect(self.on_saved)
        self.sessions.reload_requested.connect(self.on_reload)

    def start_new(self, draft: CaseInput) -> None:
        self.detail = None
        self.heading.setText(self.tr("接案"))
        self.intake.start_new(draft)
        for index in (1, 2):
            self.tabs.setTabEnabled(index, False)
        self.tabs.setCurrentIndex(0)

    def load(self, case_id: int) -> CaseDetail:
        with self.database.read() as session:
            detail = cases.case_detail(session, case_id)
        self.detail = detail
        risk = self.tr("　最高风险：{0}").format(detail.highest_risk)
        self.heading.setText(f"{detail.case_no}　{detail.person_name}　{detail.status}{risk}")
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;"
                                   + (" color: #b3261e;" if detail.highest_risk == "高" else ""))
        self.intake.load(detail)
        self.sessions.load(detail)
        self.referral.load(detail)
        for index in (1, 2):
            self.tabs.setTabEnabled(index, True)
        return detail

    def on_reload(self, case_id: int) -> None:
        """Show the case as saved now (after a save refused as stale)."""
        self.load(case_id)
        self.changed.emit()

    def on_saved(self, case_id: int) -> None:
        new = self.detail is None
        detail = self.load(case_id)
        if new:
            cases.log_opened(self.database, detail)
            self.tabs.setCurrentIndex(1)
        self.changed.emit()
