"""Typing a date on one line, the way practitioners write them (UK day/month)."""

from __future__ import annotations

from datetime import date

import pytest

from forms.record.dates import format_long, parse_date

TODAY = date(2026, 10, 5)  # a Monday


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2026-10-03", date(2026, 10, 3)),
        ("3/10/2026", date(2026, 10, 3)),
        ("03.10.26", date(2026, 10, 3)),
        ("3/10", date(2026, 10, 3)),
        ("31/1", date(2027, 1, 31)),  # nearer next January than last
        ("1/6", date(2026, 6, 1)),
        ("today", TODAY),
        ("Yesterday", date(2026, 10, 4)),
        ("+2w", date(2026, 10, 19)),
        ("+10d", date(2026, 10, 15)),
        ("-3d", date(2026, 10, 2)),
        ("+1m", date(2026, 11, 5)),
        ("next fri", date(2026, 10, 9)),
        ("fri", date(2026, 10, 9)),
        ("mon", date(2026, 10, 12)),  # a weekday name is the next one, never today
    ],
)
def test_dates_people_type(typed: str, meant: date) -> None:
    assert parse_date(typed, TODAY) == meant


def test_year_end_dates_mean_the_nearest_one() -> None:
    assert parse_date("31/12", date(2027, 1, 4)) == date(2026, 12, 31)
    assert parse_date("2/1", date(2026, 12, 30)) == date(2027, 1, 2)


@pytest.mark.parametrize("typed", ["", "someday", "31/2/2026", "13/13", "2026-02-30", "t"])
def test_nonsense_says_what_to_type(typed: str) -> None:
    with pytest.raises(ValueError, match="3/10/2026"):
        parse_date(typed, TODAY)


def test_long_format() -> None:
    assert format_long(date(2026, 10, 3)) == "Saturday 3 October 2026"
