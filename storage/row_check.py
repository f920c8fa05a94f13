"""Whether a caseload row can be shown: one bad row is skipped and named, never the whole list.

Older A4 versions let impossible dates into the store (an import with
`case.start "2025-02-30"`).  Every list (the caseload, `a4 cases`, `a4
stats`, exports) asks here first, shows the rows it can, and says which it
left out and why, so one row never takes down the others.  `a4 cases
--check` lists them with how to fix each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from forms.record.iso_dates import DateError, parse_date
from storage.store import CaseSummary

FIX = (
    "nothing of it is lost; its records still export (`a4 export REF --format json`). "
    "Ask whoever looks after your A4 store to correct the date in it, or, if it was imported by mistake, "
    'a manager archives it: `a4 archive REF --reason "imported by mistake"` (kept, never deleted)'
)
"""What to do about an unreadable case."""


def summary_problem(summary: CaseSummary) -> str | None:
    """Why the row cannot be shown (a date that is not a real day in A4's range), or None when it can."""
    for what, value, required in (
        ("start date", summary.start, True),
        ("first due date", summary.initial_due, False),
        ("next review date", summary.next_review, False),
    ):
        if (value or required) and (problem := _date_problem(value, what)) is not None:
            return problem
    return None


@lru_cache(maxsize=4096)
def _date_problem(value: str, what: str) -> str | None:
    """Why `value` is not a date A4 shows, or None; remembered, since a caseload's rows share a few
    hundred dates and every list reads them all (10,000 rows for `a4 cases`)."""
    try:
        parse_date(value, what=f"its {what}")
    except DateError as error:
        return str(error)
    return None


def readable(rows: Iterable[CaseSummary]) -> tuple[list[CaseSummary], list[tuple[CaseSummary, str]]]:
    """The rows that can be shown, and the others with why not, both in the order given."""
    good: list[CaseSummary] = []
    bad: list[tuple[CaseSummary, str]] = []
    for row in rows:
        problem = summary_problem(row)
        if problem is None:
            good.append(row)
        else:
            bad.append((row, problem))
    return good, bad
