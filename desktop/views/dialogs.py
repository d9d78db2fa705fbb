"""Every question or message box goes through these functions, so tests can replace them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


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
           options: list[tuple[str, str]]) -> str | None:
    """Ask which of ``options`` (label, value) applies; ``None`` when the user cancels."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    buttons = {box.addButton(label, QMessageBox.ButtonRole.AcceptRole): value
               for label, value in options}
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return next((value for button, value in buttons.items() if button is clicked), None)


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filter_: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return Path(path) if path else None


def ask_open_path(parent: QWidget | None, title: str, filter_: str) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filter_)
    return Path(path) if path else None
