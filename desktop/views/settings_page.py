"""系统设置: the centre's identity, its staff, rooms and lists, the database of this PC."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import resolve_database_url, save_database_url
from desktop.db import Database
from desktop.services import setup
from desktop.services.connection import database_url_error, shown_url
from desktop.services.errors import ValidationError
from desktop.services.settings import load_settings, save_settings
from desktop.views.audit_dialog import AuditLogDialog
from desktop.views.centre_form import CentreForm
from desktop.views.dictionaries import DictionaryDialog, EntryEditor
from desktop.views.setup_wizard import SetupWizard
from desktop.views.staff_editor import IMPORT_HINT, ListDialog, RoomsEditor, StaffEditor
from desktop.views.widgets import FieldError, named

CENTRE_KEYS = ["centre_name", "centre_address", "centre_phone", "service_hours",
               "committee_name", "committee_short_name", "receipt_paper"]


class SettingsPage(QWidget):
    # The admin changed categories, communities or grids: the forms reload their lists.
    dictionaries_changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "settings", self.tr("系统设置"))
        self._add_widgets()
        self._connect_signals()
        self.load()

    def _add_widgets(self) -> None:
        self.gaps = named(QLabel(), "settings.gaps", self.tr("尚未设置的项目"))
        self.gaps.setWordWrap(True)
        self.gaps.setStyleSheet("color: #8a5a00;")
        self.centre_form = CentreForm(CENTRE_KEYS)
        form = self.centre_form
        self.centre_name, self.centre_phone = form.line("centre_name"), form.line("centre_phone")
        self.centre_address, self.service_hours = (form.line("centre_address"),
                                                   form.line("service_hours"))
        self.committee_name = form.line("committee_name")
        self.committee_short_name = form.line("committee_short_name")
        self.receipt_paper = form.combo("receipt_paper")
        self.errors: dict[str, FieldError] = dict(self.centre_form.errors)
        self.save_button = named(QPushButton(self.tr("保存设置")), "settings.save",
                                 self.tr("保存设置"))
        self.status = named(QLabel(), "settings.status", self.tr("保存结果"))
        centre = QGroupBox(self.tr("中心信息（所有窗口共用）"))
        centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.centre_form)
        centre_buttons = QHBoxLayout()
        centre_buttons.addStretch(1)
        centre_buttons.addWidget(self.save_button)
        centre_layout.addLayout(centre_buttons)

        db_form = QFormLayout()
        choice = resolve_database_url()
        self.database_url = named(QLabel(shown_url(self.database.url)), "settings.database_url",
                                  self.tr("当前数据库"))
        self.database_url.setWordWrap(True)
        self.database_url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        db_form.addRow(self.tr("当前数据库"), self.database_url)
        self.new_database_url = named(QLineEdit(), "settings.new_database_url",
                                      self.tr("本机数据库地址"))
        self.new_database_url.setPlaceholderText(
            "postgresql+psycopg://用户:密码@服务器:5432/zongzhi"
        )
        # The saved address is shown with its password hidden; left as shown, it means
        # the saved address (password included).
        self._saved_url = choice.url if choice.origin == "config" else ""
        if self._saved_url:
            self.new_database_url.setText(shown_url(self._saved_url))
        self.errors["database_url"] = FieldError("settings.database_url_error")
        cell = QVBoxLayout()
        cell.addWidget(self.new_database_url)
        cell.addWidget(self.errors["database_url"])
        db_form.addRow(self.tr("改用数据库"), cell)
        self.check_database_button = named(QPushButton(self.tr("测试连接")),
                                           "settings.check_database", self.tr("测试连接"))
        self.save_database_button = named(QPushButton(self.tr("保存（重启后生效）")),
                                          "settings.save_database",
                                          self.tr("保存数据库地址，重启后生效"))
        self.default_database_button = named(QPushButton(self.tr("恢复本机默认")),
                                             "settings.default_database",
                                             self.tr("恢复使用本机 SQLite 数据库"))
        db_buttons = QHBoxLayout()
        db_buttons.addWidget(self.check_database_button)
        db_buttons.addWidget(self.save_database_button)
        db_buttons.addWidget(self.default_database_button)
        db_buttons.addStretch(1)
        db_form.addRow("", db_buttons)
        note = QLabel(self.tr(
            "单机使用时无需设置。多个窗口共用一台 PostgreSQL 服务器时，在每台电脑上填写同一个"
            "地址并保存，重启程序后生效；也可用环境变量 DESKTOP_DB_URL 或 --db 参数指定。"
        ))
        note.setWordWrap(True)
        db_form.addRow(note)
        if choice.origin in ("option", "environment"):
            self.new_database_url.setEnabled(False)
            self.save_database_button.setEnabled(False)
            self.default_database_button.setEnabled(False)
            note.setText(self.tr("本次启动的数据库由 --db 参数或环境变量 DESKTOP_DB_URL 指定，"
                                 "此处不能修改。"))
        db_box = QGroupBox(self.tr("本机数据库"))
        db_box.setLayout(db_form)

        self.dictionaries_button = named(
            QPushButton(self.tr("事项类别、社区和网格…")), "settings.dictionaries",
            self.tr("字典维护"), self.tr("登记表中的事项类别（含建议分流去向）、社区和网格"))
        self.staff_button = named(QPushButton(self.tr("工作人员…")), "settings.staff",
                                  self.tr("工作人员"), self.tr("姓名、角色、所在室、电话"))
        self.rooms_button = named(QPushButton(self.tr("室和窗口…")), "settings.rooms",
                                  self.tr("室和窗口"), self.tr("各室的名称、位置、是否在用"))
        self.wizard_button = named(QPushButton(self.tr("设置向导…")), "settings.wizard",
                                   self.tr("设置向导"), self.tr("按步骤检查中心的全部设置"))
        self.audit_button = named(QPushButton(self.tr("审计日志…")), "settings.audit",
                                  self.tr("审计日志"),
                                  self.tr("谁在何时、在哪台电脑做了什么；可筛选、导出和校验"))
        lists_box = QGroupBox(self.tr("基础数据"))
        lists_layout = QHBoxLayout(lists_box)
        for button in (self.staff_button, self.rooms_button, self.dictionaries_button,
                       self.wizard_button, self.audit_button):
            lists_layout.addWidget(button)
        hint = QLabel(self.tr("名单也可在“台账统计 → 基础数据导入”中用 Excel 模板批量导入。"))
        hint.setWordWrap(True)
        lists_layout.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.gaps)
        layout.addWidget(centre)
        layout.addWidget(lists_box)
        layout.addWidget(db_box)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.on_save)
        self.check_database_button.clicked.connect(self.on_check_database)
        self.save_database_button.clicked.connect(self.on_save_database)
        self.default_database_button.clicked.connect(self.on_default_database)
        self.dictionaries_button.clicked.connect(self.on_dictionaries)
        self.staff_button.clicked.connect(self.on_staff)
        self.rooms_button.clicked.connect(self.on_rooms)
        self.wizard_button.clicked.connect(self.on_wizard)
        self.audit_button.clicked.connect(self.on_audit_log)

    def on_dictionaries(self) -> DictionaryDialog:
        dialog = DictionaryDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.dictionaries_changed)
        self.dictionary_dialog = dialog
        dialog.open()
        return dialog

    def on_staff(self) -> ListDialog:
        return self._open_list(StaffEditor(database=self.database), self.tr("工作人员"),
                               IMPORT_HINT)

    def on_rooms(self) -> ListDialog:
        return self._open_list(RoomsEditor(database=self.database), self.tr("室和窗口"))

    def _open_list(self, editor: EntryEditor, title: str, hint: str = "") -> ListDialog:
        dialog = ListDialog(editor, title=title, hint=self.tr(hint) if hint else "",
                            parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.dictionaries_changed)
        dialog.changed.connect(self.show_gaps)
        self.list_dialog = dialog
        dialog.open()
        return dialog

    def on_audit_log(self) -> AuditLogDialog:
        dialog = AuditLogDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.audit_dialog = dialog
        dialog.open()
        return dialog

    def on_wizard(self) -> SetupWizard:
        wizard = SetupWizard(database=self.database, parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.changed.connect(self.dictionaries_changed)
        wizard.finished.connect(lambda _result: self.load())
        self.wizard = wizard
        wizard.open()
        return wizard

    def load(self) -> None:
        with self.database.read() as session:
            settings = load_settings(session)
        self.centre_form.load(settings)
        self.show_gaps()

    def show_gaps(self) -> None:
        with self.database.read() as session:
            missing = setup.gaps(session)
        self.gaps.setText(self.tr("尚未设置：") + "；".join(
            f"{gap.text}（{gap.where}）" for gap in missing) if missing else "")
        self.gaps.setVisible(bool(missing))

    def on_save(self) -> None:
        with self.database.read() as session:
            current = load_settings(session)
        settings = self.centre_form.values(current)
        try:
            with self.database.write() as session:
                save_settings(session, settings)
        except ValidationError as exc:
            self.centre_form.show_errors(exc.errors)
            self.status.setText(self.tr("设置未保存。"))
            return
        self.centre_form.show_errors({})
        self.status.setText(self.tr("设置已保存。"))
        self.show_gaps()

    def _checked_database_url(self) -> str | None:
        url = self.new_database_url.text().strip()
        if self._saved_url and url == shown_url(self._saved_url):
            url = self._saved_url
        error = database_url_error(url)
        self.errors["database_url"].show_message(error)
        return None if error else url

    def on_check_database(self) -> None:
        # The status always answers the last button: "设置已保存。" must not stay
        # beside a failed test.
        if self._checked_database_url():
            self.status.setText(self.tr("连接成功。"))
        else:
            self.status.setText(self.tr("连接失败，见数据库地址下的提示。"))

    def on_save_database(self) -> None:
        url = self._checked_database_url()
        if url is None:
            self.status.setText(self.tr("数据库地址未保存。"))
            return
        save_database_url(url)
        self.status.setText(self.tr("数据库地址已保存，重启程序后生效。"))

    def on_default_database(self) -> None:
        save_database_url(None)
        self.new_database_url.clear()
        self.errors["database_url"].show_message(None)
        self.status.setText(self.tr("已恢复使用本机数据库，重启程序后生效。"))
