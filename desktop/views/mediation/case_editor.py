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
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import mediation, reference
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError
from desktop.services.failures import user_message
from desktop.services.mediation import (
    AgreementInput,
    CaseDetail,
    CaseInput,
    FollowUpInput,
    JudicialInput,
    OutcomeInput,
    PartyInput,
    SessionInput,
)
from desktop.services.mediation import documents as mediation_documents
from desktop.services.validation import mask_id_number, mask_phone
from desktop.views import dialogs, tasks
from desktop.views.db_status import report_anywhere
from desktop.views.form_widgets import (
    DateEdit,
    DateTimeEdit,
    OptionalDateEdit,
    fill_combo,
    select_data,
    select_text,
    set_read_only,
)
from desktop.views.mediation.party_dialog import PartyDialog
from desktop.views.pdf_preview import PdfPreview, PdfPreviewDialog
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, named

log = logging.getLogger(__name__)

PREVIEW_DELAY_MS = 400
OUTCOME_CHOICES = [
    ("调解成功（书面协议）", ("调解成功", "written")),
    ("调解成功（口头协议）", ("调解成功", "oral")),
    ("调解不成功", ("调解不成功", None)),
    ("终止调解", ("终止调解", None)),
]
# The forms of the editor, each saved on its own with the version it was loaded with.
SECTIONS = frozenset({"case", "agreement", "session", "follow_up", "judicial"})


def _text_edit(object_name: str, accessible: str, height: int | None = None) -> QPlainTextEdit:
    edit = named(QPlainTextEdit(), object_name, accessible)
    edit.setTabChangesFocus(True)
    if height:
        edit.setMinimumHeight(height)
    return edit


def _cell(widget: QWidget, error: FieldError) -> QVBoxLayout:
    box = QVBoxLayout()
    box.setSpacing(1)
    box.addWidget(widget)
    box.addWidget(error)
    return box


def _table(object_name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(headers)), object_name, accessible)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _set_row(table: QTableWidget, row: int, values: list[str], data: object = None) -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem(value)
        if column == 0:
            item.setData(Qt.ItemDataRole.UserRole, data)
        table.setItem(row, column, item)


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
        self.last_party_dialog: PartyDialog | None = None
        self.last_task: tasks.Task | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        self.session_id: int | None = None
        self.follow_up_id: int | None = None
        # The version of the record each form shows (None: a new record, or none yet).
        self.case_version = 0
        self.agreement_version: int | None = None
        self.session_version: int | None = None
        self.follow_up_version: int | None = None
        self.judicial_version: int | None = None
        # Each form's content as loaded, to tell whether the user has changed it.
        self._loaded_forms: dict[str, object] = {}
        named(self, "case.editor", self.tr("调解案件"))
        self._add_widgets()
        self._connect_signals()
        self.reload_choices()

    # ------------------------------------------------------------------ layout

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
        self.tabs.addTab(self._info_tab(), self.tr("基本信息"))
        self.tabs.addTab(self._parties_tab(), self.tr("当事人"))
        self.tabs.addTab(self._sessions_tab(), self.tr("调解记录"))
        self.tabs.addTab(self._agreement_tab(), self.tr("协议/结果"))
        self.tabs.addTab(self._follow_ups_tab(), self.tr("回访"))
        self.tabs.addTab(self._judicial_tab(), self.tr("司法确认"))
        self.tabs.addTab(self._attachments_tab(), self.tr("附件"))

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(docs)
        layout.addWidget(self.closed_banner)
        layout.addWidget(self.tabs, 1)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)

    def _info_tab(self) -> QWidget:
        page = QWidget()
        self.source = named(QComboBox(), "case.source", self.tr("案件来源"))
        self.source.addItems(mediation.SOURCES)
        self.source_detail = named(QLineEdit(), "case.source_detail", self.tr("来源说明"))
        self.source_detail.setPlaceholderText(self.tr("如：综治中心接待分流、某派出所移交、某法院诉前委派"))
        self.category = named(QComboBox(), "case.category", self.tr("纠纷类别"))
        self.accepted_on = named(DateEdit(), "case.accepted_on", self.tr("受理日期"))
        self.mediators = named(QListWidget(), "case.mediators", self.tr("调解员（可多选）"))
        self.mediators.setMaximumHeight(110)
        self.recorder = named(QComboBox(), "case.recorder", self.tr("记录人"))
        self.facts = _text_edit("case.facts", self.tr("纠纷主要事实"), 110)
        self.matters = _text_edit("case.matters", self.tr("争议事项"), 60)
        self.archive_no = named(QLineEdit(), "case.archive_no", self.tr("卷号"))
        self.archive_no.setPlaceholderText(self.tr("不填则使用案号"))
        self.filed_by = named(QComboBox(), "case.filed_by", self.tr("立卷人"))
        self.filed_on = named(OptionalDateEdit(), "case.filed_on", self.tr("立卷日期"))
        self.retention = named(QComboBox(), "case.retention", self.tr("保管期限"))
        self.retention.addItems(mediation.RETENTION)
        self.pending_label = named(QLabel(), "case.pending_applicant", self.tr("待保存的申请人"))
        self.pending_label.setWordWrap(True)
        self.save_button = named(QPushButton(self.tr("受理")), "case.save", self.tr("受理或保存"))
        self.save_button.setDefault(True)
        self.info_errors = {k: FieldError(f"case.{k}_error")
                            for k in ("facts", "mediators", "source", "category", "visit", "name",
                                      "id_number", "phone")}
        form = QFormLayout()
        form.addRow(self.tr("案件来源"), _cell(self.source, self.info_errors["source"]))
        form.addRow(self.tr("来源说明"), self.source_detail)
        form.addRow(self.tr("纠纷类别"), _cell(self.category, self.info_errors["category"]))
        form.addRow(self.tr("受理日期"), self.accepted_on)
        form.addRow(self.tr("调解员"), _cell(self.mediators, self.info_errors["mediators"]))
        form.addRow(self.tr("记录人"), self.recorder)
        form.addRow(self.tr("纠纷主要事实"), _cell(self.facts, self.info_errors["facts"]))
        form.addRow(self.tr("争议事项"), self.matters)
        archive = QGroupBox(self.tr("立卷（卷宗封面）"))
        grid = QGridLayout(archive)
        grid.addWidget(QLabel(self.tr("卷号")), 0, 0)
        grid.addWidget(self.archive_no, 0, 1)
        grid.addWidget(QLabel(self.tr("保管期限")), 0, 2)
        grid.addWidget(self.retention, 0, 3)
        grid.addWidget(QLabel(self.tr("立卷人")), 1, 0)
        grid.addWidget(self.filed_by, 1, 1)
        grid.addWidget(QLabel(self.tr("立卷日期")), 1, 2)
        grid.addWidget(self.filed_on, 1, 3)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.pending_label)
        for key in ("visit", "name", "id_number", "phone"):
            layout.addWidget(self.info_errors[key])
        layout.addWidget(archive)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _parties_tab(self) -> QWidget:
        page = QWidget()
        self.parties_table = _table("case.parties.table", self.tr("当事人列表"),
                                    [self.tr("身份"), self.tr("类型"), self.tr("姓名/名称"),
                                     self.tr("证件号码"), self.tr("电话"), self.tr("代理人")])
        self.add_applicant = named(QPushButton(self.tr("添加申请人")), "case.parties.add_applicant",
                                   self.tr("添加申请人"))
        self.add_respondent = named(QPushButton(self.tr("添加被申请人")),
                                    "case.parties.add_respondent", self.tr("添加被申请人"))
        self.edit_party = named(QPushButton(self.tr("编辑")), "case.parties.edit",
                                self.tr("编辑所选当事人"))
        self.remove_party = named(QPushButton(self.tr("删除")), "case.parties.remove",
                                  self.tr("删除所选当事人"))
        self.party_conflicts = named(QLabel(), "case.parties.conflicts", self.tr("关联案件提示"))
        self.party_conflicts.setWordWrap(True)
        self.party_conflicts.setTextFormat(Qt.TextFormat.RichText)
        self.party_conflicts.setStyleSheet(
            "QLabel { background: #fff4e5; color: #8a4b00; border: 1px solid #f29900;"
            " padding: 6px; }")
        self.party_conflicts.hide()
        buttons = QHBoxLayout()
        for button in (self.add_applicant, self.add_respondent, self.edit_party,
                       self.remove_party):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.parties_table, 1)
        layout.addWidget(self.party_conflicts)
        return page

    def _sessions_tab(self) -> QWidget:
        page = QWidget()
        self.sessions_list = named(QListWidget(), "case.sessions.list", self.tr("调解记录列表"))
        self.sessions_list.setMaximumWidth(240)
        self.session_held_at = named(DateTimeEdit(), "case.sessions.held_at", self.tr("调解时间"))
        self.session_place = named(QLineEdit(), "case.sessions.place", self.tr("调解地点"))
        self.session_attendees = named(QLineEdit(), "case.sessions.attendees",
                                       self.tr("参加人员"))
        self.session_record = _text_edit("case.sessions.record", self.tr("调解记录内容"), 200)
        self.session_mediator = named(QComboBox(), "case.sessions.mediator",
                                      self.tr("主持本次调解的调解员"))
        self.session_recorder = named(QComboBox(), "case.sessions.recorder",
                                      self.tr("本次调解的记录人"))
        self.session_next = _text_edit("case.sessions.next_steps", self.tr("下一步工作"), 50)
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
        form.addRow(self.tr("时间"), _cell(self.session_held_at, self.session_errors["held_at"]))
        form.addRow(self.tr("地点"), _cell(self.session_place, self.session_errors["place"]))
        form.addRow(self.tr("参加人员"), _cell(self.session_attendees,
                                           self.session_errors["attendees"]))
        form.addRow(self.tr("调解员"), _cell(self.session_mediator,
                                          self.session_errors["mediator"]))
        form.addRow(self.tr("记录人"), _cell(self.session_recorder,
                                          self.session_errors["recorder"]))
        form.addRow(self.tr("记录"), _cell(self.session_record, self.session_errors["record"]))
        form.addRow(self.tr("下一步"), self.session_next)
        buttons = QHBoxLayout()
        for button in (self.session_new, self.session_save, self.session_delete,
                       self.session_print):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        layout = QHBoxLayout(page)
        layout.addWidget(self.sessions_list)
        layout.addLayout(right, 1)
        return page

    def _agreement_tab(self) -> QWidget:
        page = QWidget()
        self.agreement_kind = named(QComboBox(), "agreement.kind", self.tr("协议形式"))
        for key, text in mediation.AGREEMENT_KINDS.items():
            self.agreement_kind.addItem(text, key)
        self.clauses = _text_edit("agreement.clauses", self.tr("协议条款（每行一条）"), 160)
        self.clauses.setPlaceholderText(self.tr("每行一条协议内容，编号（一、二、……）自动生成"))
        self.method = named(QLineEdit(), "agreement.method", self.tr("履行方式"))
        self.place = named(QLineEdit(), "agreement.place", self.tr("履行地点"))
        self.deadline_text = named(QLineEdit(), "agreement.deadline", self.tr("履行期限"))
        self.copies = named(QSpinBox(), "agreement.copies", self.tr("协议份数"))
        self.copies.setRange(0, 50)
        self.copies.setSpecialValueText(self.tr("自动（当事人数 + 1）"))
        self.amount = named(QLineEdit(), "agreement.amount", self.tr("协议涉及金额（元）"))
        self.amount.setPlaceholderText(self.tr("如 3000 或 12000.50，不涉及金额可不填"))
        self.signed_on = named(OptionalDateEdit(), "agreement.signed_on", self.tr("签订日期"))
        self.effective_on = named(OptionalDateEdit(empty_text="同签订日期"),
                                  "agreement.effective_on", self.tr("生效日期"))
        self.agreement_save = named(QPushButton(self.tr("保存协议")), "agreement.save",
                                    self.tr("保存协议"))
        self.agreement_print = named(QPushButton(self.tr("打印协议…")), "agreement.print",
                                     self.tr("预览并打印协议"))
        self.agreement_errors = {k: FieldError(f"agreement.{k}_error")
                                 for k in ("clauses", "copies", "amount", "effective_on", "kind")}
        self.preview = PdfPreview(object_name="agreement.preview")
        self.preview.setMinimumWidth(380)

        form = QFormLayout()
        form.addRow(self.tr("协议形式"), self.agreement_kind)
        form.addRow(self.tr("协议条款"), _cell(self.clauses, self.agreement_errors["clauses"]))
        form.addRow(self.tr("履行方式"), self.method)
        form.addRow(self.tr("履行地点"), self.place)
        form.addRow(self.tr("履行期限"), self.deadline_text)
        form.addRow(self.tr("份数"), _cell(self.copies, self.agreement_errors["copies"]))
        form.addRow(self.tr("涉及金额"), _cell(self.amount, self.agreement_errors["amount"]))
        dates = QHBoxLayout()
        dates.addWidget(self.signed_on)
        dates.addWidget(QLabel(self.tr("生效")))
        dates.addWidget(self.effective_on)
        form.addRow(self.tr("签订日期"), dates)
        form.addRow("", self.agreement_errors["effective_on"])
        agreement_buttons = QHBoxLayout()
        agreement_buttons.addStretch(1)
        agreement_buttons.addWidget(self.agreement_save)
        agreement_buttons.addWidget(self.agreement_print)

        self.outcome = named(QComboBox(), "case.outcome", self.tr("调解结果"))
        for text, data in OUTCOME_CHOICES:
            self.outcome.addItem(self.tr(text), data)
        self.outcome_reason = named(QLineEdit(), "case.outcome_reason",
                                    self.tr("不成功或终止的原因"))
        self.guided_to = named(QComboBox(), "case.guided_to", self.tr("引导途径"))
        self.guided_to.addItem(self.tr("（不适用）"), "")
        for item in mediation.GUIDED_TO:
            self.guided_to.addItem(item, item)
        self.closed_on = named(DateEdit(), "case.closed_on", self.tr("结案日期"))
        self.close_button = named(QPushButton(self.tr("结案")), "case.close", self.tr("结案"))
        self.reopen_button = named(QPushButton(self.tr("重新打开")), "case.reopen",
                                   self.tr("撤销结案，重新打开"))
        self.outcome_errors = {k: FieldError(f"case.{k}_error")
                               for k in ("outcome", "reason", "guided_to", "closed_on")}
        outcome_box = QGroupBox(self.tr("调解结果"))
        outcome_form = QFormLayout(outcome_box)
        outcome_form.addRow(self.tr("结果"), _cell(self.outcome, self.outcome_errors["outcome"]))
        outcome_form.addRow(self.tr("原因"), _cell(self.outcome_reason,
                                                 self.outcome_errors["reason"]))
        outcome_form.addRow(self.tr("引导至"), _cell(self.guided_to,
                                                  self.outcome_errors["guided_to"]))
        outcome_form.addRow(self.tr("结案日期"), _cell(self.closed_on,
                                                   self.outcome_errors["closed_on"]))
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.reopen_button)
        close_row.addWidget(self.close_button)
        outcome_form.addRow(close_row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addLayout(agreement_buttons)
        left_layout.addWidget(outcome_box)
        left_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        return page

    def _follow_ups_tab(self) -> QWidget:
        page = QWidget()
        self.follow_ups_table = _table("case.followups.table", self.tr("回访列表"),
                                       [self.tr("计划日期"), self.tr("回访日期"), self.tr("方式"),
                                        self.tr("回访人"), self.tr("履行情况"), self.tr("满意度")])
        self.fu_planned = named(DateEdit(), "case.followups.planned_on", self.tr("计划回访日期"))
        self.fu_done = named(OptionalDateEdit(empty_text="尚未回访"), "case.followups.done_on",
                             self.tr("回访日期"))
        self.fu_method = named(QComboBox(), "case.followups.method", self.tr("回访方式"))
        self.fu_method.addItems(["", *mediation.FOLLOW_UP_METHODS])
        self.fu_visitor = named(QComboBox(), "case.followups.visitor", self.tr("回访人"))
        self.fu_performance = named(QComboBox(), "case.followups.performance",
                                    self.tr("履行情况"))
        self.fu_performance.addItems(["", *mediation.PERFORMANCE])
        self.fu_satisfaction = named(QComboBox(), "case.followups.satisfaction",
                                     self.tr("当事人满意度"))
        self.fu_satisfaction.addItems(["", *mediation.SATISFACTION])
        self.fu_notes = _text_edit("case.followups.notes", self.tr("回访情况"), 80)
        self.fu_new = named(QPushButton(self.tr("新回访")), "case.followups.new",
                            self.tr("安排新的回访"))
        self.fu_save = named(QPushButton(self.tr("保存回访")), "case.followups.save",
                             self.tr("保存回访"))
        self.fu_print = named(QPushButton(self.tr("打印回访记录")), "case.followups.print",
                              self.tr("预览并打印回访记录"))
        self.fu_errors = {k: FieldError(f"case.followups.{k}_error")
                          for k in ("performance", "satisfaction", "visitor", "done_on", "method")}
        form = QFormLayout()
        form.addRow(self.tr("计划日期"), self.fu_planned)
        form.addRow(self.tr("回访日期"), _cell(self.fu_done, self.fu_errors["done_on"]))
        form.addRow(self.tr("方式"), _cell(self.fu_method, self.fu_errors["method"]))
        form.addRow(self.tr("回访人"), _cell(self.fu_visitor, self.fu_errors["visitor"]))
        form.addRow(self.tr("履行情况"), _cell(self.fu_performance,
                                           self.fu_errors["performance"]))
        form.addRow(self.tr("满意度"), _cell(self.fu_satisfaction,
                                          self.fu_errors["satisfaction"]))
        form.addRow(self.tr("情况"), self.fu_notes)
        buttons = QHBoxLayout()
        for button in (self.fu_new, self.fu_save, self.fu_print):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.follow_ups_table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        return page

    def _judicial_tab(self) -> QWidget:
        page = QWidget()
        self.judicial_deadline = named(QLabel(), "case.judicial.deadline",
                                       self.tr("申请司法确认的期限"))
        self.judicial_deadline.setWordWrap(True)
        self.court = named(QLineEdit(), "case.judicial.court", self.tr("人民法院"))
        self.court.setPlaceholderText(self.tr("如：某某市某某区人民法院"))
        self.applied_on = named(OptionalDateEdit(), "case.judicial.applied_on",
                                self.tr("申请日期"))
        self.judicial_result = named(QComboBox(), "case.judicial.result", self.tr("确认结果"))
        self.judicial_result.addItems(["", *mediation.JUDICIAL_RESULTS])
        self.result_on = named(OptionalDateEdit(), "case.judicial.result_on", self.tr("结果日期"))
        self.judicial_notes = _text_edit("case.judicial.notes", self.tr("备注"), 60)
        self.judicial_save = named(QPushButton(self.tr("保存")), "case.judicial.save",
                                   self.tr("保存司法确认"))
        self.judicial_print = named(QPushButton(self.tr("打印司法确认申请书")),
                                    "case.judicial.print", self.tr("预览并打印司法确认申请书"))
        self.judicial_errors = {k: FieldError(f"case.judicial.{k}_error")
                                for k in ("court", "applied_on", "result")}
        form = QFormLayout()
        form.addRow(self.tr("人民法院"), _cell(self.court, self.judicial_errors["court"]))
        form.addRow(self.tr("申请日期"), _cell(self.applied_on, self.judicial_errors["applied_on"]))
        form.addRow(self.tr("确认结果"), _cell(self.judicial_result,
                                           self.judicial_errors["result"]))
        form.addRow(self.tr("结果日期"), self.result_on)
        form.addRow(self.tr("备注"), self.judicial_notes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.judicial_print)
        buttons.addWidget(self.judicial_save)
        layout = QVBoxLayout(page)
        layout.addWidget(self.judicial_deadline)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _attachments_tab(self) -> QWidget:
        page = QWidget()
        self.attachments_table = _table("case.attachments.table", self.tr("附件列表"),
                                        [self.tr("类别"), self.tr("名称"), self.tr("文件"),
                                         self.tr("大小"), self.tr("添加时间")])
        self.attachment_kind = named(QComboBox(), "case.attachments.kind", self.tr("材料类别"))
        self.attachment_kind.addItems(mediation.ATTACHMENT_KINDS)
        self.attachment_add = named(QPushButton(self.tr("添加扫描件…")), "case.attachments.add",
                                    self.tr("添加扫描件"))
        self.attachment_remove = named(QPushButton(self.tr("删除")), "case.attachments.remove",
                                       self.tr("删除所选附件"))
        self.attachment_view = named(QPushButton(self.tr("查看")), "case.attachments.view",
                                     self.tr("查看所选附件"))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("类别")))
        buttons.addWidget(self.attachment_kind)
        buttons.addWidget(self.attachment_add)
        buttons.addWidget(self.attachment_view)
        buttons.addWidget(self.attachment_remove)
        buttons.addStretch(1)
        note = QLabel(self.tr("身份证明、证据材料、履行凭证等扫描件（PDF、JPG、PNG）"
                              "按类别放入卷宗相应位置。"))
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(self.attachments_table, 1)
        layout.addWidget(note)
        return page

    def _connect_signals(self) -> None:
        self.back_button.clicked.connect(self.back_requested)
        self.save_button.clicked.connect(self.on_save_case)
        self.add_applicant.clicked.connect(lambda: self.on_add_party("申请人"))
        self.add_respondent.clicked.connect(lambda: self.on_add_party("被申请人"))
        self.edit_party.clicked.connect(self.on_edit_party)
        self.parties_table.itemDoubleClicked.connect(lambda _item: self.on_edit_party())
        self.remove_party.clicked.connect(self.on_remove_party)
        self.sessions_list.currentRowChanged.connect(self.on_session_selected)
        self.session_new.clicked.connect(self.on_new_session)
        self.session_save.clicked.connect(self.on_save_session)
        self.session_delete.clicked.connect(self.on_delete_session)
        self.session_print.clicked.connect(self.on_print_session)
        for edit in (self.method, self.place, self.deadline_text, self.amount):
            edit.textChanged.connect(self._preview_timer.start)
        self.clauses.textChanged.connect(self._preview_timer.start)
        self.copies.valueChanged.connect(self._preview_timer.start)
        self.signed_on.dateChanged.connect(self._preview_timer.start)
        self.agreement_kind.currentIndexChanged.connect(self.on_kind_changed)
        self._preview_timer.timeout.connect(self.on_refresh_preview)
        self.agreement_save.clicked.connect(self.on_save_agreement)
        self.agreement_print.clicked.connect(self.on_print_agreement)
        self.outcome.currentIndexChanged.connect(self.on_outcome_changed)
        self.close_button.clicked.connect(self.on_close_case)
        self.reopen_button.clicked.connect(self.on_reopen_case)
        self.follow_ups_table.itemSelectionChanged.connect(self.on_follow_up_selected)
        self.fu_new.clicked.connect(self.on_new_follow_up)
        self.fu_save.clicked.connect(self.on_save_follow_up)
        self.fu_print.clicked.connect(lambda: self.show_document("followups"))
        self.judicial_save.clicked.connect(self.on_save_judicial)
        self.judicial_print.clicked.connect(lambda: self.show_document("judicial"))
        self.attachment_add.clicked.connect(self.on_add_attachment)
        self.attachment_remove.clicked.connect(self.on_remove_attachment)
        self.attachment_view.clicked.connect(self.on_view_attachment)
        self.attachments_table.itemDoubleClicked.connect(lambda _item: self.on_view_attachment())
        for key, button in self.print_buttons.items():
            if key == "casefile":
                button.clicked.connect(self.on_print_casefile)
            else:
                button.clicked.connect(lambda _=False, k=key: self.show_document(k))

    # ------------------------------------------------------------------ loading

    def reload_choices(self) -> None:
        with self.database.read() as session:
            categories = reference.categories(session)
            staff = mediation.staff_choices(session)
        fill_combo(self.category, [(c.name, c.id) for c in categories], empty=self.tr("（请选择）"))
        checked = set(self.checked_mediators())
        self.mediators.clear()
        for person in staff:
            item = QListWidgetItem(person.name + (self.tr("（调解员）")
                                                  if person.mediator else ""))
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in checked
                               else Qt.CheckState.Unchecked)
            self.mediators.addItem(item)
        people = [(p.name, p.id) for p in staff]
        fill_combo(self.recorder, people, empty=self.tr("（未指定）"))
        fill_combo(self.session_recorder, people, empty=self.tr("（未指定）"))
        fill_combo(self.filed_by, people, empty=self.tr("（未指定）"))
        fill_combo(self.fu_visitor, people, empty=self.tr("（请选择）"))

    def checked_mediators(self) -> list[int]:
        ids = []
        for row in range(self.mediators.count()):
            item = self.mediators.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def set_checked_mediators(self, ids: list[int]) -> None:
        for row in range(self.mediators.count()):
            item = self.mediators.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in ids else Qt.CheckState.Unchecked)

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
        self.save_button.setText(self.tr("受理"))
        self._fill_info(data)
        self.accepted_on.set_value(date.today())
        if applicant is not None:
            self.pending_label.setText(self.tr("受理时一并保存申请人：{0}（{1}，{2}）").format(
                applicant.name, mask_id_number(applicant.id_number) or self.tr("无证件号"),
                mask_phone(applicant.phone) or self.tr("无电话")))
            self.pending_label.show()
        else:
            self.pending_label.hide()
        self._show_info_errors({})
        self._show_closed(False)
        self._enable_case_tabs(False)
        self.tabs.setCurrentIndex(0)
        self.status.clear()
        self.facts.setFocus()

    def _fill_info(self, data: CaseInput) -> None:
        select_text(self.source, data.source)
        self.source_detail.setText(data.source_detail)
        select_data(self.category, data.category_id)
        self.set_checked_mediators(data.mediator_ids)
        select_data(self.recorder, data.recorder_id)
        self.facts.setPlainText(data.facts)
        self.matters.setPlainText(data.matters)
        self.archive_no.setText(data.archive_no)
        select_data(self.filed_by, data.filed_by_id)
        self.filed_on.set_value(data.filed_on)
        select_text(self.retention, data.retention)
        if data.accepted_on:
            self.accepted_on.set_value(data.accepted_on)

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
        self.pending_label.hide()
        self.save_button.setText(self.tr("保存"))
        self._enable_case_tabs(True)
        self.number.setText(detail.case_no)
        self.title.setText(detail.title)
        self._show_deadline(detail)
        if "case" not in kept:
            self._fill_info(mediation.case_input(detail))
            self.case_version = detail.version
            self._remember("case")
        self._fill_parties(detail, conflicts)
        self._fill_sessions(detail, keep_form="session" in kept)
        if "agreement" not in kept:
            self._fill_agreement(agreement)
            self.agreement_version = detail.agreement.version if detail.agreement else None
            self._remember("agreement")
        else:
            self.on_refresh_preview()
        self._fill_outcome(detail)
        self._fill_follow_ups(detail, keep_form="follow_up" in kept)
        self._fill_judicial(detail, keep_form="judicial" in kept)
        self._fill_attachments(detail)
        self._show_closed(detail.is_closed)

    def _reload(self, saved: str | None = None) -> None:
        """Show the case as saved now; forms with unsaved edits, but ``saved``, stay as typed."""
        if self.case_id is not None:
            self.load(self.case_id, keep=SECTIONS - {saved} if saved else SECTIONS)
        self.changed.emit()

    def _forms(self) -> dict[str, Callable[[], object]]:
        return {"case": self.case_form, "agreement": self.agreement_form,
                "session": self.session_form, "follow_up": self.follow_up_form,
                "judicial": self.judicial_form}

    def _remember(self, name: str) -> None:
        """Note the form ``name`` as just loaded (unchanged by the user)."""
        self._loaded_forms[name] = self._forms()[name]()

    def is_edited(self, name: str) -> bool:
        """Whether the user changed the form ``name`` since it was loaded."""
        return name in self._loaded_forms and self._forms()[name]() != self._loaded_forms[name]

    def _show_closed(self, closed: bool) -> None:
        """A closed case: its record of the mediation is read-only until reopened."""
        self.closed_banner.setVisible(closed)
        for widget in (self.source, self.source_detail, self.category, self.accepted_on,
                       self.mediators, self.recorder, self.facts, self.matters,
                       self.session_held_at, self.session_place, self.session_attendees,
                       self.session_record, self.session_next, self.session_mediator,
                       self.session_recorder, self.agreement_kind,
                       self.clauses, self.method, self.place, self.deadline_text, self.copies,
                       self.amount, self.signed_on, self.effective_on):
            set_read_only(widget, closed)
        for button in (self.add_applicant, self.add_respondent, self.edit_party,
                       self.remove_party, self.session_new, self.session_save,
                       self.agreement_save):
            button.setEnabled(not closed)
        self.session_delete.setEnabled(not closed and self.session_id is not None)
        self.save_button.setText(self.tr("保存立卷信息") if closed else self.tr("保存"))

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

    def _fill_parties(self, detail: CaseDetail,
                      conflicts: dict[int, list[mediation.Conflict]]) -> None:
        self.parties_table.setRowCount(len(detail.parties))
        for row, p in enumerate(detail.parties):
            number = (p.credit_code or "") if p.is_organisation else mask_id_number(p.id_number)
            agent = f"{p.agent_type or ''} {p.agent_name}" if p.agent_name else ""
            _set_row(self.parties_table, row, [
                p.side, mediation.KINDS[p.kind], p.name, number, mask_phone(p.phone), agent], p.id)
            if p.id in conflicts:
                for column in range(self.parties_table.columnCount()):
                    cell = self.parties_table.item(row, column)
                    if cell is not None:
                        cell.setBackground(QColor("#fff4e5"))
        self.show_party_conflicts(detail, conflicts)

    def show_party_conflicts(self, detail: CaseDetail,
                             conflicts: dict[int, list[mediation.Conflict]]) -> None:
        if not conflicts:
            self.party_conflicts.hide()
            self.party_conflicts.clear()
            return
        names = {p.id: p.name for p in detail.parties}
        lines = [self.tr("{0} 还出现在：{1}").format(
            names.get(pid, ""), "；".join(c.describe() for c in found[:5]))
            for pid, found in conflicts.items()]
        self.party_conflicts.setText(self.tr("关联案件提示：<br>") + "<br>".join(lines))
        self.party_conflicts.show()

    def _fill_sessions(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
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

    def _fill_agreement(self, data: AgreementInput | None) -> None:
        data = data or AgreementInput(clauses=[])
        widgets: list[QWidget] = [self.agreement_kind, self.clauses, self.method, self.place,
                                  self.deadline_text, self.copies, self.amount, self.signed_on,
                                  self.effective_on]
        for widget in widgets:
            widget.blockSignals(True)
        select_data(self.agreement_kind, data.kind)
        self.clauses.setPlainText("\n".join(data.clauses))
        self.method.setText(data.performance_method)
        self.place.setText(data.performance_place)
        self.deadline_text.setText(data.performance_deadline)
        self.copies.setValue(data.copies or 0)
        self.amount.setText(data.amount)
        self.signed_on.set_value(data.signed_on)
        self.effective_on.set_value(data.effective_on if data.effective_on != data.signed_on
                                    else None)
        for widget in widgets:
            widget.blockSignals(False)
        self._show_agreement_errors({})
        self.on_refresh_preview()

    def _fill_outcome(self, detail: CaseDetail) -> None:
        kind = detail.agreement.kind if detail.agreement else "written"
        if detail.outcome == "调解成功":
            select_data(self.outcome, ("调解成功", kind))
        elif detail.outcome:
            select_data(self.outcome, (detail.outcome, None))
        else:
            select_data(self.outcome, ("调解成功", kind))
        self.outcome_reason.setText(detail.outcome_reason or "")
        select_data(self.guided_to, detail.guided_to or "")
        self.closed_on.set_value(detail.closed_on or date.today())
        self.close_button.setEnabled(detail.outcome is None)
        self.reopen_button.setEnabled(detail.outcome is not None)
        self.on_outcome_changed()
        for label in self.outcome_errors.values():
            label.show_message(None)

    def _fill_follow_ups(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
        table = self.follow_ups_table
        table.setRowCount(len(detail.follow_ups))
        today = date.today()
        for row, f in enumerate(detail.follow_ups):
            _set_row(table, row, [
                f"{f.planned_on:%Y-%m-%d}", f"{f.done_on:%Y-%m-%d}" if f.done_on else "",
                f.method or "", f.visitor or "", f.performance or "", f.satisfaction or ""], f.id)
            if f.done_on is None and f.planned_on <= today:
                for column in range(table.columnCount()):
                    cell = table.item(row, column)
                    if cell is not None:
                        cell.setForeground(QColor("#d93025"))
        if keep_form:
            ids = [f.id for f in detail.follow_ups]
            if self.follow_up_id in ids:
                table.blockSignals(True)
                table.selectRow(ids.index(self.follow_up_id))
                table.blockSignals(False)
        else:
            self.on_new_follow_up()

    def _fill_judicial(self, detail: CaseDetail, *, keep_form: bool = False) -> None:
        agreement = detail.agreement
        j = detail.judicial
        if agreement is None or agreement.kind != "written":
            text = self.tr("书面调解协议生效后，双方当事人可以在三十日内共同向人民法院"
                           "申请司法确认。本案尚无书面协议。")
        else:
            effective = agreement.effective_on
            if effective is None:
                text = self.tr("请先在“协议/结果”中填写协议签订日期。")
            else:
                deadline = (j.deadline_on if j and j.deadline_on
                            else mediation.judicial_deadline(effective)) or effective
                left = (deadline - date.today()).days
                state = (self.tr("还剩 {0} 天").format(left) if left >= 0
                         else self.tr("已超过期限 {0} 天").format(-left))
                if j and j.applied_on:
                    state = self.tr("已于 {0:%Y-%m-%d} 申请").format(j.applied_on)
                text = self.tr("协议生效日期 {0:%Y-%m-%d}，申请司法确认的期限为 "
                               "{1:%Y-%m-%d}（{2}）。").format(effective, deadline, state)
        self.judicial_deadline.setText(text)
        can_apply = agreement is not None and agreement.kind == "written"
        for widget in (self.court, self.applied_on, self.judicial_result, self.result_on,
                       self.judicial_notes, self.judicial_save, self.judicial_print):
            widget.setEnabled(can_apply)
        if keep_form:
            return
        self.court.setText(j.court if j else "")
        self.applied_on.set_value(j.applied_on if j else None)
        select_text(self.judicial_result, j.result if j else "")
        self.result_on.set_value(j.result_on if j else None)
        self.judicial_notes.setPlainText(j.notes or "" if j else "")
        self.judicial_version = j.version if j else None
        self._remember("judicial")
        for label in self.judicial_errors.values():
            label.show_message(None)

    def _fill_attachments(self, detail: CaseDetail) -> None:
        table = self.attachments_table
        table.setRowCount(len(detail.attachments))
        for row, a in enumerate(detail.attachments):
            size = f"{a.size / 1024:.0f} KB" if a.size < 1024 * 1024 else \
                f"{a.size / 1024 / 1024:.1f} MB"
            _set_row(table, row, [a.kind, a.title, a.filename, size,
                                  f"{a.added_at:%Y-%m-%d %H:%M}"], a.id)

    # ------------------------------------------------------------------ helpers

    def _run(self, action: Callable[[], object], errors: dict[str, FieldError],
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
        self._reload(form)
        self.status.setText(self.tr("已重新载入他人保存的内容。"))

    def _show_info_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.info_errors.items():
            label.show_message(errors.get(key))

    def _show_agreement_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.agreement_errors.items():
            label.show_message(errors.get(key))

    def case_form(self) -> CaseInput:
        visit_id, referral_id = self.pending_visit if self.case_id is None else (None, None)
        return CaseInput(
            facts=self.facts.toPlainText(), matters=self.matters.toPlainText(),
            source=self.source.currentText(), source_detail=self.source_detail.text(),
            category_id=self.category.currentData(), mediator_ids=self.checked_mediators(),
            recorder_id=self.recorder.currentData(), accepted_on=self.accepted_on.value(),
            visit_id=visit_id, referral_id=referral_id, retention=self.retention.currentText(),
            archive_no=self.archive_no.text(), filed_by_id=self.filed_by.currentData(),
            filed_on=self.filed_on.value(),
        )

    def follow_up_form(self) -> FollowUpInput:
        return FollowUpInput(
            planned_on=self.fu_planned.value(), done_on=self.fu_done.value(),
            method=self.fu_method.currentText(), visitor_id=self.fu_visitor.currentData(),
            performance=self.fu_performance.currentText(),
            satisfaction=self.fu_satisfaction.currentText(), notes=self.fu_notes.toPlainText(),
        )

    def judicial_form(self) -> JudicialInput:
        return JudicialInput(court=self.court.text(), applied_on=self.applied_on.value(),
                             result=self.judicial_result.currentText(),
                             result_on=self.result_on.value(),
                             notes=self.judicial_notes.toPlainText())

    def agreement_form(self) -> AgreementInput:
        return AgreementInput(
            clauses=mediation.clauses_from_text(self.clauses.toPlainText()),
            kind=self.agreement_kind.currentData(), performance_method=self.method.text(),
            performance_place=self.place.text(), performance_deadline=self.deadline_text.text(),
            copies=self.copies.value() or None, amount=self.amount.text(),
            signed_on=self.signed_on.value(), effective_on=self.effective_on.value(),
        )

    def show_pdf(self, pdf: bytes, title: str, filename: str) -> PdfPreviewDialog:
        dialog = PdfPreviewDialog(pdf=pdf, title=title, suggested_name=filename, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_preview = dialog
        dialog.open()
        return dialog

    def _file_name(self, what: str) -> str:
        number = self.detail.case_no if self.detail else ""
        return f"{what}_{number}.pdf".replace("（", "(").replace("）", ")")

    # ------------------------------------------------------------------ slots: case

    def on_save_case(self) -> None:
        data = self.case_form()
        if self.case_id is None:
            applicants = [self.pending_applicant] if self.pending_applicant else []
            try:
                ref = mediation.accept_case(self.database, data, applicants)
            except ValidationError as exc:
                self._show_info_errors(exc.errors)
                # A refusal with no field of its own (the centre is not set up) is said here.
                unplaced = [m for k, m in exc.errors.items() if k not in self.info_errors]
                self.status.setText(self.tr("未受理：") + ("；".join(unplaced) if unplaced
                                                        else self.tr("请按提示修改标红的项目。")))
                return
            log.info("accepted case %s", ref.case_no)
            self._show_info_errors({})
            self.load(ref.case_id)
            self.status.setText(self.tr("已受理，案号 {0}。请补充当事人。").format(ref.case_no))
            self.changed.emit()
            self.tabs.setCurrentIndex(1)
            return
        case_id, version = self.case_id, self.case_version
        if self._run(lambda: mediation.update_case(self.database, case_id, data,
                                                   version=version),
                     self.info_errors, self.tr("基本信息已保存。"), form="case"):
            self._reload("case")

    # ------------------------------------------------------------------ slots: parties

    def selected_party_id(self) -> int | None:
        item = self.parties_table.item(self.parties_table.currentRow(), 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _open_party_dialog(self, side: str, initial: PartyInput | None,
                           save: Callable[[PartyInput, int], mediation.PartyResult], *,
                           version: int = 0,
                           reload: Callable[[], tuple[PartyInput, int]] | None = None,
                           ) -> PartyDialog:
        dialog = PartyDialog(database=self.database, side=side, case_id=self.case_id, save=save,
                             initial=initial, version=version, reload=reload, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.on_party_saved)
        dialog.gone.connect(lambda: self._reload())
        self.last_party_dialog = dialog
        dialog.open()
        return dialog

    def on_add_party(self, side: str) -> PartyDialog | None:
        if self.case_id is None:
            return None
        case_id = self.case_id
        return self._open_party_dialog(
            side, None, lambda data, _version: mediation.add_party(self.database, case_id, data))

    def on_edit_party(self) -> PartyDialog | None:
        party_id = self.selected_party_id()
        if party_id is None:
            return None

        def load() -> tuple[PartyInput, int]:
            with self.database.read() as session:
                return mediation.party_form(session, party_id)

        try:
            initial, version = load()
        except StaleEditError as exc:
            self.show_stale(exc, None)
            return None
        return self._open_party_dialog(
            initial.side, initial,
            lambda data, expected: mediation.update_party(self.database, party_id, data,
                                                          version=expected),
            version=version, reload=load)

    def selected_party(self) -> mediation.PartyData | None:
        party_id = self.selected_party_id()
        parties = self.detail.parties if self.detail else []
        return next((p for p in parties if p.id == party_id), None)

    def on_party_saved(self, result: mediation.PartyResult) -> None:
        self._reload()
        self.status.setText(self.tr("当事人已保存。") + (
            self.tr("注意：该当事人在其他案件中出现过。") if result.conflicts else ""))

    def on_remove_party(self) -> None:
        party = self.selected_party()
        if party is None:
            return
        if not dialogs.confirm(self, self.tr("删除当事人"),
                               self.tr("确定删除当事人{0}吗？").format(party.name)):
            return
        if self._run(lambda: mediation.remove_party(self.database, party.id,
                                                    version=party.version), {},
                     self.tr("当事人已删除。")):
            self._reload()

    # ------------------------------------------------------------------ slots: sessions

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
        self._remember("session")

    def on_new_session(self) -> None:
        self.session_id = None
        self.session_version = None
        self.sessions_list.blockSignals(True)
        self.sessions_list.clearSelection()
        self.sessions_list.setCurrentRow(-1)
        self.sessions_list.blockSignals(False)
        self.session_held_at.set_value(datetime.now().replace(second=0, microsecond=0))
        self.session_place.setText(self.tr("矛盾纠纷调解室"))
        names = [f"{p.side}{p.name}" for p in (self.detail.parties if self.detail else [])]
        names += [f"调解员{n}" for n in (self.detail.mediators if self.detail else [])]
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
        self._remember("session")

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
            ok = self._run(lambda: mediation.add_session(self.database, case_id, data),
                           self.session_errors, self.tr("调解记录已保存。"))
        else:
            ok = self._run(lambda: mediation.update_session(self.database, session_id, data,
                                                            version=version),
                           self.session_errors, self.tr("调解记录已保存。"), form="session")
        if ok:
            self._reload("session")

    def on_delete_session(self) -> None:
        session_id, version = self.session_id, self.session_version
        if session_id is None or version is None:
            return
        if not dialogs.confirm(self, self.tr("删除调解记录"), self.tr("确定删除这次调解记录吗？")):
            return
        if self._run(lambda: mediation.delete_session(self.database, session_id,
                                                      version=version), {},
                     self.tr("调解记录已删除。"), form="session"):
            self._reload("session")

    def on_print_session(self) -> PdfPreviewDialog | None:
        if self.detail is None or self.session_id is None:
            return None
        from desktop.printing.case_documents import render_session_record

        number = [s.id for s in self.detail.sessions].index(self.session_id) + 1
        pdf = render_session_record(self.detail, self.session_id)
        return self.show_pdf(pdf, self.tr("调解记录（第{0}次）").format(number),
                             self._file_name(f"调解记录第{number}次"))

    # ------------------------------------------------------------------ slots: agreement

    def on_kind_changed(self) -> None:
        kind = self.agreement_kind.currentData()
        select_data(self.outcome, ("调解成功", kind))
        self._preview_timer.start()

    def preview_pdf(self) -> bytes | None:
        if self.detail is None:
            return None
        from desktop.printing.agreement import render_agreement, render_oral_agreement

        detail = self.detail.with_agreement(self.agreement_form())
        if self.agreement_kind.currentData() == "oral":
            return render_oral_agreement(detail)
        return render_agreement(detail)

    def on_refresh_preview(self) -> None:
        """Re-render the agreement as typed (debounced) into the preview beside the editor."""
        pdf = self.preview_pdf()
        if pdf is not None:
            self.preview.set_pdf(pdf)

    def on_save_agreement(self) -> bool:
        if self.case_id is None:
            return False
        data, case_id, version = self.agreement_form(), self.case_id, self.agreement_version
        if self._run(lambda: mediation.save_agreement(self.database, case_id, data,
                                                      version=version),
                     self.agreement_errors, self.tr("协议已保存。"), form="agreement"):
            self._reload("agreement")
            return True
        return False

    def on_print_agreement(self) -> PdfPreviewDialog | None:
        """Save the agreement as typed, then show it for printing through the system dialog.

        A closed case prints its agreement as saved.
        """
        if self.detail is None:
            return None
        if not self.detail.is_closed and not self.on_save_agreement():
            return None
        oral = self.agreement_kind.currentData() == "oral"
        document = "oral" if oral else "agreement"
        title = self.tr("口头调解协议登记表") if oral else self.tr("人民调解协议书")
        pdf = mediation_documents.print_detail(self.database, self.detail, document)
        return self.show_pdf(pdf, f"{title} {self.detail.case_no}", self._file_name(title))

    # ------------------------------------------------------------------ slots: outcome

    def on_outcome_changed(self) -> None:
        data = self.outcome.currentData()
        outcome = data[0] if data else ""
        self.outcome_reason.setEnabled(outcome != "调解成功")
        self.guided_to.setEnabled(outcome == "调解不成功")
        if data and data[1] and self.agreement_kind.currentData() != data[1]:
            select_data(self.agreement_kind, data[1])

    def on_close_case(self) -> None:
        if self.case_id is None:
            return
        outcome, _kind = self.outcome.currentData()
        case_id, version = self.case_id, self.agreement_version
        data = OutcomeInput(outcome=outcome, closed_on=self.closed_on.value(),
                            reason=self.outcome_reason.text(),
                            guided_to=self.guided_to.currentData() or "")
        agreement_saved = False

        def close() -> None:
            nonlocal agreement_saved
            if outcome == "调解成功":
                mediation.save_agreement(self.database, case_id, self.agreement_form(),
                                         version=version)
                agreement_saved = True
            mediation.close_case(self.database, case_id, data)

        closed = self._run(close, {**self.outcome_errors, **self.agreement_errors},
                           self.tr("已结案：{0}。").format(outcome), form="agreement")
        if closed or agreement_saved:  # an agreement saved by a refused close shows as saved
            self._reload("agreement")

    def on_reopen_case(self) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id
        if self._run(lambda: mediation.reopen_case(self.database, case_id), {},
                     self.tr("已撤销结案，案件重新办理。")):
            self._reload()

    # ------------------------------------------------------------------ slots: follow-ups

    def on_follow_up_selected(self) -> None:
        row = self.follow_ups_table.currentRow()
        if self.detail is None or row < 0 or row >= len(self.detail.follow_ups):
            return
        f = self.detail.follow_ups[row]
        self.follow_up_id = f.id
        self.follow_up_version = f.version
        self.fu_planned.set_value(f.planned_on)
        self.fu_done.set_value(f.done_on)
        select_text(self.fu_method, f.method)
        select_data(self.fu_visitor, f.visitor_id)
        select_text(self.fu_performance, f.performance)
        select_text(self.fu_satisfaction, f.satisfaction)
        self.fu_notes.setPlainText(f.notes or "")
        self._remember("follow_up")

    def on_new_follow_up(self) -> None:
        self.follow_up_id = None
        self.follow_up_version = None
        self.follow_ups_table.blockSignals(True)
        self.follow_ups_table.clearSelection()
        self.follow_ups_table.blockSignals(False)
        self.fu_planned.set_value(date.today())
        self.fu_done.set_value(None)
        for combo in (self.fu_method, self.fu_performance, self.fu_satisfaction):
            combo.setCurrentIndex(0)
        self.fu_visitor.setCurrentIndex(0)
        self.fu_notes.clear()
        for label in self.fu_errors.values():
            label.show_message(None)
        self._remember("follow_up")

    def on_save_follow_up(self) -> None:
        if self.case_id is None:
            return
        data = self.follow_up_form()
        case_id, follow_up_id, version = self.case_id, self.follow_up_id, self.follow_up_version
        if follow_up_id is None or version is None:
            ok = self._run(lambda: mediation.add_follow_up(self.database, case_id, data),
                           self.fu_errors, self.tr("回访已保存。"))
        else:
            ok = self._run(lambda: mediation.update_follow_up(self.database, follow_up_id, data,
                                                              version=version),
                           self.fu_errors, self.tr("回访已保存。"), form="follow_up")
        if ok:
            self._reload("follow_up")

    # ------------------------------------------------------------------ slots: judicial

    def on_save_judicial(self) -> None:
        if self.case_id is None:
            return
        data, case_id, version = self.judicial_form(), self.case_id, self.judicial_version
        if self._run(lambda: mediation.save_judicial_confirmation(self.database, case_id, data,
                                                                  version=version),
                     self.judicial_errors, self.tr("司法确认信息已保存。"), form="judicial"):
            self._reload("judicial")

    # ------------------------------------------------------------------ slots: attachments

    def on_add_attachment(self) -> None:
        if self.case_id is None:
            return
        path = dialogs.ask_open_path(self, self.tr("添加扫描件"),
                                     self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png)"))
        if path is None:
            return
        case_id, kind = self.case_id, self.attachment_kind.currentText()
        try:
            ok = self._run(lambda: mediation.add_attachment_file(self.database, case_id, path,
                                                                 kind=kind),
                           {}, self.tr("已添加：{0}").format(path.name))
        except OSError as exc:
            dialogs.warn(self, self.tr("无法读取文件"), str(exc))
            return
        if ok:
            self._reload()

    def on_view_attachment(self) -> PdfPreviewDialog | None:
        """Show a scan as it will appear in the case file (an image placed on an A4 page)."""
        item = self.attachments_table.item(self.attachments_table.currentRow(), 0)
        if item is None:
            return None
        from desktop.printing.casefile import attachment_pdf

        with self.database.read() as session:
            data, content = mediation.attachment(session, item.data(Qt.ItemDataRole.UserRole))
        return self.show_pdf(attachment_pdf(data, content), f"{data.kind}：{data.title}",
                             self._file_name(data.title))

    def on_remove_attachment(self) -> None:
        item = self.attachments_table.item(self.attachments_table.currentRow(), 0)
        if item is None:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if not dialogs.confirm(self, self.tr("删除附件"), self.tr("确定删除所选附件吗？")):
            return
        if self._run(lambda: mediation.remove_attachment(self.database, attachment_id), {},
                     self.tr("附件已删除。")):
            self._reload()

    # ------------------------------------------------------------------ documents

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
        return self.show_pdf(pdf, f"{title} {self.detail.case_no}", self._file_name(title))

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
                          self._file_name("人民调解卷宗"))

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
