"""Helper for the kill test: types into the case screen headless and prints what it typed, when.

Run as ``python tests/kill_typing_app.py DB_PATH``: opens the store (the
test has created the case and record ``rec-1``), pushes the real case screen
with the real clock, and types the text from `typed_text()` one key at a
time, printing ``<unix time> <characters typed so far>`` after each key, until
it is killed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from textual import events
from textual.app import App

from forms.definition.registry import load_registry
from storage.sqlite.store import SqliteStore
from tui.screens.case_screen import CaseScreen

KEY_INTERVAL = 0.03
"""Seconds between keys: a fast typist (about 400 characters a minute)."""


def typed_text() -> str:
    """What the helper types: numbered words, so any prefix of it is recognisable."""
    return " ".join(f"w{n:04d}" for n in range(5000))


async def type_until_killed(db_path: Path) -> None:
    registry, _ = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(db_path)
    record = store.get_record("rec-1")
    case = store.get_case(record.case_ref)
    screen = CaseScreen(store=store, form=form, case=case, record=record, user="pat")

    class TypingApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    app = TypingApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        print("ready", flush=True)
        for count, char in enumerate(typed_text(), 1):
            # Posted as terminal input is: Pilot.press would wait on every widget after each key.
            app.post_message(events.Key("space" if char == " " else char, char))
            await asyncio.sleep(KEY_INTERVAL)
            print(f"{time.time():.3f} {count}", flush=True)


if __name__ == "__main__":
    asyncio.run(type_until_killed(Path(sys.argv[1])))
