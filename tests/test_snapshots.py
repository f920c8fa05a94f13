"""What the screens look like, frozen: caseload, key help, case screen (80×24, 160×50), plan and QA (80×24).

Everything that could move between runs is pinned: the calendar and clock
are injected, the demo data is seeded, and cursors do not blink.  Update
after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the pictures before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import caseload_shown, fill_demo, make_app
from tests.pilot_support import until


@pytest.fixture
def demo_store(tmp_path: Path) -> SqliteStore:
    store = SqliteStore(tmp_path / "a4.db")
    fill_demo(store, 40)
    yield store
    store.close()


async def _still_cursors(pilot: Pilot[None]) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
        # TextArea keys its line cache on the cursor only while it blinks: a line drawn in a blink's
        # "off" half would otherwise be reused, cursorless, depending on how long the screen took to open.
        widget.__dict__.get("_line_cache", {}).clear()
        widget.refresh()
    await pilot.pause()


async def _caseload(pilot: Pilot[None]) -> None:
    await caseload_shown(pilot)


async def _filtered(pilot: Pilot[None]) -> None:
    await caseload_shown(pilot)
    await pilot.press(*"pat")


async def _key_help(pilot: Pilot[None]) -> None:
    await caseload_shown(pilot)
    await pilot.press("f1")
    await pilot.pause()


async def _case_screen(pilot: Pilot[None]) -> None:
    await caseload_shown(pilot)
    await pilot.press("down", "down", "enter")
    # the case opens once the "Opening …" notice has had its frame
    await until(
        pilot,
        lambda: pilot.app.screen.has_class("case-screen") and pilot.app.focused is not None,
        "the case screen opened with its first field focused",
    )
    pilot.app.clear_notifications()  # the passing "Opening …" notice is not part of the screen
    await _still_cursors(pilot)


async def _plan_screen(pilot: Pilot[None]) -> None:
    await _case_screen(pilot)
    await pilot.press("f5")
    await pilot.pause()
    await _still_cursors(pilot)


async def _qa_panel(pilot: Pilot[None]) -> None:
    await _case_screen(pilot)
    case_screen = pilot.app.screen
    await until(pilot, lambda: case_screen.qa is not None and case_screen.qa.results, "the first QA run")
    await pilot.press("f6")
    await pilot.pause()


def test_caseload(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(100, 30), run_before=_caseload)


def test_caseload_at_80_by_24_while_filtering(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(80, 24), run_before=_filtered)


def test_key_help(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(100, 30), run_before=_key_help)


def test_case_screen_80x24(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(80, 24), run_before=_case_screen)


def test_case_screen_160x50(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(160, 50), run_before=_case_screen)


def test_plan_screen_80x24(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(80, 24), run_before=_plan_screen)


def test_qa_panel_80x24(snap_compare, demo_store: SqliteStore) -> None:
    assert snap_compare(make_app(demo_store), terminal_size=(80, 24), run_before=_qa_panel)


@pytest.fixture
def short_reasoning_store(tmp_path: Path) -> SqliteStore:
    """One medium-risk draft whose risk reasoning is too short: one automatic check fails."""
    from tests.test_override_flow import short_reasoning
    from tests.test_signoff_flow import draft

    store = SqliteStore(tmp_path / "a4.db")
    draft(store, "medium")
    short_reasoning(store)
    yield store
    store.close()


async def _override_reasons(pilot: Pilot[None]) -> None:
    await caseload_shown(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("f10", *"Reasons in the court report")
    await _still_cursors(pilot)


def test_override_reasons_80x24(snap_compare, short_reasoning_store: SqliteStore) -> None:
    app = make_app(short_reasoning_store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_override_reasons)


async def _grading_with_a_reason(pilot: Pilot[None]) -> None:
    from tests.test_signoff_flow import open_from_queue

    await open_from_queue(pilot)
    await pilot.press("f7")
    await pilot.pause()
    await _still_cursors(pilot)


def test_grading_with_a_reason_80x24(snap_compare, short_reasoning_store: SqliteStore) -> None:
    """The QA assessor's view of a record submitted past a check: the reason at the top, F3 to read it."""
    from forms.checks.library import run_checks
    from forms.record.overrides import with_reasons
    from storage.signoff import submit
    from tests.a4_app_harness import USER, shipped_registry
    from tests.test_signoff_flow import QA

    registry = shipped_registry()
    form, rubric = registry.assessment("a4-assessment"), registry.rubric_for("a4-assessment")
    assert form is not None and rubric is not None
    record = short_reasoning_store.get_record("r1")
    found = [f for result in run_checks(rubric, form, record) for f in result.findings]
    reasons = [(f, "Full reasons are in the court report, agreed with my manager") for f in found]
    record = with_reasons(record, reasons, by=USER, on="2026-03-02T10:00:00+00:00")
    submit(short_reasoning_store, short_reasoning_store.save_record(record, USER), USER, found)
    app = make_app(short_reasoning_store, QA)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_grading_with_a_reason)
