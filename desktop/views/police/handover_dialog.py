"""The editor of one hand-over (移交): what, when, the station and officer, the reply."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop.db import Database
from desktop.services.police import handovers
from desktop.services.police.handovers import HandoverInput, HandoverRef
from desktop.views.form_widgets import DateTimeEdit, OptionalDateEdit, select_text
from desktop.views.record_form import RecordDialog


class HandoverDialog(RecordDialog):
    """A new hand-over (``handover_id`` None) or one to complete: the reply, the case link."""

    def __init__(self, *, database: Database, data: HandoverInput,
                 handover_id: int | None = None, version: int | None = None,
                 handover_no: str = "", parent: QWidget | None = None) -> None:
        title = (self.tr("移交记录 {0}").format(handover_no) if handover_id
                 else self.tr("登记移交"))
        super().__init__(key="handover", title=title, save=self.save_handover, parent=parent)
        self.database = database
        self.handover_id = handover_id
        self.version = version
        self.data = data
        self.resize(560, 640)
        self._add_widgets()
        self.set_input(data)

    def _add_widgets(self) -> None:
        self.kind = QComboBox()
        self.kind.addItems(list(handovers.KINDS))
        self.add_field("kind", self.tr("移交类型"), self.kind)
        self.handed_at = DateTimeEdit()
        self.add_field("handed_at", self.tr("移交时间"), self.handed_at)
        self.person_name = QLineEdit()
        self.add_field("person_name", self.tr("当事人"), self.person_name, error_keys=("visit",))
        self.person_phone = QLineEdit()
        self.add_field("person_phone", self.tr("当事人电话"), self.person_phone)
        self.matter = QPlainTextEdit()
        self.matter.setTabChangesFocus(True)
        self.matter.setFixedHeight(90)
        self.add_field("matter", self.tr("移交事项"), self.matter)
        self.station = QLineEdit()
        self.station.setPlaceholderText(self.tr("如 东林派出所"))
        self.add_field("station", self.tr("派出所"), self.station)
        self.officer_name = QLineEdit()
        self.add_field("officer_name", self.tr("民警姓名"), self.officer_name)
        self.officer_phone = QLineEdit()
        self.add_field("officer_phone", self.tr("民警电话"), self.officer_phone)
        self.officer_badge = QLineEdit()
        self.officer_badge.setPlaceholderText(self.tr("选填"))
        self.add_field("officer_badge", self.tr("警号"), self.officer_badge)
        self.reply_due = OptionalDateEdit(empty_text=self.tr("默认7天"))
        self.add_field("reply_due", self.tr("回复期限"), self.reply_due)
        self.reply_on = OptionalDateEdit(empty_text=self.tr("尚未回复"))
        self.add_field("reply_on", self.tr("回复日期"), self.reply_on)
        self.reply_content = QPlainTextEdit()
        self.reply_content.setTabChangesFocus(True)
        self.reply_content.setFixedHeight(70)
        self.add_field("reply_content", self.tr("回复内容"), self.reply_content)
        self.case_no = QLineEdit()
        self.case_no.setPlaceholderText(self.tr("警调联动：填写调解案号，如（2026）东人调字第0001号"))
        self.add_field("case_no", self.tr("关联调解案号"), self.case_no)

    def set_input(self, data: HandoverInput) -> None:
        select_text(self.kind, data.kind)
        if data.handed_at is not None:
            self.handed_at.set_value(data.handed_at)
        self.person_name.setText(data.person_name)
        self.person_phone.setText(data.person_phone)
        self.matter.setPlainText(data.matter)
        self.station.setText(data.station)
        self.officer_name.setText(data.officer_name)
        self.officer_phone.setText(data.officer_phone)
        self.officer_badge.setText(data.officer_badge)
        self.reply_due.set_value(data.reply_due)
        self.reply_on.set_value(data.reply_on)
        self.reply_content.setPlainText(data.reply_content)
        self.case_no.setText(data.case_no)

    def form_input(self) -> HandoverInput:
        return HandoverInput(
            kind=self.kind.currentText(), matter=self.matter.toPlainText(),
            handed_at=self.handed_at.value(), station=self.station.text(),
            officer_name=self.officer_name.text(), officer_phone=self.officer_phone.text(),
            officer_badge=self.officer_badge.text(), person_name=self.person_name.text(),
            person_phone=self.person_phone.text(), reply_due=self.reply_due.value(),
            reply_on=self.reply_on.value(), reply_content=self.reply_content.toPlainText(),
            case_no=self.case_no.text(), visit_id=self.data.visit_id,
            referral_id=self.data.referral_id,
        )

    def save_handover(self) -> int:
        data = self.form_input()
        if self.handover_id is None:
            ref: HandoverRef = handovers.record_handover(self.database, data)
            return ref.handover_id
        assert self.version is not None
        handovers.update_handover(self.database, self.handover_id, data, version=self.version)
        return self.handover_id
