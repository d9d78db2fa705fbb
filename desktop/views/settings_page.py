"""系统设置: the centre's name and phone, the committee, the receipt paper, the database."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from desktop.services.connection import database_url_error, shown_url
from desktop.services.errors import ValidationError
from desktop.services.settings import PAPER_SIZES, CentreSettings, load_settings, save_settings
from desktop.views.dictionaries import DictionaryDialog
from desktop.views.widgets import FieldError, named

# The fields of the centre form whose errors show beside them.
FORM_ERRORS = ("centre_name", "centre_phone", "committee_short_name", "receipt_paper")


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
        self.centre_name = named(QLineEdit(), "settings.centre_name", self.tr("中心名称"))
        self.centre_phone = named(QLineEdit(), "settings.centre_phone", self.tr("中心电话"))
        self.centre_address = named(QLineEdit(), "settings.centre_address", self.tr("中心地址"))
        self.committee_name = named(QLineEdit(), "settings.committee_name",
                                    self.tr("人民调解委员会名称"))
        self.committee_short_name = named(QLineEdit(), "settings.committee_short_name",
                                          self.tr("调委会简称（用于案号）"))
        self.receipt_paper = named(QComboBox(), "settings.receipt_paper", self.tr("回执纸张"))
        for key, text in PAPER_SIZES.items():
            self.receipt_paper.addItem(text, key)
        self.errors = {key: FieldError(f"settings.{key}_error")
                       for key in FORM_ERRORS}
        self.save_button = named(QPushButton(self.tr("保存设置")), "settings.save",
                                 self.tr("保存设置"))
        self.status = named(QLabel(), "settings.status", self.tr("保存结果"))

        form = QFormLayout()
        fields: list[tuple[str, QWidget, str | None]] = [
            (self.tr("中心名称"), self.centre_name, "centre_name"),
            (self.tr("中心电话"), self.centre_phone, "centre_phone"),
            (self.tr("中心地址"), self.centre_address, None),
            (self.tr("人民调解委员会"), self.committee_name, None),
            (self.tr("调委会简称"), self.committee_short_name, "committee_short_name"),
            (self.tr("回执纸张"), self.receipt_paper, "receipt_paper"),
        ]
        for label, widget, error_key in fields:
            if error_key:
                cell = QVBoxLayout()
                cell.addWidget(widget)
                cell.addWidget(self.errors[error_key])
                form.addRow(label, cell)
            else:
                form.addRow(label, widget)
        centre = QGroupBox(self.tr("中心信息（所有窗口共用）"))
        centre_buttons = QHBoxLayout()
        centre_buttons.addStretch(1)
        centre_buttons.addWidget(self.save_button)
        form.addRow(centre_buttons)
        centre.setLayout(form)

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
            QPushButton(self.tr("维护事项类别、社区和网格…")), "settings.dictionaries",
            self.tr("字典维护"), self.tr("登记表中的事项类别（含建议分流去向）、社区和网格"))
        lists_box = QGroupBox(self.tr("基础数据"))
        lists_layout = QHBoxLayout(lists_box)
        lists_layout.addWidget(self.dictionaries_button)
        lists_layout.addWidget(QLabel(self.tr(
            "工作人员、室和窗口等名单也可在“台账统计 → 基础数据导入”中用 Excel 模板批量导入。")), 1)
        layout = QVBoxLayout(self)
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

    def on_dictionaries(self) -> DictionaryDialog:
        dialog = DictionaryDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.dictionaries_changed)
        self.dictionary_dialog = dialog
        dialog.open()
        return dialog

    def load(self) -> None:
        with self.database.read() as session:
            settings = load_settings(session)
        self.centre_name.setText(settings.centre_name)
        self.centre_phone.setText(settings.centre_phone)
        self.centre_address.setText(settings.centre_address)
        self.committee_name.setText(settings.committee_name)
        self.committee_short_name.setText(settings.committee_short_name)
        paper = self.receipt_paper.findData(settings.receipt_paper)
        self.receipt_paper.setCurrentIndex(max(paper, 0))

    def on_save(self) -> None:
        settings = CentreSettings(
            centre_name=self.centre_name.text(),
            centre_phone=self.centre_phone.text(),
            centre_address=self.centre_address.text(),
            committee_name=self.committee_name.text(),
            committee_short_name=self.committee_short_name.text(),
            receipt_paper=self.receipt_paper.currentData(),
        )
        try:
            with self.database.write() as session:
                save_settings(session, settings)
        except ValidationError as exc:
            for key in FORM_ERRORS:
                self.errors[key].show_message(exc.errors.get(key))
            self.status.setText(self.tr("设置未保存。"))
            return
        for key in FORM_ERRORS:
            self.errors[key].show_message(None)
        self.status.setText(self.tr("设置已保存。"))

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
