"""The first start: the centre says who it is, where its rooms are, who works there.

Each page saves what it holds when the admin goes on, so a wizard left half-way keeps
what was done; it opens again at the next start until the centre has a name. The same
editors serve 系统设置 afterwards.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.db import Database
from desktop.services.admin import auth, setup
from desktop.services.admin.settings import load_settings, save_settings
from desktop.services.errors import ValidationError
from desktop.views.admin.centre_form import CentreForm
from desktop.views.admin.dictionaries import PlacesEditor
from desktop.views.admin.staff_editor import IMPORT_HINT, RoomsEditor, StaffEditor
from desktop.views.widgets import FieldError, named


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


class AdminWizardPage(QWizardPage):
    """The first page of a new centre: the centre administrator's own account.

    There is no default password anywhere: the administrator chooses it here, and is
    signed in with it for the rest of the wizard.
    """

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        named(self, "wizard.admin", self.tr("中心管理员账号"))
        self.setTitle(self.tr("中心管理员账号"))
        self.setSubTitle(self.tr("管理员维护工作人员和账号、系统设置和基础数据。"
                                 "密码至少 8 位，须含字母和数字，请牢记。"))
        self.name = named(QLineEdit(), "wizard.admin_name", self.tr("管理员姓名"))
        self.login = named(QLineEdit(), "wizard.admin_login", self.tr("管理员账号"))
        self.password = named(QLineEdit(), "wizard.admin_password", self.tr("密码"))
        self.repeat = named(QLineEdit(), "wizard.admin_repeat", self.tr("再次输入密码"))
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors = {key: FieldError(f"wizard.admin_{key}_error")
                       for key in ("name", "login", "password", "repeat")}
        form = QFormLayout(self)
        for key, label, field in (("name", "姓名", self.name), ("login", "账号", self.login),
                                  ("password", "密码", self.password),
                                  ("repeat", "再次输入密码", self.repeat)):
            form.addRow(self.tr(label), field)
            form.addRow("", self.errors[key])

    def validatePage(self) -> bool:
        if self.database.actor is not None:
            return True  # created when the admin went on the first time
        try:
            auth.create_first_admin(self.database, self.name.text(), self.login.text(),
                                    self.password.text(), self.repeat.text())
        except ValidationError as exc:
            for key, label in self.errors.items():
                label.show_message(exc.errors.get(key))
            return False
        for label in self.errors.values():
            label.show_message(None)
        self.password.clear()
        self.repeat.clear()
        return True


class SettingsWizardPage(QWizardPage):
    """Some of the centre's settings; saved (or refused field by field) on 下一步."""

    def __init__(self, database: Database, keys: list[str], *, key: str, title: str,
                 subtitle: str) -> None:
        super().__init__()
        self.database = database
        named(self, f"wizard.{key}", title)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.form = CentreForm(keys, prefix="wizard")
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        with self.database.read() as session:
            self.form.load(load_settings(session))

    def validatePage(self) -> bool:
        with self.database.read() as session:
            current = load_settings(session)
        try:
            with self.database.write() as session:
                save_settings(session, self.form.values(current), self.form.keys)
        except ValidationError as exc:
            self.form.show_errors(exc.errors)
            return False
        self.form.show_errors({})
        return True


class EditorWizardPage(QWizardPage):
    """One of the lists (rooms, staff, communities) with a line on what it is for."""

    def __init__(self, editor: QWidget, *, key: str, title: str, subtitle: str,
                 hint: str = "") -> None:
        super().__init__()
        named(self, f"wizard.{key}", title)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.addWidget(editor, 1)
        if hint:
            layout.addWidget(_hint(hint))


class SummaryWizardPage(QWizardPage):
    """What is still missing (it can be filled in later in 系统设置), or that all is set."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        named(self, "wizard.summary", self.tr("设置完成"))
        self.setTitle(self.tr("设置完成"))
        self.summary = named(QLabel(), "wizard.summary_text", self.tr("设置情况"))
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        with self.database.read() as session:
            missing = setup.gaps(session)
        if missing:
            lines = "".join(f"<li>{gap.text}：{gap.where}</li>" for gap in missing)
            self.summary.setText(self.tr("以下项目尚未设置，可以稍后补充：") + f"<ul>{lines}</ul>")
        else:
            self.summary.setText(self.tr("中心信息、调委会、室、工作人员和社区均已设置。"
                                         "点击“完成”开始使用。"))


class SetupWizard(QWizard):
    """中心设置向导."""

    # Rooms, staff or communities changed: open forms reload their lists.
    changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        named(self, "setup_wizard", self.tr("中心设置向导"))
        self.setWindowTitle(self.tr("中心设置向导"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        for button, text in ((QWizard.WizardButton.NextButton, "下一步 >"),
                             (QWizard.WizardButton.BackButton, "< 上一步"),
                             (QWizard.WizardButton.FinishButton, "完成"),
                             (QWizard.WizardButton.CancelButton, "稍后再设")):
            self.setButtonText(button, self.tr(text))
        self.resize(900, 640)
        self.centre = SettingsWizardPage(
            database, ["centre_name", "centre_address", "centre_phone", "service_hours",
                       "receipt_paper"],
            key="centre", title=self.tr("中心信息"),
            subtitle=self.tr("印在受理回执和台账上，显示在大厅叫号屏上。"))
        self.committee = SettingsWizardPage(
            database, ["committee_name", "committee_short_name"], key="committee",
            title=self.tr("人民调解委员会"),
            subtitle=self.tr("调解文书以调委会的名义出具；简称用于案号。"))
        self.rooms = RoomsEditor(database=database)
        self.staff = StaffEditor(database=database)
        self.places = PlacesEditor(database=database)
        with database.read() as session:
            first_start = not auth.has_accounts(session)
        # A new centre: its administrator's account comes first (the rest needs it).
        self.admin = AdminWizardPage(database) if first_start else None
        if self.admin is not None:
            self.addPage(self.admin)
        self.addPage(self.centre)
        self.addPage(self.committee)
        self.addPage(EditorWizardPage(
            self.rooms, key="rooms", title=self.tr("室和窗口"),
            subtitle=self.tr("一厅五室：填写各室的位置（印在回执上，告诉群众去哪里）；"
                             "不设的室取消“启用”。")))
        self.addPage(EditorWizardPage(
            self.staff, key="staff", title=self.tr("工作人员"),
            subtitle=self.tr("逐个添加：姓名、角色、所在室。受理调解案件至少需要一名调解员。"),
            hint=self.tr(IMPORT_HINT)))
        self.addPage(EditorWizardPage(
            self.places, key="places", title=self.tr("社区和网格"),
            subtitle=self.tr("登记来访时选择来访人所在的社区（村）和网格。")))
        self.addPage(SummaryWizardPage(database))
        self.rooms.changed.connect(self.staff.reload_rooms)
        for editor in (self.rooms, self.staff, self.places):
            editor.changed.connect(self.changed)
