"""Keys that start slow work say so at once, and a second press while it runs starts nothing (issue 14).

Finding 8: Ctrl+R on the caseload showed nothing for three seconds while the
review was started and the case screen built, so it was pressed again.  The
progress notice must be on screen before the slow work begins (checked at the
moment the store is asked), and a second press must only say it is under way.
The same holds for every key of the case and plan screens that saves first
(F5, F6, F7, F10, F12, Ctrl+S, Esc, Ctrl+Q) when the save has to wait on the
store; keys pressed meanwhile wait their turn and land where they would have
had the work been instant; and the notice goes once the work is done.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets._toast import Toast

from forms.model import Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app, shipped_registry
from tests.pilot_support import until
from tui.app import A4App
from tui.modals.edit_case import EditCaseScreen
from tui.modals.export_prompt import ExportPrompt
from tui.screens.case_screen import CaseScreen
from tui.screens.caseload import CaseloadScreen
from tui.screens.grading import SubmitBlocked
from tui.screens.plan_screen import PlanScreen
from tui.screens.qa_screen import QAScreen


def locked_case(db: SqliteStore) -> Record:
    """Case X1 with a countersigned and locked assessment, ready for a review."""
    add_case(db, "X1", "Alex Morgan", TODAY)
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    first = db.create_record(Record("r1", "X1", form.id, form.version, author=USER), USER)
    db.transition(first.id, "submitted", USER)
    return db.approve_and_lock(first.id, "qa.person")


def toasts(app: A4App) -> list[str]:
    """The notices on screen now (mounted toasts, not only queued notifications)."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


def said(app: A4App) -> list[str]:
    """Every notice the app is asked to show from now on (kept after it times out)."""
    messages: list[str] = []
    notify = app.notify

    def keep(message: str, *args: object, **kwargs: object) -> None:
        messages.append(message)
        notify(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = keep  # type: ignore[method-assign]
    return messages


def watch(db: SqliteStore, app: A4App, call: str) -> list[list[str]]:
    """Record, at each call of the store's method `call` (start_review, save_record), the notices then on
    screen: the slow work a key starts begins at that call."""
    seen: list[list[str]] = []
    method = getattr(db, call)

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(toasts(app))
        return method(*args, **kwargs)

    setattr(db, call, watched)
    return seen


async def test_ctrl_r_on_the_caseload_says_so_before_the_review_is_started(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch(db, app, "start_review")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        assert isinstance(app.screen, CaseScreen)
    assert len(seen) == 1
    assert any("Starting a review of X1" in text for text in seen[0]), seen


async def test_ctrl_e_on_the_caseload_says_so_before_the_case_is_read(db: SqliteStore) -> None:
    """Reading a case to correct it asks the store (a team server can be slow): said first, as Ctrl+R."""
    add_case(db, "X1", "Alex Morgan", TODAY, owner=USER)
    app = make_app(db)
    seen = watch(db, app, "get_case")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, EditCaseScreen), "the correction dialog")
    assert seen and any("Reading X1 to correct it" in text for text in seen[0]), seen


async def test_a_second_ctrl_r_while_the_review_starts_only_says_it_is_under_way(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch(db, app, "start_review")
    messages = said(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        app.screen.action_start_review()  # type: ignore[attr-defined]
        app.screen.action_start_review()  # type: ignore[attr-defined]  # before anything is drawn
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        await pilot.pause()
        assert sum(isinstance(screen, CaseScreen) for screen in app.screen_stack) == 1
    assert len(seen) == 1
    assert any("under way" in message for message in messages), messages
    reviews = [r for r in db.records_for_case("X1") if r.kind == "review"]
    assert len(reviews) == 1


async def test_ctrl_r_in_the_open_review_starts_nothing_and_says_where_you_are(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch(db, app, "start_review")
    messages = said(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        review_screen = app.screen
        assert isinstance(review_screen, CaseScreen) and review_screen.record.kind == "review"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.screen is review_screen
    assert len(seen) == 1
    assert any("open review" in message for message in messages), messages


async def test_ctrl_r_on_the_locked_record_says_so_before_the_review_is_started(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        locked = app.screen
        assert isinstance(locked, CaseScreen) and locked.record.status == "locked"
        seen = watch(db, app, "start_review")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.screen is not locked, "the review's screen")
        assert isinstance(app.screen, CaseScreen) and app.screen.record.kind == "review"
    assert len(seen) == 1
    assert any("Starting a review of X1" in text for text in seen[0]), seen


# ---------------------------------------------------------------- keys that save first


async def draft_open(pilot, db: SqliteStore) -> CaseScreen:  # type: ignore[no-untyped-def]
    """The caseload's first case (X1) open on a new draft, its first answer focused."""
    await caseload_shown(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case screen")
    await until(pilot, lambda: not toasts(pilot.app), "the opening notice to go")
    screen = pilot.app.screen
    assert isinstance(screen, CaseScreen)
    return screen


def answers_of(db: SqliteStore) -> list[str]:
    record = db.latest_record("X1")
    assert record is not None
    return [str(value) for value in record.answers.values()]


@pytest.mark.parametrize(
    ("key", "before", "lands_on"),
    [
        ("f5", "opening the plan", PlanScreen),
        ("f6", "checking it", QAScreen),
        ("f10", "submitting it", SubmitBlocked),
        ("f12", "exporting it", ExportPrompt),
        ("escape", "leaving it", CaseloadScreen),
    ],
)
async def test_a_key_that_saves_first_says_so_before_the_store_is_asked(
    db: SqliteStore, key: str, before: str, lands_on: type[Screen[object]]
) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)  # its clock stands still: no autosave, only the key saves
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await draft_open(pilot, db)
        seen = watch(db, app, "save_record")
        await pilot.press(*"Housing is unsettled", key)
        await until(pilot, lambda: isinstance(app.screen, lands_on), f"{key} to open {lands_on.__name__}")
        await until(pilot, lambda: not any("Saving" in text for text in toasts(app)), "the notice to go")
    assert len(seen) == 1, "one save, by the key"
    assert any(f"Saving X1 before {before}" in text for text in seen[0]), seen
    assert "Housing is unsettled" in answers_of(db)


async def test_ctrl_s_and_ctrl_q_say_they_are_saving_before_the_store_is_asked(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await draft_open(pilot, db)
        seen = watch(db, app, "save_record")
        await pilot.press(*"Housing", "ctrl+s")
        await until(pilot, lambda: len(seen) == 1, "the save")
        await pilot.press(*" is unsettled", "ctrl+q")
        await until(pilot, lambda: not app.is_running or len(seen) == 2, "the quit")
    assert any("Saving X1…" in text for text in seen[0]), seen
    assert any("Saving before A4 closes" in text for text in seen[1]), seen
    assert "Housing is unsettled" in answers_of(db)


async def test_with_nothing_to_save_a_key_acts_at_once_without_a_notice(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)
    messages = said(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await draft_open(pilot, db)
        seen = watch(db, app, "save_record")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan")
    assert seen == []
    assert not any("Saving" in message for message in messages), messages


async def test_keys_pressed_while_the_plan_opens_land_in_the_plan_not_the_assessment(db: SqliteStore) -> None:
    """F5, Ctrl+N, "Find a flat" in one burst: all read before the save has begun, all land in the plan."""
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await draft_open(pilot, db)
        await pilot.press(*"Housing")
        for key in ("f5", "ctrl+n", *"Find a flat"):  # queued together, as a fast typist's burst arrives
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await until(pilot, lambda: isinstance(app.focused, Input) and app.focused.value == "Find a flat",
                    "the words in the new objective")  # fmt: skip
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "back on the assessment")
    record = db.latest_record("X1")
    assert record is not None
    assert [objective.goal for objective in record.plan] == ["Find a flat"]
    assert answers_of(db) == ["Housing"]


async def test_the_opening_notice_goes_once_the_case_is_open(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case screen")
        await pilot.pause(0.1)
        assert not any("Opening X1" in text for text in toasts(app))
        assert not any("Opening X1" in n.message for n in app._notifications)


async def test_esc_on_the_plan_says_it_is_saving_before_the_store_is_asked(db: SqliteStore) -> None:
    add_case(db, "X1", "Alex Morgan", TODAY)
    app = make_app(db)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await draft_open(pilot, db)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen), "the plan")
        seen = watch(db, app, "save_record")
        await pilot.press("ctrl+n", *"Find a flat", "escape")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen), "back on the assessment")
    assert len(seen) == 1 and any("Saving the plan before going back" in text for text in seen[0]), seen
    record = db.latest_record("X1")
    assert record is not None and [objective.goal for objective in record.plan] == ["Find a flat"]
