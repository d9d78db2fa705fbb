"""调解记录: one record per session, with who mediated and who wrote, printable."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation
from desktop.services.admin import auth
from desktop.services.mediation import (
    CaseDetail,
    SessionInput,
)
from desktop.views import dialogs
from desktop.views.form_widgets import (
    DateTimeEdit,
    fill_combo,
    select_data,
    set_read_only,
)
from desktop.views.mediation.case_widgets import CaseTab, cell, text_edit
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.widgets import FieldError, named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class SessionsTab(CaseTab):
    """调解记录 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        # The session the form shows and its version (None: a new session).
        self.session_id: int | None = None
        self.session_version: int | None = None
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.sessions_list = named(QListWidget(), "case.sessions.list", self.tr("调解记录列表"))
        self.sessions_list.setMaximumWidth(240)
        self.session_held_at = named(DateTimeEdit(), "case.sessions.held_at", self.tr("调解时间"))
        self.session_place = named(QLineEdit(), "case.sessions.place", self.tr("调解地点"))
        self.session_attendees = named(QLineEdit(), "case.sessions.attendees",
                                       self.tr("参加人员"))
        self.session_record = text_edit("case.sessions.record", self.tr("调解记录内容"), 200)
        self.session_mediator = named(QComboBox(), "case.sessions.mediator",
                                      self.tr("主持本次调解的调解员"))
        self.session_recorder = named(QComboBox(), "case.sessions.recorder",
                                      self.tr("本次调解的记录人"))
        self.session_next = text_edit("case.sessions.next_steps", self.tr("下一步工作"), 50)
        self.session_new = named(QPushButton(self.tr("新记录")), "case.sessions.new",
                                 self.tr("新的调解记录"))
        self.session_save = named(QPushButton(self.tr("保存记录")), "case.sessions.save",
                                  self.tr("保存调解记录"))
        self.session_delete = named(QPushButton(self.tr("删除")), "case.sessions.delete",
                                    self.tr("删除调解记录"))
        self.session_print = named(QPushButton(self.tr("预览/打印")), "case.sessions.print",
                                   self.tr("预览并打印调解记录"))
        self.session_errors = {k: FieldError(f"case.sessions.{k}_error")
                               for k in ("held_at", "place", "attendees", "record",
                                         "mediator", "recorder")}
        form = QFormLayout()
        form.addRow(self.tr("时间"), cell(self.session_held_at, self.session_errors["held_at"]))
        form.addRow(self.tr("地点"), cell(self.session_place, self.session_errors["place"]))
        form.addRow(self.tr("参加人员"), cell(self.session_attendees,
                                           self.session_errors["attendees"]))
        form.addRow(self.tr("调解员"), cell(self.session_mediator,
                                          self.session_errors["mediator"]))
        form.addRow(self.tr("记录人"), cell(self.session_recorder,
                                          self.session_errors["recorder"]))
        form.addRow(self.tr("记录"), cell(self.session_record, self.session_errors["record"]))
        form.addRow(self.tr("下一步"), self.session_next)
        buttons = QHBoxLayout()
        for button in (self.session_new, self.session_save, self.session_delete,
                       self.session_print):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.sessions_list)
        layout.addLayout(right, 1)

    def _connect_signals(self) -> None:
        self.sessions_list.currentRowChanged.connect(self.on_session_selected)
        self.session_new.clicked.connect(self.on_new_session)
        self.session_save.clicked.connect(self.on_save_session)
        self.session_delete.clicked.connect(self.on_delete_session)
        self.session_print.clicked.connect(self.on_print_session)

    def fill_sessions(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
        fill_combo(self.session_mediator, list(zip(detail.mediators, detail.mediator_ids,
                                                   strict=True)),
                   empty=self.tr("（未指定）"))
        self.sessions_list.blockSignals(True)
        self.sessions_list.clear()
        for number, item in enumerate(detail.sessions, 1):
            entry = QListWidgetItem(self.tr("第{0}次 {1:%Y-%m-%d %H:%M}").format(number,
                                                                             item.held_at))
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.sessions_list.addItem(entry)
            if keep_form and item.id == self.session_id:
                self.sessions_list.setCurrentRow(number - 1)
        self.sessions_list.blockSignals(False)
        if not keep_form:
            self.on_new_session()

    def set_closed(self, closed: bool) -> None:
        for widget in (self.session_held_at, self.session_place, self.session_attendees,
                       self.session_record, self.session_next, self.session_mediator,
                       self.session_recorder):
            set_read_only(widget, closed)
        for button in (self.session_new, self.session_save):
            button.setEnabled(not closed)
        self.session_delete.setEnabled(not closed and self.session_id is not None)

    def on_session_selected(self, row: int) -> None:
        if self.detail is None or row < 0 or row >= len(self.detail.sessions):
            return
        item = self.detail.sessions[row]
        self.session_id = item.id
        self.session_version = item.version
        self.session_held_at.set_value(item.held_at)
        self.session_place.setText(item.place)
        self.session_attendees.setText(item.attendees)
        self.session_record.setPlainText(item.record)
        self.session_next.setPlainText(item.next_steps or "")
        select_data(self.session_mediator, item.mediator_id)
        select_data(self.session_recorder, item.recorder_id)
        self.session_delete.setEnabled(not self.detail.is_closed)
        self.session_print.setEnabled(True)
        self.editor.remember("session")

    def on_new_session(self) -> None:
        self.session_id = None
        self.session_version = None
        self.sessions_list.blockSignals(True)
        self.sessions_list.clearSelection()
        self.sessions_list.setCurrentRow(-1)
        self.sessions_list.blockSignals(False)
        self.session_held_at.set_value(datetime.now().replace(second=0, microsecond=0))
        self.session_place.setText(self.tr("矛盾纠纷调解室"))
        detail = self.detail
        names = [f"{p.side}{p.name}" for p in (detail.parties if detail else [])]
        names += [f"调解员{n}" for n in (detail.mediators if detail else [])]
        self.session_attendees.setText("、".join(names))
        # Whoever is signed in writes the record, and leads it when they mediate the case.
        me = auth.acting_staff_id(self.database)
        mediator_ids = self.detail.mediator_ids if self.detail else []
        select_data(self.session_mediator,
                    me if me in mediator_ids else (mediator_ids[0] if mediator_ids else None))
        select_data(self.session_recorder, me)
        self.session_record.clear()
        self.session_next.clear()
        self.session_delete.setEnabled(False)
        self.session_print.setEnabled(False)
        for label in self.session_errors.values():
            label.show_message(None)
        self.editor.remember("session")

    def session_form(self) -> SessionInput:
        return SessionInput(
            held_at=self.session_held_at.value(), place=self.session_place.text(),
            attendees=self.session_attendees.text(), record=self.session_record.toPlainText(),
            next_steps=self.session_next.toPlainText(),
            mediator_id=self.session_mediator.currentData(),
            recorder_id=self.session_recorder.currentData(),
        )

    def on_save_session(self) -> None:
        if self.case_id is None:
            return
        data, case_id, session_id = self.session_form(), self.case_id, self.session_id
        version = self.session_version
        if session_id is None or version is None:
            ok = self.run_save(lambda: mediation.add_session(self.database, case_id, data),
                           self.session_errors, self.tr("调解记录已保存。"))
        else:
            ok = self.run_save(lambda: mediation.update_session(self.database, session_id, data,
                                                            version=version),
                           self.session_errors, self.tr("调解记录已保存。"), form="session")
        if ok:
            self.editor.reload_case("session")

    def on_delete_session(self) -> None:
        session_id, version = self.session_id, self.session_version
        if session_id is None or version is None:
            return
        if not dialogs.confirm(self, self.tr("删除调解记录"), self.tr("确定删除这次调解记录吗？")):
            return
        if self.run_save(lambda: mediation.delete_session(self.database, session_id,
                                                      version=version), {},
                     self.tr("调解记录已删除。"), form="session"):
            self.editor.reload_case("session")

    def on_print_session(self) -> PdfPreviewDialog | None:
        if self.detail is None or self.session_id is None:
            return None
        from desktop.printing.case_documents import render_session_record

        number = [s.id for s in self.detail.sessions].index(self.session_id) + 1
        pdf = render_session_record(self.detail, self.session_id)
        return self.editor.show_pdf(pdf, self.tr("调解记录（第{0}次）").format(number),
                             self.editor.file_name(f"调解记录第{number}次"))
