"""系统设置: the centre's identity, its staff, rooms and lists, the hall display (spoken
calls, 政策宣传), this PC's printers, the database of this PC, and its backups (folder,
days kept, 立即备份, the list with 恢复…).

Backing up, listing the backup folder (perhaps a network share) and restoring
run off the GUI thread (:mod:`desktop.views.tasks`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.config import (
    backup_settings,
    configured_database_url,
    resolve_database_url,
    save_backup_settings,
    save_database_url,
    with_stored_password,
)
from desktop.db import Database
from desktop.services.admin import auth, backups, setup
from desktop.services.admin.settings import idle_minutes, load_settings, save_settings
from desktop.services.connection import database_url_error, shown_url
from desktop.services.errors import ValidationError
from desktop.services.failures import user_message
from desktop.views import dialogs, tasks
from desktop.views.admin.audit_dialog import AuditLogDialog
from desktop.views.admin.calendar_dialog import CalendarDialog
from desktop.views.admin.centre_form import CentreForm
from desktop.views.admin.deleted_dialog import DeletedRecordsDialog
from desktop.views.admin.dictionaries import DictionaryDialog
from desktop.views.admin.printers import PrinterSettingsBox
from desktop.views.admin.record_dialog import RecordsDialog
from desktop.views.admin.setup_wizard import SetupWizard
from desktop.views.admin.speech_settings import HallSettingsBox
from desktop.views.admin.staff_editor import IMPORT_HINT, ListDialog, RoomsEditor, StaffDialog
from desktop.views.reception.hall_screen import HallScreenBox
from desktop.views.widgets import FieldError, filling, named

log = logging.getLogger(__name__)

CENTRE_KEYS = ["centre_name", "centre_address", "centre_phone", "service_hours",
               "committee_name", "committee_short_name", "receipt_paper", "idle_lock_minutes"]


class SettingsPage(QWidget):
    # The admin changed categories, communities or grids: the forms reload their lists.
    dictionaries_changed = Signal()
    # The minutes without a key press before the window locks, as just saved.
    idle_minutes_changed = Signal(int)

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
        if choice.origin == "config":
            self.new_database_url.setText(configured_database_url() or "")
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
            "密码不写入配置文件：保存在 Windows 凭据管理器（没有系统凭据库的 Linux 上保存在"
            "数据目录中仅本人可读的 pgpass 文件）。"
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
        self.calendar_button = named(QPushButton(self.tr("工作日历…")), "settings.calendar",
                                     self.tr("工作日历"),
                                     self.tr("法定节假日和调休上班日，办理时限按工作日计算"))
        self.staff_button = named(QPushButton(self.tr("工作人员…")), "settings.staff",
                                  self.tr("工作人员"),
                                  self.tr("姓名、角色、所在室、电话，登录账号和密码"))
        self.rooms_button = named(QPushButton(self.tr("室和窗口…")), "settings.rooms",
                                  self.tr("室和窗口"), self.tr("各室的名称、位置、是否在用"))
        self.wizard_button = named(QPushButton(self.tr("设置向导…")), "settings.wizard",
                                   self.tr("设置向导"), self.tr("按步骤检查中心的全部设置"))
        self.audit_button = named(QPushButton(self.tr("审计日志…")), "settings.audit",
                                  self.tr("审计日志"),
                                  self.tr("谁在何时、在哪台电脑做了什么；可筛选、导出和校验"))
        self.deleted_button = named(QPushButton(self.tr("已删除的记录…")), "settings.deleted",
                                    self.tr("已删除的记录"),
                                    self.tr("已删除的来访人、来访登记和调解案件，及删除人和理由"))
        self.deleted_button.setVisible(auth.may(self.database, "records.delete"))
        self.records_button = named(QPushButton(self.tr("查找记录…")), "settings.records",
                                    self.tr("查找记录"),
                                    self.tr("按身份证号、受理编号或案号查找记录，删除或查看完整号码"))
        self.records_button.setVisible(auth.may(self.database, "records.delete")
                                       or auth.may(self.database, "personal.reveal"))
        lists_box = QGroupBox(self.tr("基础数据"))
        lists_layout = QHBoxLayout(lists_box)
        for button in (self.staff_button, self.rooms_button, self.dictionaries_button,
                       self.calendar_button, self.wizard_button, self.audit_button,
                       self.records_button,
                       self.deleted_button):
            lists_layout.addWidget(button)
        hint = QLabel(self.tr("名单也可在“台账统计 → 基础数据导入”中用 Excel 模板批量导入。"))
        hint.setWordWrap(True)
        lists_layout.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.gaps)
        layout.addWidget(centre)
        layout.addWidget(lists_box)
        self.hall_box = HallSettingsBox(database=self.database)
        layout.addWidget(self.hall_box)
        self.printer_box = PrinterSettingsBox()
        layout.addWidget(self.printer_box)
        self.hall_screen_box = HallScreenBox()
        layout.addWidget(self.hall_screen_box)
        layout.addWidget(db_box)
        layout.addWidget(self._add_backup_box())
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _add_backup_box(self) -> QGroupBox:
        current = backup_settings()
        form = QFormLayout()
        self.backup_folder = named(QLineEdit(str(current.folder)), "settings.backup_folder",
                                   self.tr("备份文件夹"))
        self.choose_backup_folder_button = named(QPushButton(self.tr("选择…")),
                                                 "settings.choose_backup_folder",
                                                 self.tr("选择备份文件夹"))
        self.errors["backup_folder"] = FieldError("settings.backup_folder_error")
        row = QHBoxLayout()
        row.addWidget(self.backup_folder, 1)
        row.addWidget(self.choose_backup_folder_button)
        cell = QVBoxLayout()
        cell.addLayout(row)
        cell.addWidget(self.errors["backup_folder"])
        form.addRow(self.tr("备份文件夹"), cell)
        self.backup_days = named(QSpinBox(), "settings.backup_days", self.tr("备份保留天数"))
        self.backup_days.setRange(1, backups.MAX_DAYS)
        self.backup_days.setSuffix(self.tr(" 天"))
        self.backup_days.setValue(current.days)
        self.errors["backup_days"] = FieldError("settings.backup_days_error")
        self.save_backup_button = named(QPushButton(self.tr("保存备份设置")),
                                        "settings.save_backup", self.tr("保存备份设置"))
        days_row = QHBoxLayout()
        days_row.addWidget(self.backup_days)
        days_row.addWidget(self.save_backup_button)
        days_row.addWidget(self.errors["backup_days"])
        days_row.addStretch(1)
        form.addRow(self.tr("保留天数"), days_row)

        self.backups_table = named(QTableWidget(0, 4), "settings.backups", self.tr("备份列表"))
        self.backups_table.setHorizontalHeaderLabels(
            [self.tr("备份时间"), self.tr("类型"), self.tr("大小"), self.tr("文件")])
        self.backups_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backups_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.backups_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.backups_table.verticalHeader().hide()
        self.backups_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.backups_table.horizontalHeader().setStretchLastSection(True)
        self.backups_table.setMinimumHeight(150)
        form.addRow(self.backups_table)
        self.backup_now_button = named(QPushButton(self.tr("立即备份")), "settings.backup_now",
                                       self.tr("立即备份"))
        self.refresh_backups_button = named(QPushButton(self.tr("刷新列表")),
                                            "settings.refresh_backups", self.tr("刷新备份列表"))
        self.restore_button = named(QPushButton(self.tr("恢复…")), "settings.restore_backup",
                                    self.tr("从选中的备份恢复"))
        buttons = QHBoxLayout()
        for button in (self.backup_now_button, self.refresh_backups_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.backup_status = named(QLabel(), "settings.backup_status", self.tr("备份结果"))
        self.backup_status.setWordWrap(True)
        form.addRow(self.backup_status)
        if self.database.is_sqlite:
            text = self.tr("每天第一次启动时、程序运行中跨过零点时和退出时自动备份；每个备份写完后"
                           "都做完整性检查。超过保留天数的备份自动删除（最新的一个总是保留）。"
                           "建议把备份文件夹设在另一块硬盘或网络共享文件夹上。")
        else:
            text = self.tr(backups.PG_HOWTO)
            self.restore_button.setEnabled(False)
        self.backup_note = named(QLabel(text), "settings.backup_note", self.tr("备份说明"))
        self.backup_note.setWordWrap(True)
        self.backup_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.backup_note)
        box = QGroupBox(self.tr("备份"))
        box.setObjectName("settings.backup_box")
        box.setLayout(form)
        self.backup_task: tasks.Task | None = None
        self.refresh_backups()
        return box

    def _connect_signals(self) -> None:
        self.choose_backup_folder_button.clicked.connect(self.on_choose_backup_folder)
        self.save_backup_button.clicked.connect(self.on_save_backup_settings)
        self.backup_now_button.clicked.connect(self.on_backup_now)
        self.refresh_backups_button.clicked.connect(self.refresh_backups)
        self.restore_button.clicked.connect(self.on_restore)
        self.save_button.clicked.connect(self.on_save)
        self.check_database_button.clicked.connect(self.on_check_database)
        self.save_database_button.clicked.connect(self.on_save_database)
        self.default_database_button.clicked.connect(self.on_default_database)
        self.dictionaries_button.clicked.connect(self.on_dictionaries)
        self.calendar_button.clicked.connect(self.on_calendar)
        self.staff_button.clicked.connect(self.on_staff)
        self.rooms_button.clicked.connect(self.on_rooms)
        self.wizard_button.clicked.connect(self.on_wizard)
        self.audit_button.clicked.connect(self.on_audit_log)
        self.deleted_button.clicked.connect(self.on_deleted_records)
        self.records_button.clicked.connect(self.on_records)

    def on_dictionaries(self) -> DictionaryDialog:
        dialog = DictionaryDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.dictionaries_changed)
        self.dictionary_dialog = dialog
        dialog.open()
        return dialog

    def on_calendar(self) -> CalendarDialog:
        dialog = CalendarDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.calendar_dialog = dialog
        dialog.open()
        return dialog

    def on_staff(self) -> StaffDialog:
        dialog = StaffDialog(database=self.database, hint=self.tr(IMPORT_HINT), parent=self)
        self._open_list(dialog)
        return dialog

    def on_rooms(self) -> ListDialog:
        return self._open_list(ListDialog(RoomsEditor(database=self.database),
                                          title=self.tr("室和窗口"), parent=self))

    def _open_list(self, dialog: ListDialog) -> ListDialog:
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

    def on_deleted_records(self) -> DeletedRecordsDialog:
        dialog = DeletedRecordsDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def on_records(self) -> RecordsDialog:
        dialog = RecordsDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
        self.idle_minutes_changed.emit(idle_minutes(settings))
        self.show_gaps()

    def _checked_database_url(self) -> str | None:
        url = self.new_database_url.text().strip()
        error = database_url_error(with_stored_password(url) if url else url)
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

    # -- backups --------------------------------------------------------------------------

    @property
    def _url(self) -> str:
        return self.database.engine.url.render_as_string(hide_password=False)

    def _show_backup_errors(self, errors: dict[str, str]) -> None:
        for key in ("backup_folder", "backup_days"):
            self.errors[key].show_message(errors.get(key))

    def on_choose_backup_folder(self) -> None:
        folder = dialogs.ask_folder(self, self.tr("选择备份文件夹"), self.backup_folder.text())
        if folder is not None:
            self.backup_folder.setText(str(folder))

    def on_save_backup_settings(self) -> bool:
        """Check the folder (created when missing) and the days, then remember them."""
        try:
            folder = backups.prepare_folder(self.backup_folder.text())
            days = backups.check_days(self.backup_days.value())
        except ValidationError as exc:
            self._show_backup_errors(exc.errors)
            self.backup_status.setText(self.tr("备份设置未保存：请按提示修改。"))
            return False
        self._show_backup_errors({})
        save_backup_settings(folder, days)
        self.backup_status.setText(self.tr("备份设置已保存：{0}，保留 {1} 天。").format(
            folder, days))
        self.refresh_backups()
        return True

    def refresh_backups(self) -> tasks.Task:
        """List the backup folder in the background (it may be a slow network share)."""
        folder = backup_settings().folder
        task = tasks.Task(lambda _progress, _cancelled: backups.list_backups(folder))
        task.succeeded.connect(self._fill_backups, Qt.ConnectionType.QueuedConnection)
        task.failed.connect(self._list_failed, Qt.ConnectionType.QueuedConnection)
        return tasks.start(task)

    def _list_failed(self, exc: BaseException) -> None:
        """The folder cannot be read (a share that is down): said on the page, no dialog."""
        message = user_message(exc)
        if message is None:
            log.error("listing the backups failed", exc_info=exc)
            message = self.tr("程序内部错误，详情见日志。")
        self.backups_table.setRowCount(0)
        self.backup_status.setText(message)

    def _fill_backups(self, found: list[backups.Backup]) -> None:
        table = self.backups_table
        with filling(table):
            table.setRowCount(len(found))
            for row, backup in enumerate(found):
                cells = [backup.taken_text, backup.kind_text, backup.size_text, backup.path.name]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, str(backup.path))
                    item.setToolTip(str(backup.path))
                    table.setItem(row, column, item)

    def _backup_failed(self, exc: BaseException) -> None:
        self._set_backup_busy(False)
        message = user_message(exc)
        if message is None:
            log.error("backup action failed", exc_info=exc)
            message = self.tr("程序内部错误，详情见日志。")
        if isinstance(exc, ValidationError):
            self._show_backup_errors(exc.errors)
        self.backup_status.setText(message)
        dialogs.warn(self, self.tr("备份"), message)

    def _set_backup_busy(self, busy: bool) -> None:
        for button in (self.backup_now_button, self.restore_button, self.save_backup_button):
            button.setEnabled(not busy and (button is not self.restore_button
                                            or self.database.is_sqlite))

    def on_backup_now(self) -> tasks.Task:
        url = self._url

        def done(backup: backups.Backup) -> None:
            self._set_backup_busy(False)
            self.backup_status.setText(self.tr("已备份（{0}，已通过完整性检查）：{1}").format(
                backup.size_text, backup.path))
            self.refresh_backups()

        self._set_backup_busy(True)
        self.backup_status.setText(self.tr("正在备份…"))
        self.backup_task = tasks.run_with_progress(
            self, self.tr("备份"), self.tr("正在备份数据库…"),
            lambda progress, _cancelled: backups.create_backup(url, progress=progress),
            on_success=done, on_failure=self._backup_failed)
        return self.backup_task

    def selected_backup(self) -> Path | None:
        items = self.backups_table.selectedItems()
        return Path(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def on_restore(self) -> tasks.Task | None:
        """Ask, then give back the selected backup; the window must be restarted after."""
        chosen = self.selected_backup()
        if chosen is None:
            self.backup_status.setText(self.tr("请先在列表中选择要恢复的备份。"))
            return None
        question = self.tr(
            "把数据库恢复到备份 {0} 吗？\n\n备份之后录入和修改的内容都会回到备份时的样子。"
            "恢复前会先检查该备份，并把当前数据库另存一份（“恢复前的数据库”）。"
            "恢复后请关闭并重新启动程序，其他窗口也要重新启动。").format(chosen.name)
        if not dialogs.confirm(self, self.tr("恢复备份"), question):
            return None
        url = self._url

        def done(restored: backups.Restored) -> None:
            self._set_backup_busy(False)
            # Pooled connections may hold pages of the replaced file: start afresh.
            self.database.dispose()
            kept = self.tr("恢复前的数据库已另存为 {0}。").format(restored.kept) \
                if restored.kept else ""
            text = self.tr("已恢复备份 {0}。{1}请关闭并重新启动程序。").format(
                restored.source.name, kept)
            self.backup_status.setText(text)
            self.refresh_backups()
            dialogs.inform(self, self.tr("恢复备份"), text)

        self._set_backup_busy(True)
        self.backup_status.setText(self.tr("正在恢复…"))
        self.backup_task = tasks.run_with_progress(
            self, self.tr("恢复备份"), self.tr("正在检查并恢复备份…"),
            lambda _progress, _cancelled: backups.restore_backup(url, chosen),
            on_success=done, on_failure=self._backup_failed)
        return self.backup_task
