"""Feedback at once for a key that starts slow work, and no second start while the first is under way.

Opening a case or starting a review builds the whole case screen and asks the
store (a team server can take seconds): done at once, on the UI thread, the
screen showed nothing until it was over, and a practitioner who saw nothing
for three seconds pressed the key again (issue 14, finding 8).  `Progress.run`
says what is happening straight away, starts the work only once that notice
has been drawn, and answers a press of the key meanwhile by saying again that
the work is under way — never by starting it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.widget import Widget

LOOK_EVERY = 0.01
LOOKS = 20
"""How often, and how many times at most, to look whether the notice is on screen before starting anyway
(with notifications turned off it never is)."""
SHOWN_FOR = 3.0
"""Seconds a progress notice stays: long enough to be read over the screen the work opens."""


class Progress:
    """One piece of slow work at a time for the screen (or app) `owner`, each announced before it starts."""

    def __init__(self, owner: App[Any] | Widget) -> None:
        self._owner = owner
        self.doing: str | None = None
        """What is under way now ("Opening K1…"), or None."""

    def run(self, doing: str, work: Callable[[], object]) -> None:
        """Say `doing` now and call `work` once that is on screen; while it is under way only say so again."""
        if self.doing is not None:
            self._owner.notify(f"{self.doing} Please wait: it is under way.", timeout=SHOWN_FOR, markup=False)
            return
        self.doing = doing
        self._owner.notify(doing, timeout=SHOWN_FOR, markup=False)
        self._when_shown(doing, work, LOOKS)

    def _when_shown(self, doing: str, work: Callable[[], object], looks: int) -> None:
        """Start `work` after the frame that first holds the notice (a toast is mounted a little after it
        is asked for), looking every `LOOK_EVERY` seconds, `looks` more times at most."""
        app = self._owner if isinstance(self._owner, App) else self._owner.app
        if not app.is_running or not app.screen_stack:
            self.doing = None  # the app is closing: nothing to open any more
            return
        screen = app.screen
        waiting = bool(screen.query("ToastRack"))  # without one (notices turned off) nothing will show
        if looks and waiting and not any(doing in str(toast.render()) for toast in screen.query("Toast")):
            self._owner.set_timer(LOOK_EVERY, partial(self._when_shown, doing, work, looks - 1))
            return
        self._owner.call_after_refresh(self._carry_out, work)  # after the frame that draws it

    def _carry_out(self, work: Callable[[], object]) -> None:
        try:
            work()
        finally:
            self.doing = None
