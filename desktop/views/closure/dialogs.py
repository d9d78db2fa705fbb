"""The small dialogs of the 回复评价 page: a reply, a rating, a rectification note.

Each checks nothing itself: it hands what was typed to its service, which writes it in a
transaction of its own, and shows each refusal beside its field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from desktop.db import Database
from desktop.services import privacy
from desktop.services.closure import lists, replies
from desktop.views.form_widgets import DateTimeEdit
from desktop.views.record_form import RecordDialog
from desktop.views.widgets import named


def _caption(key: str, text: str, label: str) -> QLabel:
    caption = named(QLabel(text), key, label)
    caption.setWordWrap(True)
    return caption


def _combo(items: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    combo.addItem("", None)
    for item in items:
        combo.addItem(item, item)
    return combo


def _text() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(90)
    return edit


class ReplyDialog(RecordDialog):
    """回复: how, when and what the resident was told (the signed-in account replied)."""

    def __init__(self, *, database: Database, visit_id: int, caption: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(key="closure.reply", title=self.tr("回复群众"), save=self.save_reply,
                         parent=parent)
        self.database = database
        self.visit_id = visit_id
        self.caption = _caption("closure.reply.caption", caption, self.tr("事项"))
        self.form.addRow(self.tr("事项"), self.caption)
        self.method = self.add_field("method", self.tr("回复方式"), _combo(replies.METHODS))
        self.replied_at = self.add_field("replied_at", self.tr("回复时间"), DateTimeEdit())
        self.content = self.add_field("content", self.tr("回复内容"), _text())
        self.content.setPlaceholderText(self.tr("告知群众的办理结果"))
        with database.read() as session:
            earlier = lists.reply_of(session, visit_id)
        if earlier is not None:  # a correction of the reply
            self.setWindowTitle(self.tr("更正回复"))
            self.method.setCurrentIndex(max(self.method.findData(earlier["method"]), 0))
            self.replied_at.set_value(earlier["replied_at"])
            if earlier["content"] != privacy.CONFIDENTIAL_TEXT:
                self.content.setPlainText(earlier["content"])

    def save_reply(self) -> int:
        return replies.reply(self.database, self.visit_id, self.method.currentData() or "",
                             self.content.toPlainText(), replied_at=self.replied_at.value())


class RatingDialog(RecordDialog):
    """评价: the resident's level of satisfaction, and how it was asked."""

    def __init__(self, *, database: Database, visit_id: int, caption: str,
                 rerating: bool = False, parent: QWidget | None = None) -> None:
        title = self.tr("整改后再次评价") if rerating else self.tr("记录群众评价")
        super().__init__(key="closure.rating", title=title, save=self.save_rating,
                         parent=parent)
        self.database = database
        self.visit_id = visit_id
        self.caption = _caption("closure.rating.caption", caption, self.tr("事项"))
        self.form.addRow(self.tr("事项"), self.caption)
        self.level = self.add_field("level", self.tr("评价等级"), _combo(replies.LEVELS))
        self.channel = self.add_field("channel", self.tr("评价方式"), _combo(replies.CHANNELS))
        self.rated_at = self.add_field("rated_at", self.tr("评价时间"), DateTimeEdit())
        self.comment = self.add_field("comment", self.tr("群众意见"), _text())
        self.hint = named(QLabel(self.tr("不满意或非常不满意将启动整改，15个工作日内办结")),
                          "closure.rating.hint", self.tr("提示"))
        self.form.addRow(self.hint)

    def save_rating(self) -> int:
        return replies.rate(self.database, self.visit_id, self.level.currentData() or "",
                            self.channel.currentData() or "",
                            comment=self.comment.toPlainText(), rated_at=self.rated_at.value())


class NoteDialog(RecordDialog):
    """整改情况: one follow-up of an open rectification."""

    def __init__(self, *, database: Database, rectification_id: int, caption: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(key="closure.note", title=self.tr("整改记录"), save=self.save_note,
                         parent=parent)
        self.database = database
        self.rectification_id = rectification_id
        self.caption = _caption("closure.note.caption", caption, self.tr("整改"))
        self.form.addRow(self.tr("整改"), self.caption)
        self.text = self.add_field("text", self.tr("整改情况"), _text())

    def save_note(self) -> int:
        return replies.note(self.database, self.rectification_id, self.text.toPlainText())
