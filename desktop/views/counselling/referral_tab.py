"""转介与结案: the referral out (with the printable 转介单) and the closure of the case."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.counselling import closing, referral_letter
from desktop.services.counselling.cases import CaseDetail
from desktop.services.errors import ValidationError
from desktop.views import dialogs
from desktop.views.form_widgets import DateEdit, OptionalDateEdit, select_text
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.widgets import FieldError, named


class ReferralTab(QWidget):
    saved = Signal(int)

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.detail: CaseDetail | None = None
        self.last_preview: PdfPreviewDialog | None = None
        named(self, "counselling.referral", self.tr("转介与结案"))
        self._add_widgets()
        self.save_referral.clicked.connect(self.on_save_referral)
        self.print_button.clicked.connect(self.on_print)
        self.close_button.clicked.connect(self.on_close_case)
        self.reopen_button.clicked.connect(self.on_reopen)

    def _add_widgets(self) -> None:
        self.referred_to = named(QLineEdit(), "counselling.referred_to", self.tr("转介机构"))
        self.referred_to.setPlaceholderText(self.tr("如 市精神卫生中心"))
        self.kind = named(QComboBox(), "counselling.referred_kind", self.tr("机构类别"))
        self.kind.addItems(referral_letter.KINDS)
        self.referred_on = named(DateEdit(), "counselling.referred_on", self.tr("转介日期"))
        self.reason = named(QPlainTextEdit(), "counselling.referral_reason",
                            self.tr("转介原因"))
        self.reason.setMaximumHeight(90)
        self.save_referral = named(QPushButton(self.tr("保存转介")),
                                   "counselling.save_referral", self.tr("保存转介"))
        self.print_button = named(QPushButton(self.tr("打印转介单…")),
                                  "counselling.print_referral", self.tr("打印转介单"))
        self.closed_on = named(OptionalDateEdit(), "counselling.closed_on", self.tr("结案日期"))
        self.close_reason = named(QComboBox(), "counselling.close_reason", self.tr("结案原因"))
        self.close_reason.setEditable(True)
        self.close_reason.addItems(closing.CLOSE_REASONS)
        self.close_button = named(QPushButton(self.tr("结案")), "counselling.close_case",
                                  self.tr("结案"))
        self.reopen_button = named(QPushButton(self.tr("撤销结案")), "counselling.reopen_case",
                                   self.tr("撤销结案，重新打开个案"))
        keys = ("referred_to", "referred_kind", "referred_on", "referral_reason",
                "closed_on", "close_reason", "closed")
        self.errors = {k: FieldError(f"counselling.{k}_error") for k in keys}

        referral = QGroupBox(self.tr("转介至医院或精神卫生中心"))
        form = QFormLayout(referral)
        form.addRow(self.tr("转介机构"), self.referred_to)
        form.addRow("", self.errors["referred_to"])
        form.addRow(self.tr("机构类别"), self.kind)
        form.addRow(self.tr("转介日期"), self.referred_on)
        form.addRow("", self.errors["referred_on"])
        form.addRow(self.tr("转介原因"), self.reason)
        form.addRow("", self.errors["referral_reason"])
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_referral)
        row.addWidget(self.print_button)
        form.addRow(row)
        closure = QGroupBox(self.tr("结案"))
        close_form = QFormLayout(closure)
        close_form.addRow(self.tr("结案日期"), self.closed_on)
        close_form.addRow("", self.errors["closed_on"])
        close_form.addRow(self.tr("结案原因"), self.close_reason)
        close_form.addRow("", self.errors["close_reason"])
        close_form.addRow("", self.errors["closed"])
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.reopen_button)
        close_row.addWidget(self.close_button)
        close_form.addRow(close_row)
        layout = QVBoxLayout(self)
        layout.addWidget(referral)
        layout.addWidget(closure)
        layout.addStretch(1)

    def load(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.referred_to.setText(detail.referred_to)
        select_text(self.kind, detail.referred_kind)
        self.referred_on.set_value(detail.referred_on or date.today())
        self.reason.setPlainText(detail.referral_reason)
        self.closed_on.set_value(detail.closed_on)
        self.close_reason.setCurrentText(detail.close_reason)
        for widget in (self.referred_to, self.kind, self.referred_on, self.reason,
                       self.save_referral, self.closed_on, self.close_reason,
                       self.close_button):
            widget.setEnabled(not detail.closed)
        self.close_button.setVisible(not detail.closed)
        self.reopen_button.setVisible(detail.closed)
        self.print_button.setEnabled(bool(detail.referred_to)
                                     and auth.may(self.database, "counselling.print"))
        self.show_errors({})

    def on_save_referral(self) -> None:
        if self.detail is None:
            return
        data = referral_letter.ReferralInput(
            self.referred_to.text(), self.kind.currentText(), self.referred_on.value(),
            self.reason.toPlainText())
        try:
            referral_letter.save_referral(self.database, self.detail.case_id, data)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.saved.emit(self.detail.case_id)

    def on_print(self) -> PdfPreviewDialog | None:
        if self.detail is None:
            return None
        from desktop.printing.counselling_referral import render_referral

        try:
            with self.database.read() as session:
                data = referral_letter.letter_data(session, self.detail.case_id)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return None
        pdf = render_referral(data)
        referral_letter.log_printed(self.database, self.detail.case_id, data.case_no)
        dialog = PdfPreviewDialog(pdf=pdf, title=self.tr("心理咨询转介单"),
                                  suggested_name=f"心理咨询转介单_{data.case_no}.pdf",
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def on_close_case(self) -> None:
        if self.detail is None:
            return
        try:
            closing.close_case(self.database, self.detail.case_id, self.closed_on.value(),
                             self.close_reason.currentText(), version=self.detail.version)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.saved.emit(self.detail.case_id)

    def on_reopen(self) -> None:
        """撤销结案: the case takes sessions and changes again."""
        if self.detail is None or not dialogs.confirm(
                self, self.tr("撤销结案"),
                self.tr("确定撤销 {0} 的结案吗？撤销后可继续记录和修改咨询。")
                .format(self.detail.case_no)):
            return
        try:
            closing.reopen_case(self.database, self.detail.case_id)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.saved.emit(self.detail.case_id)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
