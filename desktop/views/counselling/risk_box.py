"""The risk assessment group (自伤 / 自杀 / 伤人) with the crisis step asked on a 高."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from desktop.services.counselling import risk as risks
from desktop.views.widgets import FieldError, named


class RiskBox(QGroupBox):
    """Three choices 低 / 中 / 高; on any 高 the crisis step (and its note) appear."""

    changed = Signal()

    def __init__(self, *, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("风险评估"))
        named(self, f"{prefix}.risk", self.tr("风险评估"))
        self.prefix = prefix
        self._add_widgets()
        self._connect_signals()
        self.on_level_changed()

    def _add_widgets(self) -> None:
        layout = QFormLayout(self)
        self.levels: dict[str, QComboBox] = {}
        self.errors: dict[str, FieldError] = {}
        for key, label in risks.RISK_LABELS.items():
            combo = named(QComboBox(), f"{self.prefix}.risk.{key}", self.tr(label))
            combo.addItems(risks.LEVELS)
            self.levels[key] = combo
            layout.addRow(self.tr(label), combo)
        self.crisis_label = QLabel(self.tr("危机处置"))
        self.crisis_step = named(QComboBox(), f"{self.prefix}.crisis_step",
                                 self.tr("已采取的危机处置措施"))
        self.crisis_step.addItem(self.tr("（请选择已采取的措施）"), "")
        for step in risks.CRISIS_STEPS:
            self.crisis_step.addItem(step, step)
        self.crisis_note = named(QLineEdit(), f"{self.prefix}.crisis_note",
                                 self.tr("处置说明"))
        self.crisis_note.setPlaceholderText(self.tr("选择“其他”时写明采取的措施"))
        self.errors["crisis_step"] = FieldError(f"{self.prefix}.crisis_step_error")
        self.errors["crisis_note"] = FieldError(f"{self.prefix}.crisis_note_error")
        self.warning = named(QLabel(self.tr("评估为高风险：保存时将标红该来访并通知中心领导"
                                            "（不含内容），须先选择已采取的危机处置措施。")),
                             f"{self.prefix}.high_warning", self.tr("高风险提示"))
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b3261e;")
        layout.addRow(self.warning)
        layout.addRow(self.crisis_label, self.crisis_step)
        layout.addRow("", self.errors["crisis_step"])
        self.note_label = QLabel(self.tr("处置说明"))
        layout.addRow(self.note_label, self.crisis_note)
        layout.addRow("", self.errors["crisis_note"])

    def _connect_signals(self) -> None:
        for combo in self.levels.values():
            combo.currentIndexChanged.connect(self.on_level_changed)

    def on_level_changed(self) -> None:
        high = self.value().is_high
        self.warning.setVisible(high)
        self.crisis_label.setVisible(high)
        self.crisis_step.setVisible(high)
        self.crisis_note.setVisible(high)
        self.note_label.setVisible(high)
        if not high:
            self.crisis_step.setCurrentIndex(0)
            self.crisis_note.clear()
        self.changed.emit()

    def value(self) -> risks.RiskInput:
        return risks.RiskInput(
            **{key: combo.currentText() for key, combo in self.levels.items()},
            crisis_step=self.crisis_step.currentData() or "",
            crisis_note=self.crisis_note.text().strip())

    def set_value(self, data: risks.RiskData | None) -> None:
        """Show a saved assessment (``None``: all 低)."""
        if data is None:
            self.clear()
            return
        for key, combo in self.levels.items():
            combo.setCurrentText(getattr(data, key))
        self.crisis_step.setCurrentIndex(max(self.crisis_step.findData(data.crisis_step), 0))
        self.crisis_note.setText(data.crisis_note)
        self.show_errors({})

    def clear(self) -> None:
        for combo in self.levels.values():
            combo.setCurrentIndex(0)
        self.show_errors({})

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
