"""当事人: the parties of the case, added and edited through the party dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from desktop.services import mediation
from desktop.services.errors import StaleEditError
from desktop.services.mediation import (
    CaseDetail,
    PartyInput,
)
from desktop.services.validation import mask_id_number, mask_phone
from desktop.views import dialogs
from desktop.views.mediation.case_widgets import CaseTab, set_row, table_widget
from desktop.views.mediation.party_dialog import PartyDialog
from desktop.views.widgets import named

if TYPE_CHECKING:
    from desktop.views.mediation.case_editor import CaseEditor


class PartiesTab(CaseTab):
    """当事人 of the case editor."""

    def __init__(self, editor: CaseEditor) -> None:
        self.last_party_dialog: PartyDialog | None = None
        super().__init__(editor)
        self._build()
        self._connect_signals()

    def _build(self) -> None:
        self.parties_table = table_widget("case.parties.table", self.tr("当事人列表"),
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
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.parties_table, 1)
        layout.addWidget(self.party_conflicts)

    def _connect_signals(self) -> None:
        self.add_applicant.clicked.connect(lambda: self.on_add_party("申请人"))
        self.add_respondent.clicked.connect(lambda: self.on_add_party("被申请人"))
        self.edit_party.clicked.connect(self.on_edit_party)
        self.parties_table.itemDoubleClicked.connect(lambda _item: self.on_edit_party())
        self.remove_party.clicked.connect(self.on_remove_party)

    def fill_parties(self, detail: CaseDetail,
                      conflicts: dict[int, list[mediation.Conflict]]) -> None:
        self.parties_table.setRowCount(len(detail.parties))
        for row, p in enumerate(detail.parties):
            number = (p.credit_code or "") if p.is_organisation else mask_id_number(p.id_number)
            agent = f"{p.agent_type or ''} {p.agent_name}" if p.agent_name else ""
            set_row(self.parties_table, row, [
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

    def set_closed(self, closed: bool) -> None:
        for button in (self.add_applicant, self.add_respondent, self.edit_party,
                       self.remove_party):
            button.setEnabled(not closed)

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
        dialog.gone.connect(lambda: self.editor.reload_case())
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
            self.editor.show_stale(exc, None)
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
        self.editor.reload_case()
        self.editor.status.setText(self.tr("当事人已保存。") + (
            self.tr("注意：该当事人在其他案件中出现过。") if result.conflicts else ""))

    def on_remove_party(self) -> None:
        party = self.selected_party()
        if party is None:
            return
        if not dialogs.confirm(self, self.tr("删除当事人"),
                               self.tr("确定删除当事人{0}吗？").format(party.name)):
            return
        if self.run_save(lambda: mediation.remove_party(self.database, party.id,
                                                    version=party.version), {},
                     self.tr("当事人已删除。")):
            self.editor.reload_case()
