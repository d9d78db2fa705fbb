"""Personal data kept to those who need it: counselling content and full personal numbers.

Every reading function of the services is asked, as each role, for everything it shows;
what a resident told the counselling room must appear for a counsellor only, and 身份证号
and phones appear in full only in an export with a reason, which the audit log keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.cli import main
from desktop.db import Database
from desktop.exports.registers import export_register
from desktop.services import mediation, privacy
from desktop.services.admin import auth, deletion
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)
from desktop.services.reception import matching, queue
from desktop.services.reception.receipts import receipt_data
from desktop.services.reception.registration import Registration
from desktop.services.registers.dashboard import today_overview
from desktop.services.registers.monthly import centre_counts, mediation_accepted
from desktop.services.registers.rows import (
    Period,
    count_disputes,
    count_visits,
    dispute_register_rows,
    visit_register_rows,
)
from desktop.views.admin.deleted_dialog import DeletedRecordsDialog
from desktop.views.admin.settings_page import SettingsPage
from desktop.views.main_window import MainWindow
from desktop.views.mediation.case_editor import CaseEditor
from tests.factories import id_number
from tests.mediation_helpers import make_case
from tests.reception_helpers import register, room_ids

SECRET = "长期失眠，有自伤念头"
SECRET_REQUEST = "希望有人倾听"
HOLD_REASON = "情绪激动，自伤风险待评估"
ESCALATION_REASON = "自伤风险，上报街道"
PHONE = "13912345678"


def _period() -> Period:
    return Period(date.today() - timedelta(days=1), date.today())


def _counselling_visit(database: Database) -> Registration:
    """A visit to the counselling room with notes at every step, then sent on to mediation."""
    rooms = room_ids(database)
    visit = register(database, 7, room="心理咨询室", category="心理疏导", summary=SECRET,
                     request=SECRET_REQUEST, phone=PHONE)
    queue.call(database, visit.referral_id)
    queue.start(database, visit.referral_id)
    queue.hold(database, visit.referral_id, HOLD_REASON)
    queue.escalate(database, visit.visit_id, "B", ESCALATION_REASON)
    # A second ticket of the same visit, waiting in the mediation room's queue.
    queue.route_again(database, visit.visit_id, rooms["矛盾纠纷调解室"], "另需调解家庭纠纷")
    return visit


def _as(database: Database, roles: set[str], room: str | None = None) -> None:
    room_id = room_ids(database)[room] if room else None
    database.actor = auth.Actor(None, "测试" + "、".join(sorted(roles)), frozenset(roles),
                                room_id=room_id)


def _readers(database: Database, visit: Registration) -> dict[str, Callable[[], str]]:
    """Every list, register and record a visit appears in, as text the reader is shown."""
    rooms = room_ids(database)

    def read(fn: Callable[..., object]) -> Callable[[], str]:
        def run() -> str:
            with database.read() as session:
                return repr(fn(session))
        return run

    return {
        "来访登记台账": read(lambda s: list(visit_register_rows(s, _period()))),
        "心理咨询室队列": read(lambda s: queue.room_queue(s, rooms["心理咨询室"])),
        "转办记录": read(lambda s: queue.visit_route(s, visit.visit_id)),
        "上报和移送": read(lambda s: queue.open_escalations(s)),
        "前台查找": read(lambda s: matching.find_people(s, id_number(7))),
        "受理回执": read(lambda s: receipt_data(s, visit.visit_no, paper="a5")),
        "待立案来访": read(lambda s: mediation.routed_visits(s)),
        "立案草稿": read(lambda s: mediation.draft_from_visit(s, visit.visit_id)),
    }


def _shown_to(database: Database, visit: Registration) -> Iterator[tuple[str, str]]:
    for name, reader in _readers(database, visit).items():
        try:
            yield name, reader()
        except PermissionDenied:
            continue


CONFIDENTIAL_TEXTS = (SECRET, SECRET_REQUEST, HOLD_REASON, ESCALATION_REASON)


@pytest.mark.parametrize("roles", [
    {"receptionist"}, {"mediator"}, {"leader"}, {"room_staff"}, {"police"}, {"admin"},
    {"receptionist", "mediator", "admin"},
])
def test_counselling_content_is_hidden_from_every_other_role(
    database: Database, roles: set[str]
) -> None:
    visit = _counselling_visit(database)
    room = "心理咨询室" if roles & auth.ROOM_ROLES else None
    _as(database, roles, room)
    seen = dict(_shown_to(database, visit))
    assert "来访登记台账" in seen
    if "mediator" in roles:
        assert {"待立案来访", "立案草稿"} <= set(seen)
    if "receptionist" in roles:
        assert {"受理回执", "心理咨询室队列", "前台查找"} <= set(seen)
    for name, text in seen.items():
        for secret in CONFIDENTIAL_TEXTS:
            assert secret not in text, (roles, name, secret)
    # They still see that the visit went there, and when.
    assert privacy.CONFIDENTIAL_TEXT in seen["来访登记台账"]
    assert "心理咨询室" in seen["来访登记台账"] or "矛盾纠纷调解室" in seen["来访登记台账"]
    if "转办记录" in seen:
        assert "心理咨询室" in seen["转办记录"]


def test_a_counsellor_reads_what_was_said(database: Database) -> None:
    visit = _counselling_visit(database)
    _as(database, {"counsellor"}, "心理咨询室")
    seen = dict(_shown_to(database, visit))
    for name in ("来访登记台账", "转办记录", "上报和移送", "受理回执"):
        assert SECRET in seen[name] or HOLD_REASON in seen[name] \
            or ESCALATION_REASON in seen[name], name
    assert SECRET in seen["来访登记台账"]
    assert HOLD_REASON in seen["转办记录"]
    assert ESCALATION_REASON in seen["上报和移送"]
    assert SECRET in seen["受理回执"]
    # The desk's lookup is the registering desk's: a counsellor who also receives reads it.
    assert "前台查找" not in seen
    _as(database, {"counsellor", "receptionist"}, "心理咨询室")
    assert SECRET in dict(_shown_to(database, visit))["前台查找"]


def test_a_visit_that_never_went_to_counselling_is_shown_in_full(database: Database) -> None:
    register(database, 3, summary="楼上装修噪音扰民")
    _as(database, {"receptionist"})
    with database.read() as session:
        rows = list(visit_register_rows(session, _period()))
    assert [r.summary for r in rows] == ["楼上装修噪音扰民"]


def _cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def test_exported_visit_register_keeps_counselling_confidential(
    database: Database, tmp_path: Path
) -> None:
    _counselling_visit(database)
    register(database, 3, summary="楼上装修噪音扰民")
    admin = database.actor
    _as(database, {"admin"})
    out = export_register(database, "visits", _period(), tmp_path / "v.xlsx").path
    cells = _cells(out)
    assert not any(secret in cell for cell in cells for secret in CONFIDENTIAL_TEXTS)
    assert privacy.CONFIDENTIAL_TEXT in cells
    assert "楼上装修噪音扰民" in cells
    # The test account is a counsellor too: it reads the summary in its export.
    database.actor = admin
    cells = _cells(export_register(database, "visits", _period(), tmp_path / "c.xlsx").path)
    assert SECRET in cells


# -- masked numbers ----------------------------------------------------------------------

def test_visit_register_masks_id_numbers_and_phones(database: Database, tmp_path: Path) -> None:
    register(database, 3, phone=PHONE)
    with database.read() as session:
        (row,) = visit_register_rows(session, _period())
    assert row.phone == "139****5678"
    assert row.id_number_masked == id_number(3)[:6] + "********" + id_number(3)[-4:]
    cells = _cells(export_register(database, "visits", _period(), tmp_path / "v.xlsx").path)
    assert PHONE not in " ".join(cells) and id_number(3) not in " ".join(cells)
    assert "139****5678" in cells


def test_full_numbers_need_the_right_and_a_reason_and_are_audited(
    database: Database, tmp_path: Path
) -> None:
    register(database, 3, phone=PHONE)
    out = tmp_path / "v.xlsx"
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            export_register(database, "visits", _period(), out, reveal_reason=blank)
        assert "理由" in refused.value.errors["reveal_reason"]
    assert not out.exists()
    result = export_register(database, "visits", _period(), out,
                             reveal_reason="  区政法委  核查 来访人联系方式 ")
    cells = _cells(result.path)
    assert PHONE in cells and id_number(3) in cells
    assert "身份证号" in cells and "联系电话" in cells
    assert any("区政法委 核查 来访人联系方式" in c for c in cells)
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="export"), limit=1)
    assert entry.raw_detail["理由"] == "区政法委 核查 来访人联系方式"
    assert entry.raw_detail["完整号码"] == "是"
    # Without personal.reveal, neither the export nor the rows are given out in full.
    for roles in ({"receptionist"}, {"leader"}, {"mediator", "counsellor"}):
        _as(database, roles)
        with pytest.raises(PermissionDenied):
            export_register(database, "visits", _period(), tmp_path / "x.xlsx",
                            reveal_reason="核查")
        with database.read() as session, pytest.raises(PermissionDenied):
            list(visit_register_rows(session, _period(), reveal=True))
    assert not (tmp_path / "x.xlsx").exists()


def test_desk_lookup_and_receipt_show_masked_numbers(database: Database) -> None:
    visit = register(database, 3, phone=PHONE)
    with database.read() as session:
        (match,) = matching.find_people(session, id_number(3))
        receipt = receipt_data(session, visit.visit_no, paper="a5")
    assert PHONE not in match.summary_line and "139****5678" in match.summary_line
    assert id_number(3) not in match.summary_line
    assert id_number(3) not in repr(receipt) and PHONE not in repr(receipt)
    assert receipt.masked_id == id_number(3)[:6] + "********" + id_number(3)[-4:]


def test_command_line_export_with_full_numbers_takes_a_reason(
    sqlite_database: Database, sqlite_db_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    register(sqlite_database, 3, phone=PHONE)
    day = f"{date.today():%Y-%m-%d}"
    out = tmp_path / "full.xlsx"
    args = ["--db", sqlite_db_url, "export", "visits", "--from", day, "--to", day,
            "--out", str(out)]
    assert main([*args, "--reveal-reason", "法院调取"]) == 0
    assert PHONE in _cells(out)
    masked = tmp_path / "masked.xlsx"
    assert main([*args[:-1], str(masked)]) == 0
    assert PHONE not in _cells(masked)
    capsys.readouterr()


def test_case_editor_lists_parties_with_masked_numbers(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    case = make_case(sqlite_database)
    editor = CaseEditor(database=sqlite_database)
    qtbot.addWidget(editor)
    editor.load(case.case_id)
    table = editor.parties.parties_table
    cells = [item.text() for r in range(table.rowCount())
             for c in range(table.columnCount()) if (item := table.item(r, c)) is not None]
    assert "138****0001" in cells and "138****0002" in cells
    assert not any("13800130001" in c or "13800130002" in c for c in cells)


# -- soft delete ---------------------------------------------------------------------------

def _visit_nos(database: Database) -> list[str]:
    with database.read() as session:
        return [r.visit_no for r in visit_register_rows(session, _period())]


def test_a_deleted_visit_leaves_the_lists_and_the_admin_sees_it(database: Database) -> None:
    kept, gone = register(database, 1), register(database, 2)
    with pytest.raises(ValidationError) as refused:
        deletion.delete_visit(database, gone.visit_id, "  ")
    assert refused.value.errors["reason"] == "请填写删除理由"
    deletion.delete_visit(database, gone.visit_id, "重复登记")
    assert _visit_nos(database) == [kept.visit_no]
    rooms = room_ids(database)
    with database.read() as session:
        queued = queue.room_queue(session, rooms["矛盾纠纷调解室"])
        assert [r.visit_no for r in queued] == [kept.visit_no]
        assert count_visits(session, _period()) == 1
        assert today_overview(session, date.today()).visits == 1
        assert centre_counts(session, _period()).visits == 1
        assert [v.visit_no for v in mediation.routed_visits(session)] == [kept.visit_no]
        (match,) = matching.find_people(session, id_number(2))
        assert match.visits == []
        (record,) = deletion.deleted_records(session)
    assert (record.kind_label, record.label, record.reason) == ("来访登记", gone.visit_no,
                                                                "重复登记")
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="delete"), limit=1)
    assert entry.raw_detail["理由"] == "重复登记"
    with pytest.raises(ValidationError):
        deletion.delete_visit(database, gone.visit_id, "再删一次")
    with database.read() as session, pytest.raises(NotFoundError):
        receipt_data(session, gone.visit_no, paper="a5")


def test_deleting_a_person_removes_them_and_their_visits(database: Database) -> None:
    register(database, 1)
    gone = register(database, 2)
    register(database, 2, summary="第二次来访")
    with database.read() as session:
        (match,) = matching.find_people(session, id_number(2))
    with pytest.raises(StaleEditError):
        deletion.delete_person(database, match.person_id, "本人要求", version=match.version + 1)
    removed = deletion.delete_person(database, match.person_id, "本人要求删除个人信息",
                                     version=match.version)
    assert removed == 2
    assert gone.visit_no not in _visit_nos(database) and len(_visit_nos(database)) == 1
    with database.read() as session:
        assert matching.find_people(session, id_number(2)) == []
        assert mediation.search_persons(session, "测试2号") == []
        kinds = sorted(r.kind for r in deletion.deleted_records(session))
    assert kinds == ["person", "visit", "visit"]


def test_a_deleted_case_leaves_the_case_list_and_the_register(database: Database) -> None:
    kept, gone = make_case(database), make_case(database)
    with database.read() as session:
        version = mediation.case_detail(session, gone.case_id).version
    deletion.delete_case(database, gone.case_id, "误立案", version=version)
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    with database.read() as session:
        assert [r.case_id for r in mediation.case_list(session, status="all")] == [kept.case_id]
        assert mediation.case_counts(session)["open"] == 1
        assert [r.case_no for r in dispute_register_rows(session, period)] == [kept.case_no]
        assert count_disputes(session, period) == 1
        assert mediation_accepted(session, period) == 1
        (record,) = deletion.deleted_records(session)
    assert record.label == gone.case_no


@pytest.mark.parametrize("roles", [{"receptionist"}, {"mediator"}, {"leader"},
                                   {"counsellor"}])
def test_only_the_administrator_deletes_and_sees_deleted_records(
    database: Database, roles: set[str]
) -> None:
    visit = register(database, 1)
    _as(database, roles)
    with pytest.raises(PermissionDenied):
        deletion.delete_visit(database, visit.visit_id, "重复登记")
    with database.read() as session, pytest.raises(PermissionDenied):
        deletion.deleted_records(session)


def test_the_admin_sees_deleted_records_in_the_settings_page(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    visit = register(sqlite_database, 1)
    deletion.delete_visit(sqlite_database, visit.visit_id, "重复登记")
    window = MainWindow(database=sqlite_database)
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("系统设置")
    assert isinstance(page, SettingsPage)
    assert not page.deleted_button.isHidden()
    qtbot.mouseClick(page.deleted_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(DeletedRecordsDialog, "deleted_dialog")
    assert dialog is not None
    table = dialog.table
    row = [item.text() for c in range(table.columnCount())
           if (item := table.item(0, c)) is not None]
    assert row[1:] == ["来访登记", visit.visit_no, "测试管理员", "重复登记"]
    assert "共 1 条" in dialog.summary.text()
    dialog.close()
    window.close()


def test_revealing_one_residents_numbers_needs_the_right_and_a_reason(
    database: Database
) -> None:
    register(database, 3, phone=PHONE)
    with database.read() as session:
        (match,) = matching.find_people(session, id_number(3))
    with pytest.raises(ValidationError) as refused:
        privacy.reveal_person(database, match.person_id, " ")
    assert refused.value.errors["reason"] == "查看完整号码须填写理由"
    shown = privacy.reveal_person(database, match.person_id, "回访联系本人")
    assert (shown.id_number, shown.phone) == (id_number(3), PHONE)
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="reveal"), limit=1)
    assert entry.raw_detail == {"理由": "回访联系本人"}
    assert PHONE not in entry.detail and id_number(3) not in entry.detail
    for roles in ({"receptionist"}, {"counsellor"}, {"leader"}):
        _as(database, roles)
        with pytest.raises(PermissionDenied):
            privacy.reveal_person(database, match.person_id, "回访联系本人")
