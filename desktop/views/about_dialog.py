"""关于: the program's version, the database it works on and where it keeps its files.

Opened from the status bar's 关于 button. The database's address is shown without
its password (``shown_url``); the folders can be selected and copied, for a phone
call with whoever looks after the desk.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop import APP_TITLE, __version__, paths
from desktop.config import backup_settings
from desktop.db import Database
from desktop.logging_setup import log_file
from desktop.services.connection import describe_database, shown_url
from desktop.views.widgets import named


class AboutDialog(QDialog):
    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "about_dialog", self.tr("关于"))
        self.setWindowTitle(self.tr("关于 {0}").format(APP_TITLE))
        self._add_widgets()

    def _value(self, name: str, accessible: str, text: str) -> QLabel:
        label = named(QLabel(text), f"about.{name}", accessible)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _add_widgets(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(APP_TITLE)
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        url = self.database.engine.url.render_as_string(hide_password=False)
        self.version = self._value("version", self.tr("版本"), __version__)
        self.database_url = self._value(
            "database", self.tr("当前数据库"),
            f"{describe_database(url)}\n{shown_url(url)}")
        self.data_folder = self._value("data_folder", self.tr("数据文件夹"),
                                       str(paths.data_dir()))
        self.log = self._value("log", self.tr("日志文件"), log_file())
        self.backups = self._value("backups", self.tr("备份文件夹"),
                                   str(backup_settings().folder))
        form.addRow(self.tr("版本："), self.version)
        form.addRow(self.tr("当前数据库："), self.database_url)
        form.addRow(self.tr("数据文件夹："), self.data_folder)
        form.addRow(self.tr("日志文件："), self.log)
        form.addRow(self.tr("备份文件夹："), self.backups)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        named(buttons, "about.buttons", self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
