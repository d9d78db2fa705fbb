"""账号与角色: the administrator gives a member of staff a login and roles, resets the
password, lifts a lockout.

The rules (login format, complexity rule, who may do it, the last administrator)
are the services' (desktop/services/admin/auth.py); the panel only asks and shows
their answers beside the field they concern.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.views.sign_in import password_field
from desktop.views.widgets import FieldError, named

# The failures the panel shows as a message (a defect still reaches the error dialog).
REFUSALS = (ValidationError, PermissionDenied, NotFoundError)


def _message(exc: Exception, *shown: str) -> str:
    """What ``exc`` says, leaving out the fields that have a message of their own."""
    if isinstance(exc, ValidationError):
        return "；".join(m for k, m in exc.errors.items() if k not in shown)
    return str(exc)


class PasswordDialog(QDialog):
    """A temporary password, typed twice and masked; ``submit`` sets it (or refuses)."""

    def __init__(self, *, who: str, submit: Callable[[str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        named(self, "reset_password_dialog", self.tr("重置密码"))
        self.setWindowTitle(self.tr("重置密码"))
        self.setModal(True)
        self.setMinimumWidth(440)
        self._add_widgets(who)
        self._connect_signals()

    def _add_widgets(self, who: str) -> None:
        self.intro = named(QLabel(self.tr(
            "为 {0} 设置一个临时密码，当面或电话告诉本人；本人下次登录时须改为自己的密码。\n"
            "密码至少 8 位，须同时包含字母和数字。").format(who)),
            "reset.intro", self.tr("说明"))
        self.intro.setWordWrap(True)
        self.password = password_field("reset.password", self.tr("临时密码"))
        self.repeat = password_field("reset.repeat", self.tr("再次输入临时密码"))
        self.password_error = FieldError("reset.password_error")
        self.repeat_error = FieldError("reset.repeat_error")
        self.error = FieldError("reset.error")
        form = QFormLayout()
        form.addRow(self.tr("临时密码"), self.password)
        form.addRow("", self.password_error)
        form.addRow(self.tr("再次输入"), self.repeat)
        form.addRow("", self.repeat_error)
        self.buttons = QDialogButtonBox()
        self.ok_button = named(self.buttons.addButton(
            self.tr("重置密码"), QDialogButtonBox.ButtonRole.AcceptRole),
            "reset.ok", self.tr("重置密码"))
        self.cancel_button = named(self.buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole),
            "reset.cancel", self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def _connect_signals(self) -> None:
        self.ok_button.clicked.connect(self.on_ok)
        self.cancel_button.clicked.connect(self.reject)

    def on_ok(self) -> None:
        try:
            self.submit(self.password.text(), self.repeat.text())
        except REFUSALS as exc:
            errors = exc.errors if isinstance(exc, ValidationError) else {}
            self.password_error.show_message(errors.get("password"))
            self.repeat_error.show_message(errors.get("repeat"))
            self.error.show_message(_message(exc, "password", "repeat"))
            return
        self.accept()


class AccountPanel(QGroupBox):
    """The login, roles and state of the account of the member of staff picked beside it."""

    saved = Signal(int)  # the member of staff whose login or roles changed

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.staff_id: int | None = None
        self.account: auth.Account | None = None
        self.password_dialog: PasswordDialog | None = None
        named(self, "account", self.tr("账号与角色"))
        self.setTitle(self.tr("账号与角色"))
        self._add_widgets()
        self._connect_signals()
        self.show_staff(None)

    def _add_widgets(self) -> None:
        self.who = named(QLabel(), "account.who", self.tr("工作人员"))
        self.who.setWordWrap(True)
        self.login = named(QLineEdit(), "account.login", self.tr("登录账号"))
        self.login.setMaxLength(32)
        self.login.setPlaceholderText(self.tr("如 zhangmin，字母、数字、下划线"))
        self.login_error = FieldError("account.login_error")
        self.roles = {code: named(QCheckBox(self.tr(label)), f"account.role.{code}",
                                  self.tr(label))
                      for code, label in auth.ROLE_LABELS.items()}
        self.roles_error = FieldError("account.roles_error")
        self.state = named(QLabel(), "account.state", self.tr("账号状态"))
        self.state.setWordWrap(True)
        self.unlock_button = named(QPushButton(self.tr("解除锁定")), "account.unlock",
                                   self.tr("解除锁定"))
        self.reset_button = named(QPushButton(self.tr("重置密码…")), "account.reset",
                                  self.tr("重置密码"))
        self.save_button = named(QPushButton(self.tr("保存账号和角色")), "account.save",
                                 self.tr("保存账号和角色"))
        self.error = FieldError("account.error")
        self.done = named(QLabel(), "account.done", self.tr("结果"))
        self.done.setWordWrap(True)
        roles = QGridLayout()
        for index, box in enumerate(self.roles.values()):
            roles.addWidget(box, index // 2, index % 2)
        form = QFormLayout()
        form.addRow(self.tr("工作人员"), self.who)
        form.addRow(self.tr("登录账号"), self.login)
        form.addRow("", self.login_error)
        form.addRow(self.tr("角色"), roles)
        form.addRow("", self.roles_error)
        form.addRow(self.tr("账号状态"), self.state)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.done)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.on_save)
        self.login.returnPressed.connect(self.on_save)
        self.unlock_button.clicked.connect(self.on_unlock)
        self.reset_button.clicked.connect(self.on_reset)

    # ------------------------------------------------------------------ showing

    def show_staff(self, staff_id: int | None) -> None:
        """The account of ``staff_id``; None (nobody picked, or a new person) empties it."""
        self.staff_id = staff_id
        self.account = None
        self._show_errors(None)
        self.done.clear()
        if staff_id is not None:
            try:
                with self.database.read() as session:
                    self.account = auth.account(session, staff_id)
            except REFUSALS as exc:
                self.error.show_message(_message(exc))
        account = self.account
        self.login.setText(account.login if account else "")
        for code, box in self.roles.items():
            box.setChecked(account is not None and code in account.roles)
        self.who.setText(account.name if account else self.tr(
            "请在左侧列表中选择一名工作人员（新增的人员先保存）"))
        self.state.setText(self._state_text(account) if account else "")
        for widget in (self.login, self.save_button, *self.roles.values()):
            widget.setEnabled(account is not None)
        self.reset_button.setEnabled(account is not None and bool(account.login))
        self.unlock_button.setEnabled(account is not None and account.locked_until is not None)

    def _state_text(self, account: auth.Account) -> str:
        if not account.login:
            return self.tr("尚未设置账号：填写登录账号并选择角色后保存")
        parts = []
        if not account.active:
            parts.append(self.tr("人员已停用，不能登录"))
        if not account.has_password:
            parts.append(self.tr("尚未设置密码（点“重置密码”设置临时密码）"))
        elif account.must_change_password:
            parts.append(self.tr("下次登录时须修改密码"))
        if account.locked_until is not None:
            parts.append(self.tr("密码输错次数过多，已锁定至 {0}")
                         .format(f"{account.locked_until:%H:%M}"))
        return "\n".join(parts) or self.tr("正常")

    def _show_errors(self, exc: Exception | None) -> None:
        errors = exc.errors if isinstance(exc, ValidationError) else {}
        self.login_error.show_message(errors.get("login"))
        self.roles_error.show_message(errors.get("roles"))
        self.error.show_message(_message(exc, "login", "roles") if exc else None)

    def _after(self, done: str) -> None:
        """Show the account as it now is, and what was just done."""
        assert self.staff_id is not None
        self.show_staff(self.staff_id)
        self.done.setText(done)

    # ------------------------------------------------------------------ actions

    def checked_roles(self) -> list[str]:
        return [code for code, box in self.roles.items() if box.isChecked()]

    def on_save(self) -> None:
        staff_id = self.staff_id
        if staff_id is None:
            return
        try:
            with self.database.write() as session:
                auth.set_account(session, staff_id, self.login.text(), self.checked_roles())
        except REFUSALS as exc:
            self._show_errors(exc)
            self.done.clear()
            return
        self.saved.emit(staff_id)
        self._after(self.tr("已保存账号和角色"))

    def on_unlock(self) -> None:
        staff_id = self.staff_id
        if staff_id is None:
            return
        try:
            with self.database.write() as session:
                auth.unlock_account(session, staff_id)
        except REFUSALS as exc:
            self._show_errors(exc)
            return
        self._after(self.tr("已解除锁定，可以立即登录"))

    def on_reset(self) -> PasswordDialog | None:
        """Ask for a temporary password (a dialog of its own); None without an account."""
        account = self.account
        if account is None or not account.login:
            return None

        def submit(password: str, repeat: str) -> None:
            with self.database.write() as session:
                auth.reset_password(session, account.staff_id, password, repeat)

        dialog = PasswordDialog(who=account.name, submit=submit, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._after(
            self.tr("已重置 {0} 的密码，本人下次登录时须修改密码").format(account.name)))
        self.password_dialog = dialog
        dialog.open()
        return dialog
