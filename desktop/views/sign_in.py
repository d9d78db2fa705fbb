"""Signing in, locking the window when nobody is at it, and switching user.

The rules (password check, lockout, what each role may do) are the services'
(desktop/services/admin/auth.py); these dialogs only ask and show their answers.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_TITLE
from desktop.db import Database
from desktop.services.admin import auth
from desktop.services.errors import PermissionDenied, ValidationError
from desktop.views.widgets import FieldError, named

# Minutes without a key press or a mouse click before the window locks.
DEFAULT_IDLE_MINUTES = 10


def password_field(object_name: str, label: str) -> QLineEdit:
    field = named(QLineEdit(), object_name, label)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    return field


class SignInDialog(QDialog):
    """账号 and 密码; a first password set by the administrator is changed here at once."""

    def __init__(self, *, database: Database, parent: QWidget | None = None,
                 login: str = "", unlock: bool = False) -> None:
        super().__init__(parent)
        self.database = database
        self.unlock = unlock
        title = self.tr("已锁定") if unlock else self.tr("登录")
        named(self, "unlock_dialog" if unlock else "sign_in_dialog", title)
        self.setWindowTitle(f"{APP_TITLE} — {title}")
        self.setModal(True)
        self.intro = named(QLabel(), "sign_in.intro", self.tr("说明"))
        self.intro.setWordWrap(True)
        self.intro.setText(
            self.tr("窗口已锁定，请输入 {0} 的密码解锁（已填写的内容保留）。").format(login)
            if unlock else self.tr("请输入账号和密码。"))
        self.login = named(QLineEdit(login), "sign_in.login", self.tr("账号"))
        self.login.setMaxLength(32)
        self.login.setReadOnly(unlock)
        self.password = password_field("sign_in.password", self.tr("密码"))
        self.new_password = password_field("sign_in.new_password", self.tr("新密码"))
        self.repeat = password_field("sign_in.repeat", self.tr("再次输入新密码"))
        self.error = FieldError("sign_in.error")
        form = QFormLayout()
        form.addRow(self.tr("账号"), self.login)
        form.addRow(self.tr("密码"), self.password)
        self.new_label = QLabel(self.tr("新密码"))
        self.repeat_label = QLabel(self.tr("再次输入"))
        form.addRow(self.new_label, self.new_password)
        form.addRow(self.repeat_label, self.repeat)
        self._show_change(False)
        self.buttons = QDialogButtonBox()
        self.ok_button = named(self.buttons.addButton(
            self.tr("解锁") if unlock else self.tr("登录"),
            QDialogButtonBox.ButtonRole.AcceptRole), "sign_in.ok", self.tr("登录"))
        self.cancel_button = named(self.buttons.addButton(
            self.tr("切换用户") if unlock else self.tr("退出"),
            QDialogButtonBox.ButtonRole.RejectRole), "sign_in.cancel", self.tr("取消"))
        self.ok_button.clicked.connect(self.on_ok)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if unlock or login else self.login).setFocus()

    def _show_change(self, shown: bool) -> None:
        for widget in (self.new_label, self.new_password, self.repeat_label, self.repeat):
            widget.setVisible(shown)

    def on_ok(self) -> None:
        try:
            if self.new_password.isVisible():
                auth.change_password(self.database, self.password.text(),
                                     self.new_password.text(), self.repeat.text())
            elif self.unlock:
                auth.check_password(self.database, self.password.text())
            else:
                auth.sign_in(self.database, self.login.text(), self.password.text())
        except (ValidationError, PermissionDenied) as exc:
            message = (next(iter(exc.errors.values())) if isinstance(exc, ValidationError)
                       else str(exc))
            self.error.show_message(message)
            self.password.clear() if not self.new_password.isVisible() else None
            return
        actor = self.database.actor
        if actor is not None and actor.must_change_password:
            self._show_change(True)
            self.error.show_message(self.tr("管理员重置了您的密码，请设置新密码后继续"
                                            "（至少 8 位，含字母和数字）"))
            self.new_password.setFocus()
            return
        self.error.show_message(None)
        self.accept()


def ask_sign_in(database: Database, parent: QWidget | None = None) -> bool:
    """The sign-in dialog at start (or on 切换用户); False if the user gave up."""
    dialog = SignInDialog(database=database, parent=parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return accepted and database.actor is not None


class IdleWatcher(QObject):
    """Counts the time since the last key press or mouse click anywhere in the program."""

    idle = Signal()

    def __init__(self, minutes: float = DEFAULT_IDLE_MINUTES,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                            QEvent.Type.Wheel):
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
