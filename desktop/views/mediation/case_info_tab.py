"""基本信息: where the case came from, its mediators, its facts, the 立卷 fields."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation, reference
from desktop.services.errors import ValidationError
from desktop.services.mediation import (
    CaseInput,
)
from desktop.views.form_widgets import (
    DateEdit,
    OptionalDateEdit,
    fill_combo,
    select_data,
    select_text,
    set_read_only,
)
from desktop.views.mediation.case_widgets import CaseTab, cell, text_edit
from desktop.views.widgets import FieldError, named

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class InfoTab(CaseTab):
    """基本信息 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.source = named(QComboBox(), "case.source", self.tr("案件来源"))
        self.source.addItems(mediation.SOURCES)
        self.source_detail = named(QLineEdit(), "case.source_detail", self.tr("来源说明"))
        self.source_detail.setPlaceholderText(self.tr("如：综治中心接待分流、某派出所移交、某法院诉前委派"))
        self.category = named(QComboBox(), "case.category", self.tr("纠纷类别"))
        self.accepted_on = named(DateEdit(), "case.accepted_on", self.tr("受理日期"))
        self.mediators = named(QListWidget(), "case.mediators", self.tr("调解员（可多选）"))
        self.mediators.setMaximumHeight(110)
        self.recorder = named(QComboBox(), "case.recorder", self.tr("记录人"))
        self.facts = text_edit("case.facts", self.tr("纠纷主要事实"), 110)
        self.matters = text_edit("case.matters", self.tr("争议事项"), 60)
        self.archive_no = named(QLineEdit(), "case.archive_no", self.tr("卷号"))
        self.archive_no.setPlaceholderText(self.tr("不填则使用案号"))
        self.filed_by = named(QComboBox(), "case.filed_by", self.tr("立卷人"))
        self.filed_on = named(OptionalDateEdit(), "case.filed_on", self.tr("立卷日期"))
        self.retention = named(QComboBox(), "case.retention", self.tr("保管期限"))
        self.retention.addItems(mediation.RETENTION)
        self.pending_label = named(QLabel(), "case.pending_applicant", self.tr("待保存的申请人"))
        self.pending_label.setWordWrap(True)
        self.save_button = named(QPushButton(self.tr("受理")), "case.save", self.tr("受理或保存"))
        self.save_button.setDefault(True)
        self.info_errors = {k: FieldError(f"case.{k}_error")
                            for k in ("facts", "mediators", "source", "category", "visit", "name",
                                      "id_number", "phone")}
        form = QFormLayout()
        form.addRow(self.tr("案件来源"), cell(self.source, self.info_errors["source"]))
        form.addRow(self.tr("来源说明"), self.source_detail)
        form.addRow(self.tr("纠纷类别"), cell(self.category, self.info_errors["category"]))
        form.addRow(self.tr("受理日期"), self.accepted_on)
        form.addRow(self.tr("调解员"), cell(self.mediators, self.info_errors["mediators"]))
        form.addRow(self.tr("记录人"), self.recorder)
        form.addRow(self.tr("纠纷主要事实"), cell(self.facts, self.info_errors["facts"]))
        form.addRow(self.tr("争议事项"), self.matters)
        archive = QGroupBox(self.tr("立卷（卷宗封面）"))
        grid = QGridLayout(archive)
        grid.addWidget(QLabel(self.tr("卷号")), 0, 0)
        grid.addWidget(self.archive_no, 0, 1)
        grid.addWidget(QLabel(self.tr("保管期限")), 0, 2)
        grid.addWidget(self.retention, 0, 3)
        grid.addWidget(QLabel(self.tr("立卷人")), 1, 0)
        grid.addWidget(self.filed_by, 1, 1)
        grid.addWidget(QLabel(self.tr("立卷日期")), 1, 2)
        grid.addWidget(self.filed_on, 1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pending_label)
        for key in ("visit", "name", "id_number", "phone"):
            layout.addWidget(self.info_errors[key])
        layout.addWidget(archive)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.on_save_case)

    def set_choices(self, categories: list[reference.CategoryChoice],
                    staff: list[mediation.StaffChoice],
                    ) -> None:
        """The categories and staff to pick from; the mediators checked stay checked."""
        fill_combo(self.category, [(c.name, c.id) for c in categories],
                   empty=self.tr("（请选择）"))
        checked = set(self.checked_mediators())
        self.mediators.clear()
        for person in staff:
            item = QListWidgetItem(person.name + (self.tr("（调解员）")
                                                  if person.mediator else ""))
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in checked
                               else Qt.CheckState.Unchecked)
            self.mediators.addItem(item)
        people = [(p.name, p.id) for p in staff]
        fill_combo(self.recorder, people, empty=self.tr("（未指定）"))
        fill_combo(self.filed_by, people, empty=self.tr("（未指定）"))

    def set_closed(self, closed: bool) -> None:
        """A closed case keeps its facts; only the 立卷 fields stay open."""
        for widget in (self.source, self.source_detail, self.category, self.accepted_on,
                       self.mediators, self.recorder, self.facts, self.matters):
            set_read_only(widget, closed)
        self.save_button.setText(self.tr("保存立卷信息") if closed else self.tr("保存"))

    def checked_mediators(self) -> list[int]:
        ids = []
        for row in range(self.mediators.count()):
            item = self.mediators.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def set_checked_mediators(self, ids: list[int]) -> None:
        for row in range(self.mediators.count()):
            item = self.mediators.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in ids else Qt.CheckState.Unchecked)

    def fill_info(self, data: CaseInput) -> None:
        select_text(self.source, data.source)
        self.source_detail.setText(data.source_detail)
        select_data(self.category, data.category_id)
        self.set_checked_mediators(data.mediator_ids)
        select_data(self.recorder, data.recorder_id)
        self.facts.setPlainText(data.facts)
        self.matters.setPlainText(data.matters)
        self.archive_no.setText(data.archive_no)
        select_data(self.filed_by, data.filed_by_id)
        self.filed_on.set_value(data.filed_on)
        select_text(self.retention, data.retention)
        if data.accepted_on:
            self.accepted_on.set_value(data.accepted_on)

    def show_info_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.info_errors.items():
            label.show_message(errors.get(key))

    def case_form(self) -> CaseInput:
        visit_id, referral_id = self.editor.pending_visit if self.case_id is None else (None, None)
        return CaseInput(
            facts=self.facts.toPlainText(), matters=self.matters.toPlainText(),
            source=self.source.currentText(), source_detail=self.source_detail.text(),
            category_id=self.category.currentData(), mediator_ids=self.checked_mediators(),
            recorder_id=self.recorder.currentData(), accepted_on=self.accepted_on.value(),
            visit_id=visit_id, referral_id=referral_id, retention=self.retention.currentText(),
            archive_no=self.archive_no.text(), filed_by_id=self.filed_by.currentData(),
            filed_on=self.filed_on.value(),
        )

    def on_save_case(self) -> None:
        data = self.case_form()
        if self.case_id is None:
            applicants = [self.editor.pending_applicant] if self.editor.pending_applicant else []
            try:
                ref = mediation.accept_case(self.database, data, applicants)
            except ValidationError as exc:
                self.show_info_errors(exc.errors)
                # A refusal with no field of its own (the centre is not set up) is said here.
                unplaced = [m for k, m in exc.errors.items() if k not in self.info_errors]
                self.editor.status.setText(self.tr("未受理：") + ("；".join(unplaced) if unplaced
                                                        else self.tr("请按提示修改标红的项目。")))
                return
            log.info("accepted case %s", ref.case_no)
            self.show_info_errors({})
            self.editor.load(ref.case_id)
            self.editor.status.setText(
                self.tr("已受理，案号 {0}。请补充当事人。").format(ref.case_no))
            self.editor.changed.emit()
            self.editor.tabs.setCurrentIndex(1)
            return
        case_id, version = self.case_id, self.editor.case_version
        if self.run_save(lambda: mediation.update_case(self.database, case_id, data,
                                                   version=version),
                     self.info_errors, self.tr("基本信息已保存。"), form="case"):
            self.editor.reload_case("case")
