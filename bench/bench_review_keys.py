"""Non-text keys needed to complete a review of a demo record in which only two sections change.

Drives the real app over a real SQLite store of invented cases: from the
caseload, Ctrl+R starts a review of a countersigned demo record; then every
section is either edited (accommodation: a one-key answer and a sentence;
the risk of serious harm summary: a new level) or confirmed "no change"
with F3; the review summary is read and closed; F10 submits.

The record reviewed is the first countersigned one whose accommodation was
linked to offending, and the review takes that link away ("n"): the
opposite edit, making an area linked, is not one key and a sentence under
the shipped assessment (2.0.0 and later) and its rubric (it asks for the analysis, in
30 words or more, the person's view, the strengths, and a plan objective),
so a review scripted that way ends as a draft.  ↓ from the one-key row
reaches the section's first text box, the strengths, where the sentence is
added; the bench checks it was saved there.  The risk level is raised one
step (lowering it below a level in the "who is at risk" grid is a failing
check): the screen draws questions in the form file's order, so the level's
one-key row comes eleven ↓ after the section's top; Ctrl+G, "overall level"
(typed, not counted) and Enter put the cursor on it (Ctrl+G and Enter
counted).

Every key pressed is counted except the characters of typed text (one-key
answers are counted).  Target: at most one key per unchanged section, plus
at most ten overall.

Run: ``python bench/bench_review_keys.py``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot

from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import USER, caseload_shown, fill_demo, make_app
from tui.modals.review_summary import ReviewSummaryScreen
from tui.screens.case_screen import CaseScreen

CASES = 40
OVERALL_ALLOWANCE = 10
TYPED = "Has kept the same hostel place since February and is looking for a flat."
LEVELS = {"low": "m", "medium": "h", "high": "v", "very_high": "h"}
"""For the current risk level, the key of a higher one (the highest: a lower one)."""
LEVEL_LABEL = "overall level"
"""Typed in the Ctrl+G prompt: part of the risk level's label, "Overall level"."""
LINKED = "accommodation.linked_offending"
STRENGTHS = "accommodation.strengths"
"""The section's first text box, the one ↓ reaches from its one-key row."""


def _linked(store: SqliteStore, case_ref: str) -> bool:
    """Whether the case's last record links accommodation to offending (so one key can take it away)."""
    record = store.latest_record(case_ref)
    return record is not None and record.answers.get(LINKED) == "yes"


@dataclass
class KeyCounter:
    """Presses keys through Pilot and counts the ones that are not typed text."""

    pilot: Pilot[None]
    counted: list[str] = field(default_factory=list)

    async def key(self, *keys: str) -> None:
        self.counted.extend(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)


async def run() -> tuple[int, int, str, bool]:
    """(non-text keys, unchanged sections, status of the review afterwards, sentence in the strengths)."""
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "a4.db")
        fill_demo(store, CASES)
        countersigned = ("approved", "locked")
        case = next(c for c in store.list_cases() if c.status in countersigned and _linked(store, c.ref))
        app = make_app(store)
        async with app.run_test(size=(120, 50)) as pilot:
            caseload = await caseload_shown(pilot)
            caseload.set_filter(case.ref)  # finding the case is not part of the review
            await pilot.pause()
            keys = KeyCounter(pilot)
            await keys.key("ctrl+r")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, CaseScreen), screen
            previous = screen.previous
            assert previous is not None
            unchanged = 0
            while not isinstance(app.screen, ReviewSummaryScreen):
                section = screen.current.section.id if screen.current else ""
                if section == "accommodation":
                    await keys.key("n", "down")
                    await keys.type(TYPED)
                elif section == "rosh":
                    # the level's row follows the text before it in the form file: go to it by its label
                    level_row = screen.current.short_for("rosh.level") if screen.current else None
                    assert level_row is not None
                    await keys.key("ctrl+g")
                    await keys.type(LEVEL_LABEL)
                    await keys.key("enter")
                    assert app.focused is level_row, app.focused
                    assert level_row.current is not None and level_row.current.path == "rosh.level"
                    await keys.key(LEVELS[previous.answers.get("rosh.level", "low")])
                else:
                    unchanged += 1
                await keys.key("f3")
            await keys.key("escape", "f10")
            await pilot.pause()
            saved = store.get_record(screen.record.id)
        store.close()
    return len(keys.counted), unchanged, saved.status, TYPED in saved.answers.get(STRENGTHS, "")


def main() -> int:
    count, unchanged, status, landed = asyncio.run(run())
    target = unchanged + OVERALL_ALLOWANCE
    print(f"review of a demo record, 2 sections changed, {unchanged} unchanged (user {USER})")
    print(f"non-text keys: {count} (target ≤ {unchanged} + {OVERALL_ALLOWANCE} = {target})")
    print(f"keys beyond one per unchanged section: {count - unchanged}")
    print(f"review status afterwards: {status}")
    print(f"the sentence was saved in the strengths: {'yes' if landed else 'NO'}")
    return 0 if count <= target and status == "submitted" and landed else 1


if __name__ == "__main__":
    raise SystemExit(main())
