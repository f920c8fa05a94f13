"""The one ISO date reader (forms.record.iso_dates): real calendar days in A4's range, nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.record.iso_dates import EARLIEST, LATEST, DateError, is_date, parse_date


def test_reads_a_real_day() -> None:
    assert parse_date("2025-03-03", what="--start") == date(2025, 3, 3)


@pytest.mark.parametrize(
    "text",
    ["20250303", "2025-W10-1", "2025-02-30", "2025-99-99", "0000-00-00", "0001-01-01", "1899-12-31",
     "9999-12-31", "2101-01-01", "2025-3-3", " 2025-03-03", "2025-03-03\n", "２０２５-03-03", ""],
)  # fmt: skip
def test_refuses_what_is_not_a_stored_date(text: str) -> None:
    with pytest.raises(DateError, match="--start"):
        parse_date(text, what="--start")
    assert not is_date(text)


def test_range_is_inclusive() -> None:
    assert parse_date("1900-01-01", what="d") == EARLIEST
    assert parse_date("2100-12-31", what="d") == LATEST


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=30), st.dates().map(date.isoformat), st.from_regex(r"\d{4}-\d{2}-\d{2}")))
def test_any_text_gives_a_day_in_range_or_one_line_error(text: str) -> None:
    try:
        day = parse_date(text, what="case.start")
    except DateError as error:
        message = str(error)
        assert message.startswith("case.start") and "\n" not in message.replace(repr(text), "")
    else:
        assert EARLIEST <= day <= LATEST and day.isoformat() == text


@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_every_day_in_range_reads_back(day: date) -> None:
    assert parse_date(day.isoformat(), what="d") == day
