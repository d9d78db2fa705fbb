"""The small form behind a queue action that needs more than a click.

办结, 转办, 暂缓, 另派科室, 上报/移送 and closing an escalation each ask a few values; the
service's refusal stays in the dialog, each message beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import NotFoundError, ValidationError
from desktop.views.db_status import report_anywhere
from desktop.views.form_widgets import widget_value
from desktop.views.widgets import FieldError, named


class ActionDialog(QDialog):
    """A small form for an action that needs more than a click (finish, transfer, hold, ...).

    ``submit(values)`` runs the service call; a ValidationError keeps the dialog
    open with the messages beside the fields.
    """

    def __init__(self, *, key: str, title: str, fields: list[tuple[str, str, QWidget]],
                 submit: Callable[[dict[str, Any]], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"{key}_dialog", title)
        self.setWindowTitle(title)
        self.submit = submit
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout(self)
        for name, label, widget in fields:
            named(widget, f"{key}.{name}", label)
            self.widgets[name] = widget
            self.errors[name] = FieldError(f"{key}.{name}_error")
            cell = QVBoxLayout()
            cell.addWidget(widget)
            cell.addWidget(self.errors[name])
            form.addRow(label, cell)
        self.general_error = FieldError(f"{key}.error")
        form.addRow(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        self.ok_button = named(ok, f"{key}.ok", self.tr("确定"))
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.on_ok)
        self.buttons.rejected.connect(self.reject)

    def values(self) -> dict[str, Any]:
        return {name: widget_value(widget) for name, widget in self.widgets.items()}

    def on_ok(self) -> None:
        try:
            self.submit(self.values())
        except ValidationError as exc:
            shown = False
            for name, label in self.errors.items():
                label.show_message(exc.errors.get(name))
                shown = shown or name in exc.errors
            rest = [v for k, v in exc.errors.items() if k not in self.errors]
            self.general_error.show_message("；".join(rest) if rest else None)
            return
        except NotFoundError as exc:
            self.general_error.show_message(str(exc))
            return
        except Exception as exc:
            if not report_anywhere(exc):
                raise
            # What was typed stays in the dialog; the window's banner says why.
            self.general_error.show_message(self.tr("未保存：数据库暂时无法使用，恢复后请再按“确定”。"))
            return
        self.accept()

