"""警民联络: hand-overs to and from the police, visits waiting to be taken up, the papers."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.police import documents, handovers, routed
from desktop.services.police.handovers import HandoverInput
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.police.handover_dialog import HandoverDialog
from desktop.views.widgets import filling, named

OVERDUE_BG = QColor("#fde7e7")
OVERDUE_FG = QColor("#b3261e")


class PolicePage(QWidget):
    """The 警民联络室's section: the hand-overs, with overdue replies in red."""

    COLUMNS: ClassVar[list[str]] = [
        "编号", "方向", "类型", "移交时间", "当事人", "事项", "派出所", "民警", "回复期限",
        "回复日期", "关联案号"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_dialog: HandoverDialog | None = None
        self.last_preview: PdfPreviewDialog | None = None
        self.last_pdf = b""
        named(self, "police", self.tr("警民联络"))
        self._add_widgets()
        self._connect_signals()
        self.refresh()

    def _add_widgets(self) -> None:
        self.filter = named(QComboBox(), "police.filter", self.tr("移交筛选"))
        for key, text in handovers.LIST_FILTERS.items():
            self.filter.addItem(self.tr(text), key)
        self.search = named(QLineEdit(), "police.search", self.tr("搜索移交记录"))
        self.search.setPlaceholderText(self.tr("编号、当事人、派出所或民警"))
        self.search.setClearButtonEnabled(True)
        self.new_button = named(QPushButton(self.tr("登记移交")), "police.new",
                                self.tr("直接登记移交"))
        self.open_button = named(QPushButton(self.tr("打开")), "police.open",
                                 self.tr("打开所选移交记录"))
        self.print_handover = named(QPushButton(self.tr("打印移交单")), "police.print_handover",
                                    self.tr("打印移交单"))
        self.print_reply = named(QPushButton(self.tr("打印回执")), "police.print_reply",
                                 self.tr("打印回执"))
        self.summary = named(QLabel(), "police.summary", self.tr("移交统计"))
        self.table = named(QTableWidget(0, len(self.COLUMNS)), "police.table",
                           self.tr("移交记录列表"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.routed = named(QListWidget(), "police.routed", self.tr("待处理的分流来访"))
        self.routed.setWordWrap(True)
        self.take_up = named(QPushButton(self.tr("移交所选来访")), "police.take_up",
                             self.tr("移交所选来访"))

        tools = QHBoxLayout()
        tools.addWidget(self.filter)
        tools.addWidget(self.search, 1)
        for button in (self.open_button, self.print_handover, self.print_reply,
                       self.new_button):
            tools.addWidget(button)
        left = QVBoxLayout()
        left.addLayout(tools)
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        routed_box = QGroupBox(self.tr("分流到警民联络室的来访"))
        routed_layout = QVBoxLayout(routed_box)
        routed_layout.addWidget(self.routed)
        routed_layout.addWidget(self.take_up)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(routed_box)
        right.setMaximumWidth(320)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(right, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        may_edit = auth.may(self.database, "police.edit")
        may_print = auth.may(self.database, "police.print")
        self.new_button.setEnabled(may_edit)
        self.take_up.setVisible(may_edit)
        self.print_handover.setEnabled(may_print)
        self.print_reply.setEnabled(may_print)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self.refresh_list)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh_list)
        self.table.itemDoubleClicked.connect(lambda _item: self.on_open())
        self.open_button.clicked.connect(self.on_open)
        self.new_button.clicked.connect(self.on_new)
        self.take_up.clicked.connect(self.on_take_up)
        self.routed.itemDoubleClicked.connect(lambda _item: self.on_take_up())
        self.print_handover.clicked.connect(lambda: self.print_document("handover"))
        self.print_reply.clicked.connect(lambda: self.print_document("reply"))

    # ------------------------------------------------------------------ lists

    def refresh(self) -> None:
        self.refresh_list()
        self.refresh_routed()

    def refresh_list(self) -> None:
        with self.database.read() as session:
            rows = handovers.handover_list(session, status=self.filter.currentData(),
                                           search=self.search.text())
            counts = handovers.handover_counts(session)
        with filling(self.table):
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                values = [row.handover_no, row.direction, row.kind,
                          f"{row.handed_at:%Y-%m-%d %H:%M}", row.person_name,
                          row.matter.replace("\n", " ")[:60], row.station, row.officer,
                          f"{row.reply_due:%Y-%m-%d}" if row.reply_due else "",
                          f"{row.reply_on:%Y-%m-%d}" if row.reply_on else "", row.case_no]
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c == 0:
                        item.setData(Qt.ItemDataRole.UserRole, row.handover_id)
                    if row.overdue:
                        item.setBackground(OVERDUE_BG)
                        item.setForeground(OVERDUE_FG)
                    self.table.setItem(r, c, item)
        self.summary.setText(self.tr("待回复 {0} 件，其中超期 {1} 件；已回复 {2} 件。").format(
            counts["open"], counts["overdue"], counts["replied"]))

    def refresh_routed(self) -> None:
        with self.database.read() as session:
            visits = routed.routed_visits(session, today=date.today())
        self.routed.clear()
        for visit in visits:
            item = QListWidgetItem(visit.label())
            item.setData(Qt.ItemDataRole.UserRole, visit.visit_id)
            item.setToolTip(visit.summary)
            self.routed.addItem(item)
        self.take_up.setEnabled(bool(visits))

    def selected_id(self) -> int | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    # ------------------------------------------------------------------ editors

    def _open_dialog(self, dialog: HandoverDialog) -> HandoverDialog:
        dialog.saved.connect(lambda _id: self.refresh())
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def on_new(self) -> HandoverDialog:
        data = HandoverInput(kind="移交派出所", matter="", handed_at=datetime.now(), station="",
                             officer_name="", officer_phone="")
        return self._open_dialog(HandoverDialog(database=self.database, data=data,
                                                parent=self))

    def on_take_up(self) -> HandoverDialog | None:
        item = self.routed.currentItem()
        if item is None:
            return None
        with self.database.read() as session:
            data = routed.draft_from_visit(session, item.data(Qt.ItemDataRole.UserRole))
        return self._open_dialog(HandoverDialog(database=self.database, data=data,
                                                parent=self))

    def on_open(self) -> HandoverDialog | None:
        handover_id = self.selected_id()
        if handover_id is None:
            return None
        with self.database.read() as session:
            detail = handovers.handover_detail(session, handover_id)
        dialog = HandoverDialog(database=self.database, data=detail.data,
                                handover_id=handover_id, version=detail.version,
                                handover_no=detail.handover_no, parent=self)
        dialog.save_button.setEnabled(auth.may(self.database, "police.edit"))
        return self._open_dialog(dialog)

    def print_document(self, document: str) -> PdfPreviewDialog | None:
        handover_id = self.selected_id()
        if handover_id is None:
            return None
        pdf = self.last_pdf = documents.render(self.database, document, handover_id)
        title = documents.DOCUMENT_TITLES[document]
        cell = self.table.item(self.table.currentRow(), 0)
        number = cell.text() if cell is not None else ""
        dialog = PdfPreviewDialog(pdf=pdf, title=f"{title} {number}",
                                  suggested_name=f"{title}_{number}.pdf", parent=self)
        self.last_preview = dialog
        dialog.open()
        return dialog
