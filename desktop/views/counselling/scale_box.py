"""One screening scale (PHQ-9 or GAD-7) as a checkable group: each item answered 0–3.

Each item's text takes the width the combo box leaves, wrapped (a grid, not a form
layout: a form layout cut the wrapped lines short at 1366×768).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QSizePolicy, QWidget

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
        layout = QGridLayout(self)
        layout.setColumnStretch(0, 1)
        layout.setHorizontalSpacing(8)
        stem = QLabel(scales.STEM)
        stem.setWordWrap(True)
        layout.addWidget(stem, 0, 0, 1, 2)
        self.items: list[QComboBox] = []
        for number, text in enumerate(scale.items, 1):
            combo = named(QComboBox(), f"counselling.scale.{key}.{number}",
                          f"{scale.code} 第{number}题")
            for value, answer in enumerate(scales.ANSWERS):
                combo.addItem(f"{value} {answer}", value)
            label = QLabel(f"{number}. {text}")
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                QSizePolicy.Policy.MinimumExpanding)
            label.setBuddy(combo)
            layout.addWidget(label, number, 0)
            layout.addWidget(combo, number, 1)
            self.items.append(combo)
        row = len(scale.items) + 1
        self.total = named(QLabel(), f"counselling.scale.{key}.total", self.tr("总分"))
        self.total.setWordWrap(True)
        layout.addWidget(self.total, row, 0, 1, 2)
        self.error = FieldError(f"counselling.scale.{key}_error")
        layout.addWidget(self.error, row + 1, 0, 1, 2)
        for combo in self.items:
            combo.currentIndexChanged.connect(self.on_changed)
        self.on_changed()

    def answers(self) -> list[int] | None:
        return [int(c.currentData()) for c in self.items] if self.isChecked() else None

    def set_answers(self, answers: Sequence[int] | None) -> None:
        """Show a saved result (``None``: the scale was not taken)."""
        for combo, value in zip(self.items, answers or [0] * len(self.items), strict=True):
            combo.setCurrentIndex(combo.findData(value))
        self.setChecked(answers is not None)
        self.error.show_message(None)

    def on_changed(self) -> None:
        result = scales.score(self.scale.code, [int(c.currentData()) for c in self.items])
        self.total.setText(self.tr("总分：") + result.label())

    def clear(self) -> None:
        self.set_answers(None)
