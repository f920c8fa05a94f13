"""The one reader of stored dates: ISO `YYYY-MM-DD`, a real calendar day, within A4's range.

Case start dates, due dates, review dates and import fields are all read
here, so the command line, the importer and the store agree on what a date
is.  `date.fromisoformat` alone is too lenient for stored text: since Python
3.11 it also takes `20250303` and `2025-W10-1`, which a person cannot read
back and which other tools refuse, and years such as 0001 or 9999 that make
date arithmetic overflow a few steps later.  (Dates a practitioner types on
screen, "3/10", "+2w", are read by `forms.record.dates`, which ends here.)
"""

from __future__ import annotations

import re
from datetime import date

EARLIEST = date(1900, 1, 1)
"""The first day A4 accepts: older dates in probation work are typing mistakes."""
LATEST = date(2100, 12, 31)
"""The last day A4 accepts: leaves room for deadlines added to any accepted date."""

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


class DateError(ValueError):
    """A date that is not one A4 stores; the message says what was wrong for a person."""


def parse_date(text: str, *, what: str) -> date:
    """The day `text` names, written `YYYY-MM-DD`; `DateError` naming `what` when it is not one.

    `what` is how the message refers to the field ("--start", "case.start").
    """
    if not isinstance(text, str):
        raise DateError(f"{what} must be a date written YYYY-MM-DD, not {type(text).__name__}")
    shown = text if len(text) <= 40 else text[:40] + "…"
    match = _ISO.fullmatch(text)
    if match is None:
        raise DateError(f"{what} {shown!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-03")
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise DateError(f"{what} {shown!r} is not a real calendar day") from None
    if not EARLIEST <= day <= LATEST:
        raise DateError(
            f"{what} {shown!r} is outside the dates A4 accepts "
            f"({EARLIEST.isoformat()} to {LATEST.isoformat()})"
        )
    return day


def is_date(text: str) -> bool:
    """True when `text` is a date `parse_date` accepts (the JSON Schema's `date` format check)."""
    try:
        parse_date(text, what="date")
    except DateError:
        return False
    return True


_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?",
    re.ASCII,
)


def is_timestamp(text: str, *, zone: bool = True) -> bool:
    """True for an ISO timestamp A4 writes (`2025-03-03T09:30:00+00:00`) on a day `parse_date` accepts.

    `zone=False` also takes a timestamp without its UTC offset (older sign-off fields).
    """
    match = _TIMESTAMP.fullmatch(text)
    return match is not None and (match[5] is not None or not zone) and is_date(match[1])


def is_date_or_empty(text: str) -> bool:
    """True for "" (not yet set) or a date `parse_date` accepts."""
    return text == "" or is_date(text)


def is_when(text: str) -> bool:
    """True for "", a date, or a timestamp with or without its offset: when something was signed or said."""
    return text == "" or is_date(text) or is_timestamp(text, zone=False)
