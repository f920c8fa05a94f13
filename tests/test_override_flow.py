"""Submitting past a failing automatic check, as the practitioner and the QA assessor do it with keys.

The author presses F10 with a check still failing: the dialog lists it, refuses to submit without a
reason (or with one too short), keeps what was typed through Escape, goes to the check's place on
Ctrl+G, and submits with the reason.  The QA assessor sees the reason beside the check and cannot
countersign until they acknowledge it (F3).  Everything is read back from the store and its audit trail.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, make_app
from tests.pilot_support import screen_text, until
from tests.test_signoff_flow import QA, draft, grade_all, open_from_caseload, open_from_queue
from tui.modals.override_reasons import OverrideReasons
from tui.screens.case_screen import CaseScreen
from tui.screens.grading import GradingScreen, OverriddenChecks
from tui.screens.qa_screen import QAScreen

CHECK = "The risk level needs its reasons"
REASON = "Full reasons are in the court report, agreed with my manager today"


def short_reasoning(store: SqliteStore) -> None:
    """The draft with its risk reasoning cut below the check's 40 words: one automatic check fails."""
    record = store.get_record("r1")
    record.answers["rosh.reasoning"] = "Violence after drinking; medium."
    store.save_record(record, USER, risk_path="rosh.level")


async def test_submit_past_a_failing_check_needs_a_reason_for_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    short_reasoning(store)
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        case = await open_from_caseload(pilot)
        await pilot.press("f10")
        dialog = pilot.app.screen
        assert isinstance(dialog, OverrideReasons)
        assert [f.path for f in dialog.findings] == ["rosh.reasoning"]
        assert CHECK in screen_text(pilot.app)

        await pilot.press("f10")  # no reason: refused, and said why
        assert pilot.app.screen is dialog
        assert "Check 1: say why in 3 words or more" in str(dialog.query_one(".override-error").render())
        await pilot.press(*"see file", "enter")  # Enter on the last reason submits: two words are refused
        assert pilot.app.screen is dialog and store.get_record("r1").status == "draft"

        await pilot.press("escape")  # back to the record; what was typed stays
        assert pilot.app.screen is case
        await pilot.press("f10")
        dialog = pilot.app.screen
        assert isinstance(dialog, OverrideReasons)
        assert dialog.query_one(Input).value == "see file"

        await pilot.press("ctrl+u", *REASON, "enter")
        await until(pilot, lambda: not isinstance(pilot.app.screen, (CaseScreen, OverrideReasons)), "left")
    stored = store.get_record("r1")
    assert stored.status == "submitted"
    [override] = stored.overrides
    assert (override.path, override.reason, override.by) == ("rosh.reasoning", REASON, USER)
    assert override.message.startswith(CHECK)
    [event] = [e for e in store.audit_trail("r1") if e.kind == "status"]
    assert (event.actor, event.new) == (USER, "submitted")
    assert f"check overridden: {override.message} — {REASON}" == event.reason
    store.close()


async def test_ctrl_g_goes_to_the_check_and_keeps_the_reasons_typed(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    short_reasoning(store)
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        case = await open_from_caseload(pilot)
        await pilot.press("f10")
        assert isinstance(pilot.app.screen, OverrideReasons)
        await pilot.press(*"Half a reason", "ctrl+g")
        assert pilot.app.screen is case
        assert getattr(case.focused, "path", None) == "rosh.reasoning"
        assert case.save_now()
    assert store.get_record("r1").status == "draft"
    assert [o.reason for o in store.get_record("r1").overrides] == ["Half a reason"]  # kept with the record
    store.close()


async def test_qa_reads_each_reason_and_acknowledges_it_before_countersigning(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    short_reasoning(store)
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        await open_from_caseload(pilot)
        await pilot.press("f10", *REASON, "f10")
        await until(pilot, lambda: store.get_record("r1").status == "submitted", "submitted")

    async with make_app(store, QA).run_test(size=(120, 40)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f6")  # the QA panel shows the reason under its finding
        panel = pilot.app.screen
        assert isinstance(panel, QAScreen)
        lines = [line.plain for line in panel.lines]
        at = next(i for i, line in enumerate(lines) if CHECK in line)
        assert lines[at + 1].strip() == f"reason given: {REASON}"
        await pilot.press("escape", "f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        view = pilot.app.screen
        assert f"reason given: {REASON} ({USER}," in screen_text(pilot.app)
        await grade_all(pilot, "Good")
        await pilot.press("ctrl+o")  # not acknowledged: refused before the confirming question
        assert pilot.app.screen is view
        assert "press F3 to acknowledge" in str(view.query_one(".grading-error").render())
        assert store.get_record("r1").status == "submitted"
        await pilot.press("f3")
        assert view.query_one(OverriddenChecks).all_read
        await pilot.press("ctrl+o", "y")
        await until(pilot, lambda: case.record.status == "locked", "the record locked")
    [override] = store.get_record("r1").overrides
    assert override.acknowledged_by == "jo.qa" and override.acknowledged_on
    last = [e for e in store.audit_trail("r1") if e.kind == "status"][-1]
    assert (last.actor, last.new) == ("jo.qa", "locked")
    assert f"acknowledged check overridden: {override.message} — {REASON}" in last.reason
    store.close()


async def test_each_reason_is_acknowledged_on_its_own_before_countersigning(tmp_path: Path) -> None:
    """Two checks submitted past: one F3 acknowledges the first only, and countersigning still waits."""
    store = SqliteStore(tmp_path / "a4.sqlite")
    draft(store, "medium")
    record = store.get_record("r1")
    record.answers["rosh.reasoning"] = "Violence after drinking; medium."
    record.answers["rosh.raises"] = "Drinking."
    store.save_record(record, USER, risk_path="rosh.level")
    second = "Raised with the alcohol service; their letter is due on Friday"
    async with make_app(store).run_test(size=(120, 40)) as pilot:
        await open_from_caseload(pilot)
        await pilot.press("f10")
        assert isinstance(pilot.app.screen, OverrideReasons)
        assert len(pilot.app.screen.findings) == 2
        await pilot.press(*REASON, "enter", *second, "enter")
        await until(pilot, lambda: store.get_record("r1").status == "submitted", "submitted")

    async with make_app(store, QA).run_test(size=(120, 50)) as pilot:
        case = await open_from_queue(pilot)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(pilot.app.screen, GradingScreen), "the grading view opened")
        view = pilot.app.screen
        assert "marked ▶ (1 of 2)" in screen_text(pilot.app)
        await grade_all(pilot, "Good")
        await pilot.press("f3")  # the first reason only
        panel = view.query_one(OverriddenChecks)
        assert panel.read == 1 and not panel.all_read
        assert "marked ▶ (2 of 2)" in screen_text(pilot.app)
        await pilot.press("ctrl+o")
        assert pilot.app.screen is view
        assert "press F3 to acknowledge each one" in str(view.query_one(".grading-error").render())
        assert store.get_record("r1").status == "submitted"
        await pilot.press("f3")
        assert panel.all_read and view.check_action("acknowledge", ()) is False
        assert "You acknowledged each of the 2 reasons" in screen_text(pilot.app)
        await pilot.press("ctrl+o", "y")
        await until(pilot, lambda: case.record.status == "locked", "the record locked")
    overrides = store.get_record("r1").overrides
    assert [o.reason for o in overrides] == [REASON, second]
    assert all(o.acknowledged_by == "jo.qa" for o in overrides)
    store.close()
