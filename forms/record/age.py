"""A person's age from their date of birth, as a practitioner reads it beside the date.

One rule for the case screen and every export, so a sheet never says 35
where the screen said 36.  A birthday on 29 February comes on 1 March in
a year without one: the age changes when the day after 28 February
begins, as the law of England and Wales counts it (Family Law Reform Act
1969, s. 9).
"""

from __future__ import annotations

from datetime import date

from forms.record.iso_dates import DateError, parse_date


def age_on(born: date, on: date) -> int | None:
    """Whole years from `born` to `on`; None when `on` is before `born` (a date of birth still to come)."""
    if on < born:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_words(answer: object, on: date) -> str:
    """ "aged 36" for a stored date-of-birth answer on `on`; "" for no answer, a date A4 does not
    store, or one after `on` (nothing true can be said of an age there)."""
    if not isinstance(answer, str) or not answer:
        return ""
    try:
        born = parse_date(answer, what="date of birth")
    except DateError:
        return ""
    years = age_on(born, on)
    return "" if years is None else f"aged {years}"
