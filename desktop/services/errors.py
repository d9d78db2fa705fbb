"""Errors the services raise for the user to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


class ValidationError(ValueError):
    """Input the user must correct: a Chinese message for each field that is wrong.

    ``errors`` maps a field name (the same names the form uses) to its message.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(f"{k}: {v}" for k, v in self.errors.items()))


class NameConflictError(ValidationError):
    """A known person's document number came with another name: the user must say why.

    Either she changed her name (the former name is kept) or the name was typed wrong.
    """

    def __init__(self, known_name: str, typed_name: str) -> None:
        self.known_name = known_name
        self.typed_name = typed_name
        super().__init__({"name": (
            f"该证件号码已登记为“{known_name}”，与填写的“{typed_name}”不一致："
            "请确认是本人改名，还是姓名填写有误")})


class NotFoundError(LookupError):
    """A number the user gave does not exist (visit number, case number, ...)."""


class Cancelled(Exception):
    """Long work (an export, a big report) stopped because the user asked it to.

    Raised from inside the work when its ``cancelled()`` check says so; whatever
    the work was writing is thrown away. The Qt task runner treats it as a cancel,
    not as a failure.
    """


class FeatureUnavailableError(RuntimeError):
    """Something this build cannot do yet (a module it depends on is not enabled).

    The message is Chinese and meant for the user as it is.
    """


@dataclass(frozen=True)
class FieldChange:
    """One field of a refused save: what the user typed and what the record holds now."""

    field: str  # the form's field name
    label: str  # its Chinese label
    yours: str
    current: str


class StaleEditError(Exception):
    """A form was saved over a record that another desk changed (or deleted) after it loaded.

    Nothing is written. ``changes`` lists the fields where the form differs from the
    record as it is now, so the window can show them before the user reloads.
    """

    def __init__(self, record: str, changes: list[FieldChange] | None = None, *,
                 changed_by: str | None = None, changed_at: datetime | None = None,
                 deleted: bool = False, action: str = "保存") -> None:
        self.record = record
        self.changes = list(changes or [])
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.deleted = deleted
        super().__init__(self.describe(action))

    def describe(self, action: str = "保存") -> str:
        if self.deleted:
            return f"该{self.record}已被他人删除，请重新载入"
        who = _who_when(self.changed_by, self.changed_at)
        return f"该{self.record}已被他人修改{who}，请重新载入后再{action}"


def _who_when(changed_by: str | None, changed_at: datetime | None) -> str:
    """（二号窗口 于 10:42）; the date is added when it was not today."""
    if changed_at is None:
        return f"（{changed_by}）" if changed_by else ""
    when = (f"{changed_at:%H:%M}" if changed_at.date() == date.today()
            else f"{changed_at:%Y-%m-%d %H:%M}")
    return f"（{changed_by} 于 {when}）" if changed_by else f"（于 {when}）"


class PermissionDenied(Exception):
    """The signed-in account (or nobody) may not do this; nothing is done.

    The message is Chinese and names what was refused; ``permission`` is the key of the
    permission matrix (desktop/services/admin/auth.py).
    """

    def __init__(self, permission: str, what: str, *, signed_in: bool = True) -> None:
        self.permission = permission
        self.what = what
        self.signed_in = signed_in
        message = (f"当前账号无权{what}" if signed_in
                   else f"请先登录（{what}需要登录后才能进行）")
        super().__init__(message)
