"""Autosave: when a screen's record is saved, what is still waiting, and what each save's answer means.

Kept apart from any screen so it is the one save path of the case and plan
screens, and can be tested without a UI.  The screen tells it of each change
(`edited`) and calls `tick` a few times a second; it decides when to save:

* once typing has paused `SAVE_AFTER_PAUSE`, or the oldest unsaved change is
  `SAVE_AT_MOST_EVERY` old;
* one save at a time, in order: a save asked for while one is in flight
  waits for it (`soon` notes it; `landed` starts it), so two of our own
  saves never look like a conflict;
* a refused save waits for the next change before trying again; a team
  server that cannot be reached is tried again every
  `RETRY_UNREACHABLE_SECONDS`, typing or not, its text held meanwhile;
* `save_now` (quit, leaving, every action needing the record stored) waits
  for the save in flight, saves what is left and says whether all is stored.

A save runs as a `SaveJob` (`tui.workers.save_queue`): the screen hands each
job to a worker thread (`start`) and gives it back here when it finishes
(`landed`).  Each outcome goes to `report` on the UI thread, so only the
screen changes its record and widgets; `on_change` hears every change of the
`SaveState` the counters show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from forms.model import Record
from storage.store import ReasonRequiredError, ServerUnreachableError, Store, StoreError
from tui.workers.save_queue import SaveJob

SAVE_AFTER_PAUSE = 0.5
"""Save once typing has paused this long…"""
SAVE_AT_MOST_EVERY = 0.5
"""…or, while typing goes on, once the oldest unsaved change is this old (with a 0.25 s tick: ≤ 1 s)."""
RETRY_UNREACHABLE_SECONDS = 10.0
"""While a team server cannot be reached, try the save again this often, typing or not."""

OutcomeKind = Literal["saved", "reason_required", "unreachable", "refused", "crashed"]


@dataclass(frozen=True)
class SaveState:
    """What the counters say about saving: when it last succeeded, and what is waiting or wrong."""

    saved_at: float | None = None
    dirty: bool = False
    saving: bool = False
    error: str | None = None
    reason_asked: bool = False
    """The store asked why the risk level changed, and the practitioner is being asked: not a failure."""


@dataclass(frozen=True)
class SaveOutcome:
    """One finished save, as the screen shows it."""

    kind: OutcomeKind
    job: SaveJob
    message: str = ""
    first: bool = False
    """The first failure since the last success: say so once (later ones only show in the counters)."""
    offer_copy: bool = False
    """A refused save, and no copy has been offered since the last success or the last Ctrl+S."""

    @property
    def saved(self) -> Record | None:
        """The record as the store now holds it (only when `kind` is "saved")."""
        outcome = self.job.outcome
        return outcome if isinstance(outcome, Record) else None


class Autosave:
    """The pending-edit, in-flight, retry and error state of one screen's saves."""

    def __init__(
        self,
        *,
        store: Store,
        actor: str,
        snapshot: Callable[[], Record],
        start: Callable[[SaveJob], None],
        report: Callable[[SaveOutcome], None],
        clock: Callable[[], float],
        risk_path: str | None = None,
        unsaved_elsewhere: Callable[[], bool] = lambda: False,
        on_change: Callable[[SaveState], None] = lambda state: None,
    ) -> None:
        """`snapshot()` is the record as on screen now; `unsaved_elsewhere()` says whether something the
        edit count does not see (active writing time) differs from the stored record."""
        self.store = store
        self.actor = actor
        self.snapshot = snapshot
        self.start = start
        self.report = report
        self.clock = clock
        self.risk_path = risk_path
        self.unsaved_elsewhere = unsaved_elsewhere
        self.on_change = on_change
        self.reason: str | None = None
        """The reason for a risk level change, sent with the next save only."""
        self.overwrite = False
        """Save over a newer save made elsewhere, with the next save only ("keep mine" after a conflict)."""
        self.edits = 0
        """Changes so far: a save marks the record saved only if none came after its snapshot."""
        self.last_change = 0.0
        self.unsaved_since: float | None = None
        self.saved_at: float | None = None
        self.error: str | None = None
        self.reason_asked = False
        """The last save waits for the reason for a risk level change (the screen is asking for it)."""
        self.retry_at: float | None = None
        """While the store cannot be reached: when to try again (the text is held meanwhile)."""
        self.saving: SaveJob | None = None
        """The save running in a worker thread, until its outcome is applied."""
        self.again = False
        """A save was asked for while one was in flight: start it when that one lands."""
        self._fresh = False
        """Changed since the last tick or save: after a refusal, the next change is worth another try."""
        self._offered_copy = False
        self._state = SaveState()

    # ------------------------------------------------------------ state

    @property
    def dirty(self) -> bool:
        """Changes the store does not hold yet."""
        return self.unsaved_since is not None

    @property
    def state(self) -> SaveState:
        return SaveState(self.saved_at, self.dirty, self.saving is not None, self.error, self.reason_asked)

    def _changed(self) -> None:
        state = self.state
        if state != self._state:
            self._state = state
            self.on_change(state)

    # ------------------------------------------------------------ changes and time

    def edited(self) -> None:
        """Something in the record changed: save it soon."""
        now = self.clock()
        self.last_change = now
        if self.unsaved_since is None:
            self.unsaved_since = now
        self.edits += 1
        self._fresh = True
        self._changed()

    def due(self) -> bool:
        """Whether a save should start now (see the module's rules)."""
        now = self.clock()
        if self.unsaved_since is None:
            return False
        waiting = self.retry_at is not None
        if waiting:
            return self.retry_at is not None and now >= self.retry_at
        if self.error is not None and not self._fresh:
            return False
        return now - self.last_change >= SAVE_AFTER_PAUSE or now - self.unsaved_since >= SAVE_AT_MOST_EVERY

    def tick(self) -> None:
        """Called a few times a second: start a save when one is due."""
        if self.due():
            self.soon()
        self._fresh = False

    def offer_copy_again(self) -> None:
        """Ctrl+S: if this save is refused too, offer the copy again."""
        self._offered_copy = False

    # ------------------------------------------------------------ saving

    def _unsaved(self) -> bool:
        """Something on screen that the store does not hold yet."""
        return self.unsaved_since is not None or self.unsaved_elsewhere()

    def waits(self) -> bool:
        """Whether `save_now` would wait on the store (a save in flight, or something to save): slow work
        a key announces before it starts (`tui.progress`)."""
        return self.saving is not None or self._unsaved()

    def _job(self) -> SaveJob | None:
        """The save of what is on screen now, or None when the store has it already."""
        if not self._unsaved():
            return None
        self._fresh = False  # what changed goes in this save
        return SaveJob(
            store=self.store,
            record=self.snapshot(),
            actor=self.actor,
            risk_path=self.risk_path,
            reason=self.reason,
            edits=self.edits,
            overwrite=self.overwrite,
        )

    def soon(self) -> None:
        """Save in a worker thread; with a save in flight, only note that another is wanted."""
        if self.saving is not None:
            self.again = True
            return
        job = self._job()
        if job is None:
            return
        self.saving = job
        self._changed()
        self.start(job)

    def landed(self, job: SaveJob) -> None:
        """A worker finished `job`: apply it (on the UI thread), then start any save waiting."""
        if job is not self.saving:  # `save_now` waited for it and applied it already
            return
        self.finish(job)
        again, self.again = self.again, False
        if again and self.error is None:
            self.soon()

    def save_now(self) -> bool:
        """Save now and wait for the store's answer; True when the store holds what is on screen."""
        if self.saving is not None:
            self.finish(self.saving.run())  # waits for the worker, or saves here if it has not begun
        self.again = False
        job = self._job()
        if job is None:
            return self.error is None
        return self.finish(job.run())

    def retry(self, reason: str | None) -> bool:
        """Save again at once (after the risk level prompt), with `reason` for this save only."""
        self.error = None
        self.reason = reason
        self.edited()
        try:
            return self.save_now()
        finally:
            self.reason = None

    def keep_mine(self) -> bool:
        """Save what is on screen now over a newer save made elsewhere (the store audits it); True when
        the store holds it."""
        self.error = None
        self.overwrite = True
        self.edited()
        try:
            return self.save_now()
        finally:
            self.overwrite = False

    def forget(self) -> None:
        """What is on screen is no longer to be saved (the other window's text was taken instead)."""
        self.unsaved_since = None
        self.error = None
        self.retry_at = None
        self.again = False
        self._changed()

    def finish(self, job: SaveJob) -> bool:
        """Apply a save's outcome and report it; True when it stored the snapshot."""
        if job is self.saving:
            self.saving = None
        outcome = job.outcome
        first = self.error is None
        self.reason_asked = isinstance(outcome, ReasonRequiredError)
        if isinstance(outcome, ReasonRequiredError):
            self.error = str(outcome)
            self._report(SaveOutcome("reason_required", job, str(outcome), first))
            return False
        if isinstance(outcome, ServerUnreachableError):  # held until the server is back
            first = self.retry_at is None
            self.retry_at = self.clock() + RETRY_UNREACHABLE_SECONDS
            self.error = str(outcome)
            self._report(SaveOutcome("unreachable", job, str(outcome), first))
            return False
        if isinstance(outcome, StoreError):
            self.error = str(outcome)
            offer, self._offered_copy = not self._offered_copy, True
            self._report(SaveOutcome("refused", job, str(outcome), first, offer))
            return False
        if outcome is None:  # the save crashed in its thread; the worker reports it
            self._report(SaveOutcome("crashed", job))
            return False
        self.retry_at = None
        if self.edits == job.edits:  # nothing changed while it was saving
            self.unsaved_since = None
        self.saved_at = self.clock()
        self.error = None
        self._offered_copy = False
        self._report(SaveOutcome("saved", job))
        return True

    def _report(self, outcome: SaveOutcome) -> None:
        self.report(outcome)
        self._changed()
