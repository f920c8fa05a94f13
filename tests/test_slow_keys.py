"""Keys that start slow work say so at once, and a second press while it runs starts nothing (issue 14).

Finding 8: Ctrl+R on the caseload showed nothing for three seconds while the
review was started and the case screen built, so it was pressed again.  The
progress notice must be on screen before the slow work begins (checked at the
moment the store is asked), and a second press must only say it is under way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from forms.model import Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app, shipped_registry
from tui.app import A4App
from tui.screens.case_screen import CaseScreen


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "a4.db")
    yield store
    store.close()


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


def watch_start_review(db: SqliteStore, app: A4App) -> list[list[str]]:
    """Record, at each call of `start_review`, the notices then on screen."""
    seen: list[list[str]] = []
    start_review = db.start_review

    def watched(case_ref: str, actor: str) -> Record:
        seen.append(toasts(app))
        return start_review(case_ref, actor)

    db.start_review = watched  # type: ignore[method-assign]
    return seen


async def test_ctrl_r_on_the_caseload_says_so_before_the_review_is_started(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch_start_review(db, app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        for _ in range(50):
            if isinstance(app.screen, CaseScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, CaseScreen)
    assert len(seen) == 1
    assert any("Starting a review of X1" in text for text in seen[0]), seen


async def test_a_second_ctrl_r_while_the_review_starts_only_says_it_is_under_way(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch_start_review(db, app)
    messages = said(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        app.screen.action_start_review()  # type: ignore[attr-defined]
        app.screen.action_start_review()  # type: ignore[attr-defined]  # before anything is drawn
        for _ in range(50):
            if isinstance(app.screen, CaseScreen):
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert sum(isinstance(screen, CaseScreen) for screen in app.screen_stack) == 1
    assert len(seen) == 1
    assert any("under way" in message for message in messages), messages
    reviews = [r for r in db.records_for_case("X1") if r.kind == "review"]
    assert len(reviews) == 1


async def test_ctrl_r_in_the_open_review_starts_nothing_and_says_where_you_are(db: SqliteStore) -> None:
    locked_case(db)
    app = make_app(db)
    seen = watch_start_review(db, app)
    messages = said(app)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await caseload_shown(pilot)
        await pilot.press("ctrl+r")
        for _ in range(50):
            if isinstance(app.screen, CaseScreen):
                break
            await pilot.pause(0.02)
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
        for _ in range(50):
            if isinstance(app.screen, CaseScreen):
                break
            await pilot.pause(0.02)
        locked = app.screen
        assert isinstance(locked, CaseScreen) and locked.record.status == "locked"
        seen = watch_start_review(db, app)
        await pilot.press("ctrl+r")
        for _ in range(50):
            if app.screen is not locked:
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, CaseScreen) and app.screen.record.kind == "review"
    assert len(seen) == 1
    assert any("Starting a review of X1" in text for text in seen[0]), seen
