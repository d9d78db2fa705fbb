"""警民联络: hand-overs to and from the police, visits waiting to be taken up, the papers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.police import documents, handovers, routed
from desktop.services.police.handovers import HandoverInput
from desktop.views.page_lists import Listed, PageLists
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.police.handover_dialog import HandoverDialog
from desktop.views.record_list import OVERDUE_FG as OVERDUE_FG
from desktop.views.record_list import (
    Record,
    fill_records,
    fill_routed,
    filter_box,
    record_table,
    refresh_when_shown,
    routed_box,
    search_box,
    search_timer,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named


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
        self.lists = PageLists(self, database)
        self.lists.add("handovers", self._handovers_reading, self._show_handovers)
        self.lists.add("routed", self._routed_reading, self._show_routed)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.filter = filter_box("police.filter", self.tr("移交筛选"), {
            key: self.tr(text) for key, text in handovers.LIST_FILTERS.items()})
        self.search = search_box("police.search", self.tr("搜索移交记录"),
                                 self.tr("编号、当事人、派出所或民警"))
        self.new_button = named(QPushButton(self.tr("登记移交")), "police.new",
                                self.tr("直接登记移交"))
        self.open_button = named(QPushButton(self.tr("打开")), "police.open",
                                 self.tr("打开所选移交记录"))
        self.print_handover = named(QPushButton(self.tr("打印移交单")), "police.print_handover",
                                    self.tr("打印移交单"))
        self.print_reply = named(QPushButton(self.tr("打印回执")), "police.print_reply",
                                 self.tr("打印回执"))
        self.summary = named(QLabel(), "police.summary", self.tr("移交统计"))
        self.table = record_table("police.table", self.tr("移交记录列表"),
                                  [self.tr(c) for c in self.COLUMNS], stretch=5)
        self.routed = named(QListWidget(), "police.routed", self.tr("待处理的分流来访"))
        self.routed.setWordWrap(True)
        self.take_up = named(QPushButton(self.tr("移交所选来访")), "police.take_up",
                             self.tr("移交所选来访"))

        left = QVBoxLayout()
        left.addLayout(tool_row([self.filter], self.search, [
            self.open_button, self.print_handover, self.print_reply, self.new_button]))
        left.addWidget(self.table, 1)
        left.addWidget(self.summary)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(routed_box(self.tr("分流到警民联络室的来访"), self.routed,
                                          self.take_up))
        right.setMaximumWidth(320)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(right, 1)
        self._search_timer = search_timer(self)
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
        self.lists.now()

    def refresh_list(self) -> None:
        self.lists.now("handovers")

    def refresh_routed(self) -> None:
        self.lists.now("routed")

    def _handovers_reading(self) -> Callable[[Session], Listed[handovers.HandoverRow]]:
        status, search = self.filter.currentData(), self.search.text()
        return lambda session: Listed(
            handovers.handover_list(session, status=status, search=search),
            handovers.handover_counts(session))

    def _show_handovers(self, found: Listed[handovers.HandoverRow]) -> None:
        fill_records(self.table, [Record(row.handover_id, [
            row.handover_no, row.direction, row.kind, f"{row.handed_at:%Y-%m-%d %H:%M}",
            row.person_name, row.matter.replace("\n", " ")[:60], row.station, row.officer,
            f"{row.reply_due:%Y-%m-%d}" if row.reply_due else "",
            f"{row.reply_on:%Y-%m-%d}" if row.reply_on else "", row.case_no], row.overdue)
            for row in found.rows])
        counts = found.counts
        self.summary.setText(self.tr("待回复 {0} 件，其中超期 {1} 件；已回复 {2} 件。").format(
            counts["open"], counts["overdue"], counts["replied"]))

    def _routed_reading(self) -> Callable[[Session], list[routed.RoutedVisit]]:
        today = date.today()
        return lambda session: routed.routed_visits(session, today=today)

    def _show_routed(self, visits: list[routed.RoutedVisit]) -> None:
        self.take_up.setEnabled(fill_routed(self.routed, visits))

    def selected_id(self) -> int | None:
        return selected_key(self.table)

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
