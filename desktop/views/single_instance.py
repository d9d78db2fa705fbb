"""One window per user and data folder: a second start brings the running one to the front.

The first window listens on a local socket (a named pipe on Windows, a socket file
on Linux) whose name comes from the user and the data folder; a second start
finds it, asks it to come forward, and ends. Two Windows accounts on one PC, or
one account with two data folders (``DESKTOP_DATA_DIR``), each keep their own.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from desktop import APP_NAME, paths

log = logging.getLogger(__name__)

WAIT_MS = 1000
RAISE = b"raise\n"


def instance_key(user: str | None = None, data_dir: Path | None = None) -> str:
    """The socket's name for ``user`` and ``data_dir`` (default: this process's)."""
    if user is None:
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no user name in the environment
            user = "?"
    folder = str((data_dir or paths.data_dir()).resolve())
    if sys.platform == "win32":
        folder = folder.casefold()
    digest = hashlib.sha256(f"{user}\0{folder}".encode()).hexdigest()[:20]
    return f"{APP_NAME}-{digest}"


def _allow_foreground() -> None:
    """Windows lets only the foreground process hand the foreground on: let the first one."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]  # ASFW_ANY
    except (AttributeError, OSError):
        log.debug("AllowSetForegroundWindow unavailable")


def ask_running_to_raise(key: str, wait_ms: int = WAIT_MS) -> bool:
    """True when a window already listens on ``key`` and was asked to come forward."""
    socket = QLocalSocket()
    socket.connectToServer(key)
    if not socket.waitForConnected(wait_ms):
        return False
    _allow_foreground()
    socket.write(RAISE)
    socket.flush()
    socket.waitForBytesWritten(wait_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(wait_ms)
    return True


class SingleInstance(QObject):
    """The running window's end: emits ``raise_requested`` when another start asks."""

    raise_requested = Signal()

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Start listening; a socket file left by a crashed window is cleared first."""
        if self.server.listen(self.key):
            return True
        if self.server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(self.key)
            if self.server.listen(self.key):
                return True
        log.warning("single-instance socket not available: %s", self.server.errorString())
        return False

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_message(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._on_message(socket)

    def _on_message(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(RAISE.strip()):
            log.info("a second start asked this window to come forward")
            self.raise_requested.emit()

    def close(self) -> None:
        self.server.close()


def claim(key: str | None = None) -> SingleInstance | None:
    """This start's instance, or ``None`` when a window is already running (now in front).

    Without a usable socket the window opens anyway: one window too many is better
    than none.
    """
    key = key or instance_key()
    if ask_running_to_raise(key):
        log.info("already running: brought the running window forward")
        return None
    instance = SingleInstance(key)
    instance.listen()
    return instance


def bring_to_front(window: QWidget | None = None) -> None:
    """Show the window (or what is open: the sign-in) in front, restored if minimised."""
    target = QApplication.activeModalWidget() or window
    if target is None:
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        target = shown[0] if shown else None
    if target is None:
        return
    if target.isMinimized():
        target.showNormal()
    target.show()
    target.raise_()
    target.activateWindow()
