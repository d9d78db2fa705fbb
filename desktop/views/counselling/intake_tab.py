"""基本信息: the resident, the case number and the 主诉 (and, for a new case, the intake risk)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.counselling import cases
from desktop.services.counselling.cases import CaseDetail, CaseInput
from desktop.services.errors import ValidationError
from desktop.views.counselling.risk_box import RiskBox
from desktop.views.widgets import FieldError, named


class IntakeTab(QWidget):
    saved = Signal(int)  # the case id (new or updated)

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.detail: CaseDetail | None = None
        self.draft: CaseInput | None = None
        named(self, "counselling.intake", self.tr("基本信息"))
        self._add_widgets()
        self._connect_signals()

    def _add_widgets(self) -> None:
        self.case_no = named(QLabel(), "counselling.case_no", self.tr("个案编号"))
        self.person = named(QLabel(), "counselling.person", self.tr("来访人"))
        self.search = named(QLineEdit(), "counselling.person_search", self.tr("查找来访人"))
        self.search.setPlaceholderText(self.tr("姓名、电话或身份证号，回车查找"))
        self.found = named(QListWidget(), "counselling.person_found", self.tr("查找结果"))
        self.found.setMaximumHeight(90)
        self.problem = named(QPlainTextEdit(), "counselling.intake_problem", self.tr("主诉"))
        self.problem.setMaximumHeight(120)
        self.risk = RiskBox(prefix="counselling.intake")
        self.save_button = named(QPushButton(self.tr("接案")), "counselling.save_intake",
                                 self.tr("保存基本信息"))
        self.errors = {k: FieldError(f"counselling.{k}_error")
                       for k in ("person", "intake_problem", "visit", "closed", "opened_on")}
        form = QFormLayout()
        form.addRow(self.tr("个案编号"), self.case_no)
        form.addRow(self.tr("来访人"), self.person)
        form.addRow("", self.search)
        form.addRow("", self.found)
        form.addRow("", self.errors["person"])
        form.addRow(self.tr("主诉"), self.problem)
        form.addRow("", self.errors["intake_problem"])
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.risk)
        for key in ("visit", "closed", "opened_on"):
            layout.addWidget(self.errors[key])
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.search.returnPressed.connect(self.on_search)
        self.found.itemClicked.connect(self.on_person_chosen)
        self.save_button.clicked.connect(self.on_save)

    def start_new(self, draft: CaseInput) -> None:
        self.detail, self.draft = None, draft
        self.case_no.setText(self.tr("（接案后生成）"))
        name = ""
        if draft.person_id is not None:
            with self.database.read() as session:
                name = cases.person_name(session, draft.person_id)
        self.person.setText(name or self.tr("（请查找并选择来访人）"))
        self.search.setVisible(draft.visit_id is None)
        self.found.setVisible(draft.visit_id is None)
        self.found.clear()
        self.problem.setPlainText(draft.intake_problem)
        self.problem.setReadOnly(False)
        self.risk.clear()
        self.risk.setVisible(True)
        self.save_button.setText(self.tr("接案"))
        self.save_button.setVisible(True)
        self.show_errors({})

    def load(self, detail: CaseDetail) -> None:
        self.detail, self.draft = detail, None
        self.case_no.setText(detail.case_no)
        self.person.setText(detail.person_name)
        self.search.hide()
        self.found.hide()
        self.problem.setPlainText(detail.intake_problem)
        self.problem.setReadOnly(detail.closed)
        self.risk.setVisible(False)
        self.save_button.setText(self.tr("保存主诉"))
        self.save_button.setVisible(not detail.closed)
        self.show_errors({})

    def on_search(self) -> None:
        with self.database.read() as session:
            found = cases.search_persons(session, self.search.text())
        self.found.clear()
        for choice in found:
            item = QListWidgetItem(choice.label())
            item.setData(Qt.ItemDataRole.UserRole, choice.person_id)
            self.found.addItem(item)

    def on_person_chosen(self, item: QListWidgetItem) -> None:
        if self.draft is not None:
            self.draft.person_id = item.data(Qt.ItemDataRole.UserRole)
            self.person.setText(item.text().split()[0])

    def on_save(self) -> None:
        text = self.problem.toPlainText()
        try:
            if self.detail is not None:
                cases.update_intake(self.database, self.detail.case_id, text,
                                    version=self.detail.version)
                case_id = self.detail.case_id
            else:
                assert self.draft is not None
                self.draft.intake_problem = text
                self.draft.risk = self.risk.value()
                case_id = cases.take_up(self.database, self.draft).case_id
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.show_errors({})
        self.saved.emit(case_id)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        self.risk.show_errors(errors)
