"""The centre's settings: the rules of ``admin/settings`` one by one (what counts as unset,
what a print still needs and where to set it, the idle lock, what is refused and with which
message, a page of the wizard saving only its own), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import delete, select

from desktop.db import Database
from desktop.models import CentreSetting
from desktop.services.admin import auth, settings
from desktop.services.admin.settings import CentreSettings, load_settings, save_settings
from desktop.services.bootstrap import open_database
from desktop.services.errors import PermissionDenied, ValidationError
from tests.conftest import TEST_CENTRE, add_test_admin


def _errors(call: Callable[..., object], *args: object, **kw: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    return info.value.errors


def _stored(database: Database) -> dict[str, str]:
    with database.read() as session:
        return dict(session.execute(select(CentreSetting.key, CentreSetting.value)).all())


def _store(database: Database, **values: str) -> None:
    with database.write() as session:
        session.execute(delete(CentreSetting))
        for key, value in values.items():
            session.add(CentreSetting(key=key, value=value))


@pytest.fixture
def fresh(sqlite_db_url: str) -> Iterator[Database]:
    """A new centre: no setting saved yet, the test administrator signed in."""
    database = open_database(sqlite_db_url)
    add_test_admin(database)
    yield database
    database.dispose()


@pytest.mark.parametrize(("typed", "minutes"), [
    ("", 10), ("abc", 10), ("0", 10), ("1", 1), ("240", 240), ("241", 10), (" 30 ", 30),
    ("-5", 10), ("3.5", 10),
])
def test_the_idle_lock_is_1_to_240_minutes_else_ten(typed: str, minutes: int) -> None:
    assert settings.idle_minutes(replace(TEST_CENTRE, idle_lock_minutes=typed)) == minutes


def test_placeholders_of_earlier_versions_read_as_unset(database: Database) -> None:
    _store(database, centre_name="某某街道综治中心", centre_phone="0000-0000000",
           committee_name="某某街道人民调解委员会", committee_short_name="东",
           centre_address="东林路18号", unknown_key="x")
    with database.read() as session:
        loaded = load_settings(session)
    assert loaded == CentreSettings(centre_address="东林路18号")
    # 东 beside the centre's own committee name is the centre's own short name.
    _store(database, committee_name="东林街道人民调解委员会", committee_short_name="东")
    with database.read() as session:
        loaded = load_settings(session)
    assert (loaded.committee_name, loaded.committee_short_name) == ("东林街道人民调解委员会", "东")
    # Another short name stays beside the placeholder committee name too.
    _store(database, committee_name="某某街道人民调解委员会", committee_short_name="西")
    with database.read() as session:
        loaded = load_settings(session)
    assert (loaded.committee_name, loaded.committee_short_name) == ("", "西")
    _store(database)
    with database.read() as session:
        assert load_settings(session) == CentreSettings()
    assert CentreSettings().receipt_paper == "a5" and CentreSettings().idle_lock_minutes == "10"


def test_what_a_print_still_needs_and_where_to_set_it(database: Database) -> None:
    unset = replace(TEST_CENTRE, centre_name="", centre_phone="  ")
    keys = ["centre_name", "centre_phone", "centre_address"]
    assert settings.missing(unset, keys) == ["中心名称", "中心电话"]
    assert settings.missing(TEST_CENTRE, keys) == []
    assert settings.missing_message(unset, keys, "打印受理回执") == (
        "打印受理回执前请先设置中心名称、中心电话（系统设置 → 中心信息，或首次使用时的设置向导）")
    assert settings.missing_message(TEST_CENTRE, keys, "打印受理回执") is None
    with database.read() as session:
        assert settings.require(session, keys, "打印") == TEST_CENTRE
    _store(database, centre_name="某某街道综治中心", centre_address="东林路18号")
    with database.read() as session:
        assert _errors(settings.require, session, keys, "打印受理回执") == {
            "setup": "打印受理回执前请先设置中心名称、中心电话"
                     "（系统设置 → 中心信息，或首次使用时的设置向导）"}
        assert _errors(settings.require, session, ["centre_phone"], "打印回执",
                       field="receipt") == {
            "receipt": "打印回执前请先设置中心电话（系统设置 → 中心信息，或首次使用时的设置向导）"}


def test_every_setting_is_refused_word_for_word(database: Database) -> None:
    bad = replace(TEST_CENTRE, centre_name="", receipt_paper="A5", committee_short_name="",
                  committee_name="  ", centre_phone="12345", idle_lock_minutes="0")
    with database.write() as session:
        errors = _errors(save_settings, session, bad)
    assert set(errors) == {"centre_name", "receipt_paper", "committee_short_name",
                           "committee_name", "centre_phone", "idle_lock_minutes"}
    assert errors["centre_phone"] == "手机号码应为11位"  # 12345: neither a landline nor a mobile
    assert {k: v for k, v in errors.items() if k != "centre_phone"} == {
        "centre_name": "请填写中心名称",
        "receipt_paper": "回执纸张只能是 A5 或 80 mm 卷纸",
        "committee_short_name": "请填写调委会简称（用于案号）",
        "committee_name": "请填写人民调解委员会名称（印在调解文书上）",
        "idle_lock_minutes": "无操作锁定时间应为 1 到 240 分钟",
    }
    for minutes, good in (("1", True), ("240", True), ("241", False), ("x", False),
                          (" 5 ", True)):
        with database.write() as session:
            changed = replace(TEST_CENTRE, idle_lock_minutes=minutes)
            if good:
                save_settings(session, changed)
            else:
                assert _errors(save_settings, session, changed) == {
                    "idle_lock_minutes": "无操作锁定时间应为 1 到 240 分钟"}
    # A phone left blank is no error; one typed must be a phone number.
    with database.write() as session:
        save_settings(session, replace(TEST_CENTRE, centre_phone=""))
        assert list(_errors(save_settings, session,
                            replace(TEST_CENTRE, centre_phone="12345"))) == ["centre_phone"]
        save_settings(session, replace(TEST_CENTRE, centre_phone="13912345678"))
    assert _stored(database)["centre_phone"] == "13912345678"


def test_a_text_too_long_wins_over_the_rule(database: Database) -> None:
    with database.write() as session:
        assert _errors(save_settings, session,
                       replace(TEST_CENTRE, committee_short_name="东" * 9)) == {
            "committee_short_name": "调委会简称过长（不超过8字，当前9字）"}
        assert _errors(save_settings, session, replace(TEST_CENTRE, centre_name="名" * 65)) == {
            "centre_name": "中心名称过长（不超过64字，当前65字）"}
        save_settings(session, replace(TEST_CENTRE, committee_short_name="东" * 8,
                                       centre_name="名" * 64))
    assert _stored(database)["committee_short_name"] == "东" * 8


def test_a_page_of_the_wizard_saves_and_is_refused_for_its_own_keys_only(
        fresh: Database) -> None:
    assert _stored(fresh) == {}
    page = replace(CentreSettings(), centre_name=" 东林街道综治中心 ", centre_phone="",
                   idle_lock_minutes="0")
    with fresh.write() as session:
        save_settings(session, page, ["centre_name", "centre_phone"])
    assert _stored(fresh) == {"centre_name": "东林街道综治中心", "centre_phone": ""}
    with fresh.write() as session:
        assert _errors(save_settings, session, page, ["idle_lock_minutes", "centre_name"]) == {
            "idle_lock_minutes": "无操作锁定时间应为 1 到 240 分钟"}
        save_settings(session, replace(page, centre_name="东花市街道综治中心"), ["centre_name"])
    assert _stored(fresh) == {"centre_name": "东花市街道综治中心", "centre_phone": ""}
    with fresh.write() as session:
        save_settings(session, TEST_CENTRE)
    with fresh.read() as session:
        assert load_settings(session) == TEST_CENTRE
    assert set(_stored(fresh)) == {f for f in settings.FIELDS}


def test_only_the_administrator_changes_settings(database: Database) -> None:
    database.actor = auth.Actor(None, "接待", frozenset({"receptionist"}))
    with database.write() as session, pytest.raises(PermissionDenied) as refused:
        save_settings(session, replace(TEST_CENTRE, centre_name="别的中心"))
    assert str(refused.value) == "当前账号无权修改系统设置"
    assert _stored(database)["centre_name"] == TEST_CENTRE.centre_name
