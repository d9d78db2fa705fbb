"""Hostile input for the services, and the checks every refused or accepted call must pass.

A service given bad input may only refuse it with :class:`ValidationError` (or
:class:`NotFoundError` for a number that does not exist), in Chinese, and must
then have written nothing. Input it accepts must be stored clean: no control
characters (line breaks and tabs only in multi-line text), nothing longer than
its column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    Text,
    bindparam,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)

from desktop.db import Database
from desktop.models import Base, SequenceCounter
from desktop.services.errors import NotFoundError, StaleEditError, ValidationError

HANZI = re.compile(r"[\u4e00-\u9fff]")

# Shapes of bad text; "long" and "huge" are built per column.
HOSTILE_TEXT: dict[str, str] = {
    "nul": "张\x00三",
    "c0": "张\x01\x1b\x7f三",
    "c1": "张\x85\x9b三",
    "surrogate": "张\ud800三",
    "surrogate_pair_halves": "\udc00\ud83d",
    "zero_width_only": "\u200b\u200c\u200d\u2060\ufeff",
    "spaces_only": "\u3000\u00a0 \t",
    "bidi_override": "\u202e三张",
    "line_breaks": "张\r\n三\t四\x0b\x0c",
    "huge": "长" * 100_000,
}

# Ids that are not those of any row: out of every integer column's range, or just unknown.
HOSTILE_IDS: dict[str, Any] = {
    "zero": 0,
    "negative": -1,
    "unknown": 987_654,
    "int32_overflow": 2**31,
    "int64_overflow": 2**63,
    "huge": 10**20,
}

HOSTILE_DATES: dict[str, date] = {
    "year_1": date(1, 1, 1),
    "year_9999": date(9999, 12, 31),
    "year_1899": date(1899, 12, 31),
}

HOSTILE_DATETIMES: dict[str, datetime] = {
    "year_1": datetime(1, 1, 1, 0, 0),
    "year_9999": datetime(9999, 12, 31, 23, 59),
}


def long_text(limit: int) -> str:
    """One character more than the column holds."""
    return "长" * (limit + 1)


def text_shapes(limit: int | None) -> dict[str, str]:
    shapes = dict(HOSTILE_TEXT)
    if limit is not None:
        shapes["overlong"] = long_text(limit)
    return shapes


@functools.cache
def _counts() -> Any:
    parts = [select(literal(table.name).label("what"), func.count().label("n")).select_from(table)
             for table in Base.metadata.sorted_tables]
    parts.append(select(literal("sequence_counter.sum"),
                        func.coalesce(func.sum(SequenceCounter.value), 0)))
    return union_all(*parts)


def fingerprint(database: Database) -> dict[str, int]:
    """Row count of every table and the sum of the counters: a refused call changes none."""
    with database.read() as session:
        return {what: int(n) for what, n in session.execute(_counts())}


# Control characters no stored text may hold (multi-line text keeps tab and line feed).
_SINGLE_RANGES = "\x01-\x1f\x7f-\x9f"
_MULTI_RANGES = "\x01-\x08\x0b-\x1f\x7f-\x9f"


def _unclean(column: Any, dialect: str) -> Any:
    """SQL that is true for a value with control characters or longer than its column."""
    ranges = _MULTI_RANGES if isinstance(column.type, Text) else _SINGLE_RANGES
    if dialect == "sqlite":
        bad = or_(column.op("GLOB")(f"*[{ranges}]*"),
                  func.instr(cast(column, LargeBinary), literal(b"\x00")) > 0)
    else:
        bad = column.op("~")(f"[{ranges}]")
    length = getattr(column.type, "length", None)
    return or_(bad, func.length(column) > length) if length else bad


def _row_id(table: Any) -> Any:
    """The integer primary key of a table, or ``None`` (such tables are small: always read)."""
    key = list(table.primary_key.columns)
    return key[0] if len(key) == 1 and isinstance(key[0].type, Integer) else None


@functools.cache
def _high_marks() -> Any:
    return union_all(*(select(literal(t.name).label("what"),
                              func.coalesce(func.max(_row_id(t)), 0).label("n"))
                       for t in Base.metadata.sorted_tables if _row_id(t) is not None))


def high_marks(database: Database) -> dict[str, int]:
    """The largest id of every table: rows above it are new."""
    with database.read() as session:
        return {what: int(n) for what, n in session.execute(_high_marks())}


@functools.cache
def _unclean_rows(dialect: str) -> Any:
    """One query for every text column of every table (built once: building it is slow).

    Tables with an integer id are read above the bound parameter ``after_<table>`` only.
    """
    parts = []
    for table in Base.metadata.sorted_tables:
        row_id = _row_id(table)
        for column in (c for c in table.columns if isinstance(c.type, String | Text)):
            ident = cast(row_id, String) if row_id is not None else literal("*")
            query = select(literal(f"{table.name}.{column.name}").label("what"),
                           ident.label("ident")).where(_unclean(column, dialect))
            if row_id is not None:
                query = query.where(row_id > bindparam(f"after_{table.name}"))
            parts.append(query)
    return union_all(*parts)


def dirty_cells(database: Database, after: dict[str, int] | None = None) -> set[str]:
    """Stored text a clean service would never have written (controls, over-long values).

    ``after`` (from :func:`high_marks`) limits the search to rows added since.
    """
    query = _unclean_rows(database.engine.dialect.name)
    params = {f"after_{t.name}": (after or {}).get(t.name, 0)
              for t in Base.metadata.sorted_tables if _row_id(t) is not None}
    with database.read() as session:
        return {f"{what}[{ident}]" for what, ident in session.execute(query, params)}


def is_user_error(exc: BaseException) -> bool:
    """The services' refusals: bad input, a number that does not exist, a stale form."""
    return isinstance(exc, ValidationError | NotFoundError | StaleEditError)


@dataclass
class Probe:
    """One hostile call: ``setup`` makes what it needs, ``call`` is the call under test."""

    label: str
    call: Callable[[Any], object]
    setup: Callable[[], Any] = lambda: None


def run_probe(database: Database, probe: Probe) -> str | None:
    """What went wrong with one probe, or ``None``."""
    marks = high_marks(database)
    dirty_before = dirty_cells(database, marks)
    context = probe.setup()
    before = fingerprint(database)
    try:
        probe.call(context)
    except Exception as exc:  # the point: anything but a user error is a failure
        if not is_user_error(exc):
            return f"crash {probe.label}: {type(exc).__name__}: {str(exc)[:120]!r}"
        if not HANZI.search(str(exc)):
            return f"english {probe.label}: refusal without a Chinese message: {exc!r}"
        if fingerprint(database) != before:
            return f"wrote {probe.label}: refused, but something was written"
        return None
    dirty = dirty_cells(database, marks) - dirty_before
    if dirty:
        return f"unclean {probe.label}: accepted and stored in {sorted(dirty)[:3]}"
    return None


def run_probes(database: Database, probes: Iterable[Probe]) -> tuple[int, list[str]]:
    """How many probes ran, and the failures."""
    failures: list[str] = []
    total = 0
    dirty_before = dirty_cells(database)
    for probe in probes:
        total += 1
        problem = run_probe(database, probe)
        if problem:
            failures.append(problem)
    # Probes look at the rows they added; an older row made unclean shows here.
    if not failures and dirty_cells(database) - dirty_before:
        failures.append(f"unclean rows written by some probe: {sorted(dirty_cells(database))[:5]}")
    return total, failures


def tally(total: int, failures: list[str]) -> str:
    """E.g. ``196 probes, 60 failed (crash 41, unclean 19)``."""
    kinds: dict[str, int] = {}
    for failure in failures:
        kind = failure.split(" ", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    detail = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    return f"{total} probes, {len(failures)} failed" + (f" ({detail})" if detail else "")


def report(total: int, failures: list[str]) -> str:
    return tally(total, failures) + ":\n" + "\n".join(failures)


# -- hypothesis strategies --------------------------------------------------------------------

# Every code point, lone surrogates and controls included.
any_char = st.characters(codec=None, categories=None)


def hostile_text(limit: int | None = 64) -> st.SearchStrategy[str]:
    """Text a user (or a paste from anywhere) might hand a service."""
    pieces = [
        st.text(any_char, max_size=40),
        st.sampled_from(list(HOSTILE_TEXT.values())),
        st.text(st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u3000\u00a0\u180e\u3164 "),
                min_size=1, max_size=8),
        st.builds(lambda a, b: a + b, st.text(any_char, max_size=5),
                  st.sampled_from(list(HOSTILE_TEXT.values()))),
    ]
    if limit is not None:
        pieces.append(st.integers(limit - 2, limit + 3).map(lambda n: "字" * max(n, 0)))
    return st.one_of(*pieces)


hostile_ids = st.one_of(st.sampled_from(list(HOSTILE_IDS.values())),
                        st.integers(min_value=-(2**70), max_value=2**70))
hostile_dates = st.one_of(st.sampled_from(list(HOSTILE_DATES.values())), st.dates())
