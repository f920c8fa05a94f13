"""Keys pressed while slow work is under way: kept, then carried out in order once it is done.

A key that starts slow work (opening a case, saving to a team server before
leaving) first puts a notice on screen, and a notice needs the event loop to
run before the work does.  Keys read meanwhile would otherwise reach the old
screen: a word typed straight after F5 would go into the assessment, not the
plan.  So while the work is announced and under way the app keeps every key
and paste here, and afterwards carries them out one by one where they would
have landed had the work been instant.  Nothing is dropped.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol, runtime_checkable

from textual import events

KeyEvent = events.Key | events.Paste


@runtime_checkable
class HoldsKeys(Protocol):
    """An app that can keep keys while slow work runs (`tui.progress.Progress` asks it to)."""

    def hold_keys(self) -> None:
        """Keep keys from now until the matching `release_keys`."""

    def release_keys(self) -> None:
        """The work is done: carry out the kept keys, in order."""


class TypeAhead:
    """The held keys of one app, and whether work that holds them is under way."""

    def __init__(self) -> None:
        self._holds = 0
        self._kept: deque[KeyEvent] = deque()

    def hold(self) -> None:
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)

    def keeps(self, event: KeyEvent) -> bool:
        """Keep `event` when work is under way or earlier keys still wait their turn; True when kept."""
        if self._holds or self._kept:
            self._kept.append(event)
            return True
        return False

    def next_key(self) -> KeyEvent | None:
        """The oldest kept key, once no work holds keys any more; None when there is none to carry out."""
        if self._holds or not self._kept:
            return None
        return self._kept.popleft()
