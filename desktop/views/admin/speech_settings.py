"""系统设置 → 叫号屏: spoken calls (on or off, repetitions, volume, rate, voice, 试听) and the
button to the 政策宣传 notices."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services.admin import staff
from desktop.services.admin.settings import SPEECH_KEYS, load_settings, save_settings
from desktop.services.errors import ValidationError
from desktop.services.reception import speech
from desktop.views.admin.notices_editor import NoticesDialog
from desktop.views.reception.hall_speech import HallSpeaker
from desktop.views.widgets import FieldError, named

SAMPLE_TICKET = "007"


class HallSettingsBox(QGroupBox):
    """The hall display's speech settings (shared by every desk) and its notices."""

    notices_changed = Signal()

    def __init__(self, *, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setTitle(self.tr("叫号屏：语音叫号和政策宣传"))
        self.setObjectName("settings.hall_box")
        # The preview speaks on this PC, with what the form shows (saved or not).
        self.speaker = HallSpeaker(gap_ms=0, parent=self)
        self._add_widgets()
        self._connect_signals()
        self.load()

    def _add_widgets(self) -> None:
        self.enabled = named(QCheckBox(self.tr("叫号时在大厅语音播报（请某号到某室）")),
                             "settings.speech_enabled", self.tr("语音叫号"))
        self.repetitions = named(QSpinBox(), "settings.speech_repetitions",
                                 self.tr("每个号播报次数"))
        self.repetitions.setRange(*speech.REPETITIONS)
        self.repetitions.setSuffix(self.tr(" 遍"))
        self.volume = named(QSpinBox(), "settings.speech_volume", self.tr("音量"))
        self.volume.setRange(*speech.VOLUME)
        self.volume.setSuffix(" %")
        self.rate = named(QSpinBox(), "settings.speech_rate", self.tr("语速"))
        self.rate.setRange(*speech.RATE)
        self.rate.setToolTip(self.tr("0 为正常语速，负数较慢，正数较快"))
        self.voice = named(QComboBox(), "settings.speech_voice", self.tr("声音"))
        self.engine_note = named(QLabel(), "settings.speech_engine", self.tr("本机语音"))
        self.engine_note.setWordWrap(True)
        self.preview_button = named(
            QPushButton(self.tr("试听")), "settings.speech_preview", self.tr("试听"),
            self.tr("在本机用所选声音、音量和语速播报一次"))
        self.save_button = named(QPushButton(self.tr("保存语音设置")), "settings.save_speech",
                                 self.tr("保存语音设置"))
        self.notices_button = named(QPushButton(self.tr("政策宣传…")), "settings.notices",
                                    self.tr("政策宣传"),
                                    self.tr("叫号屏上轮流展示的公告和政策（标题、内容、展示日期）"))
        self.status = named(QLabel(), "settings.speech_status", self.tr("语音设置结果"))
        self.status.setWordWrap(True)
        self.errors = {key: FieldError(f"settings.{key}_error") for key in SPEECH_KEYS}
        form = QFormLayout()
        for key, label, widget in (
            ("speech_enabled", "", self.enabled),
            ("speech_repetitions", self.tr("每个号播报"), self.repetitions),
            ("speech_volume", self.tr("音量"), self.volume),
            ("speech_rate", self.tr("语速（-10 慢 … 10 快）"), self.rate),
            ("speech_voice", self.tr("声音"), self.voice),
        ):
            cell = QHBoxLayout()
            cell.addWidget(widget)
            cell.addWidget(self.errors[key], 1)
            if key != "speech_voice":
                cell.addStretch(1)
            form.addRow(label, cell)
        form.addRow(self.tr("本机语音"), self.engine_note)
        note = QLabel(self.tr(
            "各窗口叫号时，由打开叫号屏（大厅电视）的电脑播报，只读号码和科室，不读姓名。"
            "声音列表是本机的语音；叫号屏电脑上没有所选声音时，改用它的中文语音。"))
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.notices_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.preview_button.clicked.connect(self.on_preview)
        self.save_button.clicked.connect(self.on_save)
        self.notices_button.clicked.connect(self.on_notices)
        self.enabled.toggled.connect(self._enable_fields)

    def _enable_fields(self, on: bool) -> None:
        for widget in (self.repetitions, self.volume, self.rate, self.voice):
            widget.setEnabled(on)

    def load(self) -> None:
        with self.database.read() as session:
            settings = speech.speech_settings(load_settings(session))
        self.enabled.setChecked(settings.enabled)
        self._enable_fields(settings.enabled)
        self.repetitions.setValue(settings.repetitions)
        self.volume.setValue(settings.volume)
        self.rate.setValue(settings.rate)
        problem = self.speaker.problem
        self.voice.clear()
        self.voice.addItem(self.tr("自动（优先用中文语音）"), "")
        voices = [] if problem else self.speaker.engine.voices()
        for voice in voices:
            self.voice.addItem(voice.label, voice.name)
        if settings.voice and self.voice.findData(settings.voice) < 0:
            self.voice.addItem(self.tr("{0}（本机没有）").format(settings.voice), settings.voice)
        self.voice.setCurrentIndex(max(self.voice.findData(settings.voice), 0))
        if problem:
            self.engine_note.setText(self.tr("本机不能朗读：{0}。叫号屏照常显示。").format(problem))
        elif not any(voice.chinese for voice in voices):
            self.engine_note.setText(self.tr("本机的语音引擎没有中文语音（Windows 可在“设置 → "
                                             "时间和语言 → 语音”中添加）。"))
        else:
            self.engine_note.setText(self.tr("可用，{0} 个声音。").format(len(voices)))

    def form_settings(self) -> speech.SpeechSettings:
        return speech.SpeechSettings(
            enabled=self.enabled.isChecked(), repetitions=self.repetitions.value(),
            volume=self.volume.value(), rate=self.rate.value(),
            voice=str(self.voice.currentData() or ""))

    def sample_text(self) -> str:
        """A call of the centre's first room, as the hall would hear it."""
        with self.database.read() as session:
            rooms = [r for r in staff.room_entries(session) if r.active]
        rooms.sort(key=lambda r: r.kind != "room")
        prefix, name = ((rooms[0].ticket_prefix, rooms[0].name) if rooms
                        else ("调", "矛盾纠纷调解室"))
        return speech.call_text(f"{prefix}-{SAMPLE_TICKET}", name)

    def on_preview(self) -> None:
        """Say one sample call on this PC, as the form stands."""
        self.speaker.stop()
        self.speaker.configure(replace(self.form_settings(), enabled=True))
        text = self.sample_text()
        if self.speaker.announce(text, 1):
            self.status.setText(self.tr("正在试听：{0}").format(text))
        else:
            self.status.setText(self.tr("本机不能朗读：{0}").format(self.speaker.problem))

    def on_save(self) -> None:
        chosen = self.form_settings()
        with self.database.read() as session:
            current = load_settings(session)
        settings = replace(
            current, speech_enabled="1" if chosen.enabled else "0",
            speech_repetitions=str(chosen.repetitions), speech_volume=str(chosen.volume),
            speech_rate=str(chosen.rate), speech_voice=chosen.voice)
        try:
            with self.database.write() as session:
                save_settings(session, settings, SPEECH_KEYS)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            self.status.setText(self.tr("语音设置未保存：请按提示修改。"))
            return
        self.show_errors({})
        self.status.setText(self.tr("语音设置已保存，叫号屏几秒内生效。"))

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))

    def on_notices(self) -> NoticesDialog:
        dialog = NoticesDialog(database=self.database, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.notices_changed)
        self.notices_dialog = dialog
        dialog.open()
        return dialog
