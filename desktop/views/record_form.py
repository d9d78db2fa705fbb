"""A record's editor dialog: labelled fields, each with its Chinese error beside it.

The rooms' small editors (a hand-over, an organisation, a referral, an activity) are
all the same shape: fields in a form, a message line for what belongs to no field, and
保存 / 取消. Subclasses add their fields with :meth:`RecordDialog.add_field`, fill
:meth:`form_input` and :meth:`save`; a refused save shows each message next to its field
and leaves the dialog open with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import PermissionDenied, StaleEditError, ValidationError
from desktop.views.widgets import FieldError, named

W = TypeVar("W", bound=QWidget)


class RecordDialog(QDialog):
    """The frame of a record's editor; ``save`` writes the record (each editor hands in
    its own), and ``saved`` carries what it returned."""

    saved = Signal(object)

    def __init__(self, *, key: str, title: str, save: Callable[[], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save = save
        self.key = key
        named(self, f"{key}_dialog", title)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.errors: dict[str, FieldError] = {}
        self.message = FieldError(f"{key}.message")
        self.save_button = named(QPushButton(self.tr("保存")), f"{key}.save", self.tr("保存"))
        self.cancel_button = named(QPushButton(self.tr("取消")), f"{key}.cancel",
                                   self.tr("取消"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.on_save)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.setDefault(True)

    def add_field(self, name: str, label: str, widget: W, *,
                  error_keys: tuple[str, ...] = ()) -> W:
        """A labelled field named ``{key}.{name}``, its error shown under it."""
        named(widget, f"{self.key}.{name}", label)
        error = FieldError(f"{self.key}.{name}.error")
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(label, box)
        for key in (name, *error_keys):
            self.errors[key] = error
        return widget

    def show_errors(self, errors: dict[str, str]) -> None:
        shown: dict[FieldError, list[str]] = {label: [] for label in self.errors.values()}
        unplaced = []
        for key, message in errors.items():
            if key in self.errors:
                shown[self.errors[key]].append(message)
            else:
                unplaced.append(message)
        for label, messages in shown.items():
            label.show_message("；".join(messages) or None)
        self.message.show_message("；".join(unplaced) or None)

    def on_save(self) -> None:
        try:
            result = self.save()
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except (StaleEditError, PermissionDenied) as exc:
            self.show_errors({})
            self.message.show_message(str(exc))
            return
        self.show_errors({})
        self.saved.emit(result)
        self.accept()
