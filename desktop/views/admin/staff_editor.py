"""工作人员 and 室和窗口: kept in the window by the admin, in the wizard and in 系统设置."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import reference
from desktop.services.admin import staff
from desktop.views.admin.account_panel import AccountPanel
from desktop.views.admin.dictionaries import EntryEditor, reader, writer
from desktop.views.widgets import named


def _tr(text: str) -> str:
    """Translate before the widget exists (the editors name their columns first)."""
    return QCoreApplication.translate("StaffEditor", text)


IMPORT_HINT = "人数多时，可用“台账统计 → 基础数据导入”的工作人员模板一次导入。"


class StaffEditor(EntryEditor):
    """Name, main role, room and phone of each member of staff (every role they hold shows
    in the list; :class:`StaffDialog` sets them)."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        self.role = QComboBox()
        for code, label in staff.ROLE_LABELS.items():
            self.role.addItem(label, code)
        self.room = QComboBox()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("13912345678 或 010-62345678")
        self._database = database
        self.reload_rooms()

        super().__init__(
            key="staff", database=database,
            columns=[_tr("姓名"), _tr("角色"), _tr("所在室"), _tr("电话")],
            load=reader(database, staff.staff_entries),
            cells=lambda e: [e.name, e.role_label, e.room, e.phone],
            save=lambda i, v: writer(database, staff.save_staff)(i, v["name"], v["role"],
                                     v["room_id"], v["phone"], v["active"]),
            extra=[("role", _tr("主要角色"), self.role), ("room_id", _tr("所在室"), self.room),
                   ("phone", _tr("电话"), self.phone)],
            name_label="姓名", parent=parent,
        )

    def reload_rooms(self) -> None:
        """The rooms a person can work in, after the rooms page changed them."""
        chosen = self.room.currentData()
        self.room.clear()
        self.room.addItem(_tr("（不限）"), None)
        with self._database.read() as session:
            for choice in reference.rooms(session):
                self.room.addItem(choice.name, choice.id)
        self.room.setCurrentIndex(max(self.room.findData(chosen), 0))


class RoomsEditor(EntryEditor):
    """Each room and window of the hall: its name, where it is, whether it is in use."""

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        self.location = QLineEdit()
        self.location.setPlaceholderText(_tr("例如：一楼东侧"))

        super().__init__(
            key="rooms", database=database,
            columns=[_tr("名称"), _tr("类型"), _tr("位置"), _tr("叫号前缀")],
            load=reader(database, staff.room_entries),
            cells=lambda e: [e.name, staff.ROOM_KIND_LABELS.get(e.kind, e.kind), e.location,
                             e.ticket_prefix],
            save=lambda i, v: writer(database, staff.save_room)(i, v["name"], v["location"],
                                     v["active"]),
            extra=[("location", _tr("位置"), self.location)], can_add=False,
            parent=parent,
        )


class ListDialog(QDialog):
    """One editor in a dialog of its own, opened from 系统设置 (``side``: a panel beside it)."""

    changed = Signal()

    def __init__(self, editor: EntryEditor, *, title: str, hint: str = "",
                 side: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"{editor.key}_dialog", title)
        self.setWindowTitle(title)
        self.resize(1100 if side else 820, 600 if side else 560)
        self.editor = editor
        close = named(QPushButton(_tr("关闭")), f"{editor.key}.close", _tr("关闭"))
        layout = QVBoxLayout(self)
        if side is None:
            layout.addWidget(editor, 1)
        else:
            row = QHBoxLayout()
            row.addWidget(editor, 3)
            row.addWidget(side, 2)
            layout.addLayout(row, 1)
        bottom = QHBoxLayout()
        if hint:
            bottom.addWidget(QLabel(hint), 1)
        else:
            bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        close.clicked.connect(self.accept)
        editor.changed.connect(self.changed)


class StaffDialog(ListDialog):
    """工作人员 beside the login and roles of the one picked (系统设置 → 工作人员)."""

    def __init__(self, *, database: Database, hint: str = "",
                 parent: QWidget | None = None) -> None:
        self.accounts = AccountPanel(database=database)
        super().__init__(StaffEditor(database=database), title=_tr("工作人员和账号"),
                         hint=hint, side=self.accounts, parent=parent)
        self.editor.table.itemSelectionChanged.connect(self.on_staff_selected)
        # The main role or 启用 changed: the account shows it.
        self.editor.changed.connect(self.on_staff_selected)
        self.accounts.saved.connect(self.on_account_saved)
        self.accounts.saved.connect(self.changed)

    def on_staff_selected(self) -> None:
        entry = self.editor.selected()
        self.accounts.show_staff(entry.id if entry is not None else None)

    def on_account_saved(self, staff_id: int) -> None:
        """The roles column, and the main role in the form (it may have changed with them)."""
        self.editor.refresh()
        for row, entry in enumerate(self.editor.entries):
            if entry.id == staff_id:
                self.editor.table.selectRow(row)
                self.editor.on_selected()
