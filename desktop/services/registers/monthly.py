"""The monthly report (月报): 人民调解 figures in the MoJ's form and the centre's own.

Every figure is computed for the month, the month before (环比) and the same
month a year earlier (同比) by the same function, so the three always agree.

A figure with no base (a rate over zero cases) is ``None`` (shown as "—").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop.models import (
    Agreement,
    Category,
    Community,
    Escalation,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    Referral,
    Room,
    Visit,
)
from desktop.services.admin import auth
from desktop.services.admin.settings import load_settings
from desktop.services.closure import reports as closure_reports
from desktop.services.organisations import figures as social_figures
from desktop.services.police import figures as police_figures
from desktop.services.reception.registration import SOURCES
from desktop.services.registers.rows import FINISHED_STATUSES, Period

Number = int | float | Decimal

MEDIATION_SOURCES = ["主动调解", "申请调解", "委托移送"]
AGREEMENT_FORMS = ["书面协议", "口头协议"]
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


# -- 人民调解 figures ----------------------------------------------------------------------------
#
# Which date puts a case in a period:
#   受理数, by source, by type ........ accepted_on (受理日期)
#   调解成功数, 结案数, 成功率, 履行数,
#   协议涉及金额, 协议形式 ............. closed_on (结案日期) of the cases closed in the period
#   司法确认数 ........................ result_on of the confirmations 确认有效 (裁定日期)
#   回访满意度 ........................ done_on of the follow-ups made (回访日期)

SUCCESS = "调解成功"
SATISFACTION_LEVELS = ["满意", "基本满意", "不满意"]
PERFORMED = "已履行"
CONFIRMED = "确认有效"
# The case sources (desktop.services.mediation.SOURCES) as the MoJ form groups them.
SOURCE_GROUPS = {
    "当事人申请": "申请调解",
    "主动调解": "主动调解",
    "公安移交": "委托移送",
    "法院委托": "委托移送",
    "政府部门指定": "委托移送",
}
AGREEMENT_FORM_NAMES = {"written": "书面协议", "oral": "口头协议"}


def _accepted_in(period: Period):  # type: ignore[no-untyped-def]
    return ((MediationCase.accepted_on >= period.start) & (MediationCase.accepted_on <= period.end)
            & MediationCase.deleted_at.is_(None))


def _closed_in(period: Period):  # type: ignore[no-untyped-def]
    return ((MediationCase.closed_on >= period.start) & (MediationCase.closed_on <= period.end)
            & MediationCase.deleted_at.is_(None))


def mediation_accepted(session: Session, period: Period) -> int:
    """受理数: disputes accepted (受理) for mediation in ``period``."""
    return int(session.scalar(select(func.count(MediationCase.id))
                              .where(_accepted_in(period))) or 0)


def mediation_closed(session: Session, period: Period) -> int:
    """结案数: disputes closed in ``period`` with any outcome (the base of the success rate)."""
    return int(session.scalar(select(func.count(MediationCase.id))
                              .where(MediationCase.outcome.is_not(None), _closed_in(period)))
               or 0)


def mediation_succeeded(session: Session, period: Period) -> int:
    """调解成功数: disputes closed in ``period`` as 调解成功."""
    return int(session.scalar(select(func.count(MediationCase.id))
                              .where(MediationCase.outcome == SUCCESS, _closed_in(period)))
               or 0)


def mediation_performed(session: Session, period: Period) -> int:
    """履行数: the 调解成功 cases of ``period`` whose latest follow-up made says 已履行."""
    later = aliased(FollowUp)
    newer = (
        select(later.id)
        .where(later.case_id == FollowUp.case_id, later.done_on.is_not(None),
               (later.done_on > FollowUp.done_on)
               | ((later.done_on == FollowUp.done_on) & (later.id > FollowUp.id)))
        .exists()
    )
    return int(session.scalar(
        select(func.count(func.distinct(MediationCase.id)))
        .join(FollowUp, FollowUp.case_id == MediationCase.id)
        .where(MediationCase.outcome == SUCCESS, _closed_in(period),
               FollowUp.done_on.is_not(None), FollowUp.performance == PERFORMED, ~newer)
    ) or 0)


def judicial_confirmations(session: Session, period: Period) -> int:
    """司法确认数: agreements a court confirmed (确认有效) with a ruling dated in ``period``."""
    return int(session.scalar(
        select(func.count(JudicialConfirmation.id))
        .where(JudicialConfirmation.result == CONFIRMED,
               JudicialConfirmation.result_on >= period.start,
               JudicialConfirmation.result_on <= period.end)
    ) or 0)


def agreement_amount(session: Session, period: Period) -> Decimal:
    """协议涉及金额 (元): the agreements of the cases closed as 调解成功 in ``period``."""
    total = session.scalar(
        select(func.coalesce(func.sum(Agreement.amount), 0))
        .join(MediationCase, MediationCase.id == Agreement.case_id)
        .where(MediationCase.outcome == SUCCESS, _closed_in(period))
    )
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def mediation_by_source(session: Session, period: Period) -> dict[str, int]:
    """受理数 by 主动调解 / 申请调解 / 委托移送."""
    out = dict.fromkeys(MEDIATION_SOURCES, 0)
    for source, n in session.execute(
        select(MediationCase.source, func.count(MediationCase.id))
        .where(_accepted_in(period)).group_by(MediationCase.source)
    ):
        group = SOURCE_GROUPS.get(source or "", "申请调解")
        out[group] += int(n)
    return out


def mediation_by_type(session: Session, period: Period) -> dict[str, int]:
    """受理数 by 纠纷类型 (the category of the dispute)."""
    return {
        (name or NO_CATEGORY): int(n) for name, n in session.execute(
            select(Category.name, func.count(MediationCase.id))
            .select_from(MediationCase)
            .outerjoin(Category, Category.id == MediationCase.category_id)
            .where(_accepted_in(period)).group_by(Category.name)
        )
    }


def agreement_forms(session: Session, period: Period) -> dict[str, int]:
    """调解成功数 by 书面协议 / 口头协议 (cases closed as 调解成功 in ``period``)."""
    out = dict.fromkeys(AGREEMENT_FORMS, 0)
    for kind, n in session.execute(
        select(Agreement.kind, func.count(Agreement.id))
        .join(MediationCase, MediationCase.id == Agreement.case_id)
        .where(MediationCase.outcome == SUCCESS, _closed_in(period)).group_by(Agreement.kind)
    ):
        name = AGREEMENT_FORM_NAMES.get(kind, kind)  # an older build's form keeps its name
        out[name] = out.get(name, 0) + int(n)
    return out


def mediation_satisfaction(session: Session, period: Period) -> dict[str, int]:
    """The follow-ups (回访) made in ``period`` by the parties' 满意 / 基本满意 / 不满意."""
    out = dict.fromkeys(SATISFACTION_LEVELS, 0)
    for level, n in session.execute(
        select(FollowUp.satisfaction, func.count(FollowUp.id))
        .where(FollowUp.done_on >= period.start, FollowUp.done_on <= period.end,
               FollowUp.satisfaction.in_(SATISFACTION_LEVELS))
        .group_by(FollowUp.satisfaction)
    ):
        out[str(level)] = int(n)
    return out


def satisfaction_rate(counts: dict[str, int]) -> float | None:
    """满意率 (%): 满意 and 基本满意 of all the follow-ups that gave an answer."""
    return rate(counts.get("满意", 0) + counts.get("基本满意", 0), sum(counts.values()))


# -- escalations: filled in when the reception queue records them ---------------------------

@dataclass(frozen=True)
class EscalationCounts:
    overdue: int  # 超时未办结
    escalated: int  # 升级上报


def escalation_counts(session: Session, period: Period) -> EscalationCounts:
    """Escalations and department referrals (吹哨报到) of ``period``.

    升级上报 counts those raised in the period (both kinds). 超时未办结 counts
    those whose due date fell in the period and that were not closed by the
    end of that day, so a month's figure does not change when an old item is
    closed late.
    """
    escalated = session.scalar(
        select(func.count()).select_from(Escalation)
        .where(Escalation.raised_at >= period.starts_at, Escalation.raised_at < period.ends_before)
    )
    overdue = session.scalar(
        select(func.count()).select_from(Escalation).where(
            Escalation.due_date >= period.start,
            Escalation.due_date <= period.end,
            or_(Escalation.closed_at.is_(None),
                func.date(Escalation.closed_at) > Escalation.due_date),
        )
    )
    return EscalationCounts(overdue=int(overdue or 0), escalated=int(escalated or 0))


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
    in_period = _in(period, Visit.visited_at) & Visit.deleted_at.is_(None)
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
               year_ago: dict[str, int]) -> Breakdown:
    total = sum(now.values())
    figures = [
        Figure(label, now.get(label, 0), before.get(label, 0), year_ago.get(label, 0),
               share=(now.get(label, 0) / total) if total else None)
        for label in labels
    ]
    figures.append(Figure(TOTAL_LABEL, total, sum(before.values()), sum(year_ago.values()),
                          share=1.0 if total else None))
    return Breakdown(title, figures)


def _figure(label: str, values: Sequence[Number | None],
            kind: str = "count", note: str = "") -> Figure:
    return Figure(label, values[0], values[1], values[2], kind=kind, note=note)


def counselling_breakdown(session: Session, periods: Sequence[Period]) -> Breakdown:
    """心理咨询室: counts only (never what was said), for the report and its workbook."""
    from desktop.services.counselling.register import counts as counselling_counts

    found = [counselling_counts(session, p) for p in periods]
    lines = [("接案（件）", [c.opened for c in found]),
             ("咨询（次）", [c.sessions for c in found]),
             *((f"风险评估为{level}（次）", [c.by_risk[level] for c in found])
               for level in ("高", "中", "低")),
             ("转介医疗机构（件）", [c.referred for c in found]),
             ("结案（件）", [c.closed for c in found])]
    return Breakdown("心理咨询室（仅计数）", [_figure(label, values) for label, values in lines],
                     note="不含咨询内容")


def care_breakdowns(session: Session, periods: Sequence[Period]) -> list[Breakdown]:
    """关爱工作室: residents on the register by group, visits due and made, help by kind."""
    from desktop.services.care.report import counts as care_counts

    found = [care_counts(session, p) for p in periods]
    visits = Breakdown("关爱帮扶", [
        _figure("在册关爱对象（人）", [c.on_register for c in found]),
        _figure("应走访（人次）", [c.due for c in found]),
        _figure("已走访（次）", [c.visited for c in found]),
        _figure("期末逾期未访（人）", [c.overdue_at_end for c in found]),
    ], note="应走访：按走访频次在本期到期的次数")
    groups = Breakdown("关爱对象按类别（人）", [
        *(_figure(name, [c.by_group[name] for c in found]) for name in found[0].by_group),
        _figure("在册人数", [c.on_register for c in found]),
    ], note="一人可属多个类别")
    now, before, year_ago = (c.help_by_kind for c in found)
    help_given = _breakdown("帮扶按类型（次）", list(now), now, before, year_ago)
    return [visits, groups, help_given]


def deliberation_breakdown(session: Session, periods: Sequence[Period]) -> Breakdown:
    """议事协商: meetings, matters, actions agreed, done and overdue."""
    from desktop.services.deliberation.report import counts as deliberation_counts

    found = [deliberation_counts(session, p) for p in periods]
    lines = [("议事会议（次）", [c.meetings for c in found]),
             ("议题（项）", [c.matters for c in found]),
             ("议定落实事项（项）", [c.actions for c in found]),
             ("已落实（项）", [c.done for c in found]),
             ("期末逾期未落实（项）", [c.overdue_at_end for c in found])]
    return Breakdown("议事协商", [_figure(label, values) for label, values in lines])


def monthly_report(session: Session, period: Period) -> MonthlyReport:
    """The report for ``period`` (usually a calendar month) with its 环比 and 同比."""
    auth.require(session, "report.read")
    periods = (period, period.previous(), period.last_year())

    def three(fn: Callable[[Session, Period], Number | None]) -> tuple[Number | None, ...]:
        return tuple(fn(session, p) for p in periods)

    # 人民调解
    accepted = three(mediation_accepted)
    closed = three(mediation_closed)
    succeeded = three(mediation_succeeded)
    success_rate = tuple(rate(s, c) for s, c in zip(succeeded, closed, strict=True))
    satisfaction = [mediation_satisfaction(session, p) for p in periods]
    satisfied = tuple(satisfaction_rate(x) for x in satisfaction)
    mediation = [
        _figure("受理数（件）", accepted),
        _figure("结案数（件）", closed),
        _figure("调解成功数（件）", succeeded),
        _figure("调解成功率（%）", success_rate, kind="rate"),
        _figure("履行数（件）", three(mediation_performed)),
        _figure("司法确认数（件）", three(judicial_confirmations)),
        _figure("协议涉及金额（元）", three(agreement_amount), kind="money"),
        _figure("回访满意率（%）", satisfied, kind="rate"),
    ]
    by_type = [mediation_by_type(session, p) for p in periods]
    type_labels = sorted(by_type[0], key=lambda k: (-by_type[0][k], k))
    type_labels += sorted((set(by_type[1]) | set(by_type[2])) - set(type_labels))
    by_source = [mediation_by_source(session, p) for p in periods]
    forms = [agreement_forms(session, p) for p in periods]
    mediation_breakdowns = [
        _breakdown(title, labels, values[0], values[1], values[2])
        for title, labels, values in (
            ("按纠纷来源", MEDIATION_SOURCES, by_source),
            ("按纠纷类型", type_labels, by_type),
            ("按协议形式", AGREEMENT_FORMS, forms),
            ("按回访满意度", SATISFACTION_LEVELS, satisfaction),
        )
    ]

    # 综治中心
    counts = [centre_counts(session, p) for p in periods]

    def c(attr: str) -> tuple[Number | None, ...]:
        return tuple(getattr(x, attr) for x in counts)

    closure = tuple(rate(x.referrals_finished, x.referrals) for x in counts)
    escalations = [escalation_counts(session, p) for p in periods]
    centre = [
        _figure("来访登记（件）", c("visits")),
        _figure("来访人次", c("people")),
        _figure("重复来访（件）", c("repeat")),
        _figure("集体来访（批）", c("collective")),
        _figure("集体来访人次", c("collective_people")),
        _figure("分流（人次）", c("referrals")),
        _figure("分流办结（人次）", c("referrals_finished")),
        _figure("办结率（%）", closure, kind="rate"),
        _figure("超时未办结（件）", tuple(e.overdue for e in escalations),
                note="办理期限在本期内、到期未办结的上报和移送事项"),
        _figure("升级上报（件）", tuple(e.escalated for e in escalations),
                note="本期上报（社区、街道、区、市）和移送职能部门的事项"),
        _figure("回访满意率（%）", satisfied, kind="rate"),
    ]
    replies = [closure_reports.closure_counts(session, p) for p in periods]
    centre += [
        _figure("回复率（%）", tuple(x.reply_rate for x in replies), kind="rate"),
        _figure("群众满意率（%）", tuple(x.satisfaction_rate for x in replies), kind="rate",
                note="好差评：非常满意、满意、基本满意 ÷ 作出评价的事项"),
        _figure("超过服务时限（件）", tuple(x.overdue for x in replies),
                note="本期登记、设有服务时限的事项中，超过时限才回复或至今超期未回复的件数"),
    ]
    centre_breakdowns = []
    for title, attr, kind in (("按分流去向（人次）", "by_room", "room"),
                              ("按社区（件）", "by_community", "community"),
                              ("按来源（件）", "by_source", "source"),
                              ("按事项类别（件）", "by_category", "category")):
        now, before, year_ago = (getattr(x, attr) for x in counts)
        labels = _ordered_labels(session, kind, [now, before, year_ago])
        centre_breakdowns.append(_breakdown(title, labels, now, before, year_ago))
    centre_breakdowns.append(counselling_breakdown(session, periods))
    for title, room in (("警民联络室", police_figures), ("社会组织工作室", social_figures)):
        per_period = [room.monthly_counts(session, p) for p in periods]
        centre_breakdowns.append(Breakdown(title, [
            _figure(label, tuple(x[key] for x in per_period), note=note)
            for label, key, note in room.LINES]))
    for title, by in (("群众满意率按科室（%）", closure_reports.satisfaction_by_room),
                      ("群众满意率按工作人员（%）", closure_reports.satisfaction_by_staff)):
        values = [by(session, p) for p in periods]
        centre_breakdowns.append(Breakdown(title, [
            _figure(name, [closure_reports.satisfaction_rate(*v[name]) if name in v else None
                           for v in values], kind="rate",
                    note=f"本期评价 {values[0][name][0]} 件" if name in values[0] else "")
            for name in closure_reports.ordered(*(sorted(v) for v in values))]))
    centre_breakdowns.extend(care_breakdowns(session, periods))
    centre_breakdowns.append(deliberation_breakdown(session, periods))

    notes = [
        "环比：与上一期（上月）相比；同比：与上年同期相比。计数的变化为增减百分比，"
        "比率的变化为增减百分点；基数为0时不计算。",
        "办结率 = 本期分流中已办结（含转办、未到）的人次 ÷ 本期分流人次。",
        "受理数及按来源、按类型的分布以受理日期计；结案数、调解成功数、履行数、协议涉及金额和"
        "协议形式以结案日期计；调解成功率 = 调解成功数 ÷ 结案数（含调解不成功、终止调解）。",
        "履行数：本期调解成功的案件中，最近一次回访记录为“已履行”的件数（随后续回访更新）。"
        "司法确认数：人民法院裁定确认调解协议有效的件数，以裁定日期计；已申请尚未裁定的不计。",
        "回访满意率 = 本期回访中“满意”和“基本满意”的次数 ÷ 作出评价的回访次数。",
        "升级上报 = 本期上报和移送职能部门的事项；超时未办结 = 办理期限在本期内、"
        "到期当日未办结的上报和移送事项。",
        "回复率 = 本期登记的事项中已回复群众的件数 ÷ 本期登记件数。群众满意率按好差评五级计："
        "（非常满意 + 满意 + 基本满意）÷ 本期作出评价的件数，整改后的再次评价不重复计入；"
        "按科室、按工作人员以事项分流到的科室和办理人计。服务时限按工作日计（含调休）。",
    ]
    return MonthlyReport(
        period=period, previous=periods[1], last_year=periods[2],
        centre_name=load_settings(session).centre_name,
        mediation=mediation,
        mediation_breakdowns=mediation_breakdowns, centre=centre,
        centre_breakdowns=centre_breakdowns, notes=notes,
    )


def mediation_success_by_month(session: Session, last: Period, months: int = 12
                               ) -> list[tuple[str, float | None]]:
    """调解成功率 (%) of each of the ``months`` months ending with ``last``'s month.

    A month without closed cases has no rate (``None``).
    """
    keys: list[tuple[int, int]] = []
    year, month = last.end.year, last.end.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    whole = Period(Period.month(*keys[0]).start, Period.month(*keys[-1]).end)
    # One query for the whole span, counted per closing day; the days add up to months here.
    closed: dict[tuple[int, int], int] = {}
    succeeded: dict[tuple[int, int], int] = {}
    for day, outcome, n in session.execute(
        select(MediationCase.closed_on, MediationCase.outcome, func.count(MediationCase.id))
        .where(MediationCase.outcome.is_not(None), _closed_in(whole))
        .group_by(MediationCase.closed_on, MediationCase.outcome)
    ):
        if day is None:  # excluded by _closed_in; for the type checker
            continue
        key = (day.year, day.month)
        closed[key] = closed.get(key, 0) + n
        if outcome == SUCCESS:
            succeeded[key] = succeeded.get(key, 0) + n
    return [(f"{y}-{m:02d}", rate(succeeded.get((y, m), 0), closed.get((y, m), 0)))
            for y, m in keys]
