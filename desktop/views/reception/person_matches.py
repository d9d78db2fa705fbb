"""接待登记's list of earlier visitors: each person found, with their earlier visits."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop.services.reception.matching import EarlierVisit, PersonMatch
from desktop.views.widgets import RISK_COLOURS, RISK_TEXT_COLOURS, named

MATCH_ROLE = Qt.ItemDataRole.UserRole
OPEN_MATTER = QColor("#b3261e")


def visit_text(visit: EarlierVisit, *, short: bool = False) -> str:
    """An earlier visit in a line: in the list, or (``short``) as a 重复访 choice."""
    summary = visit.summary if len(visit.summary) <= 24 else visit.summary[:24] + "…"
    text = f"{visit.visited_at:%Y-%m-%d} {visit.category or '未分类'}：{summary}"
    if short:
        return f"是，同 {visit.visit_no}（{text}）"
    return f"{visit.visit_no}　{text}"


class PersonMatches(QTreeWidget):
    """A person's line, then their visits with the risk in its colours; an open matter in
    red. Enter or a double click on a line emits ``chosen`` (the person, and the visit when
    a visit's line was chosen)."""

    chosen = Signal(object, object)  # PersonMatch, EarlierVisit | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "registration.matches", self.tr("既往来访人"))
        self.setHeaderLabels([self.tr("既往来访人 / 来访记录"), self.tr("风险"),
                              self.tr("办理情况")])
        self.setColumnWidth(0, 600)
        self.setColumnWidth(1, 48)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(120)
        self.itemActivated.connect(self._on_activated)

    def show_found(self, found: list[PersonMatch]) -> None:
        self.clear()
        for match in found:
            item = QTreeWidgetItem([match.summary_line, "",
                                    self.tr("有未结事项") if match.open_count else ""])
            item.setData(0, MATCH_ROLE, (match, None))
            if match.open_count:
                item.setForeground(2, QBrush(OPEN_MATTER))
            for visit in match.visits:
                child = QTreeWidgetItem([visit_text(visit), visit.risk_level, visit.state])
                child.setData(0, MATCH_ROLE, (match, visit))
                child.setBackground(1, QBrush(QColor(RISK_COLOURS.get(visit.risk_level, "#fff"))))
                child.setForeground(1, QBrush(QColor(RISK_TEXT_COLOURS.get(visit.risk_level,
                                                                           "#000"))))
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
                if visit.is_open:
                    child.setForeground(2, QBrush(OPEN_MATTER))
                item.addChild(child)
            self.addTopLevelItem(item)
            item.setExpanded(True)

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        match, visit = item.data(0, MATCH_ROLE)
        self.chosen.emit(match, visit)
