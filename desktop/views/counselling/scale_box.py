"""One screening scale (PHQ-9 or GAD-7) as a checkable group: each item answered 0–3."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from desktop.services.counselling import scales
from desktop.views.widgets import FieldError, named


class ScaleBox(QGroupBox):
    def __init__(self, *, scale: scales.Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        key = scale.code.replace("-", "").lower()
        named(self, f"counselling.scale.{key}", scale.title)
        self.setTitle(self.tr("{0}（勾选后填写）").format(scale.title))
        self.setCheckable(True)
        self.setChecked(False)
        layout = QFormLayout(self)
        stem = QLabel(scales.STEM)
        stem.setWordWrap(True)
        layout.addRow(stem)
        self.items: list[QComboBox] = []
        for number, text in enumerate(scale.items, 1):
            combo = named(QComboBox(), f"counselling.scale.{key}.{number}",
                          f"{scale.code} 第{number}题")
            for value, answer in enumerate(scales.ANSWERS):
                combo.addItem(f"{value} {answer}", value)
            label = QLabel(f"{number}. {text}")
            label.setWordWrap(True)
            layout.addRow(label, combo)
            self.items.append(combo)
        self.total = named(QLabel(), f"counselling.scale.{key}.total", self.tr("总分"))
        layout.addRow(self.tr("总分"), self.total)
        self.error = FieldError(f"counselling.scale.{key}_error")
        layout.addRow(self.error)
        for combo in self.items:
            combo.currentIndexChanged.connect(self.on_changed)
        self.on_changed()

    def answers(self) -> list[int] | None:
        return [int(c.currentData()) for c in self.items] if self.isChecked() else None

    def on_changed(self) -> None:
        result = scales.score(self.scale.code, [int(c.currentData()) for c in self.items])
        self.total.setText(result.label())

    def clear(self) -> None:
        for combo in self.items:
            combo.setCurrentIndex(0)
        self.setChecked(False)
        self.error.show_message(None)
