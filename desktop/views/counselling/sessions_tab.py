"""咨询记录: the sessions held, and the form for a new one or a saved one, with its risk
and scales.

Choosing a session in the table shows it in the form, to change or delete while the
case is open. The form saves with the version it loaded; a save over a session
another desk changed since opens the :class:`StaleEditDialog` (重新载入 or 取消).
When the case is saved from another tab, a form with unsaved edits stays as typed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.counselling import scales, sessions
from desktop.services.counselling.cases import CaseDetail, SessionData
from desktop.services.errors import StaleEditError, ValidationError
from desktop.views import dialogs
from desktop.views.counselling.risk_box import RiskBox
from desktop.views.counselling.scale_box import ScaleBox
from desktop.views.form_widgets import DateEdit
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, filling, named

COLUMNS = ["日期", "时长", "来访问题", "风险", "量表", "咨询师"]


class SessionsTab(QWidget):
    saved = Signal(int)
    reload_requested = Signal(int)  # the case id: show it as saved now

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.detail: CaseDetail | None = None
        # The saved session the form shows and the version it loaded (None: a new one).
        self.session_id: int | None = None
        self.session_version: int | None = None
        self._loaded_form: sessions.SessionInput | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        named(self, "counselling.sessions", self.tr("咨询记录"))
        self._add_widgets()
        self._connect_signals()

    def _add_widgets(self) -> None:
        self.table = named(QTableWidget(0, len(COLUMNS)), "counselling.session_table",
                           self.tr("咨询记录列表"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(130)
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
            box.setTabChangesFocus(True)
        self.risk = RiskBox(prefix="counselling.session")
        self.scale_boxes = [ScaleBox(scale=s) for s in scales.SCALES.values()]
        self.new_button = named(QPushButton(self.tr("新增记录")), "counselling.session.new",
                                self.tr("新增咨询记录"))
        self.save_button = named(QPushButton(self.tr("保存本次咨询")),
                                 "counselling.session.save", self.tr("保存本次咨询"))
        self.delete_button = named(QPushButton(self.tr("删除")), "counselling.session.delete",
                                   self.tr("删除这次咨询记录"))
        self.closed_hint = named(QLabel(self.tr(
            "本个案已结案，咨询记录不能新增或修改；如需修改，请在“转介与结案”中撤销结案。")),
            "counselling.session.closed_hint", self.tr("已结案提示"))
        self.closed_hint.setWordWrap(True)
        self.closed_hint.setStyleSheet("color: #8a4b00;")
        self.errors = {k: FieldError(f"counselling.session.{k}_error")
                       for k in ("held_on", "minutes", "problem", "intervention", "plan",
                                 "closed")}
        self.form_box = named(QGroupBox(self.tr("新增咨询记录")), "counselling.session.form",
                              self.tr("咨询记录表单"))
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
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.risk)
        left.addStretch(1)
        # The scales scroll beside the form: eighteen wrapped items need more height
        # than a 1366×768 screen leaves, and the form keeps its place meanwhile.
        self.scale_page = QWidget()
        right = QVBoxLayout(self.scale_page)
        right.setContentsMargins(0, 0, 0, 0)
        for scale_box in self.scale_boxes:
            right.addWidget(scale_box)
        right.addStretch(1)
        self.scale_scroll = named(QScrollArea(), "counselling.session.scales",
                                  self.tr("筛查量表"))
        self.scale_scroll.setWidget(self.scale_page)
        self.scale_scroll.setWidgetResizable(True)
        self.scale_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scale_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scale_scroll.setMinimumHeight(320)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addWidget(self.scale_scroll, 3)
        box_layout = QVBoxLayout(self.form_box)
        box_layout.addLayout(columns, 1)
        box_layout.addWidget(self.errors["closed"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        box_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.closed_hint)
        layout.addWidget(self.form_box, 1)

    def _connect_signals(self) -> None:
        self.table.itemSelectionChanged.connect(self.on_selected)
        self.new_button.clicked.connect(self.on_new)
        self.save_button.clicked.connect(self.on_save)
        self.delete_button.clicked.connect(self.on_delete)

    # -- loading ---------------------------------------------------------------------

    def load(self, detail: CaseDetail) -> None:
        """Show ``detail``; the form keeps unsaved edits of the same case as typed."""
        same_case = self.detail is not None and self.detail.case_id == detail.case_id
        keep = same_case and self.is_edited()
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
                    item.setData(Qt.ItemDataRole.UserRole, s.id)
                    self.table.setItem(r, c, item)
        self.closed_hint.setVisible(detail.closed)
        shown = self._session(self.session_id) if same_case else None
        if keep:
            self._select_row(self.session_id)
        elif shown is not None:
            self.show_session(shown)
        else:
            self.clear()
        self._enable()

    def _session(self, session_id: int | None) -> SessionData | None:
        found = [s for s in (self.detail.sessions if self.detail else []) if s.id == session_id]
        return found[0] if found else None

    def _select_row(self, session_id: int | None) -> None:
        self.table.blockSignals(True)
        self.table.clearSelection()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == session_id:
                self.table.selectRow(row)
        self.table.blockSignals(False)

    def _enable(self) -> None:
        closed = self.detail is None or self.detail.closed
        for widget in (self.held_on, self.minutes, self.problem, self.intervention, self.plan,
                       self.risk, self.scale_page, self.save_button,
                       self.new_button):
            widget.setEnabled(not closed)
        self.delete_button.setEnabled(not closed and self.session_id is not None)

    def select_session(self, row: int) -> None:
        """Show the session in ``row`` of the table in the form."""
        self.table.selectRow(row)

    def on_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.detail is None:
            return
        item = self.table.item(rows[0].row(), 0)
        found = self._session(item.data(Qt.ItemDataRole.UserRole)) if item else None
        if found is not None:
            self.show_session(found)
            self._enable()

    def show_session(self, data: SessionData) -> None:
        self.session_id, self.session_version = data.id, data.version
        number = [s.id for s in self.detail.sessions].index(data.id) + 1 if self.detail else 0
        self.form_box.setTitle(self.tr("第{0}次咨询（{1:%Y-%m-%d}）").format(number, data.held_on))
        self.save_button.setText(self.tr("保存修改"))
        self.held_on.set_value(data.held_on)
        self.minutes.setText(str(data.minutes))
        self.problem.setPlainText(data.problem)
        self.intervention.setPlainText(data.intervention)
        self.plan.setPlainText(data.plan)
        self.risk.set_value(data.risk)
        answers = {s.scale: s.answers for s in data.scales}
        for box in self.scale_boxes:
            box.set_answers(answers.get(box.scale.code))
        self._select_row(data.id)
        self.show_errors({})
        self._loaded_form = self.value()

    def clear(self) -> None:
        """An empty form for a new session."""
        self.session_id = self.session_version = None
        self.form_box.setTitle(self.tr("新增咨询记录"))
        self.save_button.setText(self.tr("保存本次咨询"))
        self._select_row(None)
        self.held_on.set_value(date.today())
        for box in (self.minutes, self.problem, self.intervention, self.plan):
            box.clear()
        self.risk.clear()
        for scale_box in self.scale_boxes:
            scale_box.clear()
        self.show_errors({})
        self._loaded_form = self.value()

    def is_edited(self) -> bool:
        """Whether the user changed the form since it was filled."""
        return self._loaded_form is not None and self.value() != self._loaded_form

    def value(self) -> sessions.SessionInput:
        chosen = {b.scale.code: answers for b in self.scale_boxes
                  if (answers := b.answers()) is not None}
        return sessions.SessionInput(
            held_on=self.held_on.value(), minutes=sessions.minutes_from_text(self.minutes.text()),
            problem=self.problem.toPlainText(), intervention=self.intervention.toPlainText(),
            plan=self.plan.toPlainText(), risk=self.risk.value(), scales=chosen)

    # -- saving ----------------------------------------------------------------------

    def on_new(self) -> None:
        self.clear()
        self._enable()

    def on_save(self) -> None:
        if self.detail is None:
            return
        data, session_id, version = self.value(), self.session_id, self.session_version
        try:
            if session_id is None or version is None:
                sessions.add_session(self.database, self.detail.case_id, data)
            else:
                sessions.update_session(self.database, session_id, data, version=version)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StaleEditError as exc:
            self.show_stale(exc)
            return
        self._loaded_form = self.value()  # saved: the reload may refill it
        self.saved.emit(self.detail.case_id)

    def on_delete(self) -> None:
        session_id, version = self.session_id, self.session_version
        if self.detail is None or session_id is None or version is None:
            return
        if not dialogs.confirm(self, self.tr("删除咨询记录"),
                               self.tr("确定删除这次咨询记录（连同其风险评估和量表）吗？")):
            return
        try:
            sessions.delete_session(self.database, session_id, version=version)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StaleEditError as exc:
            self.show_stale(exc)
            return
        self.clear()
        self.saved.emit(self.detail.case_id)

    def show_stale(self, error: StaleEditError) -> StaleEditDialog:
        """Say what another desk changed; refill the form only when the user asks to."""
        self.last_stale_dialog = open_stale_dialog(self, error, self.on_reload)
        return self.last_stale_dialog

    def on_reload(self) -> None:
        if self.detail is None:
            return
        self._loaded_form = self.value()  # give up the edits: the reload refills the form
        self.reload_requested.emit(self.detail.case_id)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        self.risk.show_errors(errors)
        for box in self.scale_boxes:
            box.error.show_message(errors.get(f"scale.{box.scale.code}"))
