"""The working-day calendar: Monday to Friday, except the dated exceptions the admin keeps.

An exception is a holiday on a weekday (休) or an adjusted working day on a weekend (班,
调休), named after its festival. The State Council publishes each year's arrangement in
November; the admin enters it (系统设置 → 工作日历…) or imports the file shipped for a
year (``resources/calendar/<year>.csv``). Time limits (服务时限, 整改 15 working days) are
counted here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.models import WorkdayException
from desktop.paths import resource
from desktop.services.admin import auth
from desktop.services.errors import ValidationError

HOLIDAY = "休"
WORKDAY = "班"
KINDS = {HOLIDAY: "放假", WORKDAY: "调休上班"}
NAME_LIMIT = 32
# A sum of working days never walks further than this (a mistyped limit, a broken calendar).
MAX_DAYS = 3660


@dataclass(frozen=True)
class Exception_:
    id: int
    day: date
    kind: str
    name: str


def exceptions(session: Session, *, start: date | None = None,
               end: date | None = None) -> dict[date, str]:
    """The exceptions between ``start`` and ``end`` (both included): day → 休 / 班."""
    stmt = select(WorkdayException.day, WorkdayException.kind)
    if start is not None:
        stmt = stmt.where(WorkdayException.day >= start)
    if end is not None:
        stmt = stmt.where(WorkdayException.day <= end)
    return {d: k for d, k in session.execute(stmt)}


def _working(day: date, known: dict[date, str]) -> bool:
    kind = known.get(day)
    if kind == HOLIDAY:
        return False
    if kind == WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(session: Session, day: date) -> bool:
    return _working(day, exceptions(session, start=day, end=day))


class Calendar:
    """The exceptions read once, for many sums (a list of matters, a report)."""

    def __init__(self, known: dict[date, str]) -> None:
        self.known = known

    @classmethod
    def load(cls, session: Session) -> Calendar:
        return cls(exceptions(session))

    def is_working_day(self, day: date) -> bool:
        return _working(day, self.known)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted);
        ``n`` = 0 is ``start``."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, left, steps = start, n, 0
        while left > 0:
            day += timedelta(days=1)
            steps += 1
            if steps > MAX_DAYS:
                raise ValueError("the calendar has no working day in ten years")
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
        before ``start``): how far ``end`` is from ``start`` in working days."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=i)))

    def latest_start(self, today: date, n: int) -> date:
        """The last day ``d`` whose ``add_working_days(d, n)`` is before ``today``: a matter
        started on or before it is past its ``n``-working-day limit. The sum grows with
        its start, so one cut-off per limit answers for every matter (one query)."""
        day = today - timedelta(days=1)
        while self.add_working_days(day, n) >= today:
            day -= timedelta(days=1)
        return day


def add_working_days(session: Session, start: date, n: int) -> date:
    return Calendar(exceptions(session, start=start)).add_working_days(start, n)


def working_days_between(session: Session, start: date, end: date) -> int:
    low, high = min(start, end), max(start, end)
    return Calendar(exceptions(session, start=low, end=high)).working_days_between(start, end)


# -- the admin's table ----------------------------------------------------------------------


def year_exceptions(session: Session, year: int) -> list[Exception_]:
    rows = session.execute(
        select(WorkdayException.id, WorkdayException.day, WorkdayException.kind,
               WorkdayException.name)
        .where(WorkdayException.day >= date(year, 1, 1), WorkdayException.day <= date(year, 12, 31))
        .order_by(WorkdayException.day))
    return [Exception_(i, d, k, n) for i, d, k, n in rows]


def _checked(day: object, kind: str, name: str) -> tuple[date, str, str]:
    errors: dict[str, str] = {}
    if not isinstance(day, date):
        errors["day"] = "请选择日期"
    if kind not in KINDS:
        errors["kind"] = "请选择放假（休）或调休上班（班）"
    name = " ".join((name or "").split())
    if len(name) > NAME_LIMIT:
        errors["name"] = f"名称不能超过 {NAME_LIMIT} 个字"
    if not errors and isinstance(day, date):
        weekend = day.weekday() >= 5
        if kind == HOLIDAY and weekend:
            errors["kind"] = f"{day:%Y-%m-%d} 是周末，本来就不上班，无需设为放假"
        elif kind == WORKDAY and not weekend:
            errors["kind"] = f"{day:%Y-%m-%d} 是工作日，本来就上班，无需设为调休上班"
    if errors:
        raise ValidationError(errors)
    assert isinstance(day, date)
    return day, kind, name


def set_exception(session: Session, day: date, kind: str, name: str = "") -> int:
    """Add (or change) the exception of ``day``."""
    auth.require(session, "settings.manage")
    day, kind, name = _checked(day, kind, name)
    row = session.scalar(select(WorkdayException).where(WorkdayException.day == day))
    if row is None:
        row = WorkdayException(day=day, kind=kind, name=name)
        session.add(row)
    else:
        row.kind, row.name = kind, name
    session.flush()
    return row.id


def remove_exception(session: Session, day: date) -> None:
    """``day`` is an ordinary day again."""
    auth.require(session, "settings.manage")
    row = session.scalar(select(WorkdayException).where(WorkdayException.day == day))
    if row is None:
        raise ValidationError({"day": f"{day:%Y-%m-%d} 不是例外日期"})
    session.delete(row)
    session.flush()


# -- the State Council's arrangement, shipped as data ---------------------------------------


def shipped_years() -> list[int]:
    """The years whose official arrangement ships with the program."""
    folder = resource("calendar")
    if not folder.is_dir():
        return []
    return sorted(int(f.name[:4]) for f in folder.iterdir()
                  if f.name.endswith(".csv") and f.name[:4].isdigit())


def read_rows(text: str) -> list[tuple[date, str, str]]:
    """Rows ``日期,类型,名称`` (2026-01-04,班,元旦); the header line is skipped."""
    rows = []
    errors: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or row[0].strip() in ("", "日期") or row[0].startswith("#"):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
        except ValueError:
            errors[f"line{number}"] = f"第 {number} 行的日期“{row[0]}”无法识别"
            continue
        kind = row[1].strip() if len(row) > 1 else ""
        name = row[2].strip() if len(row) > 2 else ""
        rows.append((day, kind, name))
    if errors:
        raise ValidationError(errors)
    return rows


def import_rows(session: Session, year: int, rows: list[tuple[date, str, str]]) -> int:
    """Replace the exceptions of ``year`` by ``rows``; all or nothing."""
    auth.require(session, "settings.manage")
    checked = [_checked(d, k, n) for d, k, n in rows]
    if any(d.year != year for d, _k, _n in checked):
        raise ValidationError({"day": f"导入的日期不都在 {year} 年内"})
    session.execute(delete(WorkdayException).where(
        WorkdayException.day >= date(year, 1, 1), WorkdayException.day <= date(year, 12, 31)))
    for day, kind, name in checked:
        session.add(WorkdayException(day=day, kind=kind, name=name))
    session.flush()
    return len(checked)


def import_shipped(session: Session, year: int) -> int:
    """The State Council's arrangement of ``year`` as shipped with the program."""
    if year not in shipped_years():
        raise ValidationError({"year": f"本程序没有附带 {year} 年的放假安排，请手工录入"})
    text = resource("calendar", f"{year}.csv").read_text(encoding="utf-8")
    return import_rows(session, year, read_rows(text))
