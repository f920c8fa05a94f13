"""Feedback at once for a key that starts slow work, and no second start while the first is under way.

Opening a case or starting a review builds the whole case screen and asks the
store (a team server can take seconds); leaving a case, opening its plan or
submitting it first waits for the save.  Done at once, on the UI thread, the
screen showed nothing until it was over, and a practitioner who saw nothing
for three seconds pressed the key again (issue 14, finding 8).
`Progress.run` says what is happening straight away, starts the work only
once that notice has been drawn, and takes the notice away when the work is
done (the screen it opens is the answer).  Keys pressed meanwhile wait their
turn (`tui.type_ahead`); a second start asked for directly is answered by
saying again that the work is under way — never by starting it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import App
from textual.notifications import Notification, Notify
from textual.widget import Widget

from tui.type_ahead import HoldsKeys

LOOK_EVERY = 0.01
LOOKS = 20
"""How often, and how many times at most, to look whether the notice is on screen before starting anyway
(with notifications turned off it never is)."""
SHOWN_FOR = 3.0
"""Seconds the "please wait" answer to a second start stays."""
SHOWN_AT_MOST = 120.0
"""Seconds a progress notice stays if the work never ends; it goes as soon as the work is done."""


class Progress:
    """One piece of slow work at a time for the screen (or app) `owner`, each announced before it starts."""

    def __init__(self, owner: App[Any] | Widget) -> None:
        self._owner = owner
        self.doing: str | None = None
        """What is under way now ("Opening K1…"), or None."""
        self._notice: Notification | None = None

    @property
    def _app(self) -> App[Any]:
        return self._owner if isinstance(self._owner, App) else self._owner.app

    def run(self, doing: str, work: Callable[[], object]) -> None:
        """Say `doing` now and call `work` once that is on screen; while it is under way only say so again."""
        if self.doing is not None:
            self._owner.notify(f"{self.doing} Please wait: it is under way.", timeout=SHOWN_FOR, markup=False)
            return
        self.doing = doing
        app = self._app
        self._notice = Notification(doing, "", "information", SHOWN_AT_MOST, markup=False)
        app.post_message(Notify(self._notice))
        if isinstance(app, HoldsKeys):
            app.hold_keys()
        self._when_shown(doing, work, LOOKS)

    def run_if(self, slow: bool, doing: str, work: Callable[[], object]) -> None:
        """`run` when `slow`; otherwise (nothing to wait for) `work` at once, unless work is under way."""
        if slow or self.doing is not None:
            self.run(doing, work)
        else:
            work()

    def _when_shown(self, doing: str, work: Callable[[], object], looks: int) -> None:
        """Start `work` after the frame that first holds the notice (a toast is mounted a little after it
        is asked for), looking every `LOOK_EVERY` seconds, `looks` more times at most."""
        app = self._app
        if not app.is_running or not app.screen_stack:
            self._done()  # the app is closing: nothing to open any more
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
            self._done()

    def _done(self) -> None:
        """The work is over: take its notice away and let the keys pressed meanwhile through."""
        self.doing = None
        app = self._app
        if self._notice is not None:
            # Textual has no public call to take back one notice; a toast's own click uses this.
            app._unnotify(self._notice)
            self._notice = None
        if isinstance(app, HoldsKeys):
            app.release_keys()
