"""咨询记录: the sessions held, and the form for a new one with its risk and scales."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.counselling import scales, sessions
from desktop.services.counselling.cases import CaseDetail
from desktop.services.errors import ValidationError
from desktop.views.counselling.risk_box import RiskBox
from desktop.views.counselling.scale_box import ScaleBox
from desktop.views.form_widgets import DateEdit
from desktop.views.widgets import FieldError, filling, named

COLUMNS = ["日期", "时长", "来访问题", "风险", "量表", "咨询师"]


class SessionsTab(QWidget):
    saved = Signal(int)

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.detail: CaseDetail | None = None
        named(self, "counselling.sessions", self.tr("咨询记录"))
        self._add_widgets()
        self.save_button.clicked.connect(self.on_save)

    def _add_widgets(self) -> None:
        self.table = named(QTableWidget(0, len(COLUMNS)), "counselling.session_table",
                           self.tr("咨询记录列表"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(160)
        self.held_on = named(DateEdit(), "counselling.session.held_on", self.tr("咨询日期"))
        self.minutes = named(QLineEdit(), "counselling.session.minutes",
                             self.tr("咨询时长（分钟）"))
        self.minutes.setPlaceholderText(self.tr("如 50"))
        self.problem = named(QPlainTextEdit(), "counselling.session.problem",
                             self.tr("来访问题"))
        self.intervention = named(QPlainTextEdit(), "counselling.session.intervention",
                                  self.tr("咨询处理"))
        self.plan = named(QPlainTextEdit(), "counselling.session.plan", self.tr("后续计划"))
        for box in (self.problem, self.intervention, self.plan):
            box.setMaximumHeight(70)
        self.risk = RiskBox(prefix="counselling.session")
        self.scale_boxes = [ScaleBox(scale=s) for s in scales.SCALES.values()]
        self.save_button = named(QPushButton(self.tr("保存本次咨询")),
                                 "counselling.session.save", self.tr("保存本次咨询"))
        self.errors = {k: FieldError(f"counselling.session.{k}_error")
                       for k in ("held_on", "minutes", "problem", "intervention", "plan",
                                 "closed")}
        self.form_box = QGroupBox(self.tr("新增咨询记录"))
        form = QFormLayout()
        form.addRow(self.tr("咨询日期"), self.held_on)
        form.addRow("", self.errors["held_on"])
        form.addRow(self.tr("时长（分钟）"), self.minutes)
        form.addRow("", self.errors["minutes"])
        form.addRow(self.tr("来访问题"), self.problem)
        form.addRow("", self.errors["problem"])
        form.addRow(self.tr("咨询处理"), self.intervention)
        form.addRow("", self.errors["intervention"])
        form.addRow(self.tr("后续计划"), self.plan)
        form.addRow("", self.errors["plan"])
        box_layout = QVBoxLayout(self.form_box)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.risk)
        left.addStretch(1)
        right = QVBoxLayout()
        for scale_box in self.scale_boxes:
            right.addWidget(scale_box)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        box_layout.addLayout(columns)
        box_layout.addWidget(self.errors["closed"])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        box_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.form_box, 1)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        with filling(self.table):
            self.table.setRowCount(len(detail.sessions))
            for r, s in enumerate(detail.sessions):
                values = [f"{s.held_on:%Y-%m-%d}", self.tr("{0} 分钟").format(s.minutes),
                          s.problem, s.risk.label() if s.risk else "",
                          "；".join(x.label() for x in s.scales), s.counsellor]
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setToolTip(value)
                    self.table.setItem(r, c, item)
        self.form_box.setEnabled(not detail.closed)
        self.clear()

    def clear(self) -> None:
        self.held_on.set_value(date.today())
        for box in (self.minutes, self.problem, self.intervention, self.plan):
            box.clear()
        self.risk.clear()
        for scale_box in self.scale_boxes:
            scale_box.clear()
        self.show_errors({})

    def value(self) -> sessions.SessionInput:
        chosen = {b.scale.code: answers for b in self.scale_boxes
                  if (answers := b.answers()) is not None}
        return sessions.SessionInput(
            held_on=self.held_on.value(), minutes=sessions.minutes_from_text(self.minutes.text()),
            problem=self.problem.toPlainText(), intervention=self.intervention.toPlainText(),
            plan=self.plan.toPlainText(), risk=self.risk.value(), scales=chosen)

    def on_save(self) -> None:
        if self.detail is None:
            return
        try:
            sessions.add_session(self.database, self.detail.case_id, self.value())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.saved.emit(self.detail.case_id)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        self.risk.show_errors(errors)
        for box in self.scale_boxes:
            box.error.show_message(errors.get(f"scale.{box.scale.code}"))
