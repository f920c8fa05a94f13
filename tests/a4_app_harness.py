"""Builds the real A4 app over a real SQLite store in a temporary folder, with time frozen.

Shared by the app, caseload, config and snapshot tests (and the benchmarks),
so they all drive the app the way `a4` starts it, minus the terminal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

from textual.pilot import Pilot

from forms.definition.registry import Registry, load_registry
from forms.model import Case
from storage.demo import demo_data
from storage.sqlite.store import SqliteStore
from tui.app import DEFAULT_FORM_ID, A4App
from tui.config import Config
from tui.screens.caseload import CaseloadScreen

TODAY = date(2026, 3, 2)
"""A Monday with no bank holiday near it, so working-day sums are easy to check by hand."""
USER = "sam.jones"


def shipped_registry() -> Registry:
    registry, errors = load_registry([])
    assert not errors, errors
    return registry


def fake_clock(step: float = 0.0) -> Callable[[], float]:
    """A monotonic clock that only moves when a test says so (by `step` per reading)."""
    counter = itertools.count()
    return lambda: next(counter) * step


def make_app(
    store: SqliteStore,
    config: Config | None = None,
    *,
    registry: Registry | None = None,
    notices: tuple[str, ...] = (),
) -> A4App:
    return A4App(
        store=store,
        registry=registry or shipped_registry(),
        config=config or Config(user=USER),
        today=lambda: TODAY,
        clock=fake_clock(),
        notices=notices,
    )


def fill_demo(store: SqliteStore, count: int, owner: str = USER, registry: Registry | None = None) -> None:
    """`count` invented cases owned by `owner`, most with a record (the same ones every run)."""
    form = (registry or shipped_registry()).assessment(DEFAULT_FORM_ID)
    assert form is not None
    data = demo_data(form, count, owner, TODAY)
    store.bulk_import(data.cases, data.records, form.deadlines)


def add_case(store: SqliteStore, ref: str, name: str, start: date, owner: str = USER) -> Case:
    form = shipped_registry().assessment(DEFAULT_FORM_ID)
    assert form is not None
    return store.create_case(Case(ref, name, start.isoformat(), owner, form.id), form.deadlines)


async def caseload_shown(pilot: Pilot[None]) -> CaseloadScreen:
    """Wait until the caseload has been read and put on screen; return the screen."""
    screen = pilot.app.screen
    assert isinstance(screen, CaseloadScreen)
    for _ in range(200):
        if screen.loaded:
            await pilot.pause()
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the caseload was never shown")


def table_column(screen: CaseloadScreen, key: str) -> list[str]:
    """The text of one column of the caseload table, top to bottom."""
    from tui.widgets.case_list import CaseList

    return screen.query_one(CaseList).column_text(key)
