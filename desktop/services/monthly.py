"""The monthly report (月报): 人民调解 figures in the MoJ's form and the centre's own.

Every figure is computed for the month, the month before (环比) and the same
month a year earlier (同比) by the same function, so the three always agree.

Two groups of figures depend on modules this build does not have yet; their
functions are here, named after the figure, and return ``None`` (shown as
"—" with a note) rather than an invented number:

* the mediation figures (``mediation_accepted`` … ``mediation_satisfaction``)
  need the mediation case models;
* overdue and escalated items (``escalation_counts``) need the reception
  queue's escalations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Category, Community, Referral, Room, Visit
from desktop.services.registers import (
    FINISHED_STATUSES,
    MEDIATION_UNAVAILABLE,
    Period,
)
from desktop.services.registration import SOURCES
from desktop.services.settings import load_settings

Number = int | float | Decimal

MEDIATION_SOURCES = ["主动调解", "申请调解", "委托移送"]
AGREEMENT_FORMS = ["书面协议", "口头协议"]
ESCALATION_UNAVAILABLE = "分流队列模块未提供超时、升级记录"
NO_COMMUNITY = "未填写社区"
NO_CATEGORY = "未分类"
TOTAL_LABEL = "合计"


@dataclass(frozen=True)
class Figure:
    """One line of the report: this period, the one before, the same one last year.

    ``kind`` is ``count`` (changes are relative, +12.5%), ``rate`` (a
    percentage 0–100; changes are in percentage points), ``money`` or
    ``minutes``. ``value`` is ``None`` when the figure cannot be computed in
    this build; ``note`` says why.
    """

    label: str
    value: Number | None
    previous: Number | None = None
    last_year: Number | None = None
    kind: str = "count"
    share: float | None = None  # of the breakdown's total, 0–1
    note: str = ""

    @property
    def month_on_month(self) -> float | None:
        """环比: relative change for counts and amounts, percentage points for rates."""
        return change(self.value, self.previous, self.kind)

    @property
    def year_on_year(self) -> float | None:
        """同比, like :attr:`month_on_month`."""
        return change(self.value, self.last_year, self.kind)


def change(value: Number | None, base: Number | None, kind: str = "count") -> float | None:
    if value is None or base is None:
        return None
    if kind == "rate":
        return float(value) - float(base)
    if base == 0:
        return None
    return (float(value) - float(base)) / float(base)


def rate(part: Number | None, whole: Number | None) -> float | None:
    """``part`` as a percentage of ``whole`` (``None`` when there is no whole)."""
    if part is None or not whole:
        return None
    return round(float(part) * 100 / float(whole), 1)


@dataclass(frozen=True)
class Breakdown:
    title: str
    figures: list[Figure]
    note: str = ""


@dataclass
class MonthlyReport:
    period: Period
    previous: Period
    last_year: Period
    centre_name: str
    mediation_available: bool
    mediation: list[Figure]
    mediation_breakdowns: list[Breakdown]
    centre: list[Figure]
    centre_breakdowns: list[Breakdown]
    notes: list[str] = field(default_factory=list)

    def figure(self, label: str) -> Figure:
        for item in (*self.mediation, *self.centre):
            if item.label == label:
                return item
        raise KeyError(label)

    def breakdown(self, title: str) -> Breakdown:
        for item in (*self.mediation_breakdowns, *self.centre_breakdowns):
            if item.title == title:
                return item
        raise KeyError(title)


# -- mediation figures: filled in when the mediation case models land -----------------------

def mediation_accepted(session: Session, period: Period) -> int | None:
    """受理数: disputes accepted for mediation in ``period``."""
    return None


def mediation_succeeded(session: Session, period: Period) -> int | None:
    """调解成功数: disputes of ``period`` closed with an agreement."""
    return None


def mediation_performed(session: Session, period: Period) -> int | None:
    """履行数: agreements of ``period`` the parties have performed."""
    return None


def judicial_confirmations(session: Session, period: Period) -> int | None:
    """司法确认数: agreements of ``period`` confirmed by a court."""
    return None


def agreement_amount(session: Session, period: Period) -> Decimal | None:
    """协议涉及金额 (元) of the agreements of ``period``."""
    return None


def mediation_by_source(session: Session, period: Period) -> dict[str, int] | None:
    """受理数 by 主动调解 / 申请调解 / 委托移送."""
    return None


def mediation_by_type(session: Session, period: Period) -> dict[str, int] | None:
    """受理数 by 纠纷类型 (the category of the dispute)."""
    return None


def agreement_forms(session: Session, period: Period) -> dict[str, int] | None:
    """调解成功数 by 书面协议 / 口头协议."""
    return None


def mediation_satisfaction(session: Session, period: Period) -> float | None:
    """满意率 (%) of the follow-up visits (回访) of ``period``."""
    return None


# -- escalations: filled in when the reception queue records them ---------------------------

@dataclass(frozen=True)
class EscalationCounts:
    overdue: int  # 超时未办结
    escalated: int  # 升级上报


def escalation_counts(session: Session, period: Period) -> EscalationCounts | None:
    """Overdue and escalated items of ``period``; ``None`` until the queue records them."""
    return None


# -- the centre's own figures ------------------------------------------------------------------

@dataclass(frozen=True)
class CentreCounts:
    visits: int
    people: int
    repeat: int
    collective: int
    collective_people: int
    referrals: int
    referrals_finished: int
    by_room: dict[str, int]
    by_community: dict[str, int]
    by_source: dict[str, int]
    by_category: dict[str, int]


def _in(period: Period, column):  # type: ignore[no-untyped-def]
    return (column >= period.starts_at) & (column < period.ends_before)


def centre_counts(session: Session, period: Period) -> CentreCounts:
    in_period = _in(period, Visit.visited_at)
    visits, people, repeat, collective, collective_people = session.execute(
        select(
            func.count(Visit.id),
            func.coalesce(func.sum(Visit.headcount), 0),
            func.count(Visit.id).filter(Visit.is_repeat),
            func.count(Visit.id).filter(Visit.visit_type == "集体"),
            func.coalesce(func.sum(Visit.headcount).filter(Visit.visit_type == "集体"), 0),
        ).where(in_period)
    ).one()
    referral_in_period = _in(period, Referral.created_at)
    referrals, finished = session.execute(
        select(
            func.count(Referral.id),
            func.count(Referral.id).filter(Referral.status.in_(FINISHED_STATUSES)),
        ).where(referral_in_period)
    ).one()
    by_room = dict(session.execute(
        select(Room.name, func.count(Referral.id))
        .join(Referral, Referral.room_id == Room.id)
        .where(referral_in_period).group_by(Room.name)
    ).all())
    by_community = {
        (name or NO_COMMUNITY): n for name, n in session.execute(
            select(Community.name, func.count(Visit.id))
            .select_from(Visit).outerjoin(Community, Community.id == Visit.community_id)
            .where(in_period).group_by(Community.name)
        )
    }
    by_source = dict(session.execute(
        select(Visit.source, func.count(Visit.id)).where(in_period).group_by(Visit.source)
    ).all())
    by_category = {
        (name or NO_CATEGORY): n for name, n in session.execute(
            select(Category.name, func.count(Visit.id))
            .select_from(Visit).outerjoin(Category, Category.id == Visit.category_id)
            .where(in_period).group_by(Category.name)
        )
    }
    return CentreCounts(
        int(visits), int(people), int(repeat), int(collective), int(collective_people),
        int(referrals), int(finished), by_room, by_community, by_source, by_category,
    )


def _ordered_labels(session: Session, kind: str, seen: list[dict[str, int]]) -> list[str]:
    """Every label a breakdown lists: the admin's list in its order, then any others seen."""
    if kind == "room":
        base = list(session.scalars(select(Room.name).order_by(Room.sort_order, Room.id)))
    elif kind == "community":
        base = list(session.scalars(
            select(Community.name).order_by(Community.sort_order, Community.name)))
    elif kind == "category":
        base = list(session.scalars(select(Category.name).order_by(Category.sort_order,
                                                                    Category.id)))
    else:
        base = list(SOURCES)
    extra = sorted({label for counts in seen for label in counts} - set(base))
    return base + extra


def _breakdown(title: str, labels: list[str], now: dict[str, int], before: dict[str, int],
               year_ago: dict[str, int], note: str = "") -> Breakdown:
    total = sum(now.values())
    figures = [
        Figure(label, now.get(label, 0), before.get(label, 0), year_ago.get(label, 0),
               share=(now.get(label, 0) / total) if total else None)
        for label in labels
    ]
    figures.append(Figure(TOTAL_LABEL, total, sum(before.values()), sum(year_ago.values()),
                          share=1.0 if total else None))
    return Breakdown(title, figures, note)


def _figure(label: str, values: Sequence[Number | None],
            kind: str = "count", note: str = "") -> Figure:
    return Figure(label, values[0], values[1], values[2], kind=kind, note=note)


def monthly_report(session: Session, period: Period) -> MonthlyReport:
    """The report for ``period`` (usually a calendar month) with its 环比 and 同比."""
    periods = (period, period.previous(), period.last_year())

    def three(fn: Callable[[Session, Period], Number | None]) -> tuple[Number | None, ...]:
        return tuple(fn(session, p) for p in periods)

    # 人民调解
    accepted = three(mediation_accepted)
    succeeded = three(mediation_succeeded)
    available = accepted[0] is not None
    note = "" if available else MEDIATION_UNAVAILABLE
    success_rate = tuple(rate(s, a) for s, a in zip(succeeded, accepted, strict=True))
    mediation = [
        _figure("受理数（件）", accepted, note=note),
        _figure("调解成功数（件）", succeeded, note=note),
        _figure("调解成功率（%）", success_rate, kind="rate", note=note),
        _figure("履行数（件）", three(mediation_performed), note=note),
        _figure("司法确认数（件）", three(judicial_confirmations), note=note),
        _figure("协议涉及金额（元）", three(agreement_amount), kind="money", note=note),
        _figure("回访满意率（%）", three(mediation_satisfaction), kind="rate", note=note),
    ]
    mediation_breakdowns = [
        _optional_breakdown("按纠纷来源", MEDIATION_SOURCES,
                            [mediation_by_source(session, p) for p in periods]),
        _optional_breakdown("按纠纷类型", None,
                            [mediation_by_type(session, p) for p in periods]),
        _optional_breakdown("按协议形式", AGREEMENT_FORMS,
                            [agreement_forms(session, p) for p in periods]),
    ]

    # 综治中心
    counts = [centre_counts(session, p) for p in periods]

    def c(attr: str) -> tuple[Number | None, ...]:
        return tuple(getattr(x, attr) for x in counts)

    closure = tuple(rate(x.referrals_finished, x.referrals) for x in counts)
    escalations = [escalation_counts(session, p) for p in periods]
    esc_note = "" if escalations[0] is not None else ESCALATION_UNAVAILABLE
    centre = [
        _figure("来访登记（件）", c("visits")),
        _figure("来访人次", c("people")),
        _figure("重复来访（件）", c("repeat")),
        _figure("集体来访（批）", c("collective")),
        _figure("集体来访人次", c("collective_people")),
        _figure("分流（人次）", c("referrals")),
        _figure("分流办结（人次）", c("referrals_finished")),
        _figure("办结率（%）", closure, kind="rate"),
        _figure("超时未办结（件）", tuple(e.overdue if e else None for e in escalations),
                note=esc_note),
        _figure("升级上报（件）", tuple(e.escalated if e else None for e in escalations),
                note=esc_note),
        _figure("回访满意率（%）", three(mediation_satisfaction), kind="rate", note=note),
    ]
    centre_breakdowns = []
    for title, attr, kind in (("按分流去向（人次）", "by_room", "room"),
                              ("按社区（件）", "by_community", "community"),
                              ("按来源（件）", "by_source", "source"),
                              ("按事项类别（件）", "by_category", "category")):
        now, before, year_ago = (getattr(x, attr) for x in counts)
        labels = _ordered_labels(session, kind, [now, before, year_ago])
        centre_breakdowns.append(_breakdown(title, labels, now, before, year_ago))

    notes = [
        "环比：与上一期（上月）相比；同比：与上年同期相比。计数的变化为增减百分比，"
        "比率的变化为增减百分点；基数为0时不计算。",
        "办结率 = 本期分流中已办结（含转办、未到）的人次 ÷ 本期分流人次。",
    ]
    if not available:
        notes.append(f"{MEDIATION_UNAVAILABLE}：人民调解各项数据暂无法统计，表中以“—”表示，"
                     "并非为零。")
    if esc_note:
        notes.append(f"{ESCALATION_UNAVAILABLE}：超时、升级数据暂以“—”表示。")
    return MonthlyReport(
        period=period, previous=periods[1], last_year=periods[2],
        centre_name=load_settings(session).centre_name,
        mediation_available=available, mediation=mediation,
        mediation_breakdowns=mediation_breakdowns, centre=centre,
        centre_breakdowns=centre_breakdowns, notes=notes,
    )


def _optional_breakdown(title: str, labels: list[str] | None,
                        values: list[dict[str, int] | None]) -> Breakdown:
    now, before, year_ago = values
    if now is None:
        rows = [Figure(label, None, note=MEDIATION_UNAVAILABLE) for label in labels or []]
        return Breakdown(title, rows, note=MEDIATION_UNAVAILABLE)
    if labels is None:
        labels = sorted(now, key=lambda k: -now[k])
        labels += sorted(set(before or {}) | set(year_ago or {}) - set(labels))
    return _breakdown(title, labels, now, before or {}, year_ago or {})


def mediation_success_by_month(session: Session, last: Period, months: int = 12
                               ) -> list[tuple[str, float | None]]:
    """调解成功率 (%) of each of the ``months`` months ending with ``last``'s month.

    Empty while the mediation module is not enabled (the chart says so).
    """
    out: list[tuple[str, float | None]] = []
    year, month = last.end.year, last.end.month
    for _ in range(months):
        p = Period.month(year, month)
        accepted = mediation_accepted(session, p)
        if accepted is None:
            return []
        out.append((f"{year}-{month:02d}", rate(mediation_succeeded(session, p), accepted)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    out.reverse()
    return out
