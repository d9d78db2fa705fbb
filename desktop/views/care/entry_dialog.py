"""Putting a resident on the care register, or editing their entry.

The resident is picked from reception (身份证号, phone or name typed in 查找) or typed
as a new one; the groups, contact, guardian, community and visit frequency follow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import reference
from desktop.services.care import entries, listing
from desktop.services.care.entries import EntryInput
from desktop.services.errors import StaleEditError, ValidationError
from desktop.views.form_widgets import DateEdit, fill_combo, select_data, select_text
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, named

CUSTOM = -1


class EntryDialog(QDialog):
    """One register entry; ``entry_id`` None puts a new resident on the register."""

    def __init__(self, *, database: Database, initial: EntryInput | None = None,
                 entry_id: int | None = None, version: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.entry_id = entry_id
        self.version = version
        self.saved_id: int | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        self.errors: dict[str, FieldError] = {}
        title = self.tr("编辑关爱对象") if entry_id else self.tr("登记关爱对象")
        named(self, "care_entry", title)
        self.setWindowTitle(title)
        self.resize(640, 720)
        self._add_widgets()
        self._connect_signals()
        self.set_input(initial or EntryInput())

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        error = FieldError(f"care_entry.{key}_error")
        layout.addWidget(error)
        self.errors[key] = error
        form.addRow(label, box)

    def _add_widgets(self) -> None:
        self.search = named(QLineEdit(), "care_entry.search", self.tr("查找来访人"))
        self.search.setPlaceholderText(self.tr("输入身份证号、电话或姓名查找已登记的来访人"))
        self.matches = named(QListWidget(), "care_entry.matches", self.tr("查找结果"))
        self.matches.setMaximumHeight(90)
        self.name = named(QLineEdit(), "care_entry.name", self.tr("姓名"))
        self.id_number = named(QLineEdit(), "care_entry.id_number", self.tr("身份证号"))
        self.gender = named(QComboBox(), "care_entry.gender", self.tr("性别"))
        self.gender.addItems(["", "男", "女"])
        groups = QWidget()
        grid = QGridLayout(groups)
        grid.setContentsMargins(0, 0, 0, 0)
        self.group_boxes: dict[str, QCheckBox] = {}
        for index, group in enumerate(entries.GROUPS):
            box = named(QCheckBox(group), f"care_entry.group.{index}", group)
            self.group_boxes[group] = box
            grid.addWidget(box, index // 3, index % 3)
        self.phone = named(QLineEdit(), "care_entry.phone", self.tr("联系电话"))
        self.address = named(QLineEdit(), "care_entry.address", self.tr("住址"))
        self.guardian_name = named(QLineEdit(), "care_entry.guardian_name", self.tr("监护人"))
        self.guardian_relation = named(QLineEdit(), "care_entry.guardian_relation",
                                       self.tr("与本人关系"))
        self.guardian_phone = named(QLineEdit(), "care_entry.guardian_phone",
                                    self.tr("监护人电话"))
        self.community = named(QComboBox(), "care_entry.community", self.tr("社区"))
        self.grid = named(QComboBox(), "care_entry.grid", self.tr("网格"))
        self.frequency = named(QComboBox(), "care_entry.frequency", self.tr("走访频次"))
        for label, days in entries.FREQUENCIES.items():
            self.frequency.addItem(label, days)
        self.frequency.addItem(self.tr("自定义天数"), CUSTOM)
        self.frequency_days = named(QSpinBox(), "care_entry.frequency_days",
                                    self.tr("走访间隔天数"))
        # Wider than the rule allows, so the rule's refusal is what the user meets.
        self.frequency_days.setRange(0, 999)
        self.frequency_days.setSuffix(self.tr(" 天"))
        self.staff = named(QComboBox(), "care_entry.staff", self.tr("责任人"))
        self.registered_on = named(DateEdit(), "care_entry.registered_on", self.tr("登记日期"))
        self.notes = named(QPlainTextEdit(), "care_entry.notes", self.tr("备注"))
        self.notes.setMaximumHeight(60)
        self.message = FieldError("care_entry.message")
        self.buttons = named(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                              | QDialogButtonBox.StandardButton.Cancel),
                             "care_entry.buttons", self.tr("保存或取消"))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("保存"))
        named(save, "care_entry.save", self.tr("保存"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("取消"))
        named(cancel, "care_entry.cancel", self.tr("取消"))

        with self.database.read() as session:
            fill_combo(self.community, [(c.name, c.id) for c in reference.communities(session)],
                       empty=self.tr("（未填写）"))
            fill_combo(self.staff, [(s.name, s.id) for s in reference.staff(session)],
                       empty=self.tr("（未指定）"))
        frequency = QHBoxLayout()
        frequency.addWidget(self.frequency)
        frequency.addWidget(self.frequency_days)
        frequency_box = QWidget()
        frequency_box.setLayout(frequency)
        frequency.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow(self.tr("查找"), self.search)
        form.addRow("", self.matches)
        self._row(form, self.tr("姓名"), self.name, "name")
        self._row(form, self.tr("身份证号"), self.id_number, "id_number")
        self._row(form, self.tr("性别"), self.gender, "gender")
        self._row(form, self.tr("关爱类别"), groups, "groups")
        self._row(form, self.tr("联系电话"), self.phone, "phone")
        self._row(form, self.tr("住址"), self.address, "address")
        self._row(form, self.tr("监护人"), self.guardian_name, "guardian_name")
        self._row(form, self.tr("与本人关系"), self.guardian_relation, "guardian_relation")
        self._row(form, self.tr("监护人电话"), self.guardian_phone, "guardian_phone")
        self._row(form, self.tr("社区"), self.community, "community_id")
        self._row(form, self.tr("网格"), self.grid, "grid_id")
        self._row(form, self.tr("走访频次"), frequency_box, "frequency_days")
        self._row(form, self.tr("责任人"), self.staff, "staff_id")
        self._row(form, self.tr("登记日期"), self.registered_on, "registered_on")
        self._row(form, self.tr("备注"), self.notes, "notes")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.person_id: int | None = None
        self.visit_id: int | None = None

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self.on_search)
        self.matches.itemActivated.connect(self.on_pick)
        self.matches.itemDoubleClicked.connect(self.on_pick)
        self.community.currentIndexChanged.connect(self.on_community)
        self.frequency.currentIndexChanged.connect(self.on_frequency)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)

    # -- filling ---------------------------------------------------------------------------

    def set_input(self, data: EntryInput) -> None:
        self.person_id = data.person_id
        self.visit_id = data.visit_id
        self.name.setText(data.name)
        self.id_number.setText(data.id_number)
        select_text(self.gender, data.gender)
        for group, box in self.group_boxes.items():
            box.setChecked(group in data.groups)
        self.phone.setText(data.phone)
        self.address.setText(data.address)
        self.guardian_name.setText(data.guardian_name)
        self.guardian_relation.setText(data.guardian_relation)
        self.guardian_phone.setText(data.guardian_phone)
        select_data(self.community, data.community_id)
        self.on_community()
        select_data(self.grid, data.grid_id)
        index = self.frequency.findData(data.frequency_days)
        self.frequency.setCurrentIndex(index if index >= 0 else self.frequency.count() - 1)
        self.frequency_days.setValue(data.frequency_days)
        self.on_frequency()
        select_data(self.staff, data.staff_id)
        if data.registered_on is not None:
            self.registered_on.set_value(data.registered_on)
        self.notes.setPlainText(data.notes)
        picked = data.person_id is not None
        for widget in (self.name, self.id_number):
            widget.setReadOnly(picked)
        self.gender.setEnabled(not picked)
        self.search.setEnabled(self.entry_id is None)

    def on_community(self) -> None:
        community_id = self.community.currentData()
        items = []
        if community_id is not None:
            with self.database.read() as session:
                items = [(g.name, g.id) for g in reference.grids(session, community_id)]
        fill_combo(self.grid, items, empty=self.tr("（未填写）"))

    def on_frequency(self) -> None:
        days = self.frequency.currentData()
        custom = days == CUSTOM
        self.frequency_days.setEnabled(custom)
        if not custom:
            self.frequency_days.setValue(int(days))

    def on_search(self, text: str) -> None:
        self.matches.clear()
        try:
            with self.database.read() as session:
                found = entries.find_people(session, text)
        except ValidationError:
            return
        for match in found:
            item = QListWidgetItem(match.summary_line)
            item.setData(Qt.ItemDataRole.UserRole, match)
            self.matches.addItem(item)

    def on_pick(self, item: QListWidgetItem) -> None:
        match = item.data(Qt.ItemDataRole.UserRole)
        data = self.input()
        data.person_id = match.person_id
        data.name = match.name
        data.id_number = match.id_number or ""
        data.gender = match.gender
        data.phone = data.phone or match.phone or ""
        data.address = data.address or match.address or ""
        self.set_input(data)

    def input(self) -> EntryInput:
        return EntryInput(
            groups=[g for g, box in self.group_boxes.items() if box.isChecked()],
            person_id=self.person_id, name=self.name.text(), id_number=self.id_number.text(),
            gender=self.gender.currentText() or None, phone=self.phone.text(),
            address=self.address.text(), guardian_name=self.guardian_name.text(),
            guardian_relation=self.guardian_relation.text(),
            guardian_phone=self.guardian_phone.text(),
            community_id=self.community.currentData(), grid_id=self.grid.currentData(),
            frequency_days=self.frequency_days.value(), staff_id=self.staff.currentData(),
            registered_on=self.registered_on.value(), visit_id=self.visit_id,
            notes=self.notes.toPlainText())

    # -- saving ----------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        rest = [m for k, m in errors.items() if k not in self.errors]
        self.message.show_message("；".join(rest))

    def on_save(self) -> None:
        try:
            if self.entry_id is None:
                self.saved_id = entries.register_entry(self.database, self.input())
            else:
                entries.update_entry(self.database, self.entry_id, self.input(),
                                     version=self.version)
                self.saved_id = self.entry_id
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StaleEditError as exc:
            self.show_errors({})
            self.message.show_message(str(exc))
            self.last_stale_dialog = open_stale_dialog(self, exc, self.on_reload)
            return
        self.accept()

    def on_reload(self) -> None:
        """Show the entry as another desk saved it (the user chose 重新载入)."""
        if self.entry_id is None:
            return
        with self.database.read() as session:
            detail = listing.entry_detail(session, self.entry_id)
        self.version = detail.version
        self.set_input(detail.data)
        self.show_errors({})
        self.message.show_message(self.tr("已重新载入他人保存的内容。"))
