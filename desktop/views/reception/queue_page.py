"""分流队列: each room's queue, the centre board, escalations, and the hall display.

Room staff pick their room, then call the next visitor (F5),
call anyone out of order, recall, mark a no-show, put on hold, start, finish
with a result, transfer to another room or send on to one more room. The
queue, the board and the escalation list re-read the database every two
seconds, so what other desks do shows up without a push channel. Every step is
recorded under the signed-in account (the services take it from the session).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import reference
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.services.reception import queue
from desktop.services.reception.queue import (
    LEVELS,
    RESULT_NAMES,
    RESULTS,
    STATUS_NAMES,
    QueueRow,
)
from desktop.views import dialogs
from desktop.views.db_status import status_for
from desktop.views.form_widgets import to_qdate
from desktop.views.reception.action_dialog import ActionDialog
from desktop.views.reception.hall_display import HallDisplay
from desktop.views.reception.hall_screen import show_from_desk
from desktop.views.reception.queue_board_tab import BoardTab
from desktop.views.reception.queue_escalations_tab import EscalationsTab
from desktop.views.reception.queue_items import ID_ROLE, read_only_item, risk_item
from desktop.views.widgets import named

log = logging.getLogger(__name__)

POLL_MS = 2000


class QueuePage(QWidget):
    # A visit the room finished with 转入调解立案: the mediation room accepts it next.
    case_requested = Signal(int)

    def __init__(self, *, database: Database, poll_ms: int = POLL_MS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.rows: list[QueueRow] = []
        self.hall: HallDisplay | None = None
        self.active_dialog: ActionDialog | None = None
        named(self, "queue", self.tr("分流队列"))
        self._add_widgets()
        self._connect_signals()
        self.db_status = status_for(database)
        self.db_status.recovered.connect(self.on_recovered)
        # The page may first be opened while the database is away: it then starts empty.
        self._reload_choices_quietly()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.on_poll)
        self.poll_timer.start()
        self.on_poll(force=True)

    # -- building -----------------------------------------------------------------------

    def _add_widgets(self) -> None:
        self.room = named(QComboBox(), "queue.room", self.tr("科室"))
        self.hall_button = named(QPushButton(self.tr("打开叫号屏")), "queue.hall_display",
                                 self.tr("打开叫号屏"), self.tr("在大厅电视上显示叫号（F11 全屏）"))
        self.refreshed = named(QLabel(), "queue.refreshed", self.tr("刷新时间"))
        self.refreshed.setStyleSheet("color: #666;")
        room_label = QLabel(self.tr("科室(&K)"))
        room_label.setBuddy(self.room)
        top = QHBoxLayout()
        top.addWidget(room_label)
        top.addWidget(self.room, 1)
        top.addStretch(1)
        top.addWidget(self.refreshed)
        top.addWidget(self.hall_button)

        self.table = named(QTableWidget(0, 8), "queue.table", self.tr("排队列表"))
        self.table.setHorizontalHeaderLabels([
            self.tr("排队号"), self.tr("姓名"), self.tr("事项类别"), self.tr("风险"),
            self.tr("状态"), self.tr("等候(分)"), self.tr("叫号"), self.tr("备注"),
        ])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.summary = named(QLabel(), "queue.summary", self.tr("队列概况"))

        def button(key: str, text: str, tip: str) -> QPushButton:
            return named(QPushButton(text), f"queue.{key}", text.replace("&", ""), tip)

        self.call_next_button = button("call_next", self.tr("叫下一位 (F5)"),
                                       self.tr("红色风险优先，其余按排队号顺序"))
        self.call_button = button("call", self.tr("叫选中的号"), self.tr("不按顺序叫选中的来访人"))
        self.recall_button = button("recall", self.tr("重呼"), self.tr("再次呼叫已叫的号"))
        self.start_button = button("start", self.tr("开始接待"), self.tr("来访人已到，开始接待"))
        self.hold_button = button("hold", self.tr("暂缓…"), self.tr("暂缓接待并说明原因"))
        self.resume_button = button("resume", self.tr("恢复排队"), self.tr("暂缓的号回到队列"))
        self.no_show_button = button("no_show", self.tr("过号"), self.tr("叫号后未到"))
        self.finish_button = button("finish", self.tr("办结…"), self.tr("结束接待并记录办理结果"))
        self.transfer_button = button("transfer", self.tr("转办…"),
                                      self.tr("转到其他科室，重新取号排队"))
        self.route_button = button("route", self.tr("另派科室…"),
                                   self.tr("同一来访还需到其他科室办理"))
        self.escalate_button = button("escalate", self.tr("上报/移送…"),
                                      self.tr("上报上级或移送职能部门（吹哨报到）"))
        self.action_buttons = [
            self.call_next_button, self.call_button, self.recall_button, self.start_button,
            self.hold_button, self.resume_button, self.no_show_button, self.finish_button,
            self.transfer_button, self.route_button, self.escalate_button,
        ]
        actions = QVBoxLayout()
        for b in self.action_buttons:
            actions.addWidget(b)
        actions.addStretch(1)
        self.message = named(QLabel(), "queue.message", self.tr("操作结果"))
        self.message.setWordWrap(True)

        self.history = named(QTreeWidget(), "queue.history", self.tr("办理轨迹"))
        self.history.setHeaderLabels([self.tr("办理轨迹（转办记录）"), self.tr("时间"),
                                      self.tr("人员"), self.tr("说明")])
        self.history.setColumnWidth(0, 300)
        self.history.setColumnWidth(1, 140)

        queue_left = QWidget()
        left = QVBoxLayout(queue_left)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.summary)
        left.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(queue_left)
        splitter.addWidget(self.history)
        splitter.setSizes([420, 220])
        queue_tab = QWidget()
        queue_layout = QHBoxLayout(queue_tab)
        queue_layout.addWidget(splitter, 1)
        right = QVBoxLayout()
        right.addLayout(actions)
        right.addWidget(self.message)
        queue_layout.addLayout(right)

        self.board_tab = BoardTab(self.database)
        self.escalations_tab = EscalationsTab(self.database, self._open)

        self.tabs = named(QTabWidget(), "queue.tabs", self.tr("分流队列分页"))
        self.tabs.addTab(queue_tab, self.tr("本室队列"))
        self.tabs.addTab(self.board_tab, self.tr("中心看板"))
        self.tabs.addTab(self.escalations_tab, self.tr("上报与移送"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _connect_signals(self) -> None:
        self.room.currentIndexChanged.connect(self.on_room_changed)
        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.hall_button.clicked.connect(self.on_open_hall_display)
        self.call_next_button.clicked.connect(self.on_call_next)
        self.call_button.clicked.connect(lambda: self._simple(queue.call))
        self.recall_button.clicked.connect(lambda: self._simple(queue.recall))
        self.start_button.clicked.connect(lambda: self._simple(queue.start))
        self.resume_button.clicked.connect(lambda: self._simple(queue.resume))
        self.no_show_button.clicked.connect(lambda: self._simple(queue.no_show))
        self.hold_button.clicked.connect(self.on_hold)
        self.finish_button.clicked.connect(self.on_finish)
        self.transfer_button.clicked.connect(self.on_transfer)
        self.route_button.clicked.connect(self.on_route)
        self.escalate_button.clicked.connect(self.on_escalate)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.on_call_next)

    def reload_choices(self) -> None:
        with self.database.read() as session:
            rooms = queue.workable_rooms(session)
        self.room.blockSignals(True)
        self.room.clear()
        for room in rooms:
            self.room.addItem(room.name, room.id)
        self.room.blockSignals(False)
        self.on_room_changed()

    # -- reading --------------------------------------------------------------------------

    @property
    def room_id(self) -> int | None:
        data = self.room.currentData()
        return int(data) if data is not None else None

    @property
    def staff_id(self) -> int | None:
        """None: the services record the signed-in account on every step."""
        return None

    def selected_row(self) -> QueueRow | None:
        items = self.table.selectedItems()
        if not items:
            return None
        referral_id = self._id_at(self.table, items[0].row())
        return next((r for r in self.rows if r.referral_id == referral_id), None)

    def select_referral(self, referral_id: int) -> bool:
        for row in range(self.table.rowCount()):
            if self._id_at(self.table, row) == referral_id:
                self.table.selectRow(row)
                return True
        return False

    @staticmethod
    def _id_at(table: QTableWidget, row: int) -> Any:
        item = table.item(row, 0)
        return item.data(ID_ROLE) if item is not None else None

    def on_room_changed(self, _index: int = 0) -> None:
        self.refresh_queue()

    def _reload_choices_quietly(self) -> None:
        try:
            self.reload_choices()
        except PermissionDenied as exc:
            self.message.setText(str(exc))
        except Exception as exc:
            if not self.db_status.report(exc):
                raise

    def on_recovered(self) -> None:
        """The database is back: fill what could not be read, then refresh."""
        if self.room.count() == 0:
            self._reload_choices_quietly()
        self.on_poll()

    def on_poll(self, force: bool = False) -> None:
        """Refresh from the database, quietly paused while the database is away."""
        if not (force or self.isVisible()) or not self.db_status.ok:
            return
        try:
            self.refresh()
        except PermissionDenied as exc:
            # An account that may not read this tab: say so, and keep polling nothing else.
            self.message.setText(str(exc))
        except Exception as exc:
            if not self.db_status.report(exc):
                raise

    def refresh(self) -> None:
        with self.database.read() as session:
            overdue = queue.overdue_count(session)
        self.tabs.setTabText(2, self.tr("上报与移送（逾期 {0}）").format(overdue) if overdue
                             else self.tr("上报与移送"))
        tab = self.tabs.currentIndex()
        if tab == 0:
            self.refresh_queue()
        elif tab == 1:
            self.board_tab.refresh()
        else:
            self.escalations_tab.refresh()
        self.refreshed.setText(self.tr("已刷新 {0:%H:%M:%S}").format(datetime.now()))

    def refresh_queue(self) -> None:
        room_id = self.room_id
        if room_id is None:
            return
        selected = self.selected_row()
        with self.database.read() as session:
            self.rows = queue.room_queue(session, room_id)
        now = datetime.now()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            name = row.person_name
            if row.visit_type == "集体":
                name += self.tr("（集体{0}人）").format(row.headcount)
            note = row.note
            if row.is_repeat:
                note = self.tr("重复访") + ("；" + note if note else "")
            if row.transferred:
                note = self.tr("转入") + ("；" + note if note else "")
            if row.self_service:
                note = self.tr("自助取号") + ("；" + note if note else "")
            cells = [
                read_only_item(row.ticket_no, row.referral_id), read_only_item(name),
                read_only_item(row.category), risk_item(row.risk_level),
                read_only_item(row.status_name),
                read_only_item(str(row.waiting_minutes(now))),
                read_only_item(str(row.call_count)), read_only_item(note),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(i, column, cell)
            if row.status in ("called", "serving"):
                for column in (0, 4):
                    font = cells[column].font()
                    font.setBold(True)
                    cells[column].setFont(font)
        self.table.blockSignals(False)
        if selected is not None:
            self.select_referral(selected.referral_id)
        waiting = sum(1 for r in self.rows if r.status == "waiting")
        longest = max((r.waiting_minutes(now) for r in self.rows if r.status == "waiting"),
                      default=0)
        self.summary.setText(self.tr("等候 {0} 人，最长已等 {1} 分钟").format(waiting, longest))
        now_selected = self.selected_row()
        self.on_selection_changed(keep_history=selected is not None and now_selected is not None
                                  and selected == now_selected)

    def on_selection_changed(self, keep_history: bool = False) -> None:
        row = self.selected_row()
        allowed = queue.allowed_actions(row.status) if row else set()
        for key, b in (("call", self.call_button), ("recall", self.recall_button),
                       ("start", self.start_button), ("hold", self.hold_button),
                       ("resume", self.resume_button), ("no_show", self.no_show_button),
                       ("finish", self.finish_button), ("transfer", self.transfer_button)):
            b.setEnabled(key in allowed)
        self.route_button.setEnabled(row is not None)
        self.escalate_button.setEnabled(row is not None)
        if not keep_history:
            self.show_history(row.visit_id if row else None)

    def show_history(self, visit_id: int | None) -> None:
        self.history.clear()
        if visit_id is None:
            return
        with self.database.read() as session:
            route = queue.visit_route(session, visit_id)
        head = QTreeWidgetItem([self.tr("{0} {1}").format(route.visit_no, route.person_name)])
        self.history.addTopLevelItem(head)
        for step in route.steps:
            state = STATUS_NAMES.get(step.status, step.status)
            if step.result and step.result in RESULT_NAMES:
                state += "：" + RESULT_NAMES[step.result]
            times = []
            if step.wait_minutes is not None:
                times.append(self.tr("等候{0}分").format(step.wait_minutes))
            if step.serve_minutes is not None:
                times.append(self.tr("接待{0}分").format(step.serve_minutes))
            item = QTreeWidgetItem([
                f"{step.ticket_no} {step.room_name}（{state}）",
                f"{step.created_at:%m-%d %H:%M}", "", "，".join(times),
            ])
            head.addChild(item)
            for event in route.events:
                if event.ticket_no != step.ticket_no or event.room_name != step.room_name:
                    continue
                text = event.reason
                if event.to_room:
                    text = self.tr("转往{0}：{1}").format(event.to_room, event.reason)
                item.addChild(QTreeWidgetItem([
                    event.action_name, f"{event.at:%m-%d %H:%M:%S}", event.staff, text]))
        for esc in route.escalations:
            due = f"{esc.due_date:%Y-%m-%d}" if esc.due_date else ""
            flag = self.tr("（已逾期）") if esc.overdue else ""
            head.addChild(QTreeWidgetItem([
                f"{esc.kind_name}：{esc.target}{flag}", f"{esc.raised_at:%m-%d %H:%M}", "",
                self.tr("期限 {0}；{1}").format(due, esc.reason)]))
        self.history.expandAll()

    # -- actions --------------------------------------------------------------------------

    def _done(self, text: str, referral_id: int | None = None) -> None:
        self.message.setText(text)
        self.refresh_queue()
        if referral_id is not None:
            self.select_referral(referral_id)
        row = self.selected_row()
        self.show_history(row.visit_id if row else None)

    def _failed(self, exc: Exception) -> None:
        text = "；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
        self.message.setText(text)
        dialogs.warn(self, self.tr("操作未完成"), text)
        self.refresh_queue()

    def on_call_next(self) -> None:
        if self.room_id is None or not self.settle_tickets_in_hand():
            return
        try:
            referral = queue.call_next(self.database, self.room_id, staff_id=self.staff_id)
        except (ValidationError, NotFoundError) as exc:
            self._failed(exc)
            return
        if referral is None:
            self.message.setText(self.tr("没有等待的号。"))
            return
        self._done(self.tr("已叫号 {0}").format(referral.ticket_no), referral.id)

    def settle_tickets_in_hand(self) -> bool:
        """Before 叫下一位: this desk's called or serving ticket is ended or kept on purpose.

        True when the next one may be called now. 办结 opens its dialog and calls the
        next one once it is saved; 过号 marks it and asks about the next in hand.
        """
        assert self.room_id is not None
        # This desk's tickets: the ones the signed-in account called (or nobody did).
        actor = self.database.actor
        with self.database.read() as session:
            in_hand = queue.left_behind_by_call_next(
                session, self.room_id, staff_id=actor.staff_id if actor else None)
        if not in_hand:
            return True
        first = in_hand[0]
        listed = "、".join(self.tr("{0} {1}（{2}）").format(t.ticket_no, t.person_name,
                                                         t.status_name) for t in in_hand)
        close = (self.tr("先办结 {0}…") if first.closing_action == "finish"
                 else self.tr("{0} 过号")).format(first.ticket_no)
        answer = dialogs.choose(
            self, self.tr("叫下一位"),
            self.tr("本窗口还有未办结的号：{0}。\n叫下一位之前，要先处理 {1} 吗？").format(
                listed, first.ticket_no),
            [(close, first.closing_action), (self.tr("保留，叫下一位"), "keep")],
            key="in_hand")
        if answer == "keep":
            return True
        if answer is None:
            self.message.setText(self.tr("未叫号：{0} 尚未办结。").format(first.ticket_no))
            return False
        self.refresh_queue()
        if not self.select_referral(first.referral_id):
            self.message.setText(self.tr("{0} 已不在本室队列中，请再按叫下一位。").format(
                first.ticket_no))
            return False
        if answer == "finish":
            dialog = self.on_finish()
            if dialog is not None:
                dialog.accepted.connect(self.on_finished_before_next)
        elif self._simple(queue.no_show):
            self.on_call_next()
        return False

    def on_finished_before_next(self) -> None:
        """办结 asked for by 叫下一位 is saved: call the next one, unless the window went
        on to accept a mediation case (the mediator is busy with it)."""
        if self.isVisible():
            self.on_call_next()

    def _simple(self, action: Callable[..., Any]) -> bool:
        """``action`` on the selected ticket; False when there is none or it was refused."""
        row = self.selected_row()
        if row is None:
            return False
        try:
            referral = action(self.database, row.referral_id, staff_id=self.staff_id)
        except (ValidationError, NotFoundError) as exc:
            self._failed(exc)
            return False
        self._done(self.tr("{0}：{1}").format(
            referral.ticket_no, STATUS_NAMES.get(referral.status, referral.status)), referral.id)
        return True

    def _open(self, dialog: ActionDialog) -> ActionDialog:
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _room_combo(self, exclude: int | None = None) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("（请选择）"), None)
        with self.database.read() as session:
            for room in reference.rooms(session):
                if room.id != exclude:
                    combo.addItem(room.name, room.id)
        return combo

    def on_hold(self) -> None:
        row = self.selected_row()
        if row is None:
            return

        def submit(v: dict[str, Any]) -> None:
            queue.hold(self.database, row.referral_id, v["reason"], staff_id=self.staff_id)
            self._done(self.tr("{0} 已暂缓").format(row.ticket_no), row.referral_id)

        self._open(ActionDialog(key="hold", title=self.tr("暂缓 {0}").format(row.ticket_no),
                                fields=[("reason", self.tr("暂缓原因"), QLineEdit())],
                                submit=submit, parent=self))

    def on_finish(self) -> ActionDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        result = QComboBox()
        result.addItem(self.tr("（请选择）"), None)
        for key, text in RESULTS.items():
            result.addItem(text, key)
        department = QLineEdit()
        due = QDateEdit(to_qdate(date.today() + timedelta(days=7)))
        due.setDisplayFormat("yyyy-MM-dd")
        due.setCalendarPopup(True)
        to_room = self._room_combo(self.room_id)

        def on_result(_i: int) -> None:
            out = result.currentData() == "referred_out"
            department.setEnabled(out)
            due.setEnabled(out)
            to_room.setEnabled(result.currentData() == "transferred")

        result.currentIndexChanged.connect(on_result)
        on_result(0)

        def submit(v: dict[str, Any]) -> None:
            done = queue.finish(self.database, row.referral_id, v["result"] or "",
                                note=v["note"], department=v["department"] or "",
                                due_date=v["due_date"], to_room_id=v["to_room"],
                                staff_id=self.staff_id)
            if done.id != row.referral_id:
                self._done(self.tr("{0} 已转办，新排队号 {1}").format(row.ticket_no,
                                                                   done.ticket_no))
                self.show_history(row.visit_id)
                return
            self._done(self.tr("{0} 已办结：{1}").format(row.ticket_no, RESULTS[v["result"]]),
                       row.referral_id)
            if v["result"] == "case_opened":
                self.case_requested.emit(row.visit_id)

        return self._open(ActionDialog(
            key="finish", title=self.tr("办结 {0}").format(row.ticket_no),
            fields=[("result", self.tr("办理结果"), result),
                    ("note", self.tr("办理情况"), QPlainTextEdit()),
                    ("to_room", self.tr("转往科室"), to_room),
                    ("department", self.tr("移送部门"), department),
                    ("due_date", self.tr("办理期限"), due)],
            submit=submit, parent=self))

    def on_transfer(self) -> None:
        row = self.selected_row()
        if row is None:
            return

        def submit(v: dict[str, Any]) -> None:
            new = queue.transfer(self.database, row.referral_id, v["to_room"], v["reason"],
                                 staff_id=self.staff_id)
            self._done(self.tr("{0} 已转办，新排队号 {1}").format(row.ticket_no, new.ticket_no))
            self.show_history(row.visit_id)

        self._open(ActionDialog(
            key="transfer", title=self.tr("转办 {0}").format(row.ticket_no),
            fields=[("to_room", self.tr("转往科室"), self._room_combo(self.room_id)),
                    ("reason", self.tr("转办原因"), QLineEdit())],
            submit=submit, parent=self))

    def on_route(self) -> None:
        row = self.selected_row()
        if row is None:
            return

        def submit(v: dict[str, Any]) -> None:
            new = queue.route_again(self.database, row.visit_id, v["to_room"], v["reason"],
                                    staff_id=self.staff_id)
            self._done(self.tr("已另派，新排队号 {0}").format(new.ticket_no))
            self.show_history(row.visit_id)

        self._open(ActionDialog(
            key="route", title=self.tr("另派科室（{0}）").format(row.ticket_no),
            fields=[("to_room", self.tr("另派科室"), self._room_combo(self.room_id)),
                    ("reason", self.tr("原因"), QLineEdit())],
            submit=submit, parent=self))

    def on_escalate(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        kind = QComboBox()
        kind.addItem(self.tr("上报上级"), "level")
        kind.addItem(self.tr("移送职能部门（吹哨报到）"), "department")
        level = QComboBox()
        level.addItem(self.tr("（请选择）"), None)
        for key, text in LEVELS.items():
            level.addItem(text, key)
        department = QLineEdit()
        due = QDateEdit(to_qdate(date.today() + timedelta(days=7)))
        due.setDisplayFormat("yyyy-MM-dd")
        due.setCalendarPopup(True)

        def on_kind(_i: int) -> None:
            is_level = kind.currentData() == "level"
            level.setEnabled(is_level)
            department.setEnabled(not is_level)

        kind.currentIndexChanged.connect(on_kind)
        on_kind(0)

        def submit(v: dict[str, Any]) -> None:
            if v["kind"] == "level":
                queue.escalate(self.database, row.visit_id, v["level"] or "", v["reason"],
                               due_date=v["due_date"], staff_id=self.staff_id)
            else:
                queue.refer_to_department(self.database, row.visit_id, v["department"],
                                          v["due_date"], v["reason"], staff_id=self.staff_id)
            self._done(self.tr("{0} 已上报/移送").format(row.ticket_no), row.referral_id)
            self.show_history(row.visit_id)

        self._open(ActionDialog(
            key="escalate", title=self.tr("上报/移送（{0}）").format(row.ticket_no),
            fields=[("kind", self.tr("方式"), kind), ("level", self.tr("上报层级"), level),
                    ("department", self.tr("职能部门"), department),
                    ("due_date", self.tr("办理期限"), due),
                    ("reason", self.tr("事由"), QPlainTextEdit())],
            submit=submit, parent=self))

    def on_open_hall_display(self) -> HallDisplay:
        if self.hall is None:
            self.hall = HallDisplay(database=self.database)
            self.hall.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.hall.destroyed.connect(self.on_hall_closed)
            # The hall screen is its own window: with it in front (on the same PC) the
            # page's F5 would not reach the queue.
            QShortcut(QKeySequence("F5"), self.hall).activated.connect(self.on_call_next)
            show_from_desk(self.hall, self.window().screen())
        else:
            self.hall.show()
        self.hall.raise_()
        return self.hall

    def on_hall_closed(self) -> None:
        self.hall = None

    def stop(self) -> None:
        """Stop polling and close the hall display (the main window is closing)."""
        self.poll_timer.stop()
        if self.hall is not None:
            self.hall.close()
