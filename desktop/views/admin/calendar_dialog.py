"""工作日历: the admin keeps the holidays (休) and adjusted working weekends (班) of each year.

Time limits count working days in this calendar. The State Council's arrangement of a
year the program ships with is imported with one button; any other year is typed in.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.closure import workdays
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.views import dialogs
from desktop.views.form_widgets import DateEdit
from desktop.views.widgets import FieldError, named

WEEKDAYS = "一二三四五六日"


class CalendarDialog(QDialog):
    """A year's exceptions in a list, a small form to add one, remove, import the shipped year."""

    changed = Signal()

    def __init__(self, *, database: Database, year: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.entries: list[workdays.Exception_] = []
        named(self, "calendar", self.tr("工作日历"))
        self.setWindowTitle(self.tr("工作日历：法定节假日和调休"))
        self.resize(620, 560)
        self.year = named(QSpinBox(), "calendar.year", self.tr("年份"))
        self.year.setRange(2000, 2100)
        self.year.setValue(year or date.today().year)
        self.shipped = named(QPushButton(self.tr("导入国务院放假安排")), "calendar.import",
                             self.tr("导入国务院放假安排"))
        self.table = named(QTableWidget(0, 4), "calendar.table", self.tr("例外日期"))
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("星期"), self.tr("类型"),
                                              self.tr("名称")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.day = named(DateEdit(), "calendar.day", self.tr("日期"))
        self.kind = named(QComboBox(), "calendar.kind", self.tr("类型"))
        for kind, label in workdays.KINDS.items():
            self.kind.addItem(f"{kind}（{label}）", kind)
        self.name = named(QLineEdit(), "calendar.name", self.tr("名称"))
        self.name.setPlaceholderText(self.tr("如：春节"))
        self.error = FieldError("calendar.error")
        self.add_button = named(QPushButton(self.tr("添加")), "calendar.add", self.tr("添加"))
        self.remove_button = named(QPushButton(self.tr("删除所选")), "calendar.remove",
                                   self.tr("删除所选"))
        close = named(QPushButton(self.tr("关闭")), "calendar.close", self.tr("关闭"))
        note = QLabel(self.tr("周一至周五上班、周六周日休息；这里只列例外：放假的工作日（休）"
                              "和调休上班的周末（班）。每年国务院公布次年放假安排后请及时更新。"))
        note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份")))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.shipped)
        form = QFormLayout()
        form.addRow(self.tr("日期"), self.day)
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.shipped.clicked.connect(self.on_import)
        self.add_button.clicked.connect(self.on_add)
        self.remove_button.clicked.connect(self.on_remove)
        close.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        with self.database.read() as session:
            self.entries = workdays.year_exceptions(session, self.year.value())
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            texts = [f"{entry.day:%Y-%m-%d}", self.tr("周") + WEEKDAYS[entry.day.weekday()],
                     f"{entry.kind}（{workdays.KINDS.get(entry.kind, '')}）", entry.name]
            for column, text in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.shipped.setEnabled(self.year.value() in workdays.shipped_years())

    def _write(self, work: object) -> bool:
        try:
            with self.database.write() as session:
                work(session)  # type: ignore[operator]
        except ValidationError as exc:
            self.error.show_message("；".join(exc.errors.values()))
            return False
        except PermissionDenied as exc:
            self.error.show_message(str(exc))
            return False
        self.error.show_message(None)
        self.refresh()
        self.changed.emit()
        return True

    def on_add(self) -> None:
        day, kind, name = self.day.value(), self.kind.currentData(), self.name.text()
        if day.year != self.year.value():
            self.year.setValue(day.year)
        if self._write(lambda s: workdays.set_exception(s, day, kind, name)):
            self.name.clear()

    def on_remove(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows:
            self.error.show_message(self.tr("请先在列表中选择要删除的日期"))
            return
        day = self.entries[min(rows)].day
        self._write(lambda s: workdays.remove_exception(s, day))

    def on_import(self) -> None:
        year = self.year.value()
        if self.entries and not dialogs.confirm(
                self, self.tr("导入放假安排"),
                self.tr("将用国务院公布的 {0} 年放假安排替换本年已有的 {1} 条例外日期，继续吗？")
                .format(year, len(self.entries))):
            return
        self._write(lambda s: workdays.import_shipped(s, year))
