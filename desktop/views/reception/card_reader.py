"""The 身份证阅读器 at the desk: polled off the GUI thread, shown beside the registration form.

:class:`CardPoller` asks the reader every half second on a thread of its own (a
one-thread pool of :mod:`desktop.views.tasks`, so the vendor's DLL is always
called from the same thread and a slow read never holds up the database
lookups). A card is handed on once when it is laid on the reader, not again
for as long as it lies there. A reader that stops answering is reported once
(``state_changed``), and found again by the next polls when it is plugged back.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.services.reception.idcard import CardData, CardReader, ReaderUnavailable
from desktop.services.reception.idcard.simulated import SimulatedReader
from desktop.views import tasks
from desktop.views.widgets import named

log = logging.getLogger(__name__)

POLL_MS = 500
READY = "ready"
UNAVAILABLE = "unavailable"
PHOTO_SIZE = (68, 84)  # the card photo (102×126) at two thirds


class CardPoller(QObject):
    """Reads the reader every ``interval_ms`` off the GUI thread."""

    card_read = Signal(object)  # CardData: a card newly laid on the reader
    state_changed = Signal(str, str)  # READY or UNAVAILABLE, and what to tell the desk

    def __init__(self, reader: CardReader, *, interval_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        # One thread, kept: every call into the vendor's DLL comes from the same thread.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.state = ""
        self.message = ""
        self._reading: tasks.Task | None = None
        self._on_reader: str | None = None  # the number of the card lying on the reader

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def poll(self) -> tasks.Task | None:
        """One read, unless the last one is still under way."""
        if self._reading is not None:
            return None
        reader = self.reader
        task = tasks.Task(lambda _progress, _cancelled: reader.read())
        queued = Qt.ConnectionType.QueuedConnection
        task.succeeded.connect(self._on_read, queued)
        task.failed.connect(self._on_failed, queued)
        task.finished.connect(self._on_done, queued)
        self._reading = task
        return tasks.start(task, self.pool)

    def _on_done(self) -> None:
        self._reading = None

    def _on_read(self, card: CardData | None) -> None:
        self._set_state(READY, self.tr("{0}：请将身份证放在阅读器上").format(self.reader.label))
        if card is None:
            self._on_reader = None
            return
        if card.id_number == self._on_reader:
            return  # still lying there: read once, not every half second
        self._on_reader = card.id_number
        log.info("ID card read")  # never the number or the name
        self.card_read.emit(card)

    def _on_failed(self, exc: BaseException) -> None:
        self._on_reader = None
        if isinstance(exc, ReaderUnavailable):
            self._set_state(UNAVAILABLE, str(exc))
            return
        if self.state != UNAVAILABLE:
            log.error("the ID card reader failed", exc_info=exc)
        self._set_state(UNAVAILABLE, self.tr("身份证阅读器出错（详情见日志），请检查阅读器"))

    def _set_state(self, state: str, message: str) -> None:
        if (state, message) == (self.state, self.message):
            return
        if state == UNAVAILABLE:
            log.warning("ID card reader unavailable: %s", message)
        elif self.state == UNAVAILABLE:
            log.info("ID card reader answers again")
        self.state, self.message = state, message
        self.state_changed.emit(state, message)

    def stop(self) -> None:
        """Stop polling, let a read under way finish, release the reader's port."""
        self.timer.stop()
        self.pool.waitForDone()
        reader = self.reader
        self.pool.start(reader.close)  # on the reader's own thread, like every call
        self.pool.waitForDone()


class CardPanel(QGroupBox):
    """The reader's corner of the form: the photo, what the card says, the reader's state."""

    def __init__(self, *, reader: CardReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        named(self, "registration.card_panel", self.tr("身份证阅读器"))
        self.setTitle(self.tr("身份证阅读器"))
        self._add_widgets()
        self.clear_card()

    def _add_widgets(self) -> None:
        self.photo = named(QLabel(), "registration.card_photo", self.tr("证件照片"))
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("QLabel { border: 1px solid #bbb; background: #fafafa;"
                                 " color: #888; }")
        self.details = named(QLabel(), "registration.card_details", self.tr("证件信息"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = named(QLabel(), "registration.reader_status", self.tr("阅读器状态"))
        self.state.setWordWrap(True)
        self.simulate = named(
            QPushButton(self.tr("模拟放卡")), "registration.simulate_card", self.tr("模拟放卡"),
            self.tr("在模拟阅读器上放一张虚构的身份证（演示用）"))
        self.simulate.setVisible(isinstance(self.reader, SimulatedReader))
        self.simulate.clicked.connect(self.on_simulate)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.details)
        text.addWidget(self.state)
        text.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.photo)
        layout.addLayout(text, 1)
        layout.addWidget(self.simulate, 0, Qt.AlignmentFlag.AlignTop)

    def on_simulate(self) -> None:
        if isinstance(self.reader, SimulatedReader):
            self.reader.present()

    def show_state(self, state: str, message: str) -> None:
        self.state.setText(message)
        colour = "#b3261e" if state == UNAVAILABLE else "#555"
        self.state.setStyleSheet(f"color: {colour};")

    def show_card(self, card: CardData, *, today: date) -> None:
        pixmap = QPixmap()
        if card.photo and pixmap.loadFromData(card.photo):
            self.photo.setPixmap(pixmap.scaled(
                *PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.clear()
            self.photo.setText(self.tr("无照片"))
        birth = f"{card.birth_date:%Y-%m-%d}" if card.birth_date else "—"
        lines = [
            self.tr("姓名 {0}　性别 {1}　民族 {2}　出生 {3}").format(
                card.name, card.gender or "—", card.nation or "—", birth),
            self.tr("签发机关 {0}　有效期限 {1}").format(card.authority or "—",
                                                    card.validity_text()),
        ]
        if card.expired(today):
            lines.append(self.tr("此证已过期"))
        self.details.setText("\n".join(lines))

    def clear_card(self) -> None:
        """Nothing personal stays on the screen once the registration is saved or cleared."""
        self.photo.clear()
        self.photo.setText(self.tr("照片"))
        self.details.setText(self.tr("将身份证放在阅读器上，姓名、性别、身份证号和住址自动填入。"))
