"""Every question or message box goes through these functions, so tests can replace them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop.services.files import FileInUseError
from desktop.views.widgets import named


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose(parent: QWidget | None, title: str, text: str,
           options: list[tuple[str, str]], *, key: str = "choose") -> str | None:
    """Ask which of ``options`` (label, value) applies; ``None`` when the user cancels.

    The box is ``{key}_dialog``, its buttons ``{key}.{value}`` and ``{key}.cancel``.
    """
    box = named(QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent),
                f"{key}_dialog", title)
    buttons = {named(box.addButton(label, QMessageBox.ButtonRole.AcceptRole),
                     f"{key}.{value}", label): value
               for label, value in options}
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    named(cancel, f"{key}.cancel", "取消")
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return next((value for button, value in buttons.items() if button is clicked), None)


def ask_text(parent: QWidget | None, title: str, label: str, *,
             key: str = "ask_text") -> str | None:
    """One line of text the user types (e.g. a reason); ``None`` when the user cancels."""
    dialog = named(QInputDialog(parent), f"{key}_dialog", title)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("确定")
    dialog.setCancelButtonText("取消")
    if not dialog.exec():
        return None
    return dialog.textValue()


def file_dialog(parent: QWidget | None, title: str, suggested: str, filter_: str, *,
                save: bool) -> QFileDialog:
    """Qt's own file dialog with every label in Chinese.

    Qt's Chinese translation leaves "Look in" and "Files of type" in English.
    """
    dialog = QFileDialog(parent, title, suggested, filter_)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save
                         else QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile if save
                       else QFileDialog.FileMode.ExistingFile)
    for label, text in ((QFileDialog.DialogLabel.LookIn, "查找范围："),
                        (QFileDialog.DialogLabel.FileName, "文件名："),
                        (QFileDialog.DialogLabel.FileType, "文件类型："),
                        (QFileDialog.DialogLabel.Accept, "保存" if save else "打开"),
                        (QFileDialog.DialogLabel.Reject, "取消")):
        dialog.setLabelText(label, text)
    return dialog


def _chosen_path(dialog: QFileDialog) -> Path | None:
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filter_: str) -> Path | None:
    return _chosen_path(file_dialog(parent, title, suggested, filter_, save=True))


def ask_open_path(parent: QWidget | None, title: str, filter_: str) -> Path | None:
    return _chosen_path(file_dialog(parent, title, "", filter_, save=False))


def ask_folder(parent: QWidget | None, title: str, start: str) -> Path | None:
    """A folder, chosen in Qt's own dialog with its labels in Chinese."""
    dialog = file_dialog(parent, title, start, "", save=False)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "选择")
    return _chosen_path(dialog)


def save_elsewhere(parent: QWidget | None, exc: FileInUseError) -> bool:
    """The file is open in another program: save under the free name beside it instead?"""
    return confirm(parent, "文件正被使用",
                   f"{'；'.join(exc.errors.values())}\n\n现在另存为“{exc.suggested.name}”吗？")
