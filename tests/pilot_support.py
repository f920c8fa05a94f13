"""Waiting for the app and reading its screen, shared by the Pilot tests (no tests here)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

PATIENCE_SECONDS = 15.0
"""How long a test waits for a worker or a screen before failing: generous, for a loaded CI machine."""


async def until(pilot: Pilot[Any], condition: Callable[[], Any], what: str = "the condition") -> None:
    """Pause until `condition()` holds (workers and screens settle), failing with what never happened.

    A screen is on top of the stack as soon as it is pushed, but its widgets exist only once it has
    mounted: on a loaded machine a test that queried it straight away found nothing, so the screen on
    top must have mounted too.
    """
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        if condition() and pilot.app.screen.is_mounted:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    notes = [n.message for n in pilot.app._notifications]
    raise AssertionError(f"never happened: {what} (screen {pilot.app.screen!r}, notices {notes})")


def screen_text(app: App[Any]) -> str:
    """Everything the screen shows now, as lines of plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def shown(pilot: Pilot[Any], needle: str) -> str:
    """The screen's text once it shows `needle` (fails if it never does)."""
    await until(pilot, lambda: needle in screen_text(pilot.app), f"the screen showing {needle!r}")
    return screen_text(pilot.app)


class CaseApp(App[None]):
    """A bare app that opens one screen (usually a `CaseScreen`) built outside it."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.case_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.case_screen)
