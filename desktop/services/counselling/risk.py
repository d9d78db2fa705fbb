"""Risk assessments (自伤 / 自杀 / 伤人, each 低 / 中 / 高) and what a 高 sets off.

A 高 on any of the three, at intake or at a session, needs the crisis step taken
(陪同就医, 通知监护人, 移交公安, or 其他 with what was done) before it is saved. In the
same transaction the visit the case came from goes to 红, the case's highest risk
to 高, and the centre's leaders get a notification naming the case number only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desktop.models import CounsellingCase, RiskAssessment, Visit
from desktop.services import notifications

LEVELS = ["低", "中", "高"]
HIGH = "高"
CRISIS_STEPS = ["陪同就医", "通知监护人", "移交公安", "其他"]
OTHER_STEP = "其他"
RISK_LABELS = {"self_harm": "自伤风险", "suicide": "自杀风险", "harm_others": "伤人风险"}
LEADER_ROLE = "leader"
NOTICE_KIND = "counselling_high_risk"


@dataclass
class RiskInput:
    self_harm: str = "低"
    suicide: str = "低"
    harm_others: str = "低"
    crisis_step: str = ""
    crisis_note: str = ""

    @property
    def level(self) -> str:
        return highest(self.self_harm, self.suicide, self.harm_others)

    @property
    def is_high(self) -> bool:
        return self.level == HIGH


def highest(*levels: str) -> str:
    known = [lv for lv in levels if lv in LEVELS]
    return max(known, key=LEVELS.index) if known else "低"


def validate_risk(data: RiskInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label in RISK_LABELS.items():
        if getattr(data, key) not in LEVELS:
            errors[f"risk.{key}"] = f"请选择{label}（低、中、高）"
    if errors:
        return errors
    if data.is_high:
        if data.crisis_step not in CRISIS_STEPS:
            errors["crisis_step"] = "评估为高风险，须选择已采取的危机处置措施"
        elif data.crisis_step == OTHER_STEP and not data.crisis_note.strip():
            errors["crisis_note"] = "选择“其他”时请写明采取的处置措施"
    elif data.crisis_step and data.crisis_step not in CRISIS_STEPS:
        errors["crisis_step"] = "请从列表中选择危机处置措施"
    if len(data.crisis_note) > 500:
        errors["crisis_note"] = "处置说明不能超过 500 个字"
    return errors


def leader_notice(case_no: str) -> str:
    """What the leaders read: that there is a high risk, and the number; nothing said."""
    return f"心理咨询室有一名来访人评估为高风险，请关注（编号 {case_no}）"


def record(session: Session, case_: CounsellingCase, data: RiskInput, *,
           session_id: int | None = None, at: datetime | None = None) -> RiskAssessment:
    """Write a (validated) assessment and, for a 高, raise the matter and tell the leaders."""
    row = RiskAssessment(case_id=case_.id, session_id=session_id)
    _apply(row, data, at)
    session.add(row)
    _follow(session, case_, row.level, was=None)
    session.flush()
    return row


def revise(session: Session, case_: CounsellingCase, row: RiskAssessment,
           data: RiskInput, *, at: datetime | None = None) -> None:
    """Change a (validated) assessment: one edited to 高 sets off what a new 高 does.

    Lowering it leaves the visit red and the case's highest risk as they were: a 高
    once found stays on the record the leaders were told about.
    """
    was = row.level
    if (row.self_harm, row.suicide, row.harm_others, row.crisis_step or "",
            row.crisis_note or "") != (data.self_harm, data.suicide, data.harm_others,
                                       data.crisis_step, data.crisis_note.strip()):
        _apply(row, data, at)
    _follow(session, case_, row.level, was=was)
    session.flush()


def _apply(row: RiskAssessment, data: RiskInput, at: datetime | None) -> None:
    row.assessed_at = at or datetime.now().replace(microsecond=0)
    row.self_harm, row.suicide, row.harm_others = data.self_harm, data.suicide, data.harm_others
    row.level = data.level
    row.crisis_step = data.crisis_step or None
    row.crisis_note = data.crisis_note.strip() or None


def _follow(session: Session, case_: CounsellingCase, level: str, *, was: str | None) -> None:
    """The case's highest risk; a new 高 turns the visit red and tells the leaders."""
    case_.highest_risk = highest(case_.highest_risk, level)
    if level != HIGH or was == HIGH:
        return
    if case_.visit_id is not None:
        visit = session.get(Visit, case_.visit_id, with_for_update=True)
        if visit is not None:
            visit.risk_level = "红"
    notifications.create(session, LEADER_ROLE, NOTICE_KIND, leader_notice(case_.case_no))


@dataclass(frozen=True)
class RiskData:
    assessed_at: datetime
    self_harm: str
    suicide: str
    harm_others: str
    level: str
    crisis_step: str
    crisis_note: str

    def label(self) -> str:
        text = f"自伤{self.self_harm}、自杀{self.suicide}、伤人{self.harm_others}"
        if self.crisis_step:
            note = f"：{self.crisis_note}" if self.crisis_note else ""
            text += f"；处置：{self.crisis_step}{note}"
        return text


def risk_data(row: RiskAssessment) -> RiskData:
    return RiskData(row.assessed_at, row.self_harm, row.suicide, row.harm_others, row.level,
                    row.crisis_step or "", row.crisis_note or "")
