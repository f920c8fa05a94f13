"""Due dates across weekends and England and Wales bank holidays, as a practitioner would count them."""

from datetime import date, timedelta

import pytest

from forms.model import Deadlines
from forms.record.deadlines import (
    add_working_days,
    days_left,
    initial_due,
    is_working_day,
    next_review,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 3, 28), True),  # Thursday before Easter
        (date(2024, 3, 29), False),  # Good Friday
        (date(2024, 4, 1), False),  # Easter Monday
        (date(2024, 5, 6), False),  # early May bank holiday
        (date(2024, 5, 4), False),  # Saturday
        (date(2024, 5, 5), False),  # Sunday
        (date(2021, 12, 27), False),  # substitute for Christmas Day on a Saturday
        (date(2021, 12, 28), False),  # substitute for Boxing Day on a Sunday
        (date(2022, 1, 3), False),  # substitute for New Year's Day on a Saturday
        (date(2022, 12, 27), False),  # substitute for Christmas Day on a Sunday
        (date(2023, 1, 2), False),  # substitute for New Year's Day on a Sunday
        (date(2022, 9, 19), False),  # one-off: state funeral
        (date(2024, 12, 27), True),  # Friday between Boxing Day and the weekend
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_add_working_days_skips_christmas_and_new_year() -> None:
    # Mon 23 Dec 2024 + 5: Tue 24, Fri 27, Mon 30, Tue 31, Thu 2 Jan.
    assert add_working_days(date(2024, 12, 23), 5) == date(2025, 1, 2)


def test_add_working_days_skips_substitute_days() -> None:
    # Fri 24 Dec 2021 + 1: 27 and 28 Dec are substitutes, so Wed 29 Dec.
    assert add_working_days(date(2021, 12, 24), 1) == date(2021, 12, 29)
    # Fri 31 Dec 2021 + 1: Mon 3 Jan 2022 substitutes for New Year's Day.
    assert add_working_days(date(2021, 12, 31), 1) == date(2022, 1, 4)


def test_add_working_days_skips_easter() -> None:
    # Thu 28 Mar 2024 + 1: Good Friday, the weekend and Easter Monday are skipped.
    assert add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)


def test_add_working_days_from_a_weekend_or_holiday_start() -> None:
    assert add_working_days(date(2024, 5, 4), 1) == date(2024, 5, 7)  # Saturday before early May
    assert add_working_days(date(2024, 5, 6), 1) == date(2024, 5, 7)  # the bank holiday itself
    assert add_working_days(date(2024, 5, 6), 0) == date(2024, 5, 6)


def test_add_working_days_backwards() -> None:
    assert add_working_days(date(2024, 4, 2), -1) == date(2024, 3, 28)


def test_working_days_between_is_signed() -> None:
    assert working_days_between(date(2024, 12, 23), date(2025, 1, 2)) == 5
    assert working_days_between(date(2025, 1, 2), date(2024, 12, 23)) == -5
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1
    assert working_days_between(date(2024, 6, 3), date(2024, 6, 3)) == 0
    # Over a weekend ending on Sunday: only Friday counts.
    assert working_days_between(date(2024, 6, 6), date(2024, 6, 9)) == 1


def test_working_days_between_agrees_with_adding_over_several_years() -> None:
    start = date(2021, 12, 20)
    for n in (0, 1, 7, 30, 250, 800):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_between_counts_day_by_day() -> None:
    start = date(2022, 11, 25)
    for offset in range(0, 120, 7):
        end = start + timedelta(days=offset)
        walked = sum(is_working_day(start + timedelta(days=i)) for i in range(1, offset + 1))
        assert working_days_between(start, end) == walked


def test_initial_due_counts_working_days_from_the_start() -> None:
    # From Fri 20 Dec 2024 the working days are 23, 24, 27, 30, 31 Dec, 2, 3, 6, 7, 8 Jan.
    assert initial_due(date(2024, 12, 20), Deadlines(initial_working_days=10)) == date(2025, 1, 8)
    assert initial_due(date(2024, 6, 1), Deadlines(initial_working_days=10)) == date(2024, 6, 14)


def test_next_review_moves_off_a_bank_holiday() -> None:
    # 16 weeks after Mon 6 Jan 2025 is Mon 28 Apr 2025, a working day.
    assert next_review(date(2025, 1, 6), Deadlines(review_weeks=16)) == date(2025, 4, 28)
    # 16 weeks after Mon 30 Dec 2024 is Easter Monday 21 Apr 2025: moved to Tue 22 Apr.
    assert next_review(date(2024, 12, 30), Deadlines(review_weeks=16)) == date(2025, 4, 22)
    # 1 week after Sat 29 Apr 2023 lands on Sat 6 May; Mon 8 May (coronation) is also off.
    assert next_review(date(2023, 4, 29), Deadlines(review_weeks=1)) == date(2023, 5, 9)


def test_days_left_goes_negative_when_overdue() -> None:
    due = date(2024, 4, 2)
    assert days_left(due, date(2024, 3, 28)) == 1
    assert days_left(due, due) == 0
    assert days_left(due, date(2024, 4, 4)) == -2
