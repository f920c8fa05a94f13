"""Two windows, one record (issue 14, finding 9): two real apps on one real store.

Before this, the second window was not warned at open, and a save refused because the first had saved
could be neither compared nor settled: Ctrl+S repeated the refusal and Esc stayed put.  Now opening a
record open elsewhere says by whom (read it, or take it over), a refused save asks d / k / t, and Esc
always leaves, keeping unsaved text in a recovery file it names.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from forms.model import AssessmentForm, Case, Record
from storage.sqlite.store import SqliteStore
from storage.store import PRESENCE_SECONDS, Store
from tests.conftest import Clock
from tests.pilot_support import CaseApp, screen_text, shown, until
from tests.test_case_screen import TODAY, FakeClock, editor
from tui.modals.conflict import Conflict, OpenElsewhere
from tui.screens.case_screen import CaseScreen
from tui.screens.plan_screen import PlanScreen
from tui.widgets.section_editor import AnswerArea

FIELD = "offence.what_happened"


def open_case(store: Store, form: AssessmentForm, clock: FakeClock, user: str = "pat") -> CaseApp:
    case = store.get_case("AB123")
    record = store.latest_record("AB123")
    assert record is not None
    return CaseApp(CaseScreen(store=store, form=form, case=case, record=record, user=user, clock=clock,
                              today=lambda: TODAY))  # fmt: skip


def new_case(store: Store, form: AssessmentForm, owner: str = "pat") -> Record:
    store.create_case(Case("AB123", "Sam Taylor", "2026-09-28", owner, form_id=form.id), form.deadlines)
    draft = Record(id="rec-1", case_ref="AB123", form_id=form.id, form_version=form.version, author=owner)
    return store.create_record(draft, owner)


@pytest.fixture
def two_stores(tmp_path: Path) -> Callable[[], SqliteStore]:
    """One SQLite file, a store per window (as two `a4` processes would have)."""
    opened: list[SqliteStore] = []

    def window() -> SqliteStore:
        opened.append(SqliteStore(tmp_path / "data" / "a4.db"))
        return opened[-1]

    yield window
    for store in opened:
        store.close()


def answer_area(app: CaseApp) -> AnswerArea:
    area = editor(app, "offence").fields[FIELD].field
    assert isinstance(area, AnswerArea)
    return area


async def choose(pilot: Any, clock: FakeClock, key: str) -> None:
    """A choice pressed once the question has been on screen a moment (`CHOICE_AFTER`)."""
    clock.now += 1
    await pilot.press(key)


async def type_and_save(pilot: Any, clock: FakeClock, text: str) -> None:
    await pilot.press(*text)
    clock.now += 2
    await pilot.pause(0.35)


def notices(app: Any) -> str:
    return " ".join(n.message for n in app._notifications)


def recovery_files(store: SqliteStore) -> list[Path]:
    return sorted((store.path.parent / "unsaved").glob("*.json"))


async def test_a_second_window_is_told_who_has_it_open_and_reads_it_without_changing_it(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    first, second = two_stores(), two_stores()
    new_case(first, form)
    clock = FakeClock()
    app_a, app_b = open_case(first, form, clock), open_case(second, form, clock)
    async with app_a.run_test(size=(100, 40)) as pilot_a:
        await until(pilot_a, lambda: first.present("rec-1"), "window A's claim")
        async with app_b.run_test(size=(100, 40)) as pilot_b:
            await until(pilot_b, lambda: isinstance(app_b.screen, OpenElsewhere), "the open-elsewhere prompt")
            text = screen_text(app_b)
            assert "open in another window" in text and "pat" in text and "editing since" in text
            await pilot_b.press("r")
            await shown(pilot_b, "Read only: open for editing elsewhere")
            await pilot_b.press(*"typed by mistake")
            assert answer_area(app_b).text == ""
            others = first.present("rec-1", other_than=app_a.case_screen.window)
            assert [p.mode for p in others] == ["reading"]
            await pilot_b.press("escape")
            await until(pilot_b, lambda: app_b.screen is not app_b.case_screen, "leaving the case")
        assert first.get_record("rec-1").version == 1  # reading saved nothing
        assert [p.window for p in first.present("rec-1")] == [app_a.case_screen.window]  # B's claim went


async def test_taking_over_makes_the_other_window_ask_at_its_next_save_and_keep_mine_is_audited(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    first, second = two_stores(), two_stores()
    new_case(first, form)
    clock = FakeClock()
    app_a, app_b = open_case(first, form, clock), open_case(second, form, clock)
    async with app_a.run_test(size=(100, 40)) as pilot_a:
        await until(pilot_a, lambda: first.present("rec-1"), "window A's claim")
        async with app_b.run_test(size=(100, 40)) as pilot_b:
            await until(pilot_b, lambda: isinstance(app_b.screen, OpenElsewhere), "the open-elsewhere prompt")
            await pilot_b.press("t")
            await until(pilot_b, lambda: app_b.screen is app_b.case_screen, "window B editing")
            assert first.get_record("rec-1").version == 2  # the take-over is a save A will meet
            await type_and_save(pilot_b, clock, "B's words")
        await type_and_save(pilot_a, clock, "A's words")
        await until(pilot_a, lambda: isinstance(app_a.screen, Conflict), "the conflict's three choices")
        text = screen_text(app_a)
        assert "d  see the differences" in text and "k  keep mine" in text and "t  take theirs" in text
        await choose(pilot_a, clock, "d")
        await shown(pilot_a, "only in yours")
        text = screen_text(app_a)
        assert "[-B's-] {+A's+} words" in text  # the reviews' word diff, readable without colour
        await choose(pilot_a, clock, "k")
        await until(pilot_a, lambda: app_a.screen is app_a.case_screen, "back to the text")
        await until(pilot_a, lambda: "history says so" in notices(app_a), "saying the history says so")
        top = app_a.case_screen.query_one("#risk-changes", Static)
        assert (
            "⚠ Saved over a newer save made elsewhere (started from save 1; save 3 was replaced) by pat"
            in str(top.render())
        )  # the record's top says so, as anyone who opens it will see
    stored = first.get_record("rec-1")
    assert stored.answers[FIELD] == "A's words"
    overwrites = [e for e in first.audit_trail("rec-1") if e.kind == "overwrite"]
    assert [(e.actor, e.old, e.new) for e in overwrites] == [("pat", 1, 3)]  # started from 1, saved over 3


async def test_take_theirs_shows_the_saved_text_and_keeps_mine_in_a_private_recovery_file(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    mine, elsewhere = two_stores(), two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        theirs = elsewhere.get_record("rec-1")
        theirs.answers[FIELD] = "Their words"
        elsewhere.save_record(theirs, "pat")
        await type_and_save(pilot, clock, "My words")
        await until(pilot, lambda: isinstance(app.screen, Conflict), "the conflict's three choices")
        await pilot.press("t")  # typed on as the question appears: not a choice
        await shown(pilot, "you were still typing, so it was not taken as a choice")
        await choose(pilot, clock, "t")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen is not app.case_screen,
                    "the saved text on a fresh screen")  # fmt: skip
        area = editor(app.screen, "offence").fields[FIELD].field
        assert isinstance(area, AnswerArea) and area.text == "Their words"
        (copy,) = recovery_files(mine)
        await until(pilot, lambda: f"Yours is kept in {copy}" in notices(app), "saying where mine is kept")
        await type_and_save(pilot, clock, "More ")  # the fresh screen saves on the stored version
        assert mine.get_record("rec-1").answers[FIELD] == "More Their words"
    assert json.loads(copy.read_text())["answers"][FIELD] == "My words"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert not [e for e in mine.audit_trail("rec-1") if e.kind == "overwrite"]


async def test_escape_always_leaves_and_says_where_the_unsaved_text_is(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    mine, elsewhere = two_stores(), two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        elsewhere.save_record(elsewhere.get_record("rec-1"), "pat")
        await type_and_save(pilot, clock, "words that must not be lost")
        await until(pilot, lambda: isinstance(app.screen, Conflict), "the conflict's three choices")
        await pilot.press("escape")  # back to the text, nothing decided
        await until(pilot, lambda: app.screen is app.case_screen, "back to the text")
        await pilot.press("ctrl+s")  # asks again
        await until(pilot, lambda: isinstance(app.screen, Conflict), "the choices again on Ctrl+S")
        await pilot.press("escape", "escape")  # back to the text, then out of the case
        await until(pilot, lambda: not isinstance(app.screen, (CaseScreen, Conflict)), "leaving the case")
        (copy,) = recovery_files(mine)
        told = notices(app)
        assert f"Your text is kept in {copy}" in told and "changed elsewhere" in told
    assert json.loads(copy.read_text())["answers"][FIELD] == "words that must not be lost"
    assert FIELD not in mine.get_record("rec-1").answers


async def test_escape_from_a_locked_record_with_late_words_leaves_with_them_kept(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    """Not only a conflict: any refusal (here the record was locked meanwhile) no longer holds Esc."""
    mine = two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        mine.transition("rec-1", "submitted", "pat")
        mine.approve_and_lock("rec-1", "qa")
        await pilot.press(*"late words")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not app.case_screen, "leaving the case")
        (copy,) = recovery_files(mine)
        assert "locked" in notices(app)
    assert json.loads(copy.read_text())["answers"][FIELD] == "late words"


async def test_a_crashed_windows_claim_lapses_so_the_next_window_opens_without_asking(
    tmp_path: Path, form: AssessmentForm, clock: Clock
) -> None:
    store = SqliteStore(tmp_path / "a4.db", now=clock)
    try:
        new_case(store, form)
        store.claim("rec-1", "pat", "crashed-window")  # the window was killed: it never renews or releases
        app = open_case(store, form, FakeClock())
        clock.now += timedelta(seconds=PRESENCE_SECONDS - 5)
        async with app.run_test(size=(100, 40)) as pilot:  # still within its time: asked
            await until(pilot, lambda: isinstance(app.screen, OpenElsewhere), "the open-elsewhere prompt")
        clock.now += timedelta(seconds=10)
        app = open_case(store, form, FakeClock())
        async with app.run_test(size=(100, 40)) as pilot:
            await until(pilot, lambda: store.present("rec-1"), "the new window's claim")
            assert app.screen is app.case_screen and not isinstance(app.screen, OpenElsewhere)
            assert [p.window for p in store.present("rec-1")] == [app.case_screen.window]
    finally:
        store.close()


async def test_on_a_team_database_the_second_login_sees_who_and_keep_mine_is_audited_by_the_database(
    login: Callable[[str], Any], form: AssessmentForm
) -> None:
    admin = login("a4_test_admin")
    admin.create_case(Case("AB123", "Sam Taylor", "2026-09-28", "sam", form_id=form.id), form.deadlines)
    sam_a, sam_b = login("sam"), login("sam")
    draft = Record(id="", case_ref="AB123", form_id=form.id, form_version=form.version, author="sam")
    record = sam_a.create_record(draft, "sam")
    clock = FakeClock()
    app_a, app_b = open_case(sam_a, form, clock, "sam"), open_case(sam_b, form, clock, "sam")
    async with app_a.run_test(size=(100, 40)) as pilot_a:
        await until(pilot_a, lambda: sam_a.present(record.id), "window A's claim")
        async with app_b.run_test(size=(100, 40)) as pilot_b:
            await until(pilot_b, lambda: isinstance(app_b.screen, OpenElsewhere), "the open-elsewhere prompt")
            assert "sam" in screen_text(app_b)
            await pilot_b.press("t")
            await until(pilot_b, lambda: app_b.screen is app_b.case_screen, "window B editing")
        await type_and_save(pilot_a, clock, "Mine")
        await until(pilot_a, lambda: isinstance(app_a.screen, Conflict), "the conflict's three choices")
        await choose(pilot_a, clock, "k")
        await until(pilot_a, lambda: app_a.screen is app_a.case_screen, "back to the text")
    assert sam_a.get_record(record.id).answers[FIELD] == "Mine"
    overwrites = [e for e in sam_a.audit_trail(record.id) if e.kind == "overwrite"]
    assert [(e.actor, e.old, e.new) for e in overwrites] == [("sam", 1, 2)]


async def plan_conflict(
    pilot: Any, app: CaseApp, mine: SqliteStore, elsewhere: SqliteStore, clock: FakeClock
) -> None:
    """Write a goal in the plan (saved), let another window save the record, then add to the goal: the
    plan's save is refused (the plan reads the case screen's clock: it asks once typing has paused)."""
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan screen")
    await pilot.press("ctrl+n")
    await type_and_save(pilot, clock, "Find a flat")
    saved = ["Find a flat"]
    await until(pilot, lambda: [o.goal for o in mine.get_record("rec-1").plan] == saved, "the plan saved")
    theirs = elsewhere.get_record("rec-1")
    theirs.answers[FIELD] = "Their words"
    theirs.plan = []
    elsewhere.save_record(theirs, "pat")
    await type_and_save(pilot, clock, "!")
    clock.now += 2  # typing has paused: the question is asked
    await until(pilot, lambda: isinstance(app.screen, Conflict), "the conflict's three choices on the plan")


async def test_the_plan_screen_asks_the_same_three_choices_and_keep_mine_saves_the_plan(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    mine, elsewhere = two_stores(), two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(140, 50)) as pilot:
        await plan_conflict(pilot, app, mine, elsewhere, clock)
        await choose(pilot, clock, "d")
        await shown(pilot, "The sentence plans differ too")
        await choose(pilot, clock, "k")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen), "back on the plan")
        await until(pilot, lambda: mine.get_record("rec-1").plan, "the plan saved over theirs")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.case_screen, "back on the assessment")
    assert [o.goal for o in mine.get_record("rec-1").plan] == ["Find a flat!"]
    assert [e.kind for e in mine.audit_trail("rec-1")].count("overwrite") == 1


async def test_take_theirs_on_the_plan_keeps_my_plan_and_shows_the_saved_record(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    mine, elsewhere = two_stores(), two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(140, 50)) as pilot:
        await plan_conflict(pilot, app, mine, elsewhere, clock)
        await choose(pilot, clock, "t")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen is not app.case_screen,
                    "the saved record on a fresh case screen")  # fmt: skip
        area = editor(app.screen, "offence").fields[FIELD].field
        assert isinstance(area, AnswerArea) and area.text == "Their words"
        (copy,) = recovery_files(mine)
        await until(pilot, lambda: f"Yours is kept in {copy}" in notices(app), "saying where mine is kept")
    assert [o["goal"] for o in json.loads(copy.read_text())["plan"]] == ["Find a flat!"]
    assert mine.get_record("rec-1").plan == []


async def test_escape_on_the_plan_always_goes_back_keeping_a_refused_plan(
    two_stores: Callable[[], SqliteStore], form: AssessmentForm
) -> None:
    mine, elsewhere = two_stores(), two_stores()
    new_case(mine, form)
    clock = FakeClock()
    app = open_case(mine, form, clock)
    async with app.run_test(size=(140, 50)) as pilot:
        await plan_conflict(pilot, app, mine, elsewhere, clock)
        await pilot.press("escape")  # back to the plan, nothing decided
        await until(pilot, lambda: isinstance(app.screen, PlanScreen), "back on the plan")
        await pilot.press("escape")  # back to the assessment, the plan in a recovery file
        await until(pilot, lambda: app.screen is app.case_screen, "back on the assessment")
        (copy,) = recovery_files(mine)
        await until(pilot, lambda: f"It is kept in {copy}" in notices(app), "saying where the plan is kept")
    assert [o["goal"] for o in json.loads(copy.read_text())["plan"]] == ["Find a flat!"]
