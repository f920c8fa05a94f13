"""The key bar at the foot of every screen: what it shows, as a practitioner sees it, and clicks on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, add_case, caseload_shown, make_app
from tests.pilot_support import screen_text
from tui.config import Config
from tui.modals.new_case import NewCaseScreen
from tui.widgets.key_bar import KeyBar


@pytest.fixture
def db(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "N100", "Alex Example", date(2026, 2, 2))
    yield store
    store.close()


def bottom_line(app: object) -> str:
    return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


async def test_the_caseload_shows_its_keys_and_the_palette_key_at_the_right(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(120, 24)) as pilot:
        await caseload_shown(pilot)
        line = bottom_line(pilot.app)
        for shown in ("⏎ Open case", "^n New case", "^r Start review", "f9 QA queue", "^q Quit", "f1 Keys"):
            assert shown in line
        assert line.rstrip().endswith("^p Commands")
        assert "Reload" not in line  # a binding that asks not to be shown


async def test_remapped_keys_show_as_the_user_set_them(db: SqliteStore) -> None:
    config = Config(user=USER, keys={"caseload.new": "f2", "app.command_palette": "f11"})
    async with make_app(db, config).run_test(size=(120, 24)) as pilot:
        await caseload_shown(pilot)
        line = bottom_line(pilot.app)
        assert "f2 New case" in line and "^n New case" not in line
        assert line.rstrip().endswith("f11 Commands")


async def test_a_narrow_terminal_keeps_the_palette_key_and_says_more_keys_exist(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(40, 24)) as pilot:
        await caseload_shown(pilot)
        line = bottom_line(pilot.app)
        assert len(line) == 40
        assert "…" in line and "QA queue" not in line
        assert line.rstrip().endswith("^p Commands")


async def test_the_keys_follow_the_screen_in_front(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(120, 24)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")  # open the case: its own keys replace the caseload's
        await pilot.pause()
        line = bottom_line(pilot.app)
        assert "New case" not in line and "Plan" in line


async def test_clicking_a_key_presses_it(db: SqliteStore) -> None:
    async with make_app(db).run_test(size=(120, 24)) as pilot:
        await caseload_shown(pilot)
        line = bottom_line(pilot.app)
        await pilot.click(KeyBar, offset=(line.index("New case"), 0))
        await pilot.pause()
        assert isinstance(pilot.app.screen, NewCaseScreen)
