"""社会组织: referrals of residents (pending ones past due in red), organisations, activities."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services.organisations import activities, directory, referrals
from desktop.services.organisations.referrals import ReferralInput, ReferralRow
from desktop.views.organisations.dialogs import ActivityDialog, OrganisationDialog, ReferralDialog
from desktop.views.page_lists import Listed, PageLists
from desktop.views.record_form import RecordDialog
from desktop.views.record_list import OVERDUE_FG as OVERDUE_FG
from desktop.views.record_list import (
    Record,
    fill_records,
    fill_routed,
    filter_box,
    record_table,
    refresh_when_shown,
    routed_box,
    selected_key,
    tool_row,
)
from desktop.views.widgets import named


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


class OrganisationsPage(QWidget):
    """The 社会组织工作室's section, in three tabs."""

    REFERRAL_COLUMNS: ClassVar[list[str]] = [
        "转介日期", "被转介人", "社会组织", "服务需求", "办理期限", "服务日期", "服务内容", "反馈"]
    ORGANISATION_COLUMNS: ClassVar[list[str]] = [
        "名称", "类型", "提供的服务", "联系人", "联系电话", "容量", "待服务", "活动", "状态"]
    ACTIVITY_COLUMNS: ClassVar[list[str]] = ["日期", "社会组织", "活动名称", "参加人数", "活动情况"]

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.last_dialog: RecordDialog | None = None
        self._referrals: dict[int, ReferralRow] = {}
        self._organisations: dict[int, directory.OrganisationRow] = {}
        named(self, "social", self.tr("社会组织"))
        self._add_widgets()
        self._connect_signals()
        self.lists = PageLists(self, database)
        self.lists.add("referrals", self._referrals_reading, self._show_referrals)
        self.lists.add("routed", self._routed_reading, self._show_routed)
        self.lists.add("organisations", lambda: directory.organisation_list,
                       self._show_organisations)
        self.lists.add("activities", lambda: activities.activity_list, self._show_activities)
        self.lists.later()  # the page opens at once; its lists follow
        refresh_when_shown(self, self.lists.later)

    def _add_widgets(self) -> None:
        self.tabs = named(QTabWidget(), "social.tabs", self.tr("社会组织工作室"))
        # 转介
        self.filter = filter_box("social.filter", self.tr("转介筛选"), {
            key: self.tr(text) for key, text in referrals.LIST_FILTERS.items()})
        self.new_referral = named(QPushButton(self.tr("新增转介")), "social.new_referral",
                                  self.tr("直接登记转介"))
        self.open_referral = named(QPushButton(self.tr("打开")), "social.open_referral",
                                   self.tr("打开所选转介"))
        self.referral_table = record_table("social.referrals", self.tr("转介列表"),
                                           [self.tr(c) for c in self.REFERRAL_COLUMNS],
                                           stretch=3)
        self.summary = named(QLabel(), "social.summary", self.tr("转介统计"))
        self.routed = named(QListWidget(), "social.routed", self.tr("待转介的分流来访"))
        self.routed.setWordWrap(True)
        self.take_up = named(QPushButton(self.tr("转介所选来访")), "social.take_up",
                             self.tr("转介所选来访"))
        left = QVBoxLayout()
        left.addLayout(tool_row([self.filter], None, [self.open_referral, self.new_referral]))
        left.addWidget(self.referral_table, 1)
        left.addWidget(self.summary)
        routed = routed_box(self.tr("分流到社会组织工作室的来访"), self.routed, self.take_up)
        routed.setMaximumWidth(320)
        referral_tab = QWidget()
        referral_layout = QHBoxLayout(referral_tab)
        referral_layout.addLayout(left, 3)
        referral_layout.addWidget(routed, 1)
        # 社会组织
        self.organisation_table = record_table(
            "social.organisations", self.tr("社会组织列表"),
            [self.tr(c) for c in self.ORGANISATION_COLUMNS], stretch=2)
        self.new_organisation = named(QPushButton(self.tr("新增社会组织")),
                                      "social.new_organisation", self.tr("新增社会组织"))
        self.edit_organisation = named(QPushButton(self.tr("修改")), "social.edit_organisation",
                                       self.tr("修改所选社会组织"))
        org_tools = QHBoxLayout()
        org_tools.addStretch(1)
        org_tools.addWidget(self.edit_organisation)
        org_tools.addWidget(self.new_organisation)
        organisation_tab = QWidget()
        org_layout = QVBoxLayout(organisation_tab)
        org_layout.addLayout(org_tools)
        org_layout.addWidget(self.organisation_table, 1)
        # 活动记录
        self.activity_table = record_table("social.activities", self.tr("活动记录"),
                                           [self.tr(c) for c in self.ACTIVITY_COLUMNS],
                                           stretch=4)
        self.new_activity = named(QPushButton(self.tr("登记活动")), "social.new_activity",
                                  self.tr("登记活动"))
        act_tools = QHBoxLayout()
        act_tools.addStretch(1)
        act_tools.addWidget(self.new_activity)
        activity_tab = QWidget()
        act_layout = QVBoxLayout(activity_tab)
        act_layout.addLayout(act_tools)
        act_layout.addWidget(self.activity_table, 1)

        self.tabs.addTab(referral_tab, self.tr("转介"))
        self.tabs.addTab(organisation_tab, self.tr("社会组织"))
        self.tabs.addTab(activity_tab, self.tr("活动记录"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self.refresh_referrals)
        self.new_referral.clicked.connect(self.on_new_referral)
        self.open_referral.clicked.connect(self.on_open_referral)
        self.referral_table.itemDoubleClicked.connect(lambda _i: self.on_open_referral())
        self.take_up.clicked.connect(self.on_take_up)
        self.routed.itemDoubleClicked.connect(lambda _i: self.on_take_up())
        self.new_organisation.clicked.connect(self.on_new_organisation)
        self.edit_organisation.clicked.connect(self.on_edit_organisation)
        self.organisation_table.itemDoubleClicked.connect(lambda _i: self.on_edit_organisation())
        self.new_activity.clicked.connect(self.on_new_activity)

    # ------------------------------------------------------------------ lists

    def refresh(self) -> None:
        self.lists.now()

    def refresh_referrals(self) -> None:
        self.lists.now("referrals")

    def refresh_routed(self) -> None:
        self.lists.now("routed")

    def refresh_organisations(self) -> None:
        self.lists.now("organisations")

    def refresh_activities(self) -> None:
        self.lists.now("activities")

    def _referrals_reading(self) -> Callable[[Session], Listed[ReferralRow]]:
        status, today = self.filter.currentData(), date.today()
        return lambda session: Listed(
            referrals.referral_list(session, status=status, today=today),
            referrals.referral_counts(session))

    def _show_referrals(self, found: Listed[ReferralRow]) -> None:
        rows, counts = found
        self._referrals = {r.referral_id: r for r in rows}
        fill_records(self.referral_table, [
            Record(r.referral_id, [
                _day(r.data.referred_on), r.data.person_name, r.organisation,
                r.data.service_asked.replace("\n", " ")[:50], _day(r.data.due_on),
                _day(r.data.delivered_on), r.data.delivered[:40], r.data.feedback[:30]],
                r.overdue) for r in rows])
        self.summary.setText(self.tr(
            "待服务 {0} 人次，其中超期 {1} 人次；已服务 {2} 人次。").format(
            counts["pending"], counts["overdue"], counts["delivered"]))

    def _routed_reading(self) -> Callable[[Session], list[referrals.RoutedVisit]]:
        today = date.today()
        return lambda session: referrals.routed_visits(session, today=today)

    def _show_routed(self, visits: list[referrals.RoutedVisit]) -> None:
        self.take_up.setEnabled(fill_routed(self.routed, visits))

    def _show_organisations(self, rows: list[directory.OrganisationRow]) -> None:
        self._organisations = {o.organisation_id: o for o in rows}
        fill_records(self.organisation_table, [
            Record(o.organisation_id, [
                o.data.name, o.data.kind, o.data.services.replace("\n", " "),
                o.data.contact_person, o.data.phone,
                "" if o.data.capacity is None else str(o.data.capacity), str(o.pending),
                str(o.activities), self.tr("在用") if o.data.active else self.tr("停用")])
            for o in rows])

    def _show_activities(self, rows: list[activities.ActivityRow]) -> None:
        fill_records(self.activity_table, [
            Record(a.activity_id, [_day(a.held_on), a.organisation, a.title,
                                   str(a.participants), a.notes.replace("\n", " ")])
            for a in rows])

    def organisation_choices(self) -> list[tuple[str, int]]:
        return [(f"{o.data.name}（{o.data.kind}）", o.organisation_id)
                for o in self._organisations.values() if o.data.active]

    # ------------------------------------------------------------------ editors

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.saved.connect(lambda _id: self.refresh())
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def on_take_up(self) -> RecordDialog | None:
        item = self.routed.currentItem()
        if item is None:
            return None
        with self.database.read() as session:
            data = referrals.draft_from_visit(session, item.data(Qt.ItemDataRole.UserRole))
        return self._open(ReferralDialog(database=self.database, data=data,
                                         choices=self.organisation_choices(), parent=self))

    def on_new_referral(self) -> RecordDialog:
        data = ReferralInput(organisation_id=None, person_name="", referred_on=date.today(),
                             service_asked="")
        return self._open(ReferralDialog(database=self.database, data=data,
                                         choices=self.organisation_choices(), parent=self))

    def on_open_referral(self) -> RecordDialog | None:
        row = self._referrals.get(selected_key(self.referral_table) or 0)
        if row is None:
            return None
        choices = self.organisation_choices()
        if all(value != row.data.organisation_id for _t, value in choices):
            choices.append((row.organisation, row.data.organisation_id or 0))
        return self._open(ReferralDialog(database=self.database, data=row.data, choices=choices,
                                         referral_id=row.referral_id, version=row.version,
                                         parent=self))

    def on_new_organisation(self) -> RecordDialog:
        return self._open(OrganisationDialog(database=self.database, parent=self))

    def on_edit_organisation(self) -> RecordDialog | None:
        row = self._organisations.get(selected_key(self.organisation_table) or 0)
        if row is None:
            return None
        return self._open(OrganisationDialog(database=self.database, data=row.data,
                                             organisation_id=row.organisation_id,
                                             version=row.version, parent=self))

    def on_new_activity(self) -> RecordDialog:
        return self._open(ActivityDialog(database=self.database,
                                         choices=self.organisation_choices(),
                                         organisation_id=selected_key(self.organisation_table),
                                         parent=self))
