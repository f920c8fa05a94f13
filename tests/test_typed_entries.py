"""An entry typed in a group's line without Enter is not lost when the case closes (quit or leave).

The line is not an answer until Enter adds it, so before this a quick Ctrl+Q or Escape after typing
a source ("Interview, 3/10/2026, J Smith") closed the case and the words were gone without a word.
Now closing adds it as Enter would; a line that cannot be added (a field missing) is kept with the
record as left behind, with the reason, and shows in its exports.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from forms.definition.registry import load_registry
from forms.model import Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, add_case, caseload_shown, make_app
from tests.cli_support import a4_in
from tests.pilot_support import until
from tests.terminal.scene import PATIENCE, Scene
from tui.screens.case_screen import CaseScreen
from tui.widgets.group_input import GroupInput, entry_line, parse_entry


async def at_the_sources_line(pilot: Pilot[None]) -> None:
    """From the caseload: open the only case, and go to its evidence sources' entry line."""
    await caseload_shown(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, CaseScreen), "the case screen")
    await pilot.press("ctrl+g", *"evid", "enter")


async def type_a_source_then(tmp_path: Path, line: str, *closing: str) -> Record:
    """Open a new case, type `line` in the evidence sources' entry line (no Enter), press `closing`."""
    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "C1", "Alex Morgan", TODAY)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await at_the_sources_line(pilot)
        await pilot.press(*line)
        assert getattr(app.focused, "value", None) == line  # typed in the entry line, not added
        await pilot.press(*closing)
        await pilot.pause()
    record = store.latest_record("C1")
    store.close()
    assert record is not None
    return record


async def test_a_complete_entry_typed_without_enter_is_added_when_a4_quits(tmp_path: Path) -> None:
    record = await type_a_source_then(tmp_path, "i, 3/10/2026, J Smith", "ctrl+q")
    assert record.answers["evidence.sources"] == [
        {"kind": "interview", "date": "2026-10-03", "author": "J Smith"}
    ]
    assert record.left_behind == []


async def test_a_complete_entry_typed_without_enter_is_added_when_the_case_is_left(tmp_path: Path) -> None:
    record = await type_a_source_then(tmp_path, "i, 3/10/2026, J Smith", "escape")
    assert record.answers["evidence.sources"] == [
        {"kind": "interview", "date": "2026-10-03", "author": "J Smith"}
    ]


async def test_an_entry_that_cannot_be_added_is_kept_with_the_record_and_exported(tmp_path: Path) -> None:
    record = await type_a_source_then(tmp_path, "i, someday", "ctrl+q")
    assert "evidence.sources" not in record.answers
    [kept] = record.left_behind
    assert (kept.path, kept.value) == ("evidence.sources", "i, someday")
    assert kept.reason.startswith("typed in the entry line, never added (")
    exported = a4_in(tmp_path, "export", "C1", "--format", "md")
    assert exported.returncode == 0, exported.stderr
    assert "## Left behind: kept with the record, outside its answers" in exported.stdout
    assert "i, someday" in exported.stdout


async def test_submitting_with_an_entry_that_cannot_be_added_says_so_and_submits_nothing(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "C1", "Alex Morgan", TODAY)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await at_the_sources_line(pilot)
        await pilot.press(*"i, someday", "f10")
        notes = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(pilot, lambda: any("is not added yet" in n for n in notes()), "the refusal")
        assert any(n.startswith("The entry typed in “Sources”") for n in notes()), notes()
        assert getattr(app.focused, "value", None) == "i, someday"  # still there to mend
    record = store.latest_record("C1")
    assert record is not None and record.status == "draft"
    store.close()


@pytest.mark.terminal
@pytest.mark.parametrize("delay", [0.0, 0.1])
def test_in_a_real_terminal_ctrl_q_right_after_typing_a_source_keeps_it(tmp_path: Path, delay: float) -> None:
    """The real `a4` in a pty, at a person's pace: the source typed, no Enter, Ctrl+Q at once or soon."""
    scene = Scene(tmp_path, form_id="a4-assessment").create()
    with scene.start(size=(120, 40)) as term:
        scene.open_case(term, first_section="Offence analysis")
        term.press("ctrl+g")
        term.wait_quiet(0.3)
        term.type("evid", gap=0.03)
        term.press("enter")
        term.wait_quiet(0.5)
        term.type("i, 3/10/2026, J Smith", gap=0.03)
        time.sleep(delay)
        term.press("ctrl+q")
        term.wait_exit(PATIENCE)
    assert scene.answers().get("evidence.sources") == [
        {"kind": "interview", "date": "2026-10-03", "author": "J Smith"}
    ]


async def test_enter_on_an_entry_puts_it_back_in_the_line_and_enter_there_keeps_the_change(
    tmp_path: Path,
) -> None:
    """A typo in an entry is mended in place (before, only removing and retyping it did), and the entry
    stays as it was until the changed line is added, so nothing is lost meanwhile."""
    store = SqliteStore(tmp_path / "a4.db")
    add_case(store, "C1", "Alex Morgan", TODAY)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await at_the_sources_line(pilot)
        await pilot.press(*"i, 3/10/2026, J Smiht", "enter", *"psr, 2026-09-01, K Jones", "enter")
        group = app.screen.query_one("#section-evidence GroupInput", GroupInput)
        await pilot.press("up", "down", "enter")  # the list: its second entry (by date), the interview
        assert getattr(app.focused, "value", None) == "interview, 2026-10-03, J Smiht"
        assert len(group.entries) == 2  # still there while it is being edited
        await pilot.press("backspace", "backspace", *"th", "enter")
        assert [e["author"] for e in group.entries] == ["K Jones", "J Smith"]
        await pilot.press("ctrl+q")
        await pilot.pause()
    record = store.latest_record("C1")
    assert record is not None
    assert [s["author"] for s in record.answers["evidence.sources"]] == ["K Jones", "J Smith"]
    store.close()


def test_an_entry_typed_back_as_its_line_reads_as_the_same_entry() -> None:
    registry, _problems = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    safety = form.question("rmp.victim_safety")
    assert safety is not None
    entry = {
        "group": "known_adult",
        "who": "Ex-partner (J)",
        "plan": "Exclusion zone, daily calls, a plan with police",
    }
    line = entry_line(safety, entry)
    assert line is not None and parse_entry(safety, line, TODAY) == entry
    assert entry_line(safety, {"group": "public", "who": "Smith, J", "plan": "Curfew"}) is None
