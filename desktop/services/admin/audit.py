"""The audit log: every change, print, export and opening of a full record, hash-chained.

Entries are gathered during a unit of work and appended when it commits, in
the same transaction: a change that is rolled back leaves no entry, and an
entry never exists without its change. Changes of the records people edit are
caught by SQLAlchemy's flush events (old and new value from the attribute
history), so no service can forget them; prints, exports and openings are
recorded by the services that produce them (:func:`record`, :func:`log_event`).

The append is serialised on the single ``audit_head`` row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's write lock already serialises writers), and
happens last in the transaction, after every other lock was taken, so it adds
no lock-order deadlock. Each entry's hash covers the previous entry's hash and
its own canonical content; :func:`verify_chain` recomputes the chain and
names the first entry that was edited or removed.

Who acted comes from ``session.info["actor"]`` (put there by the sign-in,
an object with ``staff_id`` and ``name``), the PC from ``session.info["desk"]``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Connection,
    LargeBinary,
    Select,
    Table,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session
from sqlalchemy.orm.attributes import instance_state

from desktop.db import Database, insert_on_conflict
from desktop.models import AuditEntry, AuditHead
from desktop.models.base import DESK_KEY, Base
from desktop.services.errors import ValidationError
from desktop.services.validation import date_error, mask_id_number, mask_phone

GENESIS = "0" * 64
HEAD_ID = 1
ACTOR_KEY = "actor"
_PENDING_KEY = "audit_pending"
NOT_SIGNED_IN = "（未登录）"

# The entry written when the chain's end row was found missing (deleted by hand).
HEAD_REBUILT = "head_rebuilt"

# What each action is called in the window and in exports.
ACTIONS: dict[str, str] = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "create": "新增",
    "change": "修改",
    "delete": "删除",
    "print": "打印",
    "export": "导出",
    "import": "导入",
    "open_record": "查阅档案",
    "reveal": "查看完整号码",
    "verify": "校验审计日志",
    "reopen": "恢复在册",
    HEAD_REBUILT: "重建链尾",
}

# What each kind of record is called (the table name is the target type).
TARGETS: dict[str, str] = {
    "person": "来访人",
    "visit": "来访登记",
    "referral": "分流",
    "kiosk_ticket": "自助取号",
    "escalation": "上报",
    "mediation_case": "调解案件",
    "case_party": "当事人",
    "mediation_session": "调解记录",
    "agreement": "调解协议",
    "agreement_clause": "协议条款",
    "follow_up": "回访",
    "judicial_confirmation": "司法确认",
    "case_attachment": "案件附件",
    "counselling_case": "心理咨询个案",
    "counselling_session": "心理咨询记录",
    "counselling_risk": "风险评估",
    "counselling_scale": "心理量表",
    "care_entry": "关爱对象",
    "care_visit": "关爱走访",
    "care_group": "关爱对象类别",
    "police_handover": "警民联络移交",
    "deliberation_meeting": "议事会议",
    "deliberation_matter": "议题",
    "deliberation_action": "议定落实事项",
    "social_organisation": "社会组织",
    "organisation_referral": "社会组织转介",
    "organisation_activity": "社会组织活动",
    "person_former_name": "曾用名",
    "notification": "通知",
    "notification_read": "通知已读",
    "visit_reply": "回复",
    "visit_rating": "评价",
    "rectification": "整改",
    "rectification_note": "整改记录",
    "workday_exception": "工作日历",
    "staff": "工作人员",
    "staff_role": "工作人员角色",
    "room": "室和窗口",
    "category": "事项类别",
    "community": "社区",
    "grid": "网格",
    "centre_setting": "系统设置",
    "notice": "政策宣传",
    "audit_entry": "审计日志",
    "register": "台账",
    "report": "月报",
    "list": "基础数据",
}

# Tables whose rows are bookkeeping, not records someone edits: never audited.
NOT_AUDITED = frozenset({"audit_entry", "audit_head", "sequence_counter", "referral_event"})
# Columns that only say when and by which desk a row was written: noise in a change.
BOOKKEEPING = frozenset({"version", "changed_at", "changed_by", "created_at", "updated_at"})
# What a resident told the centre: the log says it changed, never what it says.
CONFIDENTIAL = frozenset({("visit", "summary"), ("visit", "request"), ("referral", "note")})
# The counselling room's records: every word and every rating is for counsellors only.
CONFIDENTIAL |= frozenset(
    {("counselling_case", c) for c in ("intake_problem", "highest_risk", "referred_to",
                                        "referred_kind", "referral_reason", "close_reason")}
    | {("counselling_session", c) for c in ("problem", "intervention", "plan", "minutes")}
    | {("counselling_risk", c) for c in ("self_harm", "suicide", "harm_others", "level",
                                         "crisis_step", "crisis_note")}
    | {("counselling_scale", c) for c in ("scale", "answers", "total", "band", "flagged")})
# What the resident was told in the 回复 is as confidential as what they said.
CONFIDENTIAL |= frozenset({("visit_reply", "content")})
CONFIDENTIAL_TEXT = "（内容保密）"
# A password hash is a secret too: the log says it changed, never what it was or is.
SECRET = frozenset({("staff", "password_hash")})
SECRET_TEXT = "（已设置）"


class AuditLogReadOnly(RuntimeError):
    """An attempt to change or remove an audit entry through the program."""

    def __init__(self) -> None:
        super().__init__("审计日志只能追加，不能修改或删除")


@dataclass(frozen=True)
class PendingEntry:
    action: str
    target_type: str
    target_id: str | None
    detail: Mapping[str, Any]


# ---------------------------------------------------------------------------
# values as the log keeps them


def masked(column: str, value: Any) -> Any:
    """A value as the log may show it: personal numbers masked, the rest as JSON allows."""
    if value is None:
        return None
    if column.endswith("id_number"):
        return mask_id_number(str(value))
    if column.endswith("phone"):
        return mask_phone(str(value))
    return plain(value)


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it (dates as ISO text, amounts as text)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"（{len(value)} 字节）"
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def _shown(table: str, column: str, value: Any) -> Any:
    if (table, column) in CONFIDENTIAL and value not in (None, ""):
        return CONFIDENTIAL_TEXT
    if (table, column) in SECRET and value not in (None, ""):
        return SECRET_TEXT
    return masked(column, value)


def _audited_columns(mapper: Mapper[Any]) -> Iterator[tuple[str, str]]:
    """(attribute key, column name) of the columns worth showing in the log."""
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.name in BOOKKEEPING or isinstance(column.type, LargeBinary):
            continue
        yield prop.key, column.name


def _target_id(mapper: Mapper[Any], target: Any) -> str:
    identity = mapper.primary_key_from_instance(target)
    return "/".join(str(part) for part in identity)


def _audited(mapper: Mapper[Any]) -> str | None:
    table = mapper.persist_selectable.name  # type: ignore[attr-defined]
    return None if table in NOT_AUDITED else str(table)


# ---------------------------------------------------------------------------
# gathering entries during the unit of work


def record(session: Session, action: str, target_type: str = "",
           target_id: object = None, detail: Mapping[str, Any] | None = None) -> None:
    """Log ``action`` on a record; appended when ``session`` commits (with its changes)."""
    pending: list[PendingEntry] = session.info.setdefault(_PENDING_KEY, [])
    pending.append(PendingEntry(action, target_type,
                                None if target_id is None else str(target_id)[:64],
                                {k: plain(v) for k, v in (detail or {}).items()}))


def log_event(database: Database, action: str, target_type: str = "",
              target_id: object = None, detail: Mapping[str, Any] | None = None) -> None:
    """Log something that changes nothing (a print, an export, an opening) in its own commit."""
    with database.write() as session:
        record(session, action, target_type, target_id, detail)


def _values(mapper: Mapper[Any], target: Any, table: str) -> dict[str, Any]:
    state = instance_state(target)
    values = {}
    for key, name in _audited_columns(mapper):
        value = state.dict.get(key)
        if value is not None:
            values[name] = _shown(table, name, value)
    return values


def record_created(session: Session, row: Base) -> None:
    """Log a row a Core INSERT made (the flush hooks see only the ORM's own inserts)."""
    mapper = inspect(row).mapper
    table = _audited(mapper)
    if table is not None:
        record(session, "create", table, _target_id(mapper, row),
               {"values": _values(mapper, row, table)})


def record_bulk(session: Session, model: type[Base], action: str,
                rows: Sequence[Mapping[str, Any]]) -> None:
    """Log rows a Core INSERT/UPDATE wrote in bulk (an import): one entry listing them."""
    table = _audited(inspect(model))
    if table is not None and rows:
        record(session, action, table, None, {"rows": [
            {name: _shown(table, name, value) for name, value in row.items()} for row in rows]})


def _record_row(action: str, mapper: Mapper[Any], target: Any) -> None:
    """A row created or removed: the entry lists its values."""
    session = object_session(target)
    table = _audited(mapper)
    if session is not None and table is not None:
        record(session, action, table, _target_id(mapper, target),
               {"values": _values(mapper, target, table)})


def _on_insert(mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    _record_row("create", mapper, target)


def _on_update(mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    session = object_session(target)
    table = _audited(mapper)
    if session is None or table is None:
        return
    state = instance_state(target)
    changes: dict[str, dict[str, Any]] = {}
    for key, name in _audited_columns(mapper):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[name] = {"old": _shown(table, name, old), "new": _shown(table, name, new)}
    for rel in mapper.relationships:
        if rel.secondary is None:
            continue  # a one-to-many change is a change of the other side's row
        history = state.attrs[rel.key].history
        if history.has_changes():
            kept = [_target_id(rel.mapper, row) for row in history.unchanged]
            changes[rel.key] = {
                "old": sorted(kept + [_target_id(rel.mapper, r) for r in history.deleted]),
                "new": sorted(kept + [_target_id(rel.mapper, r) for r in history.added]),
            }
    if changes:
        record(session, "change", table, _target_id(mapper, target), {"changes": changes})


def _on_delete(mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    _record_row("delete", mapper, target)


def _refuse_entry_change(_mapper: Mapper[Any], _connection: Connection, _target: Any) -> None:
    raise AuditLogReadOnly


def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in ("audit_entry", "audit_head"):
        raise AuditLogReadOnly


def _append_pending(session: Session) -> None:
    """Append what the unit of work gathered, as its last statements."""
    session.flush()  # the last changes' entries are gathered by their flush
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        append(session, pending)


def _forget_pending(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING_KEY, None)


event.listen(Base, "after_insert", _on_insert, propagate=True)
event.listen(Base, "after_update", _on_update, propagate=True)
event.listen(Base, "after_delete", _on_delete, propagate=True)
event.listen(AuditEntry, "before_update", _refuse_entry_change)
event.listen(AuditEntry, "before_delete", _refuse_entry_change)
event.listen(AuditHead, "before_update", _refuse_entry_change)
event.listen(AuditHead, "before_delete", _refuse_entry_change)
event.listen(Session, "do_orm_execute", _refuse_bulk_change)
event.listen(Session, "before_commit", _append_pending)
event.listen(Session, "after_rollback", _forget_pending)
event.listen(Session, "after_soft_rollback", _forget_pending)


# ---------------------------------------------------------------------------
# the chain


def canonical(entry: Mapping[str, Any]) -> str:
    """The text an entry's hash covers: every field but the hashes, in a fixed form."""
    at = entry["at"]
    return json.dumps({
        "id": entry["id"],
        "at": at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at),
        "staff_id": entry["staff_id"],
        "staff_name": entry["staff_name"],
        "desk": entry["desk"],
        "action": entry["action"],
        "target_type": entry["target_type"],
        "target_id": entry["target_id"],
        "detail": entry["detail"],
    }, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{canonical(entry)}".encode()).hexdigest()


def utc_now() -> datetime:
    """Entries are stamped in UTC: desks in one centre may not agree on the zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def actor_of(session: Session) -> tuple[int | None, str]:
    """(staff id, name) of the signed-in account, or (None, "（未登录）")."""
    actor = session.info.get(ACTOR_KEY)
    if actor is None:
        return None, NOT_SIGNED_IN
    staff_id = getattr(actor, "staff_id", None)
    name = getattr(actor, "name", None) or NOT_SIGNED_IN
    return (staff_id if isinstance(staff_id, int) else None), str(name)[:64]


def _lock_head(session: Session) -> tuple[int, str, bool]:
    """The chain's end, locked until the transaction ends, and whether it was missing.

    The first migration writes it. Missing, it was deleted by hand: it is made again from
    the newest entry, so that the desks can go on writing (each new entry's number follows
    the end's), and the caller logs that it was.
    """
    head = cast(Table, AuditHead.__table__)
    query = select(head.c.last_id, head.c.last_hash).where(head.c.id == HEAD_ID)
    conn = session.connection()
    row = conn.execute(query.with_for_update()).first()
    if row is not None:
        return int(row[0]), str(row[1]), False
    newest = conn.execute(select(AuditEntry.id, AuditEntry.hash)
                          .order_by(AuditEntry.id.desc()).limit(1)).first()
    last_id, last_hash = (int(newest[0]), str(newest[1])) if newest else (0, GENESIS)
    conn.execute(insert_on_conflict(session, head)
                 .values(id=HEAD_ID, last_id=last_id, last_hash=last_hash)
                 .on_conflict_do_nothing())
    row = conn.execute(query.with_for_update()).first()
    assert row is not None
    return int(row[0]), str(row[1]), True


def append(session: Session, entries: Sequence[PendingEntry]) -> None:
    """Append ``entries`` to the chain now, in ``session``'s transaction."""
    if not entries:
        return
    last_id, last_hash, rebuilt = _lock_head(session)
    if rebuilt:
        entries = [PendingEntry(HEAD_REBUILT, "audit_entry", None,
                                {"链尾": f"缺失，按第 {last_id} 条记录重建"}), *entries]
    staff_id, staff_name = actor_of(session)
    desk = str(session.info.get(DESK_KEY) or "")[:64]
    at = utc_now()
    rows = []
    for pending in entries:
        last_id += 1
        row = {
            "id": last_id, "at": at, "staff_id": staff_id, "staff_name": staff_name,
            "desk": desk, "action": pending.action[:32], "target_type": pending.target_type[:32],
            "target_id": pending.target_id,
            "detail": json.dumps(pending.detail, ensure_ascii=False, sort_keys=True),
            "prev_hash": last_hash,
        }
        row["hash"] = last_hash = entry_hash(last_hash, row)
        rows.append(row)
    head = cast(Table, AuditHead.__table__)
    conn = session.connection()
    conn.execute(insert(cast(Table, AuditEntry.__table__)), rows)
    conn.execute(update(head).where(head.c.id == HEAD_ID)
                 .values(last_id=last_id, last_hash=last_hash))


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of :func:`verify_chain`: how many entries were checked, the first fault."""

    checked: int
    problem: str | None = None
    entry_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        if self.problem:
            return self.problem
        return f"审计日志完整：共 {self.checked} 条记录，逐条校验无误。"


def local_time(at: datetime) -> datetime:
    """A stored UTC time as this PC's wall clock."""
    return at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _describe(entry: AuditEntry) -> str:
    return (f"第 {entry.id} 条（{local_time(entry.at):%Y-%m-%d %H:%M:%S}，"
            f"{entry.staff_name}，{ACTIONS.get(entry.action, entry.action)}）")


def verify_chain(session: Session) -> ChainCheck:
    """Recompute the chain from the first entry; the first edited or missing entry, if any."""
    expected_id, last_hash, checked = 1, GENESIS, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)
                           .execution_options(yield_per=1000)).scalars()
    for entry in rows:
        if entry.id != expected_id:
            missing = (f"第 {expected_id} 条" if entry.id == expected_id + 1
                       else f"第 {expected_id} 至 {entry.id - 1} 条")
            return ChainCheck(checked, f"审计日志被删改：{missing}记录缺失（已被删除）。",
                              expected_id)
        if entry.prev_hash != last_hash:
            return ChainCheck(checked, f"审计日志被删改：{_describe(entry)}与前一条记录衔接不上，"
                              "之前的记录被删除或改动过。", entry.id)
        content = {c: getattr(entry, c) for c in ("id", "at", "staff_id", "staff_name", "desk",
                                                  "action", "target_type", "target_id", "detail")}
        if entry_hash(last_hash, content) != entry.hash:
            return ChainCheck(checked, f"审计日志被删改：{_describe(entry)}的内容与其校验值不符，"
                              "该记录被改动过。", entry.id)
        if entry.action == HEAD_REBUILT:
            return ChainCheck(checked, f"审计日志被删改：链尾记录被删除过，{_describe(entry)}"
                              "将其重建；此前最新的记录是否也被删除已无法核实。", entry.id)
        last_hash, expected_id, checked = entry.hash, entry.id + 1, checked + 1
    head = session.get(AuditHead, HEAD_ID)
    if head is None:
        if not checked:
            return ChainCheck(checked)
        return ChainCheck(checked, "审计日志被删改：链尾记录已被删除，最新的记录是否也被删除"
                          "已无法核实。", expected_id - 1)
    if head.last_id != expected_id - 1:
        return ChainCheck(checked, f"审计日志被删改：应有 {head.last_id} 条记录，只找到 "
                          f"{expected_id - 1} 条，第 {expected_id} 条及以后的记录已被删除。",
                          expected_id)
    if head.last_hash != last_hash:
        return ChainCheck(checked, f"审计日志被删改：第 {expected_id - 1} 条记录与链尾校验值不符，"
                          "该记录被改动或替换过。", expected_id - 1)
    return ChainCheck(checked)


# ---------------------------------------------------------------------------
# reading the log


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asks for: local dates (inclusive), who (part of a name), which action."""

    start: date | None = None
    end: date | None = None
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            message = None if value is None else date_error(value, "日期（起始和截止）")
            if message:
                raise ValidationError({"period": message})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"period": "截止日期不能早于起始日期"})

    def label(self) -> str:
        """The selection in words, for a title: ``2026-11-01 至 2026-11-30，操作人含“王”``."""
        if self.start and self.end:
            parts = [f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"]
        elif self.start:
            parts = [f"{self.start:%Y-%m-%d} 起"]
        elif self.end:
            parts = [f"截至 {self.end:%Y-%m-%d}"]
        else:
            parts = ["全部"]
        if self.actor.strip():
            parts.append(f"操作人含“{self.actor.strip()}”")
        if self.action:
            parts.append(f"操作为“{ACTIONS.get(self.action, self.action)}”")
        return "，".join(parts)

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.start is not None:
            query = query.where(AuditEntry.at >= _utc(datetime.combine(self.start, time.min)))
        if self.end is not None:
            query = query.where(AuditEntry.at < _utc(
                datetime.combine(self.end + timedelta(days=1), time.min)))
        if self.actor.strip():
            query = query.where(AuditEntry.staff_name.contains(self.actor.strip(),
                                                               autoescape=True))
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.target_type:
            query = query.where(AuditEntry.target_type == self.target_type)
        if self.target_id:
            query = query.where(AuditEntry.target_id == self.target_id)
        return query


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditRow:
    """One entry as the window and the export show it (local time, Chinese words)."""

    id: int
    at: datetime
    staff_name: str
    desk: str
    action: str
    action_label: str
    target: str
    detail: str
    staff_id: int | None = None
    raw_detail: Mapping[str, Any] = field(default_factory=dict)


def describe_detail(detail: Mapping[str, Any]) -> str:
    """The detail in one line: ``姓名：张三 → 李四；电话：138****0000 → …``."""
    parts = []
    for name, change in (detail.get("changes") or {}).items():
        parts.append(f"{name}：{_text(change.get('old'))} → {_text(change.get('new'))}")
    for name, value in (detail.get("values") or {}).items():
        parts.append(f"{name}：{_text(value)}")
    for name, value in detail.items():
        if name not in ("changes", "values"):
            parts.append(f"{name}：{_text(value)}")
    return "；".join(parts)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（无）"
    return str(value)


def _row(entry: AuditEntry) -> AuditRow:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {"内容": entry.detail}
    if not isinstance(detail, dict):
        detail = {"内容": detail}
    target = TARGETS.get(entry.target_type, entry.target_type)
    if entry.target_id:
        target = f"{target} {entry.target_id}"
    return AuditRow(entry.id, local_time(entry.at), entry.staff_name, entry.desk, entry.action,
                    ACTIONS.get(entry.action, entry.action), target, describe_detail(detail),
                    entry.staff_id, detail)


def count_entries(session: Session, where: AuditFilter) -> int:
    return int(session.scalar(where.apply(select(func.count()).select_from(AuditEntry))) or 0)


def list_entries(session: Session, where: AuditFilter, *, limit: int | None = 500,
                 newest_first: bool = True) -> list[AuditRow]:
    """The entries ``where`` asks for, newest first, at most ``limit``."""
    return list(iter_entries(session, where, limit=limit, newest_first=newest_first))


def iter_entries(session: Session, where: AuditFilter, *, limit: int | None = None,
                 newest_first: bool = True) -> Iterator[AuditRow]:
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id
    query = where.apply(select(AuditEntry)).order_by(order)
    if limit is not None:
        query = query.limit(limit)
    for entry in session.execute(query.execution_options(yield_per=1000)).scalars():
        yield _row(entry)
