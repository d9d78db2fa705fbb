"""政策宣传: the admin writes the notices the hall display rotates (系统设置 → 政策宣传…)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.errors import NotFoundError, ValidationError
from desktop.services.reception import notices
from desktop.services.reception.notices import NoticeEntry, NoticeInput
from desktop.views import dialogs
from desktop.views.form_widgets import DateEdit, OptionalDateEdit
from desktop.views.record_list import Record, fill_records, selected_row
from desktop.views.widgets import FieldError, named

FIELDS = ("title", "body", "shown_from", "shown_until")


def state_text(notice: NoticeEntry, today: date) -> str:
    if notice.shown_on(today):
        return "展示中"
    return "未开始" if notice.shown_from > today else "已结束"


class NoticesDialog(QDialog):
    """The list of notices and a form below it: pick one to change or delete, or add one."""

    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.entries: list[NoticeEntry] = []
        self.current_id: int | None = None
        named(self, "notices_dialog", self.tr("政策宣传"))
        self.setWindowTitle(self.tr("政策宣传（叫号屏）"))
        self.resize(860, 640)
        self._add_widgets()
        self._connect_signals()
        self.refresh()
        self.on_new()

    def _add_widgets(self) -> None:
        self.table = named(QTableWidget(0, 3), "notices.table", self.tr("公告列表"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("标题"), self.tr("展示日期"), self.tr("状态")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.title = named(QLineEdit(), "notices.title", self.tr("标题"))
        self.title.setMaxLength(notices.TITLE.max_length)
        self.title.setPlaceholderText(self.tr("例如：有矛盾找调解，调解不收费"))
        self.body = named(QPlainTextEdit(), "notices.body", self.tr("内容"))
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(self.tr("不超过{0}字，叫号屏上轮流展示").format(
            notices.BODY_LIMIT))
        self.shown_from = named(DateEdit(), "notices.shown_from", self.tr("展示开始日期"))
        self.shown_until = named(OptionalDateEdit(empty_text=self.tr("长期")),
                                 "notices.shown_until", self.tr("展示结束日期"))
        self.count = named(QLabel(), "notices.count", self.tr("内容字数"))
        self.errors = {key: FieldError(f"notices.{key}_error") for key in FIELDS}
        self.status = named(QLabel(), "notices.status", self.tr("保存结果"))
        self.new_button = named(QPushButton(self.tr("新增")), "notices.new", self.tr("新增公告"))
        self.save_button = named(QPushButton(self.tr("保存")), "notices.save",
                                 self.tr("保存公告"))
        self.delete_button = named(QPushButton(self.tr("删除")), "notices.delete",
                                   self.tr("删除公告"))
        self.close_button = named(QPushButton(self.tr("关闭")), "notices.close",
                                  self.tr("关闭"))
        form = QFormLayout()
        for key, label, widget in (
            ("title", self.tr("标题"), self.title),
            ("body", self.tr("内容"), self.body),
            ("shown_from", self.tr("展示开始"), self.shown_from),
            ("shown_until", self.tr("展示结束"), self.shown_until),
        ):
            cell = QVBoxLayout()
            cell.addWidget(widget)
            if key == "body":
                cell.addWidget(self.count)
            cell.addWidget(self.errors[key])
            form.addRow(label, cell)
        hint = QLabel(self.tr("叫号屏每隔十几秒换一条，只展示日期范围内的公告；"
                              "展示结束留空（“长期”）表示一直展示到删除或改期。"))
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.new_button, self.delete_button, self.save_button,
                       self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.table.itemSelectionChanged.connect(self.on_selected)
        self.new_button.clicked.connect(self.on_new)
        self.save_button.clicked.connect(self.on_save)
        self.delete_button.clicked.connect(self.on_delete)
        self.close_button.clicked.connect(self.accept)
        self.body.textChanged.connect(self.on_body_changed)

    def refresh(self) -> None:
        with self.database.read() as session:
            self.entries = notices.all_notices(session)
        today = date.today()
        records = []
        for entry in self.entries:
            state = state_text(entry, today)
            records.append(Record(None, [entry.title, entry.period_text, state],
                                  muted=state != "展示中"))
        fill_records(self.table, records)

    def selected(self) -> NoticeEntry | None:
        row = selected_row(self.table)
        return None if row is None else self.entries[row]

    def on_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        self.current_id = entry.id
        self.title.setText(entry.title)
        self.body.setPlainText(entry.body)
        self.shown_from.set_value(entry.shown_from)
        self.shown_until.set_value(entry.shown_until)
        self.delete_button.setEnabled(True)
        self.show_errors({})

    def on_new(self) -> None:
        self.table.clearSelection()
        self.current_id = None
        self.title.clear()
        self.body.clear()
        self.shown_from.set_value(date.today())
        self.shown_until.set_value(None)
        self.delete_button.setEnabled(False)
        self.show_errors({})
        self.title.setFocus()

    def on_body_changed(self) -> None:
        length = len(self.body.toPlainText().strip())
        self.count.setText(self.tr("{0} / {1} 字").format(length, notices.BODY_LIMIT))

    def values(self) -> NoticeInput:
        return NoticeInput(self.title.text(), self.body.toPlainText(),
                           self.shown_from.value(), self.shown_until.value())

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))

    def on_save(self) -> None:
        try:
            with self.database.write() as session:
                saved = notices.save_notice(session, self.current_id, self.values())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            self.status.setText(self.tr("公告未保存：请按提示修改。"))
            return
        except NotFoundError as exc:
            self.status.setText(str(exc))
            self.refresh()
            return
        self.show_errors({})
        self.status.setText(self.tr("公告已保存。"))
        self.refresh()
        for row, entry in enumerate(self.entries):
            if entry.id == saved:
                self.table.selectRow(row)
        self.changed.emit()

    def on_delete(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        if not dialogs.confirm(self, self.tr("删除公告"),
                               self.tr("删除公告“{0}”吗？叫号屏将不再展示。").format(entry.title)):
            return
        try:
            with self.database.write() as session:
                notices.delete_notice(session, entry.id)
        except NotFoundError as exc:
            self.status.setText(str(exc))
        else:
            self.status.setText(self.tr("公告已删除。"))
        self.refresh()
        self.on_new()
        self.changed.emit()
