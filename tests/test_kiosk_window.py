"""The kiosk through its real window: a number taken by touch, printed, gone when idle;
the desk registers the resident under it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.cli import main
from desktop.config import PrinterSettings, save_printer_settings
from desktop.db import Database
from desktop.models import KioskTicket, Referral
from desktop.services.admin import auth
from desktop.views import app as app_module
from desktop.views.errors import ExceptionHook
from desktop.views.main_window import MainWindow
from desktop.views.pdf_preview import PdfPreviewDialog
from desktop.views.reception.kiosk import KioskWindow, SystemPrinter
from tests.factories import id_number
from tests.qt_helpers import show_active, type_text
from tests.reception_helpers import register


class Printer:
    """The receipt printer: keeps what it was given, or fails as an unplugged one."""

    def __init__(self, *, works: bool = True) -> None:
        self.works = works
        self.printed: list[tuple[str, bytes]] = []

    def __call__(self, pdf: bytes, ticket_no: str) -> None:
        if not self.works:
            raise RuntimeError("no printer installed")
        self.printed.append((ticket_no, pdf))


@pytest.fixture
def kiosk_db(database: Database) -> Iterator[Database]:
    url = database.engine.url.render_as_string(hide_password=False)
    other = Database.open(url, migrate=False, desk="自助取号机")
    other.actor = auth.KIOSK_ACTOR
    yield other
    other.dispose()


def _open(qtbot: QtBot, database: Database, printer: Printer, **kw: int) -> KioskWindow:
    window = KioskWindow(database=database, printer=printer, **kw)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    return window


def _touch(qtbot: QtBot, widget: QAbstractButton) -> None:
    """A finger on the button and off again (Qt makes the click of it)."""
    device = QTest.createTouchDevice()
    centre = widget.rect().center()
    QTest.touchEvent(widget.window(), device).press(
        0, widget.mapTo(widget.window(), centre)).commit()
    QTest.touchEvent(widget.window(), device).release(
        0, widget.mapTo(widget.window(), centre)).commit()
    qtbot.wait(20)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = tmp_path / "ticket.pdf"
    out.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout


def _screen_texts(window: KioskWindow) -> str:
    return " ".join(w.text() for w in window.findChildren(QLabel) + window.findChildren(
        QPushButton) if w.isVisible())


def test_a_number_taken_by_touch_is_printed_and_shown(
    qtbot: QtBot, database: Database, kiosk_db: Database, tmp_path: Path
) -> None:
    register(database, 1)  # one resident already waits for the mediation room
    printer = Printer()
    window = _open(qtbot, kiosk_db, printer)
    assert window.at_home
    button = window.button_for("邻里")
    assert button.accessibleName() == "邻里" and "矛盾纠纷调解室 · 等候 1 人" in button.text()
    assert "东林街道综治中心" in window.title.text()
    assert "010-62345678" in window.footer.text()
    _touch(qtbot, button)
    qtbot.waitUntil(lambda: not window.at_home)
    assert window.done_number.text() == "调-002"
    assert "矛盾纠纷调解室（一楼东侧）" in window.done_room.text()
    assert window.done_waiting.text() == "您前面还有 1 人等候"
    assert window.done_printing.text() == "凭条已打印，请从出票口取走"
    ((ticket_no, pdf),) = printer.printed
    assert ticket_no == "调-002"
    text = _pdf_text(pdf, tmp_path)
    for expected in ("调-002", "矛盾纠纷调解室（一楼东侧）", "您前面还有 1 人等候",
                     "010-62345678", "办理事项：邻里"):
        assert expected in text, (expected, text)
    # A second number by mouse (a touch screen driven as a mouse) follows the first.
    qtbot.mouseClick(window.home_button, Qt.MouseButton.LeftButton)
    assert window.at_home and window.done_number.text() == ""
    qtbot.mouseClick(window.button_for("邻里"), Qt.MouseButton.LeftButton)
    assert window.done_number.text() == "调-003"
    assert window.done_waiting.text() == "您前面还有 2 人等候"
    with database.read() as session:
        assert list(session.scalars(select(KioskTicket.ticket_no).order_by(KioskTicket.id))) \
            == ["调-002", "调-003"]


def test_idle_the_kiosk_returns_to_its_first_screen(
    qtbot: QtBot, database: Database, kiosk_db: Database
) -> None:
    # Margins of 1.5 s either side: a busy machine may overrun a wait by some hundred ms.
    window = _open(qtbot, kiosk_db, Printer(), idle_ms=3000)
    qtbot.mouseClick(window.button_for("困难帮扶"), Qt.MouseButton.LeftButton)
    assert window.done_number.text() == "爱-001"
    qtbot.wait(1500)
    # A touch on the screen: someone is still reading it.
    qtbot.mousePress(window.done_hint, Qt.MouseButton.LeftButton)
    qtbot.wait(1500)
    assert not window.at_home and window.done_number.text() == "爱-001"
    qtbot.waitUntil(lambda: window.at_home, timeout=6000)
    # Nothing of the last number is left on the screen or kept by the window.
    assert window.last_ticket is None and window.last_pdf == b""
    assert "爱-001" not in _screen_texts(window)
    assert all(b.isEnabled() for b in window.buttons.values())
    assert "关爱工作室 · 等候 1 人" in window.button_for("困难帮扶").text()


def test_without_a_printer_the_number_is_still_given(
    qtbot: QtBot, database: Database, kiosk_db: Database
) -> None:
    window = _open(qtbot, kiosk_db, Printer(works=False))
    qtbot.mouseClick(window.button_for("心理疏导"), Qt.MouseButton.LeftButton)
    assert window.done_number.text() == "心-001"
    assert "凭条未能打印，请记下您的排队号 心-001" in window.done_printing.text()


def test_the_desk_registers_the_kiosk_number(
    qtbot: QtBot, sqlite_database: Database, tmp_path: Path
) -> None:
    url = sqlite_database.engine.url.render_as_string(hide_password=False)
    kiosk_db = Database.open(url, migrate=False, desk="自助取号机")
    kiosk_db.actor = auth.KIOSK_ACTOR
    try:
        kiosk = _open(qtbot, kiosk_db, Printer())
        qtbot.mouseClick(kiosk.button_for("邻里"), Qt.MouseButton.LeftButton)
        number = kiosk.done_number.text()
        assert number == "调-001"

        window = MainWindow(database=sqlite_database)
        qtbot.addWidget(window)
        show_active(qtbot, window)
        page = window.registration
        box = page.kiosk_tickets
        box.refresh()
        assert box.list.count() == 1
        first, second = box.list.item(0).text().split("\n")
        assert first.startswith(f"自助　{number}　") and second == "邻里 → 矛盾纠纷调解室"
        qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=box.list.visualItemRect(box.list.item(0)).center())
        qtbot.mouseClick(box.use_button, Qt.MouseButton.LeftButton)
        assert page.kiosk_info.text() == f"自助取号 {number}：保存后沿用此号"
        assert page.category.currentText() == "邻里"
        assert page.room.currentText() == "矛盾纠纷调解室"
        type_text(qtbot, page.name, "王秀英")
        type_text(qtbot, page.id_number, id_number(7))
        type_text(qtbot, page.phone, "13912345678")
        type_text(qtbot, page.summary, "邻居长期占用楼道堆放杂物")
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        assert number in page.status.text() and "自助取号" in page.status.text()
        with sqlite_database.read() as session:
            referral = session.scalar(select(Referral))
            assert referral is not None and referral.ticket_no == number
            assert session.scalar(select(KioskTicket.status)) == "registered"
        preview = page.last_preview
        assert isinstance(preview, PdfPreviewDialog)
        preview.close()
        # The number left the desk's list and the form.
        assert box.list.count() == 0 and not page.kiosk_info.isVisible()
        # The room's queue shows it as taken at the kiosk.
        queue = window.queue
        queue.room.setCurrentIndex(queue.room.findText("矛盾纠纷调解室"))
        queue.refresh_queue()
        assert queue.table.item(0, 0).text() == number
        assert queue.table.item(0, 7).text().startswith("自助取号")
        # The kiosk shows the queue length, never the resident.
        kiosk.go_home()
        assert "王秀英" not in _screen_texts(kiosk)
        assert "矛盾纠纷调解室 · 等候 1 人" in kiosk.button_for("邻里").text()
    finally:
        kiosk_db.dispose()


def test_the_kiosk_command(
    qtbot: QtBot, sqlite_database: Database, sqlite_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[KioskWindow] = []

    def full_screen(self: KioskWindow) -> None:
        shown.append(self)
        self.show()
        QTimer.singleShot(300, QApplication.quit)

    monkeypatch.setattr(KioskWindow, "showFullScreen", full_screen)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    monkeypatch.delenv("DESKTOP_USER")  # nobody signs in at the kiosk
    monkeypatch.delenv("DESKTOP_PASSWORD")
    assert app_module.run_kiosk
    assert main(["--db", sqlite_db_url, "kiosk"]) == 0
    (window,) = shown
    assert window.database.actor == auth.KIOSK_ACTOR
    assert len(window.buttons) == 17
    window.close()
    window.deleteLater()
    qtbot.wait(50)


def test_the_kiosk_prints_on_this_pcs_receipt_printer(
    sqlite_db_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --printer the kiosk takes the receipt printer chosen in 系统设置."""
    printers: list[str | None] = []

    class Window:
        def __init__(self, *, database: Database, printer: SystemPrinter,
                     reader: object = None) -> None:
            printers.append(printer.name)

        def show(self) -> None:
            QTimer.singleShot(0, QApplication.quit)

        def stop_card_reader(self) -> None:
            pass

    monkeypatch.setattr("desktop.views.reception.kiosk.KioskWindow", Window)
    monkeypatch.setattr(ExceptionHook, "install", lambda self: None)
    save_printer_settings(PrinterSettings(receipt_printer="前台热敏打印机"))
    assert app_module.run_kiosk(db_url=sqlite_db_url, windowed=True) == 0
    assert app_module.run_kiosk(db_url=sqlite_db_url, windowed=True, printer="自助机打印机") == 0
    assert printers == ["前台热敏打印机", "自助机打印机"]
