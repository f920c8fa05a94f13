"""Autosave without a screen: edit → pending → saving → saved, refusals, retries, and saving on quit.

Runs `tui.workers.autosave.Autosave` over the real SQLite store, with a
clock the test moves by hand and worker threads replaced by a list the test
runs when it chooses (so "in flight" lasts exactly as long as the test says).
What was saved is read back from the store.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from forms.model import Case, Deadlines, Record
from storage.sqlite.store import SqliteStore
from storage.store import ReasonRequiredError, ServerUnreachableError, StoreError
from tui.workers.autosave import (
    RETRY_UNREACHABLE_SECONDS,
    SAVE_AFTER_PAUSE,
    Autosave,
    SaveOutcome,
    SaveState,
)
from tui.workers.save_queue import SaveJob, merge_saved


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RefusingStore(SqliteStore):
    """The real store, made to refuse saves with a chosen error until told otherwise."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.refusal: StoreError | None = None
        self.saves = 0

    def save_record(
        self, record: Record, actor: str, *, risk_path: str | None = None, reason: str | None = None
    ) -> Record:
        self.saves += 1
        if self.refusal is not None:
            raise self.refusal
        return super().save_record(record, actor, risk_path=risk_path, reason=reason)


class Screen:
    """What a screen does with its autosave: holds the record, starts jobs, applies outcomes."""

    def __init__(self, store: RefusingStore, clock: Clock) -> None:
        store.create_case(Case(ref="AB1", name="Sam Taylor", start="2026-01-05", owner="pat"), Deadlines())
        self.record = store.create_record(Record("rec-1", "AB1", "a4-assessment", "1.0.0"), "pat")
        self.answers: dict[str, str] = {}
        self.started: list[SaveJob] = []
        self.outcomes: list[SaveOutcome] = []
        self.states: list[SaveState] = []
        self.autosave = Autosave(
            store=store,
            actor="pat",
            snapshot=lambda: dataclasses.replace(self.record, answers=dict(self.answers)),
            start=self.started.append,
            report=self.report,
            clock=clock,
            on_change=self.states.append,
        )

    def report(self, outcome: SaveOutcome) -> None:
        self.outcomes.append(outcome)
        if outcome.saved is not None:
            self.record = merge_saved(outcome.saved, outcome.job.record, self.record)

    def type(self, text: str) -> None:
        self.answers["offence.what_happened"] = text
        self.autosave.edited()

    def run_worker(self) -> None:
        """The oldest started job finishes in its thread and lands on the UI thread."""
        job = self.started.pop(0)
        self.autosave.landed(job.run())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> RefusingStore:
    return RefusingStore(tmp_path / "a4.db")


@pytest.fixture
def screen(store: RefusingStore, clock: Clock) -> Screen:
    return Screen(store, clock)


def stored(store: RefusingStore) -> dict[str, object]:
    return store.get_record("rec-1").answers


def test_an_edit_is_pending_then_saving_then_saved(
    screen: Screen, store: RefusingStore, clock: Clock
) -> None:
    screen.type("He took the car")
    assert screen.autosave.state == SaveState(dirty=True)
    screen.autosave.tick()
    assert not screen.started, "no save while typing goes on"
    clock.now += SAVE_AFTER_PAUSE
    screen.autosave.tick()
    assert len(screen.started) == 1
    assert screen.autosave.state.saving and stored(store) == {}
    screen.run_worker()
    assert stored(store) == {"offence.what_happened": "He took the car"}
    assert screen.autosave.state == SaveState(saved_at=clock.now)
    assert [(s.dirty, s.saving) for s in screen.states] == [(True, False), (True, True), (False, False)]


def test_typing_during_a_save_stays_unsaved_and_goes_in_the_next_one(
    screen: Screen, store: RefusingStore, clock: Clock
) -> None:
    screen.type("He took")
    screen.autosave.soon()
    screen.type("He took the car")
    screen.autosave.soon()  # asked for while the first is in flight: waits for it
    assert len(screen.started) == 1
    screen.run_worker()
    assert screen.autosave.dirty, "the second text is not stored yet"
    assert len(screen.started) == 1, "the waiting save started when the first landed"
    screen.run_worker()
    assert stored(store) == {"offence.what_happened": "He took the car"}
    assert not screen.autosave.dirty
    assert store.get_record("rec-1").version == screen.record.version, "no false conflict between our saves"


def test_a_refused_save_keeps_the_text_says_so_once_and_waits_for_the_next_change(
    screen: Screen, store: RefusingStore, clock: Clock
) -> None:
    store.refusal = StoreError("the disk is full")
    screen.type("He took the car")
    assert not screen.autosave.save_now()
    refused = screen.outcomes[-1]
    assert (refused.kind, refused.message, refused.first, refused.offer_copy) == (
        "refused",
        "the disk is full",
        True,
        True,
    )
    assert screen.autosave.state.error == "the disk is full" and screen.autosave.dirty
    clock.now += 5
    screen.autosave.tick()
    assert not screen.started, "a refusal is not retried until something changes"
    screen.type("He took the car and")
    clock.now += 1
    screen.autosave.tick()
    screen.run_worker()
    again = screen.outcomes[-1]
    assert (again.kind, again.first, again.offer_copy) == ("refused", False, False)
    screen.autosave.offer_copy_again()  # Ctrl+S
    assert not screen.autosave.save_now()
    assert screen.outcomes[-1].offer_copy
    store.refusal = None
    assert screen.autosave.save_now()
    assert stored(store) == {"offence.what_happened": "He took the car and"}
    assert screen.autosave.state.error is None


def test_an_unreachable_server_is_tried_again_every_few_seconds_typing_or_not(
    screen: Screen, store: RefusingStore, clock: Clock
) -> None:
    store.refusal = ServerUnreachableError("the team server cannot be reached")
    screen.type("He took the car")
    assert not screen.autosave.save_now()
    assert (screen.outcomes[-1].kind, screen.outcomes[-1].first) == ("unreachable", True)
    clock.now += RETRY_UNREACHABLE_SECONDS - 1
    screen.type("He took the car again")  # typing does not hurry a retry
    clock.now += 0.9
    screen.autosave.tick()
    assert not screen.started
    clock.now += 0.1
    screen.autosave.tick()
    assert len(screen.started) == 1
    screen.run_worker()
    assert (screen.outcomes[-1].kind, screen.outcomes[-1].first) == ("unreachable", False)
    store.refusal = None
    clock.now += RETRY_UNREACHABLE_SECONDS
    screen.autosave.tick()
    screen.run_worker()
    assert stored(store) == {"offence.what_happened": "He took the car again"}
    assert screen.autosave.retry_at is None and screen.autosave.error is None


def test_a_reason_is_asked_for_then_sent_with_one_save_only(screen: Screen, store: RefusingStore) -> None:
    store.refusal = ReasonRequiredError("say why the level changed")
    screen.type("High")
    assert not screen.autosave.save_now()
    assert screen.outcomes[-1].kind == "reason_required"
    store.refusal = None
    assert screen.autosave.retry("new evidence from the police")
    assert screen.outcomes[-1].job.reason == "new evidence from the police"
    assert screen.autosave.reason is None
    screen.type("High, and more")
    assert screen.autosave.save_now()
    assert screen.outcomes[-1].job.reason is None


def test_quit_waits_for_the_save_in_flight_then_saves_the_rest(
    screen: Screen, store: RefusingStore, clock: Clock
) -> None:
    screen.type("He took")
    screen.autosave.soon()
    screen.type("He took the car")
    assert screen.autosave.save_now(), "quit: every change is stored"
    assert stored(store) == {"offence.what_happened": "He took the car"}
    assert store.saves == 2
    in_flight = screen.started.pop()
    screen.autosave.landed(in_flight)  # the worker's own report arrives late: applied once already
    assert len(screen.outcomes) == 2
    assert screen.autosave.save_now() and store.saves == 2, "nothing left to save"


def test_nothing_to_save_means_no_save(screen: Screen, store: RefusingStore, clock: Clock) -> None:
    clock.now += 60
    screen.autosave.tick()
    assert screen.autosave.save_now()
    assert store.saves == 0 and not screen.started
