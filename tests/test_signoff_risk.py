"""Changing the risk level in someone else's record needs a reason, is audited, and shows at the top."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, caseload_shown, make_app
from tests.pilot_support import until
from tests.test_signoff_flow import draft
from tui.config import Config
from tui.modals.risk_reason import RiskReason
from tui.screens.case_screen import CaseScreen
from tui.widgets.counters import Counters

MANAGER = Config(user="kim.lead", role="manager")


async def change_level_to_high(pilot) -> CaseScreen:  # type: ignore[no-untyped-def]
    await caseload_shown(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case opened")
    screen = pilot.app.screen
    short = screen.query_one("#section-rosh").short_for("rosh.level")
    short.cursor = [q.path for q in short.shown].index("rosh.level")
    short.focus()
    await pilot.press("h", "ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, RiskReason), "the reason prompt")
    return screen


async def test_a_reason_is_asked_for_audited_and_shown_at_the_top(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    async with make_app(store, MANAGER).run_test(size=(120, 40)) as pilot:
        screen = await change_level_to_high(pilot)
        prompt = pilot.app.screen
        assert "from Medium to High" in prompt.question and USER in prompt.question
        await pilot.press("enter")  # no reason: refused, said why
        assert pilot.app.screen is prompt
        assert "A reason is needed" in str(prompt.query_one(".reason-error", Static).render())
        prompt.query_one(Input).value = "Police report of 1 March: new threats to the ex-partner"
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen, "back on the record")
        header = str(screen.query_one("#risk-changes", Static).render())
    assert store.get_record("r1").answers["rosh.level"] == "high"
    event = next(e for e in store.audit_trail("r1") if e.kind == "risk_level" and e.actor == "kim.lead")
    assert (event.old, event.new, event.reason) == (
        "medium",
        "high",
        "Police report of 1 March: new threats to the ex-partner",
    )
    assert header == (
        f"⚠ level changed from Medium to High by kim.lead on {event.at[:10]}: "
        "Police report of 1 March: new threats to the ex-partner"
    )
    store.close()


async def test_cancelling_keeps_the_old_level_and_records_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    async with make_app(store, MANAGER).run_test(size=(120, 40)) as pilot:
        screen = await change_level_to_high(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen, "back on the record")
        short = screen.query_one("#section-rosh").short_for("rosh.level")
        assert short.values["rosh.level"] == "medium"
        assert not screen.query_one("#risk-changes").display
    assert store.get_record("r1").answers["rosh.level"] == "medium"
    assert not [e for e in store.audit_trail("r1") if e.kind == "risk_level" and e.actor == "kim.lead"]
    store.close()


async def test_the_author_changes_their_own_level_without_being_asked(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        await caseload_shown(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case opened")
        screen = pilot.app.screen
        short = screen.query_one("#section-rosh").short_for("rosh.level")
        short.cursor = [q.path for q in short.shown].index("rosh.level")
        short.focus()
        await pilot.press("h", "ctrl+s")
        assert pilot.app.screen is screen
    assert store.get_record("r1").answers["rosh.level"] == "high"
    store.close()


async def test_the_counters_do_not_say_save_failed_while_the_reason_is_asked(tmp_path: Path) -> None:
    """Issue 14: with the reason box open the counters read "save failed: Changing the risk level in
    someone else's…" (clipped); the save is waiting for the reason, not failed."""
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    async with make_app(store, MANAGER).run_test(size=(120, 40)) as pilot:
        screen = await change_level_to_high(pilot)
        waiting = screen.query_one(Counters).state.save_state
        assert not waiting.startswith("save failed") and "reason" in waiting, waiting
        assert not screen.query_one(Counters).has_class("-failed")
        pilot.app.screen.query_one(Input).value = "New threats reported by the police"
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen, "back on the record")
        await pilot.pause()
        assert "reason" not in screen.query_one(Counters).state.save_state
    store.close()
