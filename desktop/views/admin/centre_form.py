"""The centre's own identity as a form: in the set-up wizard and in 系统设置."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.services.admin.settings import FIELDS, PAPER_SIZES, CentreSettings
from desktop.services.mediation import format_case_no
from desktop.views.widgets import FieldError, named

# key: (label, example shown in the empty field)
LABELS = {
    "centre_name": ("中心名称", "例如：东林街道综治中心"),
    "centre_address": ("中心地址", "例如：东林路18号"),
    "centre_phone": ("中心电话", "例如：010-62345678"),
    "service_hours": ("服务时间", "例如：周一至周五 8:30-17:30"),
    "receipt_paper": ("回执纸张", ""),
    "committee_name": ("人民调解委员会", "例如：东林街道人民调解委员会"),
    "committee_short_name": ("调委会简称（用于案号）", "例如：东林"),
    "idle_lock_minutes": ("无操作锁定（分钟）", "1 到 240，默认 10"),
}


class CentreForm(QWidget):
    """Some of the centre's settings, each with its error beside it."""

    def __init__(self, keys: list[str], *, prefix: str = "settings",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys = keys
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for key in keys:
            label, example = LABELS[key]
            widget: QLineEdit | QComboBox
            if key == "receipt_paper":
                widget = QComboBox()
                for code, text in PAPER_SIZES.items():
                    widget.addItem(text, code)
            else:
                widget = QLineEdit()
                widget.setPlaceholderText(example)
                limit = FIELDS[key].limit
                if limit:
                    widget.setMaxLength(limit)
            self.fields[key] = named(widget, f"{prefix}.{key}", self.tr(label))
            self.errors[key] = FieldError(f"{prefix}.{key}_error")
            cell = QVBoxLayout()
            cell.addWidget(widget)
            cell.addWidget(self.errors[key])
            form.addRow(self.tr(label), cell)
        if "committee_short_name" in keys:
            self.case_no_example = named(QLabel(), f"{prefix}.case_no_example",
                                         self.tr("案号示例"))
            form.addRow(self.tr("案号示例"), self.case_no_example)
            self.line("committee_short_name").textChanged.connect(self._show_case_no)
            self._show_case_no("")

    def line(self, key: str) -> QLineEdit:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget

    def combo(self, key: str) -> QComboBox:
        widget = self.fields[key]
        assert isinstance(widget, QComboBox)
        return widget

    def _show_case_no(self, short: str) -> None:
        short = short.strip()
        self.case_no_example.setText(format_case_no(date.today().year, short, 1) if short
                                     else self.tr("填写简称后在此显示"))

    def load(self, settings: CentreSettings) -> None:
        for key, widget in self.fields.items():
            value = str(getattr(settings, key))
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText(value)

    def values(self, base: CentreSettings) -> CentreSettings:
        """``base`` with this form's fields as typed."""
        typed = {key: (widget.currentData() if isinstance(widget, QComboBox) else widget.text())
                 for key, widget in self.fields.items()}
        return replace(base, **typed)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
