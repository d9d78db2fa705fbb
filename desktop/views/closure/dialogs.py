"""The small dialogs of the 回复评价 page: a reply, a rating, a rectification note.

Each checks nothing itself: it hands what was typed to its service in one write and
shows the service's Chinese message beside the form when it is refused.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.services import privacy
from desktop.services.closure import lists, replies
from desktop.services.errors import NotFoundError, PermissionDenied, ValidationError
from desktop.views.form_widgets import DateTimeEdit
from desktop.views.widgets import FieldError, named


class _WriteDialog(QDialog):
    """A form over one write: 保存 runs it; a refusal shows beside the form."""

    def __init__(self, *, key: str, title: str, database: Database,
                 write: Callable[[Session], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.write = write
        named(self, key, title)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = FieldError(f"{key}.error")
        self.buttons = named(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                              | QDialogButtonBox.StandardButton.Cancel),
                             f"{key}.buttons", self.tr("保存或取消"))
        self.save_button = named(self.buttons.button(QDialogButtonBox.StandardButton.Save),
                                 f"{key}.save", self.tr("保存"))
        self.save_button.setText(self.tr("保存"))
        cancel = named(self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                       f"{key}.cancel", self.tr("取消"))
        cancel.setText(self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.on_save)
        self.buttons.rejected.connect(self.reject)

    def on_save(self) -> None:
        try:
            with self.database.write() as session:
                self.write(session)
        except ValidationError as exc:
            self.error.show_message("；".join(exc.errors.values()))
            return
        except (NotFoundError, PermissionDenied) as exc:
            self.error.show_message(str(exc))
            return
        self.error.show_message(None)
        self.accept()


def _combo(key: str, label: str, items: tuple[str, ...]) -> QComboBox:
    combo = named(QComboBox(), key, label)
    combo.addItem("", None)
    for item in items:
        combo.addItem(item, item)
    return combo


def _text(key: str, label: str) -> QPlainTextEdit:
    edit = named(QPlainTextEdit(), key, label)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(90)
    return edit


class ReplyDialog(_WriteDialog):
    """回复: how, when and what the resident was told (the signed-in account replied)."""

    def __init__(self, *, database: Database, visit_id: int, caption: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(key="closure.reply", title=self.tr("回复群众"), database=database,
                         write=self.write_reply,
                         parent=parent)
        self.visit_id = visit_id
        self.caption = named(QLabel(caption), "closure.reply.caption", self.tr("事项"))
        self.caption.setWordWrap(True)
        self.method = _combo("closure.reply.method", self.tr("回复方式"), replies.METHODS)
        self.replied_at = named(DateTimeEdit(), "closure.reply.replied_at", self.tr("回复时间"))
        self.content = _text("closure.reply.content", self.tr("回复内容"))
        self.content.setPlaceholderText(self.tr("告知群众的办理结果"))
        self.form.addRow(self.tr("事项"), self.caption)
        self.form.addRow(self.tr("回复方式"), self.method)
        self.form.addRow(self.tr("回复时间"), self.replied_at)
        self.form.addRow(self.tr("回复内容"), self.content)
        with database.read() as session:
            earlier = lists.reply_of(session, visit_id)
        if earlier is not None:  # a correction of the reply
            self.setWindowTitle(self.tr("更正回复"))
            self.method.setCurrentIndex(max(self.method.findData(earlier["method"]), 0))
            self.replied_at.set_value(earlier["replied_at"])
            if earlier["content"] != privacy.CONFIDENTIAL_TEXT:
                self.content.setPlainText(earlier["content"])

    def write_reply(self, session: Session) -> object:
        return replies.record_reply(session, self.visit_id, self.method.currentData() or "",
                                    self.content.toPlainText(),
                                    replied_at=self.replied_at.value())


class RatingDialog(_WriteDialog):
    """评价: the resident's level of satisfaction, and how it was asked."""

    def __init__(self, *, database: Database, visit_id: int, caption: str,
                 rerating: bool = False, parent: QWidget | None = None) -> None:
        title = self.tr("整改后再次评价") if rerating else self.tr("记录群众评价")
        super().__init__(key="closure.rating", title=title, database=database,
                         write=self.write_rating, parent=parent)
        self.visit_id = visit_id
        self.caption = named(QLabel(caption), "closure.rating.caption", self.tr("事项"))
        self.caption.setWordWrap(True)
        self.level = _combo("closure.rating.level", self.tr("评价等级"), replies.LEVELS)
        self.channel = _combo("closure.rating.channel", self.tr("评价方式"), replies.CHANNELS)
        self.rated_at = named(DateTimeEdit(), "closure.rating.rated_at", self.tr("评价时间"))
        self.comment = _text("closure.rating.comment", self.tr("群众意见"))
        self.hint = named(QLabel(self.tr("不满意或非常不满意将启动整改，15个工作日内办结")),
                          "closure.rating.hint", self.tr("提示"))
        self.form.addRow(self.tr("事项"), self.caption)
        self.form.addRow(self.tr("评价等级"), self.level)
        self.form.addRow(self.tr("评价方式"), self.channel)
        self.form.addRow(self.tr("评价时间"), self.rated_at)
        self.form.addRow(self.tr("群众意见"), self.comment)
        self.form.addRow(self.hint)

    def write_rating(self, session: Session) -> object:
        return replies.record_rating(session, self.visit_id, self.level.currentData() or "",
                                     self.channel.currentData() or "",
                                     comment=self.comment.toPlainText(),
                                     rated_at=self.rated_at.value())


class NoteDialog(_WriteDialog):
    """整改情况: one follow-up of an open rectification."""

    def __init__(self, *, database: Database, rectification_id: int, caption: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(key="closure.note", title=self.tr("整改记录"), database=database,
                         write=self.write_note,
                         parent=parent)
        self.rectification_id = rectification_id
        self.caption = named(QLabel(caption), "closure.note.caption", self.tr("整改"))
        self.caption.setWordWrap(True)
        self.text = _text("closure.note.text", self.tr("整改情况"))
        self.form.addRow(self.tr("整改"), self.caption)
        self.form.addRow(self.tr("整改情况"), self.text)

    def write_note(self, session: Session) -> object:
        return replies.add_rectification_note(session, self.rectification_id,
                                              self.text.toPlainText())

