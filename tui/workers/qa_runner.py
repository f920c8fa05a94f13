"""Live QA checks, kept off the typing path.

A keystroke never runs a check.  The case screen's timer asks `tick` a few
times a second; the rubric runs only when something changed since the last
run and typing has paused (`RUN_AFTER_PAUSE`), or at most every
`RUN_AT_MOST_EVERY` seconds while typing goes on.  The run itself happens in
a thread worker on a snapshot of the record, and the results come back to
the screen's thread through `call_from_thread`, so a slow rubric delays the
"QA 6/8" counter, never a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from textual.screen import Screen

from forms.checks.findings import CriterionResult
from forms.checks.library import run_checks
from forms.conditions.visibility import NOTHING
from forms.model import AssessmentForm, PlanTemplate, Record, Rubric

RUN_AFTER_PAUSE = 0.75
"""Seconds of no typing after which the checks run (just after autosave's own pause)."""
RUN_AT_MOST_EVERY = 3.0
"""While typing goes on, the checks still run this often, so the counter does not go stale."""

Results = list[CriterionResult]


class QARunner:
    """Runs one rubric over one screen's record in the background and hands the results on."""

    def __init__(
        self,
        screen: Screen[Any],
        *,
        rubric: Rubric,
        form: AssessmentForm,
        plan: PlanTemplate | None,
        today: Callable[[], date],
        clock: Callable[[], float],
        snapshot: Callable[[], Record],
        deliver: Callable[[Results], None],
        previous: Mapping[str, Any] = NOTHING,
    ) -> None:
        """`snapshot` gives the record as on screen now; `deliver` receives results on the UI thread;
        `previous` are the answers of the record it reviews or amends, loaded once by the screen."""
        self.screen = screen
        self.rubric = rubric
        self.form = form
        self.plan = plan
        self.today = today
        self.clock = clock
        self.snapshot = snapshot
        self.deliver = deliver
        self.previous = previous
        self.results: Results | None = None
        self.checked: Record | None = None
        """The snapshot the latest results are about (phrase spans are offsets into its text)."""
        self.short: bool | None = None
        """Whether to check as a short assessment; None follows the record's kind."""
        self._checked_change = float("-inf")
        """The screen's `last_change` time the latest run started from."""
        self._last_run = float("-inf")
        self.runs = 0

    def tick(self, last_change: float) -> None:
        """Called by the screen's timer with the time of the latest change; runs when due."""
        if last_change <= self._checked_change:
            return
        now = self.clock()
        if now - last_change >= RUN_AFTER_PAUSE or now - self._last_run >= RUN_AT_MOST_EVERY:
            self.run_now(last_change)

    def run_now(self, change: float | None = None) -> None:
        """Check the record as it is now, in a thread; a newer run replaces one still going."""
        self._checked_change = self.clock() if change is None else change
        self._last_run = self.clock()
        record = self.snapshot()
        self.screen.run_worker(
            lambda: self._work(record), thread=True, exclusive=True, group="qa-checks", exit_on_error=False
        )

    def run_at_once(self) -> None:
        """Check the record now, on this thread: the first run, so the screen opens with its results."""
        self._checked_change = self._last_run = self.clock()
        record = self.snapshot()
        self._arrived(record, self.check(record))

    def check(self, record: Record) -> Results:
        """The rubric's results for `record` (used directly where an answer is needed at once)."""
        return run_checks(
            self.rubric,
            self.form,
            record,
            plan=self.plan,
            today=self.today(),
            short=self.short,
            previous=self.previous,
        )

    def _work(self, record: Record) -> None:
        results = self.check(record)
        self.screen.app.call_from_thread(self._arrived, record, results)

    def _arrived(self, record: Record, results: Results) -> None:
        self.checked = record
        self.results = results
        self.runs += 1
        self.deliver(results)
