"""The rules of the 受理回执's data (desktop/services/reception/receipts.py), one by one.

The visits and their tickets are made straight in the database, so each test holds the
tickets it is about; every expected text is written out by hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select, update

from desktop.db import Database
from desktop.models import Category, CentreSetting, Person, Referral, Room, Visit
from desktop.services.admin import auth
from desktop.services.admin.audit import AuditFilter, list_entries
from desktop.services.admin.settings import save_settings
from desktop.services.errors import NotFoundError, PermissionDenied
from desktop.services.reception.receipts import (
    ReceiptData,
    centre_phone,
    next_steps_for,
    receipt_data,
    receipt_for_print,
)
from tests.conftest import TEST_CENTRE
from tests.factories import id_number

AT = datetime(2026, 11, 26, 9, 5)


def test_the_placeholder_phone_is_never_printed() -> None:
    assert centre_phone("0000-0000000") == ""
    assert centre_phone("  0000-0000000 ") == ""
    assert centre_phone("") == ""
    assert centre_phone("   ") == ""
    assert centre_phone(" 010-62345678  ") == "010-62345678"


def test_the_next_steps_name_the_ticket_the_room_and_the_phone() -> None:
    assert next_steps_for("矛盾纠纷调解室", "一楼东侧", "调-007", "010-62345678") == [
        "请在群众接待大厅等候叫号；叫到“调-007”时，请前往矛盾纠纷调解室（一楼东侧）。",
        "工作人员将当面了解情况并依法依规办理，办理结果将告知您本人。",
        "如需查询办理进度，请凭本回执的受理编号咨询，或拨打中心电话 010-62345678。",
        "请妥善保管本回执。本中心对您的个人信息严格保密。",
    ]
    steps = next_steps_for("综合受理窗口", "", "综-001", "")
    assert steps[0] == "请在群众接待大厅等候叫号；叫到“综-001”时，请前往综合受理窗口。"
    assert steps[2] == "如需查询办理进度，请凭本回执的受理编号到中心接待窗口咨询。"
    assert len(steps) == 4


def _room_id(database: Database, code: str) -> int:
    with database.read() as session:
        return session.scalars(select(Room.id).where(Room.code == code)).one()


def _visit(database: Database, number: str = "J202611260001", *, n: int = 1,
           tickets: list[tuple[str, str, datetime]] | None = None, **values: object) -> int:
    """A visit numbered ``number`` with tickets (room code, ticket no., made at); its id."""
    with database.write() as session:
        resident = Person(name=f"来访人{n}", id_number=id_number(n), phone=f"139{n:08d}")
        session.add(resident)
        session.flush()
        neighbours = session.scalars(select(Category.id).where(Category.name == "邻里")).one()
        fields: dict[str, object] = dict(visit_no=number, person_id=resident.id, visited_at=AT,
                                         summary="楼上装修噪音扰民", category_id=neighbours)
        fields.update(values)
        visit = Visit(**fields)
        session.add(visit)
        session.flush()
        for seq, (room, ticket, made) in enumerate(tickets or [], 1):
            room_id = session.scalars(select(Room.id).where(Room.code == room)).one()
            session.add(Referral(visit_id=visit.id, room_id=room_id, ticket_date=made.date(),
                                 ticket_seq=seq + 100 * n, ticket_no=ticket, created_at=made))
        return visit.id


def _receipt(database: Database, number: str, paper: str | None = None) -> ReceiptData:
    with database.read() as session:
        return receipt_data(session, number, paper=paper)


def test_the_receipt_of_a_visit_found_by_its_number_typed_loosely(database: Database) -> None:
    visit_id = _visit(database, tickets=[("mediation", "调-007", AT)])
    number = id_number(1)
    expected = ReceiptData(
        centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
        visit_no="J202611260001", ticket_no="调-007", room_name="矛盾纠纷调解室",
        room_location="一楼东侧", visited_at=AT, person_name="来访人1",
        masked_id=number[:6] + "********" + number[-4:], id_type="居民身份证",
        category="邻里", summary="楼上装修噪音扰民",
        next_steps=next_steps_for("矛盾纠纷调解室", "一楼东侧", "调-007", "010-62345678"),
        paper="a5", visit_type="个人", headcount=1, representative="", missing=(),
        visit_id=visit_id,
    )
    assert _receipt(database, "J202611260001") == expected
    assert _receipt(database, "  j202611260001\t") == expected
    assert _receipt(database, "J202611260001", paper="80mm") == replace(expected, paper="80mm")


def test_the_receipt_takes_the_paper_and_the_missing_phone_from_the_settings(
    database: Database,
) -> None:
    _visit(database, tickets=[("mediation", "调-007", AT)])
    with database.write() as session:
        save_settings(session, replace(TEST_CENTRE, receipt_paper="80mm"))
        # The placeholder an earlier version shipped, saved with spaces around it.
        session.execute(update(CentreSetting).where(CentreSetting.key == "centre_phone")
                        .values(value=" 0000-0000000 "))
    receipt = _receipt(database, "J202611260001")
    assert (receipt.paper, receipt.centre_phone, receipt.missing) == ("80mm", "", ("中心电话",))
    assert receipt.next_steps[2] == "如需查询办理进度，请凭本回执的受理编号到中心接待窗口咨询。"
    assert _receipt(database, "J202611260001", paper="a5").paper == "a5"


def test_the_receipt_names_the_latest_ticket(database: Database) -> None:
    _visit(database, "J202611260001", n=1, tickets=[
        ("mediation", "调-001", AT.replace(hour=10)),  # the latest made
        ("window", "综-002", AT.replace(hour=9)),
        ("police", "警-003", AT.replace(hour=8)),  # entered last, made first
    ])
    assert _receipt(database, "J202611260001").ticket_no == "调-001"
    # Two tickets made at the same moment: the one entered last.
    second = _visit(database, "J202611260002", n=2, tickets=[
        ("window", "综-004", AT.replace(hour=8)),
        ("police", "警-005", AT.replace(hour=11)),
        ("care", "爱-006", AT.replace(hour=11)),
    ])
    with database.write() as session:  # moves to the end of the table on PostgreSQL
        session.execute(update(Referral).where(Referral.visit_id == second,
                                               Referral.ticket_no == "警-005")
                        .values(note="补记"))
    receipt = _receipt(database, "J202611260002")
    assert (receipt.ticket_no, receipt.room_name, receipt.room_location) == \
        ("爱-006", "关爱工作室", "二楼")


def test_a_visit_without_a_ticket_a_room_location_or_a_category(database: Database) -> None:
    _visit(database, "J202611250001", n=3, tickets=[("mediation", "调-009", AT)])
    _visit(database, "J202611260001", n=1, category_id=None)
    receipt = _receipt(database, "J202611260001")
    assert (receipt.ticket_no, receipt.room_name, receipt.room_location, receipt.category) == \
        ("", "", "", "")
    assert receipt.next_steps[0] == "请在群众接待大厅等候叫号；叫到“”时，请前往。"
    with database.write() as session:
        session.execute(update(Room).where(Room.code == "window").values(location=None))
    _visit(database, "J202611260002", n=2, tickets=[("window", "综-001", AT)])
    receipt = _receipt(database, "J202611260002")
    assert (receipt.ticket_no, receipt.room_name, receipt.room_location) == \
        ("综-001", "综合受理窗口", "")
    assert receipt.next_steps[0] == "请在群众接待大厅等候叫号；叫到“综-001”时，请前往综合受理窗口。"


def test_a_collective_visit_names_its_representative(database: Database) -> None:
    _visit(database, tickets=[("window", "综-001", AT)], visit_type="集体", headcount=23,
           representative_name="王建华")
    receipt = _receipt(database, "J202611260001")
    assert (receipt.visit_type, receipt.headcount, receipt.representative) == \
        ("集体", 23, "王建华")


def test_what_was_told_the_counselling_room_is_kept_from_other_roles(
    database: Database,
) -> None:
    _visit(database, "J202611260001", n=1, summary="长期失眠",
           tickets=[("counselling", "心-001", AT), ("mediation", "调-001", AT.replace(hour=10))])
    _visit(database, "J202611260002", n=2, summary="楼道堆物",
           tickets=[("mediation", "调-002", AT)])
    assert _receipt(database, "J202611260001").summary == "长期失眠"  # the test account reads
    database.actor = auth.Actor(None, "测试前台", frozenset({"receptionist"}))
    assert _receipt(database, "J202611260001").summary == "（心理咨询，内容保密）"
    assert _receipt(database, "J202611260002").summary == "楼道堆物"


@pytest.mark.parametrize(("typed", "shown"), [
    ("J202611269999", "J202611269999"),  # no such visit
    ("J" + "2" * 31, "J" + "2" * 31),  # as long as a number may be
    ("J" + "2" * 32, "（无法识别）"),  # longer than any number
    ("J20261126\ud8000001", "（无法识别）"),
])
def test_an_unknown_or_unreadable_number_is_refused(database: Database, typed: str,
                                                    shown: str) -> None:
    _visit(database)
    with pytest.raises(NotFoundError) as refused:
        _receipt(database, typed)
    assert str(refused.value) == f"没有受理编号为 {shown} 的来访登记"


def test_a_removed_visit_has_no_receipt(database: Database) -> None:
    visit_id = _visit(database, tickets=[("mediation", "调-007", AT)])
    with database.write() as session:
        session.execute(update(Visit).where(Visit.id == visit_id)
                        .values(deleted_at=datetime(2026, 11, 27, 9, 0)))
    with pytest.raises(NotFoundError) as refused:
        _receipt(database, "J202611260001")
    assert str(refused.value) == "没有受理编号为 J202611260001 的来访登记"


def test_only_who_may_print_receipts_reads_one(database: Database) -> None:
    _visit(database, tickets=[("mediation", "调-007", AT)])
    database.actor = auth.Actor(None, "测试领导", frozenset({"leader"}))
    with pytest.raises(PermissionDenied):
        _receipt(database, "J202611260001")
    database.actor = auth.Actor(None, "测试前台", frozenset({"receptionist"}))
    assert _receipt(database, "J202611260001").ticket_no == "调-007"


def test_printing_a_receipt_is_audited(database: Database) -> None:
    visit_id = _visit(database, tickets=[("mediation", "调-007", AT)])
    data = receipt_for_print(database, "j202611260001 ", paper="80mm")
    assert (data.visit_id, data.visit_no, data.paper) == (visit_id, "J202611260001", "80mm")
    with database.read() as session:
        (entry,) = list_entries(session, AuditFilter(action="print"), limit=5)
    assert (entry.target, entry.raw_detail) == (
        f"来访登记 {visit_id}", {"文书": "受理回执", "受理编号": "J202611260001"})
