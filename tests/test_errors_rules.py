"""The errors the services raise for the user to read: each one's message, word for word,
and what it carries for the window (the fields, the names, who changed a record and when).

The tests' clock stands at 2026-12-02 10:30 (tests/conftest.py).
"""

from __future__ import annotations

from datetime import datetime

from desktop.services.errors import (
    Cancelled,
    FeatureUnavailableError,
    FieldChange,
    NameConflictError,
    NotFoundError,
    PermissionDenied,
    StaleEditError,
    ValidationError,
)

TODAY_10_42 = datetime(2026, 12, 2, 10, 42)
YESTERDAY_17_05 = datetime(2026, 12, 1, 17, 5)


def test_a_validation_error_names_each_field_in_its_message() -> None:
    given = {"name": "请填写姓名", "phone": "电话号码格式不正确"}
    error = ValidationError(given)
    assert error.errors == {"name": "请填写姓名", "phone": "电话号码格式不正确"}
    assert str(error) == "name: 请填写姓名；phone: 电话号码格式不正确"
    given["name"] = "改了"  # the caller's dict is not the error's
    assert error.errors["name"] == "请填写姓名"
    assert isinstance(error, ValueError)
    assert str(ValidationError({"summary": "请填写事由"})) == "summary: 请填写事由"


def test_a_name_conflict_keeps_both_names_and_asks_why() -> None:
    error = NameConflictError("王秀英", "王秀兰")
    assert (error.known_name, error.typed_name) == ("王秀英", "王秀兰")
    assert error.errors == {"name": "该证件号码已登记为“王秀英”，与填写的“王秀兰”不一致："
                                    "请确认是本人改名，还是姓名填写有误"}
    assert isinstance(error, ValidationError)


def test_the_plain_errors_are_what_their_callers_catch() -> None:
    assert issubclass(NotFoundError, LookupError)
    assert str(NotFoundError("没有找到来访编号 L20261202-0001")) == \
        "没有找到来访编号 L20261202-0001"
    assert issubclass(Cancelled, Exception) and not issubclass(Cancelled, RuntimeError)
    assert issubclass(FeatureUnavailableError, RuntimeError)


def test_a_stale_edit_says_who_changed_the_record_and_when_today() -> None:
    changes = [FieldChange("phone", "联系电话", "13900000001", "13900000002")]
    error = StaleEditError("来访登记", changes, changed_by="二号窗口", changed_at=TODAY_10_42)
    assert str(error) == "该来访登记已被他人修改（二号窗口 于 10:42），请重新载入后再保存"
    assert (error.record, error.changed_by, error.changed_at, error.deleted) == (
        "来访登记", "二号窗口", TODAY_10_42, False)
    assert error.changes == [FieldChange("phone", "联系电话", "13900000001", "13900000002")]
    changes.clear()  # the caller's list is not the error's
    assert len(error.changes) == 1
    assert error.describe("删除") == \
        "该来访登记已被他人修改（二号窗口 于 10:42），请重新载入后再删除"


def test_a_change_made_before_today_gives_its_date() -> None:
    error = StaleEditError("调解案件", changed_by="调解室", changed_at=YESTERDAY_17_05)
    assert str(error) == "该调解案件已被他人修改（调解室 于 2026-12-01 17:05），请重新载入后再保存"
    assert error.describe() == str(error)  # "保存" when no action is named


def test_who_or_when_alone_and_neither() -> None:
    assert str(StaleEditError("走访记录", changed_at=TODAY_10_42)) == \
        "该走访记录已被他人修改（于 10:42），请重新载入后再保存"
    assert str(StaleEditError("走访记录", changed_at=YESTERDAY_17_05)) == \
        "该走访记录已被他人修改（于 2026-12-01 17:05），请重新载入后再保存"
    assert str(StaleEditError("走访记录", changed_by="三号窗口")) == \
        "该走访记录已被他人修改（三号窗口），请重新载入后再保存"
    plain = StaleEditError("走访记录")
    assert str(plain) == "该走访记录已被他人修改，请重新载入后再保存"
    assert (plain.changes, plain.changed_by, plain.changed_at, plain.deleted) == (
        [], None, None, False)


def test_the_action_is_named_in_the_message() -> None:
    assert str(StaleEditError("咨询记录", action="删除")) == \
        "该咨询记录已被他人修改，请重新载入后再删除"


def test_a_deleted_record_says_so_whoever_changed_it() -> None:
    error = StaleEditError("咨询记录", changed_by="二号窗口", changed_at=TODAY_10_42,
                           deleted=True, action="删除")
    assert error.deleted
    assert str(error) == "该咨询记录已被他人删除，请重新载入"
    assert error.describe() == "该咨询记录已被他人删除，请重新载入"


def test_permission_denied_names_what_was_refused() -> None:
    refused = PermissionDenied("report.read", "查看台账统计")
    assert str(refused) == "当前账号无权查看台账统计"
    assert (refused.permission, refused.what, refused.signed_in) == (
        "report.read", "查看台账统计", True)
    nobody = PermissionDenied("visit.register", "登记来访", signed_in=False)
    assert str(nobody) == "请先登录（登记来访需要登录后才能进行）"
    assert (nobody.permission, nobody.what, nobody.signed_in) == (
        "visit.register", "登记来访", False)

