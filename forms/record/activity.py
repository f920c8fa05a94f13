"""Active writing time: a clock that runs while the practitioner works and pauses when they stop.

Wall-clock time on a record says little (a screen left open over lunch is
not work), so each key press adds the gap since the previous one, capped at
60 seconds: a pause longer than a minute counts as one minute and then the
clock stops.  The clock is injected so that tests and the counters bar can
drive it without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_AFTER = 60.0
"""Seconds without a key press after which the clock stops."""


@dataclass
class ActivityClock:
    """Counts active seconds from key presses; `stored_seconds` is what the record already held."""

    stored_seconds: int = 0
    clock: Callable[[], float] = time.monotonic
    _session: float = 0.0
    _last_key: float | None = field(default=None, repr=False)

    def key_pressed(self) -> None:
        """Note one key press: add the gap since the last one, at most a minute."""
        now = self.clock()
        if self._last_key is not None:
            self._session += min(max(now - self._last_key, 0.0), IDLE_AFTER)
        self._last_key = now

    @property
    def session_seconds(self) -> int:
        """Active seconds in this session (since the screen opened)."""
        return int(self._session)

    @property
    def total_seconds(self) -> int:
        """Active seconds on the record in all, to store with it."""
        return self.stored_seconds + int(self._session)

    @property
    def running(self) -> bool:
        """True while the last key press was under a minute ago."""
        return self._last_key is not None and self.clock() - self._last_key < IDLE_AFTER


def format_duration(seconds: int) -> str:
    """Seconds as people read a working time: "0 min", "42 min", "3 h 05 min"."""
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
