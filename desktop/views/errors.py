"""One exception hook for the GUI and worker threads: log, then show a copyable report.

With ``--no-err-windows`` (headless or unattended runs) errors are only logged.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
from types import TracebackType

import PySide6
import sqlalchemy
from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.logging_setup import log_file
from desktop.services.failures import database_trouble, safe_traceback
from desktop.views.db_status import report_anywhere

log = logging.getLogger("desktop.crash")
qt_log = logging.getLogger("qt")


def format_report(exc_type: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> str:
    """What the admin needs to find the defect: versions, the log, where it happened.

    Exception messages are left out (:func:`safe_traceback`): they may quote
    names, 身份证号, phone numbers or what was typed.
    """
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    lines = [
        f"综治中心接待调解工作台 {__version__}",
        f"Python {platform.python_version()} / {platform.platform()}",
        f"PySide6 {PySide6.__version__} / SQLAlchemy {sqlalchemy.__version__}",
        f"日志文件：{log_file()}",
        "",
        safe_traceback(exc),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


class ErrorDialog(QDialog):
    """Says that something went wrong, with the report ready to copy for the admin."""

    def __init__(self, *, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_dialog")
        self.setWindowTitle(self.tr("程序出现意外错误"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr(
            "很抱歉，程序出现了意外错误。已保存的数据不受影响；正在进行的操作未保存。\n"
            "请将下面的错误报告复制给系统管理员。"
        )))
        self.report = QPlainTextEdit(report)
        self.report.setObjectName("error_dialog.report")
        self.report.setAccessibleName(self.tr("错误报告"))
        self.report.setReadOnly(True)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("复制报告"))
        copy.setObjectName("error_dialog.copy")
        copy.setAccessibleName(self.tr("复制报告"))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.on_copy)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())


class _Relay(QObject):
    """Carries a report (or a database failure) from any thread to the GUI thread."""

    report = Signal(str)
    database_failure = Signal(object)


class ExceptionHook:
    """Installed as ``sys.excepthook`` and ``threading.excepthook``."""

    def __init__(self, *, show_dialogs: bool = True) -> None:
        self.show_dialogs = show_dialogs
        self._relay = _Relay()
        self._relay.report.connect(self.on_report, Qt.ConnectionType.QueuedConnection)
        self._relay.database_failure.connect(report_anywhere, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook
        qInstallMessageHandler(_qt_message_handler)

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if database_trouble(exc) is not None:
            # Not a defect: the window's banner says it once and retries.
            self._relay.database_failure.emit(exc)
            return
        report = format_report(exc_type, exc, tb)
        log.error("unexpected exception\n%s", report)
        if self.show_dialogs:
            self._relay.report.emit(report)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def on_report(self, report: str) -> None:
        ErrorDialog(report=report, parent=QApplication.activeWindow()).exec()


def _qt_message_handler(mode: QtMsgType, _context: object, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(mode, logging.WARNING)
    qt_log.log(level, message)
