"""Recording or correcting a home visit (走访) and the help given (帮扶); ending a care.

A save another desk overtook (the visit or the entry changed meanwhile) opens the
:class:`desktop.views.stale_dialog.StaleEditDialog`; 重新载入 shows what is saved now.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import reference
from desktop.services.care import entries, listing, visits
from desktop.services.care.listing import VisitData
from desktop.services.care.visits import VisitInput
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.views.form_widgets import DateEdit, fill_combo, select_data
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, named


def _buttons(owner: str, save_text: str) -> QDialogButtonBox:
    buttons = named(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                     | QDialogButtonBox.StandardButton.Cancel),
                    f"{owner}.buttons", "保存或取消")
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(save_text)
    named(save, f"{owner}.save", save_text)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setText("取消")
    named(cancel, f"{owner}.cancel", "取消")
    return buttons


class _FormDialog(QDialog):
    """A small form whose fields show their errors beneath them."""

    def __init__(self, owner: str, title: str, parent: QWidget | None, *,
                 save: Callable[[], None], reload: Callable[[], None]) -> None:
        super().__init__(parent)
        self.save_record = save
        self.reload = reload
        self.owner = owner
        named(self, owner, title)
        self.setWindowTitle(title)
        self.errors: dict[str, FieldError] = {}
        self.last_stale_dialog: StaleEditDialog | None = None
        self.form = QFormLayout()
        self.message = FieldError(f"{owner}.message")

    def row(self, label: str, widget: QWidget, key: str) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        self.errors[key] = FieldError(f"{self.owner}.{key}_error")
        layout.addWidget(self.errors[key])
        self.form.addRow(label, box)

    def finish(self, save_text: str) -> None:
        self.buttons = _buttons(self.owner, save_text)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save_record)
        self.buttons.rejected.connect(self.reject)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        self.message.show_message("；".join(m for k, m in errors.items()
                                           if k not in self.errors))

    def attempt(self, work: Callable[[], object]) -> None:
        try:
            work()
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StaleEditError as exc:
            self.show_errors({})
            self.message.show_message(str(exc))
            self.last_stale_dialog = open_stale_dialog(self, exc, self.reload)
            return
        self.accept()


class VisitDialog(_FormDialog):
    """One home visit of the entry ``entry_id``: a new one, or ``visit`` corrected."""

    def __init__(self, *, database: Database, entry_id: int, name: str,
                 visit: VisitData | None = None, parent: QWidget | None = None) -> None:
        title = self.tr("修改走访：{0}") if visit else self.tr("登记走访：{0}")
        super().__init__("care_visit", title.format(name), parent, save=self.on_save,
                         reload=self.on_reload)
        self.database = database
        self.entry_id = entry_id
        self.visit_id = visit.visit_id if visit else None
        self.version = visit.version if visit else 0
        self.visited_on = named(DateEdit(), "care_visit.visited_on", self.tr("走访日期"))
        self.staff = named(QComboBox(), "care_visit.staff", self.tr("走访人"))
        with database.read() as session:
            fill_combo(self.staff, [(s.name, s.id) for s in reference.staff(session)],
                       empty=self.tr("（当前账号）"))
        self.findings = named(QPlainTextEdit(), "care_visit.findings", self.tr("走访情况"))
        self.help_kind = named(QComboBox(), "care_visit.help_kind", self.tr("帮扶类型"))
        self.help_kind.addItem(self.tr("（本次未帮扶）"), None)
        for kind in visits.HELP_KINDS:
            self.help_kind.addItem(kind, kind)
        self.help_text = named(QPlainTextEdit(), "care_visit.help_text", self.tr("帮扶内容"))
        self.help_text.setMaximumHeight(70)
        self.row(self.tr("走访日期"), self.visited_on, "visited_on")
        self.row(self.tr("走访人"), self.staff, "staff_id")
        self.row(self.tr("走访情况"), self.findings, "findings")
        self.row(self.tr("帮扶类型"), self.help_kind, "help_kind")
        self.row(self.tr("帮扶内容"), self.help_text, "help_text")
        self.finish(self.tr("保存"))
        self.resize(520, 460)
        if visit is not None:
            self.set_visit(visit)

    def set_visit(self, visit: VisitData) -> None:
        self.version = visit.version
        self.visited_on.set_value(visit.visited_on)
        select_data(self.staff, visit.staff_id)
        self.findings.setPlainText(visit.findings)
        select_data(self.help_kind, visit.help_kind)
        self.help_text.setPlainText(visit.help_text)

    def input(self) -> VisitInput:
        return VisitInput(self.visited_on.value(), self.findings.toPlainText(),
                          self.staff.currentData(), self.help_kind.currentData(),
                          self.help_text.toPlainText())

    def on_save(self) -> None:
        if self.visit_id is None:
            self.attempt(lambda: visits.add_visit(self.database, self.entry_id, self.input()))
            return
        visit_id = self.visit_id
        self.attempt(lambda: visits.update_visit(self.database, visit_id, self.input(),
                                                 version=self.version))

    def on_reload(self) -> None:
        try:
            with self.database.read() as session:
                found = listing.entry_detail(session, self.entry_id).visits
        except NotFoundError:
            found = []
        visit = next((v for v in found if v.visit_id == self.visit_id), None)
        if visit is None:  # deleted at another desk: nothing left to correct
            self.reject()
            return
        self.set_visit(visit)
        self.show_errors({})
        self.message.show_message(self.tr("已重新载入他人保存的内容。"))


class EndDialog(_FormDialog):
    """结束关爱: the date and the reason (迁出, 去世, 情况好转 ...)."""

    def __init__(self, *, database: Database, entry_id: int, version: int, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__("care_end", self.tr("结束关爱：{0}").format(name), parent,
                         save=self.on_save, reload=self.on_reload)
        self.database = database
        self.entry_id = entry_id
        self.version = version
        self.ended_on = named(DateEdit(), "care_end.ended_on", self.tr("结束日期"))
        self.reason = named(QLineEdit(), "care_end.reason", self.tr("结束原因"))
        self.reason.setPlaceholderText(self.tr("如：迁出本辖区、已去世、情况好转"))
        self.row(self.tr("结束日期"), self.ended_on, "ended_on")
        self.row(self.tr("结束原因"), self.reason, "end_reason")
        self.finish(self.tr("结束关爱"))

    def on_save(self) -> None:
        self.attempt(lambda: entries.end_entry(self.database, self.entry_id,
                                               self.ended_on.value(), self.reason.text(),
                                               version=self.version))

    def on_reload(self) -> None:
        with self.database.read() as session:
            detail = listing.entry_detail(session, self.entry_id)
        self.version = detail.version
        self.show_errors({})
        if detail.ended_on is not None:
            self.message.show_message(self.tr("该对象已于 {0} 结束关爱（{1}）").format(
                f"{detail.ended_on:%Y-%m-%d}", detail.end_reason))
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        else:
            self.message.show_message(self.tr("已重新载入他人保存的内容。"))
