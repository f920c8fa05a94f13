"""Saving never stops typing: a slow or unreachable store, as a team server over a bad network.

The store is the real SQLite store, with saves that hang until the test lets
them through (or for `HOLD_SECONDS` at most).  The old case screen saved on
its UI thread, so while a save hung no key was handled at all: each test
that says "while the save is in flight" fails there, because the keys only
arrive once the save has finished.  What was saved is read back from the
store, never from the widgets.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from forms.definition.registry import load_registry
from forms.model import AssessmentForm, Case, Record
from storage.sqlite.store import SqliteStore
from storage.store import ServerUnreachableError
from tests.pilot_support import CaseApp, screen_text, shown, until
from tui.app import A4App
from tui.config import Config
from tui.modals.save_failure import SaveFailure
from tui.screens.case_screen import CaseScreen
from tui.screens.plan_screen import PlanScreen
from tui.widgets.section_editor import AnswerArea
from tui.workers.autosave import RETRY_UNREACHABLE_SECONDS

HOLD_SECONDS = 60.0
"""Longest a save hangs if the test never lets it through (the old screen's saves: always).

Every test releases its saves itself, so this only bounds a broken screen's hang; at 3 s a
machine loaded by a parallel run let a held save through while Pilot was still typing."""
OFFENCE = "offence.what_happened"
STRENGTHS = "accommodation.strengths"


@dataclass
class Attempt:
    """One call of `save_record` as the store saw it."""

    answers: dict[str, Any]
    version: int
    finished: bool = False


class SlowStore(SqliteStore):
    """The real SQLite store whose saves hang, like a team server's during a network drop."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.attempts: list[Attempt] = []
        self.unreachable = False
        """Refuse saves as a team store does when its server cannot be reached."""
        self._gate = threading.Event()
        self._gate.set()
        self._count = threading.Lock()
        self._running = 0
        self.most_at_once = 0

    def hold(self) -> None:
        """From now on each save hangs until `release` (or `HOLD_SECONDS`)."""
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    @property
    def in_flight(self) -> bool:
        return any(not attempt.finished for attempt in self.attempts)

    def save_record(
        self, record: Record, actor: str, *, risk_path: str | None = None, reason: str | None = None
    ) -> Record:
        attempt = Attempt(dict(record.answers), record.version)
        with self._count:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        self.attempts.append(attempt)
        try:
            self._gate.wait(HOLD_SECONDS)
            if self.unreachable:
                raise ServerUnreachableError(
                    "The A4 team database cannot be reached (a network drop?). Nothing was saved; your "
                    "text is kept, and A4 saves it once the network is back."
                )
            return super().save_record(record, actor, risk_path=risk_path, reason=reason)
        finally:
            attempt.finished = True
            with self._count:
                self._running -= 1


class FakeClock:
    """A monotonic clock the test moves by hand: autosave starts exactly when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> SlowStore:
    return SlowStore(tmp_path / "a4.sqlite")


def open_case(store: SlowStore, form: AssessmentForm, clock: FakeClock) -> CaseScreen:
    case = store.create_case(
        Case(ref="AB123", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id), form.deadlines
    )
    record = store.create_record(
        Record(id="rec-1", case_ref=case.ref, form_id=form.id, form_version=form.version), "pat"
    )
    return CaseScreen(store=store, form=form, case=case, record=record, user="pat", clock=clock)


def offence_text(screen: CaseScreen) -> str:
    area = screen.editors[0].fields[OFFENCE].field
    assert isinstance(area, AnswerArea)
    return area.text


def stored(store: SlowStore, path: str) -> Any:
    return store.get_record("rec-1").answers.get(path)


async def start_autosave(pilot: Any, store: SlowStore, clock: FakeClock) -> None:
    """Let typing pause long enough for autosave, and wait until the store is saving."""
    clock.now += 2
    await until(pilot, lambda: store.attempts, "an autosave to reach the store")


async def test_typing_goes_on_and_is_kept_while_an_autosave_hangs(
    store: SlowStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    screen = open_case(store, form, clock)
    first_version = screen.record.version
    app = CaseApp(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        store.hold()
        await pilot.press(*"He was angry")
        await start_autosave(pilot, store, clock)
        await pilot.press(*" and frightened")
        assert store.in_flight, "the keys were handled only after the save had finished"
        assert offence_text(screen) == "He was angry and frightened"
        await shown(pilot, "saving…")  # the counters go on too, and say a save is under way
        store.release()  # the words typed meanwhile go in the very next save
        await until(pilot, lambda: stored(store, OFFENCE) == "He was angry and frightened", "the next save")
        await shown(pilot, "saved 0 s ago")
    assert [a.answers[OFFENCE] for a in store.attempts] == ["He was angry", "He was angry and frightened"]
    assert [a.version for a in store.attempts] == [first_version, first_version + 1]


async def test_saves_on_moving_run_one_at_a_time_in_order_without_a_false_conflict(
    store: SlowStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    screen = open_case(store, form, clock)
    first_version = screen.record.version
    app = CaseApp(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        store.hold()
        await pilot.press(*"He was angry", "tab")  # leaving the section saves it
        await until(pilot, lambda: store.attempts, "the save on leaving the section")
        await pilot.press("y", "n", "down", *"Stable flat")
        assert store.in_flight, "the keys were handled only after the save had finished"
        await pilot.press("tab")  # leaving again while the first save is still in flight
        assert len(store.attempts) == 1
        store.release()
        await until(pilot, lambda: stored(store, STRENGTHS) == "Stable flat", "the second save")
        await shown(pilot, "saved 0 s ago")
        assert app.screen is screen  # no "changed elsewhere" refusal, no copy offered
        assert "save failed" not in screen_text(app)
    saved = store.get_record("rec-1")
    assert saved.answers[OFFENCE] == "He was angry"
    assert saved.answers["accommodation.linked_offending"] == "yes"
    assert store.most_at_once == 1
    assert [a.version for a in store.attempts] == [first_version, first_version + 1]
    assert saved.version == first_version + 2


async def test_quit_waits_for_the_save_in_flight_then_saves_the_rest(
    store: SlowStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    screen = open_case(store, form, clock)
    registry, _errors = load_registry([])
    app = A4App(store=store, registry=registry, config=Config(user="pat"), clock=clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.push_screen(screen)
        await pilot.pause()
        store.hold()
        await pilot.press(*"He was angry")
        await start_autosave(pilot, store, clock)
        await pilot.press(*" and frightened")
        assert store.in_flight, "the keys were handled only after the save had finished"
        threading.Timer(0.3, store.release).start()  # the network comes back while quitting
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running, "quit was held back although everything was saved"
    assert stored(store, OFFENCE) == "He was angry and frightened"
    assert [a.answers[OFFENCE] for a in store.attempts] == ["He was angry", "He was angry and frightened"]
    assert store.most_at_once == 1


async def test_an_unreachable_server_holds_the_text_without_stopping_typing(
    store: SlowStore, form: AssessmentForm
) -> None:
    clock = FakeClock()
    screen = open_case(store, form, clock)
    app = CaseApp(screen)
    async with app.run_test(size=(160, 40)) as pilot:
        store.hold()
        store.unreachable = True
        await pilot.press(*"He was angry")
        await start_autosave(pilot, store, clock)
        await pilot.press(*" and")
        assert store.in_flight, "the keys were handled only after the save had finished"
        store.release()
        await shown(pilot, "save failed: The A4 team database cannot be reached")
        assert app.screen is screen and not isinstance(app.screen, SaveFailure)  # no dialog in the way
        assert [n.title for n in app._notifications] == ["Not saved yet"]
        await pilot.press(*" frightened")
        assert offence_text(screen) == "He was angry and frightened"
        store.unreachable = False  # the network is back: the next retry saves it all, typing or not
        clock.now += RETRY_UNREACHABLE_SECONDS
        await until(pilot, lambda: stored(store, OFFENCE) == "He was angry and frightened", "the retry")
        await shown(pilot, "saved 0 s ago")


async def test_a_section_confirmed_during_a_save_is_not_undone_by_it(
    store: SlowStore, form: AssessmentForm
) -> None:
    """In a review, F3 changes the record itself, not the editors: a slow save's answer must keep it."""
    clock = FakeClock()
    case = store.create_case(
        Case(ref="AB123", name="Sam Taylor", start="2026-09-28", owner="pat", form_id=form.id), form.deadlines
    )
    fields = {"case_ref": case.ref, "form_id": form.id, "form_version": form.version}
    store.create_record(Record(id="last", **fields), "pat")
    review = store.create_record(Record(id="rec-1", kind="review", reviews="last", **fields), "pat")
    screen = CaseScreen(store=store, form=form, case=case, record=review, user="pat", clock=clock)
    app = CaseApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        store.hold()
        await pilot.press(*"He was angry", "tab")  # leaving the section saves it
        await until(pilot, lambda: store.attempts, "the save on leaving the section")
        await pilot.press("f3")  # accommodation: no change since last time
        assert store.in_flight, "the key was handled only after the save had finished"
        store.release()
        await until(pilot, lambda: store.get_record("rec-1").confirmed, "the confirmation saved")
        await shown(pilot, "saved 0 s ago")
    saved = store.get_record("rec-1")
    assert saved.confirmed == ["accommodation"]
    assert saved.answers[OFFENCE] == "He was angry"
    assert store.most_at_once == 1


async def test_the_plan_saves_in_the_background_too_and_leaving_it_waits_for_the_save(
    store: SlowStore, form: AssessmentForm
) -> None:
    """The plan screen saves through the same autosave and worker as the case screen (it once saved on
    the UI thread, so no key was handled while a plan save hung)."""
    clock = FakeClock()
    screen = open_case(store, form, clock)
    app = CaseApp(screen)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan screen")
        store.hold()
        await pilot.press("ctrl+n", *"Find a flat")
        clock.now += 1.0  # typing has paused (the plan reads the case screen's clock)
        await until(pilot, lambda: store.attempts, "a plan save to reach the store")
        await pilot.press(*" soon")
        assert store.in_flight, "the keys were handled only after the plan's save had finished"
        threading.Timer(0.3, store.release).start()
        await pilot.press("escape")  # back to the assessment once everything is saved
        await until(pilot, lambda: app.screen is screen, "back on the case screen")
        assert [o.goal for o in store.get_record("rec-1").plan] == ["Find a flat soon"]
        assert [o.goal for o in screen.record.plan] == ["Find a flat soon"]
    assert store.most_at_once == 1
