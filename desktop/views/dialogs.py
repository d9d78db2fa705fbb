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


def ask_save_path(parent: QWidget | None, title: str, suggested: str, filter_: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
    return Path(path) if path else None


def ask_open_path(parent: QWidget | None, title: str, filter_: str) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filter_)
    return Path(path) if path else None


def ask_folder(parent: QWidget | None, title: str, start: str) -> Path | None:
    path = QFileDialog.getExistingDirectory(parent, title, start)
    return Path(path) if path else None
