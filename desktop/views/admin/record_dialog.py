"""查找记录: the admin finds one record by its number, then removes it or reveals its numbers.

Both need a reason, which the audit log keeps; the list shows masked numbers only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import privacy
from desktop.services.admin import auth, deletion, record_search
from desktop.services.admin.record_search import FoundRecord
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs
from desktop.views.widgets import FieldError, filling, named

HEADERS = ("类别", "记录", "摘要（号码已遮蔽）")


class RecordsDialog(QDialog):
    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.found: list[FoundRecord] = []
        named(self, "records_dialog", self.tr("查找记录"))
        self.setWindowTitle(self.tr("查找记录：删除或查看完整号码"))
        self.resize(820, 520)
        self._add_widgets()
        self.search_button.clicked.connect(self.on_search)
        self.query.returnPressed.connect(self.on_search)
        self.table.itemSelectionChanged.connect(self._enable)
        self.reveal_button.clicked.connect(self.on_reveal)
        self.delete_button.clicked.connect(self.on_delete)
        self._enable()

    def _add_widgets(self) -> None:
        self.kind = named(QComboBox(), "records.kind", self.tr("记录类别"))
        for key, label in record_search.KINDS.items():
            self.kind.addItem(label, key)
        self.query = named(QLineEdit(), "records.query", self.tr("号码或姓名"))
        self.query.setPlaceholderText(self.tr("身份证号、姓名、受理编号或案号"))
        self.search_button = named(QPushButton(self.tr("查找")), "records.search",
                                   self.tr("查找记录"))
        self.table = named(QTableWidget(0, len(HEADERS)), "records.table",
                           self.tr("找到的记录"))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            len(HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.reason = named(QLineEdit(), "records.reason", self.tr("理由"))
        self.reason.setPlaceholderText(self.tr("例如：本人申请删除个人信息；核对身份"))
        self.reveal_button = named(QPushButton(self.tr("查看完整号码")), "records.reveal",
                                   self.tr("查看完整的身份证号和电话"))
        self.delete_button = named(QPushButton(self.tr("删除")), "records.delete",
                                   self.tr("删除所选记录"))
        self.reveal_button.setVisible(auth.may(self.database, "personal.reveal"))
        self.delete_button.setVisible(auth.may(self.database, "records.delete"))
        self.errors = {key: FieldError(f"records.{key}_error")
                       for key in ("query", "reason", "record")}
        self.outcome = named(QLabel(), "records.outcome", self.tr("结果"))
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        search = QHBoxLayout()
        search.addWidget(self.kind)
        search.addWidget(self.query, 1)
        search.addWidget(self.search_button)
        form = QFormLayout()
        form.addRow(self.tr("理由"), self.reason)
        form.addRow("", self.errors["reason"])
        actions = QHBoxLayout()
        actions.addWidget(self.reveal_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(close.button(QDialogButtonBox.StandardButton.Close), "records.close",
              self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.errors["query"])
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors["record"])
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.outcome)
        layout.addWidget(close)

    # -- reading --------------------------------------------------------------------------

    def selected(self) -> FoundRecord | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        return self.found[rows.pop()] if len(rows) == 1 else None

    def _enable(self) -> None:
        record = self.selected()
        self.reveal_button.setEnabled(record is not None and record.person_id is not None)
        self.delete_button.setEnabled(record is not None)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))

    def _said(self, exc: Exception) -> bool:
        """A refusal, a record gone or changed, the database away: said beside the list."""
        message = user_message(exc)
        if message is not None:
            self._show_errors({"record": message})
        return message is not None

    def on_search(self) -> None:
        self._show_errors({})
        self.outcome.clear()
        try:
            with self.database.read() as session:
                self.found = record_search.find_records(session, self.kind.currentData(),
                                                        self.query.text())
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        except PermissionDenied as exc:
            self._show_errors({"query": str(exc)})
            return
        with filling(self.table):
            self.table.setRowCount(len(self.found))
            for row, record in enumerate(self.found):
                for column, text in enumerate((deletion.KIND_LABELS[record.kind], record.label,
                                               record.details)):
                    self.table.setItem(row, column, QTableWidgetItem(text))
        if len(self.found) == 1:
            self.table.selectRow(0)
        if not self.found:
            self._show_errors({"query": self.tr("没有找到符合的记录（已删除的记录不在此列）")})
        self._enable()

    # -- acting ---------------------------------------------------------------------------

    def on_reveal(self) -> None:
        record = self.selected()
        if record is None or record.person_id is None:
            return
        self._show_errors({})
        try:
            numbers = privacy.reveal_person(self.database, record.person_id, self.reason.text())
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        except Exception as exc:
            if not self._said(exc):
                raise
            return
        missing = self.tr("（未登记）")
        self.outcome.setText(self.tr("{0}：身份证号 {1}；电话 {2}（本次查看已记入审计日志）")
                             .format(numbers.name, numbers.id_number or missing,
                                     numbers.phone or missing))

    def on_delete(self) -> None:
        record = self.selected()
        if record is None:
            return
        self._show_errors({})
        try:  # a missing reason is said before the question, not after it
            deletion.checked_reason(self.reason.text())
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        what = deletion.KIND_LABELS[record.kind]
        also = self.tr("，以及此人的全部来访登记") if record.kind == "person" else ""
        if not dialogs.confirm(self, self.tr("删除记录"),
                               self.tr("删除{0}“{1}”{2}？删除后不再出现在名单、台账和统计中，"
                                       "管理员可在“已删除的记录”中查看。").format(
                                           what, record.label, also)):
            return
        reason = self.reason.text()
        try:
            if record.kind == "person":
                deletion.delete_person(self.database, record.record_id, reason,
                                       version=record.version or 0)
            elif record.kind == "visit":
                deletion.delete_visit(self.database, record.record_id, reason)
            else:
                deletion.delete_case(self.database, record.record_id, reason,
                                     version=record.version or 0)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        except Exception as exc:
            if not self._said(exc):
                raise
            return
        self.reason.clear()
        # The list read again: the removed record has left it.
        self.on_search()
        self._show_errors({})
        self.outcome.setText(self.tr("已删除{0}“{1}”。").format(what, record.label))
