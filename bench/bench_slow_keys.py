"""How soon a key that starts slow work says so, with a store made slow on purpose.

Issue 14 asks for feedback within 100 ms of every key that starts slow work.
Here the store calls those keys wait for (`get_case` on opening a case,
`start_review`, `save_record`) each take `SLOW` seconds, as they can on a
team server far away or a SQLite file another writer holds locked.  For each
key the bench measures, headless (`App.run_test`), the time from the key
reaching the app to the moment the slow call begins, and whether the key's
notice was then on screen: A4 starts the work only once the notice is drawn,
so that time bounds how long the practitioner waits for a sign of life.

Run: ``python bench/bench_slow_keys.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events
from textual.widgets._toast import Toast

from forms.model import Case, Record
from storage.sqlite.store import SqliteStore
from tests.a4_app_harness import TODAY, USER, add_case, caseload_shown, make_app, shipped_registry
from tests.pilot_support import until
from tui.app import A4App
from tui.screens.case_screen import CaseScreen

SLOW = 1.0
"""Seconds each watched store call takes."""
TARGET_MS = 100.0
TYPED = "Housing is unsettled"
POLL = 0.005


class SlowStore(SqliteStore):
    """An embedded store whose calls a key waits for take `SLOW` seconds once `slow` is set; each call
    notes when it began and whether a notice was on screen then."""

    slow = False
    app: A4App | None = None
    began: list[tuple[str, float, bool]]

    def _watched(self, call: str) -> None:
        if not self.slow or self.app is None:
            return
        shown = bool(self.app.screen.query(Toast))
        self.began.append((call, time.perf_counter(), shown))
        time.sleep(SLOW)

    def get_case(self, ref: str, *, owner: str | None = None) -> Case:
        self._watched("get_case")
        return super().get_case(ref, owner=owner)

    def start_review(self, case_ref: str, actor: str) -> Record:
        self._watched("start_review")
        return super().start_review(case_ref, actor)

    def save_record(self, record: Record, actor: str, **kwargs: Any) -> Record:
        self._watched("save_record")
        return super().save_record(record, actor, **kwargs)


def locked_case(store: SqliteStore, ref: str) -> None:
    add_case(store, ref, "Alex Morgan", TODAY)
    form = shipped_registry().assessment("a4-assessment")
    assert form is not None
    first = store.create_record(Record(f"{ref}-1", ref, form.id, form.version, author=USER), USER)
    store.transition(first.id, "submitted", USER)
    store.approve_and_lock(first.id, "qa.person")


def watch_frames(app: A4App) -> list[tuple[float, bool]]:
    """Each frame the app puts out from now on: (when, whether a notice was on it)."""
    frames: list[tuple[float, bool]] = []
    display = app._display

    def watched(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            frames.append((time.perf_counter(), bool(screen.query(Toast))))
        display(screen, renderable)

    app._display = watched  # type: ignore[method-assign]
    return frames


async def one(key: str) -> tuple[float, float, bool]:
    """For one run of `key`: (ms to the first frame showing its notice, ms to the slow call's start,
    notice on screen then); for "Q" typed into an answer, ms to the next frame (the floor)."""
    with tempfile.TemporaryDirectory() as folder:
        store = SlowStore(Path(folder) / "a4.db")
        store.began = []
        add_case(store, "X1", "Alex Morgan", TODAY)
        locked_case(store, "L1")
        app = make_app(store)
        store.app = app
        on_case = key not in ("enter", "ctrl+r")
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            caseload = await caseload_shown(pilot)
            caseload.set_filter("L1" if key == "ctrl+r" else "X1")
            await pilot.pause()
            if on_case:
                await pilot.press("enter")
                await until(pilot, lambda: isinstance(app.screen, CaseScreen), "the case")
                await until(pilot, lambda: not app.screen.query(Toast), "the opening notice to go")
                await pilot.press(*TYPED)
            frames = watch_frames(app)
            store.slow = True
            pressed = time.perf_counter()
            app.post_message(events.Key(key, key if len(key) == 1 else None))
            for _ in range(int(5 / POLL)):  # not Pilot's pause: after Ctrl+Q the app is gone
                if store.began or (key == FLOOR_KEY and frames):
                    break
                await asyncio.sleep(POLL)
            store.slow = False
            if key != "ctrl+q":
                await pilot.pause(0.1)
        store.close()
    if key == FLOOR_KEY:
        return (frames[0][0] - pressed) * 1000, 0.0, False
    if not store.began:
        raise RuntimeError(f"{key} never reached the store")
    _call, began, shown = store.began[0]
    noticed = next((at for at, with_notice in frames if with_notice and at <= began), None)
    if noticed is None:  # no frame held the notice before the work began
        return (began - pressed) * 1000, (began - pressed) * 1000, False
    return (noticed - pressed) * 1000, (began - pressed) * 1000, shown


FLOOR_KEY = "Q"
KEYS: dict[str, str] = {
    "enter": "Enter on the caseload (open a case)",
    "ctrl+r": "Ctrl+R on the caseload (start a review)",
    "f5": "F5 with unsaved text (plan)",
    "f6": "F6 with unsaved text (QA findings)",
    "f10": "F10 with unsaved text (submit)",
    "f12": "F12 with unsaved text (export)",
    "ctrl+s": "Ctrl+S with unsaved text",
    "escape": "Esc with unsaved text (leave the case)",
    "ctrl+q": "Ctrl+Q with unsaved text (quit)",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(
        f"store calls made {SLOW:.1f} s slow; {runs} runs per key; target: notice within {TARGET_MS:.0f} ms"
    )
    floor = statistics.median(asyncio.run(one(FLOOR_KEY))[0] for _ in range(runs))
    print(f"floor: a character typed at the end of an answer, to the next frame: {floor:.1f} ms median")
    failed = 0
    for key, what in KEYS.items():
        results = [asyncio.run(one(key)) for _ in range(runs)]
        noticed = statistics.median(r[0] for r in results)
        worst = max(r[0] for r in results)
        began = statistics.median(r[1] for r in results)
        shown = all(r[2] for r in results)
        met = shown and noticed <= TARGET_MS
        failed += not met
        print(f"{what:40} notice on screen {noticed:5.1f} ms median ({noticed / floor:3.1f}× floor), "
              f"{worst:5.1f} worst; work began {began:5.1f} ms, notice shown first: "
              f"{'yes' if shown else 'NO'} — {'met' if met else 'NOT MET'}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
