"""The 台账统计 page through the real window: charts, exports (and cancelling one), imports."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCharts import (
    QBarSeries,
    QCategoryAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop.db import Database
from desktop.exports import workbook
from desktop.models import FollowUp, MediationCase, Person, Staff, Visit
from desktop.services.admin import auth
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.admin.imports import IMPORTS
from desktop.services.demo.generate import generate_demo_data
from desktop.services.registers import dashboard
from desktop.services.registers.rows import Period, count_disputes, count_visits
from desktop.views import dialogs
from desktop.views.db_status import status_for
from desktop.views.main_window import MainWindow
from desktop.views.registers import exports_tab
from desktop.views.registers.reports_page import ReportsPage, day_label_positions
from tests.mediation_helpers import awkward_cases
from tests.qt_helpers import show_active


@pytest.fixture
def page(qtbot: QtBot, sqlite_database: Database) -> Iterator[ReportsPage]:
    generate_demo_data(sqlite_database, visits=300)
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    show_active(qtbot, window)
    shown = window.show_section("台账统计")
    assert isinstance(shown, ReportsPage)
    _wait_for_figures(qtbot, shown)
    yield shown
    window.close()


def _wait_for_figures(qtbot: QtBot, page: ReportsPage) -> None:
    """The dashboard reads its figures off the GUI thread: wait for them to be shown."""
    qtbot.waitUntil(lambda: not page.refreshing, timeout=30000)
    assert page.overview.dashboard_status.text().startswith("统计于")


def _wait_for_task(qtbot: QtBot, page: ReportsPage) -> None:
    task = page.exports.last_task
    assert task is not None
    status = page.exports.export_status
    qtbot.waitUntil(lambda: not status.text().startswith("正在导出"), timeout=60000)


def test_dashboard_shows_today_and_charts(qtbot: QtBot, page: ReportsPage,
                                          sqlite_database: Database) -> None:
    today = date.today()
    with sqlite_database.read() as session:
        visits_today = count_visits(session, Period(today, today))
        last_30 = count_visits(session, Period(today - timedelta(days=29), today))
    assert page.overview.tiles["visits"].value.text() == str(visits_today)
    assert page.overview.tiles["waiting"].value.text().isdigit()
    # An open case accepted 45 days ago is overdue; the tiles follow a refresh.
    awkward_cases(sqlite_database, today - timedelta(days=45))
    page.refresh()
    _wait_for_figures(qtbot, page)
    with sqlite_database.read() as session:
        cases = list(session.scalars(select(MediationCase)))
        follow_ups = list(session.scalars(select(FollowUp)))
    open_cases = [c for c in cases if c.outcome is None]
    overdue = [c for c in open_cases if (today - c.accepted_on).days > 30]
    due = [f for f in follow_ups if f.done_on is None and f.planned_on <= today]
    assert open_cases and overdue and due
    assert page.overview.tiles["cases_open"].value.text() == str(len(open_cases))
    assert page.overview.tiles["cases_overdue"].value.text() == str(len(overdue))
    assert page.overview.tiles["cases_overdue"].note.text() == "超过30日调解期限"
    assert page.overview.tiles["follow_ups"].value.text() == str(len(due))
    for key in ("cases_open", "cases_overdue", "follow_ups"):
        assert "未启用" not in page.overview.tiles[key].note.text()
    assert page.overview.rooms_table.rowCount() == 6 + 1  # the rooms, then 议事's actions
    assert page.overview.rooms_table.item(1, 0).text() == "矛盾纠纷调解室"
    assert page.overview.rooms_table.item(1, 4).text() == str(len(open_cases))  # 在办
    assert page.overview.rooms_table.item(1, 5).text() == str(len(overdue))  # 超期

    (line,) = page.overview.visits_chart.chart().series()
    assert isinstance(line, QLineSeries)
    assert line.count() == 30
    assert sum(point.y() for point in line.points()) == last_30
    (bars,) = page.overview.category_chart.chart().series()
    assert isinstance(bars, QHorizontalBarSeries)
    assert 0 < bars.barSets()[0].count() <= 8
    (success,) = page.overview.success_chart.chart().series()
    assert isinstance(success, QBarSeries)
    (rates,) = success.barSets()
    assert rates.count() == 12
    months = []  # the last 12 months, oldest first
    year, month = today.year, today.month
    for _ in range(12):
        months.insert(0, (year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels = page.overview.success_chart.chart().axes(Qt.Orientation.Horizontal)[0].categories()
    assert labels == [f"{m}月" for _y, m in months]
    for i, (year, month) in enumerate(months):
        label = f"{year}-{month:02d}"
        closed = [c for c in cases if c.outcome and f"{c.closed_on:%Y-%m}" == label]
        succeeded = [c for c in closed if c.outcome == "调解成功"]
        expected = round(len(succeeded) * 100 / len(closed), 1) if closed else 0.0
        assert rates.at(i) == pytest.approx(expected), label
    assert any(rates.at(i) > 0 for i in range(12))
    first, last = months[0], months[-1]
    assert page.overview.success_chart.chart().title() == (
        f"调解成功率（{first[0]}-{first[1]:02d} 至 {last[0]}-{last[1]:02d}，%）")
    # The rate scale ends at 100%; the room above is for the label of a 100% bar.
    (rate_axis,) = page.overview.success_chart.chart().axes(Qt.Orientation.Vertical)
    assert isinstance(rate_axis, QValueAxis)
    assert rate_axis.tickType() == QValueAxis.TickType.TicksDynamic
    assert (rate_axis.tickAnchor(), rate_axis.tickInterval()) == (0, 20)
    assert 100 <= rate_axis.max() < 120
    # Day labels sit on days, evenly spaced, the last day labelled.
    (days_axis,) = page.overview.visits_chart.chart().axes(Qt.Orientation.Horizontal)
    assert isinstance(days_axis, QCategoryAxis)
    positions = [days_axis.endValue(label) for label in days_axis.categoriesLabels()]
    gaps = {b - a for a, b in pairwise(positions)}
    assert len(gaps) == 1 and positions[-1] == 29 and 4 <= len(positions) <= 8
    assert days_axis.categoriesLabels()[-1] == f"{today:%m-%d}"
    image = page.grab().toImage()
    assert not image.isNull() and image.width() > 600

    # Filtering by a community narrows the charts.
    page.overview.community.setCurrentIndex(1)
    _wait_for_figures(qtbot, page)
    (line,) = page.overview.visits_chart.chart().series()
    assert 0 < sum(point.y() for point in line.points()) < last_30


def test_the_figures_are_read_off_the_gui_thread_the_old_ones_shown_meanwhile(
    qtbot: QtBot, page: ReportsPage, sqlite_database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_figures = dashboard.figures
    gate = threading.Event()
    reads: list[tuple[threading.Thread, int | None]] = []

    def held_figures(session, day, period, *, community_id=None):  # type: ignore[no-untyped-def]
        reads.append((threading.current_thread(), community_id))
        assert gate.wait(30)
        return real_figures(session, day, period, community_id=community_id)

    monkeypatch.setattr(dashboard, "figures", held_figures)
    before = page.overview.tiles["cases_open"].value.text()
    awkward_cases(sqlite_database, date.today() - timedelta(days=45))
    qtbot.mouseClick(page.overview.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(reads) == 1)
    # The read runs on a worker; the window goes on taking events, the old figures shown.
    assert reads[0][0] is not threading.main_thread()
    qtbot.wait(50)
    assert page.refreshing and page.overview.dashboard_status.text() == "正在更新统计…"
    assert page.overview.tiles["cases_open"].value.text() == before
    # Asked again meanwhile (刷新 twice, another community): one more read, with the
    # filters as they are when it starts.
    qtbot.mouseClick(page.overview.refresh_button, Qt.MouseButton.LeftButton)
    page.overview.community.setCurrentIndex(1)
    assert len(reads) == 1
    gate.set()
    _wait_for_figures(qtbot, page)
    chosen = page.overview.community.currentData()
    assert [community for _thread, community in reads] == [None, chosen]
    with sqlite_database.read() as session:
        open_cases = session.scalar(select(func.count(MediationCase.id))
                                    .where(MediationCase.outcome.is_(None)))
    assert page.overview.tiles["cases_open"].value.text() == str(open_cases) != before


def test_a_failed_read_keeps_the_last_figures_and_says_so(
    qtbot: QtBot, page: ReportsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ConnectionLost(Exception):
        sqlstate = "08006"  # what psycopg says when the server went away

    def lost(*_args: object, **_kwargs: object) -> dashboard.Figures:
        raise ConnectionLost("server closed the connection unexpectedly")

    monkeypatch.setattr(dashboard, "figures", lost)
    before = page.overview.tiles["visits"].value.text()
    page.refresh()
    qtbot.waitUntil(lambda: not page.refreshing)
    assert page.overview.dashboard_status.text() == "统计未能更新，显示的是上次的数字"
    assert page.overview.tiles["visits"].value.text() == before
    assert not status_for(page.database).ok  # the window's banner says the database is away


def test_export_visit_register_from_the_page(qtbot: QtBot, page: ReportsPage,
                                             sqlite_database: Database, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "exports" / "台账"  # the suffix is added
    out.parent.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    page.exports.export_from.setDate(page.exports.export_from.date().addDays(-60))
    assert page.exports.export_disputes_button.isEnabled()
    assert "未启用" not in page.exports.disputes_note.text()
    qtbot.mouseClick(page.exports.export_visits_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    saved = out.with_suffix(".xlsx")
    assert "已导出来访登记台账" in page.exports.export_status.text()
    with sqlite_database.read() as session:
        total = count_visits(session, page.exports.export_period())
    ws = openpyxl.load_workbook(saved).active
    assert ws.max_row == 3 + total + 2  # title, subtitle, header; totals and note
    assert page.exports.export_visits_button.isEnabled()


def test_export_dispute_register_from_the_page(qtbot: QtBot, page: ReportsPage,
                                              sqlite_database: Database, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "纠纷台账.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    page.exports.export_from.setDate(page.exports.export_from.date().addDays(-90))
    qtbot.mouseClick(page.exports.export_disputes_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    with sqlite_database.read() as session:
        total = count_disputes(session, page.exports.export_period())
    assert total > 0
    assert page.exports.export_status.text().startswith(f"已导出矛盾纠纷排查化解台账（{total} 行）")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "矛盾纠纷排查化解台账"
    assert ws.max_row == 3 + total + 2
    assert page.exports.export_disputes_button.isEnabled()


def test_export_monthly_from_the_page(qtbot: QtBot, page: ReportsPage, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "exports" / "月报.xlsx"
    out.parent.mkdir()
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    qtbot.mouseClick(page.exports.export_monthly_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    assert openpyxl.load_workbook(out).sheetnames == ["人民调解月报", "综治中心来访统计"]


def test_cancelled_export_leaves_no_file(qtbot: QtBot, page: ReportsPage, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "来访登记台账.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    # Report every row and make each report slow, so the export is still running
    # when the user presses 取消 in the progress dialog.
    monkeypatch.setattr(workbook, "PROGRESS_STEP", 1)
    real_export = exports_tab.export_register
    rows_seen: list[int] = []

    def slow_export(*args, progress, cancelled, **kwargs):  # type: ignore[no-untyped-def]
        def slow_progress(done: int, total: int) -> None:
            rows_seen.append(done)
            time.sleep(0.01)
            progress(done, total)

        return real_export(*args, progress=slow_progress, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(exports_tab, "export_register", slow_export)
    page.exports.export_from.setDate(page.exports.export_from.date().addDays(-60))
    qtbot.mouseClick(page.exports.export_visits_button, Qt.MouseButton.LeftButton)

    def progress_dialog() -> QProgressDialog | None:
        found = page.findChild(QProgressDialog, "progress_dialog")
        return found if found is not None and found.isVisible() else None

    qtbot.waitUntil(lambda: progress_dialog() is not None, timeout=10000)
    qtbot.waitUntil(lambda: len(rows_seen) >= 20)
    dialog = progress_dialog()
    assert dialog is not None and 0 < dialog.value() < dialog.maximum()
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    assert page.exports.export_status.text() == "已取消导出来访登记台账，未生成文件。"
    assert len(rows_seen) < 300  # it stopped midway
    assert list(folder.iterdir()) == []


def test_import_with_bad_rows_shows_them(qtbot: QtBot, page: ReportsPage,
                                         sqlite_database: Database, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "staff.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = IMPORTS["staff"].sheet
    wb.active.append(list(IMPORTS["staff"].headers))
    wb.active.append(["新同事", "接待员", "", ""])
    wb.active.append(["", "调解员", "不存在的室", ""])
    wb.save(bad)
    with sqlite_database.read() as session:
        before = session.scalar(select(func.count(Staff.id)))
    page.tabs.setCurrentIndex(2)
    page.imports.import_kind.setCurrentIndex(page.imports.import_kind.findData("staff"))
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: bad)
    qtbot.mouseClick(page.imports.import_button, Qt.MouseButton.LeftButton)
    rows = [[page.imports.problems.item(r, c).text() for c in range(3)]
            for r in range(page.imports.problems.rowCount())]
    assert rows == [["3", "姓名", "必填，不能为空"],
                    ["3", "所在室", "系统中没有“不存在的室”，请先导入或添加该室"]]
    assert "未导入" in page.imports.import_status.text()
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count(Staff.id))) == before

    # The template of the list, exported from the page, imports back cleanly.
    template = tmp_path / "模板.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: template)
    qtbot.mouseClick(page.imports.template_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda *a: template)
    qtbot.mouseClick(page.imports.import_button, Qt.MouseButton.LeftButton)
    assert page.imports.problems.rowCount() == 0
    assert page.imports.import_status.text() == (
        f"工作人员：已导入 {before} 行：新增 0 条，更新 {before} 条。")
    with sqlite_database.read() as session:
        assert session.scalar(select(func.count(Visit.id))) == 300


@pytest.mark.parametrize(("days", "expected"), [
    (0, []), (1, [0]), (5, [0, 1, 2, 3, 4]), (8, list(range(8))), (9, [0, 2, 4, 6, 8]),
    (30, [1, 5, 9, 13, 17, 21, 25, 29]), (31, [2, 6, 10, 14, 18, 22, 26, 30]),
])
def test_day_labels_are_evenly_spaced_and_end_on_the_last_day(days: int,
                                                              expected: list[int]) -> None:
    assert day_label_positions(days) == expected


def test_a_failed_export_says_in_chinese_which_file(
    qtbot: QtBot, page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "没有这个文件夹" / "月报.xlsx"
    warned: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warned.append(text))
    qtbot.mouseClick(page.exports.export_monthly_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    assert len(warned) == 1 and "Errno" not in warned[0] and "没有这个文件夹" in warned[0]
    assert "Errno" not in page.exports.export_status.text()


def test_export_with_full_numbers_asks_for_a_reason(
    qtbot: QtBot, page: ReportsPage, sqlite_database: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "完整台账.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warnings.append(text))
    reasons = iter(["  ", None, "法院调取证据"])
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: next(reasons))
    assert not page.exports.export_visits_full_button.isHidden()
    qtbot.mouseClick(page.exports.export_visits_full_button, Qt.MouseButton.LeftButton)
    assert warnings and "理由" in warnings[0] and not out.exists()
    qtbot.mouseClick(page.exports.export_visits_full_button, Qt.MouseButton.LeftButton)  # cancelled
    assert not out.exists() and len(warnings) == 1
    qtbot.mouseClick(page.exports.export_visits_full_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    assert "已导出来访登记台账" in page.exports.export_status.text()
    ws = openpyxl.load_workbook(out).active
    headers = [c.value for c in ws[3]]
    assert (headers[4], headers[6]) == ("身份证号", "联系电话")
    with sqlite_database.read() as session:
        phones = set(session.scalars(select(Person.phone)))
        (entry,) = list_entries(session, AuditFilter(action="export"), limit=1)
    assert any(c.value in phones for c in ws["G"])
    assert entry.raw_detail["理由"] == "法院调取证据"


def test_full_number_export_is_not_offered_without_the_right(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    sqlite_database.actor = auth.Actor(None, "领导", frozenset({"leader"}))
    shown = ReportsPage(database=sqlite_database)
    qtbot.addWidget(shown)
    assert shown.exports.export_visits_full_button.isHidden()


def test_export_care_register_from_the_page(qtbot: QtBot, page: ReportsPage,
                                            sqlite_database: Database, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services.care.rows import count_register

    out = tmp_path / "关爱对象名册.xlsx"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: out)
    assert not page.exports.export_care_button.isHidden()
    qtbot.mouseClick(page.exports.export_care_button, Qt.MouseButton.LeftButton)
    _wait_for_task(qtbot, page)
    with sqlite_database.read() as session:
        total = count_register(session, page.exports.export_period())
    assert total > 0
    assert page.exports.export_status.text().startswith(f"已导出关爱对象名册（{total} 行）")
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "关爱对象名册" and ws.max_row == 3 + total + 2
    assert page.exports.export_care_button.isEnabled()


def test_the_care_register_is_offered_to_the_care_room_only(
        qtbot: QtBot, sqlite_database: Database) -> None:
    from desktop.services import reference

    with sqlite_database.read() as session:
        rooms = {r.name: r.id for r in reference.rooms(session)}
    for room, shown in (("关爱工作室", True), ("警民联络室", False)):
        sqlite_database.actor = auth.Actor(None, "室", frozenset({"room_staff", "leader"}),
                                           room_id=rooms[room])
        page = ReportsPage(database=sqlite_database)
        qtbot.addWidget(page)
        assert page.exports.export_care_button.isHidden() is not shown
        assert not page.exports.export_disputes_button.isHidden()
