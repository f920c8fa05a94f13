"""Active writing time: runs while keys are pressed, stops after a minute without one."""

from __future__ import annotations

from forms.record.activity import ActivityClock, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_gaps_between_keys_count_up_to_a_minute() -> None:
    clock = Clock()
    activity = ActivityClock(stored_seconds=100, clock=clock)
    activity.key_pressed()  # the first key starts the clock, adds nothing
    for gap in (2, 5, 59, 600, 1):
        clock.now += gap
        activity.key_pressed()
    assert activity.session_seconds == 2 + 5 + 59 + 60 + 1
    assert activity.total_seconds == 100 + 127


def test_running_stops_after_a_minute() -> None:
    clock = Clock()
    activity = ActivityClock(clock=clock)
    assert not activity.running
    activity.key_pressed()
    clock.now += 59
    assert activity.running
    clock.now += 2
    assert not activity.running


def test_durations_read_as_people_say_them() -> None:
    assert format_duration(59) == "0 min"
    assert format_duration(42 * 60) == "42 min"
    assert format_duration(3 * 3600 + 5 * 60) == "3 h 05 min"
