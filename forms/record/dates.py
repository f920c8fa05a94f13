"""Natural date entry on one line: what a practitioner types when adding an evidence source.

UK order (day/month) throughout.  A date with no year means its nearest
occurrence: "31/12" typed in January is last December, "3/1" typed in
December is next January, anything else this year.  Relative forms
(`+2w`, `-3d`, `next fri`) serve plan target dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from forms.record.iso_dates import EARLIEST, LATEST

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?")
_RELATIVE = re.compile(r"([+-])\s*(\d{1,4})\s*([dwm])")
_NEXT_WEEKDAY = re.compile(r"(next\s+)?([a-z]{2,9})")

_HINT = "write it as 3/10/2026, 2026-10-03, today, yesterday, +2w, -3d or next fri"


def _weekday(word: str) -> int | None:
    """Index of the weekday that `word` starts (at least two letters: "fr", "fri", "friday")."""
    matches = [i for i, name in enumerate(_WEEKDAYS) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _build(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (day/month order); {_HINT}") from None


def _add_months(d: date, months: int) -> date:
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _nearest(day: int, month: int, today: date, text: str) -> date:
    """The day/month in last, this or next year that is closest to `today` (29/2 skips non-leap years)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"'{text}' is not a real date (day/month order); {_HINT}")
    return min(candidates, key=lambda d: abs((d - today).days))


def parse_date(text: str, today: date) -> date:
    """The date `text` means on `today`; ValueError with a hint on what to type when it means none.

    Whatever the form typed, the day must be one A4 stores (`forms.record.iso_dates`:
    1900-01-01 to 2100-12-31).
    """
    day = _meaning(text, today)
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"'{text}' is outside the dates A4 accepts ({EARLIEST} to {LATEST})")
    return day


def _meaning(text: str, today: date) -> date:
    cleaned = text.strip().lower()
    if not cleaned:
        raise ValueError(f"no date given; {_HINT}")
    if cleaned in ("today", "tod"):
        return today
    if cleaned in ("yesterday", "yest"):
        return today - timedelta(days=1)
    if cleaned in ("tomorrow", "tom"):
        return today + timedelta(days=1)
    if m := _ISO.fullmatch(cleaned):
        return _build(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DMY.fullmatch(cleaned):
        day, month = int(m[1]), int(m[2])
        if m[3]:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return _build(year, month, day, text)
        return _nearest(day, month, today, text)
    if m := _RELATIVE.fullmatch(cleaned):
        n = int(m[2]) * (1 if m[1] == "+" else -1)
        if m[3] == "d":
            return today + timedelta(days=n)
        if m[3] == "w":
            return today + timedelta(weeks=n)
        return _add_months(today, n)
    if (m := _NEXT_WEEKDAY.fullmatch(cleaned)) and (weekday := _weekday(m[2])) is not None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    raise ValueError(f"'{text}' is not a date A4 understands; {_HINT}")


def format_long(d: date) -> str:
    """A date as people say it: "Friday 3 October 2026"."""
    return f"{_WEEKDAYS[d.weekday()].title()} {d.day} {_MONTHS[d.month - 1].title()} {d.year}"
