"""Non-text keys needed to complete a review of a demo record in which only two sections change.

Drives the real app over a real SQLite store of invented cases: from the
caseload, Ctrl+R starts a review of a countersigned demo record; then every
section is either edited (accommodation: a one-key answer and a sentence;
the risk of serious harm summary: a new level) or confirmed "no change"
with F3; the review summary is read and closed; F10 submits.  Every key
pressed is counted except the characters of typed text (one-key answers
are counted).  Target: at most one key per unchanged section, plus at most
ten overall.

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
TYPED = "Moved to a hostel in February; looking for a flat."
LEVELS = {"low": "m", "medium": "h", "high": "m", "very_high": "h"}
"""For the current risk level, the key of a different one."""


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


async def run() -> tuple[int, int, str]:
    """(non-text keys, unchanged sections, status of the review afterwards)."""
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "a4.db")
        fill_demo(store, CASES)
        countersigned = ("approved", "locked")
        case = next(c for c in store.list_cases() if c.status in countersigned)
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
                    now = previous.answers.get("accommodation.linked_offending")
                    await keys.key("n" if now == "yes" else "y", "down")
                    await keys.type(TYPED)
                elif section == "rosh":
                    await keys.key("right", LEVELS[previous.answers.get("rosh.level", "low")])
                else:
                    unchanged += 1
                await keys.key("f3")
            await keys.key("escape", "f10")
            await pilot.pause()
            status = store.get_record(screen.record.id).status
        store.close()
    return len(keys.counted), unchanged, status


def main() -> int:
    count, unchanged, status = asyncio.run(run())
    target = unchanged + OVERALL_ALLOWANCE
    print(f"review of a demo record, 2 sections changed, {unchanged} unchanged (user {USER})")
    print(f"non-text keys: {count} (target ≤ {unchanged} + {OVERALL_ALLOWANCE} = {target})")
    print(f"keys beyond one per unchanged section: {count - unchanged}")
    print(f"review status afterwards: {status}")
    return 0 if count <= target and status == "submitted" else 1


if __name__ == "__main__":
    raise SystemExit(main())
