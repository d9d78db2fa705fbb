"""One mediation case: 基本信息, 当事人, 调解记录, 协议/结果, 回访, 司法确认, 附件.

A new case (from a routed visit or opened directly) shows only 基本信息 until
it is accepted (受理); accepting numbers it and saves its first applicant.

Another desk may have the same case open. Each form remembers the version of
the record it shows and saves with it; a save the service refuses as stale
opens a :class:`StaleEditDialog` (what differs; 重新载入 or 取消). Reloading the
case after a save refills only the forms without unsaved edits, so text typed
in one tab is never lost to a save in another. A closed case is read-only
except for 回访, 司法确认, 附件 and the 立卷 fields, under a banner that says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import mediation, reference
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.failures import user_message
from desktop.services.mediation import (
    CaseDetail,
    CaseInput,
    PartyInput,
)
from desktop.services.mediation import documents as mediation_documents
from desktop.services.validation import mask_id_number, mask_phone
from desktop.views import dialogs, tasks
from desktop.views.db_status import report_anywhere
from desktop.views.form_widgets import (
    fill_combo,
)
from desktop.views.mediation.case_agreement_tab import AgreementTab
from desktop.views.mediation.case_attachments_tab import AttachmentsTab
from desktop.views.mediation.case_follow_ups_tab import FollowUpsTab
from desktop.views.mediation.case_info_tab import InfoTab
from desktop.views.mediation.case_judicial_tab import JudicialTab
from desktop.views.mediation.case_parties_tab import PartiesTab
from desktop.views.mediation.case_sessions_tab import SessionsTab
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, named

log = logging.getLogger(__name__)

# The forms of the editor, each saved on its own with the version it was loaded with.
SECTIONS = frozenset({"case", "agreement", "session", "follow_up", "judicial"})


class CaseEditor(QWidget):
    """The tabs of one case; emits ``changed`` after every save so the list refreshes."""

    changed = Signal()
    back_requested = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.case_id: int | None = None
        self.detail: CaseDetail | None = None
        self.pending_applicant: PartyInput | None = None
        self.pending_visit: tuple[int | None, int | None] = (None, None)
        self.last_preview: PdfPreviewDialog | None = None
        self.last_task: tasks.Task | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        # The version of the case row the 基本信息 form shows (each tab keeps its own).
        self.case_version = 0
        # Each form's content as loaded, to tell whether the user has changed it.
        self._loaded_forms: dict[str, object] = {}
        named(self, "case.editor", self.tr("调解案件"))
        self._add_widgets()
        self._connect_signals()
        self.reload_choices()

    def _add_widgets(self) -> None:
        self.back_button = named(QPushButton(self.tr("← 返回案件列表")), "case.back",
                                 self.tr("返回案件列表"))
        self.number = named(QLabel(), "case.number", self.tr("案号"))
        self.number.setStyleSheet("font-size: 17px; font-weight: bold;")
        self.title = named(QLabel(), "case.title", self.tr("案件名称"))
        self.title.setStyleSheet("font-size: 15px;")
        self.deadline = named(QLabel(), "case.deadline", self.tr("办理期限"))
        self.print_buttons: dict[str, QPushButton] = {}
        header = QHBoxLayout()
        header.addWidget(self.back_button)
        header.addSpacing(12)
        header.addWidget(self.number)
        header.addWidget(self.title, 1)
        header.addWidget(self.deadline)
        docs = QHBoxLayout()
        docs.addWidget(QLabel(self.tr("文书：")))
        for key, text in [("application", "申请书"), ("acceptance", "受理登记表"),
                          ("rights", "权利义务告知书"), ("casefile", "整本卷宗")]:
            button = named(QPushButton(self.tr(text)), f"case.print.{key}",
                           self.tr("预览并打印{0}").format(text))
            self.print_buttons[key] = button
            docs.addWidget(button)
        docs.addStretch(1)
        self.status = named(QLabel(), "case.status", self.tr("操作结果"))
        self.status.setWordWrap(True)
        docs.addWidget(self.status, 2)
        self.closed_banner = named(QLabel(self.tr("已结案，如需修改请先“重新打开”")),
                                   "case.closed_banner", self.tr("已结案提示"))
        self.closed_banner.setWordWrap(True)
        self.closed_banner.setStyleSheet(
            "QLabel { background: #e8eaed; color: #3c3c3c; border: 1px solid #9aa0a6;"
            " padding: 6px; font-weight: bold; }")
        self.closed_banner.hide()

        self.tabs = named(QTabWidget(), "case.tabs", self.tr("案件信息"))
        self.info = InfoTab(self)
        self.parties = PartiesTab(self)
        self.sessions = SessionsTab(self)
        self.agreement = AgreementTab(self)
        self.follow_ups = FollowUpsTab(self)
        self.judicial = JudicialTab(self)
        self.attachments = AttachmentsTab(self)
        for tab, title in [(self.info, self.tr("基本信息")), (self.parties, self.tr("当事人")),
                           (self.sessions, self.tr("调解记录")),
                           (self.agreement, self.tr("协议/结果")),
                           (self.follow_ups, self.tr("回访")), (self.judicial, self.tr("司法确认")),
                           (self.attachments, self.tr("附件"))]:
            self.tabs.addTab(tab, title)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(docs)
        layout.addWidget(self.closed_banner)
        layout.addWidget(self.tabs, 1)

    def reload_choices(self) -> None:
        """Refill the lists the tabs offer (categories, staff) from the database."""
        with self.database.read() as session:
            categories = reference.categories(session)
            staff = mediation.staff_choices(session)
        self.info.set_choices(categories, staff)
        people = [(p.name, p.id) for p in staff]
        fill_combo(self.sessions.session_recorder, people, empty=self.tr("（未指定）"))
        fill_combo(self.follow_ups.fu_visitor, people, empty=self.tr("（请选择）"))

    def _enable_case_tabs(self, enabled: bool) -> None:
        for index in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(index, enabled)
        for button in self.print_buttons.values():
            button.setEnabled(enabled)

    def start_new(self, data: CaseInput | None = None,
                  applicant: PartyInput | None = None) -> None:
        """An empty (or pre-filled) case to accept."""
        self.case_id = None
        self.detail = None
        data = data or CaseInput(facts="")
        self.pending_applicant = applicant
        self.pending_visit = (data.visit_id, data.referral_id)
        self.number.setText(self.tr("新受理案件"))
        self.title.setText(self.tr("（受理后生成案号）"))
        self.deadline.clear()
        self.info.save_button.setText(self.tr("受理"))
        self.info.fill_info(data)
        self.info.accepted_on.set_value(date.today())
        if applicant is not None:
            self.info.pending_label.setText(self.tr("受理时一并保存申请人：{0}（{1}，{2}）").format(
                applicant.name, mask_id_number(applicant.id_number) or self.tr("无证件号"),
                mask_phone(applicant.phone) or self.tr("无电话")))
            self.info.pending_label.show()
        else:
            self.info.pending_label.hide()
        self.info.show_info_errors({})
        self._show_closed(False)
        self._enable_case_tabs(False)
        self.tabs.setCurrentIndex(0)
        self.status.clear()
        self.info.facts.setFocus()

    def load(self, case_id: int, *, keep: Collection[str] = ()) -> None:
        """Show the saved case ``case_id`` in every tab.

        The forms named in ``keep`` that hold unsaved edits (of this same case)
        are left as typed, with the version they were loaded with.
        """
        with self.database.read() as session:
            detail = mediation.case_detail(session, case_id)
            conflicts = mediation.case_conflicts(session, case_id)
            agreement = mediation.agreement_input(session, case_id)
        kept = {name for name in keep if case_id == self.case_id and self.is_edited(name)}
        if case_id != self.case_id:
            self._loaded_forms.clear()
        self.case_id = case_id
        self.detail = detail
        self.pending_applicant = None
        self.info.pending_label.hide()
        self.info.save_button.setText(self.tr("保存"))
        self._enable_case_tabs(True)
        self.number.setText(detail.case_no)
        self.title.setText(detail.title)
        self._show_deadline(detail)
        if "case" not in kept:
            self.info.fill_info(mediation.case_input(detail))
            self.case_version = detail.version
            self.remember("case")
        self.parties.fill_parties(detail, conflicts)
        self.sessions.fill_sessions(detail, keep_form="session" in kept)
        if "agreement" not in kept:
            self.agreement.fill_agreement(agreement)
            self.agreement.agreement_version = (detail.agreement.version
                                                if detail.agreement else None)
            self.remember("agreement")
        else:
            self.agreement.on_refresh_preview()
        self.agreement.fill_outcome(detail)
        self.follow_ups.fill_follow_ups(detail, keep_form="follow_up" in kept)
        self.judicial.fill_judicial(detail, keep_form="judicial" in kept)
        self.attachments.fill_attachments(detail)
        self._show_closed(detail.is_closed)

    def reload_case(self, saved: str | None = None) -> None:
        """Show the case as saved now; forms with unsaved edits, but ``saved``, stay as typed."""
        if self.case_id is not None:
            self.load(self.case_id, keep=SECTIONS - {saved} if saved else SECTIONS)
        self.changed.emit()

    def _forms(self) -> dict[str, Callable[[], object]]:
        return {"case": self.info.case_form, "agreement": self.agreement.agreement_form,
                "session": self.sessions.session_form, "follow_up": self.follow_ups.follow_up_form,
                "judicial": self.judicial.judicial_form}

    def remember(self, name: str) -> None:
        """Note the form ``name`` as just loaded (unchanged by the user)."""
        self._loaded_forms[name] = self._forms()[name]()

    def is_edited(self, name: str) -> bool:
        """Whether the user changed the form ``name`` since it was loaded."""
        return name in self._loaded_forms and self._forms()[name]() != self._loaded_forms[name]

    def _show_closed(self, closed: bool) -> None:
        """A closed case: its record of the mediation is read-only until reopened."""
        self.closed_banner.setVisible(closed)
        for tab in (self.info, self.parties, self.sessions, self.agreement):
            tab.set_closed(closed)

    def _show_deadline(self, detail: CaseDetail) -> None:
        if detail.outcome:
            text = self.tr("已结案：{0}（{1:%Y-%m-%d}）").format(detail.outcome, detail.closed_on)
            style = "color: #3c3c3c;"
        else:
            left = (detail.due_on - date.today()).days
            if left < 0:
                text = self.tr("已超期 {0} 天（期限 {1:%Y-%m-%d}）").format(-left, detail.due_on)
                style = "color: white; background: #d93025; padding: 3px 8px;"
            else:
                text = self.tr("剩余 {0} 天（期限 {1:%Y-%m-%d}）").format(left, detail.due_on)
                style = "color: #8a4b00;" if left <= 5 else "color: #1e7e34;"
        self.deadline.setText(text)
        self.deadline.setStyleSheet(style)

    def run_save(self, action: Callable[[], object], errors: dict[str, FieldError],
             done: str, *, form: str | None = None) -> bool:
        """Run one save; show the field errors it raises, or ``done`` in the status line.

        A save refused as stale opens the conflict dialog; its 重新载入 refills
        ``form`` (the form that was saved) from the record as it is now.
        """
        try:
            action()
        except StaleEditError as exc:
            self.status.setText(self.tr("未保存：") + str(exc))
            self.show_stale(exc, form)
            return False
        except ValidationError as exc:
            for key, label in errors.items():
                label.show_message(exc.errors.get(key))
            unplaced = [m for k, m in exc.errors.items() if k not in errors]
            self.status.setText(self.tr("未保存：") + "；".join(unplaced or list(
                exc.errors.values())))
            return False
        except NotFoundError as exc:
            dialogs.warn(self, self.tr("未找到"), str(exc))
            return False
        for label in errors.values():
            label.show_message(None)
        self.status.setText(done)
        return True

    def show_stale(self, error: StaleEditError, form: str | None) -> StaleEditDialog:
        """Say what another desk changed; reload ``form`` only when the user asks to."""
        self.last_stale_dialog = open_stale_dialog(self, error, lambda: self.reload_form(form))
        return self.last_stale_dialog

    def reload_form(self, form: str | None) -> None:
        """Replace ``form`` (and every form without unsaved edits) with the saved record."""
        if self.case_id is None:
            return
        self.reload_case(form)
        self.status.setText(self.tr("已重新载入他人保存的内容。"))

    def show_pdf(self, pdf: bytes, title: str, filename: str) -> PdfPreviewDialog:
        dialog = PdfPreviewDialog(pdf=pdf, title=title, suggested_name=filename, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def file_name(self, what: str) -> str:
        number = self.detail.case_no if self.detail else ""
        return f"{what}_{number}.pdf".replace("（", "(").replace("）", ")")

    def show_document(self, document: str) -> PdfPreviewDialog | None:
        if self.detail is None:
            return None
        titles = {"application": "人民调解申请书", "acceptance": "人民调解受理登记表",
                  "rights": "当事人权利义务告知书", "followups": "回访记录",
                  "judicial": "司法确认申请书"}
        try:
            pdf = mediation_documents.print_detail(self.database, self.detail, document)
        except ValidationError as exc:
            dialogs.warn(self, self.tr("无法生成文书"), "；".join(exc.errors.values()))
            return None
        title = self.tr(titles[document])
        return self.show_pdf(pdf, f"{title} {self.detail.case_no}", self.file_name(title))

    def on_print_casefile(self) -> tasks.Task | None:
        """Build the whole 卷宗 off the GUI thread (scans make it slow), then preview it."""
        if self.case_id is None or self.detail is None:
            return None
        database, case_id, case_no = self.database, self.case_id, self.detail.case_no

        def build(progress: tasks.Progress, cancelled: Callable[[], bool]) -> bytes:
            def step(done: int, total: int) -> None:
                if cancelled():
                    raise tasks.TaskCancelled
                progress(done, total)

            return mediation_documents.render_casefile(database, case_id, progress=step)

        def done(pdf: bytes) -> None:
            self.show_pdf(pdf, self.tr("人民调解卷宗 {0}").format(case_no),
                          self.file_name("人民调解卷宗"))

        def failed(exc: BaseException) -> None:
            report_anywhere(exc)
            message = user_message(exc)
            if message is None:
                log.error("case file failed", exc_info=exc)
                message = self.tr("卷宗生成失败，详情见日志。")
            dialogs.warn(self, self.tr("卷宗生成失败"), message)

        self.last_task = tasks.run_with_progress(
            self, self.tr("生成卷宗"), self.tr("正在生成卷宗，请稍候……"), build,
            on_success=done, on_failure=failed)
        return self.last_task

    def _connect_signals(self) -> None:
        self.back_button.clicked.connect(self.back_requested)
        for key, button in self.print_buttons.items():
            if key == "casefile":
                button.clicked.connect(self.on_print_casefile)
            else:
                button.clicked.connect(lambda _=False, k=key: self.show_document(k))
