"""Every question or message box goes through these functions, so tests can replace them."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop.config import last_folder, remember_folder
from desktop.services.files import FileInUseError
from desktop.views.widgets import named

log = logging.getLogger(__name__)


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


def documents_folder() -> Path:
    """The user's Documents folder (C:\\Users\\NAME\\Documents), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if found and Path(found).is_dir():
        return Path(found)
    return Path.home()


def kind_of(filter_: str) -> str:
    """The kind of file a dialog is for, from its filter: "Excel 文件 (*.xlsx)" → "xlsx"."""
    patterns = re.findall(r"\*\.(\w+)", filter_)
    return ",".join(sorted({p.lower() for p in patterns})) or "files"


def start_path(suggested: str, kind: str) -> str:
    """Where a dialog opens: a bare suggested name goes into the folder last used for this
    kind of file, else into Documents; never the working folder (on Windows the
    program's own folder under C:\\Program Files, which the user cannot write)."""
    path = Path(suggested) if suggested else None
    if path is not None and path.is_absolute():
        return suggested
    folder = last_folder(kind) or documents_folder()
    return str(folder / path) if path is not None else str(folder)


def file_dialog(parent: QWidget | None, title: str, suggested: str, filter_: str, *,
                save: bool, kind: str | None = None) -> QFileDialog:
    """Qt's own file dialog with every label in Chinese, opening where :func:`start_path` says.

    Qt's Chinese translation leaves "Look in" and "Files of type" in English.
    """
    dialog = QFileDialog(parent, title, start_path(suggested, kind or kind_of(filter_)), filter_)
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
    """Run the dialog; the path chosen, or ``None`` (tests replace this with a fake)."""
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def _remembered(path: Path | None, kind: str, *, folder: bool = False) -> Path | None:
    if path is not None:
        try:
            remember_folder(kind, path if folder else path.parent)
        except OSError:
            log.warning("could not remember the folder for %s", kind, exc_info=True)
    return path


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filter_: str, *,
                  kind: str | None = None) -> Path | None:
    kind = kind or kind_of(filter_)
    dialog = file_dialog(parent, title, suggested, filter_, save=True, kind=kind)
    return _remembered(_chosen_path(dialog), kind)


def ask_open_path(parent: QWidget | None, title: str, filter_: str, *,
                  kind: str | None = None) -> Path | None:
    kind = kind or kind_of(filter_)
    dialog = file_dialog(parent, title, "", filter_, save=False, kind=kind)
    return _remembered(_chosen_path(dialog), kind)


def ask_folder(parent: QWidget | None, title: str, start: str, *,
               kind: str = "folder") -> Path | None:
    """A folder, chosen in Qt's own dialog with its labels in Chinese."""
    dialog = file_dialog(parent, title, start, "", save=False, kind=kind)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "选择")
    return _remembered(_chosen_path(dialog), kind, folder=True)


def save_elsewhere(parent: QWidget | None, exc: FileInUseError) -> bool:
    """The file is open in another program: save under the free name beside it instead?"""
    return confirm(parent, "文件正被使用",
                   f"{'；'.join(exc.errors.values())}\n\n现在另存为“{exc.suggested.name}”吗？")


XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def with_xlsx_suffix(path: Path) -> Path:
    """``path`` ending in .xlsx (a name typed without it gets it)."""
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")
