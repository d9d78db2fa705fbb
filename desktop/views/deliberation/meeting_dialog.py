"""A deliberation meeting: date, place, host, participants, matters and follow-up actions.

Matters and actions are rows of two small tables, typed in place; dates of the
actions are typed as 2026-12-10. The meeting is saved whole, or not at all.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.deliberation import meetings
from desktop.services.deliberation.listing import MeetingDetail
from desktop.services.deliberation.meetings import ActionInput, MatterInput, MeetingInput
from desktop.services.errors import StaleEditError, ValidationError
from desktop.views.form_widgets import DateEdit
from desktop.views.widgets import FieldError, named

MATTER_COLUMNS = ["受理编号", "议题", "议定事项"]
ACTION_COLUMNS = ["落实事项", "责任人", "完成期限", "完成日期"]


def _table(name: str, label: str, columns: list[str]) -> QTableWidget:
    table = named(QTableWidget(0, len(columns)), name, label)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


class MeetingDialog(QDialog):
    def __init__(self, *, database: Database, detail: MeetingDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.meeting_id = detail.meeting_id if detail else None
        self.version = detail.version if detail else None
        self.saved_id: int | None = None
        title = self.tr("编辑议事会议") if detail else self.tr("记录议事会议")
        named(self, "meeting", title)
        self.setWindowTitle(title)
        self.resize(860, 760)
        self._add_widgets()
        self._connect_signals()
        if detail is not None:
            self.set_detail(detail)

    def _field(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        self.errors[key] = FieldError(f"meeting.{key}_error")
        layout.addWidget(self.errors[key])
        form.addRow(label, box)

    def _add_widgets(self) -> None:
        self.errors: dict[str, FieldError] = {}
        self.held_on = named(DateEdit(), "meeting.held_on", self.tr("会议日期"))
        self.topic = named(QLineEdit(), "meeting.topic", self.tr("会议主题"))
        self.place = named(QLineEdit(), "meeting.place", self.tr("会议地点"))
        self.host = named(QLineEdit(), "meeting.host", self.tr("主持人"))
        self.participants = named(QPlainTextEdit(), "meeting.participants", self.tr("参会人员"))
        self.participants.setPlaceholderText(
            self.tr("每行一人：姓名（身份），如 钱卫东（居民代表）"))
        self.participants.setMaximumHeight(90)
        self.matter_table = _table("meeting.matters", self.tr("议题"), MATTER_COLUMNS)
        self.add_matter = named(QPushButton(self.tr("添加议题")), "meeting.add_matter",
                                self.tr("添加议题"))
        self.remove_matter = named(QPushButton(self.tr("删除所选议题")), "meeting.remove_matter",
                                   self.tr("删除所选议题"))
        self.action_table = _table("meeting.actions", self.tr("落实事项"), ACTION_COLUMNS)
        self.add_action = named(QPushButton(self.tr("添加落实事项")), "meeting.add_action",
                                self.tr("添加落实事项"))
        self.remove_action = named(QPushButton(self.tr("删除所选事项")), "meeting.remove_action",
                                   self.tr("删除所选落实事项"))
        self.errors["matters"] = FieldError("meeting.matters_error")
        self.errors["actions"] = FieldError("meeting.actions_error")
        self.message = FieldError("meeting.message")
        self.buttons = named(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                              | QDialogButtonBox.StandardButton.Cancel),
                             "meeting.buttons", self.tr("保存或取消"))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("保存"))
        named(save, "meeting.save", self.tr("保存"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("取消"))
        named(cancel, "meeting.cancel", self.tr("取消"))

        form = QFormLayout()
        self._field(form, self.tr("会议日期"), self.held_on, "held_on")
        self._field(form, self.tr("会议主题"), self.topic, "topic")
        self._field(form, self.tr("会议地点"), self.place, "place")
        self._field(form, self.tr("主持人"), self.host, "host")
        self._field(form, self.tr("参会人员"), self.participants, "participants")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for label, table, add, remove, key in (
                (self.tr("议题（可填受理编号关联来访）"), self.matter_table, self.add_matter,
                 self.remove_matter, "matters"),
                (self.tr("落实事项（日期如 2026-12-10）"), self.action_table, self.add_action,
                 self.remove_action, "actions")):
            row = QHBoxLayout()
            row.addWidget(QLabel(label), 1)
            row.addWidget(add)
            row.addWidget(remove)
            layout.addLayout(row)
            layout.addWidget(table, 1)
            layout.addWidget(self.errors[key])
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _connect_signals(self) -> None:
        self.add_matter.clicked.connect(lambda: self.add_matter_row())
        self.remove_matter.clicked.connect(lambda: self._remove(self.matter_table))
        self.add_action.clicked.connect(lambda: self.add_action_row())
        self.remove_action.clicked.connect(lambda: self._remove(self.action_table))
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)

    # -- rows ------------------------------------------------------------------------------

    def add_matter_row(self, visit_no: str = "", subject: str = "", decision: str = "",
                       matter_id: int | None = None, hidden: bool = False) -> int:
        row = self.matter_table.rowCount()
        self.matter_table.insertRow(row)
        for column, value in enumerate((visit_no, subject, decision)):
            item = QTableWidgetItem(value)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, matter_id)
            if hidden:  # confidential: shown masked, kept as stored
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.matter_table.setItem(row, column, item)
        return row

    def add_action_row(self, task: str = "", owner: str = "", due_on: date | None = None,
                       done_on: date | None = None) -> int:
        row = self.action_table.rowCount()
        self.action_table.insertRow(row)
        for column, value in enumerate((task, owner, f"{due_on:%Y-%m-%d}" if due_on else "",
                                        f"{done_on:%Y-%m-%d}" if done_on else "")):
            self.action_table.setItem(row, column, QTableWidgetItem(value))
        return row

    def _remove(self, table: QTableWidget) -> None:
        if table.currentRow() >= 0:
            table.removeRow(table.currentRow())

    def set_detail(self, detail: MeetingDetail) -> None:
        self.held_on.set_value(detail.held_on)
        self.topic.setText(detail.topic)
        self.place.setText(detail.place)
        self.host.setText(detail.host)
        self.participants.setPlainText(detail.participants)
        for m in detail.matters:
            self.add_matter_row(m.visit_no, m.subject, m.decision, m.matter_id, m.hidden)
        for a in detail.actions:
            self.add_action_row(a.task, a.owner, a.due_on, a.done_on)

    def input(self) -> MeetingInput:
        """The form as the service takes it; a date that cannot be read is refused here."""
        matters = []
        for row in range(self.matter_table.rowCount()):
            values = [_text(self.matter_table, row, c) for c in range(3)]
            first = self.matter_table.item(row, 0)
            matter_id = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
            if any(values) or matter_id is not None:
                matters.append(MatterInput(values[1], values[2], values[0], matter_id))
        actions: list[ActionInput] = []
        problems: dict[str, str] = {}
        for row in range(self.action_table.rowCount()):
            values = [_text(self.action_table, row, c) for c in range(4)]
            if not any(values):
                continue
            dates: list[date | None] = []
            for column, label in ((2, "完成期限"), (3, "完成日期")):
                try:
                    dates.append(date.fromisoformat(values[column]) if values[column] else None)
                except ValueError:
                    problems[f"actions.{len(actions)}"] = (
                        f"第{len(actions) + 1}项落实事项：{label}应写成 2026-12-10 的形式")
                    dates.append(None)
            if dates[0] is None and f"actions.{len(actions)}" not in problems:
                problems[f"actions.{len(actions)}"] = (
                    f"第{len(actions) + 1}项落实事项：请填写完成期限")
            actions.append(ActionInput(values[0], values[1], dates[0] or date.min, dates[1]))
        if problems:
            raise ValidationError(problems)
        return MeetingInput(self.held_on.value(), self.place.text(), self.host.text(),
                            self.participants.toPlainText(), self.topic.text(), matters, actions)

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            if key in ("matters", "actions"):
                label.show_message("；".join(m for k, m in errors.items()
                                            if k == key or k.startswith(key + ".")))
            else:
                label.show_message(errors.get(key))
        known = set(self.errors)
        self.message.show_message("；".join(
            m for k, m in errors.items() if k.split(".")[0] not in known))

    def on_save(self) -> None:
        try:
            self.saved_id = meetings.save_meeting(self.database, self.input(),
                                                  meeting_id=self.meeting_id,
                                                  version=self.version)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except StaleEditError as exc:
            self.show_errors({})
            self.message.show_message(str(exc))
            return
        self.accept()
