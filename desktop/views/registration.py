"""接待登记: the receptionist's form. Register a visitor, route them, print the receipt."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.printing.receipt import render_receipt
from desktop.services import reference
from desktop.services.errors import ValidationError
from desktop.services.receipts import receipt_data
from desktop.services.registration import Registration, RegistrationInput, register_visit
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.widgets import FieldError, named

log = logging.getLogger(__name__)


class RegistrationPage(QWidget):
    """The registration form; one save writes the visit, its ticket and shows the receipt."""

    registered = Signal(object)  # Registration

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_registration: Registration | None = None
        self.last_preview: PdfPreviewDialog | None = None
        named(self, "registration", self.tr("接待登记"))
        self._add_widgets()
        self._connect_signals()
        self.reload_choices()

    def _add_widgets(self) -> None:
        self.name = named(QLineEdit(), "registration.name", self.tr("姓名"))
        self.id_number = named(QLineEdit(), "registration.id_number", self.tr("身份证号"))
        self.id_number.setMaxLength(18)
        self.id_number.setPlaceholderText(self.tr("18位，末位可为X"))
        self.phone = named(QLineEdit(), "registration.phone", self.tr("联系电话"))
        self.phone.setPlaceholderText(self.tr("手机或座机，如 13800138000 / 010-12345678"))
        self.category = named(QComboBox(), "registration.category", self.tr("事项类别"))
        self.summary = named(QPlainTextEdit(), "registration.summary", self.tr("事项摘要"))
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText(self.tr("简要记录来访事由"))
        self.summary.setFixedHeight(90)
        self.room = named(QComboBox(), "registration.room", self.tr("分流去向"))
        self.save_button = named(
            QPushButton(self.tr("保存并出回执")), "registration.save", self.tr("保存并出回执"),
            self.tr("保存登记并生成受理回执（Ctrl+S）"),
        )
        self.save_button.setDefault(True)
        self.new_button = named(
            QPushButton(self.tr("新登记")), "registration.new", self.tr("新登记"),
            self.tr("清空表单，开始新的登记（Ctrl+N）"),
        )
        self.status = named(QLabel(), "registration.status", self.tr("登记结果"))
        self.status.setWordWrap(True)

        self.errors: dict[str, FieldError] = {
            key: FieldError(f"registration.{key}_error")
            for key in ("name", "id_number", "phone", "category", "summary", "room")
        }
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        rows: list[tuple[str, QWidget, str]] = [
            (self.tr("姓名(&M)"), self.name, "name"),
            (self.tr("身份证号(&I)"), self.id_number, "id_number"),
            (self.tr("联系电话(&T)"), self.phone, "phone"),
            (self.tr("事项类别(&C)"), self.category, "category"),
            (self.tr("事项摘要(&Y)"), self.summary, "summary"),
            (self.tr("分流去向(&R)"), self.room, "room"),
        ]
        for label_text, widget, key in rows:
            label = QLabel(label_text)
            label.setBuddy(widget)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(widget)
            cell.addWidget(self.errors[key])
            form.addRow(label, cell)
        box = QGroupBox(self.tr("来访登记"))
        box.setLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addStretch(1)
        for first, second in zip(
            [self.name, self.id_number, self.phone, self.category, self.summary, self.room],
            [self.id_number, self.phone, self.category, self.summary, self.room, self.save_button],
            strict=True,
        ):
            QWidget.setTabOrder(first, second)

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.on_save)
        self.new_button.clicked.connect(self.on_new)
        self.category.currentIndexChanged.connect(self.on_category_changed)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.on_save)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.on_new)
        for line in (self.name, self.id_number, self.phone):
            line.returnPressed.connect(self.focusNextChild)

    def reload_choices(self) -> None:
        with self.database.read() as session:
            categories = reference.categories(session)
            rooms = reference.rooms(session)
        self.category.clear()
        self.category.addItem(self.tr("（请选择）"), None)
        for cat in categories:
            self.category.addItem(cat.name, cat.id)
            self.category.setItemData(self.category.count() - 1, cat.suggested_room_id,
                                      Qt.ItemDataRole.UserRole + 1)
        self.room.clear()
        self.room.addItem(self.tr("（请选择）"), None)
        for room in rooms:
            self.room.addItem(room.name, room.id)

    def on_category_changed(self, index: int) -> None:
        """Offer the room the category usually goes to; the receptionist may change it."""
        suggested = self.category.itemData(index, Qt.ItemDataRole.UserRole + 1)
        if suggested is not None:
            position = self.room.findData(suggested)
            if position >= 0:
                self.room.setCurrentIndex(position)

    def form_input(self) -> RegistrationInput:
        return RegistrationInput(
            name=self.name.text(),
            id_number=self.id_number.text(),
            phone=self.phone.text(),
            summary=self.summary.toPlainText(),
            category_id=self.category.currentData(),
            room_id=self.room.currentData(),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        widgets = {"name": self.name, "id_number": self.id_number, "phone": self.phone,
                   "category": self.category, "summary": self.summary, "room": self.room}
        for key in widgets:
            if key in errors:
                widgets[key].setFocus()
                break

    def on_save(self) -> None:
        try:
            result = register_visit(self.database, self.form_input())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            self.status.setText(self.tr("登记未保存：请按提示修改标红的项目。"))
            return
        log.info("registered visit %s, ticket %s", result.visit_no, result.ticket_no)
        self.last_registration = result
        self.show_errors({})
        self.status.setText(self.tr("已登记：{0}，排队号 {1}，去向 {2}").format(
            result.visit_no, result.ticket_no, result.room_name))
        self.registered.emit(result)
        self.clear_form()
        self.show_receipt(result.visit_no)

    def show_receipt(self, visit_no: str) -> PdfPreviewDialog:
        with self.database.read() as session:
            data = receipt_data(session, visit_no)
        dialog = PdfPreviewDialog(
            pdf=render_receipt(data), title=self.tr("受理回执 {0}").format(visit_no),
            suggested_name=f"受理回执_{visit_no}.pdf", parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def clear_form(self) -> None:
        for line in (self.name, self.id_number, self.phone):
            line.clear()
        self.summary.clear()
        self.category.setCurrentIndex(0)
        self.room.setCurrentIndex(0)
        self.name.setFocus()

    def on_new(self) -> None:
        self.clear_form()
        self.show_errors({})
        self.status.clear()
