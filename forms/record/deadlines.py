"""Working-day arithmetic for when records fall due.

Working days skip weekends and England and Wales bank holidays.  The bank
holidays come from the maintained `holidays` package (subdivision "ENG";
England and Wales share one list) rather than a hand-kept table that goes
stale every year, including substitute days and one-off holidays.

Counting between two dates is arithmetic on weekday counts plus a bisect
into each year's holidays, so a caseload of thousands of cases can show
"days left" without walking the calendar day by day.
"""

from __future__ import annotations

import importlib.util
import json
import os
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import platformdirs

from forms.model import Deadlines

_ONE_DAY = timedelta(days=1)


CACHE_ENV = "A4_CACHE_DIR"
"""Overrides where the bank-holiday cache is kept (tests and shared machines use it)."""

_CACHED_YEARS = range(2000, 2051)


def _compute(years: range) -> dict[int, tuple[date, ...]]:
    """England and Wales bank holidays that fall Monday to Friday, by year, from the `holidays` package.

    `holidays` is imported here, not at module level: loading it costs about
    90 ms, which start-up pays only when the cache below is missing or stale.
    """
    import holidays

    calendar = holidays.country_holidays("GB", subdiv="ENG", years=list(years))
    by_year: dict[int, list[date]] = {year: [] for year in years}
    for day in calendar:
        if day.weekday() < 5:
            by_year[day.year].append(day)
    return {year: tuple(sorted(days)) for year, days in by_year.items()}


def _package_stamp() -> str:
    """Identifies the installed `holidays` package without importing it: a new release means a new stamp."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return "missing"
    info = os.stat(spec.origin)
    return f"{spec.origin}:{info.st_mtime_ns}:{info.st_size}"


def _cache_file() -> Path:
    folder = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("a4")
    return Path(folder) / "bank-holidays.json"


@cache
def _calendar() -> dict[int, tuple[date, ...]]:
    """Weekday bank holidays for 2000–2050, read from a small cache file while `holidays` is unchanged.

    The dates still come from the maintained package; the file only spares
    every start-up the package's import.  A missing, damaged or stale file is
    rebuilt; one that cannot be written is simply not kept.
    """
    stamp = _package_stamp()
    path = _cache_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["stamp"] == stamp:
            return {int(year): tuple(map(date.fromisoformat, days)) for year, days in data["years"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    calendar = _compute(_CACHED_YEARS)
    years = {str(year): [day.isoformat() for day in days] for year, days in calendar.items()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")  # two A4s refreshing at once never share one
        partial.write_text(json.dumps({"stamp": stamp, "years": years}), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
    return calendar


@cache
def _weekday_holidays(year: int) -> tuple[date, ...]:
    """England and Wales bank holidays of one year that fall Monday to Friday, sorted."""
    if year in _CACHED_YEARS:
        return _calendar()[year]
    return _compute(range(year, year + 1))[year]


def is_working_day(d: date) -> bool:
    """True Monday to Friday except on an England and Wales bank holiday."""
    return d.weekday() < 5 and d not in _weekday_holidays(d.year)


def _weekdays_to(d: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `d`."""
    weeks, days = divmod(d.toordinal(), 7)
    return weeks * 5 + min(days, 5)


def _holidays_to(d: date) -> int:
    """Weekday bank holidays in d's year up to and including `d`."""
    return bisect_right(_weekday_holidays(d.year), d)


def _working_days_after(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`, for a <= b."""
    holidays_between = sum(len(_weekday_holidays(year)) for year in range(a.year, b.year))
    holidays_between += _holidays_to(b) - _holidays_to(a)
    return _weekdays_to(b) - _weekdays_to(a) - holidays_between


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative (counted back) when `b` is before `a`."""
    if b < a:
        return -_working_days_after(b, a)
    return _working_days_after(a, b)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (before it when `n` is negative); `start` is not counted."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    day = start
    for _ in range(abs(n)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def initial_due(start: date, deadlines: Deadlines, sentence_type: str = "") -> date:
    """When the first assessment of a case that started on `start` falls due (by its sentence type, where
    the form sets a different number of working days for it)."""
    return add_working_days(start, deadlines.initial_days_for(sentence_type))


def next_review(last_done: date, deadlines: Deadlines) -> date:
    """When the next review falls due: `review_weeks` after the last, moved on to a working day."""
    day = last_done + timedelta(weeks=deadlines.review_weeks)
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def days_left(due: date, today: date) -> int:
    """Working days from `today` until `due`: 0 on the day, negative once overdue."""
    return working_days_between(today, due)
